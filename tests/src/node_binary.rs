//! Finding the `playnet-node` binary under test.

use anyhow::{bail, ensure, Context, Result};
use std::path::PathBuf;

/// The environment variable that names the node binary to test, overriding the default.
pub const NODE_BINARY_ENV: &str = "PLAYNET_NODE";

/// The `playnet-node` binary the tests run.
///
/// `$PLAYNET_NODE` if set; otherwise the `playnet-node` of the same cargo target directory
/// and profile as the running executable: tests run from `<target>/release/deps/` and tools
/// such as `playnet-bench` from `<target>/release/`, where the node is built. Fails with the
/// command that builds it when missing.
pub fn node_binary() -> Result<PathBuf> {
	if let Some(path) = std::env::var_os(NODE_BINARY_ENV) {
		let path = PathBuf::from(path);
		ensure!(
			path.is_file(),
			"{NODE_BINARY_ENV}={} is not a file: point it at a built playnet-node",
			path.display()
		);
		return Ok(path);
	}

	let exe = std::env::current_exe().context("cannot find the running executable")?;
	let exe_dir = exe.parent().context("the running executable has no parent directory")?;
	let profile_dir = match exe_dir.file_name() {
		Some(name) if name == "deps" => exe_dir.parent().unwrap_or(exe_dir),
		_ => exe_dir,
	};
	let node = profile_dir.join(format!("playnet-node{}", std::env::consts::EXE_SUFFIX));
	if !node.is_file() {
		bail!(
			"playnet-node not found at {}: build it first with `./scripts/build.sh` (with the \
             same CARGO_TARGET_DIR as the tests), or set {NODE_BINARY_ENV}=/path/to/playnet-node",
			node.display()
		);
	}
	Ok(node)
}
