//! The arithmetic of the split alone.

use crate::{split_fee, FeeSplit};
use polkadot_sdk::sp_runtime::Percent;

#[test]
fn parts_add_up_to_the_fee_for_every_amount() {
	for amount in (0u128..2_000).chain([u128::MAX, u128::MAX - 1, 1_000_000_007]) {
		let s = split_fee(amount, Percent::from_percent(50), Percent::from_percent(20));
		assert_eq!(s.burned + s.to_treasury + s.to_author, amount, "amount {amount}");
	}
}

#[test]
fn rounding_dust_is_burned() {
	// 30% and 20% of 9 round down to 2 and 1: the other 6 are burned.
	assert_eq!(
		split_fee(9u128, Percent::from_percent(50), Percent::from_percent(20)),
		FeeSplit { burned: 6, to_treasury: 1, to_author: 2 }
	);
}

#[test]
fn full_burn_share_burns_everything() {
	assert_eq!(
		split_fee(1_000u128, Percent::from_percent(100), Percent::from_percent(0)),
		FeeSplit { burned: 1_000, to_treasury: 0, to_author: 0 }
	);
}

#[test]
fn shares_over_one_hundred_percent_never_create_money() {
	let s = split_fee(1_000u128, Percent::from_percent(80), Percent::from_percent(80));
	assert_eq!(s.burned + s.to_treasury + s.to_author, 1_000);
	assert_eq!(s.to_author, 0);
}
