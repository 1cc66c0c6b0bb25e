//! The peer-to-peer world network.
//!
//! [`Network::start`] builds a libp2p swarm (TCP, Noise, Yamux) speaking Kademlia, identify,
//! ping, gossipsub and the chunk exchange, and runs it on a tokio task. The [`Network`] handle
//! sends it commands; [`NetworkEvent`]s come back on a channel.
//!
//! - Discovery: Kademlia, bootstrapped from multiaddrs that end in `/p2p/<peer id>`; peers the
//!   DHT finds are dialled so that gossip has a mesh.
//! - Worlds: every gossip topic and the DHT's protocol name carry [`NetworkConfig::world`] (a
//!   chain's clients use its genesis hash), so clients of different chains never mix. The
//!   chunk exchange is shared: a chunk is named by its content hash whatever the chain.
//! - Gossip: one topic per world region ([`region_topic`]) carrying [`WorldMessage`]s. Every
//!   message is checked ([`WorldMessage::from_gossip`]) before it is delivered or forwarded:
//!   its form, the game's rules, and for an edit delta or a withdrawal the signature of the
//!   account it speaks for; a bad one is rejected and costs its sender a strike. Each author
//!   speaks within an allowance per kind of message ([`flood`]): past it, its messages go no
//!   further and its own connections earn strikes.
//! - Proximity: peers nearer the player ([`Network::set_position`], their `PlayerMove` gossip)
//!   score higher, and each region's gossip mesh keeps and seeks the best-scored
//!   ([`proximity`]), so live deltas come from nearby players first.
//! - Chunk fetch: [`Network::fetch_chunk`] asks several connected peers at once for a chunk's
//!   bytes by content hash, those known to hold it first (they announced it on gossip or
//!   served it before), and returns the first answer that hashes to it and decodes
//!   canonically. A peer that sends other bytes is dropped at once.
//! - Peers are dropped (disconnected and refused for the rest of the process's life) at
//!   [`NetworkConfig::max_strikes`] strikes.

mod behaviour;
pub mod chunk_exchange;
mod fetch;
pub mod flood;
mod gossip;
pub mod messages;
mod offences;
mod providers;
pub mod proximity;
mod service;
#[cfg(test)]
pub(crate) mod tests;

pub use chunk_exchange::{ChunkRequest, ChunkResponse, RequestError};
pub use messages::{
	AccountBytes, ChatLine, ChunkAnnouncement, EditDelta, EditWithdrawal, MessageError, PlayerMove,
	SignatureBytes, WorldMessage,
};
pub use offences::Offence;

use crate::region::RegionCoord;
use libp2p::{
	gossipsub::{IdentTopic, TopicHash},
	identity::Keypair,
	kad, Multiaddr, PeerId,
};
use playnet_primitives::ContentHash;
use std::{sync::Arc, time::Duration};
use tokio::sync::{mpsc, oneshot};

/// Where the bytes this peer serves come from (the chunk cache, usually). Only bytes whose
/// BLAKE3 is `hash` should be returned; the asking peer checks them anyway.
pub trait ChunkSource: Send + Sync + 'static {
	/// The canonical bytes of the chunk with content hash `hash`, if this peer has them.
	fn chunk_bytes(&self, hash: &ContentHash) -> Option<Vec<u8>>;
}

/// How a peer runs.
#[derive(Clone, Debug)]
pub struct NetworkConfig {
	/// The identity; a fresh Ed25519 key when `None`.
	pub keypair: Option<Keypair>,
	/// Addresses to listen on, such as `/ip4/0.0.0.0/tcp/0`.
	pub listen: Vec<Multiaddr>,
	/// Peers to bootstrap the DHT from; each address must end in `/p2p/<peer id>`.
	pub bootstrap: Vec<Multiaddr>,
	/// How many peers a chunk fetch asks at once.
	pub fetch_fanout: usize,
	/// How long one peer has to answer a chunk request.
	pub request_timeout: Duration,
	/// Gossipsub's heartbeat (mesh upkeep and gossip emission).
	pub gossip_heartbeat: Duration,
	/// Peers each region's gossip mesh aims for; the nearest are preferred (see
	/// [`proximity`]).
	pub gossip_mesh: usize,
	/// How often the DHT is walked again to find new peers.
	pub dht_refresh: Duration,
	/// Strikes before a peer is dropped.
	pub max_strikes: u32,
	/// The most connected peers; discovery stops dialling past it.
	pub max_peers: usize,
	/// The world this network belongs to, in every gossip topic and in the DHT's protocol name,
	/// so that peers of different chains share neither: a `GameSession` sets it to its chain's
	/// [`world_of_genesis`]. ASCII letters, digits, `-` and `_`; the default is `"local"`.
	pub world: String,
}

