//! Regions: square columns of chunks, the unit of claims on chain and of gossip topics between
//! players. The chain and every client map chunks to regions with this one definition.

use super::chunk::{ChunkCoord, WORLD_MAX_CHUNK_XZ};
use alloc::{format, string::String};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;

/// A region's edge in chunks is `1 << REGION_SHIFT`.
pub const REGION_SHIFT: u32 = 2;

/// A region's edge in chunks.
pub const REGION_SIZE_IN_CHUNKS: u32 = 1 << REGION_SHIFT;

/// Where a region is, in regions: a column of [`REGION_SIZE_IN_CHUNKS`] x
/// [`REGION_SIZE_IN_CHUNKS`] chunks, every height included. Chunk `(x, y, z)` lies in region
/// `(x >> 2, z >> 2)` (floor division, so region `(-1, -1)` holds chunks `-4..=-1`).
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
pub struct RegionCoord {
	/// East-west, in regions.
	pub x: i32,
	/// North-south, in regions.
	pub z: i32,
}

impl RegionCoord {
	/// A region coordinate.
	pub const fn new(x: i32, z: i32) -> Self {
		RegionCoord { x, z }
	}

	/// The region holding `chunk`.
	pub const fn of(chunk: &ChunkCoord) -> Self {
		RegionCoord { x: chunk.x >> REGION_SHIFT, z: chunk.z >> REGION_SHIFT }
	}

	/// Whether the region holds at least one chunk inside the world.
	pub fn in_world(&self) -> bool {
		let limit = (WORLD_MAX_CHUNK_XZ >> REGION_SHIFT) as u32;
		self.x.unsigned_abs() <= limit && self.z.unsigned_abs() <= limit
	}
}

/// `x,z`, the form the client's CLI reads.
impl fmt::Display for RegionCoord {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "{},{}", self.x, self.z)
	}
}

impl core::str::FromStr for RegionCoord {
	type Err = String;

	fn from_str(text: &str) -> Result<Self, Self::Err> {
		let (x, z) = text.split_once(',').ok_or_else(|| format!("expected x,z, got {text:?}"))?;
		let parse = |part: &str| {
			part.trim().parse::<i32>().map_err(|e| format!("bad region coordinate {part:?}: {e}"))
		};
		Ok(RegionCoord::new(parse(x)?, parse(z)?))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn chunks_map_to_regions_of_four_by_four_columns() {
		assert_eq!(RegionCoord::of(&ChunkCoord::new(0, 5, 3)), RegionCoord::new(0, 0));
		assert_eq!(RegionCoord::of(&ChunkCoord::new(4, -3, 7)), RegionCoord::new(1, 1));
		assert_eq!(RegionCoord::of(&ChunkCoord::new(-1, 0, -4)), RegionCoord::new(-1, -1));
		assert_eq!(RegionCoord::of(&ChunkCoord::new(-5, 0, 0)), RegionCoord::new(-2, 0));
	}

	#[test]
	fn the_world_edge_regions_are_inside_and_the_next_are_not() {
		let edge = RegionCoord::of(&ChunkCoord::new(WORLD_MAX_CHUNK_XZ, 0, -WORLD_MAX_CHUNK_XZ));
		assert!(edge.in_world());
		assert!(!RegionCoord::new(edge.x + 1, 0).in_world());
		assert!(!RegionCoord::new(0, edge.z - 1).in_world());
	}

	#[test]
	fn region_text_round_trips() {
		let region: RegionCoord = "-3, 7".parse().unwrap();
		assert_eq!(region, RegionCoord::new(-3, 7));
		assert_eq!(region.to_string().parse::<RegionCoord>().unwrap(), region);
		assert!("3".parse::<RegionCoord>().is_err());
		assert!("3,north".parse::<RegionCoord>().is_err());
	}
}
