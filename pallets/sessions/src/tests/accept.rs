//! Accepting a session, and the escrow coming back when nobody does.

use super::mock::*;
use crate::{Error, Event, SessionPhase};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

#[test]
fn the_contributor_accepts_and_the_session_runs_to_its_hard_end() {
	test(|| {
		let id = open();
		run_to(2);
		assert_ok!(Sessions::accept_session(RuntimeOrigin::signed(HOST), id));
		let session = Sessions::session(id).expect("open");
		assert_eq!(session.phase, SessionPhase::Active);
		assert_eq!(session.parts[0].accepted_at, Some(2));
		assert_eq!(session.deadline, session.hard_end);
		assert_eq!(
			events().last(),
			Some(&Event::SessionAccepted { session: id, contributor: HOST })
		);
	});
}

#[test]
fn only_the_contributor_asked_accepts_and_only_once() {
	test(|| {
		let id = open();
		assert_noop!(
			Sessions::accept_session(RuntimeOrigin::signed(BACKUP), id),
			Error::<Test>::NotTheContributor
		);
		assert_noop!(
			Sessions::accept_session(RuntimeOrigin::signed(PLAYER), id),
			Error::<Test>::NotTheContributor
		);
		assert_noop!(
			Sessions::accept_session(RuntimeOrigin::signed(HOST), id + 1),
			Error::<Test>::UnknownSession
		);
		assert_ok!(Sessions::accept_session(RuntimeOrigin::signed(HOST), id));
		assert_noop!(
			Sessions::accept_session(RuntimeOrigin::signed(HOST), id),
			Error::<Test>::NotProposed
		);
	});
}

#[test]
fn a_contributor_that_left_the_stake_cannot_accept() {
	test(|| {
		let id = open();
		unbond(HOST);
		assert_noop!(
			Sessions::accept_session(RuntimeOrigin::signed(HOST), id),
			Error::<Test>::NotAContributor
		);
	});
}

#[test]
fn unaccepted_sessions_return_the_whole_escrow_at_the_deadline() {
	test(|| {
		let id = open();
		let deadline = Sessions::session(id).expect("open").deadline;
		run_to(deadline);
		assert!(Sessions::session(id).is_some(), "open through its last block");
		run_to(deadline + 1);
		assert!(Sessions::session(id).is_none());
		assert_eq!(held(PLAYER), 0);
		assert_eq!(free(PLAYER), PLAYER_FUNDS);
		assert_eq!(
			events().last(),
			Some(&Event::SessionEnded { session: id, refunded: PRICE * MINUTES as Balance })
		);
	});
}

#[test]
fn a_late_acceptance_is_refused_even_before_the_deadline_fires() {
	test(|| {
		let id = open();
		let deadline = Sessions::session(id).expect("open").deadline;
		// The block after the deadline, before its start fired it.
		System::set_block_number(deadline + 1);
		assert_noop!(
			Sessions::accept_session(RuntimeOrigin::signed(HOST), id),
			Error::<Test>::PhaseOver
		);
	});
}
