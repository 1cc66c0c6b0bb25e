//! Edits are queued, then applied at the end of the block as one new version per chunk, with
//! the hash the primitives give the resulting chunk.

use super::mock::*;
use crate::{pallet::*, BounceReason, Event as WorldEvent};
use playnet_primitives::{
	world::{
		blocks::{DIRT, LAMP, STONE},
		encoding::encode_chunk,
	},
	ContentHash,
};
use polkadot_sdk::frame_support::{assert_ok, dispatch::GetDispatchInfo};

#[test]
fn edits_apply_at_the_end_of_the_block_with_the_primitives_hash() {
	new_test_ext().execute_with(|| {
		let edits = [set(0, 0, 0, STONE), set(15, 15, 15, LAMP), set(3, 7, 9, DIRT)];
		queue(ALICE, HOME, 0, &edits, NOW);
		assert_eq!(World::chunk_record(HOME), None, "nothing changes before the block ends");

		end_block();

		let mut expected = generated(HOME);
		playnet_primitives::world::edit::apply_edits(&mut expected, &edits).unwrap();
		let record = World::chunk_record(HOME).expect("the chunk is stored");
		assert_eq!(record.version, 1);
		assert_eq!(record.content_hash, hash_of(&expected));
		assert_eq!(record.author, Some(ALICE));
		assert_eq!(record.updated_at, 1);
		assert_eq!(EncodedChunks::<Test>::get(HOME).unwrap().into_inner(), encode_chunk(&expected));
	});
}

#[test]
fn every_outcome_names_the_submission() {
	new_test_ext().execute_with(|| {
		let edits = [stone(1)];
		let id = id_of(ALICE, HOME, 0, &edits, NOW + 5);
		queue(ALICE, HOME, 0, &edits, NOW + 5);
		System::assert_last_event(
			WorldEvent::EditsQueued {
				id,
				who: ALICE,
				coord: HOME,
				base_version: 0,
				client_timestamp: NOW + 5,
				edits: 1,
			}
			.into(),
		);

		end_block();

		let content_hash = World::chunk_record(HOME).unwrap().content_hash;
		System::assert_has_event(
			WorldEvent::EditsApplied {
				id,
				who: ALICE,
				coord: HOME,
				base_version: 0,
				client_timestamp: NOW + 5,
				version: 1,
				content_hash,
			}
			.into(),
		);
		System::assert_last_event(
			WorldEvent::ChunkUpdated { coord: HOME, version: 1, content_hash, author: Some(ALICE) }
				.into(),
		);
	});
}

#[test]
fn submissions_to_one_chunk_in_one_block_make_one_version() {
	new_test_ext().execute_with(|| {
		queue(ALICE, HOME, 0, &[stone(1)], NOW);
		queue(BOB, HOME, 0, &[stone(2)], NOW);
		end_block();

		let mut expected = generated(HOME);
		expected.set(1, 0, 0, STONE);
		expected.set(2, 0, 0, STONE);
		let record = World::chunk_record(HOME).unwrap();
		assert_eq!(record.version, 1);
		assert_eq!(record.content_hash, hash_of(&expected));
		assert_eq!(record.author, Some(BOB), "the last applied submission authors the version");
		let applied = world_events()
			.iter()
			.filter(|event| matches!(event, WorldEvent::EditsApplied { version: 1, .. }))
			.count();
		let updates = world_events()
			.iter()
			.filter(|event| matches!(event, WorldEvent::ChunkUpdated { .. }))
			.count();
		assert_eq!((applied, updates), (2, 1));
	});
}

#[test]
fn one_accounts_submissions_apply_in_inclusion_order() {
	new_test_ext().execute_with(|| {
		queue(ALICE, HOME, 0, &[set(4, 4, 4, STONE)], NOW + 9);
		queue(ALICE, HOME, 0, &[set(4, 4, 4, DIRT)], NOW + 1);
		end_block();

		let mut expected = generated(HOME);
		expected.set(4, 4, 4, DIRT);
		assert_eq!(World::chunk_record(HOME).unwrap().content_hash, hash_of(&expected));
	});
}

