//! Finding the `playnet-node` binary under test.

use anyhow::{bail, ensure, Context, Result};
use std::path::{Path, PathBuf};

/// The environment variable that names the node binary to test, overriding the default.
pub const NODE_BINARY_ENV: &str = "PLAYNET_NODE";

/// The `playnet-node` binary the tests run.
///
/// `$PLAYNET_NODE` if set; otherwise the `playnet-node` of the same cargo target directory
/// and profile as the running test executable (tests run from `<target>/release/deps/`, the
/// node is built to `<target>/release/`). Fails with the command that builds it when missing.
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

	let test_exe = std::env::current_exe().context("cannot find the running test executable")?;
	let profile_dir = test_exe
		.parent()
		.and_then(Path::parent)
		.context("the test executable has no <target>/<profile>/deps/ parent")?;
	let node = profile_dir.join(format!("playnet-node{}", std::env::consts::EXE_SUFFIX));
	if !node.is_file() {
		bail!(
			"playnet-node not found at {}: build it first with \
             `cargo build --release -p playnet-node` (with the same CARGO_TARGET_DIR as the \
             tests), or set {NODE_BINARY_ENV}=/path/to/playnet-node",
			node.display()
		);
	}
	Ok(node)
}
