//! Property tests of the canonical chunk encoding.

use playnet_primitives::{
	world::encoding::{decode_chunk, encode_chunk},
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

proptest! {
	#![proptest_config(ProptestConfig::with_cases(200))]

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
