//! Switching to the backup: the session goes on, each contributor is paid for its own
//! receipts.

use super::mock::*;
use crate::{Error, Event, SessionPhase};
use playnet_primitives::Outcome;
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

#[test]
fn the_player_moves_the_session_to_its_backup_and_each_is_paid_for_its_receipts() {
	test(|| {
		let id = open_accepted();
		settle(receipt(id, HOST, 60_000));
		run_to(4);
		assert_ok!(Sessions::switch_to_backup(RuntimeOrigin::signed(PLAYER), id));
		assert_eq!(
			events().last(),
			Some(&Event::SessionSwitched {
				session: id,
				from: HOST,
				to: BACKUP,
				accept_by: 4 + ACCEPT_PERIOD
			})
		);
		let session = Sessions::session(id).expect("open");
		assert_eq!(session.phase, SessionPhase::Proposed);
		assert!(session.parts[0].switched_away);
		assert_ok!(Sessions::accept_session(RuntimeOrigin::signed(BACKUP), id));
		settle(receipt(id, BACKUP, 120_000));
		// The first contributor's later receipt still counts: it served until the switch.
		settle(receipt(id, HOST, 70_000));
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
		run_to(4 + CLOSE_PERIOD + 1 + DISPUTE_WINDOW + 1);
		assert!(Sessions::session(id).is_none());
		// 70 s and 120 s at 600 a minute: 700 and 1,200, a tenth burned.
		assert_eq!(free(HOST), 1_000 + 630);
		assert_eq!(free(BACKUP), 1_000 + 1_080);
		assert_eq!(free(PLAYER), PLAYER_FUNDS - 1_900);
		assert_eq!(Sessions::csu_record(id, &HOST).expect("recorded").served_ms, 70_000);
		assert_eq!(Sessions::csu_record(id, &BACKUP).expect("recorded").served_ms, 120_000);
		// The host left after being paid above the minimum: abandoned; the backup served.
		assert_eq!(outcomes(), vec![(HOST, Outcome::Abandoned), (BACKUP, Outcome::Served)]);
	});
}

#[test]
fn a_session_switches_once_and_only_by_its_player() {
	test(|| {
		let id = open_accepted();
		assert_noop!(
			Sessions::switch_to_backup(RuntimeOrigin::signed(HOST), id),
			Error::<Test>::NotThePlayer
		);
		assert_ok!(Sessions::switch_to_backup(RuntimeOrigin::signed(PLAYER), id));
		assert_noop!(
			Sessions::switch_to_backup(RuntimeOrigin::signed(PLAYER), id),
			Error::<Test>::NoBackup
		);
	});
}

#[test]
fn a_session_without_a_backup_cannot_switch() {
	test(|| {
		assert_ok!(Sessions::open_session(
			RuntimeOrigin::signed(PLAYER),
			HOST,
			None,
			package(),
			PRICE
		));
		assert_noop!(
			Sessions::switch_to_backup(RuntimeOrigin::signed(PLAYER), 0),
			Error::<Test>::NoBackup
		);
	});
}

#[test]
fn a_backup_that_does_not_accept_closes_the_session_and_the_first_is_still_paid() {
	test(|| {
		let id = open_accepted();
		settle(receipt(id, HOST, 60_000));
		assert_ok!(Sessions::switch_to_backup(RuntimeOrigin::signed(PLAYER), id));
		run_to(1 + ACCEPT_PERIOD + 1);
		let session = Sessions::session(id).expect("closing");
		assert_eq!(session.phase, SessionPhase::Closing);
		assert!(matches!(events().last(), Some(Event::SessionClosing { by: None, .. })));
		run_to(1 + ACCEPT_PERIOD + 1 + CLOSE_PERIOD + 1 + DISPUTE_WINDOW + 1);
		assert_eq!(free(HOST), 1_000 + 540);
		assert_eq!(free(PLAYER), PLAYER_FUNDS - 600);
	});
}

#[test]
fn switching_from_a_contributor_that_never_accepted_marks_nothing() {
	test(|| {
		let id = open();
		assert_ok!(Sessions::switch_to_backup(RuntimeOrigin::signed(PLAYER), id));
		let session = Sessions::session(id).expect("open");
		assert!(!session.parts[0].switched_away);
		assert_ok!(Sessions::accept_session(RuntimeOrigin::signed(BACKUP), id));
		// The first contributor cannot come back and be paid.
		let theirs = receipt(id, HOST, 60_000);
		assert_noop!(
			Sessions::settle_receipt(
				RuntimeOrigin::signed(HOST),
				id,
				theirs,
				player_signs(&theirs)
			),
			Error::<Test>::UnknownContributor
		);
	});
}
