//! Deadlines: no-shows are slashed and recorded, commit-phase no-shows replaced by fresh
//! workers, a task that cannot be staffed is refunded; and the schedule itself: any number of
//! deadlines may share a block, each block fires what its budget holds, and no call fails
//! because the schedule is crowded.

use super::mock::*;
use crate::{pallet::*, Event as RenderEvent, Outcome, RefundReason, TaskPhase};
use polkadot_sdk::frame_support::{assert_ok, traits::fungible::Mutate};

#[test]
fn a_commit_no_show_is_slashed_and_replaced_by_a_fresh_worker() {
	new_test_ext().execute_with(|| {
		let task = post();
		let first = workers_of(task);
		let root = correct_result(task).root;
		commit_to(first[0], task, root);
		commit_to(first[1], task, root);

		run_to(DRAWN_AT + 1 + COMMIT_PERIOD);

		assert_eq!(bond_of(first[2]), BOND - BOND / 100, "MissSlash is 1%");
		assert_eq!(outcomes(), vec![(first[2], Outcome::Missed)]);
		assert!(Render::tasks_assigned_to(&first[2]).is_empty());
		let stored = Tasks::<Test>::get(task).unwrap();
		assert_eq!(stored.phase, TaskPhase::Committing);
		assert_eq!(stored.deadline, DRAWN_AT + 1 + 2 * COMMIT_PERIOD, "a fresh commit period");
		let fresh = *WORKERS.iter().find(|who| !first.contains(who)).unwrap();
		assert_eq!(workers_of(task), vec![first[0], first[1], fresh]);
		assert_eq!(Render::tasks_assigned_to(&fresh), vec![task]);
		assert!(stored.workers[0].commitment.is_some(), "earlier commits stand");

		commit_to(fresh, task, root);
		for who in [first[0], first[1], fresh] {
			reveal(who, task, root);
		}
		assert_eq!(Tasks::<Test>::get(task).unwrap().phase, TaskPhase::Accepted);
	});
}

#[test]
fn without_fresh_workers_the_task_is_refunded() {
	new_test_ext().execute_with(|| {
		let before = free(POSTER);
		let task = post();
		let first = workers_of(task);
		commit_to(first[0], task, correct_result(task).root);

		// Two missed: only one fresh worker exists.
		run_to(DRAWN_AT + 1 + COMMIT_PERIOD);

		assert!(Tasks::<Test>::get(task).is_none());
		assert_eq!(free(POSTER), before);
		System::assert_last_event(
			RenderEvent::TaskRefunded {
				task,
				poster: POSTER,
				amount: FEE,
				reason: RefundReason::NoReplacement,
			}
			.into(),
		);
		for who in WORKERS {
			assert!(Render::tasks_assigned_to(&who).is_empty());
		}
	});
}

#[test]
fn a_reveal_no_show_is_slashed_as_a_dissenter_and_the_rest_decide() {
	new_test_ext().execute_with(|| {
		let task = post();
		let workers = workers_of(task);
		let root = correct_result(task).root;
		for who in &workers {
			commit_to(*who, task, root);
		}
		reveal(workers[0], task, root);
		reveal(workers[1], task, root);

		run_to(DRAWN_AT + 1 + REVEAL_PERIOD);

		let stored = Tasks::<Test>::get(task).unwrap();
		assert_eq!(stored.phase, TaskPhase::Accepted);
		assert_eq!(stored.signers(), vec![workers[0], workers[1]]);
		assert_eq!(bond_of(workers[2]), BOND - BOND * 5 / 100, "DissentSlash, not MissSlash");
		assert!(outcomes().contains(&(workers[2], Outcome::Lost)));
		assert!(outcomes().contains(&(workers[0], Outcome::Agreed)));
	});
}

