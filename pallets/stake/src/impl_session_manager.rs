//! The session manager: the validator set of every new session, by stake x reputation.

use crate::pallet::*;
use alloc::vec::Vec;
use polkadot_sdk::pallet_session::SessionManager;

impl<T: Config> SessionManager<T::AccountId> for Pallet<T> {
	/// The top [`Config::MaxValidators`] candidates by stake x reputation, or `None` (keep the
	/// current set) when fewer than [`Config::MinValidators`] qualify. See the
	/// [crate docs](crate).
	fn new_session(new_index: u32) -> Option<Vec<T::AccountId>> {
		Self::plan_session(new_index)
	}

	/// As [`SessionManager::new_session`], from the genesis bonds (events are not kept at
	/// genesis).
	fn new_session_genesis(new_index: u32) -> Option<Vec<T::AccountId>> {
		Self::plan_session(new_index)
	}

	/// Chills the validators that authored no block in the ending session (see the
	/// [crate docs](crate)).
	fn end_session(end_index: u32) {
		Self::judge_session(end_index);
	}

	/// Nothing to do: the set was chosen when the session was planned.
	fn start_session(_start_index: u32) {}
}

impl<T: Config> Pallet<T> {
	/// Chooses the set for session `session` and reports the decision.
	fn plan_session(session: u32) -> Option<Vec<T::AccountId>> {
		let candidates = Self::validator_candidates();
		let count = u32::try_from(candidates.len()).unwrap_or(u32::MAX);
		match Self::choose_validators(candidates) {
			Some(validators) => {
				Self::deposit_event(Event::ValidatorsChosen {
					session,
					validators: validators.clone(),
				});
				Some(validators)
			}
			None => {
				Self::deposit_event(Event::ValidatorSetKept { session, candidates: count });
				None
			}
		}
	}
}