#[test]
fn edits_within_one_submission_apply_in_order() {
	new_test_ext().execute_with(|| {
		queue(ALICE, HOME, 0, &[set(4, 4, 4, STONE), set(4, 4, 4, LAMP)], NOW);
		end_block();

		let mut expected = generated(HOME);
		expected.set(4, 4, 4, LAMP);
		assert_eq!(World::chunk_record(HOME).unwrap().content_hash, hash_of(&expected));
	});
}

#[test]
fn versions_follow_one_another_across_blocks() {
	new_test_ext().execute_with(|| {
		let mut expected = generated(HOME);
		for round in 0..4u8 {
			queue(ALICE, HOME, round as u32, &[set(round, 1, 1, LAMP)], NOW);
			end_block();
			expected.set(round as u32, 1, 1, LAMP);
			let record = World::chunk_record(HOME).unwrap();
			assert_eq!(record.version, round as u32 + 1);
			assert_eq!(record.content_hash, hash_of(&expected));
			assert_eq!(record.updated_at, round as u64 + 1);
		}
	});
}

#[test]
fn the_queue_is_empty_after_every_block() {
	new_test_ext().execute_with(|| {
		queue(ALICE, HOME, 0, &[stone(1)], NOW);
		queue(BOB, ELSEWHERE, 0, &[stone(1)], NOW);
		assert_eq!(PendingCount::<Test>::get(), 2);
		end_block();
		assert_eq!(PendingCount::<Test>::get(), 0);
		assert!(PendingChunks::<Test>::get().is_empty());
		assert!(Pending::<Test>::iter().next().is_none());
	});
}

#[test]
fn a_block_where_every_submission_bounces_changes_no_chunk() {
	new_test_ext().execute_with(|| {
		// Both queued, then the region claimed by someone else before the block ends.
		queue(ALICE, HOME, 0, &[stone(1)], NOW);
		queue(BOB, HOME, 0, &[stone(2)], NOW);
		assert_ok!(World::claim_region(RuntimeOrigin::signed(CAROL), HOME_REGION));
		end_block();
		assert_eq!(World::chunk_record(HOME), None);
		assert_eq!(EncodedChunks::<Test>::get(HOME), None);
		assert!(world_events()
			.iter()
			.all(|event| !matches!(event, WorldEvent::ChunkUpdated { .. })));
		System::assert_has_event(
			WorldEvent::EditsBounced {
				id: id_of(BOB, HOME, 0, &[stone(2)], NOW),
				who: BOB,
				coord: HOME,
				base_version: 0,
				client_timestamp: NOW,
				reason: BounceReason::NotAllowed,
			}
			.into(),
		);
	});
}

#[test]
fn the_chunks_first_submission_pays_for_its_end_of_block_work() {
	new_test_ext().execute_with(|| {
		let call = crate::Call::<Test>::apply_edits {
			coord: HOME,
			base_version: 0,
			edits: bounded(&[stone(1)]),
			client_timestamp: NOW,
		};
		let declared = call.get_dispatch_info().call_weight;
		let first = submit(ALICE, HOME, 0, &[stone(1)], NOW).unwrap().actual_weight.unwrap();
		let second = submit(BOB, HOME, 0, &[stone(2)], NOW).unwrap().actual_weight.unwrap();
		assert!(first.all_lte(declared));
		assert!(
			second.ref_time() < first.ref_time(),
			"generating the chunk is charged to its first submission only"
		);
		assert_ok!(submit(CAROL, ELSEWHERE, 0, &[stone(2)], NOW));
	});
}

#[test]
fn content_hash_is_blake3_of_the_stored_bytes() {
	new_test_ext().execute_with(|| {
		queue(ALICE, HOME, 0, &[stone(7)], NOW);
		end_block();
		let bytes = EncodedChunks::<Test>::get(HOME).unwrap();
		assert_eq!(World::chunk_record(HOME).unwrap().content_hash, ContentHash::of(&bytes));
	});
}
