//! Region claims: deposits held and released, and edits in a claimed region only by its
//! owner and the editors it allows.

use super::mock::*;
use crate::{pallet::*, BounceReason, Event as WorldEvent, RegionCoord};
use playnet_primitives::{world::chunk::WORLD_MAX_CHUNK_XZ, ChunkCoord};
use polkadot_sdk::frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};

fn claim(who: AccountId) {
	assert_ok!(World::claim_region(RuntimeOrigin::signed(who), HOME_REGION));
}

fn allow(owner: AccountId, editor: AccountId) -> polkadot_sdk::sp_runtime::DispatchResult {
	World::allow_editor(RuntimeOrigin::signed(owner), HOME_REGION, editor)
}

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::World(HoldReason::RegionClaim), &who)
}

#[test]
fn chunks_map_to_regions_by_floor_division() {
	assert_eq!(RegionCoord::of(&ChunkCoord::new(0, 0, 3)), RegionCoord::new(0, 0));
	assert_eq!(RegionCoord::of(&ChunkCoord::new(4, -4, 7)), RegionCoord::new(1, 1));
	assert_eq!(RegionCoord::of(&ChunkCoord::new(-1, 9, -4)), RegionCoord::new(-1, -1));
	assert_eq!(
		RegionCoord::of(&ChunkCoord::new(-5, 0, i32::MIN)),
		RegionCoord::new(-2, i32::MIN / 4)
	);
	assert_eq!(RegionCoord::of(&HOME), HOME_REGION);
}

#[test]
fn claiming_holds_the_deposit() {
	new_test_ext().execute_with(|| {
		claim(ALICE);
		assert_eq!(held(ALICE), DEPOSIT);
		assert_eq!(Balances::balance(&ALICE), START - DEPOSIT);
		assert_eq!(Claims::<Test>::get(HOME_REGION).unwrap().owner, ALICE);
		System::assert_last_event(
			WorldEvent::RegionClaimed { region: HOME_REGION, owner: ALICE, deposit: DEPOSIT }
				.into(),
		);
	});
}

#[test]
fn releasing_returns_the_deposit_and_frees_the_region() {
	new_test_ext().execute_with(|| {
		claim(ALICE);
		assert_ok!(World::release_region(RuntimeOrigin::signed(ALICE), HOME_REGION));
		assert_eq!(held(ALICE), 0);
		assert_eq!(Balances::balance(&ALICE), START);
		assert!(Claims::<Test>::get(HOME_REGION).is_none());
		System::assert_last_event(
			WorldEvent::RegionReleased { region: HOME_REGION, owner: ALICE, released: DEPOSIT }
				.into(),
		);
		assert_ok!(submit(BOB, HOME, 0, &[stone(0)], NOW));
	});
}

#[test]
fn only_the_owner_and_allowed_editors_edit_a_claimed_region() {
	new_test_ext().execute_with(|| {
		claim(ALICE);
		assert_noop!(submit(BOB, HOME, 0, &[stone(0)], NOW), Error::<Test>::NotAllowedInRegion);
		assert_ok!(submit(ALICE, HOME, 0, &[stone(0)], NOW));
		assert_ok!(submit(BOB, ELSEWHERE, 0, &[stone(0)], NOW));

		assert_ok!(allow(ALICE, BOB));
		System::assert_last_event(
			WorldEvent::EditorAllowed { region: HOME_REGION, editor: BOB }.into(),
		);
		assert_ok!(submit(BOB, HOME, 0, &[stone(1)], NOW));
		assert_noop!(submit(CAROL, HOME, 0, &[stone(2)], NOW), Error::<Test>::NotAllowedInRegion);

		assert_ok!(World::disallow_editor(RuntimeOrigin::signed(ALICE), HOME_REGION, BOB));
		System::assert_last_event(
			WorldEvent::EditorDisallowed { region: HOME_REGION, editor: BOB }.into(),
		);
		assert_noop!(submit(BOB, HOME, 0, &[stone(3)], NOW), Error::<Test>::NotAllowedInRegion);
	});
}

#[test]
fn a_claim_covers_the_whole_column() {
	new_test_ext().execute_with(|| {
		claim(ALICE);
		for coord in [ChunkCoord::new(0, -4, 0), ChunkCoord::new(3, 15, 3)] {
			assert_noop!(
				submit(BOB, coord, 0, &[stone(0)], NOW),
				Error::<Test>::NotAllowedInRegion
			);
		}
		assert_ok!(submit(BOB, ChunkCoord::new(4, 4, 0), 0, &[stone(0)], NOW));
		assert_ok!(submit(BOB, ChunkCoord::new(-1, 4, 0), 0, &[stone(0)], NOW));
	});
}

