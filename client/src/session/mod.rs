//! A game session: the chain, the peer-to-peer world network and the chunk cache tied
//! together around one player.
//!
//! - `set` applies an edit locally at once (an overlay over the confirmed chunk), gossips the
//!   delta on the chunk's region topic and submits `apply_edits`; if the chain refuses the
//!   call, the overlay is lifted and peers are told to drop it.
//! - Peers lay received deltas over their own copy before the chain decides them.
//! - On every finalized block, each updated chunk is reconciled to the chain's hash: from what
//!   the session already has when it hashes right, else fetched by hash from peers, and only
//!   when no peer has it from the node's `WorldApi`, always checked against the chain's hash.
//! - Chunks are loaded on demand: the record from the chain, the bytes from the cache, peers
//!   or the node (in that order), or generated from the seed when nobody edited the chunk.
//! - Every chain-recorded version the session confirms is announced on its region topic once;
//!   a newer version a peer announces for a held chunk is prefetched into the cache, to be
//!   used only if finality brings the same hash ([`announcements`]).

mod announcements;
mod loading;
mod network_events;
mod reconcile;

pub use loading::ChunkOrigin;

use crate::{
	cache::ChunkCache,
	chain::{
		BounceReason, ChainError, ChunkVersion, DispatchOutcome, RegionAction, SubmissionId,
		WorldChain,
	},
	p2p::{
		ChatLine, EditDelta, EditWithdrawal, Network, NetworkConfig, NetworkError, PlayerMove,
		PublishError, WorldMessage,
	},
	region::RegionCoord,
	world_state::{locate, LocalWorld, Overlay},
};
use libp2p::PeerId;
use playnet_primitives::{world::blocks::is_known, BlockEdit, BlockId, ChunkCoord, ContentHash};
use std::{
	collections::HashMap,
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc, Mutex, MutexGuard,
	},
	time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};
use tokio::sync::broadcast;

/// How long a delta may wait for the chain's decision before it is dropped.
pub const OVERLAY_MAX_AGE: Duration = Duration::from_secs(120);

/// Something that happened in the session, for the player (line mode prints these).
#[derive(Clone, Debug)]
pub enum SessionEvent {
	/// A peer's delta was laid over a chunk.
	DeltaApplied {
		/// Who sent it.
		from: PeerId,
		/// The chunk.
		coord: ChunkCoord,
		/// Its submission id.
		id: SubmissionId,
		/// How many blocks it edits.
		edits: usize,
	},
	/// A chat line.
	Chat {
		/// Who wrote it.
		from: PeerId,
		/// The text.
		text: String,
	},
	/// One of this player's submissions was applied on chain (finalized).
	Applied {
		/// The submission.
		id: SubmissionId,
		/// The chunk.
		coord: ChunkCoord,
		/// The version holding it.
		version: ChunkVersion,
	},
	/// One of this player's submissions was bounced at the end of its block (finalized).
	Bounced {
		/// The submission.
		id: SubmissionId,
		/// The chunk.
		coord: ChunkCoord,
		/// Why.
		reason: BounceReason,
	},
	/// The chain refused one of this player's submissions; its edits were undone.
	Refused {
		/// The submission.
		id: SubmissionId,
		/// The chunk.
		coord: ChunkCoord,
		/// The chain's error, e.g. `World::EditConflict`.
		reason: String,
	},
	/// A chunk now holds the chain's finalized version.
	ChunkConfirmed {
		/// The chunk.
		coord: ChunkCoord,
		/// Its version.
		version: ChunkVersion,
		/// Its content hash, the chain's.
		hash: ContentHash,
		/// Where the bytes came from.
		origin: ChunkOrigin,
	},
	/// A peer announced a newer version of a held chunk and its bytes, checked against the
	/// announced hash, are in the cache. Nothing is confirmed until the chain's hash names them.
	ChunkPrefetched {
		/// The chunk.
		coord: ChunkCoord,
		/// The version announced.
		version: ChunkVersion,
		/// The hash announced, which the bytes have.
		hash: ContentHash,
		/// Who announced it.
		from: PeerId,
	},
	/// A peer broke the protocol and was penalised.
	PeerPenalised {
		/// The peer.
		peer: PeerId,
		/// Whether it was dropped.
		dropped: bool,
	},
}

