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
//!   them (`pallet-sessions`).

pub mod checks;
pub mod codec;
pub mod receipts;
pub mod wire;
