//! Where a program reaches the chain: a node's JSON-RPC, or a light client's chain spec.

use crate::ChainError;
use serde_json::Value;
use std::{
	path::Path,
	time::{Duration, Instant},
};
use subxt::rpcs::{rpc_params, RpcClient};

/// The committed raw spec of the four-validator local network (`chain-spec/local.json`), with
/// its bootnodes on `127.0.0.1:30333`-`30336`.
pub const LOCAL_CHAIN_SPEC: &str = include_str!("../../chain-spec/local.json");

/// Where a program reaches the chain.
#[derive(Clone, Debug)]
pub enum Endpoint {
	/// A node's JSON-RPC WebSocket URL (`ws://` or `wss://`). The node is trusted: what it
	/// answers is what the program sees.
	Node(String),
	/// An embedded light client started from a chain spec: it follows finality itself and
	/// checks every read against the finalized state root with a Merkle proof from its peers.
	LightClient(ChainSpec),
}

impl Endpoint {
	/// The node's URL or the chain spec's name, for messages.
	pub fn name(&self) -> String {
		match self {
			Endpoint::Node(url) => url.clone(),
			Endpoint::LightClient(spec) => format!("light client of {}", spec.name()),
		}
	}
}

/// A raw chain spec, checked to be one a light client can start from: a JSON object whose
/// genesis is given as raw storage.
#[derive(Clone, Debug)]
pub struct ChainSpec {
	name: String,
	json: Value,
}

impl ChainSpec {
	/// Reads the spec in `text`; `source_name` says where it came from, for errors.
	pub fn from_json(source_name: &str, text: &str) -> Result<Self, ChainError> {
		let error =
			|reason: String| ChainError::ChainSpec { source_name: source_name.into(), reason };
		let json: Value = serde_json::from_str(text).map_err(|e| error(e.to_string()))?;
		Self::from_value(source_name, json)
	}

	fn from_value(source_name: &str, json: Value) -> Result<Self, ChainError> {
		let error = |reason: &str| ChainError::ChainSpec {
			source_name: source_name.into(),
			reason: reason.into(),
		};
		let object = json.as_object().ok_or_else(|| error("not a JSON object"))?;
		if object.get("genesis").and_then(|genesis| genesis.get("raw")).is_none() {
			return Err(error(
				"no raw genesis (a light client needs `build-spec --raw` output, not a preset)",
			));
		}
		let name = object
			.get("name")
			.and_then(Value::as_str)
			.filter(|name| !name.is_empty())
			.unwrap_or(source_name)
			.to_owned();
		Ok(ChainSpec { name, json })
	}

	/// Reads the spec in the file at `path`.
	pub fn from_file(path: &Path) -> Result<Self, ChainError> {
		let source_name = path.display().to_string();
		let text = std::fs::read_to_string(path).map_err(|e| ChainError::ChainSpec {
			source_name: source_name.clone(),
			reason: e.to_string(),
		})?;
		Self::from_json(&source_name, &text)
	}

	/// The committed spec of the four-validator local network.
	pub fn local() -> Result<Self, ChainError> {
		Self::from_json("chain-spec/local.json", LOCAL_CHAIN_SPEC)
	}