/// Why a session command failed. Nothing changed when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
	/// The block id is not a known block.
	#[error("unknown block id {0}")]
	UnknownBlock(BlockId),
	/// The position is outside the world (height or horizontal limit).
	#[error("block {0:?} is outside the world")]
	OutOfBounds([i32; 3]),
	/// The base version is newer than the chunk's confirmed version.
	#[error("base version {base} is newer than the chunk's version {version}")]
	FutureBase {
		/// The base asked for.
		base: ChunkVersion,
		/// The chunk's version.
		version: ChunkVersion,
	},
	/// The chain could not be read or refused the transaction.
	#[error(transparent)]
	Chain(#[from] ChainError),
	/// The network failed.
	#[error(transparent)]
	Network(#[from] NetworkError),
	/// A chunk could not be loaded.
	#[error("chunk {coord:?}: {reason}")]
	ChunkUnavailable {
		/// The chunk.
		coord: ChunkCoord,
		/// Why.
		reason: String,
	},
	/// A message could not be published.
	#[error(transparent)]
	Publish(#[from] PublishError),
	/// The chain refused the call and nothing changed, e.g. `World::NotRegionOwner`.
	#[error("the chain refused it: {0}")]
	Refused(String),
	/// A wait ran out.
	#[error("{0} still pending after the timeout")]
	Timeout(String),
	/// The view could not be rendered.
	#[error("rendering: {0}")]
	Render(String),
}

/// Counts of where chunks came from, for the `stats` command and the tests.
#[derive(Default, Debug)]
pub struct ChunkCounters {
	/// Generated from the seed.
	pub generated: AtomicU64,
	/// Read from the cache.
	pub cache: AtomicU64,
	/// Fetched from peers.
	pub peers: AtomicU64,
	/// Fetched from the node.
	pub node: AtomicU64,
	/// Rebuilt locally from the overlays (the hash matched the chain's).
	pub local: AtomicU64,
}

impl ChunkCounters {
	fn count(&self, origin: ChunkOrigin) {
		let counter = match origin {
			ChunkOrigin::Generated => &self.generated,
			ChunkOrigin::Cache => &self.cache,
			ChunkOrigin::Peers => &self.peers,
			ChunkOrigin::Node => &self.node,
			ChunkOrigin::Local => &self.local,
		};
		counter.fetch_add(1, Ordering::Relaxed);
	}

	/// `(generated, cache, peers, node, local)` now.
	pub fn snapshot(&self) -> [u64; 5] {
		[&self.generated, &self.cache, &self.peers, &self.node, &self.local]
			.map(|c| c.load(Ordering::Relaxed))
	}
}

/// Where the player is and looks: a block position and a heading in degrees.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Pose {
	/// Eye position, in blocks.
	pub position: [i32; 3],
	/// Heading around the vertical axis, in degrees (0 looks along +z).
	pub yaw_degrees: i32,
	/// Up-down angle in degrees, -89..=89.
	pub pitch_degrees: i32,
}

impl Default for Pose {
	fn default() -> Self {
		Pose { position: [0, 90, 0], yaw_degrees: 45, pitch_degrees: -20 }
	}
}

/// What `set` did.
#[derive(Clone, Debug)]
pub struct SetOutcome {
	/// The submission id the chain's events will carry.
	pub id: SubmissionId,
	/// The edited chunk.
	pub coord: ChunkCoord,
	/// The version the edit was made on.
	pub base_version: ChunkVersion,
	/// Whether the delta reached at least one peer's topic (false: no peer in the region yet).
	pub gossiped: bool,
}

/// What [`GameSession::set_with`] may choose instead of the defaults.
#[derive(Clone, Copy, Default, Debug)]
pub struct SetOptions {
	/// The version the edit is made on (default: the chunk's confirmed version). An older one
	/// is for scripts that replay edits; the chain refuses it if the block changed since.
	pub base_version: Option<ChunkVersion>,
	/// The client timestamp in ms since the Unix epoch (default: the player's clock). Same-block
	/// races between players are decided by it; the chain refuses one too far from its clock.
	pub timestamp_ms: Option<u64>,
}

/// A peer as `peers` lists it.
#[derive(Clone, Debug)]
pub struct PeerInfo {
	/// The peer.
	pub peer: PeerId,
	/// Its last known position in blocks, if it moved in a watched region.
	pub position: Option<[i32; 3]>,
	/// Distance in blocks from the player (Chebyshev), when the position is known.
	pub distance: Option<u32>,
}

/// How a session runs, besides its chain, network and cache.
#[derive(Clone, Debug)]
pub struct SessionConfig {
	/// Regions within this many regions of the player's are watched (gossip topics joined):
	/// nearer peers' deltas arrive, farther ones' do not.
	pub watch_radius: i32,
}

impl Default for SessionConfig {
	fn default() -> Self {
		SessionConfig { watch_radius: 1 }
	}
}

pub(crate) struct State {
	pub world: LocalWorld,
	pub pose: Pose,
	pub watched: Vec<RegionCoord>,
	pub peer_positions: HashMap<PeerId, [i32; 3]>,
	/// This player's submissions not yet decided, by id, with their chunk.
	pub own_pending: HashMap<SubmissionId, ChunkCoord>,
	/// Chunk versions announced, and announced versions being prefetched.
	pub announcements: announcements::Announcements,
}

pub(crate) struct Inner {
	pub chain: Arc<dyn WorldChain>,
	pub network: Network,
	pub cache: Arc<ChunkCache>,
	pub seed: u64,
	pub config: SessionConfig,
	pub state: Mutex<State>,
	pub events: broadcast::Sender<SessionEvent>,
	pub counters: ChunkCounters,
	/// Serialises submissions, so that each gets the next nonce.
	pub submitting: tokio::sync::Mutex<()>,
}

impl Inner {
	pub fn state(&self) -> MutexGuard<'_, State> {
		// Every change under the lock is one step: a poisoned lock is still consistent.
		self.state.lock().unwrap_or_else(|p| p.into_inner())
	}

	pub fn emit(&self, event: SessionEvent) {
		// Nobody listening is fine.
		let _ = self.events.send(event);
	}

	/// The session's world network: its chain's.
	pub fn world(&self) -> String {
		crate::p2p::world_of_genesis(&self.chain.genesis_hash())
	}
}

