//! The fee split: how much of every fee and tip is burned, and who gets the rest.

use crate::{AccountId, Authorship, Balances, Runtime};
use polkadot_sdk::{frame_support::parameter_types, sp_runtime::Percent};

parameter_types! {
	/// Half of every transaction fee and tip is burned.
	///
	/// PGT is issued as rewards for contribution (rendering, hosting sessions); burning a share
	/// of every fee ties the supply to how much the network is used, so that heavy use offsets
	/// issuance.
	pub const FeeBurnShare: Percent = Percent::from_percent(50);
	/// A fifth of every fee funds the treasury.
	pub const FeeTreasuryShare: Percent = Percent::from_percent(20);
	// The block author gets the remaining 30%.
}

/// The author of the block being built, as found by `pallet-authorship`.
pub struct CurrentBlockAuthor;
impl polkadot_sdk::frame_support::traits::Get<Option<AccountId>> for CurrentBlockAuthor {
	fn get() -> Option<AccountId> {
		Authorship::author()
	}
}

impl pallet_fees::Config for Runtime {
	type Currency = Balances;
	type BurnShare = FeeBurnShare;
	type TreasuryShare = FeeTreasuryShare;
	type TreasuryAccount = super::TreasuryAccount;
	type BlockAuthor = CurrentBlockAuthor;
}
