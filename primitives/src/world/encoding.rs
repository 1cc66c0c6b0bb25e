//! The canonical chunk encoding.
//!
//! A chunk has exactly one encoding, so `ContentHash = blake3(encoding)` names its content.
//! Version 1, all integers little-endian:
//!
//! ```text
//! version        u8 = 1
//! palette_len    u16, 1..=4096
//! palette        palette_len x u16: the block ids used, strictly ascending
//! runs           until they cover 4096 blocks, in block order (y, then z, then x):
//!   index        u8 when palette_len <= 256, else u16: an index into the palette
//!   length - 1   LEB128, at most two bytes, minimal (no trailing 0x00 group)
//! ```
//!
//! Runs are maximal (two adjacent runs never share a palette index) and every palette entry
//! is used. The run-length form is the canonical compressed form: version 1 adds no general
//! purpose compressor. Decoding accepts exactly the outputs of [`encode_chunk`] and rejects
//! everything else with a [`DecodeError`], so `encode(decode(b)) == b` for every accepted `b`.

use super::{
	blocks::{BlockId, BLOCK_COUNT},
	chunk::{Chunk, CHUNK_VOLUME},
};
use crate::hash::ContentHash;
use alloc::vec::Vec;
use core::fmt;

/// The encoding version this crate writes and reads.
pub const ENCODING_VERSION: u8 = 1;

/// The longest canonical encoding of a chunk made of known blocks (ids below
/// [`BLOCK_COUNT`]): 3 header bytes, 2 bytes per palette entry, and at most 2 bytes per block
/// (with at most 256 palette entries an index is one byte, a run of one block has a one-byte
/// length, and longer runs cost less per block). The chain stores, renders and hashes only
/// chunks of known blocks, so no chunk anyone needs is longer: it bounds the bytes the chain
/// takes in a call and the bytes a client asks a peer for or accepts from one.
pub const MAX_CHUNK_BYTES: u32 = 3 + 2 * BLOCK_COUNT as u32 + 2 * CHUNK_VOLUME as u32;

/// Why bytes are not a canonical chunk encoding.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DecodeError {
	/// The input is empty.
	Empty,
	/// The version byte is not [`ENCODING_VERSION`].
	UnsupportedVersion(u8),
	/// The input ends inside a field.
	Truncated,
	/// The palette length is 0 or above 4096.
	BadPaletteLength(u16),
	/// A palette entry is not above the previous one.
	PaletteNotAscending {
		/// Position of the offending entry.
		position: u16,
	},
	/// A run names a palette index past the palette.
	PaletteIndexOutOfRange(u16),
	/// A run length's LEB128 form is longer than two bytes, or ends in a zero group.
	NonMinimalLength,
	/// The runs cover more than 4096 blocks.
	TooManyBlocks,
	/// Two adjacent runs have the same palette index (they should be one run).
	UnmergedRuns {
		/// The block position where the second run starts.
		position: u16,
	},
	/// A palette entry is never used by any run.
	UnusedPaletteEntry(u16),
	/// Bytes follow the last run.
	TrailingBytes(usize),
}

impl fmt::Display for DecodeError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Empty => write!(f, "empty chunk encoding"),
			Self::UnsupportedVersion(v) => write!(f, "unsupported chunk encoding version {v}"),
			Self::Truncated => write!(f, "chunk encoding ends inside a field"),
			Self::BadPaletteLength(n) => write!(f, "palette length {n} is not in 1..=4096"),
			Self::PaletteNotAscending { position } => {
				write!(f, "palette entry {position} is not above the previous one")
			}
			Self::PaletteIndexOutOfRange(i) => write!(f, "palette index {i} is past the palette"),
			Self::NonMinimalLength => write!(f, "run length is not minimally encoded"),
			Self::TooManyBlocks => write!(f, "runs cover more than 4096 blocks"),
			Self::UnmergedRuns { position } => {
				write!(f, "run at block {position} repeats the previous run's palette index")
			}
			Self::UnusedPaletteEntry(i) => write!(f, "palette entry {i} is never used"),
			Self::TrailingBytes(n) => write!(f, "{n} bytes follow the last run"),
		}
	}
}

