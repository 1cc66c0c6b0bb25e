//! Same-block races: the earlier client timestamp wins; an exact tie bounces both.

use super::mock::*;
use crate::{BounceReason, Event as WorldEvent};
use playnet_primitives::world::blocks::{DIRT, LAMP, STONE};
use polkadot_sdk::frame_support::assert_noop;

fn bounced(
	who: AccountId,
	edits: &[playnet_primitives::BlockEdit],
	ts: u64,
	reason: BounceReason,
) -> RuntimeEvent {
	WorldEvent::EditsBounced {
		id: id_of(who, HOME, 0, edits, ts),
		who,
		coord: HOME,
		base_version: 0,
		client_timestamp: ts,
		reason,
	}
	.into()
}

fn applied(who: AccountId, edits: &[playnet_primitives::BlockEdit], ts: u64) -> RuntimeEvent {
	let record = World::chunk_record(HOME).expect("a version was made");
	WorldEvent::EditsApplied {
		id: id_of(who, HOME, 0, edits, ts),
		who,
		coord: HOME,
		base_version: 0,
		client_timestamp: ts,
		version: record.version,
		content_hash: record.content_hash,
	}
	.into()
}

#[test]
fn earlier_client_timestamp_wins_whatever_the_inclusion_order() {
	new_test_ext().execute_with(|| {
		let late = [set(2, 2, 2, STONE)];
		let early = [set(2, 2, 2, DIRT)];
		queue(ALICE, HOME, 0, &late, NOW + 10);
		queue(BOB, HOME, 0, &early, NOW + 5);
		end_block();

		System::assert_has_event(bounced(ALICE, &late, NOW + 10, BounceReason::EarlierEditWon));
		System::assert_has_event(applied(BOB, &early, NOW + 5));
		let mut expected = generated(HOME);
		expected.set(2, 2, 2, DIRT);
		assert_eq!(World::chunk_record(HOME).unwrap().content_hash, hash_of(&expected));
	});
}

#[test]
fn exact_tie_bounces_both_and_both_are_told() {
	new_test_ext().execute_with(|| {
		let alices = [set(2, 2, 2, STONE)];
		let bobs = [set(2, 2, 2, DIRT)];
		queue(ALICE, HOME, 0, &alices, NOW);
		queue(BOB, HOME, 0, &bobs, NOW);
		end_block();

		System::assert_has_event(bounced(ALICE, &alices, NOW, BounceReason::Tie));
		System::assert_has_event(bounced(BOB, &bobs, NOW, BounceReason::Tie));
		assert_eq!(World::chunk_record(HOME), None);
	});
}

#[test]
fn a_tie_leaves_other_submissions_to_the_chunk_alone() {
	new_test_ext().execute_with(|| {
		queue(ALICE, HOME, 0, &[stone(1)], NOW);
		queue(BOB, HOME, 0, &[stone(1)], NOW);
		queue(CAROL, HOME, 0, &[set(9, 9, 9, LAMP)], NOW);
		end_block();

		let mut expected = generated(HOME);
		expected.set(9, 9, 9, LAMP);
		let record = World::chunk_record(HOME).unwrap();
		assert_eq!((record.version, record.content_hash), (1, hash_of(&expected)));
		assert_eq!(record.author, Some(CAROL));
	});
}

#[test]
fn different_blocks_never_race() {
	new_test_ext().execute_with(|| {
		queue(ALICE, HOME, 0, &[stone(1)], NOW + 100);
		queue(BOB, HOME, 0, &[stone(2)], NOW);
		end_block();
		System::assert_has_event(applied(ALICE, &[stone(1)], NOW + 100));
		System::assert_has_event(applied(BOB, &[stone(2)], NOW));
	});
}

#[test]
fn a_lost_race_on_one_block_drops_the_whole_submission() {
	new_test_ext().execute_with(|| {
		let alices = [set(0, 0, 0, LAMP), set(1, 0, 0, LAMP)];
		queue(ALICE, HOME, 0, &alices, NOW + 1);
		queue(BOB, HOME, 0, &[set(1, 0, 0, DIRT)], NOW);
		end_block();

		System::assert_has_event(bounced(ALICE, &alices, NOW + 1, BounceReason::EarlierEditWon));
		let mut expected = generated(HOME);
		expected.set(1, 0, 0, DIRT);
		assert_eq!(World::chunk_record(HOME).unwrap().content_hash, hash_of(&expected));
	});
}

#[test]
fn races_are_decided_per_block_of_the_chain() {
	new_test_ext().execute_with(|| {
		queue(ALICE, HOME, 0, &[stone(1)], NOW + 10);
		end_block();
		// A later chain block: an earlier client timestamp no longer matters, the base does.
		assert_noop!(submit(BOB, HOME, 0, &[stone(1)], NOW), crate::Error::<Test>::EditConflict);
	});
}