impl Default for NetworkConfig {
	fn default() -> Self {
		NetworkConfig {
			keypair: None,
			listen: vec!["/ip4/0.0.0.0/tcp/0".parse().expect("a valid multiaddr")],
			bootstrap: Vec::new(),
			fetch_fanout: 3,
			request_timeout: Duration::from_secs(10),
			gossip_heartbeat: Duration::from_secs(1),
			gossip_mesh: 6,
			dht_refresh: Duration::from_secs(300),
			max_strikes: 3,
			max_peers: 50,
			world: "local".to_owned(),
		}
	}
}

/// Something that happened on the network.
#[derive(Clone, Debug)]
pub enum NetworkEvent {
	/// The peer now listens on this address.
	Listening(Multiaddr),
	/// A first connection to a peer opened.
	PeerConnected(PeerId),
	/// The last connection to a peer closed.
	PeerDisconnected(PeerId),
	/// A peer joined a region's topic.
	PeerSubscribed {
		/// The peer.
		peer: PeerId,
		/// The region.
		region: RegionCoord,
	},
	/// A checked message arrived on a region's topic.
	Gossip {
		/// Who wrote (and signed) it.
		author: PeerId,
		/// Who passed it on to this peer.
		via: PeerId,
		/// The topic's region.
		region: RegionCoord,
		/// The message.
		message: WorldMessage,
	},
	/// A peer broke the protocol.
	PeerPenalised {
		/// The peer.
		peer: PeerId,
		/// What it did.
		offence: Offence,
		/// Its strikes so far.
		strikes: u32,
		/// Whether it was dropped for it.
		dropped: bool,
	},
}

/// Why the network could not start.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
	/// The swarm could not be built.
	#[error("building the swarm: {0}")]
	Build(String),
	/// A listen address was refused.
	#[error("listening on {addr}: {reason}")]
	Listen {
		/// The address.
		addr: Multiaddr,
		/// Why.
		reason: String,
	},
	/// A peer could not be dialled.
	#[error("dialling {addr}: {reason}")]
	Dial {
		/// The address.
		addr: Multiaddr,
		/// Why.
		reason: String,
	},
	/// Joining a topic failed.
	#[error("subscribing to region {region}: {reason}")]
	Subscribe {
		/// The region.
		region: RegionCoord,
		/// Why.
		reason: String,
	},
	/// A bootstrap address does not end in `/p2p/<peer id>`.
	#[error("bootstrap address {0} does not end in /p2p/<peer id>")]
	BootstrapWithoutPeerId(Multiaddr),
	/// The DHT refused to store a provider record.
	#[error("announcing a provider record: {0}")]
	Provide(String),
	/// The network task has stopped.
	#[error("the network has stopped")]
	Stopped,
}

/// Why publishing failed.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
	/// The message breaks the rules (peers would reject it).
	#[error(transparent)]
	Invalid(#[from] MessageError),
	/// Gossipsub refused it, e.g. no peer is subscribed to the region yet.
	#[error("gossipsub: {0}")]
	Gossip(String),
	/// The network task has stopped.
	#[error("the network has stopped")]
	Stopped,
}

/// Why a chunk fetch failed.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum FetchError {
	/// No connected peer to ask.
	#[error("no connected peer to ask for chunk {0}")]
	NoPeers(ContentHash),
	/// Every peer asked answered without the chunk.
	#[error(
		"no peer had chunk {hash}: {not_found} answered not found, {failed} failed, {bad} sent bad bytes and were dropped"
	)]
	Unavailable {
		/// The chunk.
		hash: ContentHash,
		/// Peers that answered "not found".
		not_found: usize,
		/// Peers that did not answer (timeout, connection closed, protocol unsupported).
		failed: usize,
		/// Peers that sent bytes that are not the chunk.
		bad: usize,
	},
	/// The network task has stopped.
	#[error("the network has stopped")]
	Stopped,
}