/// The player's clock in milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// A running session. Clones share it; the background tasks stop when the last clone and
/// the network are gone.
#[derive(Clone)]
pub struct GameSession {
	inner: Arc<Inner>,
}

impl GameSession {
	/// Starts the network (serving chunks from `source`, usually the cache behind a seeding
	/// cap), reads the world seed, and follows the chain's finalized world events.
	pub async fn start(
		chain: Arc<dyn WorldChain>,
		network_config: NetworkConfig,
		cache: Arc<ChunkCache>,
		source: Arc<dyn crate::p2p::ChunkSource>,
		config: SessionConfig,
	) -> Result<GameSession, SessionError> {
		let seed = chain.world_seed().await?;
		let chain_events = chain.finalized_events().await?;
		// The session's peers are its chain's: its world network, whatever the config says.
		let network_config = NetworkConfig {
			world: crate::p2p::world_of_genesis(&chain.genesis_hash()),
			..network_config
		};
		let (network, network_events) = Network::start(network_config, source).await?;
		let (events, _) = broadcast::channel(4096);
		let inner = Arc::new(Inner {
			chain,
			network,
			cache,
			seed,
			config,
			state: Mutex::new(State {
				world: LocalWorld::default(),
				pose: Pose::default(),
				watched: Vec::new(),
				peer_positions: HashMap::new(),
				own_pending: HashMap::new(),
				announcements: Default::default(),
			}),
			events,
			counters: ChunkCounters::default(),
			submitting: tokio::sync::Mutex::new(()),
		});
		let weak = Arc::downgrade(&inner);
		tokio::spawn(network_events::run(weak.clone(), network_events));
		tokio::spawn(reconcile::run(weak.clone(), chain_events));
		tokio::spawn(expire_overlays(weak));
		let session = GameSession { inner };
		let pose = session.inner.state().pose;
		session.goto(pose).await?;
		Ok(session)
	}

	/// The network handle (peer id, addresses, dialling).
	pub fn network(&self) -> &Network {
		&self.inner.network
	}

