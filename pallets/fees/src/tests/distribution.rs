//! Fees and tips paid through the handler: balances, issuance and events.

use super::mock::*;
use crate::{Event, TotalBurned};
use polkadot_sdk::frame_support::traits::fungible::Inspect;

fn issuance() -> Balance {
	<Balances as Inspect<AccountId>>::total_issuance()
}

#[test]
fn fee_is_split_between_burn_treasury_and_author() {
	new_test_ext().execute_with(|| {
		let before = issuance();
		pay(1_000, 0);
		assert_eq!(Balances::free_balance(PAYER), 1_000_000 - 1_000);
		assert_eq!(Balances::free_balance(TREASURY), ED + 200);
		assert_eq!(Balances::free_balance(AUTHOR), ED + 300);
		assert_eq!(issuance(), before - 500);
		assert_eq!(TotalBurned::<Test>::get(), 500);
		System::assert_last_event(
			Event::FeesDistributed {
				burned: 500,
				to_treasury: 200,
				to_author: 300,
				author: Some(AUTHOR),
			}
			.into(),
		);
	});
}

#[test]
fn tip_is_split_with_the_fee() {
	new_test_ext().execute_with(|| {
		let before = issuance();
		pay(600, 400);
		assert_eq!(issuance(), before - 500);
		assert_eq!(Balances::free_balance(AUTHOR), ED + 300);
		assert_eq!(Balances::free_balance(TREASURY), ED + 200);
	});
}

#[test]
fn burned_total_accumulates_over_transactions() {
	new_test_ext().execute_with(|| {
		pay(1_000, 0);
		pay(2_000, 10);
		assert_eq!(TotalBurned::<Test>::get(), 500 + 1_005);
	});
}

#[test]
fn without_author_the_author_part_goes_to_the_treasury() {
	new_test_ext().execute_with(|| {
		set_author(None);
		let before = issuance();
		pay(1_000, 0);
		assert_eq!(Balances::free_balance(TREASURY), ED + 500);
		assert_eq!(issuance(), before - 500);
		System::assert_last_event(
			Event::FeesDistributed { burned: 500, to_treasury: 500, to_author: 0, author: None }
				.into(),
		);
	});
}

#[test]
fn part_below_existential_deposit_for_new_account_is_burned() {
	new_test_ext().execute_with(|| {
		// A fresh author account cannot be created with 3 units (ED is 10): its part is burned.
		set_author(Some(99));
		let before = issuance();
		pay(10, 0);
		assert_eq!(Balances::free_balance(99), 0);
		assert_eq!(Balances::free_balance(TREASURY), ED + 2);
		assert_eq!(issuance(), before - 8);
		assert_eq!(TotalBurned::<Test>::get(), 8);
	});
}

#[test]
fn zero_fee_changes_nothing() {
	new_test_ext().execute_with(|| {
		let before = issuance();
		pay(0, 0);
		assert_eq!(issuance(), before);
		assert_eq!(TotalBurned::<Test>::get(), 0);
		assert!(
			!System::events().iter().any(|record| matches!(record.event, RuntimeEvent::Fees(_))),
			"a zero fee is not distributed"
		);
	});
}
