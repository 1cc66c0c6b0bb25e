//! Disputes: a wrong tile of a receipted frame, re-rendered on chain, slashes the contributor
//! and refunds its due; nothing else can be disputed.

use super::mock::*;
use crate::{ChunkBytes, Error, Event, FrameDispute};
use playnet_primitives::{Hash32, Outcome, RenderSpec};
use polkadot_sdk::frame_support::{assert_noop, assert_ok, BoundedVec};

/// A session HOST served with its made-up frame in the receipt, settled and in its dispute
/// window.
fn settled_with_bad_frame() -> u64 {
	let id = open_accepted();
	settle(receipt(id, HOST, 60_000));
	assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
	run_to(1 + CLOSE_PERIOD + 1);
	id
}

fn dispute(
	who: AccountId,
	id: u64,
	contributor: AccountId,
	dispute: FrameDispute<MockSignature>,
) -> polkadot_sdk::sp_runtime::DispatchResult {
	Sessions::dispute_frame(
		RuntimeOrigin::signed(who),
		id,
		contributor,
		Box::new(dispute),
		chunk_bytes(),
	)
}

#[test]
fn a_wrong_tile_slashes_the_contributor_and_refunds_its_due() {
	test(|| {
		let id = settled_with_bad_frame();
		assert_eq!(held(PLAYER), 600);
		assert_ok!(dispute(REPORTER, id, HOST, dispute_of(id, HOST, BAD_SEQ, BAD_TILE)));
		let slashed = BOND / 5;
		assert_eq!(bond_of(HOST), BOND - slashed);
		assert_eq!(reporter_reward(REPORTER), slashed / 2);
		assert_eq!(held(PLAYER), 0);
		assert_eq!(free(PLAYER), PLAYER_FUNDS);
		assert_eq!(outcomes(), vec![(HOST, Outcome::Disputed)]);
		assert_eq!(
			events().last(),
			Some(&Event::FrameDisputed {
				session: id,
				contributor: HOST,
				reporter: REPORTER,
				seq: BAD_SEQ,
				tile: BAD_TILE,
				slashed,
				refunded: 600,
			})
		);
		// Nothing is paid at the end of the window; the record says why.
		run_to(1 + CLOSE_PERIOD + 1 + DISPUTE_WINDOW + 1);
		assert!(Sessions::session(id).is_none());
		assert_eq!(free(HOST), 1_000);
		let record = Sessions::csu_record(id, &HOST).expect("recorded");
		assert!(record.disputed);
		assert_eq!((record.paid, record.burned), (0, 0));
		assert_eq!(outcomes(), vec![(HOST, Outcome::Disputed)]);
	});
}

#[test]
fn a_frame_disputed_while_the_session_runs_leaves_nothing_due() {
	test(|| {
		let id = open_accepted();
		settle(receipt(id, HOST, 60_000));
		assert_ok!(dispute(PLAYER, id, HOST, dispute_of(id, HOST, BAD_SEQ, BAD_TILE)));
		// Its later receipts are refused; the player switches and plays on.
		let later = receipt(id, HOST, 90_000);
		assert_noop!(
			Sessions::settle_receipt(RuntimeOrigin::signed(HOST), id, later, player_signs(&later)),
			Error::<Test>::PartDisputed
		);
		assert_ok!(Sessions::switch_to_backup(RuntimeOrigin::signed(PLAYER), id));
		assert_ok!(Sessions::accept_session(RuntimeOrigin::signed(BACKUP), id));
		settle(receipt(id, BACKUP, 60_000));
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
		run_to(1 + CLOSE_PERIOD + 1 + DISPUTE_WINDOW + 1);
		assert_eq!(free(HOST), 1_000);
		assert_eq!(free(BACKUP), 1_000 + 540);
		assert_eq!(free(PLAYER), PLAYER_FUNDS - 600);
	});
}

#[test]
fn a_right_tile_cannot_be_disputed() {
	test(|| {
		let id = settled_with_bad_frame();
		// The host's other tile of the same frame, and its right frames, are right.
		assert_noop!(
			dispute(PLAYER, id, HOST, dispute_of(id, HOST, BAD_SEQ, 0)),
			Error::<Test>::FrameNotWrong
		);
		assert_noop!(
			dispute(PLAYER, id, HOST, dispute_of(id, HOST, 0, BAD_TILE)),
			Error::<Test>::FrameNotWrong
		);
	});
}

#[test]
fn a_player_cannot_make_up_a_frame_the_contributor_did_not_sign() {
	test(|| {
		// An honest BACKUP serves; the player builds its receipt root over a made-up frame
		// (HOST's stream has one) and disputes it.
		let id = open();
		assert_ok!(Sessions::switch_to_backup(RuntimeOrigin::signed(PLAYER), id));
		assert_ok!(Sessions::accept_session(RuntimeOrigin::signed(BACKUP), id));
		let made_up = stream(id, HOST);
		let receipt = crate::Receipt {
			session: id,
			contributor: BACKUP,
			served_ms: 60_000,
			frames: made_up.frame_hashes.len() as u32,
			frame_root: made_up.root,
			latency_ms: 10,
		};
		settle(receipt);
		let mut claim = dispute_of(id, HOST, BAD_SEQ, BAD_TILE);
		// Signed by the player, not the backup.
		claim.contributor_signature = sign(
			PLAYER,
			&playnet_primitives::session::frame_statement(
				&Sessions::genesis_hash(),
				id,
				BAD_SEQ,
				&made_up.frame_hashes[BAD_SEQ as usize],
			),
		);
		assert_noop!(dispute(PLAYER, id, BACKUP, claim), Error::<Test>::BadFrameSignature);
		assert_eq!(bond_of(BACKUP), BOND);
	});
}

