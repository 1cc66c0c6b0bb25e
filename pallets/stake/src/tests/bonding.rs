//! Bonding: funds held, the minimum bond, the bound on contributors, bad input.

use super::mock::*;
use crate::{pallet::*, Event as StakeEvent, UnlockChunk};
use polkadot_sdk::frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};

#[test]
fn bonding_holds_the_funds_and_makes_a_contributor() {
	test(|| {
		bond(ALICE, 500);
		assert_eq!(held(ALICE), 500);
		assert_eq!(Balances::balance(&ALICE), ENDOWMENT - 500);
		assert_eq!(Stake::bonded(&ALICE), 500);
		assert!(Stake::is_contributor(&ALICE));
		assert_eq!(Ledgers::<Test>::count(), 1);
		assert_eq!(TotalActive::<Test>::get(), 500);
		System::assert_last_event(
			StakeEvent::Bonded { who: ALICE, amount: 500, active: 500 }.into(),
		);
	});
}

#[test]
fn bonding_again_adds_to_the_active_bond() {
	test(|| {
		bond(ALICE, 500);
		bond(ALICE, 1);
		assert_eq!(Stake::bonded(&ALICE), 501);
		assert_eq!(held(ALICE), 501);
		assert_eq!(Ledgers::<Test>::count(), 1);
		System::assert_last_event(StakeEvent::Bonded { who: ALICE, amount: 1, active: 501 }.into());
	});
}

#[test]
fn bonding_does_not_touch_unlocking_funds() {
	test(|| {
		bond(ALICE, 500);
		unbond(ALICE, 200);
		bond(ALICE, 50);
		let ledger = Ledgers::<Test>::get(ALICE).unwrap();
		assert_eq!(ledger.active, 350);
		assert_eq!(
			ledger.unlocking.into_inner(),
			vec![UnlockChunk { value: 200, unlock_at: 1 + UNBONDING_PERIOD }]
		);
		assert_eq!(held(ALICE), 550);
	});
}

#[test]
fn a_first_bond_below_the_minimum_is_rejected() {
	test(|| {
		assert_noop!(
			Stake::bond(RuntimeOrigin::signed(ALICE), MIN_BOND - 1),
			Error::<Test>::BelowMinBond
		);
		assert_ok!(Stake::bond(RuntimeOrigin::signed(ALICE), MIN_BOND));
	});
}

#[test]
fn a_zero_bond_is_rejected() {
	test(|| {
		assert_noop!(Stake::bond(RuntimeOrigin::signed(ALICE), 0), Error::<Test>::ZeroAmount);
		bond(ALICE, 500);
		assert_noop!(Stake::bond(RuntimeOrigin::signed(ALICE), 0), Error::<Test>::ZeroAmount);
	});
}

#[test]
fn a_bond_beyond_the_free_balance_is_rejected() {
	test(|| {
		assert_noop!(
			Stake::bond(RuntimeOrigin::signed(ALICE), ENDOWMENT + 1),
			Error::<Test>::InsufficientBalance
		);
		// The existential deposit stays free: holding all of it would reap the account.
		assert_noop!(
			Stake::bond(RuntimeOrigin::signed(ALICE), ENDOWMENT),
			Error::<Test>::InsufficientBalance
		);
		assert_noop!(
			Stake::bond(RuntimeOrigin::signed(PAUPER), MIN_BOND),
			Error::<Test>::InsufficientBalance
		);
		assert_ok!(Stake::bond(RuntimeOrigin::signed(ALICE), ENDOWMENT - ED));
	});
}

#[test]
fn unsigned_origins_cannot_bond() {
	test(|| {
		assert_noop!(
			Stake::bond(RuntimeOrigin::none(), MIN_BOND),
			polkadot_sdk::sp_runtime::DispatchError::BadOrigin
		);
		assert_noop!(
			Stake::bond(RuntimeOrigin::root(), MIN_BOND),
			polkadot_sdk::sp_runtime::DispatchError::BadOrigin
		);
	});
}
