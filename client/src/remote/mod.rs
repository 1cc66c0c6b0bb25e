//! Remote play: a contributor's `playnet-render host` renders the player's view and streams
//! it; the player shows, checks and pays for each frame. What both sides compute lives here
//! (the host depends on this crate):
//!
//! - [`wire`]: the messages of the stream and their framing, with every size bounded;
//! - [`codec`]: the lossless frame codec (delta-filtered planes, LZ4), so that every shown
//!   tile can be hashed against the tile hashes the contributor signed;
//! - [`checks`]: the player's checks of a frame (scene, size, tile hashes, the contributor's
//!   signature) and its spot checks (one tile re-rendered with the CPU reference);
//! - [`receipts`]: the frames the player accepted and the cumulative receipt that pays for
//!   them (`pallet-sessions`);
//! - [`host`]: the contributor's frames (rendered, hashed, signed, encoded) and its guard
//!   against a player who stops paying;
//! - [`player`]: the player's stream: inputs, timed and checked frames, spot checks and the
//!   evidence for a dispute.
//!
//! A host announces itself in the world's DHT under [`host_key`] of its account; the player
//! finds it there and opens a [`wire::PROTOCOL`] stream to it.

pub mod checks;
pub mod codec;
pub mod host;
pub mod hosting;
pub mod player;
pub mod playing;
pub mod receipts;
pub mod wire;

use playnet_chain_access::AccountBytes;

/// The key under which a contributor's host announces itself in the world's DHT: BLAKE3 of a
/// domain and the contributor's account. Anyone may announce any key; a player still only
/// takes frames signed by the session's contributor, so a false announcement wastes a dial.
pub fn host_key(contributor: &AccountBytes) -> Vec<u8> {
	playnet_primitives::Hash32::of_parts(&[
		b"playnet/remote-play/host/1".as_slice(),
		contributor.as_slice(),
	])
	.0
	.to_vec()
}