	/// The spec the node at `url` serves (`sync_state_genSyncSpec`, raw, with a checkpoint of
	/// its finalized state), with that node's own listen addresses as bootnodes: the way to
	/// follow a `--dev` chain, whose spec is made by the node and not committed.
	///
	/// The node is trusted once, for the genesis it names; every read after that is checked
	/// by the light client against that genesis.
	pub async fn from_node(url: &str) -> Result<Self, ChainError> {
		let connect = |e: &dyn std::fmt::Display| ChainError::Connect {
			endpoint: url.to_owned(),
			reason: e.to_string(),
		};
		// ws:// is the usual way to a local or LAN node; the URL is the user's choice.
		let rpc = RpcClient::from_insecure_url(url).await.map_err(|e| connect(&e))?;
		// The checkpoint is of the finalized block, and the genesis block has none.
		wait_for_a_finalized_block(&rpc, url).await?;
		let spec: Value = rpc
			.request("sync_state_genSyncSpec", rpc_params![true])
			.await
			.map_err(ChainError::rpc("asking the node for its chain spec"))?;
		let addresses: Vec<String> = rpc
			.request("system_localListenAddresses", rpc_params![])
			.await
			.map_err(ChainError::rpc("asking the node for its listen addresses"))?;
		let bootnodes: Vec<String> =
			addresses.into_iter().filter(|address| is_light_client_dialable(address)).collect();
		if bootnodes.is_empty() {
			return Err(ChainError::ChainSpec {
				source_name: url.into(),
				reason: "the node listens on no TCP address a light client can dial".into(),
			});
		}
		Self::from_value(url, spec)?.with_bootnodes(bootnodes)
	}

	/// The spec's name (`"Development"`, `"Local Testnet"`, ...).
	pub fn name(&self) -> &str {
		&self.name
	}

	/// The bootnodes the spec names.
	pub fn bootnodes(&self) -> Vec<String> {
		self.json
			.get("bootNodes")
			.and_then(Value::as_array)
			.map(|nodes| nodes.iter().filter_map(Value::as_str).map(str::to_owned).collect())
			.unwrap_or_default()
	}

	/// The same spec with `extra` bootnodes first (multiaddresses ending in `/p2p/<peer id>`).
	pub fn with_bootnodes(
		self,
		extra: impl IntoIterator<Item = String>,
	) -> Result<Self, ChainError> {
		let mut nodes: Vec<String> = extra.into_iter().collect();
		for node in self.bootnodes() {
			if !nodes.contains(&node) {
				nodes.push(node);
			}
		}
		self.with_only_bootnodes(nodes)
	}

	/// The same spec with `nodes` as its only bootnodes.
	pub fn with_only_bootnodes(
		mut self,
		nodes: impl IntoIterator<Item = String>,
	) -> Result<Self, ChainError> {
		let nodes: Vec<String> = nodes.into_iter().collect();
		for node in &nodes {
			if !node.contains("/p2p/") {
				return Err(ChainError::ChainSpec {
					source_name: self.name.clone(),
					reason: format!("bootnode {node} does not end in /p2p/<peer id>"),
				});
			}
		}
		if let Some(object) = self.json.as_object_mut() {
			object.insert("bootNodes".into(), nodes.into_iter().map(Value::String).collect());
		}
		Ok(self)
	}

	/// The spec as JSON text, as smoldot reads it.
	pub fn to_json(&self) -> String {
		self.json.to_string()
	}
}

/// How long [`ChainSpec::from_node`] waits for a young chain to finalize its first block.
const FIRST_FINALIZED_TIMEOUT: Duration = Duration::from_secs(60);

