//! Posting: the spec checked, the fee held; `AssignDelay` blocks later `k` workers drawn, or
//! the task queued until enough workers are eligible.

use super::mock::*;
use crate::{pallet::*, Event as RenderEvent, TaskPhase, Verification};
use playnet_primitives::CameraKeyframe;
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold},
	sp_runtime::Permill,
};

fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Render(HoldReason::TaskEscrow), &who)
}

#[test]
fn posting_holds_the_fee_and_assigns_k_distinct_workers() {
	new_test_ext().execute_with(|| {
		let task = post();

		assert_eq!(held(POSTER), FEE);
		let workers = workers_of(task);
		assert_eq!(workers.len(), K as usize);
		let mut distinct = workers.clone();
		distinct.sort();
		distinct.dedup();
		assert_eq!(distinct.len(), K as usize, "never two slots of one account");
		let stored = Tasks::<Test>::get(task).unwrap();
		assert_eq!(stored.phase, TaskPhase::Committing);
		assert_eq!(stored.deadline, DRAWN_AT + COMMIT_PERIOD);
		assert_eq!(stored.spec_id, spec().task_id());
		assert_eq!(stored.work_units, 8, "four 64x64 tiles per frame, two frames");
		for worker in &workers {
			assert_eq!(Render::tasks_assigned_to(worker), vec![task]);
		}
		assert!(render_events().contains(&RenderEvent::WorkersAssigned {
			task,
			workers,
			commit_deadline: DRAWN_AT + COMMIT_PERIOD,
		}));
		assert_eq!(Render::task_spec(task), Some(spec()));
	});
}

#[test]
fn an_invalid_spec_is_rejected() {
	new_test_ext().execute_with(|| {
		let mut bad = spec();
		bad.kernel_version = 99;
		assert_noop!(
			Render::post_task(RuntimeOrigin::signed(POSTER), bad, FEE),
			Error::<Test>::InvalidSpec
		);
	});
}

#[test]
fn a_camera_path_past_the_pallet_bound_is_too_large() {
	new_test_ext().execute_with(|| {
		let mut long = spec();
		let first = long.camera_path[0];
		long.frame_count = 9;
		long.camera_path =
			(0..9).map(|frame| CameraKeyframe { frame, ..first }).collect::<Vec<_>>();
		assert_noop!(
			Render::post_task(RuntimeOrigin::signed(POSTER), long, FEE),
			Error::<Test>::SpecTooLarge
		);
	});
}

#[test]
fn a_fee_below_the_minimum_is_rejected() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Render::post_task(RuntimeOrigin::signed(POSTER), spec(), 99),
			Error::<Test>::FeeTooLow
		);
	});
}

#[test]
fn the_fee_floor_grows_with_the_work() {
	new_test_ext().execute_with(|| {
		// 8 tiles x 5 = 40 is below MinFee; 60 frames of 4 tiles: 240 units x 5 = 1,200.
		assert_eq!(Render::min_fee(8, Verification::Majority), 100);
		assert_eq!(Render::min_fee(240, Verification::Majority), 1_200);
		assert_eq!(
			Render::min_fee(u64::MAX, Verification::Majority),
			5 * Balance::from(u64::MAX),
			"no overflow"
		);
		let mut large = spec();
		large.frame_count = 60;
		assert_eq!(crate::work_units(&large), 240);
		let commit_blocks = MAX_COMMIT_PERIOD - COMMIT_PERIOD;
		assert!(240 / COMMIT_UNITS_PER_BLOCK <= commit_blocks, "within the commit period");
		assert_noop!(
			Render::post_task(RuntimeOrigin::signed(POSTER), large.clone(), 1_199),
			Error::<Test>::FeeTooLow
		);
		assert_ok!(Render::post_task(RuntimeOrigin::signed(POSTER), large, 1_200));
	});
}

#[test]
fn a_poster_who_cannot_afford_the_fee_is_rejected() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Render::post_task(RuntimeOrigin::signed(PAUPER), spec(), FEE),
			Error::<Test>::EscrowUnavailable
		);
	});
}

#[test]
fn with_too_few_workers_the_task_waits_and_is_assigned_later() {
	new_test_ext().execute_with(|| {
		unbond(WORKERS[2]);
		unbond(WORKERS[3]);
		let task = post();
		assert_eq!(Tasks::<Test>::get(task).unwrap().phase, TaskPhase::Waiting);
		assert_eq!(WaitingTasks::<Test>::get().into_inner(), vec![task]);
		System::assert_last_event(RenderEvent::TaskWaiting { task }.into());

		next_block();
		assert_eq!(Tasks::<Test>::get(task).unwrap().phase, TaskPhase::Waiting, "still short");

		bond(WORKERS[2], BOND, Permill::one());
		next_block();
		let stored = Tasks::<Test>::get(task).unwrap();
		assert_eq!(stored.phase, TaskPhase::Committing);
		assert_eq!(stored.deadline, DRAWN_AT + 2 + COMMIT_PERIOD);
		assert!(WaitingTasks::<Test>::get().is_empty());
		let mut workers = workers_of(task);
		workers.sort();
		assert_eq!(workers, WORKERS[..3].to_vec());
	});
}

#[test]
fn a_full_waiting_queue_rejects_the_post() {
	new_test_ext().execute_with(|| {
		for worker in WORKERS {
			unbond(worker);
		}
		for _ in 0..4 {
			post();
		}
		assert_noop!(
			Render::post_task(RuntimeOrigin::signed(POSTER), spec(), FEE),
			Error::<Test>::WaitingQueueFull
		);
	});
}

#[test]
fn the_commit_period_grows_with_the_work() {
	new_test_ext().execute_with(|| {
		// 8 frames of four tiles: 32 units, two blocks more than the smallest task.
		let mut larger = spec();
		larger.frame_count = 8;
		let task = NextTaskIndex::<Test>::get();
		assert_eq!(Render::post_task(RuntimeOrigin::signed(POSTER), larger, FEE), Ok(()));
		run_to(DRAWN_AT);

		let stored = Tasks::<Test>::get(task).unwrap();
		assert_eq!(stored.work_units, 32);
		assert_eq!(stored.deadline, DRAWN_AT + COMMIT_PERIOD + 32 / COMMIT_UNITS_PER_BLOCK);
	});
}

#[test]
fn a_task_too_large_for_the_longest_commit_period_is_refused() {
	new_test_ext().execute_with(|| {
		// The largest that fits: MAX_COMMIT_PERIOD exactly.
		let fits = (MAX_COMMIT_PERIOD - COMMIT_PERIOD) * COMMIT_UNITS_PER_BLOCK;
		let mut largest = spec();
		largest.frame_count = (fits / 4) as u32;
		let task = NextTaskIndex::<Test>::get();
		let fee = Render::min_fee(fits, Verification::Majority);
		assert_eq!(Render::post_task(RuntimeOrigin::signed(POSTER), largest.clone(), fee), Ok(()));
		run_to(DRAWN_AT);
		assert_eq!(Tasks::<Test>::get(task).unwrap().deadline, DRAWN_AT + MAX_COMMIT_PERIOD);

		// Four more frames (16 units) need a block more than that.
		largest.frame_count += 4;
		assert_noop!(
			Render::post_task(RuntimeOrigin::signed(POSTER), largest, FEE),
			Error::<Test>::TaskTooLarge
		);
	});
}
