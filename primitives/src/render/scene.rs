//! The scene as the kernel reads it: a dense grid of chunk slots over the scene's bounding box
//! and the blocks of its non-empty chunks, two `u16` ids per `u32`. The GPU gets the same two
//! arrays as storage buffers.

use super::spec::{RenderSpec, SpecError, MAX_SCENE_CHUNKS, MAX_SCENE_SPAN};
use crate::{
	hash::ContentHash,
	world::{
		blocks::AIR,
		chunk::{Chunk, ChunkCoord, CHUNK_SIZE, CHUNK_VOLUME},
		encoding::{decode_chunk, DecodeError},
	},
};
use alloc::{vec, vec::Vec};
use core::fmt;

/// A slot with no chunk (all air).
pub const EMPTY_SLOT: u32 = u32::MAX;
/// `u32` words per stored chunk.
pub const WORDS_PER_CHUNK: usize = CHUNK_VOLUME / 2;

/// Why a scene cannot be built.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SceneError {
	/// The spec itself is invalid.
	Spec(SpecError),
	/// The number of chunk encodings differs from the spec's scene.
	ChunkCountMismatch {
		/// Chunks the spec lists.
		expected: u32,
		/// Encodings given.
		got: u32,
	},
	/// A chunk's bytes do not hash to the content hash the spec lists.
	HashMismatch {
		/// Position in the spec's scene.
		index: u32,
	},
	/// A chunk's bytes are not a canonical encoding.
	Decode {
		/// Position in the spec's scene.
		index: u32,
		/// What is wrong with them.
		error: DecodeError,
	},
	/// Too many chunks, a repeated coordinate or a bounding box past the limits.
	BadLayout,
}

impl fmt::Display for SceneError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Spec(e) => write!(f, "invalid spec: {e}"),
			Self::ChunkCountMismatch { expected, got } => {
				write!(f, "the spec lists {expected} chunks but {got} were given")
			}
			Self::HashMismatch { index } => {
				write!(f, "chunk {index} does not match its content hash")
			}
			Self::Decode { index, error } => write!(f, "chunk {index}: {error}"),
			Self::BadLayout => write!(
				f,
				"scene has repeated chunks, more than {MAX_SCENE_CHUNKS} chunks or spans more \
				 than {MAX_SCENE_SPAN} chunks"
			),
		}
	}
}

#[cfg(feature = "std")]
impl std::error::Error for SceneError {}

/// The kernel's view of the world: chunks laid out for constant-time block lookup.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Scene {
	min_chunk: [i32; 3],
	dims: [u32; 3],
	slots: Vec<u32>,
	blocks: Vec<u32>,
}

impl Scene {
	/// A scene from chunks and their coordinates (at most [`MAX_SCENE_CHUNKS`], no repeats,
	/// spanning at most [`MAX_SCENE_SPAN`] chunks along each axis). All-air chunks take no
	/// block storage.
	pub fn from_chunks(chunks: &[(ChunkCoord, &Chunk)]) -> Result<Self, SceneError> {
		if chunks.is_empty() || chunks.len() > MAX_SCENE_CHUNKS as usize {
			return Err(SceneError::BadLayout);
		}
		let mut low = [i32::MAX; 3];
		let mut high = [i32::MIN; 3];
		for (coord, _) in chunks {
			for (axis, v) in [coord.x, coord.y, coord.z].into_iter().enumerate() {
				low[axis] = low[axis].min(v);
				high[axis] = high[axis].max(v);
			}
		}
		let mut dims = [0u32; 3];
		for axis in 0..3 {
			let span = (high[axis] as i64 - low[axis] as i64 + 1) as u64;
			if span > MAX_SCENE_SPAN as u64 {
				return Err(SceneError::BadLayout);
			}
			dims[axis] = span as u32;
		}
		let mut scene = Scene {
			min_chunk: low,
			dims,
			slots: vec![EMPTY_SLOT; (dims[0] * dims[1] * dims[2]) as usize],
			blocks: Vec::new(),
		};
		for (coord, chunk) in chunks {
			let slot = scene.slot_index(*coord);
			if scene.slots[slot] != EMPTY_SLOT {
				return Err(SceneError::BadLayout);
			}
			if chunk.is_empty() {
				// Mark the slot as taken so repeats are still caught, without storing air.
				scene.slots[slot] = EMPTY_SLOT - 1;
				continue;
			}
			scene.slots[slot] = (scene.blocks.len() / WORDS_PER_CHUNK) as u32;
			scene.blocks.extend(
				chunk.blocks().chunks_exact(2).map(|pair| pair[0] as u32 | (pair[1] as u32) << 16),
			);
		}
		for slot in scene.slots.iter_mut() {
			if *slot == EMPTY_SLOT - 1 {
				*slot = EMPTY_SLOT;
			}
		}
		Ok(scene)
	}