/// The world name of the chain whose genesis hash is `genesis`: its first 8 bytes in hex (two
/// chains that share them would also share a world network; chunk bytes stay safe, as they are
/// checked against the chain's hashes).
pub fn world_of_genesis(genesis: &[u8; 32]) -> String {
	hex::encode(&genesis[..8])
}

/// Whether `world` can name a world network: non-empty, ASCII letters, digits, `-` and `_`.
pub fn valid_world(world: &str) -> bool {
	!world.is_empty()
		&& world.len() <= 64
		&& world.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The gossip topic of `region` in world `world`.
pub fn region_topic(world: &str, region: RegionCoord) -> IdentTopic {
	IdentTopic::new(format!("/playnet/{world}/world/1/region/{}/{}", region.x, region.z))
}

/// The region whose topic in world `world` is `topic`, if it is one.
pub fn topic_region(world: &str, topic: &TopicHash) -> Option<RegionCoord> {
	let rest = topic.as_str().strip_prefix("/playnet/")?.strip_prefix(world)?;
	let (x, z) = rest.strip_prefix("/world/1/region/")?.split_once('/')?;
	let region = RegionCoord::new(x.parse().ok()?, z.parse().ok()?);
	// Only the canonical spelling (no "+1", no leading zeros) names a region.
	(region_topic(world, region).hash() == *topic).then_some(region)
}

pub(crate) enum Command {
	Dial(Multiaddr, oneshot::Sender<Result<(), String>>),
	Subscribe(RegionCoord, oneshot::Sender<Result<(), String>>),
	Unsubscribe(RegionCoord, oneshot::Sender<()>),
	Publish(RegionCoord, WorldMessage, oneshot::Sender<Result<(), PublishError>>),
	Fetch(ContentHash, oneshot::Sender<Result<Vec<u8>, FetchError>>),
	ConnectedPeers(oneshot::Sender<Vec<PeerId>>),
	SetPosition([i32; 3]),
	Provide(kad::RecordKey, oneshot::Sender<Result<(), String>>),
	FindProviders(kad::RecordKey, oneshot::Sender<Vec<PeerId>>),
	/// A region's mesh peers and every connected peer's gossip score, to test proximity.
	#[cfg(test)]
	GossipView(RegionCoord, oneshot::Sender<GossipView>),
	/// The peers on record as holding a chunk, to test announcements.
	#[cfg(test)]
	Holders(ContentHash, oneshot::Sender<Vec<PeerId>>),
	/// Publish bytes as they are, to test how peers treat malformed gossip.
	#[cfg(test)]
	PublishRaw(RegionCoord, Vec<u8>, oneshot::Sender<Result<(), PublishError>>),
	/// Send a raw chunk request, to test how peers treat bad requests.
	#[cfg(test)]
	RawRequest(PeerId, Vec<u8>, oneshot::Sender<Result<ChunkResponse, String>>),
}

/// What gossipsub makes of a region's peers, to test proximity.
#[cfg(test)]
#[derive(Debug)]
pub(crate) struct GossipView {
	/// The region's mesh peers.
	pub mesh: Vec<PeerId>,
	/// Every connected peer's score.
	pub scores: std::collections::HashMap<PeerId, f64>,
}

/// A running peer. Dropping every clone stops it.
#[derive(Clone)]
pub struct Network {
	peer_id: PeerId,
	listen_addrs: Vec<Multiaddr>,
	commands: mpsc::Sender<Command>,
	streams: libp2p_stream::Control,
}

impl Network {
	/// Starts a peer serving chunks from `source`: listens, dials the bootstrap peers, and
	/// returns once every listener has an address. Must run inside a tokio runtime.
	pub async fn start(
		config: NetworkConfig,
		source: Arc<dyn ChunkSource>,
	) -> Result<(Network, mpsc::Receiver<NetworkEvent>), NetworkError> {
		service::start(config, source).await
	}

	/// This peer's id.
	pub fn peer_id(&self) -> PeerId {
		self.peer_id
	}

	/// The addresses the peer listened on when it started, each ending in `/p2p/<peer id>`.
	pub fn listen_addrs(&self) -> &[Multiaddr] {
		&self.listen_addrs
	}

	async fn ask<T>(&self, command: impl FnOnce(oneshot::Sender<T>) -> Command) -> Option<T> {
		let (reply, answer) = oneshot::channel();
		self.commands.send(command(reply)).await.ok()?;
		answer.await.ok()
	}

	/// Dials a peer.
	pub async fn dial(&self, addr: Multiaddr) -> Result<(), NetworkError> {
		match self.ask(|reply| Command::Dial(addr.clone(), reply)).await {
			Some(Ok(())) => Ok(()),
			Some(Err(reason)) => Err(NetworkError::Dial { addr, reason }),
			None => Err(NetworkError::Stopped),
		}
	}

	/// Joins `region`'s gossip topic.
	pub async fn subscribe(&self, region: RegionCoord) -> Result<(), NetworkError> {
		match self.ask(|reply| Command::Subscribe(region, reply)).await {
			Some(Ok(())) => Ok(()),
			Some(Err(reason)) => Err(NetworkError::Subscribe { region, reason }),
			None => Err(NetworkError::Stopped),
		}
	}

	/// Leaves `region`'s gossip topic.
	pub async fn unsubscribe(&self, region: RegionCoord) -> Result<(), NetworkError> {
		self.ask(|reply| Command::Unsubscribe(region, reply)).await.ok_or(NetworkError::Stopped)
	}

	/// Checks `message` and publishes it on `region`'s topic.
	pub async fn publish(
		&self,
		region: RegionCoord,
		message: WorldMessage,
	) -> Result<(), PublishError> {
		self.ask(|reply| Command::Publish(region, message, reply))
			.await
			.unwrap_or(Err(PublishError::Stopped))
	}

	/// Fetches the chunk whose canonical bytes hash to `hash` from connected peers, several
	/// at once; the bytes returned hash to `hash` and decode canonically.
	pub async fn fetch_chunk(&self, hash: ContentHash) -> Result<Vec<u8>, FetchError> {
		self.ask(|reply| Command::Fetch(hash, reply)).await.unwrap_or(Err(FetchError::Stopped))
	}

	/// Sets where the player is, in blocks: peers are scored by their distance from it, the
	/// nearest preferred in the gossip meshes. Peers' positions come from their moves.
	pub async fn set_position(&self, position: [i32; 3]) -> Result<(), NetworkError> {
		self.commands.send(Command::SetPosition(position)).await.map_err(|_| NetworkError::Stopped)
	}

	/// The peers connected now.
	pub async fn connected_peers(&self) -> Result<Vec<PeerId>, NetworkError> {
		self.ask(Command::ConnectedPeers).await.ok_or(NetworkError::Stopped)
	}

	/// Raw streams to and from peers (remote play opens and accepts its own protocol here).
	pub fn streams(&self) -> libp2p_stream::Control {
		self.streams.clone()
	}

	/// Announces in the world's DHT that this peer provides `key` (e.g. a contributor's remote
	/// play, [`crate::remote::host_key`]); kept announced while the peer runs.
	pub async fn provide(&self, key: &[u8]) -> Result<(), NetworkError> {
		let key = kad::RecordKey::new(&key);
		match self.ask(|reply| Command::Provide(key, reply)).await {
			Some(Ok(())) => Ok(()),
			Some(Err(reason)) => Err(NetworkError::Provide(reason)),
			None => Err(NetworkError::Stopped),
		}
	}

	/// The peers the world's DHT knows to provide `key`: the first ones found, or none when
	/// the query ends without any.
	pub async fn find_providers(&self, key: &[u8]) -> Result<Vec<PeerId>, NetworkError> {
		let key = kad::RecordKey::new(&key);
		self.ask(|reply| Command::FindProviders(key, reply)).await.ok_or(NetworkError::Stopped)
	}
}
