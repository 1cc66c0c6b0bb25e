//! Challenges: evidence on demand. A colluding majority's root with nothing behind it falls
//! to an unanswered challenge; a fabricated frame, once published, proves its signers wrong;
//! an answered challenge of a right result pays its deposit to the signers; bad calls change
//! nothing.

use super::mock::*;
use crate::{pallet::*, Event as RenderEvent, Outcome, RefundReason, TaskIndex};
use playnet_primitives::{
	proof::merkle::{merkle_proof, MerkleProof},
	Hash32, TileProof,
};
use polkadot_sdk::frame_support::{
	assert_noop, assert_ok, traits::fungible::InspectHold, BoundedVec,
};

/// A task whose workers revealed `roots` (in assignment order), accepted.
fn accepted(roots: impl Fn(TaskIndex) -> [Hash32; 3]) -> (TaskIndex, Vec<AccountId>) {
	let task = post();
	let workers = workers_of(task);
	commit_and_reveal(task, &roots(task));
	assert!(Tasks::<Test>::get(task).unwrap().accepted_root.is_some());
	(task, workers)
}

fn challenge_held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Render(HoldReason::ChallengeDeposit), &who)
}

/// Runs blocks until `task` has ended.
fn run_out(task: TaskIndex) {
	while Tasks::<Test>::get(task).is_some() {
		next_block();
	}
}

#[test]
fn a_colluding_majoritys_invented_root_falls_to_an_unanswered_challenge() {
	new_test_ext().execute_with(|| {
		let invented = Hash32::of(b"a root nobody rendered");
		let (task, workers) = accepted(|task| [invented, invented, correct_result(task).root]);
		let (liars, honest) = (&workers[..2], workers[2]);
		assert_eq!(Tasks::<Test>::get(task).unwrap().accepted_root, Some(invented));
		let poster_before = free(POSTER);

		// The honest worker, outvoted, challenges at once.
		assert_ok!(Render::challenge(RuntimeOrigin::signed(honest), task, 0));
		assert_eq!(challenge_held(honest), CHALLENGE_DEPOSIT);
		// The liars have nothing that leads to their root: the true frame does not.
		let (tiles, path) = answer_of(&correct_result(task), 0);
		assert_noop!(
			Render::answer_challenge(RuntimeOrigin::signed(liars[0]), task, 0, tiles, path),
			Error::<Test>::BadEvidence
		);
		run_out(task);

		for liar in liars {
			assert_eq!(bond_of(*liar), BOND - BOND / 5, "FraudSlash is 20%");
			assert!(outcomes().contains(&(*liar, Outcome::Fraud)));
			assert_eq!(Render::rewards_earned(liar), 0);
		}
		// Each liar would have earned half of 90% of the fee and at most the mint cap.
		let would_have_earned = FEE * 9 / 10 / 2 + FEE * 9 / 100 / 3;
		assert!(BOND / 5 > would_have_earned, "a lie costs more than it would have paid");
		assert_eq!(bond_of(honest), BOND, "the outvoted honest worker loses nothing");
		assert!(!outcomes().contains(&(honest, Outcome::Lost)));
		assert_eq!(challenge_held(honest), 0);
		assert_eq!(reporter_reward(honest), 2 * (BOND / 5) / 2, "the reporter's share");
		assert_eq!(free(POSTER), poster_before + FEE, "the poster gets the whole fee back");
		assert!(render_events().contains(&RenderEvent::TaskRefunded {
			task,
			poster: POSTER,
			amount: FEE,
			reason: RefundReason::ChallengeUnanswered,
		}));
	});
}

