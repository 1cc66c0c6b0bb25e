//! Network identities (libp2p node keys and peer ids) of test nodes.

use crate::node_binary;
use anyhow::{ensure, Context, Result};
use std::process::Command;

/// The node key of validator `index` (Alice = 0) in the committed local chain spec: 32 bytes,
/// all zero but the last, which is `index + 1`, as hex (no `0x`).
pub fn local_validator_node_key(index: u8) -> String {
	format!("{:064x}", u32::from(index) + 1)
}

/// The libp2p peer id of an ed25519 node key given as hex, as the node itself computes it
/// (`playnet-node key inspect-node-key`).
pub fn peer_id(node_key_hex: &str) -> Result<String> {
	let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
	let key_file = dir.path().join("node-key");
	std::fs::write(&key_file, node_key_hex).context("cannot write the node key file")?;

	let output = Command::new(node_binary()?)
		.args(["key", "inspect-node-key", "--file"])
		.arg(&key_file)
		.output()
		.context("cannot run `playnet-node key inspect-node-key`")?;
	ensure!(
		output.status.success(),
		"`playnet-node key inspect-node-key` failed ({}): {}",
		output.status,
		String::from_utf8_lossy(&output.stderr).trim()
	);
	let stdout = String::from_utf8(output.stdout).context("the peer id is not UTF-8")?;
	// The peer id is the one line of stdout; logs, if any, go to stderr.
	let peer_id = stdout.trim().to_owned();
	ensure!(
		peer_id.starts_with("12D3KooW"),
		"`playnet-node key inspect-node-key` printed no ed25519 peer id: {stdout:?}"
	);
	Ok(peer_id)
}
