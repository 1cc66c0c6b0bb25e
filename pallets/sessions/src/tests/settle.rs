//! Ending, settling and paying: escrow in = paid + burned + refunded, exactly.

use super::mock::*;
use crate::{Error, Event, SessionPhase};
use playnet_primitives::Outcome;
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

/// Sums the money events of `id`: (refunded, paid, burned).
fn money(id: u64) -> (Balance, Balance, Balance) {
	let (mut refunded, mut paid, mut burned) = (0, 0, 0);
	for event in events() {
		match event {
			Event::SessionSettled { session, refunded: r, .. } if session == id => refunded += r,
			Event::SessionEnded { session, refunded: r } if session == id => refunded += r,
			Event::ContributorPaid { session, paid: p, burned: b, .. } if session == id => {
				paid += p;
				burned += b;
			}
			Event::FrameDisputed { session, refunded: r, .. } if session == id => refunded += r,
			_ => {}
		}
	}
	(refunded, paid, burned)
}

#[test]
fn a_played_session_pays_pro_rata_burns_a_share_refunds_the_rest_and_records_the_csu() {
	test(|| {
		let issuance = Balances::total_issuance();
		let id = open_accepted();
		let escrow = PRICE * MINUTES as Balance;
		let receipt = receipt(id, HOST, 90_000);
		settle(receipt);
		run_to(3);
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
		assert_eq!(
			events().last(),
			Some(&Event::SessionClosing {
				session: id,
				by: Some(PLAYER),
				settle_by: 3 + CLOSE_PERIOD
			})
		);
		run_to(3 + CLOSE_PERIOD + 1);
		// 1.5 minutes at 600: 900 due, the rest back at once.
		let session = Sessions::session(id).expect("settled");
		assert_eq!(session.phase, SessionPhase::Settled);
		assert_eq!(session.parts[0].due, 900);
		assert_eq!(held(PLAYER), 900);
		assert_eq!(free(PLAYER), PLAYER_FUNDS - 900);
		run_to(3 + CLOSE_PERIOD + 1 + DISPUTE_WINDOW + 1);
		assert!(Sessions::session(id).is_none());
		assert_eq!(held(PLAYER), 0);
		assert_eq!(free(PLAYER), PLAYER_FUNDS - 900);
		assert_eq!(free(HOST), 1_000 + 810);
		assert_eq!(Balances::total_issuance(), issuance - 90);
		let (refunded, paid, burned) = money(id);
		assert_eq!((refunded, paid, burned), (escrow - 900, 810, 90));
		assert_eq!(refunded + paid + burned, escrow);
		let record = Sessions::csu_record(id, &HOST).expect("recorded");
		assert_eq!(record.player, PLAYER);
		assert_eq!(record.contributor, HOST);
		assert_eq!(record.opened_at, 1);
		assert_eq!(record.package_hash, package().hash());
		assert_eq!(record.served_ms, 90_000);
		assert_eq!(record.frames, receipt.frames);
		assert_eq!(record.rate, PRICE);
		assert_eq!(record.resource_hash, resource_hash(HOST));
		assert_eq!(record.frame_root, receipt.frame_root);
		assert_eq!(record.player_signature, player_signs(&receipt));
		assert_eq!((record.paid, record.burned, record.disputed), (810, 90, false));
		assert_eq!(outcomes(), vec![(HOST, Outcome::Served)]);
	});
}

#[test]
fn the_contributor_may_end_the_session_too() {
	test(|| {
		let id = open_accepted();
		assert_noop!(
			Sessions::end_session(RuntimeOrigin::signed(STRANGER), id),
			Error::<Test>::NotThePlayer
		);
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(HOST), id));
		assert_eq!(Sessions::session(id).expect("closing").phase, SessionPhase::Closing);
		assert_noop!(
			Sessions::end_session(RuntimeOrigin::signed(PLAYER), id),
			Error::<Test>::NotOpen
		);
	});
}

#[test]
fn ending_a_session_nobody_accepted_refunds_at_once() {
	test(|| {
		let id = open();
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
		assert!(Sessions::session(id).is_none());
		assert_eq!(free(PLAYER), PLAYER_FUNDS);
	});
}

