//! The protocols every Playnet peer speaks, combined into one swarm behaviour.

use super::{
	chunk_exchange::ChunkCodec,
	proximity::{score_params, REGRAFT_HEARTBEATS},
	NetworkConfig,
};
use crate::p2p::chunk_exchange::CHUNK_PROTOCOL;
use libp2p::{
	allow_block_list, gossipsub, identify, identity::Keypair, kad, ping, request_response,
	swarm::NetworkBehaviour, StreamProtocol,
};

/// Kademlia's protocol name in world `world`: each world's peers form their own DHT, apart
/// from other worlds' and from IPFS's.
pub fn kademlia_protocol(world: &str) -> StreamProtocol {
	StreamProtocol::try_from_owned(format!("/playnet/{world}/kad/1")).expect("starts with a slash")
}
/// What identify reports as the protocol version.
pub const IDENTIFY_VERSION: &str = "playnet/1";
/// Chunk-exchange streams one connection runs at once, both directions together: past it,
/// outbound requests fail and inbound ones are dropped. Request-response's default is 100;
/// 256 (of Yamux's 512 streams a connection) keeps a burst of fetches from 4 seeders as fast
/// as without a per-peer limit (p2p_bench), at most 256 responses of 8 KiB buffered.
pub const CHUNK_STREAMS_PER_CONNECTION: usize = 256;

/// Blocked peers (dropped for misbehaving), Kademlia, identify, ping, gossip per region, the
/// chunk exchange, and raw streams for remote play (`crate::remote`).
#[derive(NetworkBehaviour)]
pub(crate) struct WorldBehaviour {
	pub blocked: allow_block_list::Behaviour<allow_block_list::BlockedPeers>,
	pub kademlia: kad::Behaviour<kad::store::MemoryStore>,
	pub identify: identify::Behaviour,
	pub ping: ping::Behaviour,
	pub gossipsub: gossipsub::Behaviour,
	pub chunks: request_response::Behaviour<ChunkCodec>,
	pub remote: libp2p_stream::Behaviour,
}

impl WorldBehaviour {
	pub fn new(key: &Keypair, config: &NetworkConfig) -> Result<Self, String> {
		let peer_id = key.public().to_peer_id();

		let mut kad_config = kad::Config::new(kademlia_protocol(&config.world));
		kad_config.set_periodic_bootstrap_interval(Some(config.dht_refresh));
		let mut kademlia =
			kad::Behaviour::with_config(peer_id, kad::store::MemoryStore::new(peer_id), kad_config);
		// Serve the DHT from the start: on loopback and LANs no external address is ever
		// confirmed, and in client mode peers would never learn about each other.
		kademlia.set_mode(Some(kad::Mode::Server));

		// Gossipsub's proportions around the chosen mesh size (6: 5 low, 12 high, 2 outbound,
		// 4 kept for their score), the nearest peers kept and sought as proximity.rs says.
		let mesh_n = config.gossip_mesh.max(1);
		let gossip_config = gossipsub::ConfigBuilder::default()
			.heartbeat_interval(config.gossip_heartbeat)
			.mesh_n(mesh_n)
			.mesh_n_low((mesh_n * 5 / 6).max(1))
			.mesh_n_high(mesh_n * 2)
			.mesh_outbound_min(mesh_n / 3)
			.retain_scores(mesh_n - mesh_n / 3)
			.opportunistic_graft_ticks(REGRAFT_HEARTBEATS)
			.validation_mode(gossipsub::ValidationMode::Strict)
			// Messages wait for the service's verdict before they are forwarded.
			.validate_messages()
			// Room for the signature and protobuf framing; the content limit is the service's.
			.max_transmit_size(super::messages::MAX_GOSSIP_BYTES * 2 + 1024)
			.build()
			.map_err(|e| format!("gossipsub config: {e}"))?;
		let mut gossipsub = gossipsub::Behaviour::new(
			gossipsub::MessageAuthenticity::Signed(key.clone()),
			gossip_config,
		)
		.map_err(|e| format!("gossipsub: {e}"))?;
		let (score_params, thresholds) = score_params();
		gossipsub
			.with_peer_score(score_params, thresholds)
			.map_err(|e| format!("gossipsub peer scoring: {e}"))?;

		let chunks = request_response::Behaviour::with_codec(
			ChunkCodec,
			[(CHUNK_PROTOCOL, request_response::ProtocolSupport::Full)],
			request_response::Config::default()
				.with_request_timeout(config.request_timeout)
				.with_max_concurrent_streams(CHUNK_STREAMS_PER_CONNECTION),
		);

		Ok(WorldBehaviour {
			blocked: Default::default(),
			kademlia,
			identify: identify::Behaviour::new(identify::Config::new(
				IDENTIFY_VERSION.into(),
				key.public(),
			)),
			ping: ping::Behaviour::default(),
			gossipsub,
			chunks,
			remote: libp2p_stream::Behaviour::new(),
		})
	}
}
