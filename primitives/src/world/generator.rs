//! The seeded world generator.
//!
//! A chunk's generated content is a pure function of the world seed and its coordinate, so
//! the chain can compute the content hash of any chunk nobody has edited. Terrain is a height
//! map of three octaves of value noise plus mountains; below it, dirt and stone with coal and
//! worm-like caves; water fills everything under sea level; beaches, gravel bottoms and snow
//! caps by height; trees on grass. Trees are placed from columns up to two blocks outside the
//! chunk, so they cross chunk borders seamlessly.

use super::{
	blocks::*,
	chunk::{Chunk, ChunkCoord, CHUNK_SIZE, WORLD_MIN_CHUNK_Y, WORLD_MIN_Y},
	noise::{lattice_hash, value_noise_2d, value_noise_3d},
};

/// Blocks at or below this y that are above the terrain are water.
pub const SEA_LEVEL: i32 = 62;
/// Terrain above this height is capped with snow.
pub const SNOW_LINE: i32 = 132;
/// Terrain above this height is bare stone.
pub const TREE_LINE: i32 = 112;

// Independent noise streams derived from the one world seed.
const STREAM_CONTINENT: u64 = 1;
const STREAM_HILLS: u64 = 2;
const STREAM_DETAIL: u64 = 3;
const STREAM_CAVE_A: u64 = 4;
const STREAM_CAVE_B: u64 = 5;
const STREAM_TREES: u64 = 6;
const STREAM_ORE: u64 = 7;

/// How far a tree reaches from its trunk.
const TREE_RADIUS: i32 = 2;
/// One column in this many (on grass) grows a tree.
const TREE_RARITY: u64 = 61;

/// Generates chunks of the world named by a seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorldGenerator {
	seed: u64,
}

impl WorldGenerator {
	/// The generator for world `seed`.
	pub const fn new(seed: u64) -> Self {
		WorldGenerator { seed }
	}

