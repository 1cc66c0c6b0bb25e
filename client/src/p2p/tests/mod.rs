//! The network on loopback: real swarms on 127.0.0.1 with ephemeral ports, no chain.

mod announcements;
mod bad_input;
mod fetch;
mod gossip;
mod proximity;
mod remote_streams;
mod worlds;

use super::{ChunkSource, Command, Network, NetworkConfig, NetworkEvent};
use crate::region::RegionCoord;
use libp2p::{Multiaddr, PeerId};
use playnet_primitives::{world::encoding::encode_chunk, Chunk, ContentHash};
use std::{collections::HashMap, sync::Arc, time::Duration};
use tokio::sync::{mpsc, oneshot};

/// The longest any test waits for one thing to happen.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A chunk source backed by a map, which may hold bytes that do not match their key (a
/// lying peer).
#[derive(Default)]
pub struct MapSource(pub HashMap<ContentHash, Vec<u8>>);

impl ChunkSource for MapSource {
	fn chunk_bytes(&self, hash: &ContentHash) -> Option<Vec<u8>> {
		self.0.get(hash).cloned()
	}
}

/// The canonical bytes of a chunk filled with `block`, and their hash.
pub fn filled_chunk(block: u16) -> (ContentHash, Vec<u8>) {
	let bytes = encode_chunk(&Chunk::filled(block));
	(ContentHash::of(&bytes), bytes)
}

/// The canonical bytes of the `n`th of 4096 distinct chunks (stone with one brick), and
/// their hash.
pub fn distinct_chunk(n: u32) -> (ContentHash, Vec<u8>) {
	use playnet_primitives::world::blocks::{BRICK, STONE};
	let mut chunk = Chunk::filled(STONE);
	chunk.set(n % 16, n / 16 % 16, n / 256 % 16, BRICK);
	let bytes = encode_chunk(&chunk);
	(ContentHash::of(&bytes), bytes)
}

pub struct Peer {
	pub network: Network,
	pub events: mpsc::Receiver<NetworkEvent>,
}

impl Peer {
	pub async fn start(source: impl ChunkSource, bootstrap: &[&Peer]) -> Peer {
		Peer::start_with(source, bootstrap, |_| {}).await
	}

	/// Starts a peer with the tests' config changed by `tweak`.
	pub async fn start_with(
		source: impl ChunkSource,
		bootstrap: &[&Peer],
		tweak: impl FnOnce(&mut NetworkConfig),
	) -> Peer {
		let mut config = NetworkConfig {
			listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
			bootstrap: bootstrap.iter().map(|peer| peer.addr()).collect(),
			request_timeout: Duration::from_secs(5),
			gossip_heartbeat: Duration::from_millis(100),
			dht_refresh: Duration::from_secs(1),
			..NetworkConfig::default()
		};
		tweak(&mut config);
		let (network, events) = Network::start(config, Arc::new(source)).await.unwrap();
		Peer { network, events }
	}

	pub fn id(&self) -> PeerId {
		self.network.peer_id()
	}

	pub fn addr(&self) -> Multiaddr {
		self.network.listen_addrs()[0].clone()
	}

	/// Waits for the first event that `wanted` maps to `Some`, skipping others.
	pub async fn expect<T>(
		&mut self,
		what: &str,
		mut wanted: impl FnMut(&NetworkEvent) -> Option<T>,
	) -> T {
		let wait = async {
			loop {
				let event = self.events.recv().await.expect("the network stopped");
				if let Some(found) = wanted(&event) {
					return found;
				}
			}
		};
		tokio::time::timeout(TIMEOUT, wait)
			.await
			.unwrap_or_else(|_| panic!("no {what} within {TIMEOUT:?}"))
	}

	pub async fn expect_connected(&mut self, peer: PeerId) {
		self.expect("connection", |e| {
			matches!(e, NetworkEvent::PeerConnected(p) if *p == peer).then_some(())
		})
		.await
	}

	pub async fn connected_peers(&self) -> Vec<PeerId> {
		self.network.connected_peers().await.unwrap()
	}

	/// Waits until this peer is subscribed to `region` and `peers` have joined it too.
	pub async fn expect_joined(&mut self, region: RegionCoord, peers: &[PeerId]) {
		let mut missing: std::collections::HashSet<PeerId> = peers.iter().copied().collect();
		while !missing.is_empty() {
			let joined = self
				.expect("peers joining the region", |e| match e {
					NetworkEvent::PeerSubscribed { peer, region: r } if *r == region => Some(*peer),
					_ => None,
				})
				.await;
			missing.remove(&joined);
		}
	}

	/// Runs a test-only command.
	pub async fn command<T>(&self, command: impl FnOnce(oneshot::Sender<T>) -> Command) -> T {
		self.network.ask(command).await.expect("the network stopped")
	}
}
