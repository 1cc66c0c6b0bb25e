//! Chunks: 16x16x16 blocks addressed by a chunk coordinate.

use super::blocks::{BlockId, AIR};
use alloc::{vec, vec::Vec};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Blocks along each edge of a chunk.
pub const CHUNK_SIZE: u32 = 16;
/// Blocks in a chunk.
pub const CHUNK_VOLUME: usize = (CHUNK_SIZE * CHUNK_SIZE * CHUNK_SIZE) as usize;

/// Lowest block y of the world (bedrock).
pub const WORLD_MIN_Y: i32 = -64;
/// One past the highest block y of the world.
pub const WORLD_MAX_Y: i32 = 256;
/// Lowest chunk y inside the world.
pub const WORLD_MIN_CHUNK_Y: i32 = WORLD_MIN_Y / CHUNK_SIZE as i32;
/// One past the highest chunk y inside the world.
pub const WORLD_MAX_CHUNK_Y: i32 = WORLD_MAX_Y / CHUNK_SIZE as i32;
/// Largest |x| or |z| chunk coordinate inside the world. It keeps every block coordinate,
/// in Q16.16 blocks, inside an `i32`.
pub const WORLD_MAX_CHUNK_XZ: i32 = 2000;

/// Where a chunk is, in chunks: block `(x, y, z)` lies in chunk `(x >> 4, y >> 4, z >> 4)`.
/// Ordered by x, then y, then z.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Hash,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ChunkCoord {
	/// East-west, in chunks.
	pub x: i32,
	/// Up-down, in chunks.
	pub y: i32,
	/// North-south, in chunks.
	pub z: i32,
}

impl ChunkCoord {
	/// A coordinate.
	pub const fn new(x: i32, y: i32, z: i32) -> Self {
		ChunkCoord { x, y, z }
	}

	/// Whether the chunk lies inside the world's bounds.
	pub fn in_world(&self) -> bool {
		(WORLD_MIN_CHUNK_Y..WORLD_MAX_CHUNK_Y).contains(&self.y)
			&& self.x.unsigned_abs() <= WORLD_MAX_CHUNK_XZ as u32
			&& self.z.unsigned_abs() <= WORLD_MAX_CHUNK_XZ as u32
	}

	/// World coordinates of the chunk's lowest corner block.
	pub fn origin_block(&self) -> [i32; 3] {
		let size = CHUNK_SIZE as i32;
		[self.x.wrapping_mul(size), self.y.wrapping_mul(size), self.z.wrapping_mul(size)]
	}
}

/// The index of local block `(x, y, z)` (each `0..16`) in a chunk's block order: y-major,
/// then z, then x, so that horizontal layers are contiguous.
pub const fn block_index(x: u32, y: u32, z: u32) -> usize {
	((y * CHUNK_SIZE + z) * CHUNK_SIZE + x) as usize
}

/// The 4096 blocks of one chunk, in [`block_index`] order.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Chunk {
	blocks: Vec<BlockId>,
}

impl Default for Chunk {
	fn default() -> Self {
		Self::filled(AIR)
	}
}

impl Chunk {
	/// A chunk of one block everywhere.
	pub fn filled(block: BlockId) -> Self {
		Chunk { blocks: vec![block; CHUNK_VOLUME] }
	}

	/// A chunk from exactly [`CHUNK_VOLUME`] blocks in [`block_index`] order.
	pub fn from_blocks(blocks: Vec<BlockId>) -> Option<Self> {
		(blocks.len() == CHUNK_VOLUME).then_some(Chunk { blocks })
	}

	/// The blocks in [`block_index`] order.
	pub fn blocks(&self) -> &[BlockId] {
		&self.blocks
	}

	/// The block at local `(x, y, z)`; `None` outside `0..16`.
	pub fn get(&self, x: u32, y: u32, z: u32) -> Option<BlockId> {
		if x < CHUNK_SIZE && y < CHUNK_SIZE && z < CHUNK_SIZE {
			Some(self.blocks[block_index(x, y, z)])
		} else {
			None
		}
	}

	/// Sets the block at local `(x, y, z)`; returns false (and changes nothing) outside `0..16`.
	pub fn set(&mut self, x: u32, y: u32, z: u32, block: BlockId) -> bool {
		if x < CHUNK_SIZE && y < CHUNK_SIZE && z < CHUNK_SIZE {
			self.blocks[block_index(x, y, z)] = block;
			true
		} else {
			false
		}
	}

	/// Whether every block is air.
	pub fn is_empty(&self) -> bool {
		self.blocks.iter().all(|&b| b == AIR)
	}
}
