//! Deposits for stored chunks: held from each stored version's author in proportion to its
//! bytes, from every queued submission until its block ends, and freed when the chunk
//! returns to the generator's. `end_block` checks after every block that each account's
//! hold is exactly its deposits.

use super::mock::*;
use crate::{
	migrations::v1::MigrateToV1, pallet::*, BounceReason, ChunkBytes, ChunkDeposit,
	Event as WorldEvent, MAX_CHUNK_BYTES,
};
use playnet_primitives::{
	world::{
		blocks::{BRICK, LAMP, STONE},
		encoding::encode_chunk,
	},
	Chunk, ChunkCoord, ContentHash,
};
use polkadot_sdk::frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Inspect, InspectHold, Mutate},
		GetStorageVersion, OnRuntimeUpgrade, StorageVersion,
	},
};

/// What `who` holds for chunk deposits.
fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::World(HoldReason::ChunkDeposit), &who)
}

/// The deposit of the bytes `coord` stores now.
fn deposit_of_stored(coord: ChunkCoord) -> Balance {
	let len = EncodedChunks::<Test>::get(coord).expect("the chunk stores bytes").len() as u32;
	World::chunk_deposit(len)
}

/// A chunk that encodes to the longest bytes there are: no two neighbours alike.
fn incompressible(salt: u16) -> Chunk {
	let blocks = (0..4096u32).map(|i| ((i as u16).wrapping_add(salt)) % 16).collect();
	Chunk::from_blocks(blocks).unwrap()
}

fn bytes_of(chunk: &Chunk) -> ChunkBytes {
	ChunkBytes::try_from(encode_chunk(chunk)).unwrap()
}

/// The chunks of [`HOME_REGION`]'s column at heights 0..count.
fn home_column(count: i32) -> Vec<ChunkCoord> {
	(0..count).map(|y| ChunkCoord::new(HOME.x, y, HOME.z)).collect()
}

#[test]
fn a_claimant_who_fills_its_region_and_releases_it_keeps_paying_for_the_bytes() {
	new_test_ext().execute_with(|| {
		// The attack: claim, fill chunks with incompressible bytes, release the claim and
		// take the region deposit back, leaving the bytes stored for the fees alone.
		assert_ok!(World::claim_region(RuntimeOrigin::signed(ALICE), HOME_REGION));
		let chunks = home_column(3);
		for (salt, coord) in chunks.iter().enumerate() {
			let bytes = bytes_of(&incompressible(salt as u16));
			assert_eq!(bytes.len() as u32, MAX_CHUNK_BYTES);
			assert_ok!(World::replace_chunk(RuntimeOrigin::signed(ALICE), *coord, bytes));
		}
		assert_ok!(World::release_region(RuntimeOrigin::signed(ALICE), HOME_REGION));
		end_block();

		let per_chunk = World::chunk_deposit(MAX_CHUNK_BYTES);
		assert_eq!(per_chunk, CHUNK_DEPOSIT_BASE + MAX_CHUNK_BYTES as Balance);
		assert_eq!(held(ALICE), 3 * per_chunk, "the bytes stay paid for after the release");
		assert_eq!(Balances::balance(&ALICE), START - 3 * per_chunk);

		// Bob edits one of them: he holds what its new version costs, Alice gets that
		// chunk's deposit back.
		queue(BOB, chunks[0], 1, &[stone(0)], NOW);
		assert_eq!(held(BOB), World::queued_deposit());
		end_block();
		assert_eq!(held(BOB), deposit_of_stored(chunks[0]));
		assert_eq!(held(ALICE), 2 * per_chunk);
		assert_eq!(
			ChunkDeposits::<Test>::get(chunks[0]),
			Some(ChunkDeposit { depositor: BOB, amount: deposit_of_stored(chunks[0]) })
		);
	});
}

#[test]
fn a_submission_holds_the_queued_deposit_and_its_author_keeps_what_the_bytes_cost() {
	new_test_ext().execute_with(|| {
		queue(ALICE, HOME, 0, &[set(2, 3, 4, LAMP)], NOW);
		assert_eq!(held(ALICE), World::queued_deposit());
		assert_eq!(World::queued_deposit(), World::chunk_deposit(MAX_CHUNK_BYTES));

		end_block();

		let deposit = deposit_of_stored(HOME);
		assert!(deposit < World::queued_deposit());
		assert_eq!(held(ALICE), deposit);
		assert!(world_events().contains(&WorldEvent::ChunkDepositHeld {
			coord: HOME,
			who: ALICE,
			amount: deposit
		}));
		// Its next version by the same author: the old deposit goes, the new one stays.
		queue(ALICE, HOME, 1, &[set(5, 5, 5, LAMP)], NOW);
		end_block();
		assert_eq!(held(ALICE), deposit_of_stored(HOME));
		assert!(world_events().contains(&WorldEvent::ChunkDepositReleased {
			coord: HOME,
			who: ALICE,
			amount: deposit
		}));
	});
}

