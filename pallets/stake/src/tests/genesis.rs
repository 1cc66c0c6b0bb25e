//! Genesis: the initial bonds are held like any bond.

use super::mock::*;
use crate::pallet::*;
use polkadot_sdk::frame_support::traits::fungible::Inspect;

#[test]
fn genesis_bonds_hold_the_funds() {
	new_test_ext_with_bonds(vec![(ALICE, 500), (BOB, MIN_BOND)]).execute_with(|| {
		assert_eq!(held(ALICE), 500);
		assert_eq!(Balances::balance(&ALICE), ENDOWMENT - 500);
		assert_eq!(Stake::bonded(&BOB), MIN_BOND);
		assert_eq!(Ledgers::<Test>::count(), 2);
		assert_eq!(TotalActive::<Test>::get(), 500 + MIN_BOND);
		check_invariants();
	});
}

#[test]
#[should_panic(expected = "a genesis bond is at least MinBond and affordable")]
fn a_genesis_bond_below_the_minimum_is_refused() {
	new_test_ext_with_bonds(vec![(ALICE, MIN_BOND - 1)]);
}

#[test]
#[should_panic(expected = "a genesis bond is listed twice")]
fn a_genesis_bond_listed_twice_is_refused() {
	new_test_ext_with_bonds(vec![(ALICE, 500), (ALICE, 500)]);
}
