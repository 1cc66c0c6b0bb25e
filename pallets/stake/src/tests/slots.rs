//! Contributor slots: bounded, and a larger bond evicts the smallest when they are full.

use super::mock::*;
use crate::{pallet::*, Event as StakeEvent, SlashAmount, UnlockChunk};
use polkadot_sdk::frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};

/// The first account after those that fill every slot.
const NEWCOMER: AccountId = MAX_CONTRIBUTORS as AccountId + 1;

/// Accounts 1 to `MAX_CONTRIBUTORS` bond `MIN_BOND` each: every slot taken at the least
/// price, the squatter's way.
fn fill_slots_with_minimum_bonds() {
	for who in 1..=AccountId::from(MAX_CONTRIBUTORS) {
		bond(who, MIN_BOND);
	}
	assert_eq!(Contributors::<Test>::get().len() as u32, MAX_CONTRIBUTORS);
}

/// The contributors, smallest bond first.
fn slots() -> Vec<(AccountId, Balance)> {
	Contributors::<Test>::get().into_inner()
}

#[test]
fn a_squatter_holding_every_slot_is_outbid_and_keeps_its_funds() {
	test(|| {
		fill_slots_with_minimum_bonds();
		bond(NEWCOMER, MIN_BOND + 1);
		assert!(Stake::is_contributor(&NEWCOMER));
		// The smallest bond, among equals the smallest account, lost its slot.
		assert!(!Stake::is_contributor(&ALICE));
		assert_eq!(Stake::bonded(&ALICE), 0);
		let unlock_at = 1 + UNBONDING_PERIOD;
		System::assert_has_event(
			StakeEvent::Evicted { who: ALICE, by: NEWCOMER, amount: MIN_BOND, unlock_at }.into(),
		);
		let ledger = Ledgers::<Test>::get(ALICE).expect("the evicted ledger stays until withdrawn");
		assert_eq!(ledger.unlocking.into_inner(), vec![UnlockChunk { value: MIN_BOND, unlock_at }]);
		assert_eq!(TotalActive::<Test>::get(), Balance::from(MAX_CONTRIBUTORS) * MIN_BOND + 1);
		check_invariants();

		// Nothing was taken: after the unbonding period it all comes back.
		run_to_block(unlock_at);
		assert_ok!(Stake::withdraw_unbonded(RuntimeOrigin::signed(ALICE)));
		assert_eq!(Balances::balance(&ALICE), ENDOWMENT);
		assert!(Ledgers::<Test>::get(ALICE).is_none());
	});
}

#[test]
fn an_equal_bond_evicts_nobody() {
	test(|| {
		fill_slots_with_minimum_bonds();
		assert_noop!(
			Stake::bond(RuntimeOrigin::signed(NEWCOMER), MIN_BOND),
			Error::<Test>::TooManyContributors
		);
		// Nor can the contributor it evicts take a slot back with the same bond.
		bond(NEWCOMER, MIN_BOND + 1);
		assert_noop!(
			Stake::bond(RuntimeOrigin::signed(ALICE), MIN_BOND),
			Error::<Test>::TooManyContributors
		);
	});
}

#[test]
fn the_smallest_bond_is_the_one_evicted() {
	test(|| {
		for (who, amount) in [(1, 300), (2, 150), (3, 200), (4, 400), (5, 500)] {
			bond(who, amount);
		}
		bond(NEWCOMER, 160);
		assert!(!Stake::is_contributor(&2));
		assert_eq!(
			slots(),
			vec![(NEWCOMER, 160), (3, 200), (1, 300), (4, 400), (5, 500)],
			"sorted by bond"
		);
	});
}

#[test]
fn adding_to_a_bond_moves_its_slot_and_keeps_it_safe() {
	test(|| {
		fill_slots_with_minimum_bonds();
		bond(ALICE, 50);
		assert_eq!(slots().last(), Some(&(ALICE, MIN_BOND + 50)));
		// Bonding more never needs a free slot: ALICE holds one.
		bond(ALICE, 1);
		// A newcomer now has to outbid the smallest, account 2.
		bond(NEWCOMER, MIN_BOND + 1);
		assert!(Stake::is_contributor(&ALICE));
		assert!(!Stake::is_contributor(&BOB));
	});
}