#[test]
fn of_two_applied_submissions_the_last_author_holds_the_deposit_and_a_bounced_one_none() {
	new_test_ext().execute_with(|| {
		// Alice and Bob edit different blocks: both apply, Bob's last. Carol edits Alice's
		// block after her: Carol's races Alice's and bounces.
		queue(ALICE, HOME, 0, &[set(1, 1, 1, LAMP)], NOW);
		queue(BOB, HOME, 0, &[set(9, 9, 9, LAMP)], NOW);
		queue(CAROL, HOME, 0, &[set(1, 1, 1, BRICK)], NOW);
		assert_eq!(held(CAROL), World::queued_deposit());

		end_block();

		assert!(world_events().iter().any(|event| matches!(
			event,
			WorldEvent::EditsBounced { who: CAROL, reason: BounceReason::EarlierEditWon, .. }
		)));
		assert_eq!(World::chunk_record(HOME).unwrap().author, Some(BOB));
		assert_eq!(held(BOB), deposit_of_stored(HOME));
		assert_eq!(held(ALICE), 0);
		assert_eq!(held(CAROL), 0);
	});
}

#[test]
fn a_chunk_put_back_as_the_generator_made_it_stores_nothing_and_frees_its_deposit() {
	new_test_ext().execute_with(|| {
		let original = generated(HOME).get(4, 4, 4).unwrap();
		let other = if original == LAMP { STONE } else { LAMP };
		queue(ALICE, HOME, 0, &[set(4, 4, 4, other), set(6, 6, 6, other)], NOW);
		end_block();
		assert!(held(ALICE) > 0);

		// Bob puts one block back, then Alice the other: the chunk is the generator's again.
		queue(BOB, HOME, 1, &[set(6, 6, 6, generated(HOME).get(6, 6, 6).unwrap())], NOW);
		end_block();
		assert_eq!((held(ALICE), held(BOB)), (0, deposit_of_stored(HOME)));
		queue(ALICE, HOME, 2, &[set(4, 4, 4, original)], NOW);
		end_block();

		assert_eq!((held(ALICE), held(BOB)), (0, 0));
		assert_eq!(EncodedChunks::<Test>::get(HOME), None);
		assert_eq!(ChunkDeposits::<Test>::get(HOME), None);
		let record = World::chunk_record(HOME).unwrap();
		assert_eq!((record.version, record.author), (3, Some(ALICE)));
		assert_eq!(record.content_hash, hash_of(&generated(HOME)));
		// Read as the generator's chunk at its version.
		let view = World::chunk_view(HOME);
		assert_eq!((view.version, view.bytes), (3, encode_chunk(&generated(HOME))));
		assert_eq!(
			World::chunk_at(HOME, record.content_hash),
			Some(encode_chunk(&generated(HOME)))
		);

		// Its change log still decides conflicts: a block changed after the base conflicts,
		// an untouched one applies.
		assert_noop!(submit(BOB, HOME, 2, &[set(4, 4, 4, LAMP)], NOW), Error::<Test>::EditConflict);
		queue(BOB, HOME, 2, &[set(15, 0, 0, LAMP)], NOW);
		end_block();
		assert_eq!(version(HOME), 4);
		assert_eq!(held(BOB), deposit_of_stored(HOME));
	});
}

#[test]
fn an_account_that_cannot_hold_the_queued_deposit_cannot_edit() {
	new_test_ext().execute_with(|| {
		let short = World::queued_deposit();
		assert_ok!(Balances::mint_into(&PAUPER, short));
		// Holding it all would take the account below the existential deposit.
		assert_noop!(
			submit(PAUPER, HOME, 0, &[set(0, 0, 0, LAMP)], NOW),
			Error::<Test>::ChunkDepositUnavailable
		);
		assert_eq!(held(PAUPER), 0);

		assert_ok!(Balances::mint_into(&PAUPER, ED));
		queue(PAUPER, HOME, 0, &[set(0, 0, 0, LAMP)], NOW);
		end_block();
		assert_eq!(held(PAUPER), deposit_of_stored(HOME));
	});
}

