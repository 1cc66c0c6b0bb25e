//! Checking a claimed result by re-rendering single tiles with the CPU reference.

use crate::error::CheckError;
use playnet_primitives::{
	proof::{merkle::merkle_proof, tile::verify_tile},
	Hash32, RenderSpec, Scene, TileProof,
};

/// A claimed result: frame hashes and, per frame, its tile hashes (what `render` writes to
/// `result.json` and the HTTP API serves).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ClaimedResult {
	/// The id its frame hashes commit to (the task's result id, or the spec's id).
	pub task_id: Hash32,
	/// The result root.
	pub root: Hash32,
	/// The frame hashes in frame order.
	pub frame_hashes: Vec<Hash32>,
	/// Per frame, the tile hashes in tile order.
	pub tile_hashes: Vec<Vec<Hash32>>,
}

impl From<&playnet_primitives::TaskResult> for ClaimedResult {
	fn from(result: &playnet_primitives::TaskResult) -> Self {
		ClaimedResult {
			task_id: result.task_id,
			root: result.root,
			frame_hashes: result.frame_hashes.clone(),
			tile_hashes: result.tile_hashes.clone(),
		}
	}
}

impl ClaimedResult {
	/// The proof of one tile, built from the claimed hashes.
	pub fn tile_proof(&self, frame: u32, tile: u32) -> Result<TileProof, CheckError> {
		let missing = CheckError::NoSuchTile { frame, tile };
		let tiles = self.tile_hashes.get(frame as usize).ok_or(missing)?;
		let tile_path = merkle_proof(tiles, tile).ok_or(CheckError::NoSuchTile { frame, tile })?;
		let frame_path = merkle_proof(&self.frame_hashes, frame)
			.ok_or(CheckError::NoSuchTile { frame, tile })?;
		Ok(TileProof { frame, tile, tile_path, frame_path })
	}
}

/// Re-renders tile `tile` of `frame` and checks it against `root` through `proof`, for a
/// result whose frame hashes commit to `result_id`. Returns the DDA steps the re-render took.
pub fn check_tile(
	spec: &RenderSpec,
	result_id: &Hash32,
	scene: &Scene,
	proof: &TileProof,
	root: &Hash32,
) -> Result<u64, CheckError> {
	verify_tile(spec, result_id, scene, proof, root).map_err(|error| CheckError::Tile {
		frame: proof.frame,
		tile: proof.tile,
		error,
	})
}

/// `count` (frame, tile) pairs spread over the task, chosen by hashing `seed` (so a verifier
/// can say which tiles it checked and anyone can repeat it).
pub fn sample_tiles(spec: &RenderSpec, count: u32, seed: u64) -> Vec<(u32, u32)> {
	let tiles = spec.tiles_per_frame();
	(0..count)
		.map(|i| {
			let h = Hash32::of_parts(&[&seed.to_le_bytes(), &i.to_le_bytes()]).0;
			let a = u32::from_le_bytes([h[0], h[1], h[2], h[3]]);
			let b = u32::from_le_bytes([h[4], h[5], h[6], h[7]]);
			(a % spec.frame_count, b % tiles)
		})
		.collect()
}
