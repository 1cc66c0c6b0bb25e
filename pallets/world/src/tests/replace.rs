//! Whole-chunk replacement by a region's owner or the force origin.

use super::mock::*;
use crate::{pallet::*, ChunkBytes, Event as WorldEvent};
use playnet_primitives::{
	world::{
		blocks::{BRICK, DIRT, STONE},
		encoding::encode_chunk,
	},
	Chunk, ChunkCoord, ContentHash,
};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::DispatchError,
};

fn bytes_of(chunk: &Chunk) -> ChunkBytes {
	ChunkBytes::try_from(encode_chunk(chunk)).expect("a chunk of known blocks fits")
}

fn castle() -> Chunk {
	let mut chunk = Chunk::filled(BRICK);
	chunk.set(8, 8, 8, STONE);
	chunk
}

#[test]
fn the_owner_replaces_a_chunk_and_the_chain_hashes_it() {
	new_test_ext().execute_with(|| {
		assert_ok!(World::claim_region(RuntimeOrigin::signed(ALICE), HOME_REGION));
		let bytes = bytes_of(&castle());
		assert_ok!(World::replace_chunk(RuntimeOrigin::signed(ALICE), HOME, bytes.clone()));

		let record = World::chunk_record(HOME).unwrap();
		assert_eq!(record.version, 1);
		assert_eq!(record.content_hash, ContentHash::of(&bytes));
		assert_eq!(record.content_hash, hash_of(&castle()));
		assert_eq!(record.author, Some(ALICE));
		assert_eq!(EncodedChunks::<Test>::get(HOME), Some(bytes));
		System::assert_last_event(
			WorldEvent::ChunkUpdated {
				coord: HOME,
				version: 1,
				content_hash: record.content_hash,
				author: Some(ALICE),
			}
			.into(),
		);
	});
}

#[test]
fn the_force_origin_replaces_any_chunk_without_an_author() {
	new_test_ext().execute_with(|| {
		assert_ok!(World::claim_region(RuntimeOrigin::signed(ALICE), HOME_REGION));
		assert_ok!(World::replace_chunk(RuntimeOrigin::root(), HOME, bytes_of(&castle())));
		assert_ok!(World::replace_chunk(RuntimeOrigin::root(), ELSEWHERE, bytes_of(&castle())));
		assert_eq!(World::chunk_record(HOME).unwrap().author, None);
		assert_eq!(World::chunk_record(ELSEWHERE).unwrap().version, 1);
	});
}

#[test]
fn only_the_owner_may_replace() {
	new_test_ext().execute_with(|| {
		let bytes = bytes_of(&castle());
		assert_noop!(
			World::replace_chunk(RuntimeOrigin::signed(BOB), HOME, bytes.clone()),
			Error::<Test>::RegionNotClaimed
		);
		assert_ok!(World::claim_region(RuntimeOrigin::signed(ALICE), HOME_REGION));
		assert_ok!(World::allow_editor(RuntimeOrigin::signed(ALICE), HOME_REGION, BOB));
		assert_noop!(
			World::replace_chunk(RuntimeOrigin::signed(BOB), HOME, bytes.clone()),
			Error::<Test>::NotRegionOwner
		);
		assert_noop!(
			World::replace_chunk(RuntimeOrigin::none(), HOME, bytes),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn non_canonical_bytes_are_rejected() {
	new_test_ext().execute_with(|| {
		let mut trailing = encode_chunk(&castle());
		trailing.push(0);
		let split_run = vec![1, 1, 0, 0, 0, 0, 0, 0, 0xfe, 0x1f];
		for bytes in [vec![], vec![2], trailing, split_run, vec![1, 1, 0, 0, 0, 0, 0xfe, 0x1f]] {
			assert_noop!(
				World::replace_chunk(RuntimeOrigin::root(), HOME, ChunkBytes::truncate_from(bytes)),
				Error::<Test>::InvalidChunkBytes
			);
		}
	});
}

#[test]
fn replacements_with_unknown_blocks_are_rejected() {
	new_test_ext().execute_with(|| {
		let mut chunk = castle();
		chunk.set(0, 0, 0, 999);
		assert_noop!(
			World::replace_chunk(RuntimeOrigin::root(), HOME, bytes_of(&chunk)),
			Error::<Test>::UnknownBlockId
		);
	});
}

#[test]
fn replacements_outside_the_world_are_rejected() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			World::replace_chunk(
				RuntimeOrigin::root(),
				ChunkCoord::new(0, 99, 0),
				bytes_of(&castle())
			),
			Error::<Test>::ChunkOutsideWorld
		);
	});
}

#[test]
fn the_largest_chunk_fits_the_bound() {
	let blocks = (0..4096u32).map(|i| (i % 16) as u16).collect();
	let chunk = Chunk::from_blocks(blocks).unwrap();
	assert_eq!(encode_chunk(&chunk).len() as u32, crate::MAX_CHUNK_BYTES);
}

#[test]
fn edits_after_a_replacement_apply_to_the_replacement() {
	new_test_ext().execute_with(|| {
		assert_ok!(World::replace_chunk(RuntimeOrigin::root(), HOME, bytes_of(&castle())));
		queue(BOB, HOME, 1, &[set(1, 1, 1, DIRT)], NOW);
		end_block();
		let mut expected = castle();
		expected.set(1, 1, 1, DIRT);
		let record = World::chunk_record(HOME).unwrap();
		assert_eq!((record.version, record.content_hash), (2, hash_of(&expected)));
	});
}
