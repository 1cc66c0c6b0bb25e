//! The cheaters: a player that would pay less than it signed, a contributor that would be
//! paid more, replays, self-dealing and griefing. Each loses.

use super::mock::*;
use crate::{Error, Receipt};
use playnet_primitives::Outcome;
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::Permill,
};

/// Runs past the close period and dispute window of a session ended in block `ended`.
fn run_past_payment(ended: u64) {
	run_to(ended + CLOSE_PERIOD + 1 + DISPUTE_WINDOW + 1);
}

#[test]
fn a_player_that_ends_the_session_cannot_cut_the_contributors_latest_receipt() {
	test(|| {
		let id = open_accepted();
		settle(receipt(id, HOST, 30_000));
		// The player signed a receipt for two minutes, then ends the session at once.
		let latest = receipt(id, HOST, 120_000);
		let signature = player_signs(&latest);
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
		// The contributor settles it within the close period.
		run_to(1 + CLOSE_PERIOD);
		assert_ok!(Sessions::settle_receipt(RuntimeOrigin::signed(HOST), id, latest, signature));
		run_past_payment(1);
		assert_eq!(free(HOST), 1_000 + 1_080);
	});
}

#[test]
fn a_player_that_submits_an_old_receipt_first_pays_for_the_newest() {
	test(|| {
		let id = open_accepted();
		let old = receipt(id, HOST, 10_000);
		let newest = receipt(id, HOST, 60_000);
		assert_ok!(Sessions::settle_receipt(
			RuntimeOrigin::signed(PLAYER),
			id,
			old,
			player_signs(&old)
		));
		settle(newest);
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
		// The old one again, in the close period: refused.
		assert_noop!(
			Sessions::settle_receipt(RuntimeOrigin::signed(PLAYER), id, old, player_signs(&old)),
			Error::<Test>::ReceiptNotNewer
		);
		run_past_payment(1);
		assert_eq!(free(HOST), 1_000 + 540);
	});
}

#[test]
fn a_receipt_replayed_in_another_session_or_for_another_contributor_pays_nothing() {
	test(|| {
		let first = open_accepted();
		let second = open_accepted();
		let signed = receipt(first, HOST, 60_000);
		let signature = player_signs(&signed);
		assert_noop!(
			Sessions::settle_receipt(
				RuntimeOrigin::signed(HOST),
				second,
				signed,
				signature.clone()
			),
			Error::<Test>::ReceiptForAnotherSession
		);
		let renamed = Receipt { session: second, ..signed };
		assert_noop!(
			Sessions::settle_receipt(
				RuntimeOrigin::signed(HOST),
				second,
				renamed,
				signature.clone()
			),
			Error::<Test>::BadSignature
		);
		// The backup's receipt, claimed by the host.
		assert_ok!(Sessions::switch_to_backup(RuntimeOrigin::signed(PLAYER), first));
		assert_ok!(Sessions::accept_session(RuntimeOrigin::signed(BACKUP), first));
		let backups = receipt(first, BACKUP, 60_000);
		let claimed = Receipt { contributor: HOST, ..backups };
		assert_noop!(
			Sessions::settle_receipt(
				RuntimeOrigin::signed(HOST),
				first,
				claimed,
				player_signs(&backups)
			),
			Error::<Test>::BadSignature
		);
	});
}

#[test]
fn a_contributor_that_raises_its_price_does_not_change_an_open_session() {
	test(|| {
		let id = open_accepted();
		assert_ok!(Sessions::publish_offer(
			RuntimeOrigin::signed(HOST),
			resource_hash(HOST),
			resources(),
			DEAR_PRICE
		));
		settle(receipt(id, HOST, 60_000));
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
		run_past_payment(1);
		assert_eq!(free(HOST), 1_000 + 540);
	});
}

#[test]
fn a_player_that_is_also_the_contributor_only_burns_its_own_pgt() {
	test(|| {
		// SYBIL is the host's other account: it pays the host for a session nobody played.
		const SYBIL: AccountId = 30;
		assert_ok!(
			<Balances as polkadot_sdk::frame_support::traits::fungible::Mutate<_>>::mint_into(
				&SYBIL, 100_000
			)
		);
		let issuance = Balances::total_issuance();
		let before = free(SYBIL) + free(HOST);
		assert_ok!(Sessions::open_session(
			RuntimeOrigin::signed(SYBIL),
			HOST,
			None,
			package(),
			PRICE
		));
		assert_ok!(Sessions::accept_session(RuntimeOrigin::signed(HOST), 0));
		let fake = Receipt { session: 0, ..receipt(0, HOST, MINUTES as u64 * 60_000) };
		let signature = sign(SYBIL, &fake.signing_payload(&Sessions::genesis_hash()));
		assert_ok!(Sessions::settle_receipt(RuntimeOrigin::signed(HOST), 0, fake, signature));
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(SYBIL), 0));
		run_past_payment(1);
		let escrow = PRICE * MINUTES as Balance;
		let burned = BurnShare::get() * escrow;
		// The pair lost the burn, nothing was minted, and one reputable outcome cost at least
		// BurnShare x MinReputablePayment.
		assert_eq!(free(SYBIL) + free(HOST), before - burned);
		assert_eq!(Balances::total_issuance(), issuance - burned);
		assert_eq!(outcomes(), vec![(HOST, Outcome::Served)]);
		assert!(burned >= BurnShare::get() * MIN_REPUTABLE);
	});
}

#[test]
fn switching_away_from_a_rival_marks_it_abandoned_only_after_paying_it_the_minimum() {
	test(|| {
		// A griefer opens sessions with a rival and switches away: without paying it at least
		// the minimum, nothing is recorded against the rival.
		bond(HOST, Permill::from_percent(80));
		let unpaid = open_accepted();
		assert_ok!(Sessions::switch_to_backup(RuntimeOrigin::signed(PLAYER), unpaid));
		let underpaid = open_accepted();
		settle(receipt(underpaid, HOST, 20_000));
		assert_ok!(Sessions::switch_to_backup(RuntimeOrigin::signed(PLAYER), underpaid));
		run_past_payment(1 + ACCEPT_PERIOD + 1);
		assert!(outcomes().is_empty());
		// Paying the minimum (the rival keeps 90% of it) is what one mark costs.
		let paid = open_accepted();
		settle(receipt(paid, HOST, 30_000));
		assert_ok!(Sessions::switch_to_backup(RuntimeOrigin::signed(PLAYER), paid));
		let now = System::block_number();
		run_past_payment(now + ACCEPT_PERIOD + 1);
		assert_eq!(outcomes(), vec![(HOST, Outcome::Abandoned)]);
		assert!(Sessions::csu_record(paid, &HOST).expect("recorded").paid >= 270);
	});
}
