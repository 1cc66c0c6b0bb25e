//! Optimistic verification: one worker renders, and the chain spot-checks its result with a
//! frame and a tile drawn from randomness made after the reveal. The lone worker that
//! fabricates is slashed as a fraud when it answers, or when it cannot; honest work is paid
//! `k` times less redundancy for a fee 40% of a majority task's.

use super::mock::*;
use crate::{
	pallet::*, Event as RenderEvent, Outcome, RefundReason, SpotCheck, TaskIndex, TaskPhase,
	Verification,
};
use playnet_primitives::{Hash32, RenderSpec, TaskResult};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

/// The optimistic floor of the small spec (8 units): `max(MinFee, 40% x 5 x 8)`.
const OPTIMISTIC_FEE: Balance = 100;

/// Posts `spec` as an optimistic task with `fee` and runs to its draw.
fn post_optimistic(spec: RenderSpec, fee: Balance) -> TaskIndex {
	let index = NextTaskIndex::<Test>::get();
	assert_ok!(Render::post_task_verified(
		RuntimeOrigin::signed(POSTER),
		spec,
		fee,
		Verification::Optimistic
	));
	run_to(System::block_number() + ASSIGN_DELAY);
	index
}

/// An optimistic task of the small spec, its one worker's root `root` accepted; returns the
/// task and the worker.
fn accepted_optimistic(root: impl Fn(TaskIndex) -> Hash32) -> (TaskIndex, AccountId) {
	let task = post_optimistic(spec(), OPTIMISTIC_FEE);
	let workers = workers_of(task);
	assert_eq!(workers.len(), 1, "one worker");
	commit_and_reveal(task, &[root(task)]);
	assert_eq!(Tasks::<Test>::get(task).unwrap().phase, TaskPhase::Accepted);
	(task, workers[0])
}

/// A result whose every tile hash is made up: consistent, so it has a path for every frame,
/// and wrong everywhere.
fn fabricated_result(task: TaskIndex) -> TaskResult {
	let tiles = correct_tiles()
		.iter()
		.enumerate()
		.map(|(frame, tiles)| {
			(0..tiles.len()).map(|tile| Hash32::of(&[frame as u8, tile as u8, 0xfa])).collect()
		})
		.collect();
	TaskResult::new(result_id_of(task), tiles)
}

/// Runs the blocks to the spot check's draw and returns it.
fn spot_check_of(task: TaskIndex) -> SpotCheck {
	run_to(System::block_number() + ASSIGN_DELAY);
	Tasks::<Test>::get(task).and_then(|task| task.spot_check).expect("the spot check is drawn")
}

#[test]
fn an_optimistic_task_is_rendered_by_one_worker_spot_checked_and_paid() {
	new_test_ext().execute_with(|| {
		let (task, worker) = accepted_optimistic(|task| correct_result(task).root);
		let accepted_at = System::block_number();
		let settle_after = render_events()
			.into_iter()
			.find_map(|event| match event {
				RenderEvent::ResultAccepted { settle_after, .. } => Some(settle_after),
				_ => None,
			})
			.unwrap();
		// Nothing is challenged before the spot check is drawn, by anyone.
		assert!(Challenges::<Test>::iter_prefix(task).next().is_none());
		assert_noop!(
			Render::challenge(RuntimeOrigin::signed(REPORTER), task, 0),
			Error::<Test>::SpotCheckPending
		);

		let spot = spot_check_of(task);
		assert_eq!(System::block_number(), accepted_at + ASSIGN_DELAY);
		let challenge = Challenges::<Test>::get(task, spot.frame).unwrap();
		assert_eq!((challenge.challenger, challenge.deposit), (POSTER, 0), "the poster's, free");
		assert_eq!(challenge.deadline, System::block_number() + ANSWER_PERIOD);
		assert!(render_events().contains(&RenderEvent::SpotCheckDrawn {
			task,
			frame: spot.frame,
			tile: spot.tile,
			deadline: challenge.deadline,
		}));
		answer_spot_check(task, worker, &correct_result(task));
		assert!(Evidence::<Test>::contains_key(task, spot.frame));
		// Now anyone may challenge another frame, as for any result.
		assert_ok!(Render::challenge(RuntimeOrigin::signed(REPORTER), task, 1 - spot.frame));
		answer_frame(task, worker, 1 - spot.frame, &correct_result(task));

		let (free_before, poster_before) = (free(worker), free(POSTER));
		while Tasks::<Test>::get(task).is_some() {
			next_block();
		}
		assert_eq!(System::block_number(), settle_after + 1, "settled when the event said");
		// 10% of 100 burned, 90 to the one signer; the mint is capped at 9% of the fee (k =
		// 1); the reporter's deposit goes to the signer whose answer held.
		assert!(render_events().contains(&RenderEvent::WorkerRewarded {
			task,
			worker,
			fee_share: 90,
			minted: 9,
		}));
		assert_eq!(free(worker), free_before + 90 + 9 + CHALLENGE_DEPOSIT);
		assert_eq!(free(POSTER), poster_before, "the fee was held from it already");
		assert!(outcomes().contains(&(worker, Outcome::Agreed)));
		assert_eq!(bond_of(worker), BOND);
	});
}