#[test]
fn a_session_closes_at_its_hard_end_however_long_the_player_stays() {
	test(|| {
		let id = open_accepted();
		settle(receipt(id, HOST, 60_000));
		let hard_end = Sessions::session(id).expect("open").hard_end;
		run_to(hard_end);
		assert_eq!(Sessions::session(id).expect("open").phase, SessionPhase::Active);
		run_to(hard_end + 1);
		assert_eq!(Sessions::session(id).expect("closing").phase, SessionPhase::Closing);
		run_to(hard_end + 1 + CLOSE_PERIOD + 1 + DISPUTE_WINDOW + 1);
		assert!(Sessions::session(id).is_none());
		assert_eq!(free(HOST), 1_000 + 540);
		assert_eq!(free(PLAYER), PLAYER_FUNDS - 600);
	});
}

#[test]
fn dues_never_exceed_the_escrow() {
	test(|| {
		let issuance = Balances::total_issuance();
		let id = open_accepted();
		let escrow = PRICE * MINUTES as Balance;
		// The player signed for twice the booked time.
		settle(receipt(id, HOST, 2 * MINUTES as u64 * 60_000));
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
		run_to(1 + CLOSE_PERIOD + 1 + DISPUTE_WINDOW + 1);
		let burned = BurnShare::get() * escrow;
		assert_eq!(free(HOST), 1_000 + escrow - burned);
		assert_eq!(free(PLAYER), PLAYER_FUNDS - escrow);
		assert_eq!(Balances::total_issuance(), issuance - burned);
		assert_eq!(money(id), (0, escrow - burned, burned));
	});
}

#[test]
fn a_session_ended_without_receipts_refunds_everything_and_records_nothing() {
	test(|| {
		let id = open_accepted();
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
		run_to(1 + CLOSE_PERIOD + 1);
		assert!(Sessions::session(id).is_none());
		assert_eq!(free(PLAYER), PLAYER_FUNDS);
		assert!(Sessions::csu_record(id, &HOST).is_none());
		assert!(outcomes().is_empty());
	});
}

#[test]
fn a_part_paid_below_the_reputable_minimum_records_no_outcome() {
	test(|| {
		let id = open_accepted();
		// 20 seconds at 600 a minute: 200, below the minimum of 300.
		settle(receipt(id, HOST, 20_000));
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
		run_to(1 + CLOSE_PERIOD + 1 + DISPUTE_WINDOW + 1);
		assert_eq!(free(HOST), 1_000 + 180);
		assert!(outcomes().is_empty());
		assert_eq!(Sessions::csu_record(id, &HOST).expect("recorded").paid, 180);
	});
}

#[test]
fn a_payment_that_would_leave_the_contributor_below_the_existential_deposit_is_burned() {
	test(|| {
		// A fresh contributor account with nothing in it: a due below ED cannot be paid.
		let fresh: AccountId = 20;
		bond(fresh, polkadot_sdk::sp_runtime::Permill::one());
		assert_ok!(Sessions::publish_offer(
			RuntimeOrigin::signed(fresh),
			resource_hash(fresh),
			resources(),
			MIN_PRICE
		));
		let issuance = Balances::total_issuance();
		assert_ok!(Sessions::open_session(
			RuntimeOrigin::signed(PLAYER),
			fresh,
			None,
			package(),
			PRICE
		));
		assert_ok!(Sessions::accept_session(RuntimeOrigin::signed(fresh), 0));
		// 5 seconds at 60 a minute: 5 due, 10% of it rounds down to no burn, and the 5 to pay
		// would leave the empty account below ED: burned instead.
		settle(receipt(0, fresh, 5_000));
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), 0));
		run_to(1 + CLOSE_PERIOD + 1 + DISPUTE_WINDOW + 1);
		assert_eq!(free(fresh), 0);
		assert_eq!(Balances::total_issuance(), issuance - 5);
		assert_eq!(free(PLAYER), PLAYER_FUNDS - 5);
	});
}

#[test]
fn a_contributor_switched_away_from_cannot_end_the_session() {
	test(|| {
		let id = open_accepted();
		assert_ok!(Sessions::switch_to_backup(RuntimeOrigin::signed(PLAYER), id));
		assert_ok!(Sessions::accept_session(RuntimeOrigin::signed(BACKUP), id));
		assert_noop!(
			Sessions::end_session(RuntimeOrigin::signed(HOST), id),
			Error::<Test>::NotThePlayer
		);
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(BACKUP), id));
	});
}
