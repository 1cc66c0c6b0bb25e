//! One connection to the chain, over a node's JSON-RPC or an embedded light client.

use crate::{Api, ChainError, Endpoint};
use serde_json::Value;
use std::time::{Duration, Instant};
use subxt::{
	lightclient::LightClient,
	rpcs::{rpc_params, RpcClient},
	OnlineClient, SubstrateConfig,
};

/// How long a light client may take to find peers and catch up with finality before
/// [`Connection::connect`] gives up: a checkpointed spec syncs in seconds, a genesis-only one
/// warp-syncs through every authority-set change since genesis.
const LIGHT_CLIENT_SYNC_TIMEOUT: Duration = Duration::from_secs(120);

/// How often a syncing light client's health is asked.
const HEALTH_POLL: Duration = Duration::from_millis(100);

/// Which backend a [`Connection`] uses.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Backend {
	/// A node's JSON-RPC, trusted.
	Node,
	/// An embedded light client, checking proofs.
	LightClient,
}

/// What a connection knew when it became ready: the first reads may follow.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Readiness {
	/// The backend.
	pub backend: Backend,
	/// The last finalized block when it became ready.
	pub finalized: u64,
	/// From the start of [`Connection::connect`] to then.
	pub elapsed: Duration,
}

impl std::fmt::Display for Readiness {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		let how = match self.backend {
			Backend::Node => "connected to the node",
			Backend::LightClient => "light client synced",
		};
		write!(f, "{how}, finalized #{} ({} ms)", self.finalized, self.elapsed.as_millis())
	}
}

/// One connection to the chain: subxt's client and the raw JSON-RPC, over either backend.
/// Dropping it stops the light client.
pub struct Connection {
	api: Api,
	rpc: RpcClient,
	readiness: Readiness,
	endpoint: String,
	/// Kept for as long as the connection: smoldot runs while it lives.
	_light_client: Option<LightClient>,
}

impl Connection {
	/// Connects to `endpoint`. For a light client this starts smoldot from the chain spec and
	/// returns once it has peers and has caught up with their finalized chain (at most two
	/// minutes), so the first read is of the chain's present, not of its genesis.
	pub async fn connect(endpoint: &Endpoint) -> Result<Self, ChainError> {
		Self::connect_within(endpoint, LIGHT_CLIENT_SYNC_TIMEOUT).await
	}

	/// [`Connection::connect`], giving a light client `sync_timeout` to find peers and catch
	/// up.
	pub async fn connect_within(
		endpoint: &Endpoint,
		sync_timeout: Duration,
	) -> Result<Self, ChainError> {
		let started = Instant::now();
		let name = endpoint.name();
		let connect_error = |e: &dyn std::fmt::Display| ChainError::Connect {
			endpoint: name.clone(),
			reason: e.to_string(),
		};
		let (rpc, light_client, backend) = match endpoint {
			Endpoint::Node(url) => {
				// ws:// is the usual way to a local or LAN node; the URL is the user's choice.
				let rpc = RpcClient::from_insecure_url(url).await.map_err(|e| connect_error(&e))?;
				(rpc, None, Backend::Node)
			}
			Endpoint::LightClient(spec) => {
				let (light_client, light_rpc) =
					LightClient::relay_chain(spec.to_json()).map_err(|e| connect_error(&e))?;
				let rpc = RpcClient::new(light_rpc);
				wait_until_synced(&rpc, spec.bootnodes(), &name, sync_timeout).await?;
				(rpc, Some(light_client), Backend::LightClient)
			}
		};
		let api = OnlineClient::<SubstrateConfig>::from_rpc_client(rpc.clone())
			.await
			.map_err(|e| connect_error(&e))?;
		let finalized = api
			.at_current_block()
			.await
			.map_err(ChainError::rpc("reading the finalized block"))?
			.block_number();
		let readiness = Readiness { backend, finalized, elapsed: started.elapsed() };
		tracing::debug!("{name}: {readiness}");
		Ok(Connection { api, rpc, readiness, endpoint: name, _light_client: light_client })
	}

	/// subxt's client: storage, runtime APIs, transactions and blocks.
	pub fn api(&self) -> &Api {
		&self.api
	}

	/// The raw JSON-RPC, for the methods subxt does not wrap (`system_accountNextIndex`).
	pub fn rpc(&self) -> &RpcClient {
		&self.rpc
	}

	/// The backend.
	pub fn backend(&self) -> Backend {
		self.readiness.backend
	}

	/// What the connection knew when it became ready.
	pub fn readiness(&self) -> Readiness {
		self.readiness
	}

	/// The node's URL or the light client's chain, for messages.
	pub fn endpoint(&self) -> &str {
		&self.endpoint
	}

	/// The chain's genesis hash.
	pub fn genesis_hash(&self) -> [u8; 32] {
		self.api.genesis_hash().0
	}
}

/// Waits until the light client has a peer and no longer syncs (`system_health`).
async fn wait_until_synced(
	rpc: &RpcClient,
	bootnodes: Vec<String>,
	name: &str,
	timeout: Duration,
) -> Result<(), ChainError> {
	let deadline = Instant::now() + timeout;
	loop {
		let last;
		match rpc.request::<Value>("system_health", rpc_params![]).await {
			Ok(health) => {
				let peers = health.get("peers").and_then(Value::as_u64).unwrap_or(0);
				let syncing = health.get("isSyncing").and_then(Value::as_bool).unwrap_or(true);
				if peers > 0 && !syncing {
					return Ok(());
				}
				last = format!("{peers} peers, syncing: {syncing}");
			}
			Err(e) => last = e.to_string(),
		}
		if Instant::now() >= deadline {
			return Err(ChainError::Connect {
				endpoint: name.into(),
				reason: format!(
					"not synced within {timeout:?} ({last}); bootnodes: {}",
					bootnodes.join(", ")
				),
			});
		}
		tokio::time::sleep(HEALTH_POLL).await;
	}
}
