//! Bonding, unbonding and withdrawing: the life of a ledger.

use crate::{pallet::*, BalanceOf, StakeLedgerOf, UnlockChunk};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::MutateHold, tokens::Precision, Get},
	},
	frame_system,
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchResult,
	},
};

impl<T: Config> Pallet<T> {
	/// Holds `amount` from `who` and adds it to its active bond, creating its ledger if it has
	/// none.
	pub(crate) fn do_bond(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut ledger =
			Ledgers::<T>::get(&who).unwrap_or_else(|| StakeLedgerOf::<T>::new(Zero::zero()));
		ledger.active = ledger.active.saturating_add(amount);
		ensure!(ledger.active >= T::MinBond::get(), Error::<T>::BelowMinBond);
		let active = ledger.active;
		// The slot first: it may fail, and an eviction changes another ledger only.
		Self::take_slot(&who, active)?;
		T::Currency::hold(&HoldReason::Bonded.into(), &who, amount)
			.map_err(|_| Error::<T>::InsufficientBalance)?;
		Ledgers::<T>::insert(&who, ledger);
		TotalActive::<T>::mutate(|total| *total = total.saturating_add(amount));
		Self::deposit_event(Event::Bonded { who, amount, active });
		Ok(())
	}

	/// Moves `amount` of `who`'s active bond into the unlocking chunk that unlocks
	/// `UnbondingPeriod` blocks from now.
	pub(crate) fn do_unbond(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let mut ledger = Ledgers::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
		ensure!(amount <= ledger.active, Error::<T>::InsufficientBond);
		let remaining = ledger.active.saturating_sub(amount);
		ensure!(remaining.is_zero() || remaining >= T::MinBond::get(), Error::<T>::BelowMinBond);

		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		match ledger.unlocking.last_mut() {
			Some(last) if last.unlock_at == unlock_at => {
				last.value = last.value.saturating_add(amount);
			}
			_ => ledger
				.unlocking
				.try_push(UnlockChunk { value: amount, unlock_at })
				.map_err(|_| Error::<T>::TooManyUnlockingChunks)?,
		}
		ledger.active = remaining;
		Ledgers::<T>::insert(&who, ledger);
		TotalActive::<T>::mutate(|total| *total = total.saturating_sub(amount));
		Self::resettle_slot(&who, remaining);
		Self::deposit_event(Event::Unbonding { who, amount, unlock_at });
		Ok(())
	}

	/// Releases `who`'s unlocking chunks that have reached their unlock block, and removes the
	/// ledger if nothing is left in it.
	pub(crate) fn do_withdraw_unbonded(who: T::AccountId) -> DispatchResult {
		let mut ledger = Ledgers::<T>::get(&who).ok_or(Error::<T>::NotBonded)?;
		let now = frame_system::Pallet::<T>::block_number();
		// Chunks are sorted by unlock block: the unlocked ones are a prefix.
		let unlocked = ledger.unlocking.iter().take_while(|chunk| chunk.unlock_at <= now).count();
		ensure!(unlocked > 0, Error::<T>::NothingToWithdraw);
		let amount = ledger
			.unlocking
			.iter()
			.take(unlocked)
			.fold(BalanceOf::<T>::zero(), |sum, chunk| sum.saturating_add(chunk.value));
		let released =
			T::Currency::release(&HoldReason::Bonded.into(), &who, amount, Precision::Exact)?;
		ledger.unlocking.drain(..unlocked);
		Self::deposit_event(Event::Withdrawn { who: who.clone(), amount: released });
		Self::store_ledger(who, ledger);
		Ok(())
	}

	/// Stores `who`'s ledger, or removes it (with [`Event::ContributorLeft`]) when it holds
	/// nothing.
	pub(crate) fn store_ledger(who: T::AccountId, ledger: StakeLedgerOf<T>) {
		if ledger.is_empty() {
			Ledgers::<T>::remove(&who);
			Self::deposit_event(Event::ContributorLeft { who });
		} else {
			Ledgers::<T>::insert(&who, ledger);
		}
	}
}
