//! World regions: square groups of chunk columns, the unit of gossip (one topic per region).

use codec::{Decode, Encode};
use core::fmt;
use playnet_primitives::ChunkCoord;

/// A region's edge in chunks is `1 << REGION_SHIFT`, as in `pallet-world`'s `RegionCoord`.
pub const REGION_SHIFT: u32 = 2;

/// Where a region is, in regions: chunk `(x, y, z)` lies in region `(x >> 2, z >> 2)`, every
/// height of the column included. The same mapping as `pallet-world`'s `RegionCoord` (the
/// client depends on primitives only, so it keeps its own copy).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default, Encode, Decode)]
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
}

/// `x,z`, the form the CLI reads.
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
	fn region_text_round_trips() {
		let region: RegionCoord = "-3, 7".parse().unwrap();
		assert_eq!(region, RegionCoord::new(-3, 7));
		assert_eq!(region.to_string().parse::<RegionCoord>().unwrap(), region);
		assert!("3".parse::<RegionCoord>().is_err());
	}
}
