//! Chain specifications: `dev` (Alice alone) and `local` (Alice, Bob, Charlie and Dave).
//!
//! Both are built from the runtime's genesis presets, with the chain properties polkadot.js
//! needs to show PGT balances right (`tokenSymbol`, `tokenDecimals`, `ss58Format`). The raw
//! `local` spec is committed in `chain-spec/local.json`; `chain-spec/README.md` says how it is
//! regenerated.

use playnet_runtime::{currency, SS58_PREFIX, WASM_BINARY};
use polkadot_sdk::{
	sc_chain_spec::{ChainSpecExtension, ChainType, Properties},
	sc_network::config::{ed25519, MultiaddrWithPeerId},
	sc_service,
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
};

/// Playnet's chain spec. Its one extension, `lightSyncState`, is empty in every spec the node
/// builds (and then not written, so light clients load the committed spec as it is); the
/// `sync_state_genSyncSpec` RPC fills it with a checkpoint of the node's finalized state, from
/// which a light client starts without syncing from genesis.
pub type ChainSpec = sc_service::GenericChainSpec<Extensions>;

/// The chain spec's extensions.
#[derive(Default, Clone, serde::Serialize, serde::Deserialize, ChainSpecExtension)]
#[serde(rename_all = "camelCase")]
pub struct Extensions {
	/// A light client's checkpoint: only in specs served by `sync_state_genSyncSpec`.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub light_sync_state: polkadot_sdk::sc_sync_state_rpc::LightSyncStateExtension,
}

/// The first P2P port of the local network; validator `i` (Alice = 0) listens on this + i.
pub const LOCAL_FIRST_P2P_PORT: u16 = 30333;

/// The well-known local validators, in the order of their node keys and ports.
pub const LOCAL_VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// The node key (libp2p identity secret) of local validator `index`: 32 bytes, all zero but the
/// last, which is `index + 1`. Published on purpose: these keys are for loopback test networks.
pub fn local_node_key(index: u8) -> [u8; 32] {
	let mut key = [0u8; 32];
	key[31] = index + 1;
	key
}

/// The bootnode address of local validator `index` on loopback.
fn local_bootnode(index: u8) -> Result<MultiaddrWithPeerId, String> {
	let secret = ed25519::SecretKey::try_from_bytes(local_node_key(index))
		.map_err(|e| format!("invalid local node key {index}: {e}"))?;
	let peer_id = ed25519::Keypair::from(secret).public().to_peer_id();
	let port = LOCAL_FIRST_P2P_PORT + u16::from(index);
	format!("/ip4/127.0.0.1/tcp/{port}/p2p/{peer_id}")
		.parse()
		.map_err(|e| format!("invalid bootnode address: {e:?}"))
}

/// `tokenSymbol`, `tokenDecimals` and `ss58Format`, which polkadot.js reads to show balances.
fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), currency::SYMBOL.into());
	properties.insert("tokenDecimals".into(), currency::DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The runtime's wasm binary is not available: this node was built with SKIP_WASM_BUILD. \
		 Rebuild without it."
			.to_string()
	})
}

/// One validator (Alice) on this machine.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, Default::default())
		.with_name("Playnet Development")
		.with_id("playnet_dev")
		.with_protocol_id("playnet")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// Four validators (Alice, Bob, Charlie, Dave) on loopback, ports 30333 to 30336.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	let boot_nodes =
		(0..LOCAL_VALIDATORS.len() as u8).map(local_bootnode).collect::<Result<Vec<_>, _>>()?;
	Ok(ChainSpec::builder(wasm_binary()?, Default::default())
		.with_name("Playnet Local Testnet")
		.with_id("playnet_local")
		.with_protocol_id("playnet")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(LOCAL_TESTNET_RUNTIME_PRESET)
		.with_boot_nodes(boot_nodes)
		.with_properties(properties())
		.build())
}
