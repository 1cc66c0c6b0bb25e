//! What the runtime API reads: seed, records, bytes of edited and unedited chunks, claims.

use super::mock::*;
use crate::{pallet::*, RegionInfo};
use codec::Encode;
use playnet_primitives::{world::encoding::encode_chunk, ContentHash, Hash32};
use polkadot_sdk::frame_support::assert_ok;

#[test]
fn genesis_sets_the_world_seed() {
	new_test_ext().execute_with(|| {
		assert_eq!(World::world_seed(), SEED);
		assert_eq!(WorldSeed::<Test>::get(), SEED);
	});
}

#[test]
fn an_unedited_chunk_reads_as_generated_at_version_zero() {
	new_test_ext().execute_with(|| {
		let view = World::chunk_view(HOME);
		assert_eq!(view.version, 0);
		assert_eq!(view.record, None);
		assert_eq!(view.bytes, encode_chunk(&generated(HOME)));
		assert_eq!(view.content_hash, hash_of(&generated(HOME)));
		assert_eq!(World::chunk_record(HOME), None);
	});
}

#[test]
fn an_edited_chunk_reads_as_stored() {
	new_test_ext().execute_with(|| {
		queue(ALICE, HOME, 0, &[stone(3)], NOW);
		end_block();
		let view = World::chunk_view(HOME);
		let record = World::chunk_record(HOME).unwrap();
		assert_eq!(view.version, 1);
		assert_eq!(view.content_hash, record.content_hash);
		assert_eq!(ContentHash::of(&view.bytes), record.content_hash);
		assert_eq!(view.record, Some(record));
	});
}

#[test]
fn region_info_lists_owner_deposit_and_editors() {
	new_test_ext().execute_with(|| {
		assert_eq!(World::region_info(HOME_REGION), None);
		assert_ok!(World::claim_region(RuntimeOrigin::signed(ALICE), HOME_REGION));
		assert_ok!(World::allow_editor(RuntimeOrigin::signed(ALICE), HOME_REGION, BOB));
		assert_eq!(
			World::region_info(HOME_REGION),
			Some(RegionInfo { owner: ALICE, deposit: DEPOSIT, editors: vec![BOB] })
		);
	});
}

#[test]
fn submission_id_is_blake3_of_the_scale_encoded_submission() {
	let edits = vec![stone(1), stone(2)];
	let expected = Hash32::of(&(ALICE, HOME, 7u32, NOW, edits.clone()).encode());
	assert_eq!(id_of(ALICE, HOME, 7, &edits, NOW), expected);
	assert_ne!(id_of(BOB, HOME, 7, &edits, NOW), expected);
}
