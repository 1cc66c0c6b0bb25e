//! End-to-end test harness for Playnet: real `playnet-node` processes, driven by real clients.
//!
//! The tests under `tests/tests/` use this crate to
//!
//! - find the node binary under test ([`node_binary`]: `$PLAYNET_NODE`, else the
//!   `playnet-node` beside the test executable, i.e. `target/release/playnet-node`);
//! - start nodes on free loopback ports ([`NodeBuilder`]), each logging to a file in its own
//!   temporary directory, and wait until their JSON-RPC answers;
//! - hold each process in a [`Node`] guard that kills and reaps it when dropped, so no node
//!   outlives its test, whether the test passes, fails or panics;
//! - wait for best and finalized block heights with a bounded timeout and an error that quotes
//!   the node's log;
//! - read Playnet's state and events through subxt's dynamic API ([`chain`]): no generated code
//!   and no committed metadata, so the tests follow the runtime as it changes;
//! - drive a window on a virtual X display ([`xvfb`]): key, button and pointer input through
//!   XTEST, and screenshots read back from the server;
//! - stand a lying peer between a light client and a node ([`peer_proxy`]): it relays the
//!   light client's protocols and, on demand, alters storage values in the node's proofs.
//!
//! Set `PLAYNET_KEEP_LOGS=1` to keep every node's working directory (its log and throwaway
//! database) after the test (the path is printed); the log tail is printed anyway when a test
//! panics.

pub mod chain;
mod node;
mod node_binary;
pub mod node_key;
pub mod peer_proxy;
mod ports;
pub mod xvfb;

pub use node::{Node, NodeBuilder};
pub use node_binary::{node_binary, NODE_BINARY_ENV};
pub use ports::free_ports;

use std::path::PathBuf;

/// The workspace root: the nearest directory holding `Cargo.lock` above the package whose
/// test runs (cargo sets `CARGO_MANIFEST_DIR` for the test process). Read at run time: the
/// compile-time value names the checkout the binary was built from, which is another one when
/// two checkouts share a target directory and the binary's sources did not change (cargo
/// fingerprints path packages relative to the workspace, so it does not rebuild it).
pub fn workspace_root() -> PathBuf {
	manifest_dir()
		.ancestors()
		.find(|dir| dir.join("Cargo.lock").is_file())
		.map(PathBuf::from)
		.unwrap_or_else(manifest_dir)
}

/// The manifest directory of the package whose test runs, as cargo tells it at run time;
/// this crate's at compile time otherwise.
pub fn manifest_dir() -> PathBuf {
	std::env::var_os("CARGO_MANIFEST_DIR")
		.map(PathBuf::from)
		.unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// The committed raw chain spec of the four-validator local network.
pub fn local_chain_spec() -> PathBuf {
	workspace_root().join("chain-spec").join("local.json")
}

/// Runs `future` for at most `timeout`; on expiry fails with "`what` did not finish within …".
///
/// For the waits subxt leaves unbounded (a transaction's way to finality, a subscription).
pub async fn within<T>(
	timeout: std::time::Duration,
	what: &str,
	future: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
	match tokio::time::timeout(timeout, future).await {
		Ok(result) => result,
		Err(_) => anyhow::bail!("{what} did not finish within {timeout:?}"),
	}
}
