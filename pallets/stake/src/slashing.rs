//! Slashing: the interface the other pallets call when a contributor misbehaves.

use crate::{pallet::*, BalanceOf, SlashAmount, SlashSplit};
use polkadot_sdk::{
	frame_support::traits::{
		fungible::MutateHold,
		tokens::{Fortitude, Precision, Restriction},
		Get,
	},
	sp_runtime::traits::{Saturating, Zero},
};

impl<T: Config> Pallet<T> {
	/// Slashes `who`'s bond by `amount`: from the active bond first, then from the unlocking
	/// chunks, latest first. [`Config::ReporterShare`] of it is paid to `reporter` (none when
	/// `reporter` is `None` or `who` itself, or when the reporter's account cannot receive
	/// it), and the rest is burned. A ledger left with nothing is removed.
	///
	/// Never fails: an account without a ledger, or a zero amount, is slashed by nothing.
	///
	/// Emits [`Event::Slashed`] when something was taken (and [`Event::ContributorLeft`]
	/// when the ledger is emptied).
	pub fn slash(
		who: &T::AccountId,
		amount: SlashAmount<BalanceOf<T>>,
		reporter: Option<T::AccountId>,
	) -> SlashSplit<BalanceOf<T>> {
		let Some(mut ledger) = Ledgers::<T>::get(who) else { return SlashSplit::default() };
		let held = ledger.total();
		let wanted = match amount {
			SlashAmount::Fraction(fraction) => fraction.mul_floor(held),
			SlashAmount::Exact(amount) => amount.min(held),
		};
		if wanted.is_zero() {
			return SlashSplit::default();
		}

		let reason = HoldReason::Bonded.into();
		let reporter = reporter.filter(|reporter| reporter != who);
		let reward = match &reporter {
			Some(reporter) => {
				let share = T::ReporterShare::get().mul_floor(wanted);
				// An account that cannot receive its share (too little to exist) gets nothing;
				// the share is burned with the rest.
				T::Currency::transfer_on_hold(
					&reason,
					who,
					reporter,
					share,
					Precision::BestEffort,
					Restriction::Free,
					Fortitude::Force,
				)
				.unwrap_or_else(|_| Zero::zero())
			}
			None => Zero::zero(),
		};
		let burned = T::Currency::burn_held(
			&reason,
			who,
			wanted.saturating_sub(reward),
			Precision::BestEffort,
			Fortitude::Force,
		)
		.unwrap_or_else(|_| Zero::zero());
		// What left the hold, whatever the currency let through; the ledger follows it.
		let slashed = reward.saturating_add(burned);

		let mut left = slashed;
		let from_active = left.min(ledger.active);
		ledger.active = ledger.active.saturating_sub(from_active);
		left = left.saturating_sub(from_active);
		for chunk in ledger.unlocking.iter_mut().rev() {
			let taken = left.min(chunk.value);
			chunk.value = chunk.value.saturating_sub(taken);
			left = left.saturating_sub(taken);
		}
		ledger.unlocking.retain(|chunk| !chunk.value.is_zero());

		TotalActive::<T>::mutate(|total| *total = total.saturating_sub(from_active));
		if !from_active.is_zero() {
			Self::resettle_slot(who, ledger.active);
		}
		TotalBurned::<T>::mutate(|total| *total = total.saturating_add(burned));
		let paid_reporter = if reward.is_zero() { None } else { reporter };
		Self::deposit_event(Event::Slashed {
			who: who.clone(),
			amount: slashed,
			reporter: paid_reporter,
			to_reporter: reward,
			burned,
		});
		Self::store_ledger(who.clone(), ledger);
		SlashSplit { slashed, to_reporter: reward, burned }
	}
}
