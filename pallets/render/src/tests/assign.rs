//! Assignment: weighted by stake x reputation, deterministic given the randomness, never one
//! account twice for a task.

use super::mock::*;
use crate::pallet::*;
use polkadot_sdk::sp_runtime::Permill;

#[test]
fn the_draw_is_deterministic_given_the_randomness() {
	let draw = |seed: u8| {
		new_test_ext().execute_with(|| {
			set_random(seed);
			let task = post();
			workers_of(task)
		})
	};
	assert_eq!(draw(1), draw(1));
	let draws: Vec<_> = (0..8).map(draw).collect();
	assert!(draws.windows(2).any(|pair| pair[0] != pair[1]), "the seed changes the draw");
}

#[test]
fn a_worker_without_weight_is_never_drawn() {
	new_test_ext().execute_with(|| {
		bond(WORKERS[3], BOND, Permill::zero());
		for seed in 0..20 {
			set_random(seed);
			let task = post();
			assert!(!workers_of(task).contains(&WORKERS[3]), "seed {seed}");
		}
	});
}

#[test]
fn heavier_workers_are_drawn_more_often() {
	new_test_ext().execute_with(|| {
		// Six workers: 20 and 21 weigh a hundred times the others.
		bond(20, BOND * 100, Permill::one());
		bond(21, BOND * 100, Permill::one());
		let mut heavy = 0;
		for seed in 0..30 {
			set_random(seed);
			let task = post();
			heavy += workers_of(task).iter().filter(|who| **who >= 20).count();
		}
		assert!(heavy >= 50, "the two heavy workers take most of 60 possible slots: {heavy}");
	});
}

#[test]
fn a_worker_never_gets_the_same_task_twice_even_after_reassignment() {
	new_test_ext().execute_with(|| {
		bond(14, BOND, Permill::one());
		let task = post();
		let first = workers_of(task);
		// Nobody commits: all three are replaced by the two fresh workers left... which is
		// too few, so the task is refunded instead of reassigning anyone twice.
		run_to(DRAWN_AT + 1 + COMMIT_PERIOD);
		assert!(Tasks::<Test>::get(task).is_none());

		let task = post();
		let first_round = workers_of(task);
		// One worker misses; it is replaced by a fresh one.
		for who in &first_round[..2] {
			commit_to(*who, task, correct_result(task).root);
		}
		run_to(System::block_number() + COMMIT_PERIOD + 1);
		let stored = Tasks::<Test>::get(task).expect("reassigned, not refunded");
		let second_round = workers_of(task);
		assert!(!second_round.contains(&first_round[2]), "the no-show is not drawn again");
		let mut ever = stored.ever_assigned.to_vec();
		ever.sort();
		ever.dedup();
		assert_eq!(ever.len(), stored.ever_assigned.len(), "nobody assigned twice");
		assert_eq!(stored.ever_assigned.len(), 4);
		let _ = first;
	});
}
