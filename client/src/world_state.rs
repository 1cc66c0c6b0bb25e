//! The chunks a session holds: each chunk's version as the chain confirmed it, and the edits
//! not yet decided on chain laid over it (the player's own, and peers' from gossip).
//!
//! What the player sees is the confirmed chunk with every overlay applied in arrival order.
//! When the chain finalizes a new version, the confirmed chunk is replaced by one whose hash is
//! the chain's, and the overlays the chain decided are dropped. Nothing here is written to
//! disk: only confirmed chunks reach the cache.

use crate::{
	chain::{ChunkVersion, SubmissionId},
	p2p::AccountBytes,
};
use playnet_primitives::{
	world::{
		chunk::CHUNK_SIZE,
		edit::apply_edits,
		encoding::{content_hash, decode_chunk},
	},
	BlockEdit, BlockId, Chunk, ChunkCoord, ContentHash,
};
use std::{
	collections::{HashMap, HashSet, VecDeque},
	time::{Duration, Instant},
};

/// How many decided submission ids are remembered, so that a delta arriving after its outcome
/// is not laid over the chunk again.
const DECIDED_MEMORY: usize = 4096;

/// Edits laid over a confirmed chunk until the chain decides them.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Overlay {
	/// The submission id the chain's events carry.
	pub id: SubmissionId,
	/// The account that made it (signed its delta).
	pub author: AccountBytes,
	/// Whether this client submitted it.
	pub own: bool,
	/// The version it was made on.
	pub base_version: ChunkVersion,
	/// The edits, validated.
	pub edits: Vec<BlockEdit>,
	/// When it arrived.
	pub since: Instant,
}

/// One chunk as the session holds it.
#[derive(Clone, Debug)]
pub struct LocalChunk {
	version: ChunkVersion,
	content_hash: ContentHash,
	confirmed: Chunk,
	overlays: Vec<Overlay>,
	view: Chunk,
}

impl LocalChunk {
	fn new(version: ChunkVersion, content_hash: ContentHash, confirmed: Chunk) -> Self {
		LocalChunk {
			version,
			content_hash,
			view: confirmed.clone(),
			confirmed,
			overlays: Vec::new(),
		}
	}

	fn rebuild_view(&mut self) {
		let mut view = self.confirmed.clone();
		for overlay in &self.overlays {
			// Overlays are validated before they are laid, so this cannot fail.
			let _ = apply_edits(&mut view, &overlay.edits);
		}
		self.view = view;
	}

	/// The confirmed version.
	pub fn version(&self) -> ChunkVersion {
		self.version
	}

	/// The confirmed version's content hash (the chain's).
	pub fn content_hash(&self) -> ContentHash {
		self.content_hash
	}

	/// The confirmed chunk.
	pub fn confirmed(&self) -> &Chunk {
		&self.confirmed
	}

	/// The chunk as the player sees it: confirmed, with every overlay applied.
	pub fn view(&self) -> &Chunk {
		&self.view
	}

	/// The undecided edits over the confirmed chunk.
	pub fn overlays(&self) -> &[Overlay] {
		&self.overlays
	}
}

/// Why an overlay was not laid.
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
pub enum OverlayError {
	/// The chunk is not held.
	#[error("chunk not loaded")]
	NotLoaded,
	/// An overlay with the same id is already laid.
	#[error("already applied")]
	Duplicate,
	/// The chain already decided this submission.
	#[error("already decided on chain")]
	Decided,
	/// An edit is outside the chunk or places an unknown block.
	#[error("invalid edit: {0}")]
	Invalid(playnet_primitives::EditError),
	/// The delta's timestamp is too old to show (its overlay would have expired) or too far
	/// ahead of this player's clock.
	#[error("stamped too long ago or too far ahead")]
	Stale,
}

/// Every chunk the session holds.
#[derive(Default)]
pub struct LocalWorld {
	chunks: HashMap<ChunkCoord, LocalChunk>,
	decided: HashSet<SubmissionId>,
	decided_order: VecDeque<SubmissionId>,
}

impl LocalWorld {
	/// The chunk at `coord`, if held.
	pub fn chunk(&self, coord: &ChunkCoord) -> Option<&LocalChunk> {
		self.chunks.get(coord)
	}

	/// The coordinates held.
	pub fn coords(&self) -> impl Iterator<Item = &ChunkCoord> {
		self.chunks.keys()
	}

	/// The block at local `(x, y, z)` of the chunk as the player sees it.
	pub fn block(&self, coord: &ChunkCoord, x: u32, y: u32, z: u32) -> Option<BlockId> {
		self.chunks.get(coord)?.view.get(x, y, z)
	}

