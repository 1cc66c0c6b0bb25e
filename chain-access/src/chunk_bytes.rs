//! The check every chunk's bytes pass before use, whoever sent them: a peer, the disk, or
//! the chain (a node or the light client).

use playnet_primitives::{
	world::encoding::{decode_chunk, MAX_CHUNK_BYTES as MAX_CHUNK_BYTES_U32},
	ContentHash, DecodeError,
};

/// The longest canonical encoding of a chunk of known blocks, the chain's own bound
/// (`playnet_primitives::world::encoding::MAX_CHUNK_BYTES`): the chain never records a longer
/// chunk, so no peer needs to send or accept more.
pub const MAX_CHUNK_BYTES: usize = MAX_CHUNK_BYTES_U32 as usize;

/// Why bytes are not the chunk with the hash they were asked for.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum ChunkBytesError {
	/// Longer than any canonical chunk encoding.
	#[error("{0} bytes is longer than any chunk ({MAX_CHUNK_BYTES} bytes at most)")]
	TooLong(usize),
	/// BLAKE3 of the bytes is not the hash asked for.
	#[error("the bytes hash to {actual}, not to the requested {expected}")]
	HashMismatch {
		/// The hash asked for.
		expected: ContentHash,
		/// The hash of what arrived.
		actual: ContentHash,
	},
	/// The hash matches but the bytes are not a canonical chunk encoding.
	#[error("the bytes are not a canonical chunk encoding: {0}")]
	NotCanonical(DecodeError),
}

/// Checks that `bytes` hash to `expected` and decode as a canonical chunk.
pub fn verify_chunk_bytes(expected: &ContentHash, bytes: &[u8]) -> Result<(), ChunkBytesError> {
	if bytes.len() > MAX_CHUNK_BYTES {
		return Err(ChunkBytesError::TooLong(bytes.len()));
	}
	let actual = ContentHash::of(bytes);
	if actual != *expected {
		return Err(ChunkBytesError::HashMismatch { expected: *expected, actual });
	}
	decode_chunk(bytes).map(|_| ()).map_err(ChunkBytesError::NotCanonical)
}

#[cfg(test)]
mod tests {
	use super::*;
	use playnet_primitives::{
		world::{
			blocks::{BLOCK_COUNT, STONE},
			encoding::encode_chunk,
		},
		Chunk, CHUNK_VOLUME,
	};

	#[test]
	fn canonical_bytes_with_their_hash_pass() {
		let bytes = encode_chunk(&Chunk::filled(STONE));
		assert_eq!(verify_chunk_bytes(&ContentHash::of(&bytes), &bytes), Ok(()));
	}

	#[test]
	fn bytes_with_another_hash_are_rejected() {
		let bytes = encode_chunk(&Chunk::filled(STONE));
		let wrong = ContentHash::of(b"something else");
		assert!(matches!(
			verify_chunk_bytes(&wrong, &bytes),
			Err(ChunkBytesError::HashMismatch { .. })
		));
	}

	#[test]
	fn non_canonical_bytes_are_rejected_even_with_a_matching_hash() {
		let bytes = vec![1, 0, 0];
		assert!(matches!(
			verify_chunk_bytes(&ContentHash::of(&bytes), &bytes),
			Err(ChunkBytesError::NotCanonical(_))
		));
	}

	#[test]
	fn the_longest_chunk_of_known_blocks_passes_and_one_byte_more_is_too_long() {
		let blocks = (0..CHUNK_VOLUME).map(|i| (i % BLOCK_COUNT as usize) as u16).collect();
		let bytes = encode_chunk(&Chunk::from_blocks(blocks).unwrap());
		assert_eq!(bytes.len(), MAX_CHUNK_BYTES);
		assert_eq!(verify_chunk_bytes(&ContentHash::of(&bytes), &bytes), Ok(()));

		let mut longer = bytes;
		longer.push(0);
		assert_eq!(
			verify_chunk_bytes(&ContentHash::of(&longer), &longer),
			Err(ChunkBytesError::TooLong(MAX_CHUNK_BYTES + 1))
		);
	}
}
