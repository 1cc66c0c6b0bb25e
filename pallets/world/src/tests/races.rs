//! Same-block races: the submission included first wins, whatever the client timestamps say.

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
fn the_first_included_edit_wins_whatever_the_timestamps() {
	new_test_ext().execute_with(|| {
		let first = [set(2, 2, 2, STONE)];
		let second = [set(2, 2, 2, DIRT)];
		queue(ALICE, HOME, 0, &first, NOW + 10);
		queue(BOB, HOME, 0, &second, NOW + 5);
		end_block();

		System::assert_has_event(applied(ALICE, &first, NOW + 10));
		System::assert_has_event(bounced(BOB, &second, NOW + 5, BounceReason::EarlierEditWon));
		let mut expected = generated(HOME);
		expected.set(2, 2, 2, STONE);
		assert_eq!(World::chunk_record(HOME).unwrap().content_hash, hash_of(&expected));
	});
}

/// The attack on "the earlier client timestamp wins": stamp every edit as early as the chain
/// accepts and win every race against players who stamp the truth.
#[test]
fn stamping_an_edit_early_buys_no_race() {
	new_test_ext().execute_with(|| {
		let honest = [set(2, 2, 2, LAMP)];
		let liar = [set(2, 2, 2, DIRT)];
		queue(ALICE, HOME, 0, &honest, NOW);
		let earliest_accepted = NOW - MaxClockSkew::get();
		queue(BOB, HOME, 0, &liar, earliest_accepted);
		end_block();

		System::assert_has_event(applied(ALICE, &honest, NOW));
		System::assert_has_event(bounced(
			BOB,
			&liar,
			earliest_accepted,
			BounceReason::EarlierEditWon,
		));
		assert_eq!(World::chunk_record(HOME).unwrap().author, Some(ALICE));
	});
}

/// The attack on "an exact tie bounces both": copy a victim's timestamp from the pool and
/// bounce its edit with yours.
#[test]
fn copying_a_victims_timestamp_bounces_only_the_copy() {
	new_test_ext().execute_with(|| {
		let victims = [set(2, 2, 2, STONE)];
		let griefers = [set(2, 2, 2, DIRT)];
		queue(ALICE, HOME, 0, &victims, NOW);
		queue(BOB, HOME, 0, &griefers, NOW);
		end_block();

		System::assert_has_event(applied(ALICE, &victims, NOW));
		System::assert_has_event(bounced(BOB, &griefers, NOW, BounceReason::EarlierEditWon));
		assert_eq!(World::chunk_record(HOME).unwrap().author, Some(ALICE));
	});
}

#[test]
fn a_lost_race_leaves_other_submissions_to_the_chunk_alone() {
	new_test_ext().execute_with(|| {
		queue(ALICE, HOME, 0, &[stone(1)], NOW);
		queue(BOB, HOME, 0, &[stone(1)], NOW);
		queue(CAROL, HOME, 0, &[set(9, 9, 9, LAMP)], NOW);
		end_block();

		let mut expected = generated(HOME);
		expected.set(1, 0, 0, STONE);
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
		queue(BOB, HOME, 0, &[set(1, 0, 0, DIRT)], NOW + 1);
		let alices = [set(0, 0, 0, LAMP), set(1, 0, 0, LAMP)];
		queue(ALICE, HOME, 0, &alices, NOW);
		end_block();

		System::assert_has_event(bounced(ALICE, &alices, NOW, BounceReason::EarlierEditWon));
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
