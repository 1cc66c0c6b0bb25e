//! Sessions over an in-memory chain, with a peer on loopback announcing chunk versions.

use super::*;
use crate::{
	chain::{ChainChunk, ChunkRecord, FinalizedWorldBlock, RegionAction, Submission, WorldEvent},
	p2p::{
		tests::{distinct_chunk, MapSource, Peer, TIMEOUT},
		ChunkAnnouncement, NetworkEvent,
	},
};
use futures::channel::mpsc;
use playnet_primitives::{world::encoding::encode_chunk, WorldGenerator};
use std::collections::HashMap;

/// A chunk in region (0, 0), the player's at the start.
const COORD: ChunkCoord = ChunkCoord::new(1, 4, 1);
const REGION: RegionCoord = RegionCoord { x: 0, z: 0 };
const SEED: u64 = 7;

/// The chain's chunks, set by the test, and finalized blocks it sends.
struct MemoryChain {
	chunks: Mutex<HashMap<ChunkCoord, ChainChunk>>,
	blocks: mpsc::UnboundedSender<Result<FinalizedWorldBlock, ChainError>>,
	stream: Mutex<Option<crate::chain::WorldEventStream>>,
}

impl MemoryChain {
	fn new() -> Arc<Self> {
		let (blocks, receiver) = mpsc::unbounded();
		Arc::new(MemoryChain {
			chunks: Mutex::new(HashMap::new()),
			blocks,
			stream: Mutex::new(Some(Box::pin(receiver))),
		})
	}

	/// Records `bytes` as version `version` of `coord`, as a finalized block would.
	fn set(&self, coord: ChunkCoord, version: ChunkVersion, bytes: &[u8]) -> ContentHash {
		let content_hash = ContentHash::of(bytes);
		let chunk = ChainChunk { version, content_hash, bytes: bytes.to_vec() };
		self.chunks.lock().unwrap().insert(coord, chunk);
		content_hash
	}

	/// Finalizes a block announcing version `version` of `coord`, set before.
	fn finalize(&self, coord: ChunkCoord, version: ChunkVersion) {
		let content_hash = self.chunks.lock().unwrap()[&coord].content_hash;
		let event = WorldEvent::ChunkUpdated { coord, version, content_hash };
		let block = FinalizedWorldBlock { number: u64::from(version), events: vec![event] };
		self.blocks.unbounded_send(Ok(block)).unwrap();
	}
}

/// The memory chain's genesis hash.
const GENESIS: [u8; 32] = [7; 32];

/// A peer in the memory chain's world network, serving `source`.
async fn chain_peer(source: MapSource) -> Peer {
	Peer::start_with(source, &[], |c| c.world = crate::p2p::world_of_genesis(&GENESIS)).await
}

#[async_trait::async_trait]
impl WorldChain for MemoryChain {
	fn account(&self) -> crate::p2p::AccountBytes {
		subxt_signer::sr25519::dev::ferdie().public_key().0
	}

	fn sign(&self, payload: &[u8]) -> [u8; 64] {
		subxt_signer::sr25519::dev::ferdie().sign(payload).0
	}

	fn genesis_hash(&self) -> [u8; 32] {
		GENESIS
	}

	async fn world_seed(&self) -> Result<u64, ChainError> {
		Ok(SEED)
	}

	async fn chunk_record(&self, coord: ChunkCoord) -> Result<Option<ChunkRecord>, ChainError> {
		Ok(self.chunks.lock().unwrap().get(&coord).map(|chunk| ChunkRecord {
			version: chunk.version,
			content_hash: chunk.content_hash,
			author: None,
			updated_at: 1,
		}))
	}

	async fn chunk(&self, coord: ChunkCoord) -> Result<ChainChunk, ChainError> {
		if let Some(chunk) = self.chunks.lock().unwrap().get(&coord) {
			return Ok(chunk.clone());
		}
		let bytes = encode_chunk(&WorldGenerator::new(SEED).chunk(coord));
		Ok(ChainChunk { version: 0, content_hash: ContentHash::of(&bytes), bytes })
	}

	async fn submit_edits(
		&self,
		_: ChunkCoord,
		_: ChunkVersion,
		_: Vec<BlockEdit>,
		_: u64,
	) -> Result<Submission, ChainError> {
		Err(ChainError::Refused {
			call: "a test call".into(),
			reason: "no submissions in these tests".into(),
		})
	}

