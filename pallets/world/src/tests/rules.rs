//! Game rules: every bad submission is rejected before anything changes.

use super::mock::*;
use crate::pallet::*;
use codec::{Decode, Encode};
use playnet_primitives::{
	world::{
		blocks::{BLOCK_COUNT, STONE},
		chunk::{WORLD_MAX_CHUNK_XZ, WORLD_MAX_CHUNK_Y, WORLD_MIN_CHUNK_Y},
	},
	BlockEdit, ChunkCoord,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::DispatchError,
};

#[test]
fn unknown_block_ids_are_rejected() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			submit(ALICE, HOME, 0, &[stone(0), set(1, 1, 1, BLOCK_COUNT)], NOW),
			Error::<Test>::UnknownBlockId
		);
		assert_noop!(
			submit(ALICE, HOME, 0, &[set(1, 1, 1, u16::MAX)], NOW),
			Error::<Test>::UnknownBlockId
		);
	});
}

#[test]
fn edits_outside_the_chunk_are_rejected() {
	new_test_ext().execute_with(|| {
		for edit in [set(16, 0, 0, STONE), set(0, 16, 0, STONE), set(0, 0, 255, STONE)] {
			assert_noop!(
				submit(ALICE, HOME, 0, &[stone(0), edit], NOW),
				Error::<Test>::BlockOutsideChunk
			);
		}
	});
}

#[test]
fn chunks_outside_the_world_are_rejected() {
	new_test_ext().execute_with(|| {
		let outside = [
			ChunkCoord::new(0, WORLD_MAX_CHUNK_Y, 0),
			ChunkCoord::new(0, WORLD_MIN_CHUNK_Y - 1, 0),
			ChunkCoord::new(WORLD_MAX_CHUNK_XZ + 1, 4, 0),
			ChunkCoord::new(0, 4, -WORLD_MAX_CHUNK_XZ - 1),
			ChunkCoord::new(i32::MIN, i32::MIN, i32::MIN),
		];
		for coord in outside {
			assert_noop!(
				submit(ALICE, coord, 0, &[stone(0)], NOW),
				Error::<Test>::ChunkOutsideWorld
			);
		}
		for coord in [
			ChunkCoord::new(0, WORLD_MAX_CHUNK_Y - 1, 0),
			ChunkCoord::new(-WORLD_MAX_CHUNK_XZ, WORLD_MIN_CHUNK_Y, WORLD_MAX_CHUNK_XZ),
		] {
			assert_ok!(submit(ALICE, coord, 0, &[stone(0)], NOW));
		}
	});
}

#[test]
fn a_submission_needs_at_least_one_edit() {
	new_test_ext().execute_with(|| {
		assert_noop!(submit(ALICE, HOME, 0, &[], NOW), Error::<Test>::NoEdits);
	});
}

#[test]
fn more_edits_than_the_limit_do_not_even_decode() {
	let encoded_call = |count: u32| {
		let edits: Vec<BlockEdit> = (0..count).map(|i| stone((i % 16) as u8)).collect();
		// The pallet's index in the mock runtime, the call's index, then its arguments.
		let mut bytes = vec![2u8, 0u8];
		(HOME, 0u32, edits, NOW).encode_to(&mut bytes);
		bytes
	};
	assert!(RuntimeCall::decode(&mut &encoded_call(MAX_EDITS)[..]).is_ok());
	assert!(RuntimeCall::decode(&mut &encoded_call(MAX_EDITS + 1)[..]).is_err());
}

#[test]
fn client_timestamps_far_from_the_chain_are_rejected() {
	new_test_ext().execute_with(|| {
		for ts in [NOW + SKEW + 1, NOW - SKEW - 1, 0, u64::MAX] {
			assert_noop!(
				submit(ALICE, HOME, 0, &[stone(0)], ts),
				Error::<Test>::ClientTimestampOutOfRange
			);
		}
		assert_ok!(submit(ALICE, HOME, 0, &[stone(0)], NOW + SKEW));
		assert_ok!(submit(ALICE, HOME, 0, &[stone(0)], NOW - SKEW));
	});
}

#[test]
fn the_skew_follows_the_chains_clock() {
	new_test_ext().execute_with(|| {
		set_chain_time(NOW + 60_000);
		assert_noop!(
			submit(ALICE, HOME, 0, &[stone(0)], NOW),
			Error::<Test>::ClientTimestampOutOfRange
		);
		assert_ok!(submit(ALICE, HOME, 0, &[stone(0)], NOW + 60_000));
	});
}

#[test]
fn a_full_queue_rejects_more_submissions_until_the_next_block() {
	new_test_ext().execute_with(|| {
		for x in 0..MAX_PENDING as u8 {
			queue(ALICE, HOME, 0, &[stone(x)], NOW);
		}
		assert_noop!(submit(BOB, ELSEWHERE, 0, &[stone(0)], NOW), Error::<Test>::PendingQueueFull);
		end_block();
		assert_ok!(submit(BOB, ELSEWHERE, 0, &[stone(0)], NOW));
	});
}

#[test]
fn an_exhausted_version_counter_is_rejected() {
	new_test_ext().execute_with(|| {
		queue(ALICE, HOME, 0, &[stone(0)], NOW);
		end_block();
		Chunks::<Test>::mutate(HOME, |record| {
			if let Some(record) = record {
				record.version = u32::MAX;
			}
		});
		assert_noop!(
			submit(ALICE, HOME, u32::MAX, &[stone(0)], NOW),
			Error::<Test>::VersionOverflow
		);
	});
}

#[test]
fn edits_need_a_signed_origin() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			World::apply_edits(RuntimeOrigin::none(), HOME, 0, bounded(&[stone(0)]), NOW),
			DispatchError::BadOrigin
		);
		assert_noop!(
			World::apply_edits(RuntimeOrigin::root(), HOME, 0, bounded(&[stone(0)]), NOW),
			DispatchError::BadOrigin
		);
	});
}
