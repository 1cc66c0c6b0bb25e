//! Storage migrations of the world.

/// Storage version 1: stored chunks hold deposits.
pub mod v1 {
	use crate::{pallet::*, types::ChunkDeposit};
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;
	#[cfg(feature = "try-runtime")]
	use polkadot_sdk::sp_runtime::TryRuntimeError;
	use polkadot_sdk::{
		frame_support::{
			migrations::VersionedMigration,
			traits::{
				fungible::Inspect,
				tokens::{Fortitude, Preservation},
				Get, UncheckedOnRuntimeUpgrade,
			},
			weights::Weight,
		},
		frame_system,
		sp_runtime::traits::Zero,
	};

	/// Holds the deposit of every chunk stored before deposits existed from the author of its
	/// current version, as far as the author's free balance reaches (keeping it alive); the
	/// deposit records what was held, possibly less than the bytes cost, or nothing. Chunks
	/// the force origin replaced hold none. One pass over the stored chunks: for a young
	/// chain's world, which fits in one block.
	pub struct HoldChunkDeposits<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for HoldChunkDeposits<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut chunks = 0u64;
			for (coord, record) in Chunks::<T>::iter() {
				chunks += 1;
				let Some(author) = record.author else { continue };
				let Some(len) = EncodedChunks::<T>::decode_len(coord) else { continue };
				if ChunkDeposits::<T>::contains_key(coord) {
					continue;
				}
				let affordable = T::Currency::reducible_balance(
					&author,
					Preservation::Preserve,
					Fortitude::Polite,
				);
				let amount = Pallet::<T>::chunk_deposit(len as u32).min(affordable);
				let amount = match Pallet::<T>::hold_chunk_deposit(&author, amount) {
					Ok(()) => amount,
					Err(_) => Zero::zero(),
				};
				ChunkDeposits::<T>::insert(coord, ChunkDeposit { depositor: author, amount });
			}
			// Per chunk: the record, the bytes' length, the deposit entry, the balance read
			// and the hold.
			T::DbWeight::get()
				.reads_writes(5, 3)
				.saturating_mul(chunks)
				.saturating_add(T::DbWeight::get().reads(1))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, TryRuntimeError> {
			use codec::Encode;
			let signed_stored = Chunks::<T>::iter()
				.filter(|(coord, record)| {
					record.author.is_some() && EncodedChunks::<T>::contains_key(coord)
				})
				.count() as u64;
			Ok(signed_stored.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), TryRuntimeError> {
			use codec::Decode;
			let signed_stored = u64::decode(&mut &state[..])
				.map_err(|_| TryRuntimeError::Other("the pre-upgrade count"))?;
			polkadot_sdk::frame_support::ensure!(
				ChunkDeposits::<T>::iter_keys().count() as u64 == signed_stored,
				"every stored chunk of a signed author has a deposit entry"
			);
			Pallet::<T>::do_try_state()
		}
	}

	/// [`HoldChunkDeposits`] once, from storage version 0 to 1.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		HoldChunkDeposits<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
