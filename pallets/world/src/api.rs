//! Reading the world: what the runtime API returns, and the submission id clients compute.

use crate::{
	pallet::*,
	types::{ChunkVersion, ChunkView, RegionCoord, RegionInfo, SubmissionId},
	BalanceOf, ChunkRecordOf,
};
use alloc::vec::Vec;
use playnet_primitives::{world::encoding::encode_chunk, BlockEdit, ChunkCoord, ContentHash};
use polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor;

impl<T: Config> Pallet<T> {
	/// The world seed.
	pub fn world_seed() -> u64 {
		WorldSeed::<T>::get()
	}

	/// The record of an edited chunk; `None` when the chunk is unedited (version 0, generated
	/// from the seed).
	pub fn chunk_record(coord: ChunkCoord) -> Option<ChunkRecordOf<T>> {
		Chunks::<T>::get(coord)
	}

	/// A chunk's current version, hash and canonical bytes, stored or generated. Generating a
	/// chunk costs a few milliseconds: this is for the runtime API, not for calls.
	pub fn chunk_view(coord: ChunkCoord) -> ChunkView<T::AccountId, BlockNumberFor<T>> {
		let record = Chunks::<T>::get(coord);
		let bytes: Vec<u8> = match (&record, EncodedChunks::<T>::get(coord)) {
			(Some(_), Some(bytes)) => bytes.into_inner(),
			_ => Self::current_chunk(&coord).map(|chunk| encode_chunk(&chunk)).unwrap_or_default(),
		};
		let version = record.as_ref().map_or(0, |record| record.version);
		let content_hash =
			record.as_ref().map_or_else(|| ContentHash::of(&bytes), |record| record.content_hash);
		ChunkView { version, content_hash, record, bytes }
	}

	/// A region's claim, if it is claimed.
	pub fn region_info(region: RegionCoord) -> Option<RegionInfo<T::AccountId, BalanceOf<T>>> {
		Claims::<T>::get(region).map(|claim| RegionInfo {
			owner: claim.owner,
			deposit: claim.deposit,
			editors: claim.editors.into_inner(),
		})
	}

	/// The id of an `apply_edits` submission:
	/// `BLAKE3(SCALE((who, coord, base_version, client_timestamp, edits)))`, with `edits`
	/// encoded as a SCALE vector (as the call encodes them).
	pub fn submission_id(
		who: &T::AccountId,
		coord: &ChunkCoord,
		base_version: ChunkVersion,
		client_timestamp: u64,
		edits: &[BlockEdit],
	) -> SubmissionId {
		playnet_primitives::submission_id(who, coord, base_version, client_timestamp, edits)
	}
}