	async fn region(
		&self,
		_: RegionAction,
	) -> Result<tokio::sync::oneshot::Receiver<DispatchOutcome>, ChainError> {
		Err(ChainError::Refused {
			call: "a test call".into(),
			reason: "no submissions in these tests".into(),
		})
	}

	async fn finalized_events(&self) -> Result<crate::chain::WorldEventStream, ChainError> {
		self.stream.lock().unwrap().take().ok_or_else(|| ChainError::Refused {
			call: "a test call".into(),
			reason: "one follower only".into(),
		})
	}
}

/// A session over `chain` that knows `peer`, once `peer` saw it join region (0, 0).
async fn start_session(
	chain: &Arc<MemoryChain>,
	peer: &mut Peer,
) -> (GameSession, tempfile::TempDir) {
	let dir = tempfile::tempdir().unwrap();
	let cache = Arc::new(ChunkCache::open(dir.path(), 1 << 20).unwrap());
	let network = NetworkConfig {
		listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
		bootstrap: vec![peer.addr()],
		request_timeout: Duration::from_secs(5),
		gossip_heartbeat: Duration::from_millis(100),
		dht_refresh: Duration::from_secs(1),
		..NetworkConfig::default()
	};
	let session =
		GameSession::start(chain.clone(), network, cache.clone(), cache, SessionConfig::default())
			.await
			.unwrap();
	peer.expect_joined(REGION, &[session.network().peer_id()]).await;
	(session, dir)
}

async fn expect_event<T>(
	events: &mut broadcast::Receiver<SessionEvent>,
	what: &str,
	mut wanted: impl FnMut(&SessionEvent) -> Option<T>,
) -> T {
	let wait = async {
		loop {
			let event = events.recv().await.expect("the session stopped");
			if let Some(found) = wanted(&event) {
				return found;
			}
		}
	};
	tokio::time::timeout(TIMEOUT, wait)
		.await
		.unwrap_or_else(|_| panic!("no {what} within {TIMEOUT:?}"))
}

/// The next confirmation of `COORD`: its version, hash and where the bytes came from.
async fn confirmation(
	events: &mut broadcast::Receiver<SessionEvent>,
) -> (ChunkVersion, ContentHash, ChunkOrigin) {
	expect_event(events, "the confirmation", |e| match e {
		SessionEvent::ChunkConfirmed { coord, version, hash, origin } if *coord == COORD => {
			Some((*version, *hash, *origin))
		}
		_ => None,
	})
	.await
}

fn announcement(version: ChunkVersion, hash: ContentHash) -> WorldMessage {
	WorldMessage::ChunkVersion(ChunkAnnouncement { coord: COORD, version, timestamp_ms: 1, hash })
}

#[tokio::test]
async fn a_chain_version_the_session_loads_is_announced_on_its_region() {
	let chain = MemoryChain::new();
	let hash = chain.set(COORD, 2, &distinct_chunk(2).1);
	let mut peer = chain_peer(MapSource::default()).await;
	peer.network.subscribe(REGION).await.unwrap();
	let (session, _dir) = start_session(&chain, &mut peer).await;

	assert_eq!(session.ensure_chunk(COORD).await.unwrap(), ChunkOrigin::Node);
	let session_id = session.network().peer_id();
	let heard = peer
		.expect("the announcement", |e| match e {
			NetworkEvent::Gossip { author, message: WorldMessage::ChunkVersion(a), .. }
				if *author == session_id =>
			{
				Some(*a)
			}
			_ => None,
		})
		.await;
	assert_eq!((heard.coord, heard.version, heard.hash), (COORD, 2, hash));
	// Once per version: announcing it again is refused by the session's own record.
	assert!(!session.inner().state().announcements.to_announce(&COORD, 2));
}