/// Waits until the node at the other end of `rpc` has finalized a block after genesis.
async fn wait_for_a_finalized_block(rpc: &RpcClient, url: &str) -> Result<(), ChainError> {
	const WHAT: &str = "asking the node for its finalized block";
	let deadline = Instant::now() + FIRST_FINALIZED_TIMEOUT;
	loop {
		let hash: Value = rpc
			.request("chain_getFinalizedHead", rpc_params![])
			.await
			.map_err(ChainError::rpc(WHAT))?;
		let header: Value = rpc
			.request("chain_getHeader", rpc_params![hash])
			.await
			.map_err(ChainError::rpc(WHAT))?;
		let number = header
			.get("number")
			.and_then(Value::as_str)
			.and_then(|hex| u64::from_str_radix(hex.trim_start_matches("0x"), 16).ok())
			.ok_or_else(|| ChainError::Decode { what: WHAT, reason: format!("{header}") })?;
		if number > 0 {
			return Ok(());
		}
		if Instant::now() >= deadline {
			return Err(ChainError::ChainSpec {
				source_name: url.into(),
				reason: format!(
					"the node finalized no block within {FIRST_FINALIZED_TIMEOUT:?}, and a light \
					 client starts from a finalized block"
				),
			});
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
}

/// A native light client dials plain TCP and WebSocket addresses; a node's memory or
/// WebRTC addresses are of no use to it.
fn is_light_client_dialable(address: &str) -> bool {
	(address.starts_with("/ip4/") || address.starts_with("/ip6/") || address.starts_with("/dns"))
		&& address.contains("/tcp/")
		&& address.contains("/p2p/")
}

/// The command-line options that name the chain, the same in every program.
#[derive(clap::Args, Clone, Debug)]
pub struct ChainArgs {
	/// The node's JSON-RPC WebSocket URL. With `--chain dev`, the node the light client takes
	/// its chain spec and first peer from.
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	pub node: String,
	/// Reach the chain through an embedded light client that checks every read with a proof,
	/// instead of trusting the node: `dev` (the `--dev` chain of the node at --node), `local`
	/// (the committed four-validator network) or the path of a raw chain spec.
	#[arg(long, value_name = "dev|local|PATH")]
	pub chain: Option<String>,
	/// A peer for the light client, ending in /p2p/<peer id> (repeatable), tried before the
	/// spec's bootnodes.
	#[arg(long, requires = "chain")]
	pub bootnode: Vec<String>,
}

impl ChainArgs {
	/// The endpoint these options name (for `--chain dev`, after asking the node for its
	/// spec).
	pub async fn endpoint(&self) -> Result<Endpoint, ChainError> {
		let spec = match self.chain.as_deref() {
			None => return Ok(Endpoint::Node(self.node.clone())),
			Some("dev") => ChainSpec::from_node(&self.node).await?,
			Some("local") => ChainSpec::local()?,
			Some(path) => ChainSpec::from_file(Path::new(path))?,
		};
		Ok(Endpoint::LightClient(spec.with_bootnodes(self.bootnode.clone())?))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_committed_local_spec_starts_a_light_client() {
		let spec = ChainSpec::local().expect("the committed spec is raw");
		assert_eq!(spec.bootnodes().len(), 4);
		assert!(spec.bootnodes().iter().all(|node| node.starts_with("/ip4/127.0.0.1/tcp/")));
	}

	#[test]
	fn a_spec_without_raw_genesis_is_refused() {
		let error =
			ChainSpec::from_json("preset.json", r#"{"name":"x","genesis":{"runtimeGenesis":{}}}"#)
				.expect_err("no raw genesis");
		assert!(error.to_string().contains("no raw genesis"), "{error}");
		assert!(ChainSpec::from_json("bad.json", "not json").is_err());
		assert!(ChainSpec::from_json("array.json", "[]").is_err());
		assert!(ChainSpec::from_file(Path::new("/nonexistent/spec.json")).is_err());
	}

	#[test]
	fn extra_bootnodes_come_first_and_must_name_a_peer() {
		let spec = ChainSpec::local().expect("the committed spec");
		let first = "/ip4/10.0.0.1/tcp/1/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp";
		let spec = spec.with_bootnodes([first.to_owned()]).expect("a full address");
		assert_eq!(spec.bootnodes()[0], first);
		assert_eq!(spec.bootnodes().len(), 5);
		assert!(spec.with_bootnodes(["/ip4/10.0.0.1/tcp/1".to_owned()]).is_err());
	}

	#[test]
	fn only_tcp_addresses_with_a_peer_id_are_bootnodes() {
		assert!(is_light_client_dialable("/ip4/127.0.0.1/tcp/30333/p2p/12D3Koo"));
		assert!(!is_light_client_dialable("/ip4/127.0.0.1/tcp/30333"));
		assert!(!is_light_client_dialable("/ip4/127.0.0.1/udp/30333/webrtc-direct/p2p/12D3Koo"));
		assert!(!is_light_client_dialable("/memory/1/p2p/12D3Koo"));
	}
}
