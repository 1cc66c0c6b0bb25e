//! The pallet's invariants, checked by `try-runtime` and after every step in the tests.

use crate::{pallet::*, BalanceOf};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::InspectHold, Get},
	},
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchError,
	},
};

impl<T: Config> Pallet<T> {
	/// Checks that every ledger equals its account's bond hold, is well formed and not empty,
	/// that [`TotalActive`] is the sum of the active bonds, that the ledger count is right, and
	/// that [`Contributors`] lists exactly the ledgers with at least `MinBond` active, with
	/// their bonds, sorted.
	pub fn do_try_state() -> Result<(), DispatchError> {
		let mut active_sum = BalanceOf::<T>::zero();
		let mut ledgers = 0u32;
		let mut contributors = 0u32;
		let slots = Contributors::<T>::get();
		for (who, ledger) in Ledgers::<T>::iter() {
			ledgers = ledgers.saturating_add(1);
			active_sum = active_sum.saturating_add(ledger.active);
			if ledger.active >= T::MinBond::get() {
				contributors = contributors.saturating_add(1);
				ensure!(
					slots.iter().any(|(holder, bond)| *holder == who && *bond == ledger.active),
					"a contributor without its slot, or with another bond in it"
				);
			}
			ensure!(!ledger.is_empty(), "an empty ledger is stored");
			ensure!(
				ledger.total() == T::Currency::balance_on_hold(&HoldReason::Bonded.into(), &who),
				"a ledger disagrees with its account's bond hold"
			);
			ensure!(
				ledger.unlocking.windows(2).all(|pair| pair[0].unlock_at < pair[1].unlock_at),
				"unlocking chunks not sorted by unlock block"
			);
			ensure!(
				ledger.unlocking.iter().all(|chunk| !chunk.value.is_zero()),
				"an empty unlocking chunk"
			);
		}
		ensure!(active_sum == TotalActive::<T>::get(), "TotalActive is not the sum of bonds");
		ensure!(ledgers == Ledgers::<T>::count(), "the ledger count is wrong");
		ensure!(slots.len() as u32 == contributors, "a slot held by no contributor");
		ensure!(
			slots.windows(2).all(|pair| (&pair[0].1, &pair[0].0) < (&pair[1].1, &pair[1].0)),
			"contributor slots not sorted by bond and account"
		);
		Ok(())
	}
}