	/// The chunk cache.
	pub fn cache(&self) -> &Arc<ChunkCache> {
		&self.inner.cache
	}

	/// The world seed.
	pub fn seed(&self) -> u64 {
		self.inner.seed
	}

	/// Where chunks came from so far.
	pub fn counters(&self) -> &ChunkCounters {
		&self.inner.counters
	}

	/// Session events from now on.
	pub fn subscribe(&self) -> broadcast::Receiver<SessionEvent> {
		self.inner.events.subscribe()
	}

	/// The player's pose.
	pub fn pose(&self) -> Pose {
		self.inner.state().pose
	}

	/// The regions watched now.
	pub fn watched_regions(&self) -> Vec<RegionCoord> {
		self.inner.state().watched.clone()
	}

	/// Moves the player: joins the gossip topics of the regions around the new position,
	/// leaves those now out of range, tells peers in the region where the player is, and
	/// prefers the peers nearest the new position in the gossip meshes.
	pub async fn goto(&self, pose: Pose) -> Result<(), SessionError> {
		let (coord, _) = locate(pose.position);
		if !coord.in_world() {
			return Err(SessionError::OutOfBounds(pose.position));
		}
		let center = RegionCoord::of(&coord);
		let radius = self.inner.config.watch_radius.max(0);
		let mut wanted = Vec::new();
		for dx in -radius..=radius {
			for dz in -radius..=radius {
				wanted.push(RegionCoord::new(center.x + dx, center.z + dz));
			}
		}
		let old = {
			let mut state = self.inner.state();
			state.pose = pose;
			std::mem::replace(&mut state.watched, wanted.clone())
		};
		// Peers are scored by their distance from here: the nearest carry this player's gossip.
		self.inner.network.set_position(pose.position).await?;
		for region in &wanted {
			if !old.contains(region) {
				self.inner.network.subscribe(*region).await?;
			}
		}
		for region in old {
			if !wanted.contains(&region) {
				self.inner.network.unsubscribe(region).await?;
			}
		}
		let step = PlayerMove {
			position: pose.position.map(|p| p.saturating_mul(16)),
			yaw: degrees_to_turn(pose.yaw_degrees) as u16,
			pitch: degrees_to_turn(pose.pitch_degrees.clamp(-89, 89)) as i16,
			timestamp_ms: now_ms(),
		};
		// Nobody in the region yet is not an error.
		let _ = self.inner.network.publish(center, WorldMessage::Move(step)).await;
		Ok(())
	}

	/// The block at a world position as the player sees it, with its chunk's confirmed
	/// version and how many undecided edits lie over the chunk.
	pub async fn get(
		&self,
		block: [i32; 3],
	) -> Result<(BlockId, ChunkVersion, usize), SessionError> {
		let (coord, local) = locate(block);
		if !coord.in_world() {
			return Err(SessionError::OutOfBounds(block));
		}
		self.ensure_chunk(coord).await?;
		let state = self.inner.state();
		let held = state.world.chunk(&coord).ok_or_else(|| SessionError::ChunkUnavailable {
			coord,
			reason: "dropped while reading".into(),
		})?;
		let id = held.view().get(local[0], local[1], local[2]).unwrap_or_default();
		Ok((id, held.version(), held.overlays().len()))
	}

	/// Sets the block at a world position: applied locally at once, gossiped to the region,
	/// submitted to the chain on the chunk's confirmed version.
	pub async fn set(&self, block: [i32; 3], id: BlockId) -> Result<SetOutcome, SessionError> {
		self.set_with(block, id, SetOptions::default()).await
	}