#[test]
fn one_reveal_of_three_is_no_majority() {
	new_test_ext().execute_with(|| {
		let task = post();
		let workers = workers_of(task);
		let root = correct_result(task).root;
		for who in &workers {
			commit_to(*who, task, root);
		}
		reveal(workers[0], task, root);

		run_to(DRAWN_AT + 1 + REVEAL_PERIOD);

		assert!(Tasks::<Test>::get(task).is_none());
		assert!(render_events().contains(&RenderEvent::TaskRefunded {
			task,
			poster: POSTER,
			amount: FEE,
			reason: RefundReason::NoMajority,
		}));
	});
}

/// How many tasks have been drawn.
fn drawn_count(tasks: &[crate::TaskIndex]) -> usize {
	tasks
		.iter()
		.filter(|task| Tasks::<Test>::get(task).is_some_and(|t| t.result_id.is_some()))
		.count()
}

#[test]
fn the_start_of_a_block_spends_at_most_the_deadline_weight_and_the_rest_fire_next() {
	new_test_ext().execute_with(|| {
		// Ten posts in one block: ten draws due at the start of the same block.
		let tasks: Vec<_> = (0..10).map(|_| post_only()).collect();
		run_to(DRAWN_AT - 1);
		System::set_block_number(DRAWN_AT);
		let used = Render::fire_deadlines(DRAWN_AT);
		assert!(used.all_lte(DeadlineWeight::get()), "{used:?} past the budget");
		let first = drawn_count(&tasks);
		assert!(first >= 1 && first < tasks.len(), "{first} of 10 drawn in the first block");
		assert_eq!(DeadlineCursor::<Test>::get(), DRAWN_AT, "the rest wait");

		// The rest fire in the next blocks; none is lost.
		let mut blocks = 0;
		while drawn_count(&tasks) < tasks.len() {
			next_block();
			blocks += 1;
			assert!(blocks <= tasks.len(), "draws stalled");
		}
		assert!(blocks >= 1);
		for task in &tasks {
			assert_eq!(Tasks::<Test>::get(task).unwrap().phase, TaskPhase::Committing);
		}
	});
}

#[test]
fn a_crowded_schedule_never_fails_an_honest_call() {
	new_test_ext().execute_with(|| {
		// An attacker posts more tasks in one block than the old schedule held (32 blocks of
		// 8 deadlines searched 64 blocks ahead), then an honest poster posts one.
		const ATTACKER: AccountId = 66;
		Balances::set_balance(&ATTACKER, 1_000_000);
		for _ in 0..520 {
			assert_ok!(Render::post_task(RuntimeOrigin::signed(ATTACKER), spec(), FEE));
		}
		let honest = post_only();

		// Its draw comes late, but it comes; then the commits that open reveals and the
		// reveals that accept succeed however many deadlines are due.
		while Tasks::<Test>::get(honest).unwrap().result_id.is_none() {
			next_block();
		}
		let root = correct_result(honest).root;
		commit_and_reveal(honest, &[root; 3]);
		assert_eq!(Tasks::<Test>::get(honest).unwrap().accepted_root, Some(root));
		while Tasks::<Test>::get(honest).is_some() {
			next_block();
		}
		assert!(render_events().iter().any(|event| matches!(
			event,
			RenderEvent::TaskSettled { task, .. } if *task == honest
		)));
	});
}

#[test]
fn a_phase_that_ends_early_leaves_no_entry_behind() {
	new_test_ext().execute_with(|| {
		let task = post();
		let entries =
			|| Deadlines::<Test>::iter().map(|(block, t, ())| (block, t)).collect::<Vec<_>>();
		let deadline = |task| Tasks::<Test>::get(task).unwrap().deadline;
		assert_eq!(entries(), vec![(deadline(task) + 1, task)], "the commit deadline");
		let root = correct_result(task).root;
		for who in workers_of(task) {
			commit_to(who, task, root);
		}
		assert_eq!(entries(), vec![(deadline(task) + 1, task)], "the reveal deadline only");
		for who in workers_of(task) {
			reveal(who, task, root);
		}
		assert_eq!(entries(), vec![(deadline(task) + 1, task)], "the settlement only");
		run_to(deadline(task) + 1);
		assert!(entries().is_empty());
	});
}
