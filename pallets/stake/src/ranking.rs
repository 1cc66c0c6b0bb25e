//! Who counts: contributors, their weights (stake x reputation) and the ranking the validator
//! set and the render pallet's assignment are taken from.

use crate::{pallet::*, BalanceOf};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::traits::{Contains, Get},
	sp_runtime::{traits::Zero, Permill, SaturatedConversion},
};

impl<T: Config> Pallet<T> {
	/// `who`'s active bond; zero without a ledger. Unlocking funds do not count.
	pub fn bonded(who: &T::AccountId) -> BalanceOf<T> {
		Ledgers::<T>::get(who).map_or_else(Zero::zero, |ledger| ledger.active)
	}

	/// Whether `who` is a contributor: its active bond is at least [`Config::MinBond`].
	pub fn is_contributor(who: &T::AccountId) -> bool {
		Ledgers::<T>::get(who).is_some_and(|ledger| ledger.active >= T::MinBond::get())
	}

	/// The weight of an active bond with a reputation: the bond in the currency's smallest
	/// unit times the reputation in millionths, saturating at `u128::MAX`.
	pub fn weight_of(active: BalanceOf<T>, reputation: Permill) -> u128 {
		active.saturated_into::<u128>().saturating_mul(u128::from(reputation.deconstruct()))
	}

	/// Every contributor with a non-zero weight, with its weight (active bond x reputation),
	/// heaviest first and, among equals, by account id. At most [`Config::MaxContributors`]
	/// entries; the same state always gives the same list.
	///
	/// It reads the [`Contributors`] list and every contributor's record: callers in a
	/// dispatchable or hook should budget about `WeightInfo::new_session(MaxContributors)` for
	/// it.
	pub fn contributors_weighted() -> Vec<(T::AccountId, u128)> {
		let mut ranked: Vec<(T::AccountId, u128)> = Contributors::<T>::get()
			.into_iter()
			.map(|(who, active)| {
				let weight = Self::weight_of(active, Self::reputation(&who));
				(who, weight)
			})
			.filter(|(_, weight)| *weight > 0)
			.collect();
		ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
		ranked
	}

	/// The validator candidates: [`Pallet::contributors_weighted`] restricted to accounts with
	/// session keys that are not chilled, in the same order.
	pub fn validator_candidates() -> Vec<(T::AccountId, u128)> {
		let mut candidates = Self::contributors_weighted();
		candidates.retain(|(who, _)| T::HasSessionKeys::contains(who) && !Self::is_chilled(who));
		candidates
	}

	/// The set a new session would get now: the first [`Config::MaxValidators`] candidates,
	/// or `None` (keep the current set) when fewer than [`Config::MinValidators`] qualify.
	pub fn next_validators() -> Option<Vec<T::AccountId>> {
		Self::choose_validators(Self::validator_candidates())
	}

	/// The least size of a new validator set: [`MinValidatorCount`], and never below
	/// [`Config::MinValidators`] or one.
	pub fn min_validators() -> u32 {
		MinValidatorCount::<T>::get().max(T::MinValidators::get()).max(1)
	}

	/// The first [`Config::MaxValidators`] of `candidates`, or `None` when there are fewer
	/// than [`Pallet::min_validators`].
	pub(crate) fn choose_validators(
		candidates: Vec<(T::AccountId, u128)>,
	) -> Option<Vec<T::AccountId>> {
		if candidates.len() < Self::min_validators() as usize {
			return None;
		}
		Some(
			candidates
				.into_iter()
				.take(T::MaxValidators::get() as usize)
				.map(|(who, _)| who)
				.collect(),
		)
	}
}
