//! Liveness: a validator that authors no block in a whole session loses its seat until it
//! rejoins, and its record shows it.

use super::mock::*;
use crate::{pallet::*, Event as StakeEvent, ReputationRecord};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	pallet_authorship::EventHandler,
	pallet_session::SessionManager,
};

/// Alice, Bob and Carol bonded, with session keys, validating the current session.
fn three_validators() {
	for who in [ALICE, BOB, CAROL] {
		bond(who, 500);
	}
	set_session_keys(&[ALICE, BOB, CAROL]);
	set_session_validators(&[ALICE, BOB, CAROL]);
}

/// `who` authors `blocks` blocks.
fn author(who: AccountId, blocks: u32) {
	for _ in 0..blocks {
		<Stake as EventHandler<AccountId, u64>>::note_author(who);
	}
}

/// Session `index` ends and the one after the next is planned, as `pallet_session` does.
fn rotate(index: u32) -> Option<Vec<AccountId>> {
	<Stake as SessionManager<AccountId>>::end_session(index);
	let planned = <Stake as SessionManager<AccountId>>::new_session(index + 2);
	check_invariants();
	planned
}

/// The attack: stop running the node and keep the seat, and the rewards and weight it
/// brings, while the chain loses a share of its slots.
#[test]
fn a_validator_that_authored_nothing_in_a_session_loses_its_seat() {
	test(|| {
		three_validators();
		author(ALICE, 12);
		author(BOB, 11);

		assert_eq!(rotate(1), Some(vec![ALICE, BOB]));
		assert!(Stake::is_chilled(&CAROL));
		System::assert_has_event(StakeEvent::Chilled { who: CAROL, session: 1 }.into());
		assert_eq!(
			Records::<Test>::get(CAROL),
			ReputationRecord { absent: 1, ..Default::default() }
		);
		assert!(Stake::reputation(&CAROL) < Stake::reputation(&ALICE));
		// Still a contributor, with its bond untouched: only its seat is gone.
		assert!(Stake::is_contributor(&CAROL));
		assert_eq!(Stake::bonded(&CAROL), 500);
	});
}

#[test]
fn a_chilled_validator_stays_out_until_it_rejoins() {
	test(|| {
		three_validators();
		author(ALICE, 5);
		author(BOB, 5);
		rotate(1);
		set_session_validators(&[ALICE, BOB]);
		author(ALICE, 5);
		author(BOB, 5);
		assert_eq!(rotate(2), Some(vec![ALICE, BOB]), "not judged, but still chilled");

		assert_ok!(Stake::rejoin(RuntimeOrigin::signed(CAROL)));
		System::assert_last_event(StakeEvent::Rejoined { who: CAROL }.into());
		assert!(!Stake::is_chilled(&CAROL));
		author(ALICE, 5);
		author(BOB, 5);
		assert_eq!(rotate(3), Some(vec![ALICE, BOB, CAROL]));
	});
}

#[test]
fn rejoining_without_being_chilled_is_refused() {
	test(|| {
		three_validators();
		assert_noop!(Stake::rejoin(RuntimeOrigin::signed(ALICE)), Error::<Test>::NotChilled);
		assert_noop!(Stake::rejoin(RuntimeOrigin::signed(PAUPER)), Error::<Test>::NotChilled);
	});
}

#[test]
fn one_block_a_session_keeps_the_seat_and_counts_start_afresh() {
	test(|| {
		three_validators();
		author(ALICE, 1);
		author(BOB, 1);
		author(CAROL, 1);
		assert_eq!(rotate(1), Some(vec![ALICE, BOB, CAROL]));
		assert!(AuthoredBlocks::<Test>::iter().next().is_none(), "emptied at the session's end");

		// Carol's block of session 1 does not count for session 2.
		author(ALICE, 1);
		author(BOB, 1);
		assert_eq!(rotate(2), Some(vec![ALICE, BOB]));
		assert_eq!(Chilled::<Test>::get(CAROL), Some(2));
	});
}

#[test]
fn the_first_session_is_not_judged() {
	test(|| {
		three_validators();
		assert_eq!(rotate(0), Some(vec![ALICE, BOB, CAROL]));
		assert!(Chilled::<Test>::iter().next().is_none());
	});
}

#[test]
fn with_too_few_live_candidates_the_set_stays() {
	test(|| {
		bond(ALICE, 500);
		bond(BOB, 500);
		set_session_keys(&[ALICE, BOB]);
		set_session_validators(&[ALICE, BOB]);
		author(ALICE, 10);
		// Bob is chilled, and one candidate is fewer than MIN_VALIDATORS (2).
		assert_eq!(rotate(1), None);
		assert!(Stake::is_chilled(&BOB));
		System::assert_last_event(
			StakeEvent::ValidatorSetKept { session: 3, candidates: 1 }.into(),
		);
	});
}

#[test]
fn a_chilled_contributor_still_renders() {
	test(|| {
		three_validators();
		author(ALICE, 1);
		author(BOB, 1);
		rotate(1);
		assert!(Stake::contributors_weighted().iter().any(|(who, _)| *who == CAROL));
	});
}
