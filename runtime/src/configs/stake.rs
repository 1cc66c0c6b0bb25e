//! Contributor staking: bonds, reputation, slashing, and the validator set chosen by
//! contribution (stake x reputation) at every session.

use crate::{
	currency::PGT, time::DAYS, AccountId, Balance, Balances, BlockNumber, Runtime,
	RuntimeHoldReason,
};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		parameter_types,
		traits::{Contains, Get},
	},
	pallet_session,
	sp_runtime::Perbill,
};

parameter_types! {
	/// The smallest bond that makes an account a contributor.
	pub const MinBond: Balance = 100 * PGT;
	/// Unbonded funds stay held (and slashable) for a week.
	pub const UnbondingPeriod: BlockNumber = 7 * DAYS;
	/// Pending unbonding requests per contributor.
	pub const MaxUnlockingChunks: u32 = 32;
	/// Contributors at once: bounds every ranking the session and task assignment read.
	pub const MaxContributors: u32 = 512;
	/// A reporter of proven fraud gets a tenth of what the offender loses; the rest is burned.
	pub const ReporterShare: Perbill = Perbill::from_percent(10);
	/// Fewer candidates than this and the validator set stays as it is.
	pub const MinValidators: u32 = 1;
	/// The largest validator set.
	pub const MaxValidators: u32 = 16;
}

/// Whether an account has registered session keys (`Session::set_keys`) for the next session:
/// only those can validate.
pub struct HasSessionKeys;

impl Contains<AccountId> for HasSessionKeys {
	fn contains(who: &AccountId) -> bool {
		pallet_session::NextKeys::<Runtime>::contains_key(who)
	}
}

/// The current session's validators, whose authored blocks the stake pallet counts.
pub struct SessionValidators;

impl Get<Vec<AccountId>> for SessionValidators {
	fn get() -> Vec<AccountId> {
		pallet_session::Validators::<Runtime>::get()
	}
}

impl pallet_stake::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type HasSessionKeys = HasSessionKeys;
	type MinBond = MinBond;
	type UnbondingPeriod = UnbondingPeriod;
	type MaxUnlockingChunks = MaxUnlockingChunks;
	type MaxContributors = MaxContributors;
	type ReporterShare = ReporterShare;
	type MinValidators = MinValidators;
	type MaxValidators = MaxValidators;
	type SessionValidators = SessionValidators;
	type WeightInfo = pallet_stake::weights::SubstrateWeight<Runtime>;
}
