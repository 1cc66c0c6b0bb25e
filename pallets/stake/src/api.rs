//! Reading a contributor: what the runtime API returns.

use crate::{pallet::*, BalanceOf, LedgerView, ReputationView};
use polkadot_sdk::frame_system::pallet_prelude::BlockNumberFor;

impl<T: Config> Pallet<T> {
	/// `who`'s ledger (active bond, unlocking chunks, total held); `None` without one.
	pub fn ledger_view(who: &T::AccountId) -> Option<LedgerView<BalanceOf<T>, BlockNumberFor<T>>> {
		Ledgers::<T>::get(who).map(|ledger| ledger.view())
	}

	/// `who`'s record of task outcomes and the reputation score it gives.
	pub fn reputation_view(who: &T::AccountId) -> ReputationView {
		let record = Records::<T>::get(who);
		ReputationView { record, score: record.score() }
	}
}
