//! Deposits for stored chunks: held from the author of each stored version, in proportion to
//! its bytes, and from every submission while it is queued (see the crate docs).

use crate::{pallet::*, types::*, BalanceOf, ChunkDepositOf};
use playnet_primitives::ChunkCoord;
use polkadot_sdk::{
	frame_support::{
		defensive,
		traits::{fungible::MutateHold, tokens::Precision, Get},
		weights::Weight,
	},
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchResult,
	},
};

impl<T: Config> Pallet<T> {
	/// The deposit for a stored chunk whose canonical encoding is `len` bytes long:
	/// [`Config::ChunkDepositBase`] plus [`Config::ChunkDepositPerByte`] per byte.
	pub fn chunk_deposit(len: u32) -> BalanceOf<T> {
		T::ChunkDepositPerByte::get()
			.saturating_mul(len.into())
			.saturating_add(T::ChunkDepositBase::get())
	}

	/// What an `apply_edits` holds from its caller until the end of its block: the deposit of
	/// the longest encoding there is ([`MAX_CHUNK_BYTES`]). How long the chunk's bytes come
	/// out depends on every submission the block applies to it, so no smaller amount is safe
	/// to take before.
	pub fn queued_deposit() -> BalanceOf<T> {
		Self::chunk_deposit(MAX_CHUNK_BYTES)
	}

	/// Holds `amount` from `who` for chunk deposits.
	pub(crate) fn hold_chunk_deposit(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		if amount.is_zero() {
			return Ok(());
		}
		T::Currency::hold(&HoldReason::ChunkDeposit.into(), who, amount)
			.map_err(|_| Error::<T>::ChunkDepositUnavailable.into())
	}

	/// Returns `amount` of `who`'s chunk deposits (all of it is held: the records say so).
	pub(crate) fn release_chunk_deposit(who: &T::AccountId, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		let released = T::Currency::release(
			&HoldReason::ChunkDeposit.into(),
			who,
			amount,
			Precision::BestEffort,
		);
		if released.ok() != Some(amount) {
			defensive!("a chunk deposit to release was not held in full");
		}
	}

	/// Returns the deposit of `coord`'s current version to its author, before the chunk gets
	/// a new version.
	pub(crate) fn release_deposit_of(coord: ChunkCoord) {
		if let Some(ChunkDeposit { depositor, amount }) = ChunkDeposits::<T>::take(coord) {
			Self::release_chunk_deposit(&depositor, amount);
			Self::deposit_event(Event::ChunkDepositReleased { coord, who: depositor, amount });
		}
	}

	/// Records the deposit of `coord`'s new version, already held from its author.
	pub(crate) fn record_deposit_of(coord: ChunkCoord, deposit: ChunkDepositOf<T>) {
		Self::deposit_event(Event::ChunkDepositHeld {
			coord,
			who: deposit.depositor.clone(),
			amount: deposit.amount,
		});
		ChunkDeposits::<T>::insert(coord, deposit);
	}

	/// What holding or releasing a deposit reads and writes: the account's holds and its
	/// balance. (The world's benchmarks predate deposits; until they are measured again, the
	/// deposits are charged by these storage accesses, which dominate their cost.)
	pub(crate) fn hold_weight() -> Weight {
		T::DbWeight::get().reads_writes(2, 2)
	}

	/// What a chunk's new version adds for its deposit: its entry read and written, the
	/// former depositor's release, and telling whether the chunk came back to what the
	/// generator makes (generating it, as [`Pallet::chunk_at`] does).
	pub(crate) fn new_version_deposit_weight() -> Weight {
		T::DbWeight::get()
			.reads_writes(1, 1)
			.saturating_add(Self::hold_weight())
			.saturating_add(Self::chunk_at_weight())
	}
}

/// The amount held per account for chunk deposits, by the records: the deposits of stored
/// chunks and the queued deposit of every submission waiting for the end of the block.
#[cfg(any(feature = "try-runtime", test))]
pub(crate) fn expected_holds<T: Config>() -> alloc::collections::BTreeMap<T::AccountId, BalanceOf<T>>
{
	let mut expected = alloc::collections::BTreeMap::<T::AccountId, BalanceOf<T>>::new();
	for deposit in ChunkDeposits::<T>::iter_values() {
		let held = expected.entry(deposit.depositor).or_insert_with(Zero::zero);
		*held = held.saturating_add(deposit.amount);
	}
	for submission in Pending::<T>::iter_values().flatten() {
		let held = expected.entry(submission.who).or_insert_with(Zero::zero);
		*held = held.saturating_add(Pallet::<T>::queued_deposit());
	}
	expected
}
