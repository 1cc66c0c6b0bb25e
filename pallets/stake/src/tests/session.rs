//! Validator selection: the top contributors with session keys by stake x reputation, within
//! the minimum and maximum set size, never an empty set.

use super::mock::*;
use crate::{Event as StakeEvent, Outcome};
use polkadot_sdk::{pallet_session::SessionManager, sp_runtime::Permill};

fn new_session(index: u32) -> Option<Vec<AccountId>> {
	<Stake as SessionManager<AccountId>>::new_session(index)
}

#[test]
fn validators_are_ranked_by_stake_times_reputation() {
	test(|| {
		bond(ALICE, 1_000);
		bond(BOB, 600);
		bond(CAROL, 400);
		// Carol agreed on many tasks; Alice lost some.
		for _ in 0..18 {
			Stake::record_outcome(&CAROL, Outcome::Agreed);
		}
		for _ in 0..3 {
			Stake::record_outcome(&ALICE, Outcome::Lost);
		}
		set_session_keys(&[ALICE, BOB, CAROL]);
		// Weights: Alice 1_000 x 125_000, Bob 600 x 500_000, Carol 400 x 950_000.
		assert_eq!(
			Stake::contributors_weighted(),
			vec![(CAROL, 380_000_000), (BOB, 300_000_000), (ALICE, 125_000_000)]
		);
		assert_eq!(new_session(1), Some(vec![CAROL, BOB, ALICE]));
		System::assert_last_event(
			StakeEvent::ValidatorsChosen { session: 1, validators: vec![CAROL, BOB, ALICE] }.into(),
		);
	});
}

#[test]
fn equal_weights_are_ordered_by_account() {
	test(|| {
		for who in [EVE, BOB, DAVE] {
			bond(who, 500);
		}
		set_session_keys(&[BOB, DAVE, EVE]);
		assert_eq!(new_session(1), Some(vec![BOB, DAVE, EVE]));
	});
}

#[test]
fn only_contributors_with_session_keys_are_chosen() {
	test(|| {
		bond(ALICE, 5_000);
		bond(BOB, 500);
		bond(CAROL, 400);
		set_session_keys(&[BOB, CAROL, DAVE]);
		// Alice is the heaviest but has no keys; Dave has keys but no bond.
		assert_eq!(new_session(1), Some(vec![BOB, CAROL]));
		assert_eq!(Stake::validator_candidates(), vec![(BOB, 250_000_000), (CAROL, 200_000_000)]);
	});
}

#[test]
fn the_set_is_cut_at_the_maximum() {
	test(|| {
		for (who, amount) in [(ALICE, 100), (BOB, 200), (CAROL, 300), (DAVE, 400), (EVE, 500)] {
			bond(who, amount);
		}
		set_session_keys(&[ALICE, BOB, CAROL, DAVE, EVE]);
		let set = new_session(1).expect("enough candidates");
		assert_eq!(set.len(), MAX_VALIDATORS as usize);
		assert_eq!(set, vec![EVE, DAVE, CAROL]);
	});
}

#[test]
fn too_few_candidates_keep_the_current_set() {
	test(|| {
		assert_eq!(new_session(1), None, "no contributors at all: never an empty set");
		System::assert_last_event(
			StakeEvent::ValidatorSetKept { session: 1, candidates: 0 }.into(),
		);

		bond(ALICE, 500);
		bond(BOB, 500);
		set_session_keys(&[ALICE]);
		assert_eq!(new_session(2), None);
		System::assert_last_event(
			StakeEvent::ValidatorSetKept { session: 2, candidates: 1 }.into(),
		);

		set_session_keys(&[ALICE, BOB]);
		assert_eq!(new_session(3), Some(vec![ALICE, BOB]));
	});
}

#[test]
fn fraudsters_and_leavers_are_not_candidates() {
	test(|| {
		for who in [ALICE, BOB, CAROL] {
			bond(who, 500);
		}
		set_session_keys(&[ALICE, BOB, CAROL]);
		for _ in 0..5 {
			Stake::record_outcome(&ALICE, Outcome::Fraud);
		}
		assert_eq!(Stake::reputation(&ALICE), Permill::zero());
		unbond(BOB, 500);
		assert_eq!(Stake::validator_candidates(), vec![(CAROL, 250_000_000)]);
		assert_eq!(new_session(1), None, "one candidate is below the minimum");
	});
}

#[test]
fn the_next_set_is_readable_before_the_session() {
	test(|| {
		bond(ALICE, 500);
		bond(BOB, 700);
		set_session_keys(&[ALICE, BOB]);
		assert_eq!(Stake::next_validators(), Some(vec![BOB, ALICE]));
		assert!(stake_events().iter().all(|event| !matches!(
			event,
			StakeEvent::ValidatorsChosen { .. } | StakeEvent::ValidatorSetKept { .. }
		)));
		assert_eq!(new_session(1), Stake::next_validators());
	});
}

#[test]
fn starting_and_ending_sessions_change_nothing() {
	test(|| {
		bond(ALICE, 500);
		bond(BOB, 700);
		set_session_keys(&[ALICE, BOB]);
		<Stake as SessionManager<AccountId>>::end_session(0);
		<Stake as SessionManager<AccountId>>::start_session(1);
		assert_eq!(Stake::next_validators(), Some(vec![BOB, ALICE]));
	});
}

#[test]
fn genesis_bonds_choose_the_genesis_set() {
	new_test_ext_with_bonds(vec![(ALICE, 500), (BOB, 700), (CAROL, 600)]).execute_with(|| {
		set_session_keys(&[ALICE, BOB, CAROL]);
		assert_eq!(
			<Stake as SessionManager<AccountId>>::new_session_genesis(0),
			Some(vec![BOB, CAROL, ALICE])
		);
		check_invariants();
	});
}
