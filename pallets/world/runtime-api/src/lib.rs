//! The runtime API of Playnet's world: what light clients and `state_call` read without a
//! custom RPC.
//!
//! - `WorldApi_world_seed`: the world seed;
//! - `WorldApi_chunk_record`: the record of an edited chunk, `None` when unedited;
//! - `WorldApi_chunk`: any chunk's current version, content hash and canonical bytes,
//!   generated from the seed when unedited;
//! - `WorldApi_chunk_at`: the canonical bytes of a chunk's version named by content hash
//!   (current, pinned by an open render task, or generated), `None` when the world does not
//!   have it;
//! - `WorldApi_region_claim`: a region's claim, if any.
//!
//! The runtime implements it with `pallet_world::Pallet`'s `world_seed`, `chunk_record`,
//! `chunk_view`, `chunk_at` and `region_info`.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet_world::{ChunkRecord, ChunkView, RegionCoord, RegionInfo};
pub use playnet_primitives::{ChunkCoord, ContentHash};

use alloc::vec::Vec;
use codec::Codec;

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Reads the shared world.
	pub trait WorldApi<AccountId, BlockNumber, Balance>
	where
		AccountId: Codec,
		BlockNumber: Codec,
		Balance: Codec,
	{
		/// The world seed: every unedited chunk is `WorldGenerator::new(seed).chunk(coord)`.
		fn world_seed() -> u64;

		/// The record of an edited chunk; `None` when nobody has edited it (version 0, as
		/// generated from the seed).
		fn chunk_record(coord: ChunkCoord) -> Option<ChunkRecord<AccountId, BlockNumber>>;

		/// A chunk's current version, content hash and canonical bytes, whether edited
		/// (stored) or not (generated from the seed here).
		fn chunk(coord: ChunkCoord) -> ChunkView<AccountId, BlockNumber>;

		/// The canonical bytes of the version of `coord` that hashes to `content_hash`: the
		/// current version, a version an open render task pins (kept when the chunk moved on
		/// from it), or the generated chunk; `None` when the world does not have it. A render
		/// task's scene chunks are all readable here until the task ends.
		fn chunk_at(coord: ChunkCoord, content_hash: ContentHash) -> Option<Vec<u8>>;

		/// A region's claim: owner, deposit and allowed editors; `None` when free.
		fn region_claim(region: RegionCoord) -> Option<RegionInfo<AccountId, Balance>>;
	}
}