#[test]
fn a_lone_worker_whose_checked_tile_is_wrong_is_slashed_by_its_own_answer() {
	new_test_ext().execute_with(|| {
		let (task, worker) = accepted_optimistic(|task| fabricated_result(task).root);
		let poster_before = free(POSTER);
		let spot = spot_check_of(task);
		// The answer leads to the root (the made-up result is consistent), and the runtime
		// renders the checked tile: another hash.
		answer_spot_check(task, worker, &fabricated_result(task));

		assert!(Tasks::<Test>::get(task).is_none(), "the task ended at the answer");
		assert!(render_events().contains(&RenderEvent::SpotCheckFailed {
			task,
			frame: spot.frame,
			tile: spot.tile,
			slashed: BOND / 5,
		}));
		assert_eq!(bond_of(worker), BOND - BOND / 5, "FraudSlash is 20%");
		assert!(outcomes().contains(&(worker, Outcome::Fraud)));
		assert_eq!(Render::rewards_earned(&worker), 0);
		assert_eq!(free(POSTER), poster_before + OPTIMISTIC_FEE, "the whole fee back");
		assert_eq!(reporter_reward(POSTER), 0, "the chain found it: nobody is paid for it");
		assert!(render_events().iter().any(|event| matches!(
			event,
			RenderEvent::TaskRefunded { task: t, reason: RefundReason::Fraud, .. } if *t == task
		)));
		// What it could have pocketed (90% of the fee and the mint) is far below the slash.
		assert!(BOND / 5 > OPTIMISTIC_FEE);
	});
}

#[test]
fn a_lone_worker_with_nothing_behind_its_root_loses_when_the_spot_check_goes_unanswered() {
	new_test_ext().execute_with(|| {
		let invented = Hash32::of(b"a root nobody rendered");
		let (task, worker) = accepted_optimistic(|_| invented);
		let poster_before = free(POSTER);
		let spot = spot_check_of(task);
		// The true frame does not lead to the invented root.
		let (tiles, path) = answer_of(&correct_result(task), spot.frame);
		assert_noop!(
			Render::answer_challenge(RuntimeOrigin::signed(worker), task, spot.frame, tiles, path),
			Error::<Test>::BadEvidence
		);
		while Tasks::<Test>::get(task).is_some() {
			next_block();
		}
		assert_eq!(bond_of(worker), BOND - BOND / 5);
		assert!(outcomes().contains(&(worker, Outcome::Fraud)));
		assert_eq!(free(POSTER), poster_before + OPTIMISTIC_FEE);
		assert_eq!(reporter_reward(POSTER), 0, "the spot check has no reporter");
		assert!(render_events().iter().any(|event| matches!(
			event,
			RenderEvent::TaskRefunded { reason: RefundReason::ChallengeUnanswered, .. }
		)));
	});
}

#[test]
fn the_spot_check_comes_from_randomness_made_after_the_reveal() {
	// The same task, revealed in the same block; only the randomness of the blocks after
	// the reveal differs. The spot check follows it, so the worker could not have known it.
	let mut drawn = std::collections::BTreeSet::new();
	for seed in 0..16u8 {
		new_test_ext().execute_with(|| {
			let (task, _) = accepted_optimistic(|task| correct_result(task).root);
			set_random(seed);
			let spot = spot_check_of(task);
			drawn.insert((spot.frame, spot.tile));
		});
	}
	assert!(drawn.len() >= 4, "16 seeds drew only {drawn:?}");
}

#[test]
fn a_lazy_lone_worker_is_caught_about_as_often_as_it_skipped_work() {
	// One made-up tile of the 8: the spot check lands on it in about 1 of 8 draws. Over 64
	// seeds, with the slash (2,000) 20 times the fee (100), the expected loss of skipping one
	// tile (P x 2,000) is far above what rendering it costs (at most the fee / 8).
	let mut caught = 0;
	for seed in 0..64u8 {
		new_test_ext().execute_with(|| {
			let (task, worker) = accepted_optimistic(|task| wrong_result(task).root);
			set_random(seed);
			spot_check_of(task);
			answer_spot_check(task, worker, &wrong_result(task));
			if bond_of(worker) < BOND {
				caught += 1;
			}
		});
	}
	println!("a lone worker that made up 1 of 8 tiles was caught {caught} times in 64");
	assert!((3..=16).contains(&caught), "caught {caught} times in 64, about 8 expected");
}

#[test]
fn optimistic_posts_outside_their_limits_are_refused_and_change_nothing() {
	new_test_ext().execute_with(|| {
		let post = |spec: RenderSpec, fee: Balance| {
			Render::post_task_verified(
				RuntimeOrigin::signed(POSTER),
				spec,
				fee,
				Verification::Optimistic,
			)
		};
		assert_eq!(Render::min_fee(8, Verification::Optimistic), OPTIMISTIC_FEE);
		assert_eq!(Render::min_fee(240, Verification::Optimistic), 480, "40% of 1,200");
		assert_noop!(post(spec(), OPTIMISTIC_FEE - 1), Error::<Test>::FeeTooLow);
		assert_noop!(post(spec(), MAX_OPTIMISTIC_FEE + 1), Error::<Test>::FeeTooHighForOptimistic);
		let mut one_frame = spec();
		one_frame.frame_count = 1;
		one_frame.camera_path.truncate(1);
		one_frame.camera_path[0].frame = 0;
		assert_noop!(post(one_frame, OPTIMISTIC_FEE), Error::<Test>::TooFewFramesForOptimistic);
		// The same spec for a majority is fine at the majority's floor.
		assert_ok!(post(spec(), MAX_OPTIMISTIC_FEE));
	});
}
