//! A task's result: frame hashes, the result root and tile proofs, from tile hashes.

use super::{
	merkle::{merkle_proof, merkle_root},
	tile::{frame_hash, TileProof},
};
use crate::hash::Hash32;
use alloc::vec::Vec;

/// The hashes of a rendered task: every tile hash of every frame, and what follows from them.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TaskResult {
	/// The task's id.
	pub task_id: Hash32,
	/// Per frame, its tile hashes in tile order.
	pub tile_hashes: Vec<Vec<Hash32>>,
	/// Per frame, its frame hash.
	pub frame_hashes: Vec<Hash32>,
	/// The Merkle root of the frame hashes.
	pub root: Hash32,
}

impl TaskResult {
	/// The result of task `task_id` from its frames' tile hashes (at least one frame, each with
	/// at least one tile).
	pub fn new(task_id: Hash32, tile_hashes: Vec<Vec<Hash32>>) -> Self {
		let frame_hashes: Vec<Hash32> =
			tile_hashes.iter().map(|tiles| frame_hash(&task_id, tiles)).collect();
		let root = merkle_root(&frame_hashes).unwrap_or_default();
		TaskResult { task_id, tile_hashes, frame_hashes, root }
	}

	/// The proof for `tile` of `frame`; `None` if either is out of range.
	pub fn tile_proof(&self, frame: u32, tile: u32) -> Option<TileProof> {
		let tiles = self.tile_hashes.get(frame as usize)?;
		Some(TileProof {
			frame,
			tile,
			tile_path: merkle_proof(tiles, tile)?,
			frame_path: merkle_proof(&self.frame_hashes, frame)?,
		})
	}
}
