//! Tiles, tile and frame hashes, and one-tile proofs.
//!
//! - A frame is cut into [`TILE_SIZE`]-pixel square tiles, row-major from the top left; tiles
//!   on the right and bottom edges are narrower or shorter.
//! - `tile_hash = blake3(pixels)`: the tile's pixels row by row, top to bottom, left to right,
//!   each as its RGBA8 `u32` in little-endian (so the bytes are R, G, B, A).
//! - `frame_hash = blake3(task_id || tile_root)`, where `tile_root` is the [`merkle`] root of
//!   the frame's tile hashes in tile order and `task_id` is the task's
//!   [`result_id`](super::task::result_id) (the spec's id for a spec rendered outside a task). (DESIGN.md writes `blake3(task_id || tile hashes)`;
//!   committing to the tiles through their Merkle root keeps a one-tile proof logarithmic.)
//! - `result_root` is the Merkle root of the frame hashes in frame order.

use super::merkle::{self, MerkleError, MerkleProof};
use crate::{
	hash::Hash32,
	render::{
		camera::FrameCamera,
		kernel::render_pixel,
		scene::Scene,
		spec::{RenderSpec, SpecError},
	},
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::fmt;
use scale_info::TypeInfo;

/// Tile edge, in pixels.
pub const TILE_SIZE: u32 = 64;

/// A tile's place in its frame, in pixels.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TileRect {
	/// Left column.
	pub x: u32,
	/// Top row.
	pub y: u32,
	/// Width (64 except on the right edge).
	pub width: u32,
	/// Height (64 except on the bottom edge).
	pub height: u32,
}

/// Tiles per row of a `width`-pixel frame.
pub fn tiles_across(width: u32) -> u32 {
	width.div_ceil(TILE_SIZE)
}

/// Tiles in a `width` x `height` frame.
pub fn tile_count(width: u32, height: u32) -> u32 {
	tiles_across(width) * height.div_ceil(TILE_SIZE)
}

/// The rectangle of tile `tile` of a `width` x `height` frame; `None` past the last tile.
pub fn tile_rect(width: u32, height: u32, tile: u32) -> Option<TileRect> {
	if tile >= tile_count(width, height) {
		return None;
	}
	let across = tiles_across(width);
	let x = (tile % across) * TILE_SIZE;
	let y = (tile / across) * TILE_SIZE;
	Some(TileRect { x, y, width: TILE_SIZE.min(width - x), height: TILE_SIZE.min(height - y) })
}

/// Bytes a pixel is hashed as: RGBA8, red first (the `u32`'s little-endian bytes).
const PIXEL_BYTES: usize = 4;

/// The hash of a tile's pixels, given row-major: BLAKE3 of their RGBA8 bytes.
pub fn tile_hash(pixels: &[u32]) -> Hash32 {
	// BLAKE3 hashes several 1 KiB chunks at once when given them together, so the bytes go
	// in 4 KiB at a time (a pixel at a time costs several times more).
	let mut hasher = blake3::Hasher::new();
	let mut block = [0u8; 4096];
	for run in pixels.chunks(block.len() / PIXEL_BYTES) {
		let bytes = &mut block[..run.len() * PIXEL_BYTES];
		for (out, pixel) in bytes.chunks_exact_mut(PIXEL_BYTES).zip(run) {
			out.copy_from_slice(&pixel.to_le_bytes());
		}
		hasher.update(bytes);
	}
	Hash32(*hasher.finalize().as_bytes())
}

/// The hash of tile `tile` of a full frame (`width * height` pixels, row-major), the same as
/// [`tile_hash`] of the tile's pixels; `None` past the last tile.
pub fn frame_tile_hash(pixels: &[u32], width: u32, height: u32, tile: u32) -> Option<Hash32> {
	let rect = tile_rect(width, height, tile)?;
	let mut bytes = Vec::with_capacity((rect.width * rect.height) as usize * PIXEL_BYTES);
	for row in rect.y..rect.y + rect.height {
		let start = (row * width + rect.x) as usize;
		for pixel in &pixels[start..start + rect.width as usize] {
			bytes.extend_from_slice(&pixel.to_le_bytes());
		}
	}
	Some(Hash32(*blake3::hash(&bytes).as_bytes()))
}