#[test]
fn a_fabricated_frame_once_published_proves_its_signers_wrong() {
	new_test_ext().execute_with(|| {
		// The liars made a whole result, one tile wrong, so they can answer.
		let (task, workers) = accepted(|task| {
			let wrong = wrong_result(task).root;
			[wrong, wrong, correct_result(task).root]
		});
		let wrong = wrong_result(task);
		assert_ok!(Render::challenge(RuntimeOrigin::signed(workers[2]), task, 0));
		let (tiles, path) = answer_of(&wrong, 0);
		assert_ok!(Render::answer_challenge(
			RuntimeOrigin::signed(workers[0]),
			task,
			0,
			tiles,
			path
		));

		// Anyone builds the proof of tile 1 from the chain's evidence alone.
		let evidence = Evidence::<Test>::get(task, 0).expect("published");
		let spec = spec();
		let proof = TileProof {
			frame: 0,
			tile: 1,
			tile_path: merkle_proof(&evidence.tile_hashes, 1).unwrap(),
			frame_path: MerkleProof {
				index: 0,
				leaf_count: spec.frame_count,
				siblings: evidence.frame_path.to_vec(),
			},
		};
		assert_ok!(Render::report_fraud(
			RuntimeOrigin::signed(REPORTER),
			task,
			proof,
			evidence.tile_hashes[1],
			chunk_bytes(),
		));
		assert!(Tasks::<Test>::get(task).is_none(), "overturned");
		for liar in &workers[..2] {
			assert!(outcomes().contains(&(*liar, Outcome::Fraud)));
		}
		assert_eq!(bond_of(workers[2]), BOND);
		assert_eq!(challenge_held(workers[2]), 0, "the challenger's deposit is back");
		assert!(
			Evidence::<Test>::get(task, 0).is_none() && Challenges::<Test>::get(task, 0).is_none()
		);
	});
}

#[test]
fn an_answered_challenge_of_a_right_result_pays_the_deposit_to_the_signers() {
	new_test_ext().execute_with(|| {
		let (task, workers) = accepted(|task| [correct_result(task).root; 3]);
		let before: Vec<Balance> = workers.iter().map(|who| free(*who)).collect();
		let challenger_before = free(REPORTER);
		assert_ok!(Render::challenge(RuntimeOrigin::signed(REPORTER), task, 1));
		let (tiles, path) = answer_of(&correct_result(task), 1);
		assert_ok!(Render::answer_challenge(
			RuntimeOrigin::signed(workers[1]),
			task,
			1,
			tiles,
			path
		));
		run_out(task);

		assert_eq!(free(REPORTER), challenger_before - CHALLENGE_DEPOSIT);
		let gained: Vec<Balance> =
			workers.iter().zip(&before).map(|(who, before)| free(*who) - before).collect();
		let paid = FEE * 9 / 10 / 3;
		let deposit_shares: Balance = gained.iter().map(|gain| gain - paid - 30).sum();
		assert_eq!(
			deposit_shares, CHALLENGE_DEPOSIT,
			"the deposit went to the signers: {gained:?}"
		);
		for who in &workers {
			assert!(outcomes().contains(&(*who, Outcome::Agreed)));
			assert_eq!(bond_of(*who), BOND);
		}
	});
}

#[test]
fn an_accepted_task_waits_for_its_challenge() {
	new_test_ext().execute_with(|| {
		let (task, workers) = accepted(|task| [correct_result(task).root; 3]);
		let settles_at = Tasks::<Test>::get(task).unwrap().deadline + 1;
		// Challenged in the last block of the fraud window.
		run_to(settles_at - 1);
		assert_ok!(Render::challenge(RuntimeOrigin::signed(REPORTER), task, 0));
		let answer_by = Challenges::<Test>::get(task, 0).unwrap().deadline;
		assert!(answer_by >= settles_at);
		run_to(settles_at);
		assert!(Tasks::<Test>::get(task).is_some(), "not paid while the challenge is open");
		let (tiles, path) = answer_of(&correct_result(task), 0);
		assert_ok!(Render::answer_challenge(
			RuntimeOrigin::signed(workers[0]),
			task,
			0,
			tiles,
			path
		));
		run_to(answer_by + 1);
		assert!(Tasks::<Test>::get(task).is_none(), "settled once the challenge ended");
		assert!(render_events().iter().any(|event| matches!(
			event,
			RenderEvent::TaskSettled { task: t, .. } if *t == task
		)));
	});
}