	/// Holds `chunk` as the confirmed version `version` of `coord`, keeping the overlays laid
	/// over an older one. An older version than the one held is ignored (returns `false`).
	pub fn confirm(
		&mut self,
		coord: ChunkCoord,
		version: ChunkVersion,
		content_hash: ContentHash,
		chunk: Chunk,
	) -> bool {
		match self.chunks.get_mut(&coord) {
			Some(held) if held.version > version => false,
			Some(held) => {
				held.version = version;
				held.content_hash = content_hash;
				held.confirmed = chunk;
				held.rebuild_view();
				true
			}
			None => {
				self.chunks.insert(coord, LocalChunk::new(version, content_hash, chunk));
				true
			}
		}
	}

	/// Lays `overlay` over the chunk at `coord`.
	pub fn lay(&mut self, coord: ChunkCoord, overlay: Overlay) -> Result<(), OverlayError> {
		if self.decided.contains(&overlay.id) {
			return Err(OverlayError::Decided);
		}
		for (index, edit) in overlay.edits.iter().enumerate() {
			edit.validate(index).map_err(OverlayError::Invalid)?;
		}
		let held = self.chunks.get_mut(&coord).ok_or(OverlayError::NotLoaded)?;
		if held.overlays.iter().any(|o| o.id == overlay.id) {
			return Err(OverlayError::Duplicate);
		}
		let _ = apply_edits(&mut held.view, &overlay.edits);
		held.overlays.push(overlay);
		Ok(())
	}

	/// Removes the overlay `id` from the chunk at `coord` and rebuilds what the player sees.
	pub fn lift(&mut self, coord: &ChunkCoord, id: &SubmissionId) -> Option<Overlay> {
		let held = self.chunks.get_mut(coord)?;
		let at = held.overlays.iter().position(|o| o.id == *id)?;
		let overlay = held.overlays.remove(at);
		held.rebuild_view();
		Some(overlay)
	}

	/// Records that the chain decided `id` (applied, bounced or refused) and lifts its overlay.
	pub fn decide(&mut self, coord: &ChunkCoord, id: &SubmissionId) -> Option<Overlay> {
		if self.decided.insert(*id) {
			self.decided_order.push_back(*id);
			if self.decided_order.len() > DECIDED_MEMORY {
				if let Some(old) = self.decided_order.pop_front() {
					self.decided.remove(&old);
				}
			}
		}
		self.lift(coord, id)
	}

	/// The chunks the chain's new version of `coord` may be, best guess first: the confirmed
	/// chunk with the overlays of `applied` (in the order the chain applied them), then what
	/// the player sees. The caller keeps the one whose hash is the chain's.
	pub fn candidates(&self, coord: &ChunkCoord, applied: &[SubmissionId]) -> Vec<Chunk> {
		let Some(held) = self.chunks.get(coord) else { return Vec::new() };
		let mut with_applied = held.confirmed.clone();
		for id in applied {
			if let Some(overlay) = held.overlays.iter().find(|o| o.id == *id) {
				let _ = apply_edits(&mut with_applied, &overlay.edits);
			}
		}
		vec![with_applied, held.view.clone()]
	}

	/// Drops the overlays older than `max_age` (deltas whose submission never reached the
	/// chain); returns them with their chunks.
	pub fn expire(&mut self, now: Instant, max_age: Duration) -> Vec<(ChunkCoord, Overlay)> {
		let mut expired = Vec::new();
		for (coord, held) in &mut self.chunks {
			let before = held.overlays.len();
			let (keep, old): (Vec<_>, Vec<_>) = std::mem::take(&mut held.overlays)
				.into_iter()
				.partition(|o| now.saturating_duration_since(o.since) < max_age);
			held.overlays = keep;
			if held.overlays.len() != before {
				held.rebuild_view();
			}
			expired.extend(old.into_iter().map(|o| (*coord, o)));
		}
		expired
	}
}

/// Splits a world block position into its chunk and the block's place inside it.
pub fn locate(block: [i32; 3]) -> (ChunkCoord, [u32; 3]) {
	let size = CHUNK_SIZE as i32;
	let coord = ChunkCoord::new(
		block[0].div_euclid(size),
		block[1].div_euclid(size),
		block[2].div_euclid(size),
	);
	let local = [
		block[0].rem_euclid(size) as u32,
		block[1].rem_euclid(size) as u32,
		block[2].rem_euclid(size) as u32,
	];
	(coord, local)
}

/// The content hash of a chunk's canonical encoding.
pub fn hash_of(chunk: &Chunk) -> ContentHash {
	content_hash(chunk)
}

/// Decodes canonical bytes (already checked against their hash).
pub fn chunk_from_bytes(bytes: &[u8]) -> Option<Chunk> {
	decode_chunk(bytes).ok()
}

#[cfg(test)]
mod tests {
	use super::*;
	use playnet_primitives::world::blocks::{AIR, BRICK, STONE};

	fn edit(x: u8, block: BlockId) -> BlockEdit {
		BlockEdit { x, y: 0, z: 0, block }
	}

