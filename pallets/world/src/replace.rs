//! Replacing a whole chunk with canonical bytes.

use crate::{pallet::*, types::*, WeightInfo};
use playnet_primitives::{
	world::{blocks::is_known, encoding::decode_chunk},
	ChunkCoord, ContentHash,
};
use polkadot_sdk::{
	frame_support::{ensure, weights::Weight},
	frame_system,
	sp_runtime::DispatchResult,
};

impl<T: Config> Pallet<T> {
	/// Replaces `coord` with `bytes` as a new version by `author` (`None`: the force origin,
	/// allowed anywhere; `Some`: must own the chunk's region, and holds the deposit for the
	/// bytes). The bytes must be a canonical chunk of known blocks; their hash is computed
	/// here. Bytes that make the generator's chunk are not stored and hold no deposit.
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
		let generated = chunk == Self::generated_chunk(&coord);
		// The replaced version's deposit goes back first: an owner replacing its own chunk
		// needs only what the new bytes cost more.
		Self::release_deposit_of(coord);
		let deposit = match (&author, generated) {
			(Some(who), false) => {
				let amount = Self::chunk_deposit(bytes.len() as u32);
				Self::hold_chunk_deposit(who, amount)?;
				Some(ChunkDeposit { depositor: who.clone(), amount })
			}
			_ => None,
		};

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
		match generated {
			true => EncodedChunks::<T>::remove(coord),
			false => EncodedChunks::<T>::insert(coord, bytes),
		}
		ChangeLogs::<T>::mutate(coord, |log| log.record_replacement(version));
		if let Some(deposit) = deposit {
			Self::record_deposit_of(coord, deposit);
		}
		Self::deposit_event(Event::ChunkUpdated { coord, version, content_hash, author });
		Ok(())
	}
}

impl<T: Config> Pallet<T> {
	/// The weight of `replace_chunk`: the benchmarked call, keeping a pinned version, and the
	/// deposits: the new one held, the replaced one returned, the generator's chunk made to
	/// compare.
	pub(crate) fn replace_chunk_weight() -> Weight {
		T::WeightInfo::replace_chunk()
			.saturating_add(Self::keep_pinned_version_weight())
			.saturating_add(Self::hold_weight())
			.saturating_add(Self::new_version_deposit_weight())
	}
}
