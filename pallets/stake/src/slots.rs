//! Contributor slots: the bounded list of contributors, and the eviction of the smallest bond
//! when a larger one arrives at a full list.
//!
//! Every account whose active bond is at least [`Config::MinBond`] holds one of
//! [`Config::MaxContributors`] slots in [`Contributors`], which the rankings read instead of
//! every ledger. When the slots are full, a bond that would make a new contributor must be
//! strictly larger than the smallest contributor's active bond; that contributor is then
//! evicted: its whole active bond starts unbonding ([`Event::Evicted`]), exactly as if it had
//! unbonded it, so it stays held and slashable for [`Config::UnbondingPeriod`] and is then
//! withdrawn as usual. Nothing is taken from it, and its reputation record stays.
//!
//! Why eviction and not a first-come list: a full first-come list is a door that whoever fills
//! it first can lock. With 512 slots and a 100 PGT minimum, some 51,200 PGT in minimum lots
//! would keep every later contributor, and therefore every later validator, out for as long
//! as the squatter liked, at no cost but the locked funds. With eviction, keeping the door
//! shut costs the squatter more than any newcomer is willing to bond, in every one of the
//! slots, and a squatter who is outbid loses its slot and has its funds locked for the
//! unbonding period. An equal bond evicts nobody, so two contributors cannot churn each other
//! out at no extra cost.

use crate::{pallet::*, BalanceOf, ContributorSlotsOf, UnlockChunk};
use polkadot_sdk::{
	frame_support::{defensive, traits::Get},
	frame_system,
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchError,
	},
};

impl<T: Config> Pallet<T> {
	/// Gives `who`, whose active bond is now `active` (at least `MinBond`), its slot at the
	/// place its bond ranks, taking one if it had none. When the slots are full and `who` had
	/// none, it evicts the smallest contributor if `active` is strictly larger, and returns
	/// it with the bond it had; otherwise fails with [`Error::TooManyContributors`], changing
	/// nothing.
	pub(crate) fn take_slot(
		who: &T::AccountId,
		active: BalanceOf<T>,
	) -> Result<Option<(T::AccountId, BalanceOf<T>)>, DispatchError> {
		let mut slots = Contributors::<T>::get();
		let had_slot = Self::remove_from(&mut slots, who);
		let evicted = if !had_slot && slots.is_full() {
			match slots.first() {
				Some((_, smallest)) if active > *smallest => Some(slots.remove(0)),
				_ => return Err(Error::<T>::TooManyContributors.into()),
			}
		} else {
			None
		};
		Self::insert_sorted(&mut slots, who, active);
		Contributors::<T>::put(slots);
		if let Some((evictee, bond)) = &evicted {
			Self::unbond_evicted(evictee, *bond, who);
		}
		Ok(evicted)
	}

	/// Moves `who`'s slot to where `active`, its active bond after an unbond or a slash,
	/// ranks, or frees it when `active` is below `MinBond`.
	pub(crate) fn resettle_slot(who: &T::AccountId, active: BalanceOf<T>) {
		let mut slots = Contributors::<T>::get();
		let had_slot = Self::remove_from(&mut slots, who);
		if active >= T::MinBond::get() {
			if !had_slot {
				defensive!("a contributor without a slot");
			}
			Self::insert_sorted(&mut slots, who, active);
		}
		Contributors::<T>::put(slots);
	}

	/// Removes `who` from `slots`; whether it was there.
	fn remove_from(slots: &mut ContributorSlotsOf<T>, who: &T::AccountId) -> bool {
		match slots.iter().position(|(holder, _)| holder == who) {
			Some(at) => {
				slots.remove(at);
				true
			}
			None => false,
		}
	}

	/// Inserts `(who, active)` where it sorts: by bond, then by account. A full list (which
	/// callers make room in first) keeps its contents.
	fn insert_sorted(slots: &mut ContributorSlotsOf<T>, who: &T::AccountId, active: BalanceOf<T>) {
		let at = slots.partition_point(|(holder, bond)| (bond, holder) < (&active, who));
		if slots.try_insert(at, (who.clone(), active)).is_err() {
			defensive!("no room made for a contributor slot");
		}
	}

	/// Starts unbonding the whole active bond `bond` of `evictee`, evicted by `by`. It unlocks
	/// `UnbondingPeriod` from now, in a new chunk or, when the ledger has no room for one, added
	/// to its latest chunk, whose unlock block moves to the same block.
	fn unbond_evicted(evictee: &T::AccountId, bond: BalanceOf<T>, by: &T::AccountId) {
		let Some(mut ledger) = Ledgers::<T>::get(evictee) else {
			defensive!("an evicted contributor without a ledger");
			return;
		};
		let unlock_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		let amount = ledger.active;
		let full = ledger.unlocking.is_full();
		match ledger.unlocking.last_mut() {
			Some(last) if last.unlock_at == unlock_at || full => {
				last.value = last.value.saturating_add(amount);
				last.unlock_at = unlock_at;
			}
			_ => {
				// Not full, so the push succeeds.
				let _ = ledger.unlocking.try_push(UnlockChunk { value: amount, unlock_at });
			}
		}
		ledger.active = Zero::zero();
		Ledgers::<T>::insert(evictee, ledger);
		TotalActive::<T>::mutate(|total| *total = total.saturating_sub(amount));
		if amount != bond {
			defensive!("an evicted contributor's slot disagreed with its ledger");
		}
		Self::deposit_event(Event::Evicted {
			who: evictee.clone(),
			by: by.clone(),
			amount,
			unlock_at,
		});
	}
}