#[tokio::test]
async fn a_newer_announced_version_is_prefetched_and_confirmed_from_the_cache_at_finality() {
	let chain = MemoryChain::new();
	let old = chain.set(COORD, 2, &distinct_chunk(2).1);
	let (new, new_bytes) = distinct_chunk(3);
	let mut seeder = chain_peer(MapSource(HashMap::from([(new, new_bytes.clone())]))).await;
	seeder.network.subscribe(REGION).await.unwrap();
	let (session, _dir) = start_session(&chain, &mut seeder).await;
	let mut events = session.subscribe();
	session.ensure_chunk(COORD).await.unwrap();

	seeder.network.publish(REGION, announcement(3, new)).await.unwrap();
	let seeder_id = seeder.id();
	let prefetched = expect_event(&mut events, "a prefetch", |e| match e {
		SessionEvent::ChunkPrefetched { coord, version, hash, from } if *coord == COORD => {
			Some((*version, *hash, *from))
		}
		_ => None,
	})
	.await;
	assert_eq!(prefetched, (3, new, seeder_id));
	assert!(session.cache().contains(&new));
	// A hint only: the chunk is still at the chain's version.
	let (version, hash, ..) = session.chunk_status(COORD).unwrap();
	assert_eq!((version, hash), (2, old));

	chain.set(COORD, 3, &new_bytes);
	chain.finalize(COORD, 3);
	let confirmed = confirmation(&mut events).await;
	assert_eq!(confirmed, (3, new, ChunkOrigin::Cache));
}

#[tokio::test]
async fn a_lying_announcement_confirms_nothing_and_finality_brings_the_chains_bytes() {
	let chain = MemoryChain::new();
	let old = chain.set(COORD, 2, &distinct_chunk(2).1);
	// The liar announces version 3 as chunk 9, which it holds; the chain's version 3 is chunk 3.
	let (lie, lie_bytes) = distinct_chunk(9);
	let mut liar = chain_peer(MapSource(HashMap::from([(lie, lie_bytes)]))).await;
	liar.network.subscribe(REGION).await.unwrap();
	let (session, _dir) = start_session(&chain, &mut liar).await;
	let mut events = session.subscribe();
	session.ensure_chunk(COORD).await.unwrap();

	liar.network.publish(REGION, announcement(3, lie)).await.unwrap();
	expect_event(&mut events, "a prefetch", |e| {
		matches!(e, SessionEvent::ChunkPrefetched { hash, .. } if *hash == lie).then_some(())
	})
	.await;
	let (version, hash, ..) = session.chunk_status(COORD).unwrap();
	assert_eq!((version, hash), (2, old));

	let truth = chain.set(COORD, 3, &distinct_chunk(3).1);
	chain.finalize(COORD, 3);
	let confirmed = confirmation(&mut events).await;
	assert_eq!(confirmed, (3, truth, ChunkOrigin::Node));
	let (version, hash, view, _) = session.chunk_status(COORD).unwrap();
	assert_eq!((version, hash, view), (3, truth, truth));
}

/// Whether the session shows the delta `id` over `COORD`.
fn shows(session: &GameSession, id: &SubmissionId) -> bool {
	let state = session.inner().state();
	state.world.chunk(&COORD).is_some_and(|c| c.overlays().iter().any(|o| o.id == *id))
}

/// Sends a chat line through `peer` and waits for the session to take it: every message the
/// peer sent before it has been handled.
async fn sync(peer: &Peer, events: &mut broadcast::Receiver<SessionEvent>, text: &str) {
	let line = WorldMessage::Chat(crate::p2p::ChatLine { text: text.into(), timestamp_ms: 1 });
	peer.network.publish(REGION, line).await.unwrap();
	expect_event(events, "the chat line", |e| {
		matches!(e, SessionEvent::Chat { text: t, .. } if t == text).then_some(())
	})
	.await;
}

/// A session holding version 2 of `COORD`, a peer of its region (the test's voice on the
/// network), the session's events from then on, and the world's name that signatures cover.
async fn session_holding_coord(
) -> (Peer, GameSession, tempfile::TempDir, broadcast::Receiver<SessionEvent>, String) {
	let chain = MemoryChain::new();
	chain.set(COORD, 2, &distinct_chunk(2).1);
	let mut peer = chain_peer(MapSource::default()).await;
	peer.network.subscribe(REGION).await.unwrap();
	let (session, dir) = start_session(&chain, &mut peer).await;
	let events = session.subscribe();
	session.ensure_chunk(COORD).await.unwrap();
	(peer, session, dir, events, crate::p2p::world_of_genesis(&GENESIS))
}

/// Alice's delta setting one block of `COORD` to brick, stamped `timestamp_ms`, signed for
/// `world`.
fn alices_delta(world: &str, timestamp_ms: u64) -> WorldMessage {
	use playnet_primitives::{world::blocks::BRICK, BlockEdit};
	let delta = crate::p2p::EditDelta {
		account: [0; 32],
		coord: COORD,
		base_version: 2,
		edits: vec![BlockEdit { x: 1, y: 2, z: 3, block: BRICK }],
		timestamp_ms,
		signature: [0; 64],
	}
	.signed(&subxt_signer::sr25519::dev::alice(), world);
	WorldMessage::Edits(delta)
}

