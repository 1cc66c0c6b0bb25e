//! Replacing a whole chunk with canonical bytes.

use crate::{pallet::*, types::*};
use playnet_primitives::{
	world::{blocks::is_known, encoding::decode_chunk},
	ChunkCoord, ContentHash,
};
use polkadot_sdk::{frame_support::ensure, frame_system, sp_runtime::DispatchResult};

impl<T: Config> Pallet<T> {
	/// Replaces `coord` with `bytes` as a new version by `author` (`None`: the force origin,
	/// allowed anywhere; `Some`: must own the chunk's region). The bytes must be a canonical
	/// chunk of known blocks; their hash is computed here.
	pub(crate) fn do_replace_chunk(
		author: Option<T::AccountId>,
		coord: ChunkCoord,
		bytes: ChunkBytes,
	) -> DispatchResult {
		ensure!(coord.in_world(), Error::<T>::ChunkOutsideWorld);
		if let Some(who) = &author {
			let claim =
				Claims::<T>::get(RegionCoord::of(&coord)).ok_or(Error::<T>::RegionNotClaimed)?;
			ensure!(claim.owner == *who, Error::<T>::NotRegionOwner);
		}
		let chunk = decode_chunk(&bytes).map_err(|_| Error::<T>::InvalidChunkBytes)?;
		ensure!(chunk.blocks().iter().all(|&block| is_known(block)), Error::<T>::UnknownBlockId);
		let version = Chunks::<T>::get(coord).map_or(0, |record| record.version);
		let version = version.checked_add(1).ok_or(Error::<T>::VersionOverflow)?;

		let content_hash = ContentHash::of(&bytes);
		Self::keep_pinned_version(coord, content_hash);
		Chunks::<T>::insert(
			coord,
			ChunkRecord {
				version,
				content_hash,
				author: author.clone(),
				updated_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		EncodedChunks::<T>::insert(coord, bytes);
		ChangeLogs::<T>::mutate(coord, |log| log.record_replacement(version));
		Self::deposit_event(Event::ChunkUpdated { coord, version, content_hash, author });
		Ok(())
	}
}