#[cfg(feature = "std")]
impl std::error::Error for DecodeError {}

/// The canonical encoding of `chunk`.
pub fn encode_chunk(chunk: &Chunk) -> Vec<u8> {
	let blocks = chunk.blocks();
	let mut palette: Vec<BlockId> = blocks.to_vec();
	palette.sort_unstable();
	palette.dedup();
	let wide = palette.len() > 256;

	let mut out = Vec::with_capacity(3 + palette.len() * 2 + 64);
	out.push(ENCODING_VERSION);
	out.extend_from_slice(&(palette.len() as u16).to_le_bytes());
	for id in &palette {
		out.extend_from_slice(&id.to_le_bytes());
	}
	let mut start = 0;
	while start < blocks.len() {
		let id = blocks[start];
		let mut end = start + 1;
		while end < blocks.len() && blocks[end] == id {
			end += 1;
		}
		// The palette is sorted and holds `id`, so the search always succeeds.
		let index = palette.binary_search(&id).unwrap_or(0) as u16;
		if wide {
			out.extend_from_slice(&index.to_le_bytes());
		} else {
			out.push(index as u8);
		}
		let length_minus_one = (end - start - 1) as u16;
		if length_minus_one < 0x80 {
			out.push(length_minus_one as u8);
		} else {
			out.push((length_minus_one & 0x7f) as u8 | 0x80);
			out.push((length_minus_one >> 7) as u8);
		}
		start = end;
	}
	out
}

/// The content hash of `chunk`: BLAKE3 of its canonical encoding.
pub fn content_hash(chunk: &Chunk) -> ContentHash {
	ContentHash::of(&encode_chunk(chunk))
}

struct Reader<'a> {
	bytes: &'a [u8],
	at: usize,
}

impl<'a> Reader<'a> {
	fn u8(&mut self) -> Result<u8, DecodeError> {
		let byte = *self.bytes.get(self.at).ok_or(DecodeError::Truncated)?;
		self.at += 1;
		Ok(byte)
	}

	fn u16(&mut self) -> Result<u16, DecodeError> {
		let low = self.u8()?;
		let high = self.u8()?;
		Ok(u16::from_le_bytes([low, high]))
	}

	/// A minimal LEB128 value of at most two bytes (so below 2^14).
	fn length(&mut self) -> Result<u16, DecodeError> {
		let first = self.u8()?;
		if first & 0x80 == 0 {
			return Ok(first as u16);
		}
		let second = self.u8()?;
		if second == 0 || second & 0x80 != 0 {
			return Err(DecodeError::NonMinimalLength);
		}
		Ok((first & 0x7f) as u16 | ((second as u16) << 7))
	}
}