/// The hash of a frame of task `task_id` from its tile hashes in tile order (at least one).
pub fn frame_hash(task_id: &Hash32, tile_hashes: &[Hash32]) -> Hash32 {
	let tile_root = merkle::merkle_root(tile_hashes).unwrap_or_default();
	Hash32::of_parts(&[&task_id.0, &tile_root.0])
}

/// The hashes of every tile of a full frame (`width * height` pixels, row-major).
pub fn frame_tile_hashes(pixels: &[u32], width: u32, height: u32) -> Vec<Hash32> {
	(0..tile_count(width, height))
		.map_while(|tile| frame_tile_hash(pixels, width, height, tile))
		.collect()
}

/// Renders one tile: its pixels row-major and the DDA steps taken.
pub fn render_tile(scene: &Scene, camera: &FrameCamera, rect: TileRect) -> (Vec<u32>, u64) {
	let mut pixels = Vec::with_capacity((rect.width * rect.height) as usize);
	let mut steps = 0u64;
	for y in rect.y..rect.y + rect.height {
		for x in rect.x..rect.x + rect.width {
			let out = render_pixel(scene, camera, x, y);
			pixels.push(out.rgba);
			steps += out.steps as u64;
		}
	}
	(pixels, steps)
}

/// A claim that one tile belongs to a task's result: where it is, and the two Merkle paths
/// from its hash to the frame's tile root and from the frame hash to the result root.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TileProof {
	/// The frame.
	pub frame: u32,
	/// The tile within the frame.
	pub tile: u32,
	/// The tile's hash among the frame's tile hashes.
	pub tile_path: MerkleProof,
	/// The frame's hash among the task's frame hashes.
	pub frame_path: MerkleProof,
}

impl TileProof {
	/// The proof of `tile` of `frame` built from the frame's published evidence (what a
	/// signer answers a challenge with): the frame's `tile_hashes` and the `frame_path`
	/// siblings of its hash among `frame_count` frames. `None` if `tile` is outside the frame.
	pub fn from_frame_evidence(
		frame: u32,
		tile: u32,
		frame_count: u32,
		tile_hashes: &[Hash32],
		frame_path: Vec<Hash32>,
	) -> Option<Self> {
		Some(TileProof {
			frame,
			tile,
			tile_path: merkle::merkle_proof(tile_hashes, tile)?,
			frame_path: MerkleProof { index: frame, leaf_count: frame_count, siblings: frame_path },
		})
	}
}

/// Why a tile does not verify.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VerifyError {
	/// The spec is invalid.
	Spec(SpecError),
	/// The proof's frame is not below the spec's frame count, or its frame path's position
	/// or size disagree with the spec.
	BadFrame,
	/// The proof's tile is not in the frame, or its tile path's position or size disagree.
	BadTile,
	/// A Merkle path is malformed.
	BadPath(MerkleError),
	/// The re-rendered tile does not lead to the claimed root: the result is wrong.
	RootMismatch,
}

impl fmt::Display for VerifyError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Spec(e) => write!(f, "invalid spec: {e}"),
			Self::BadFrame => write!(f, "the proof's frame does not match the spec"),
			Self::BadTile => write!(f, "the proof's tile does not match the spec"),
			Self::BadPath(e) => write!(f, "malformed Merkle path: {e}"),
			Self::RootMismatch => {
				write!(f, "the re-rendered tile does not lead to the claimed result root")
			}
		}
	}
}

#[cfg(feature = "std")]
impl std::error::Error for VerifyError {}