#[test]
fn a_claim_in_the_same_block_bounces_queued_edits_of_others() {
	new_test_ext().execute_with(|| {
		queue(BOB, HOME, 0, &[stone(0)], NOW);
		queue(ALICE, HOME, 0, &[stone(1)], NOW);
		claim(ALICE);
		end_block();
		System::assert_has_event(
			WorldEvent::EditsBounced {
				id: id_of(BOB, HOME, 0, &[stone(0)], NOW),
				who: BOB,
				coord: HOME,
				base_version: 0,
				client_timestamp: NOW,
				reason: BounceReason::NotAllowed,
			}
			.into(),
		);
		assert_eq!(World::chunk_record(HOME).unwrap().author, Some(ALICE));
	});
}

#[test]
fn disallowing_in_the_same_block_bounces_the_editors_queued_edits() {
	new_test_ext().execute_with(|| {
		claim(ALICE);
		assert_ok!(allow(ALICE, BOB));
		queue(BOB, HOME, 0, &[stone(0)], NOW);
		assert_ok!(World::disallow_editor(RuntimeOrigin::signed(ALICE), HOME_REGION, BOB));
		end_block();
		assert_eq!(World::chunk_record(HOME), None);
		assert!(world_events().iter().any(|event| matches!(
			event,
			WorldEvent::EditsBounced { who: BOB, reason: BounceReason::NotAllowed, .. }
		)));
	});
}

#[test]
fn bad_claims_are_rejected() {
	new_test_ext().execute_with(|| {
		let limit = WORLD_MAX_CHUNK_XZ / 4;
		for region in [RegionCoord::new(limit + 1, 0), RegionCoord::new(0, -limit - 1)] {
			assert_noop!(
				World::claim_region(RuntimeOrigin::signed(ALICE), region),
				Error::<Test>::RegionOutsideWorld
			);
		}
		assert_ok!(World::claim_region(
			RuntimeOrigin::signed(ALICE),
			RegionCoord::new(-limit, limit)
		));
		assert_noop!(
			World::claim_region(RuntimeOrigin::signed(PAUPER), HOME_REGION),
			Error::<Test>::DepositUnavailable
		);
		claim(ALICE);
		assert_noop!(
			World::claim_region(RuntimeOrigin::signed(BOB), HOME_REGION),
			Error::<Test>::RegionAlreadyClaimed
		);
		assert_noop!(
			World::claim_region(RuntimeOrigin::signed(ALICE), HOME_REGION),
			Error::<Test>::RegionAlreadyClaimed
		);
	});
}

#[test]
fn a_deposit_needs_free_balance_above_the_existential_deposit() {
	new_test_ext().execute_with(|| {
		<Balances as polkadot_sdk::frame_support::traits::fungible::Mutate<_>>::set_balance(
			&PAUPER, DEPOSIT,
		);
		assert_noop!(
			World::claim_region(RuntimeOrigin::signed(PAUPER), HOME_REGION),
			Error::<Test>::DepositUnavailable
		);
		assert_eq!(held(PAUPER), 0);
	});
}

#[test]
fn only_the_owner_releases_or_manages_editors() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			World::release_region(RuntimeOrigin::signed(ALICE), HOME_REGION),
			Error::<Test>::RegionNotClaimed
		);
		assert_noop!(allow(ALICE, BOB), Error::<Test>::RegionNotClaimed);
		claim(ALICE);
		assert_noop!(
			World::release_region(RuntimeOrigin::signed(BOB), HOME_REGION),
			Error::<Test>::NotRegionOwner
		);
		assert_noop!(allow(BOB, BOB), Error::<Test>::NotRegionOwner);
		assert_ok!(allow(ALICE, BOB));
		assert_noop!(allow(BOB, CAROL), Error::<Test>::NotRegionOwner);
		assert_noop!(
			World::disallow_editor(RuntimeOrigin::signed(BOB), HOME_REGION, BOB),
			Error::<Test>::NotRegionOwner
		);
		assert_eq!(held(ALICE), DEPOSIT);
	});
}

#[test]
fn the_editor_list_is_bounded_and_free_of_repeats() {
	new_test_ext().execute_with(|| {
		claim(ALICE);
		assert_noop!(allow(ALICE, ALICE), Error::<Test>::OwnerIsAlwaysAllowed);
		assert_ok!(allow(ALICE, CAROL));
		assert_noop!(allow(ALICE, CAROL), Error::<Test>::AlreadyAnEditor);
		assert_ok!(allow(ALICE, BOB));
		assert_eq!(Claims::<Test>::get(HOME_REGION).unwrap().editors.into_inner(), [BOB, CAROL]);
		assert_noop!(allow(ALICE, PAUPER), Error::<Test>::TooManyEditors);
		assert_noop!(
			World::disallow_editor(RuntimeOrigin::signed(ALICE), HOME_REGION, PAUPER),
			Error::<Test>::NotAnEditor
		);
	});
}

#[test]
fn releasing_a_claim_keeps_its_chunks_edits() {
	new_test_ext().execute_with(|| {
		claim(ALICE);
		queue(ALICE, HOME, 0, &[stone(0)], NOW);
		end_block();
		let record = World::chunk_record(HOME).unwrap();
		assert_ok!(World::release_region(RuntimeOrigin::signed(ALICE), HOME_REGION));
		assert_eq!(World::chunk_record(HOME), Some(record));
	});
}