/// Decodes a canonical chunk encoding, rejecting anything [`encode_chunk`] would not write.
pub fn decode_chunk(bytes: &[u8]) -> Result<Chunk, DecodeError> {
	let mut reader = Reader { bytes, at: 0 };
	let version = reader.u8().map_err(|_| DecodeError::Empty)?;
	if version != ENCODING_VERSION {
		return Err(DecodeError::UnsupportedVersion(version));
	}
	let palette_len = reader.u16()?;
	if palette_len == 0 || palette_len as usize > CHUNK_VOLUME {
		return Err(DecodeError::BadPaletteLength(palette_len));
	}
	let mut palette = Vec::with_capacity(palette_len as usize);
	for position in 0..palette_len {
		let id = reader.u16()?;
		if palette.last().is_some_and(|&previous| id <= previous) {
			return Err(DecodeError::PaletteNotAscending { position });
		}
		palette.push(id);
	}
	let wide = palette_len > 256;
	let mut used = alloc::vec![false; palette_len as usize];
	let mut blocks = Vec::with_capacity(CHUNK_VOLUME);
	let mut previous_index = None;
	while blocks.len() < CHUNK_VOLUME {
		let index = if wide { reader.u16()? } else { reader.u8()? as u16 };
		if index >= palette_len {
			return Err(DecodeError::PaletteIndexOutOfRange(index));
		}
		if previous_index == Some(index) {
			return Err(DecodeError::UnmergedRuns { position: blocks.len() as u16 });
		}
		let length = reader.length()? as usize + 1;
		if blocks.len() + length > CHUNK_VOLUME {
			return Err(DecodeError::TooManyBlocks);
		}
		blocks.resize(blocks.len() + length, palette[index as usize]);
		used[index as usize] = true;
		previous_index = Some(index);
	}
	if let Some(unused) = used.iter().position(|&u| !u) {
		return Err(DecodeError::UnusedPaletteEntry(unused as u16));
	}
	let rest = bytes.len() - reader.at;
	if rest != 0 {
		return Err(DecodeError::TrailingBytes(rest));
	}
	Ok(Chunk::from_blocks(blocks).unwrap_or_default())
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::world::blocks::{AIR, STONE};

	#[test]
	fn air_chunk_encodes_to_eight_bytes() {
		let bytes = encode_chunk(&Chunk::filled(AIR));
		// version, palette_len = 1, palette [0], one run: index 0, length 4096 - 1 in LEB128.
		assert_eq!(bytes, [1, 1, 0, 0, 0, 0, 0xff, 0x1f]);
		assert_eq!(decode_chunk(&bytes), Ok(Chunk::filled(AIR)));
	}

	#[test]
	fn unused_palette_entry_is_rejected() {
		let bytes = [1, 2, 0, 0, 0, 1, 0, 0, 0xff, 0x1f];
		assert_eq!(decode_chunk(&bytes), Err(DecodeError::UnusedPaletteEntry(1)));
	}

	#[test]
	fn unsorted_palette_is_rejected() {
		let bytes = [1, 2, 0, 1, 0, 0, 0, 0, 0, 1, 0xfe, 0x1f];
		assert_eq!(decode_chunk(&bytes), Err(DecodeError::PaletteNotAscending { position: 1 }));
	}

	#[test]
	fn split_run_is_rejected() {
		// Two runs of air, 1 + 4095 blocks.
		let bytes = [1, 1, 0, 0, 0, 0, 0, 0, 0xfe, 0x1f];
		assert_eq!(decode_chunk(&bytes), Err(DecodeError::UnmergedRuns { position: 1 }));
	}

	#[test]
	fn non_minimal_length_is_rejected() {
		// Length 1 written as two LEB128 groups.
		let mut chunk = Chunk::filled(AIR);
		chunk.set(0, 0, 0, STONE);
		let mut bytes = encode_chunk(&chunk);
		// palette [0, 1]: runs start at byte 7 -> [1, 0] (stone x1) [0, ...].
		assert_eq!(&bytes[7..9], &[1, 0]);
		bytes.splice(8..9, [0x80, 0x00]);
		assert_eq!(decode_chunk(&bytes), Err(DecodeError::NonMinimalLength));
	}

	#[test]
	fn trailing_bytes_are_rejected() {
		let mut bytes = encode_chunk(&Chunk::filled(STONE));
		bytes.push(0);
		assert_eq!(decode_chunk(&bytes), Err(DecodeError::TrailingBytes(1)));
	}

	#[test]
	fn short_total_is_rejected() {
		let bytes = [1, 1, 0, 0, 0, 0, 0xfe, 0x1f];
		assert_eq!(decode_chunk(&bytes), Err(DecodeError::Truncated));
	}

	#[test]
	fn overlong_total_is_rejected() {
		let bytes = [1, 1, 0, 0, 0, 0, 0x80, 0x20];
		assert_eq!(decode_chunk(&bytes), Err(DecodeError::TooManyBlocks));
	}
}