	/// [`set`](Self::set) with a chosen base version or client timestamp.
	pub async fn set_with(
		&self,
		block: [i32; 3],
		id: BlockId,
		options: SetOptions,
	) -> Result<SetOutcome, SessionError> {
		if !is_known(id) {
			return Err(SessionError::UnknownBlock(id));
		}
		let (coord, local) = locate(block);
		if !coord.in_world() {
			return Err(SessionError::OutOfBounds(block));
		}
		self.ensure_chunk(coord).await?;
		let edits =
			vec![BlockEdit { x: local[0] as u8, y: local[1] as u8, z: local[2] as u8, block: id }];
		let _turn = self.inner.submitting.lock().await;
		let account = self.inner.chain.account();
		let timestamp = options.timestamp_ms.unwrap_or_else(now_ms);
		let (base_version, submission) = {
			let mut state = self.inner.state();
			let version = state.world.chunk(&coord).map(|c| c.version()).unwrap_or(0);
			let base_version = options.base_version.unwrap_or(version);
			if base_version > version {
				return Err(SessionError::FutureBase { base: base_version, version });
			}
			let submission =
				crate::chain::submission_id(&account, &coord, base_version, timestamp, &edits);
			let overlay = Overlay {
				id: submission,
				author: account,
				own: true,
				base_version,
				edits: edits.clone(),
				since: Instant::now(),
			};
			if let Err(e) = state.world.lay(coord, overlay) {
				return Err(SessionError::ChunkUnavailable { coord, reason: e.to_string() });
			}
			state.own_pending.insert(submission, coord);
			(base_version, submission)
		};
		let region = RegionCoord::of(&coord);
		let mut delta = EditDelta {
			account,
			coord,
			base_version,
			edits: edits.clone(),
			timestamp_ms: timestamp,
			signature: [0; 64],
		};
		delta.signature = self.inner.chain.sign(&delta.signing_payload(&self.inner.world()));
		let delta = WorldMessage::Edits(delta);
		let gossiped = self.inner.network.publish(region, delta).await.is_ok();
		match self.inner.chain.submit_edits(coord, base_version, edits, timestamp).await {
			Ok(sent) => {
				debug_assert_eq!(sent.id, submission);
				tokio::spawn(watch_dispatch(
					Arc::downgrade(&self.inner),
					coord,
					sent.id,
					sent.dispatch,
				));
				Ok(SetOutcome { id: submission, coord, base_version, gossiped })
			}
			Err(e) => {
				undo_own(&self.inner, coord, submission, gossiped).await;
				Err(e.into())
			}
		}
	}

	/// Claims or releases a region, or changes who may edit it, and waits until the chain
	/// took it: [`SessionError::Refused`] with the chain's reason when it changed nothing.
	pub async fn region(&self, action: RegionAction) -> Result<(), SessionError> {
		let dispatch = {
			let _turn = self.inner.submitting.lock().await;
			self.inner.chain.region(action).await?
		};
		let outcome = dispatch.await.unwrap_or_else(|_| {
			DispatchOutcome::Lost("the node stopped reporting on the transaction".into())
		});
		match outcome {
			DispatchOutcome::Queued => Ok(()),
			DispatchOutcome::Failed(reason) => Err(SessionError::Refused(reason)),
			DispatchOutcome::Lost(reason) => Err(SessionError::Chain(ChainError::Refused {
				call: "a region call".into(),
				reason,
			})),
		}
	}

	/// Sends a chat line to the player's region.
	pub async fn say(&self, text: &str) -> Result<(), SessionError> {
		let (coord, _) = locate(self.pose().position);
		let line = WorldMessage::Chat(ChatLine { text: text.to_owned(), timestamp_ms: now_ms() });
		self.inner.network.publish(RegionCoord::of(&coord), line).await?;
		Ok(())
	}

	/// The connected peers, nearest first (those with no known position last).
	pub async fn peers(&self) -> Result<Vec<PeerInfo>, SessionError> {
		let connected = self.inner.network.connected_peers().await?;
		let state = self.inner.state();
		let me = state.pose.position;
		let mut peers: Vec<PeerInfo> = connected
			.into_iter()
			.map(|peer| {
				let position = state.peer_positions.get(&peer).copied();
				let distance =
					position.map(|p| (0..3).map(|i| p[i].abs_diff(me[i])).max().unwrap_or(0));
				PeerInfo { peer, position, distance }
			})
			.collect();
		peers.sort_by_key(|p| (p.distance.is_none(), p.distance, p.peer));
		Ok(peers)
	}

	/// The chunk's confirmed version and hash, the hash of what the player sees, and the
	/// number of undecided overlays; `None` when the chunk is not loaded.
	pub fn chunk_status(
		&self,
		coord: ChunkCoord,
	) -> Option<(ChunkVersion, ContentHash, ContentHash, usize)> {
		let state = self.inner.state();
		let held = state.world.chunk(&coord)?;
		Some((
			held.version(),
			held.content_hash(),
			crate::world_state::hash_of(held.view()),
			held.overlays().len(),
		))
	}