	fn stream(&self, stream: u64) -> u64 {
		self.seed ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15)
	}

	/// The y of the topmost terrain block of column `(x, z)` (ignoring trees and caves).
	pub fn surface_height(&self, x: i32, z: i32) -> i32 {
		let continent = value_noise_2d(self.stream(STREAM_CONTINENT), x, z, 7);
		let hills = value_noise_2d(self.stream(STREAM_HILLS), x, z, 5);
		let detail = value_noise_2d(self.stream(STREAM_DETAIL), x, z, 3);
		let mut height = 64
			+ (((continent - 32768) * 40) >> 15)
			+ (((hills - 32768) * 14) >> 15)
			+ (((detail - 32768) * 3) >> 15);
		// Mountains rise where the continent noise is high.
		let mountain = continent - 40000;
		if mountain > 0 {
			height += (mountain * mountain) >> 23;
		}
		height as i32
	}

	fn is_cave(&self, x: i32, y: i32, z: i32) -> bool {
		// Tunnels lie where two independent noise fields both cross their middle value.
		let a = value_noise_3d(self.stream(STREAM_CAVE_A), x, y, z, 4) - 32768;
		let b = value_noise_3d(self.stream(STREAM_CAVE_B), x, y, z, 4) - 32768;
		a.abs() + b.abs() < 4200
	}

	/// The terrain block at `(x, y, z)` for a column of surface height `height`, before trees.
	fn terrain_block(&self, x: i32, y: i32, z: i32, height: i32) -> BlockId {
		if y <= WORLD_MIN_Y {
			return BEDROCK;
		}
		if y > height {
			return if y <= SEA_LEVEL { WATER } else { AIR };
		}
		// Caves stay under solid ground: deeper under the sea so they do not open into it.
		let cover = if height < SEA_LEVEL { 7 } else { 4 };
		if y < height - cover && self.is_cave(x, y, z) {
			return AIR;
		}
		let depth = height - y;
		if height < SEA_LEVEL - 3 {
			return if depth < 2 { GRAVEL } else { STONE };
		}
		if height <= SEA_LEVEL + 1 {
			return if depth < 3 { SAND } else { STONE };
		}
		if height > SNOW_LINE {
			return if depth == 0 { SNOW } else { STONE };
		}
		if height > TREE_LINE {
			return STONE;
		}
		match depth {
			0 => GRASS,
			1..=3 => DIRT,
			_ => {
				if lattice_hash(self.stream(STREAM_ORE), x, y, z).is_multiple_of(67) {
					COAL_ORE
				} else {
					STONE
				}
			}
		}
	}

	/// The trunk height of a tree growing from column `(x, z)` with surface `height`, if any.
	fn tree_at(&self, x: i32, z: i32, height: i32) -> Option<i32> {
		if height <= SEA_LEVEL + 1 || height > TREE_LINE {
			return None;
		}
		let hash = lattice_hash(self.stream(STREAM_TREES), x, 0, z);
		hash.is_multiple_of(TREE_RARITY).then_some(4 + ((hash >> 32) % 3) as i32)
	}

	/// The generated chunk at `coord`. Outside the world's bounds
	/// ([`ChunkCoord::in_world`]) it is bedrock below the world and air everywhere else.
	pub fn chunk(&self, coord: ChunkCoord) -> Chunk {
		if !coord.in_world() {
			return Chunk::filled(if coord.y < WORLD_MIN_CHUNK_Y { BEDROCK } else { AIR });
		}
		const SIZE: i32 = CHUNK_SIZE as i32;
		const SPAN: i32 = SIZE + 2 * TREE_RADIUS;
		let [x0, y0, z0] = coord.origin_block();
		let mut heights = [[0i32; SPAN as usize]; SPAN as usize];
		for (dz, row) in heights.iter_mut().enumerate() {
			for (dx, height) in row.iter_mut().enumerate() {
				*height =
					self.surface_height(x0 + dx as i32 - TREE_RADIUS, z0 + dz as i32 - TREE_RADIUS);
			}
		}
		let height_at =
			|lx: i32, lz: i32| heights[(lz + TREE_RADIUS) as usize][(lx + TREE_RADIUS) as usize];

		let mut chunk = Chunk::filled(AIR);
		for ly in 0..SIZE {
			for lz in 0..SIZE {
				for lx in 0..SIZE {
					let block = self.terrain_block(x0 + lx, y0 + ly, z0 + lz, height_at(lx, lz));
					chunk.set(lx as u32, ly as u32, lz as u32, block);
				}
			}
		}

		// Leaves first, only into air; then trunks, over air and leaves. The result does not
		// depend on the order in which trees are visited.
		let mut trees = alloc::vec::Vec::new();
		for tz in -TREE_RADIUS..SIZE + TREE_RADIUS {
			for tx in -TREE_RADIUS..SIZE + TREE_RADIUS {
				let ground = height_at(tx, tz);
				if let Some(trunk) = self.tree_at(x0 + tx, z0 + tz, ground) {
					trees.push((tx, tz, ground, trunk));
				}
			}
		}
		for &(tx, tz, ground, trunk) in &trees {
			let top = ground + trunk;
			for dy in -2..=1 {
				let radius: i32 = if dy < 0 { 2 } else { 1 };
				for dz in -radius..=radius {
					for dx in -radius..=radius {
						let corner = dx.abs() == radius && dz.abs() == radius;
						if corner && (dy == 1 || (dy < 0 && (tx + tz + dy) & 1 == 0)) {
							continue;
						}
						let (lx, ly, lz) = (tx + dx, top + dy - y0, tz + dz);
						if (0..SIZE).contains(&lx)
							&& (0..SIZE).contains(&ly)
							&& (0..SIZE).contains(&lz)
							&& chunk.get(lx as u32, ly as u32, lz as u32) == Some(AIR)
						{
							chunk.set(lx as u32, ly as u32, lz as u32, LEAVES);
						}
					}
				}
			}
		}
		for &(tx, tz, ground, trunk) in &trees {
			if !(0..SIZE).contains(&tx) || !(0..SIZE).contains(&tz) {
				continue;
			}
			for y in ground + 1..=ground + trunk {
				let ly = y - y0;
				if (0..SIZE).contains(&ly) {
					chunk.set(tx as u32, ly as u32, tz as u32, WOOD);
				}
			}
		}
		chunk
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::world::encoding::content_hash;

	#[test]
	fn generation_is_deterministic() {
		let generator = WorldGenerator::new(42);
		let coord = ChunkCoord::new(1, 4, -2);
		assert_eq!(content_hash(&generator.chunk(coord)), content_hash(&generator.chunk(coord)));
	}

	#[test]
	fn chunks_outside_the_world_are_air_or_bedrock() {
		let generator = WorldGenerator::new(3);
		assert_eq!(generator.chunk(ChunkCoord::new(i32::MAX, 0, 0)), Chunk::filled(AIR));
		assert_eq!(generator.chunk(ChunkCoord::new(0, i32::MIN, 0)), Chunk::filled(BEDROCK));
	}

	#[test]
	fn different_seeds_give_different_worlds() {
		let coord = ChunkCoord::new(0, 3, 0);
		let a = WorldGenerator::new(1).chunk(coord);
		let b = WorldGenerator::new(2).chunk(coord);
		assert_ne!(a, b);
	}

	#[test]
	fn surface_chunks_hold_grass_water_or_sand() {
		let generator = WorldGenerator::new(7);
		let mut seen = [false; BLOCK_COUNT as usize];
		for cx in -3..3 {
			for cz in -3..3 {
				for cy in 2..6 {
					for &b in generator.chunk(ChunkCoord::new(cx, cy, cz)).blocks() {
						seen[b as usize] = true;
					}
				}
			}
		}
		assert!(seen[GRASS as usize] && seen[STONE as usize] && seen[DIRT as usize]);
	}
}
