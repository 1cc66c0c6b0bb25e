//! Fraud proofs: one tile re-rendered on chain; a wrong accepted root costs every signer, a
//! right one is defended, and a malformed proof changes nothing.

use super::mock::*;
use crate::{pallet::*, Event as RenderEvent, Outcome, RefundReason};
use playnet_primitives::{Hash32, TaskResult};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

/// A task whose three workers agreed on the root of `result` (of the task, once drawn).
fn accepted_with(
	result: fn(crate::TaskIndex) -> TaskResult,
) -> (crate::TaskIndex, Vec<AccountId>, TaskResult) {
	let task = post();
	let workers = workers_of(task);
	let result = result(task);
	let root = result.root;
	commit_and_reveal(task, &[root, root, root]);
	(task, workers, result)
}

#[test]
fn a_fraud_proof_against_a_wrong_root_slashes_every_signer_and_rewards_the_reporter() {
	new_test_ext().execute_with(|| {
		let poster_before = free(POSTER);
		let (task, workers, wrong) = accepted_with(wrong_result);
		let proof = wrong.tile_proof(0, 1).unwrap();

		assert_ok!(Render::report_fraud(
			RuntimeOrigin::signed(REPORTER),
			task,
			proof,
			wrong.tile_hashes[0][1],
			chunk_bytes(),
		));

		for who in &workers {
			assert_eq!(bond_of(*who), BOND - BOND / 5, "FraudSlash is 20%");
			assert!(outcomes().contains(&(*who, Outcome::Fraud)));
		}
		assert_eq!(reporter_reward(REPORTER), 3 * (BOND / 5) / 2);
		assert!(Tasks::<Test>::get(task).is_none(), "overturned");
		assert_eq!(free(POSTER), poster_before, "the poster gets the whole fee back");
		assert!(render_events().contains(&RenderEvent::FraudProven {
			task,
			reporter: REPORTER,
			frame: 0,
			tile: 1,
			slashed: 3 * (BOND / 5),
		}));
		System::assert_last_event(
			RenderEvent::TaskRefunded {
				task,
				poster: POSTER,
				amount: FEE,
				reason: RefundReason::Fraud,
			}
			.into(),
		);
		// Nothing is paid or minted for an overturned task.
		run_to(3 * FRAUD_WINDOW);
		for who in &workers {
			assert_eq!(Render::rewards_earned(who), 0);
		}
	});
}

#[test]
fn a_fraud_proof_against_a_correct_root_is_rejected() {
	new_test_ext().execute_with(|| {
		let (task, _, correct) = accepted_with(correct_result);
		assert_noop!(
			Render::report_fraud(
				RuntimeOrigin::signed(REPORTER),
				task,
				correct.tile_proof(0, 1).unwrap(),
				correct.tile_hashes[0][1],
				chunk_bytes(),
			),
			Error::<Test>::ResultNotFraudulent
		);
	});
}

#[test]
fn a_fraud_proof_with_a_bad_merkle_path_is_rejected() {
	new_test_ext().execute_with(|| {
		let (task, _, wrong) = accepted_with(wrong_result);
		let mut proof = wrong.tile_proof(0, 1).unwrap();
		proof.frame_path.siblings[0] = Hash32::of(b"forged sibling");
		assert_noop!(
			Render::report_fraud(
				RuntimeOrigin::signed(REPORTER),
				task,
				proof,
				wrong.tile_hashes[0][1],
				chunk_bytes(),
			),
			Error::<Test>::BadMerklePath
		);
	});
}

#[test]
fn a_tile_hash_that_is_not_under_the_root_is_a_bad_path() {
	new_test_ext().execute_with(|| {
		let (task, _, wrong) = accepted_with(wrong_result);
		assert_noop!(
			Render::report_fraud(
				RuntimeOrigin::signed(REPORTER),
				task,
				wrong.tile_proof(0, 1).unwrap(),
				Hash32::of(b"some other tile"),
				chunk_bytes(),
			),
			Error::<Test>::BadMerklePath
		);
	});
}

#[test]
fn a_proof_for_a_tile_outside_the_frame_is_rejected() {
	new_test_ext().execute_with(|| {
		let (task, _, wrong) = accepted_with(wrong_result);
		let mut proof = wrong.tile_proof(0, 1).unwrap();
		proof.frame = 5;
		proof.frame_path.index = 5;
		assert_noop!(
			Render::report_fraud(
				RuntimeOrigin::signed(REPORTER),
				task,
				proof,
				wrong.tile_hashes[0][1],
				chunk_bytes(),
			),
			Error::<Test>::BadTilePosition
		);
	});
}

#[test]
fn chunk_bytes_that_are_not_the_scene_are_rejected() {
	new_test_ext().execute_with(|| {
		let (task, _, wrong) = accepted_with(wrong_result);
		let mut swapped = chunk_bytes().into_inner();
		let other = swapped.iter().position(|bytes| *bytes != swapped[0]).unwrap();
		swapped.swap(0, other);
		let mut chunks = polkadot_sdk::frame_support::BoundedVec::truncate_from(swapped);
		assert_noop!(
			Render::report_fraud(
				RuntimeOrigin::signed(REPORTER),
				task,
				wrong.tile_proof(0, 1).unwrap(),
				wrong.tile_hashes[0][1],
				chunks.clone(),
			),
			Error::<Test>::ChunkHashMismatch
		);
		chunks.pop();
		assert_noop!(
			Render::report_fraud(
				RuntimeOrigin::signed(REPORTER),
				task,
				wrong.tile_proof(0, 1).unwrap(),
				wrong.tile_hashes[0][1],
				chunks,
			),
			Error::<Test>::WrongChunkCount
		);
	});
}

#[test]
fn fraud_proofs_need_an_accepted_unsettled_result() {
	new_test_ext().execute_with(|| {
		let task = post();
		let wrong = wrong_result(task);
		let report = || {
			Render::report_fraud(
				RuntimeOrigin::signed(REPORTER),
				task,
				wrong.tile_proof(0, 1).unwrap(),
				wrong.tile_hashes[0][1],
				chunk_bytes(),
			)
		};
		assert_noop!(report(), Error::<Test>::NotAccepted);
		let root = wrong.root;
		commit_and_reveal(task, &[root, root, root]);
		run_to(DRAWN_AT + 1 + FRAUD_WINDOW);
		assert_noop!(report(), Error::<Test>::UnknownTask);
	});
}
