//! Pins: only a chunk's current version can be pinned, and a pinned version stays readable at
//! its hash through `chunk_at` until its last pin goes, however the chunk changes meanwhile.

use super::mock::*;
use crate::{pallet::*, ChunkBytes};
use playnet_primitives::{
	world::{
		blocks::{BRICK, DIRT},
		encoding::encode_chunk,
	},
	Chunk, ChunkCoord, ContentHash, Hash32,
};
use polkadot_sdk::frame_support::{assert_noop, assert_ok, assert_storage_noop};

/// Places a brick (which the generator never does) at local `(x, 0, 0)` of `coord` at the
/// end of this block and returns the new version's hash.
fn edit(coord: ChunkCoord, x: u8) -> ContentHash {
	queue(ALICE, coord, version(coord), &[set(x, 0, 0, BRICK)], NOW);
	end_block();
	World::chunk_record(coord).unwrap().content_hash
}

/// The current bytes of `coord`.
fn current_bytes(coord: ChunkCoord) -> Vec<u8> {
	World::chunk_view(coord).bytes
}

fn filled(block: u16) -> ChunkBytes {
	ChunkBytes::try_from(encode_chunk(&Chunk::filled(block))).unwrap()
}

#[test]
fn the_generated_version_of_an_unedited_chunk_can_be_pinned() {
	new_test_ext().execute_with(|| {
		let generated = hash_of(&generated(HOME));
		assert_ok!(World::pin_version(HOME, generated));
		assert_ok!(World::pin_version(HOME, generated));
		assert_eq!(Pins::<Test>::get(HOME, generated), 2);
	});
}

#[test]
fn the_current_version_of_an_edited_chunk_can_be_pinned() {
	new_test_ext().execute_with(|| {
		let current = edit(HOME, 1);
		assert_ok!(World::pin_version(HOME, current));
		assert_eq!(Pins::<Test>::get(HOME, current), 1);
	});
}

#[test]
fn a_version_the_world_does_not_have_cannot_be_pinned_and_nothing_changes() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			World::pin_version(HOME, Hash32::of(b"no such chunk")),
			Error::<Test>::NotCurrentVersion
		);
		let outside = ChunkCoord::new(0, 1_000, 0);
		assert_noop!(
			World::pin_version(outside, hash_of(&generated(outside))),
			Error::<Test>::ChunkOutsideWorld
		);
	});
}

#[test]
fn a_version_edited_away_can_no_longer_be_pinned() {
	new_test_ext().execute_with(|| {
		let generated = hash_of(&generated(HOME));
		let first = edit(HOME, 1);
		edit(HOME, 2);
		assert_noop!(World::pin_version(HOME, generated), Error::<Test>::NotCurrentVersion);
		assert_noop!(World::pin_version(HOME, first), Error::<Test>::NotCurrentVersion);
	});
}

#[test]
fn a_pinned_version_edited_away_is_read_at_its_hash_until_unpinned_and_not_after() {
	new_test_ext().execute_with(|| {
		let posted = edit(HOME, 1);
		let posted_bytes = current_bytes(HOME);
		assert_ok!(World::pin_version(HOME, posted));

		let newer = edit(HOME, 2);
		assert_ne!(newer, posted);
		assert_eq!(World::chunk_at(HOME, posted), Some(posted_bytes.clone()));
		assert_eq!(World::chunk_at(HOME, newer), Some(current_bytes(HOME)));
		edit(HOME, 3);
		assert_eq!(World::chunk_at(HOME, posted), Some(posted_bytes), "through every edit");

		World::unpin_version(HOME, posted);
		assert_eq!(World::chunk_at(HOME, posted), None);
		assert_eq!(PinnedVersions::<Test>::iter().count(), 0);
		World::do_try_state().unwrap();
	});
}

#[test]
fn a_pinned_version_replaced_whole_is_kept() {
	new_test_ext().execute_with(|| {
		let posted = edit(HOME, 1);
		let posted_bytes = current_bytes(HOME);
		assert_ok!(World::pin_version(HOME, posted));

		assert_ok!(World::replace_chunk(RuntimeOrigin::root(), HOME, filled(BRICK)));
		assert_eq!(World::chunk_at(HOME, posted), Some(posted_bytes.clone()));
		assert_eq!(
			PinnedVersions::<Test>::get(HOME, posted).map(|bytes| bytes.into_inner()),
			Some(posted_bytes)
		);
		World::do_try_state().unwrap();
	});
}

#[test]
fn a_pinned_generated_version_edited_away_is_made_again_without_a_copy() {
	new_test_ext().execute_with(|| {
		let generated_hash = hash_of(&generated(HOME));
		assert_ok!(World::pin_version(HOME, generated_hash));
		edit(HOME, 1);
		assert_eq!(PinnedVersions::<Test>::iter().count(), 0);
		assert_eq!(World::chunk_at(HOME, generated_hash), Some(encode_chunk(&generated(HOME))));
	});
}

#[test]
fn an_unpinned_version_edited_away_is_not_kept() {
	new_test_ext().execute_with(|| {
		let first = edit(HOME, 1);
		edit(HOME, 2);
		assert_eq!(PinnedVersions::<Test>::iter().count(), 0);
		assert_eq!(World::chunk_at(HOME, first), None);
	});
}

#[test]
fn two_pins_keep_a_version_until_both_are_released() {
	new_test_ext().execute_with(|| {
		let posted = edit(HOME, 1);
		assert_ok!(World::pin_version(HOME, posted));
		assert_ok!(World::pin_version(HOME, posted));
		edit(HOME, 2);

		World::unpin_version(HOME, posted);
		assert!(World::chunk_at(HOME, posted).is_some(), "one pin left");
		World::unpin_version(HOME, posted);
		assert_eq!(World::chunk_at(HOME, posted), None);
		assert!(!Pins::<Test>::contains_key(HOME, posted));
	});
}

#[test]
fn a_pinned_version_that_becomes_current_again_drops_its_copy() {
	new_test_ext().execute_with(|| {
		assert_ok!(World::replace_chunk(RuntimeOrigin::root(), HOME, filled(BRICK)));
		let brick = World::chunk_record(HOME).unwrap().content_hash;
		assert_ok!(World::pin_version(HOME, brick));
		assert_ok!(World::replace_chunk(RuntimeOrigin::root(), HOME, filled(DIRT)));
		assert!(PinnedVersions::<Test>::contains_key(HOME, brick));

		assert_ok!(World::replace_chunk(RuntimeOrigin::root(), HOME, filled(BRICK)));
		assert!(!PinnedVersions::<Test>::contains_key(HOME, brick), "current again");
		assert_eq!(World::chunk_at(HOME, brick), Some(filled(BRICK).into_inner()));
		World::do_try_state().unwrap();
	});
}

#[test]
fn releasing_a_version_not_pinned_changes_nothing() {
	new_test_ext().execute_with(|| {
		let current = edit(HOME, 1);
		assert_storage_noop!(World::unpin_version(HOME, current));
		assert_storage_noop!(World::unpin_version(HOME, Hash32::of(b"no such chunk")));
	});
}

#[test]
fn chunk_at_reads_no_version_the_world_does_not_have() {
	new_test_ext().execute_with(|| {
		assert_eq!(World::chunk_at(HOME, Hash32::of(b"no such chunk")), None);
		assert_eq!(
			World::chunk_at(HOME, hash_of(&generated(HOME))),
			Some(encode_chunk(&generated(HOME)))
		);
		let outside = ChunkCoord::new(0, 1_000, 0);
		assert_eq!(World::chunk_at(outside, hash_of(&generated(outside))), None);
	});
}
