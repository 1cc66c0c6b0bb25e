//! Property tests of the canonical chunk encoding.

use playnet_primitives::{
	world::{
		blocks::BLOCK_COUNT,
		encoding::{decode_chunk, encode_chunk, MAX_CHUNK_BYTES},
	},
	Chunk, CHUNK_VOLUME,
};
use proptest::prelude::*;

/// Chunks built from runs over a small random palette (so runs and merges both occur), with
/// palettes wide enough to cross the one-byte index form sometimes.
fn chunk() -> impl Strategy<Value = Chunk> {
	(1usize..300, prop::collection::vec((any::<u16>(), 1usize..600), 1..40)).prop_map(
		|(palette_size, runs)| {
			let mut blocks = Vec::with_capacity(CHUNK_VOLUME);
			let mut i = 0usize;
			while blocks.len() < CHUNK_VOLUME {
				let (id, len) = runs[i % runs.len()];
				let id = if palette_size > 256 { id } else { id % palette_size as u16 };
				// Scatter single blocks when the palette is wide so it really is wide.
				let len = if palette_size > 256 { 1 + len % 3 } else { len };
				let id = if palette_size > 256 { id.wrapping_add(i as u16) } else { id };
				for _ in 0..len.min(CHUNK_VOLUME - blocks.len()) {
					blocks.push(id);
				}
				i += 1;
			}
			Chunk::from_blocks(blocks).expect("exactly CHUNK_VOLUME blocks")
		},
	)
}

/// Chunks of known blocks only, with short runs (so encodings come near the longest).
fn known_block_chunk() -> impl Strategy<Value = Chunk> {
	prop::collection::vec((0..BLOCK_COUNT, 1usize..4), 1..64).prop_map(|runs| {
		let mut blocks = Vec::with_capacity(CHUNK_VOLUME);
		let mut i = 0usize;
		while blocks.len() < CHUNK_VOLUME {
			let (id, len) = runs[i % runs.len()];
			for _ in 0..len.min(CHUNK_VOLUME - blocks.len()) {
				blocks.push(id);
			}
			i += 1;
		}
		Chunk::from_blocks(blocks).expect("exactly CHUNK_VOLUME blocks")
	})
}

#[test]
fn the_longest_chunk_of_known_blocks_is_exactly_the_bound() {
	// Every known block, no two neighbours alike: the widest palette and a run per block.
	let blocks = (0..CHUNK_VOLUME).map(|i| (i % BLOCK_COUNT as usize) as u16).collect();
	let bytes = encode_chunk(&Chunk::from_blocks(blocks).unwrap());
	assert_eq!(bytes.len(), MAX_CHUNK_BYTES as usize);
	assert_eq!(MAX_CHUNK_BYTES, 8_227);
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(200))]

	#[test]
	fn chunks_of_known_blocks_never_exceed_the_bound(chunk in known_block_chunk()) {
		prop_assert!(encode_chunk(&chunk).len() <= MAX_CHUNK_BYTES as usize);
	}

	#[test]
	fn encoding_round_trips(chunk in chunk()) {
		let bytes = encode_chunk(&chunk);
		prop_assert_eq!(decode_chunk(&bytes), Ok(chunk));
	}

	#[test]
	fn accepted_bytes_are_canonical(chunk in chunk(), position in any::<prop::sample::Index>(), byte in any::<u8>()) {
		// Change one byte of a valid encoding: the result is rejected, or it is the canonical
		// encoding of whatever it decodes to.
		let mut bytes = encode_chunk(&chunk);
		let i = position.index(bytes.len());
		bytes[i] = byte;
		if let Ok(decoded) = decode_chunk(&bytes) {
			prop_assert_eq!(encode_chunk(&decoded), bytes);
		}
	}

	#[test]
	fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
		let mut with_header = vec![1u8];
		with_header.extend_from_slice(&bytes);
		for input in [&bytes, &with_header] {
			if let Ok(decoded) = decode_chunk(input) {
				prop_assert_eq!(&encode_chunk(&decoded), input);
			}
		}
	}

	#[test]
	fn truncated_encodings_are_rejected(chunk in chunk(), cut in any::<prop::sample::Index>()) {
		let bytes = encode_chunk(&chunk);
		let cut = cut.index(bytes.len());
		prop_assert!(decode_chunk(&bytes[..cut]).is_err());
	}
}
