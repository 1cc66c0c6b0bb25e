//! Playnet's types as the runtime's metadata names them, for subxt's dynamic API: only the
//! fields the programs read, matched by name, so new fields do not break them.

use crate::ChainError;
use codec::Decode;
use playnet_primitives::{world::region::RegionCoord, BlockEdit, ChunkCoord, Hash32};
use subxt::ext::{
	scale_decode::{self, DecodeAsType},
	scale_encode::{self, EncodeAsType},
};

/// `Hash32`, a 32-byte newtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EncodeAsType, DecodeAsType)]
#[encode_as_type(crate_path = "scale_encode")]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Hash(pub [u8; 32]);

impl From<Hash> for Hash32 {
	fn from(hash: Hash) -> Self {
		Hash32(hash.0)
	}
}

impl From<Hash32> for Hash {
	fn from(hash: Hash32) -> Self {
		Hash(hash.0)
	}
}

/// `ChunkCoord`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EncodeAsType, DecodeAsType)]
#[encode_as_type(crate_path = "scale_encode")]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Coord {
	/// Chunk x.
	pub x: i32,
	/// Chunk y.
	pub y: i32,
	/// Chunk z.
	pub z: i32,
}

impl From<ChunkCoord> for Coord {
	fn from(c: ChunkCoord) -> Self {
		Coord { x: c.x, y: c.y, z: c.z }
	}
}

impl From<Coord> for ChunkCoord {
	fn from(c: Coord) -> Self {
		ChunkCoord::new(c.x, c.y, c.z)
	}
}

/// `RegionCoord`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EncodeAsType)]
#[encode_as_type(crate_path = "scale_encode")]
pub struct Region {
	/// Region x.
	pub x: i32,
	/// Region z.
	pub z: i32,
}

impl From<RegionCoord> for Region {
	fn from(r: RegionCoord) -> Self {
		Region { x: r.x, z: r.z }
	}
}

/// `BlockEdit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EncodeAsType)]
#[encode_as_type(crate_path = "scale_encode")]
pub struct Edit {
	/// Block x within the chunk.
	pub x: u8,
	/// Block y within the chunk.
	pub y: u8,
	/// Block z within the chunk.
	pub z: u8,
	/// The new block id.
	pub block: u16,
}

impl From<&BlockEdit> for Edit {
	fn from(e: &BlockEdit) -> Self {
		Edit { x: e.x, y: e.y, z: e.z, block: e.block }
	}
}

/// Decodes all of `bytes` as `T` (a runtime API's answer, read raw): bytes left over are an
/// error, since they mean the layout is not the one this program knows.
pub fn decode_all<T: Decode>(what: &'static str, bytes: &[u8]) -> Result<T, ChainError> {
	let mut input = bytes;
	let value = T::decode(&mut input).map_err(ChainError::decode(what))?;
	if !input.is_empty() {
		return Err(ChainError::Decode {
			what,
			reason: format!("{} bytes left over", input.len()),
		});
	}
	Ok(value)
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;

	#[test]
	fn decode_all_refuses_leftover_bytes() {
		let bytes = (7u32, 9u8).encode();
		assert!(decode_all::<u32>("a number", &bytes).is_err());
		assert_eq!(decode_all::<(u32, u8)>("a pair", &bytes).ok(), Some((7, 9)));
		assert!(decode_all::<u64>("a short answer", &bytes[..3]).is_err());
	}
}