#[tokio::test]
async fn a_players_delta_is_shown_and_only_its_author_can_withdraw_it() {
	use crate::p2p::EditWithdrawal;
	use subxt_signer::sr25519::{dev, Keypair};

	let (peer, session, _dir, mut events, world) = session_holding_coord().await;
	peer.network.publish(REGION, alices_delta(&world, now_ms())).await.unwrap();
	let id = expect_event(&mut events, "the delta", |e| match e {
		SessionEvent::DeltaApplied { id, coord, .. } if *coord == COORD => Some(*id),
		_ => None,
	})
	.await;
	assert!(shows(&session, &id));

	let withdrawal = |key: &Keypair| {
		let mut withdrawal =
			EditWithdrawal { coord: COORD, id, author: key.public_key().0, signature: [0; 64] };
		withdrawal.signature = key.sign(&withdrawal.signing_payload(&world)).0;
		WorldMessage::Withdrawn(withdrawal)
	};
	// Bob withdraws Alice's delta in his own name: a valid message, but not his delta.
	peer.network.publish(REGION, withdrawal(&dev::bob())).await.unwrap();
	sync(&peer, &mut events, "after Bob's withdrawal").await;
	assert!(shows(&session, &id), "Bob lifted Alice's delta");
	// Alice withdraws it.
	peer.network.publish(REGION, withdrawal(&dev::alice())).await.unwrap();
	sync(&peer, &mut events, "after Alice's withdrawal").await;
	assert!(!shows(&session, &id), "Alice's withdrawal did not lift her delta");
}

/// The attack: record a player's signed delta and send it again whenever its overlay expires,
/// showing an edit the chain never took, in the player's name, for ever.
#[tokio::test]
async fn a_delta_too_old_or_from_the_future_is_not_shown() {
	let (peer, session, _dir, mut events, world) = session_holding_coord().await;
	let stamped = |timestamp_ms: u64| alices_delta(&world, timestamp_ms);
	let expired = now_ms() - OVERLAY_MAX_AGE.as_millis() as u64 - 1_000;
	let ahead = now_ms() + 2 * super::network_events::MAX_DELTA_LEAD.as_millis() as u64;
	for timestamp_ms in [expired, ahead] {
		peer.network.publish(REGION, stamped(timestamp_ms)).await.unwrap();
	}
	sync(&peer, &mut events, "after the stale deltas").await;
	let overlays = session.inner().state().world.chunk(&COORD).map(|c| c.overlays().len());
	assert_eq!(overlays, Some(0), "a stale delta was shown");

	// One stamped a minute ago is shown, and expires a minute early.
	peer.network.publish(REGION, stamped(now_ms() - 60_000)).await.unwrap();
	let id = expect_event(&mut events, "the recent delta", |e| match e {
		SessionEvent::DeltaApplied { id, .. } => Some(*id),
		_ => None,
	})
	.await;
	assert!(shows(&session, &id));
	let half_the_age_later = std::time::Instant::now() + OVERLAY_MAX_AGE / 2;
	let expired = session.inner().state().world.expire(half_the_age_later, OVERLAY_MAX_AGE);
	assert_eq!(expired.len(), 1, "its overlay's age counts from its timestamp");
}

#[test]
fn a_delta_is_shown_from_its_timestamp_until_the_overlay_expires() {
	use super::network_events::{delta_age, MAX_DELTA_LEAD};
	let now = 1_000_000_000;
	assert_eq!(delta_age(now, now), Some(std::time::Duration::ZERO));
	assert_eq!(delta_age(now - 5_000, now), Some(std::time::Duration::from_secs(5)));
	let max_age = OVERLAY_MAX_AGE.as_millis() as u64;
	assert_eq!(delta_age(now - max_age, now), None);
	assert!(delta_age(now - max_age + 1, now).is_some());
	let lead = MAX_DELTA_LEAD.as_millis() as u64;
	assert_eq!(delta_age(now + lead, now), Some(std::time::Duration::ZERO));
	assert_eq!(delta_age(now + lead + 1, now), None);
}
