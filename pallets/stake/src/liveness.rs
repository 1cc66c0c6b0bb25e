//! Liveness: the blocks each validator authors, and the seat it loses by authoring none in a
//! whole session.

use crate::{pallet::*, Outcome};
use polkadot_sdk::{
	frame_support::{ensure, traits::Get},
	frame_system::pallet_prelude::BlockNumberFor,
	pallet_authorship::EventHandler,
	sp_runtime::DispatchResult,
};

impl<T: Config> EventHandler<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
	/// Counts one more block for its author.
	fn note_author(author: T::AccountId) {
		AuthoredBlocks::<T>::mutate(author, |blocks| *blocks = blocks.saturating_add(1));
	}
}

impl<T: Config> Pallet<T> {
	/// At the end of session `session`: chills every validator of it that authored no block
	/// (none in session 0, while the network starts), and starts the next count afresh.
	pub(crate) fn judge_session(session: u32) {
		if session > 0 {
			for validator in T::SessionValidators::get() {
				if AuthoredBlocks::<T>::get(&validator) == 0 {
					Chilled::<T>::insert(&validator, session);
					Self::record_outcome(&validator, Outcome::Absent);
					Self::deposit_event(Event::Chilled { who: validator, session });
				}
			}
		}
		// Only validators author, so this is at most one entry per validator of the session.
		let _ = AuthoredBlocks::<T>::clear(u32::MAX, None);
	}

	/// Whether `who` is chilled, and so no validator candidate.
	pub fn is_chilled(who: &T::AccountId) -> bool {
		Chilled::<T>::contains_key(who)
	}

	/// Makes `who` a validator candidate again.
	pub(crate) fn do_rejoin(who: T::AccountId) -> DispatchResult {
		ensure!(Chilled::<T>::contains_key(&who), Error::<T>::NotChilled);
		Chilled::<T>::remove(&who);
		Self::deposit_event(Event::Rejoined { who });
		Ok(())
	}
}
