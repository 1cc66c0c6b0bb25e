//! Conflict detection: an edit to a block changed after its base version is rejected; edits
//! to untouched blocks apply on a stale base.

use super::mock::*;
use crate::{pallet::*, BounceReason, ChangeLog, ChunkBytes, Event as WorldEvent, StaleEdit};
use playnet_primitives::{
	world::{
		blocks::{DIRT, LAMP, STONE},
		encoding::encode_chunk,
	},
	Chunk,
};
use polkadot_sdk::frame_support::{assert_noop, assert_ok, traits::ConstU32};

/// Makes version `n` of [`HOME`] by editing block `(x, 0, 0)`, one block per version.
fn bump(x: u8) {
	queue(ALICE, HOME, version(HOME), &[stone(x)], NOW);
	end_block();
}

#[test]
fn stale_base_with_untouched_blocks_applies() {
	new_test_ext().execute_with(|| {
		bump(0);
		assert_eq!(version(HOME), 1);
		queue(BOB, HOME, 0, &[set(1, 0, 0, DIRT)], NOW);
		end_block();

		let mut expected = generated(HOME);
		expected.set(0, 0, 0, STONE);
		expected.set(1, 0, 0, DIRT);
		let record = World::chunk_record(HOME).unwrap();
		assert_eq!(record.version, 2);
		assert_eq!(record.content_hash, hash_of(&expected));
	});
}

#[test]
fn edit_to_a_block_changed_after_the_base_is_a_conflict() {
	new_test_ext().execute_with(|| {
		bump(0);
		assert_noop!(
			submit(BOB, HOME, 0, &[stone(5), set(0, 0, 0, DIRT)], NOW),
			Error::<Test>::EditConflict
		);
	});
}

#[test]
fn edit_on_a_base_that_includes_the_change_applies() {
	new_test_ext().execute_with(|| {
		bump(0);
		bump(1);
		assert_ok!(submit(BOB, HOME, 1, &[set(0, 0, 0, DIRT)], NOW));
		assert_noop!(submit(BOB, HOME, 1, &[set(1, 0, 0, DIRT)], NOW), Error::<Test>::EditConflict);
	});
}

#[test]
fn base_version_ahead_of_the_chunk_is_rejected() {
	new_test_ext().execute_with(|| {
		assert_noop!(submit(ALICE, HOME, 1, &[stone(0)], NOW), Error::<Test>::FutureBaseVersion);
		bump(0);
		assert_noop!(submit(ALICE, HOME, 2, &[stone(0)], NOW), Error::<Test>::FutureBaseVersion);
	});
}

#[test]
fn base_older_than_the_log_reaches_is_too_old_for_untracked_blocks() {
	new_test_ext().execute_with(|| {
		// MAX_TRACKED + 1 versions, one block each: block 0's entry (version 1) is dropped.
		for x in 0..=MAX_TRACKED as u8 {
			bump(x);
		}
		let log = ChangeLogs::<Test>::get(HOME);
		assert_eq!(log.changes.len(), MAX_TRACKED as usize);
		assert_eq!(log.horizon, 1);

		let untouched = set(0, 9, 9, LAMP);
		assert_noop!(submit(BOB, HOME, 0, &[untouched], NOW), Error::<Test>::BaseVersionTooOld);
		assert_noop!(submit(BOB, HOME, 0, &[stone(3)], NOW), Error::<Test>::EditConflict);
		assert_noop!(submit(BOB, HOME, 0, &[stone(0)], NOW), Error::<Test>::BaseVersionTooOld);
		assert_ok!(submit(BOB, HOME, 1, &[untouched], NOW));
		assert_ok!(submit(BOB, HOME, 1, &[stone(0)], NOW));
	});
}

#[test]
fn a_replacement_conflicts_with_every_older_base() {
	new_test_ext().execute_with(|| {
		let bytes = ChunkBytes::truncate_from(encode_chunk(&Chunk::filled(DIRT)));
		assert_ok!(World::replace_chunk(RuntimeOrigin::root(), HOME, bytes));
		assert_noop!(submit(BOB, HOME, 0, &[stone(0)], NOW), Error::<Test>::EditConflict);
		assert_ok!(submit(BOB, HOME, 1, &[stone(0)], NOW));
	});
}

#[test]
fn a_replacement_in_the_same_block_bounces_queued_edits_on_older_bases() {
	new_test_ext().execute_with(|| {
		queue(BOB, HOME, 0, &[stone(0)], NOW);
		let replacement = Chunk::filled(DIRT);
		let bytes = ChunkBytes::truncate_from(encode_chunk(&replacement));
		assert_ok!(World::replace_chunk(RuntimeOrigin::root(), HOME, bytes));
		end_block();

		System::assert_has_event(
			WorldEvent::EditsBounced {
				id: id_of(BOB, HOME, 0, &[stone(0)], NOW),
				who: BOB,
				coord: HOME,
				base_version: 0,
				client_timestamp: NOW,
				reason: BounceReason::Conflict,
			}
			.into(),
		);
		let record = World::chunk_record(HOME).unwrap();
		assert_eq!((record.version, record.content_hash), (1, hash_of(&replacement)));
	});
}

type SmallLog = ChangeLog<ConstU32<3>>;

#[test]
fn change_log_keeps_the_latest_version_of_each_block() {
	let mut log = SmallLog::default();
	log.record([5, 2], 1);
	log.record([5], 2);
	assert_eq!(log.check(5, 1), Err(StaleEdit::Conflict));
	assert_eq!(log.check(5, 2), Ok(()));
	assert_eq!(log.check(2, 1), Ok(()));
	assert_eq!(log.check(2, 0), Err(StaleEdit::Conflict));
	assert_eq!(log.check(9, 0), Ok(()), "untracked blocks last changed at generation");
}

#[test]
fn change_log_drops_the_oldest_entries_and_raises_its_horizon() {
	let mut log = SmallLog::default();
	log.record([1], 1);
	log.record([2], 2);
	log.record([3, 4], 3);
	assert_eq!(log.changes.len(), 3);
	assert_eq!(log.horizon, 1, "only block 1 (version 1) was dropped");
	let indices: Vec<u16> = log.changes.iter().map(|change| change.index).collect();
	assert_eq!(indices, [2, 3, 4], "entries stay sorted by block index");
	assert_eq!(log.check(1, 0), Err(StaleEdit::TooOld));
	assert_eq!(log.check(1, 1), Ok(()));
	assert_eq!(log.check(3, 2), Err(StaleEdit::Conflict));
	assert_eq!(log.check(7, 0), Err(StaleEdit::TooOld));
}

#[test]
fn change_log_overflowing_in_one_version_keeps_a_safe_horizon() {
	let mut log = SmallLog::default();
	log.record([1, 2, 3, 4, 5], 1);
	assert_eq!(log.changes.len(), 3);
	assert_eq!(log.horizon, 1);
	assert_eq!(log.check(1, 0), Err(StaleEdit::TooOld));
	assert_eq!(log.check(1, 1), Ok(()));
}

#[test]
fn change_log_replacement_changes_every_block() {
	let mut log = SmallLog::default();
	log.record([1], 1);
	log.record_replacement(2);
	assert!(log.changes.is_empty());
	assert_eq!(log.check(100, 1), Err(StaleEdit::Conflict));
	assert_eq!(log.check(100, 2), Ok(()));
	log.record([7], 3);
	assert_eq!(log.check(7, 2), Err(StaleEdit::Conflict));
	assert_eq!(log.check(8, 2), Ok(()));
	assert_eq!(log.check(8, 1), Err(StaleEdit::Conflict));
}