#[test]
fn a_frame_the_player_did_not_receipt_cannot_be_disputed() {
	test(|| {
		let id = open_accepted();
		// The receipt covers a stream of right frames only (the backup's rendering, signed
		// by nobody relevant): the host's bad frame is not under its root.
		let honest = stream(id, BACKUP);
		let receipt = crate::Receipt {
			session: id,
			contributor: HOST,
			served_ms: 60_000,
			frames: honest.frame_hashes.len() as u32,
			frame_root: honest.root,
			latency_ms: 10,
		};
		settle(receipt);
		assert_noop!(
			dispute(PLAYER, id, HOST, dispute_of(id, HOST, BAD_SEQ, BAD_TILE)),
			Error::<Test>::BadMerklePath
		);
	});
}

#[test]
fn disputes_without_a_receipt_or_twice_are_refused() {
	test(|| {
		let id = open_accepted();
		assert_noop!(
			dispute(PLAYER, id, HOST, dispute_of(id, HOST, BAD_SEQ, BAD_TILE)),
			Error::<Test>::NothingReceipted
		);
		assert_noop!(
			dispute(PLAYER, id, BACKUP, dispute_of(id, BACKUP, 0, 0)),
			Error::<Test>::UnknownContributor
		);
		settle(receipt(id, HOST, 60_000));
		assert_ok!(dispute(PLAYER, id, HOST, dispute_of(id, HOST, BAD_SEQ, BAD_TILE)));
		assert_noop!(
			dispute(PLAYER, id, HOST, dispute_of(id, HOST, BAD_SEQ, BAD_TILE)),
			Error::<Test>::PartDisputed
		);
	});
}

#[test]
fn malformed_disputes_get_clear_errors_and_change_nothing() {
	test(|| {
		let id = settled_with_bad_frame();
		let good = dispute_of(id, HOST, BAD_SEQ, BAD_TILE);

		let wrong_size = FrameDispute { view: RenderSpec { width: 64, ..view() }, ..good.clone() };
		assert_noop!(dispute(PLAYER, id, HOST, wrong_size), Error::<Test>::InvalidView);
		let two_frames =
			FrameDispute { view: RenderSpec { frame_count: 2, ..view() }, ..good.clone() };
		assert_noop!(dispute(PLAYER, id, HOST, two_frames), Error::<Test>::InvalidView);

		let mut moved = good.clone();
		moved.proof.tile_path.index = 0;
		assert_noop!(dispute(PLAYER, id, HOST, moved), Error::<Test>::BadTilePosition);
		let mut past = good.clone();
		past.proof.frame_path.leaf_count += 1;
		assert_noop!(dispute(PLAYER, id, HOST, past), Error::<Test>::BadTilePosition);

		let other_seq = FrameDispute { seq: BAD_SEQ + 1, ..good.clone() };
		assert_noop!(dispute(PLAYER, id, HOST, other_seq), Error::<Test>::BadMerklePath);
		let other_hash = FrameDispute { claimed_tile_hash: Hash32([7; 32]), ..good.clone() };
		assert_noop!(dispute(PLAYER, id, HOST, other_hash), Error::<Test>::BadMerklePath);

		let mut chunks = chunk_bytes();
		chunks.pop();
		assert_noop!(
			Sessions::dispute_frame(
				RuntimeOrigin::signed(PLAYER),
				id,
				HOST,
				Box::new(good.clone()),
				chunks
			),
			Error::<Test>::WrongChunkCount
		);
		let mut chunks = chunk_bytes();
		let mut first = chunks[0].to_vec();
		first.push(0);
		chunks[0] = ChunkBytes::truncate_from(first);
		assert_noop!(
			Sessions::dispute_frame(
				RuntimeOrigin::signed(PLAYER),
				id,
				HOST,
				Box::new(good.clone()),
				chunks
			),
			Error::<Test>::ChunkHashMismatch
		);
		assert_noop!(
			Sessions::dispute_frame(
				RuntimeOrigin::signed(PLAYER),
				id,
				HOST,
				Box::new(good),
				BoundedVec::new()
			),
			Error::<Test>::WrongChunkCount
		);
	});
}

#[test]
fn the_dispute_window_ends_with_the_payment() {
	test(|| {
		let id = settled_with_bad_frame();
		run_to(1 + CLOSE_PERIOD + 1 + DISPUTE_WINDOW + 1);
		assert_noop!(
			dispute(PLAYER, id, HOST, dispute_of(id, HOST, BAD_SEQ, BAD_TILE)),
			Error::<Test>::UnknownSession
		);
		assert_eq!(free(HOST), 1_000 + 540);
	});
}
