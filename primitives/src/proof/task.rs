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
	/// The id its frame hashes commit to: the task's [`result_id`], or the spec's id.
	pub task_id: Hash32,
	/// Per frame, its tile hashes in tile order.
	pub tile_hashes: Vec<Vec<Hash32>>,
	/// Per frame, its frame hash.
	pub frame_hashes: Vec<Hash32>,
	/// The Merkle root of the frame hashes.
	pub root: Hash32,
}

/// The id a task's frame hashes commit to: `BLAKE3("playnet/render/result/1" || spec_id ||
/// nonce)`, where `nonce` is a value the chain fixes for the task after it was posted (the
/// render pallet's draw seed). Two tasks of one spec have two result ids, so the root accepted
/// for one is worthless for the other: a worker must know every frame's tile root to make a
/// task's root. A spec rendered outside any task (`playnet-render render`, the golden files)
/// commits to its spec id instead.
pub fn result_id(spec_id: &Hash32, nonce: &Hash32) -> Hash32 {
	Hash32::of_parts(&[b"playnet/render/result/1", &spec_id.0, &nonce.0])
}

impl TaskResult {
	/// The result whose frame hashes commit to `task_id` (a [`result_id`], or a spec's id for a
	/// spec rendered outside a task), from its frames' tile hashes (at least one frame, each
	/// with at least one tile).
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