	fn overlay(id: u8, edits: Vec<BlockEdit>) -> Overlay {
		Overlay {
			author: [9; 32],
			id: ContentHash::of(&[id]),
			own: false,
			base_version: 0,
			edits,
			since: Instant::now(),
		}
	}

	fn world_with_air() -> (LocalWorld, ChunkCoord) {
		let mut world = LocalWorld::default();
		let coord = ChunkCoord::new(0, 4, 0);
		let chunk = Chunk::filled(AIR);
		assert!(world.confirm(coord, 0, hash_of(&chunk), chunk));
		(world, coord)
	}

	#[test]
	fn world_positions_split_into_chunk_and_local_place() {
		assert_eq!(locate([17, 64, -1]), (ChunkCoord::new(1, 4, -1), [1, 0, 15]));
		assert_eq!(locate([-16, -17, 0]), (ChunkCoord::new(-1, -2, 0), [0, 15, 0]));
	}

	#[test]
	fn an_overlay_changes_the_view_but_not_the_confirmed_chunk() {
		let (mut world, coord) = world_with_air();
		world.lay(coord, overlay(1, vec![edit(3, STONE)])).unwrap();
		assert_eq!(world.block(&coord, 3, 0, 0), Some(STONE));
		assert_eq!(world.chunk(&coord).unwrap().confirmed().get(3, 0, 0), Some(AIR));
	}

	#[test]
	fn lifting_an_overlay_restores_the_blocks_under_it() {
		let (mut world, coord) = world_with_air();
		let first = overlay(1, vec![edit(3, STONE)]);
		world.lay(coord, first.clone()).unwrap();
		world.lay(coord, overlay(2, vec![edit(4, BRICK)])).unwrap();
		assert!(world.lift(&coord, &first.id).is_some());
		assert_eq!(world.block(&coord, 3, 0, 0), Some(AIR));
		assert_eq!(world.block(&coord, 4, 0, 0), Some(BRICK));
	}

	#[test]
	fn a_decided_submission_is_not_laid_again() {
		let (mut world, coord) = world_with_air();
		let late = overlay(1, vec![edit(3, STONE)]);
		world.decide(&coord, &late.id);
		assert_eq!(world.lay(coord, late), Err(OverlayError::Decided));
		assert_eq!(world.block(&coord, 3, 0, 0), Some(AIR));
	}

	#[test]
	fn invalid_and_duplicate_overlays_are_refused() {
		let (mut world, coord) = world_with_air();
		let bad = overlay(1, vec![BlockEdit { x: 16, y: 0, z: 0, block: STONE }]);
		assert!(matches!(world.lay(coord, bad), Err(OverlayError::Invalid(_))));
		let good = overlay(2, vec![edit(1, STONE)]);
		world.lay(coord, good.clone()).unwrap();
		assert_eq!(world.lay(coord, good), Err(OverlayError::Duplicate));
		let elsewhere = ChunkCoord::new(9, 0, 9);
		assert_eq!(world.lay(elsewhere, overlay(3, vec![])), Err(OverlayError::NotLoaded));
	}

	#[test]
	fn the_first_candidate_applies_only_what_the_chain_applied() {
		let (mut world, coord) = world_with_air();
		let applied = overlay(1, vec![edit(1, STONE)]);
		world.lay(coord, applied.clone()).unwrap();
		world.lay(coord, overlay(2, vec![edit(2, BRICK)])).unwrap();
		let candidates = world.candidates(&coord, &[applied.id]);
		assert_eq!(candidates[0].get(1, 0, 0), Some(STONE));
		assert_eq!(candidates[0].get(2, 0, 0), Some(AIR));
		assert_eq!(candidates[1].get(2, 0, 0), Some(BRICK));
	}

	#[test]
	fn confirming_a_new_version_keeps_undecided_overlays_on_top() {
		let (mut world, coord) = world_with_air();
		world.lay(coord, overlay(1, vec![edit(1, BRICK)])).unwrap();
		let stone = Chunk::filled(STONE);
		assert!(world.confirm(coord, 1, hash_of(&stone), stone.clone()));
		assert_eq!(world.block(&coord, 1, 0, 0), Some(BRICK));
		assert_eq!(world.block(&coord, 2, 0, 0), Some(STONE));
		// An older version never replaces a newer one.
		assert!(!world.confirm(coord, 0, hash_of(&Chunk::filled(AIR)), Chunk::filled(AIR)));
		assert_eq!(world.chunk(&coord).unwrap().version(), 1);
	}

	#[test]
	fn old_overlays_expire() {
		let (mut world, coord) = world_with_air();
		world.lay(coord, overlay(1, vec![edit(1, BRICK)])).unwrap();
		let later = Instant::now() + Duration::from_secs(120);
		let expired = world.expire(later, Duration::from_secs(60));
		assert_eq!(expired.len(), 1);
		assert_eq!(world.block(&coord, 1, 0, 0), Some(AIR));
	}
}
