//! The runtime API of Playnet's contributors: what light clients and `state_call` read
//! without a custom RPC.
//!
//! - `StakeApi_ledger`: an account's active bond, unlocking chunks and total held;
//! - `StakeApi_reputation`: an account's record of task outcomes and its reputation score;
//! - `StakeApi_ranking`: every contributor with its weight (stake x reputation), heaviest
//!   first;
//! - `StakeApi_next_validators`: the set a new session would get now, `None` when too few
//!   contributors qualify (the current set would stay).
//!
//! The runtime implements it with `pallet_stake::Pallet`'s `ledger_view`, `reputation_view`,
//! `contributors_weighted` and `next_validators`.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet_stake::{LedgerView, ReputationRecord, ReputationView, UnlockChunk};

use alloc::vec::Vec;
use codec::Codec;

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Reads contributors: bonds, reputation and the ranking that chooses validators.
	pub trait StakeApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// An account's ledger: active bond, unlocking chunks (amount and unlock block) and
		/// the total held; `None` when it has not bonded.
		fn ledger(who: AccountId) -> Option<LedgerView<Balance, BlockNumber>>;

		/// An account's record (agreed, missed, lost, frauds) and reputation score, in
		/// millionths; neutral (500_000) for an account never reported.
		fn reputation(who: AccountId) -> ReputationView;

		/// Every contributor with a non-zero weight and its weight (active bond in the
		/// smallest unit x reputation in millionths), heaviest first, ties by account id.
		fn ranking() -> Vec<(AccountId, u128)>;

		/// The validator set a new session would get now; `None` when fewer than the minimum
		/// qualify.
		fn next_validators() -> Option<Vec<AccountId>>;
	}
}
