//! Deadlines: no-shows are slashed and recorded, commit-phase no-shows replaced by fresh
//! workers, and a task that cannot be staffed is refunded.

use super::mock::*;
use crate::{pallet::*, Event as RenderEvent, Outcome, RefundReason, TaskPhase};

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
fn a_reveal_no_show_is_slashed_and_the_rest_decide() {
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
		assert_eq!(bond_of(workers[2]), BOND - BOND / 100);
		assert!(outcomes().contains(&(workers[2], Outcome::Missed)));
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
