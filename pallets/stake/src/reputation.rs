//! Reputation: the record of task outcomes the render pallet reports, and the score from it.

use crate::{pallet::*, Outcome};
use polkadot_sdk::sp_runtime::Permill;

impl<T: Config> Pallet<T> {
	/// Adds `outcome` to `who`'s record (bonded or not) and reports the new score.
	///
	/// Emits [`Event::OutcomeRecorded`].
	pub fn record_outcome(who: &T::AccountId, outcome: Outcome) {
		let record = Records::<T>::mutate(who, |record| {
			record.note(outcome);
			*record
		});
		Self::deposit_event(Event::OutcomeRecorded {
			who: who.clone(),
			outcome,
			reputation: record.score(),
		});
	}

	/// `who`'s reputation score (see [`crate::ReputationRecord::score`]); neutral (50%) for an
	/// account never reported.
	pub fn reputation(who: &T::AccountId) -> Permill {
		Records::<T>::get(who).score()
	}
}