	/// This player's submissions not yet decided on chain.
	pub fn pending_submissions(&self) -> usize {
		self.inner.state().own_pending.len()
	}

	/// Waits until every submission of this player is decided (applied, bounced or refused).
	pub async fn settle(&self, timeout: Duration) -> Result<(), SessionError> {
		let deadline = Instant::now() + timeout;
		loop {
			let pending = self.pending_submissions();
			if pending == 0 {
				return Ok(());
			}
			if Instant::now() >= deadline {
				return Err(SessionError::Timeout(format!("{pending} submission(s)")));
			}
			tokio::time::sleep(Duration::from_millis(50)).await;
		}
	}

	/// Loads the chunk at `coord` if it is not held: see [`ChunkOrigin`] for the order.
	pub async fn ensure_chunk(&self, coord: ChunkCoord) -> Result<ChunkOrigin, SessionError> {
		loading::ensure_chunk(&self.inner, coord).await
	}

	/// Renders the player's view with the deterministic CPU renderer: RGBA8 pixels, row-major.
	pub async fn render_view(&self, width: u32, height: u32) -> Result<Vec<u32>, SessionError> {
		crate::view::render(self, width, height).await
	}

	pub(crate) fn inner(&self) -> &Arc<Inner> {
		&self.inner
	}
}

/// Degrees to the renderer's angle unit (65536 to a full turn).
pub fn degrees_to_turn(degrees: i32) -> i32 {
	(degrees.rem_euclid(360) as i64 * 65536 / 360) as i32
		- if degrees.rem_euclid(360) > 180 { 65536 } else { 0 }
}

/// Undoes an own submission the chain refused: lifts its overlay and tells peers to drop it.
async fn undo_own(inner: &Inner, coord: ChunkCoord, id: SubmissionId, gossiped: bool) {
	{
		let mut state = inner.state();
		state.world.decide(&coord, &id);
		state.own_pending.remove(&id);
	}
	if gossiped {
		let author = inner.chain.account();
		let mut withdrawal = EditWithdrawal { coord, id, author, signature: [0; 64] };
		withdrawal.signature = inner.chain.sign(&withdrawal.signing_payload(&inner.world()));
		let withdrawal = WorldMessage::Withdrawn(withdrawal);
		let _ = inner.network.publish(RegionCoord::of(&coord), withdrawal).await;
	}
}

async fn watch_dispatch(
	inner: std::sync::Weak<Inner>,
	coord: ChunkCoord,
	id: SubmissionId,
	dispatch: tokio::sync::oneshot::Receiver<DispatchOutcome>,
) {
	let outcome = dispatch.await.unwrap_or(DispatchOutcome::Lost("the watcher stopped".into()));
	let Some(inner) = inner.upgrade() else { return };
	let reason = match outcome {
		DispatchOutcome::Queued => return,
		DispatchOutcome::Failed(reason) | DispatchOutcome::Lost(reason) => reason,
	};
	// Still pending: the finalized events have not decided it another way.
	if inner.state().own_pending.contains_key(&id) {
		undo_own(&inner, coord, id, true).await;
		inner.emit(SessionEvent::Refused { id, coord, reason });
	}
}

async fn expire_overlays(inner: std::sync::Weak<Inner>) {
	let mut tick = tokio::time::interval(Duration::from_secs(5));
	loop {
		tick.tick().await;
		let Some(inner) = inner.upgrade() else { return };
		let mut state = inner.state();
		for (_, overlay) in state.world.expire(Instant::now(), OVERLAY_MAX_AGE) {
			state.own_pending.remove(&overlay.id);
		}
	}
}

#[cfg(test)]
mod announcement_tests;

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn degrees_map_to_signed_turn_units() {
		assert_eq!(degrees_to_turn(0), 0);
		assert_eq!(degrees_to_turn(90), 16384);
		assert_eq!(degrees_to_turn(-90), -16384);
		assert_eq!(degrees_to_turn(360), 0);
	}
}