#[test]
fn an_owner_holds_the_deposit_of_its_replacement_and_the_force_origins_holds_none() {
	new_test_ext().execute_with(|| {
		assert_ok!(World::claim_region(RuntimeOrigin::signed(ALICE), HOME_REGION));
		assert_ok!(World::replace_chunk(
			RuntimeOrigin::signed(ALICE),
			HOME,
			bytes_of(&incompressible(0))
		));
		assert_eq!(held(ALICE), World::chunk_deposit(MAX_CHUNK_BYTES));

		// Replacing her own chunk needs only what the new bytes cost more: with less than a
		// second deposit free, she replaces it again.
		let free = Balances::balance(&ALICE);
		let spare = free - World::chunk_deposit(MAX_CHUNK_BYTES) - ED + 1;
		assert_ok!(Balances::burn_from(
			&ALICE,
			spare,
			polkadot_sdk::frame_support::traits::tokens::Preservation::Preserve,
			polkadot_sdk::frame_support::traits::tokens::Precision::Exact,
			polkadot_sdk::frame_support::traits::tokens::Fortitude::Polite,
		));
		assert_ok!(World::replace_chunk(
			RuntimeOrigin::signed(ALICE),
			HOME,
			bytes_of(&incompressible(1))
		));
		assert_eq!(held(ALICE), World::chunk_deposit(MAX_CHUNK_BYTES));
		// Another chunk of the same size is more than she can hold: nothing changes.
		let other = ChunkCoord::new(HOME.x, HOME.y + 1, HOME.z);
		assert_noop!(
			World::replace_chunk(RuntimeOrigin::signed(ALICE), other, bytes_of(&incompressible(2))),
			Error::<Test>::ChunkDepositUnavailable
		);

		assert_ok!(World::replace_chunk(RuntimeOrigin::root(), HOME, bytes_of(&incompressible(3))));
		assert_eq!(held(ALICE), 0);
		assert_eq!(ChunkDeposits::<Test>::get(HOME), None);
		assert_eq!(World::chunk_record(HOME).unwrap().author, None);

		// The owner puts the generator's chunk back: stored as nothing, held as nothing.
		assert_ok!(World::replace_chunk(
			RuntimeOrigin::signed(ALICE),
			HOME,
			bytes_of(&generated(HOME))
		));
		assert_eq!(EncodedChunks::<Test>::get(HOME), None);
		assert_eq!(held(ALICE), 0);
		end_block();
	});
}

#[test]
fn the_upgrade_holds_the_deposits_of_chunks_stored_before_deposits_existed() {
	new_test_ext().execute_with(|| {
		// A chain from before deposits: storage version 0, chunks of Alice, of a poor author
		// and of the force origin, none with a deposit.
		StorageVersion::new(0).put::<World>();
		let stored = |coord: ChunkCoord, author: Option<AccountId>, chunk: &Chunk| {
			let bytes = bytes_of(chunk);
			Chunks::<Test>::insert(
				coord,
				crate::ChunkRecord {
					version: 1,
					content_hash: ContentHash::of(&bytes),
					author,
					updated_at: 1,
				},
			);
			EncodedChunks::<Test>::insert(coord, bytes);
		};
		let [rich, poor, forced] = [HOME, ELSEWHERE, ChunkCoord::new(HOME.x, 0, HOME.z)];
		stored(rich, Some(ALICE), &incompressible(0));
		stored(poor, Some(PAUPER), &incompressible(1));
		stored(forced, None, &incompressible(2));
		assert_ok!(Balances::mint_into(&PAUPER, ED + 500));

		MigrateToV1::<Test>::on_runtime_upgrade();

		assert_eq!(World::on_chain_storage_version(), StorageVersion::new(1));
		let full = World::chunk_deposit(MAX_CHUNK_BYTES);
		assert_eq!(
			ChunkDeposits::<Test>::get(rich).map(|d| (d.depositor, d.amount)),
			Some((ALICE, full))
		);
		assert_eq!(held(ALICE), full);
		// As much as keeps the poor author alive.
		assert_eq!(ChunkDeposits::<Test>::get(poor).map(|d| d.amount), Some(500));
		assert_eq!(held(PAUPER), 500);
		assert_eq!(ChunkDeposits::<Test>::get(forced), None);
		World::do_try_state().expect("the migrated state is consistent");

		// Once only.
		MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(held(ALICE), full);
		// The poor author's chunk, edited by Bob, moves to Bob's full deposit.
		queue(BOB, poor, 1, &[set(0, 0, 0, LAMP)], NOW);
		end_block();
		assert_eq!(held(PAUPER), 0);
		assert_eq!(held(BOB), deposit_of_stored(poor));
	});
}

#[test]
fn nothing_is_held_when_a_submission_fails_its_checks() {
	new_test_ext().execute_with(|| {
		assert_noop!(submit(ALICE, HOME, 5, &[stone(0)], NOW), Error::<Test>::FutureBaseVersion);
		assert_noop!(
			submit(ALICE, HOME, 0, &[stone(0)], NOW + 2 * SKEW),
			Error::<Test>::ClientTimestampOutOfRange
		);
		assert_eq!(held(ALICE), 0);
	});
}