/// Re-renders the proof's tile and checks it against the claimed `root` of the result whose
/// frame hashes commit to `task_id` (see [`frame_hash`]). Returns the DDA steps the re-render
/// took. `scene` must be the spec's scene (see [`Scene::from_encoded`], which checks the
/// chunks against their content hashes).
pub fn verify_tile(
	spec: &RenderSpec,
	task_id: &Hash32,
	scene: &Scene,
	proof: &TileProof,
	root: &Hash32,
) -> Result<u64, VerifyError> {
	spec.validate().map_err(VerifyError::Spec)?;
	if proof.frame >= spec.frame_count
		|| proof.frame_path.index != proof.frame
		|| proof.frame_path.leaf_count != spec.frame_count
	{
		return Err(VerifyError::BadFrame);
	}
	let tiles = tile_count(spec.width, spec.height);
	let Some(rect) = tile_rect(spec.width, spec.height, proof.tile) else {
		return Err(VerifyError::BadTile);
	};
	if proof.tile_path.index != proof.tile || proof.tile_path.leaf_count != tiles {
		return Err(VerifyError::BadTile);
	}
	let camera = FrameCamera::at_frame(&spec.camera_path, proof.frame, spec.width, spec.height);
	let (pixels, steps) = render_tile(scene, &camera, rect);
	let tile_root =
		proof.tile_path.compute_root(&tile_hash(&pixels)).map_err(VerifyError::BadPath)?;
	let frame = Hash32::of_parts(&[&task_id.0, &tile_root.0]);
	let computed = proof.frame_path.compute_root(&frame).map_err(VerifyError::BadPath)?;
	if computed == *root {
		Ok(steps)
	} else {
		Err(VerifyError::RootMismatch)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Pixels that differ everywhere, so a byte out of place changes the hash.
	fn pixels(count: usize) -> Vec<u32> {
		(0..count as u32).map(|i| i.wrapping_mul(0x9E37_79B9) ^ 0x0102_0304).collect()
	}

	fn bytes_of(pixels: &[u32]) -> Vec<u8> {
		pixels.iter().flat_map(|p| p.to_le_bytes()).collect()
	}

	#[test]
	fn a_proof_from_a_frames_evidence_is_the_proof_from_the_whole_result() {
		let tiles: Vec<Vec<Hash32>> = (0..5u8)
			.map(|frame| (0..7u8).map(|tile| Hash32::of(&[frame, tile])).collect())
			.collect();
		let result = crate::proof::task::TaskResult::new(Hash32::of(b"task"), tiles);
		for frame in 0..5 {
			let path = merkle::merkle_proof(&result.frame_hashes, frame).unwrap().siblings;
			for tile in 0..7 {
				let evidence = &result.tile_hashes[frame as usize];
				let proof = TileProof::from_frame_evidence(frame, tile, 5, evidence, path.clone());
				assert_eq!(proof, result.tile_proof(frame, tile), "frame {frame} tile {tile}");
			}
			let outside = TileProof::from_frame_evidence(frame, 7, 5, &result.tile_hashes[0], path);
			assert_eq!(outside, None);
		}
	}

	#[test]
	fn a_tile_hash_is_blake3_of_the_rgba_bytes_whatever_the_block_boundaries() {
		// Around the 1,024-pixel blocks the bytes are fed in, and a full 64x64 tile.
		for count in [0, 1, 1023, 1024, 1025, 2049, 4096] {
			let pixels = pixels(count);
			let expected = Hash32(*blake3::hash(&bytes_of(&pixels)).as_bytes());
			assert_eq!(tile_hash(&pixels), expected, "{count} pixels");
		}
	}

	#[test]
	fn a_frame_tile_hash_is_the_hash_of_the_tile_cut_from_the_frame() {
		// Edge tiles narrower and shorter than 64 pixels too.
		let (width, height) = (150, 70);
		let frame = pixels((width * height) as usize);
		let hashes = frame_tile_hashes(&frame, width, height);
		assert_eq!(hashes.len(), tile_count(width, height) as usize);
		for (tile, hash) in hashes.iter().enumerate() {
			let rect = tile_rect(width, height, tile as u32).unwrap();
			let mut cut = Vec::new();
			for row in rect.y..rect.y + rect.height {
				let start = (row * width + rect.x) as usize;
				cut.extend_from_slice(&frame[start..start + rect.width as usize]);
			}
			assert_eq!(*hash, tile_hash(&cut), "tile {tile}");
		}
		assert_eq!(frame_tile_hash(&frame, width, height, tile_count(width, height)), None);
	}
}
