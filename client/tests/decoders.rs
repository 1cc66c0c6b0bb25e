//! What a hostile peer sends, fed to the client's decoders: world gossip (`WorldMessage`),
//! remote-play messages both ways (`ToHost`, `ToPlayer`) and streamed frames. Arbitrary bytes
//! and valid frames with one byte changed or the end cut off are refused with an error or
//! decode to a value, never a panic, and a frame that decodes has exactly the session's size.
//! (A changed frame may decode to the very same pixels: LZ4 can say one thing several ways,
//! e.g. a match at another offset with the same bytes. What the player trusts is the pixels'
//! tile hashes, which the contributor signed, not the bytes that carried them.)
//!
//! Random and mutated input, not coverage-guided: `PROPTEST_CASES=100000` runs more of it.

use playnet_client::{
	p2p::WorldMessage,
	region::RegionCoord,
	remote::{
		codec::{decode_frame, encode_frame},
		wire::{decode_exact, ToHost, ToPlayer},
	},
};
use proptest::prelude::*;

/// Pixels of a `width` x `height` frame, opaque or not, from `seed`.
fn pixels(width: u32, height: u32, seed: u32, opaque: bool) -> Vec<u32> {
	(0..width * height)
		.map(|i| {
			let pixel = (i ^ seed).wrapping_mul(0x9E37_79B9);
			if opaque {
				pixel | 0xff00_0000
			} else {
				pixel
			}
		})
		.collect()
}

proptest! {
	#[test]
	fn arbitrary_bytes_are_never_a_panic(
		bytes in prop::collection::vec(any::<u8>(), 0..512),
		width in 1u32..64,
		height in 1u32..64,
	) {
		let _ = WorldMessage::from_gossip(&bytes, RegionCoord::new(0, 0), "fuzz-world");
		let _ = decode_exact::<ToHost>(&bytes);
		let _ = decode_exact::<ToPlayer>(&bytes);
		if let Ok(decoded) = decode_frame(&bytes, width, height) {
			prop_assert_eq!(decoded.len(), (width * height) as usize);
		}
	}

	#[test]
	fn a_changed_or_cut_frame_is_refused_or_a_frame_of_the_sessions_size(
		width in 1u32..40,
		height in 1u32..40,
		seed in any::<u32>(),
		opaque in any::<bool>(),
		at in any::<prop::sample::Index>(),
		value in any::<u8>(),
		cut in any::<prop::sample::Index>(),
	) {
		let original = pixels(width, height, seed, opaque);
		let bytes = encode_frame(&original, width, height);
		prop_assert_eq!(decode_frame(&bytes, width, height).ok(), Some(original.clone()));

		let mut changed = bytes.clone();
		let at = at.index(changed.len());
		changed[at] = if changed[at] == value { value.wrapping_add(1) } else { value };
		if let Ok(decoded) = decode_frame(&changed, width, height) {
			prop_assert_eq!(decoded.len(), original.len());
		}
		prop_assert!(decode_frame(&bytes[..cut.index(bytes.len())], width, height).is_err());
	}
}