#[test]
fn bad_challenges_and_answers_change_nothing() {
	new_test_ext().execute_with(|| {
		let (task, workers) = accepted(|task| [correct_result(task).root; 3]);
		let frames = spec().frame_count;
		let challenge =
			|who, task, frame| Render::challenge(RuntimeOrigin::signed(who), task, frame);
		assert_noop!(challenge(REPORTER, 99, 0), Error::<Test>::UnknownTask);
		assert_noop!(challenge(REPORTER, task, frames), Error::<Test>::BadTilePosition);
		assert_noop!(challenge(PAUPER, task, 0), Error::<Test>::DepositUnavailable);
		let (tiles, path) = answer_of(&correct_result(task), 0);
		let answer = |who, frame, tiles: &BoundedVec<_, _>, path: &BoundedVec<_, _>| {
			Render::answer_challenge(
				RuntimeOrigin::signed(who),
				task,
				frame,
				tiles.clone(),
				path.clone(),
			)
		};
		assert_noop!(answer(workers[0], 0, &tiles, &path), Error::<Test>::NoSuchChallenge);

		assert_ok!(challenge(REPORTER, task, 0));
		assert_noop!(challenge(REPORTER, task, 0), Error::<Test>::AlreadyChallenged);
		assert_ok!(challenge(POSTER, task, 1));
		let pending = post_only();
		assert_noop!(challenge(REPORTER, pending, 0), Error::<Test>::NotAccepted);

		// Answers: by a non-signer, with tile hashes that are not the frame's, with too few.
		assert_noop!(answer(REPORTER, 0, &tiles, &path), Error::<Test>::NotASigner);
		let mut forged = tiles.clone();
		forged[0] = Hash32::of(b"not the tile");
		assert_noop!(answer(workers[0], 0, &forged, &path), Error::<Test>::BadEvidence);
		let mut short = tiles.clone();
		short.pop();
		assert_noop!(answer(workers[0], 0, &short, &path), Error::<Test>::BadEvidence);
		let (tiles_1, _) = answer_of(&correct_result(task), 1);
		assert_noop!(answer(workers[0], 0, &tiles_1, &path), Error::<Test>::BadEvidence);

		assert_ok!(answer(workers[0], 0, &tiles, &path));
		assert_noop!(answer(workers[1], 0, &tiles, &path), Error::<Test>::AlreadyAnswered);
		let deadline = Challenges::<Test>::get(task, 1).unwrap().deadline;
		run_to(deadline + 1);
		let (tiles, path) = answer_of(&correct_result(task), 1);
		assert_noop!(answer(workers[0], 1, &tiles, &path), Error::<Test>::AnswerTooLate);
	});
}

#[test]
fn a_task_takes_at_most_its_challenges() {
	new_test_ext().execute_with(|| {
		let mut spec = spec();
		spec.frame_count = 3;
		let task = crate::NextTaskIndex::<Test>::get();
		assert_ok!(Render::post_task(RuntimeOrigin::signed(POSTER), spec, FEE));
		run_to(System::block_number() + ASSIGN_DELAY);
		let root = Hash32::of(b"any root");
		commit_and_reveal(task, &[root; 3]);
		assert_ok!(Render::challenge(RuntimeOrigin::signed(REPORTER), task, 0));
		assert_ok!(Render::challenge(RuntimeOrigin::signed(REPORTER), task, 1));
		assert_noop!(
			Render::challenge(RuntimeOrigin::signed(REPORTER), task, 2),
			Error::<Test>::TooManyChallenges
		);
	});
}

#[test]
fn the_task_view_shows_each_challenge_and_who_answered_it() {
	new_test_ext().execute_with(|| {
		let (task, workers) = accepted(|task| [correct_result(task).root; 3]);
		assert!(Render::task_view(task).unwrap().challenges.is_empty());
		assert_ok!(Render::challenge(RuntimeOrigin::signed(REPORTER), task, 1));
		assert_ok!(Render::challenge(RuntimeOrigin::signed(POSTER), task, 0));
		let (tiles, path) = answer_of(&correct_result(task), 1);
		assert_ok!(Render::answer_challenge(
			RuntimeOrigin::signed(workers[2]),
			task,
			1,
			tiles,
			path
		));

		let mut challenges = Render::task_view(task).unwrap().challenges;
		challenges.sort_by_key(|challenge| challenge.frame);
		let deadline = System::block_number() + ANSWER_PERIOD;
		assert_eq!(
			challenges,
			vec![
				crate::ChallengeView { frame: 0, challenger: POSTER, deadline, answered_by: None },
				crate::ChallengeView {
					frame: 1,
					challenger: REPORTER,
					deadline,
					answered_by: Some(workers[2])
				},
			]
		);
	});
}