#[test]
fn unbonding_everything_frees_the_slot_at_once() {
	test(|| {
		fill_slots_with_minimum_bonds();
		unbond(ALICE, MIN_BOND);
		// ALICE's funds are still unlocking, but its slot is free for a minimum bond.
		bond(NEWCOMER, MIN_BOND);
		assert!(stake_events().iter().all(|event| !matches!(event, StakeEvent::Evicted { .. })));
		assert_eq!(Ledgers::<Test>::count(), MAX_CONTRIBUTORS + 1);
	});
}

#[test]
fn a_slash_below_the_minimum_frees_the_slot() {
	test(|| {
		fill_slots_with_minimum_bonds();
		Stake::slash(&BOB, SlashAmount::Exact(1), None);
		assert!(!Stake::is_contributor(&BOB));
		assert!(slots().iter().all(|(who, _)| *who != BOB));
		check_invariants();
		bond(NEWCOMER, MIN_BOND);
	});
}

#[test]
fn a_slash_that_leaves_a_contributor_moves_its_slot() {
	test(|| {
		bond(ALICE, 300);
		bond(BOB, 200);
		Stake::slash(&ALICE, SlashAmount::Exact(150), None);
		assert_eq!(slots(), vec![(ALICE, 150), (BOB, 200)]);
	});
}

#[test]
fn an_evicted_bond_stays_slashable_until_withdrawn() {
	test(|| {
		fill_slots_with_minimum_bonds();
		bond(NEWCOMER, MIN_BOND + 1);
		let split = Stake::slash(&ALICE, SlashAmount::Exact(40), None);
		assert_eq!(split.slashed, 40);
		assert_eq!(held(ALICE), MIN_BOND - 40);
	});
}

#[test]
fn an_eviction_into_a_full_unlocking_list_joins_the_latest_chunk() {
	test(|| {
		bond(ALICE, MIN_BOND + Balance::from(MAX_CHUNKS));
		for block in 1..=u64::from(MAX_CHUNKS) {
			run_to_block(block);
			unbond(ALICE, 1);
		}
		for who in 2..=AccountId::from(MAX_CONTRIBUTORS) {
			bond(who, MIN_BOND + 10);
		}
		bond(NEWCOMER, MIN_BOND + 10);

		let ledger = Ledgers::<Test>::get(ALICE).unwrap();
		let unlock_at = u64::from(MAX_CHUNKS) + UNBONDING_PERIOD;
		assert_eq!(ledger.active, 0);
		assert_eq!(ledger.unlocking.len() as u32, MAX_CHUNKS);
		assert_eq!(
			ledger.unlocking.last(),
			Some(&UnlockChunk { value: 1 + MIN_BOND, unlock_at }),
			"the evicted bond unlocks a full period from now, with the latest chunk"
		);
		check_invariants();
	});
}

#[test]
fn an_evicted_validator_is_no_candidate_for_the_next_set() {
	test(|| {
		fill_slots_with_minimum_bonds();
		set_session_keys(&[ALICE, BOB, CAROL, NEWCOMER]);
		assert!(Stake::validator_candidates().iter().any(|(who, _)| *who == ALICE));
		bond(NEWCOMER, MIN_BOND + 1);
		let candidates: Vec<AccountId> =
			Stake::validator_candidates().into_iter().map(|(who, _)| who).collect();
		assert!(!candidates.contains(&ALICE));
		assert_eq!(candidates[0], NEWCOMER, "the largest bond leads");
	});
}

#[test]
fn an_unaffordable_bond_evicts_nobody() {
	test(|| {
		fill_slots_with_minimum_bonds();
		assert_noop!(
			Stake::bond(RuntimeOrigin::signed(NEWCOMER), ENDOWMENT + 1),
			Error::<Test>::InsufficientBalance
		);
		assert!(Stake::is_contributor(&ALICE));
	});
}