	/// The scene of `spec` from the canonical encodings of its chunks, in the spec's order.
	/// Each encoding must hash to the listed content hash and decode canonically.
	pub fn from_encoded<B: AsRef<[u8]>>(
		spec: &RenderSpec,
		encoded: &[B],
	) -> Result<Self, SceneError> {
		spec.validate().map_err(SceneError::Spec)?;
		if encoded.len() != spec.scene.len() {
			return Err(SceneError::ChunkCountMismatch {
				expected: spec.scene.len() as u32,
				got: encoded.len().min(u32::MAX as usize) as u32,
			});
		}
		let mut chunks = Vec::with_capacity(encoded.len());
		for (index, (entry, bytes)) in spec.scene.iter().zip(encoded).enumerate() {
			let bytes = bytes.as_ref();
			if ContentHash::of(bytes) != entry.content_hash {
				return Err(SceneError::HashMismatch { index: index as u32 });
			}
			let chunk = decode_chunk(bytes)
				.map_err(|error| SceneError::Decode { index: index as u32, error })?;
			chunks.push((entry.coord, chunk));
		}
		let refs: Vec<(ChunkCoord, &Chunk)> = chunks.iter().map(|(c, k)| (*c, k)).collect();
		Self::from_chunks(&refs)
	}

	fn slot_index(&self, coord: ChunkCoord) -> usize {
		let cx = (coord.x - self.min_chunk[0]) as u32;
		let cy = (coord.y - self.min_chunk[1]) as u32;
		let cz = (coord.z - self.min_chunk[2]) as u32;
		((cz * self.dims[1] + cy) * self.dims[0] + cx) as usize
	}

	/// The lowest chunk coordinate of the bounding box, `[x, y, z]`.
	pub fn min_chunk(&self) -> [i32; 3] {
		self.min_chunk
	}

	/// The bounding box's size in chunks, `[x, y, z]`.
	pub fn dims(&self) -> [u32; 3] {
		self.dims
	}

	/// The lowest block coordinate inside the bounding box.
	pub fn min_block(&self) -> [i32; 3] {
		let s = CHUNK_SIZE as i32;
		[self.min_chunk[0] * s, self.min_chunk[1] * s, self.min_chunk[2] * s]
	}

	/// One past the highest block coordinate inside the bounding box.
	pub fn max_block(&self) -> [i32; 3] {
		let s = CHUNK_SIZE as i32;
		let m = self.min_block();
		[
			m[0] + self.dims[0] as i32 * s,
			m[1] + self.dims[1] as i32 * s,
			m[2] + self.dims[2] as i32 * s,
		]
	}

	/// The slot grid, z-major then y then x: a chunk index or [`EMPTY_SLOT`].
	pub fn slots(&self) -> &[u32] {
		&self.slots
	}

	/// The stored chunks' blocks, [`WORDS_PER_CHUNK`] words each; block `i` of a chunk is the
	/// low half of word `i / 2` when `i` is even, the high half when odd.
	pub fn packed_blocks(&self) -> &[u32] {
		&self.blocks
	}

	/// The block id at world block `cell` (air outside the scene). The kernel's lookup; the
	/// WGSL `block_at` does the same.
	pub fn block_at(&self, cell: [i32; 3]) -> u32 {
		let cx = (cell[0] >> 4).wrapping_sub(self.min_chunk[0]);
		let cy = (cell[1] >> 4).wrapping_sub(self.min_chunk[1]);
		let cz = (cell[2] >> 4).wrapping_sub(self.min_chunk[2]);
		if cx < 0
			|| cy < 0 || cz < 0
			|| cx >= self.dims[0] as i32
			|| cy >= self.dims[1] as i32
			|| cz >= self.dims[2] as i32
		{
			return AIR as u32;
		}
		let slot = ((cz as u32 * self.dims[1] + cy as u32) * self.dims[0] + cx as u32) as usize;
		let index = self.slots[slot];
		if index == EMPTY_SLOT {
			return AIR as u32;
		}
		let local = (((cell[1] & 15) << 8) | ((cell[2] & 15) << 4) | (cell[0] & 15)) as u32;
		let word = self.blocks[index as usize * WORDS_PER_CHUNK + (local >> 1) as usize];
		(word >> ((local & 1) * 16)) & 0xffff
	}
}
