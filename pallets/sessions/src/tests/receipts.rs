//! Receipts: kept when the player signed them and they cover more play; anything else is a
//! clear error that changes nothing.

use super::mock::*;
use crate::{Error, Event, Receipt};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

#[test]
fn a_signed_receipt_is_settled_and_reports_what_it_is_owed() {
	test(|| {
		let id = open_accepted();
		let receipt = receipt(id, HOST, 30_000);
		settle(receipt);
		let session = Sessions::session(id).expect("open");
		assert_eq!(session.parts[0].receipt.as_ref().map(|(r, _)| *r), Some(receipt));
		assert_eq!(
			events().last(),
			Some(&Event::ReceiptSettled {
				session: id,
				contributor: HOST,
				served_ms: 30_000,
				frames: STREAM_FRAMES as u32,
				owed: PRICE / 2,
			})
		);
	});
}

#[test]
fn anyone_holding_a_receipt_may_submit_it() {
	test(|| {
		let id = open_accepted();
		let receipt = receipt(id, HOST, 1_000);
		let signature = player_signs(&receipt);
		assert_ok!(Sessions::settle_receipt(
			RuntimeOrigin::signed(STRANGER),
			id,
			receipt,
			signature
		));
	});
}

#[test]
fn a_newer_receipt_replaces_an_older_one_never_the_reverse() {
	test(|| {
		let id = open_accepted();
		let older = receipt(id, HOST, 10_000);
		let newer = receipt(id, HOST, 20_000);
		settle(older);
		settle(newer);
		assert_noop!(
			Sessions::settle_receipt(
				RuntimeOrigin::signed(PLAYER),
				id,
				older,
				player_signs(&older)
			),
			Error::<Test>::ReceiptNotNewer
		);
		assert_noop!(
			Sessions::settle_receipt(RuntimeOrigin::signed(HOST), id, newer, player_signs(&newer)),
			Error::<Test>::ReceiptNotNewer
		);
		// More time but fewer frames is not newer either.
		let fewer = Receipt { served_ms: 30_000, frames: 1, ..newer };
		assert_noop!(
			Sessions::settle_receipt(RuntimeOrigin::signed(HOST), id, fewer, player_signs(&fewer)),
			Error::<Test>::ReceiptNotNewer
		);
	});
}

#[test]
fn receipts_not_signed_by_the_player_for_this_chain_session_and_contributor_are_refused() {
	test(|| {
		let id = open_accepted();
		let receipt = receipt(id, HOST, 10_000);
		// Signed by the contributor itself.
		let forged = sign(HOST, &receipt.signing_payload(&Sessions::genesis_hash()));
		assert_noop!(
			Sessions::settle_receipt(RuntimeOrigin::signed(HOST), id, receipt, forged),
			Error::<Test>::BadSignature
		);
		// Signed by the player for another chain.
		let other_chain = sign(PLAYER, &receipt.signing_payload(&[1; 32]));
		assert_noop!(
			Sessions::settle_receipt(RuntimeOrigin::signed(HOST), id, receipt, other_chain),
			Error::<Test>::BadSignature
		);
		// The player's signature of a smaller receipt, on a bigger one.
		let small = Receipt { served_ms: 1_000, ..receipt };
		assert_noop!(
			Sessions::settle_receipt(
				RuntimeOrigin::signed(HOST),
				id,
				receipt,
				player_signs(&small)
			),
			Error::<Test>::BadSignature
		);
	});
}

#[test]
fn receipts_for_another_session_or_a_contributor_that_did_not_accept_are_refused() {
	test(|| {
		let id = open_accepted();
		let other = open();
		let theirs = receipt(other, HOST, 10_000);
		assert_noop!(
			Sessions::settle_receipt(
				RuntimeOrigin::signed(HOST),
				id,
				theirs,
				player_signs(&theirs)
			),
			Error::<Test>::ReceiptForAnotherSession
		);
		// HOST has not accepted `other`.
		assert_noop!(
			Sessions::settle_receipt(
				RuntimeOrigin::signed(HOST),
				other,
				theirs,
				player_signs(&theirs)
			),
			Error::<Test>::UnknownContributor
		);
		// BACKUP is not serving `id`.
		let backup = receipt(id, BACKUP, 10_000);
		assert_noop!(
			Sessions::settle_receipt(
				RuntimeOrigin::signed(BACKUP),
				id,
				backup,
				player_signs(&backup)
			),
			Error::<Test>::UnknownContributor
		);
	});
}

#[test]
fn an_empty_receipt_is_refused() {
	test(|| {
		let id = open_accepted();
		for empty in [
			Receipt { frames: 0, ..receipt(id, HOST, 10_000) },
			Receipt { served_ms: 0, ..receipt(id, HOST, 10_000) },
		] {
			assert_noop!(
				Sessions::settle_receipt(
					RuntimeOrigin::signed(HOST),
					id,
					empty,
					player_signs(&empty)
				),
				Error::<Test>::EmptyReceipt
			);
		}
	});
}

#[test]
fn receipts_are_taken_while_closing_and_refused_once_the_dues_are_fixed() {
	test(|| {
		let id = open_accepted();
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
		settle(receipt(id, HOST, 10_000));
		let deadline = Sessions::session(id).expect("closing").deadline;
		run_to(deadline + 1);
		let late = receipt(id, HOST, 20_000);
		assert_noop!(
			Sessions::settle_receipt(RuntimeOrigin::signed(HOST), id, late, player_signs(&late)),
			Error::<Test>::ReceiptsClosed
		);
	});
}
