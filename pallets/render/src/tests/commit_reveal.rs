//! Commit, then reveal: the majority decision, and every way a commit or reveal is refused
//! without changing anything.

use super::mock::*;
use crate::{commitment_of, pallet::*, Event as RenderEvent, Outcome, RefundReason, TaskPhase};
use playnet_primitives::Hash32;
use polkadot_sdk::frame_support::assert_noop;

#[test]
fn the_last_commit_opens_reveals_and_the_last_reveal_accepts_the_majority() {
	new_test_ext().execute_with(|| {
		let task = post();
		let workers = workers_of(task);
		let root = correct_result(task).root;
		for who in &workers {
			commit_to(*who, task, root);
		}
		let stored = Tasks::<Test>::get(task).unwrap();
		assert_eq!(stored.phase, TaskPhase::Revealing);
		assert_eq!(stored.deadline, DRAWN_AT + REVEAL_PERIOD);

		for who in &workers {
			reveal(*who, task, root);
		}
		let stored = Tasks::<Test>::get(task).unwrap();
		assert_eq!(stored.phase, TaskPhase::Accepted);
		assert_eq!(stored.accepted_root, Some(root));
		assert_eq!(stored.deadline, DRAWN_AT + FRAUD_WINDOW);
		System::assert_last_event(
			RenderEvent::ResultAccepted {
				task,
				root,
				signers: workers.clone(),
				settle_after: DRAWN_AT + FRAUD_WINDOW,
			}
			.into(),
		);
		assert_eq!(
			outcomes(),
			workers.iter().map(|who| (*who, Outcome::Agreed)).collect::<Vec<_>>()
		);
		for who in &workers {
			assert!(Render::tasks_assigned_to(who).is_empty(), "nothing left to do");
		}
	});
}

#[test]
fn a_dissenter_is_slashed_when_the_result_stands() {
	new_test_ext().execute_with(|| {
		let task = post();
		let workers = workers_of(task);
		let root = correct_result(task).root;
		let other = Hash32::of(b"another root");
		commit_and_reveal(task, &[root, other, root]);

		assert_eq!(Tasks::<Test>::get(task).unwrap().accepted_root, Some(root));
		assert_eq!(Tasks::<Test>::get(task).unwrap().signers(), vec![workers[0], workers[2]]);
		assert_eq!(bond_of(workers[1]), BOND, "not before the result stands");
		run_to(System::block_number() + FRAUD_WINDOW + 1);
		assert!(Tasks::<Test>::get(task).is_none(), "settled");
		assert_eq!(bond_of(workers[1]), BOND - BOND / 20, "DissentSlash is 5%");
		assert!(outcomes().contains(&(workers[1], Outcome::Lost)));
		assert!(render_events().contains(&RenderEvent::DissenterSlashed {
			task,
			worker: workers[1],
			slashed: BOND / 20,
		}));
	});
}

#[test]
fn without_a_majority_the_poster_is_refunded() {
	new_test_ext().execute_with(|| {
		let before = free(POSTER);
		let task = post();
		let roots = [Hash32::of(b"a"), Hash32::of(b"b"), Hash32::of(b"c")];
		commit_and_reveal(task, &roots);

		assert!(Tasks::<Test>::get(task).is_none());
		assert_eq!(free(POSTER), before);
		System::assert_last_event(
			RenderEvent::TaskRefunded {
				task,
				poster: POSTER,
				amount: FEE,
				reason: RefundReason::NoMajority,
			}
			.into(),
		);
		assert!(outcomes().is_empty(), "nobody is judged without a majority");
	});
}

#[test]
fn a_reveal_without_a_commit_fails() {
	new_test_ext().execute_with(|| {
		let task = post();
		let who = workers_of(task)[0];
		assert_noop!(
			Render::reveal(RuntimeOrigin::signed(who), task, correct_result(task).root, salt(who)),
			Error::<Test>::NotCommitted
		);
	});
}

#[test]
fn a_late_reveal_fails() {
	new_test_ext().execute_with(|| {
		let task = post();
		let workers = workers_of(task);
		let root = correct_result(task).root;
		for who in &workers {
			commit_to(*who, task, root);
		}
		// The block after the deadline, before its start ends the phase.
		System::set_block_number(DRAWN_AT + 1 + REVEAL_PERIOD);
		assert_noop!(
			Render::reveal(RuntimeOrigin::signed(workers[0]), task, root, salt(workers[0])),
			Error::<Test>::RevealTooLate
		);
	});
}

#[test]
fn a_reveal_with_the_wrong_salt_fails() {
	new_test_ext().execute_with(|| {
		let task = post();
		let workers = workers_of(task);
		let root = correct_result(task).root;
		for who in &workers {
			commit_to(*who, task, root);
		}
		assert_noop!(
			Render::reveal(RuntimeOrigin::signed(workers[0]), task, root, [0xee; 32]),
			Error::<Test>::CommitmentMismatch
		);
	});
}

#[test]
fn a_copied_commitment_does_not_reveal_for_another_worker() {
	new_test_ext().execute_with(|| {
		let task = post();
		let workers = workers_of(task);
		let root = correct_result(task).root;
		let copied = commitment_of(&root, &salt(workers[0]), &workers[0]);
		for who in &workers {
			assert!(Render::commit(RuntimeOrigin::signed(*who), task, copied).is_ok());
		}
		assert_noop!(
			Render::reveal(RuntimeOrigin::signed(workers[1]), task, root, salt(workers[0])),
			Error::<Test>::CommitmentMismatch
		);
	});
}

#[test]
fn a_worker_slashed_out_of_the_draw_still_finishes_its_other_tasks() {
	new_test_ext().execute_with(|| {
		// Three workers: every task draws all three.
		unbond(WORKERS[3]);
		let first = post();
		let who = workers_of(first)[1];
		let root = correct_result(first).root;
		commit_and_reveal(first, &[root, Hash32::of(b"wrong"), root]);
		let settles_at = Tasks::<Test>::get(first).unwrap().deadline + 1;
		// A second task is drawn, with it, just before the first settles.
		run_to(settles_at - ASSIGN_DELAY - 1);
		let second = post();
		assert!(workers_of(second).contains(&who));
		run_to(settles_at);
		// It lost the first at its settlement, and drops out of the draw (below the minimum).
		assert!(Tasks::<Test>::get(first).is_none());
		unbond(who);
		let after_first = bond_of(who);
		assert_eq!(after_first, BOND - BOND / 20);

		// It still commits and reveals the second, and is paid for it, not slashed again.
		let root = correct_result(second).root;
		commit_and_reveal(second, &[root; 3]);
		assert!(Tasks::<Test>::get(second).unwrap().signers().contains(&who));
		run_to(System::block_number() + FRAUD_WINDOW + 1);
		assert!(Tasks::<Test>::get(second).is_none());
		assert_eq!(bond_of(who), after_first, "one slash, not one per task held");
		assert!(Render::rewards_earned(&who) > 0);
		let outcomes: Vec<Outcome> =
			outcomes().into_iter().filter(|(w, _)| *w == who).map(|(_, o)| o).collect();
		assert_eq!(outcomes, vec![Outcome::Lost, Outcome::Agreed]);
	});
}

/// What the worker with the wrong root loses when it `reveals` it, or withholds it, while
/// the other two reveal the right one: its bond loss and its outcomes.
fn loser_pays(reveals: bool) -> (u128, Vec<Outcome>) {
	new_test_ext().execute_with(|| {
		let task = post();
		let workers = workers_of(task);
		let root = correct_result(task).root;
		let loser = workers[2];
		for (who, root) in workers.iter().zip([root, root, Hash32::of(b"wrong")]) {
			commit_to(*who, task, root);
		}
		reveal(workers[0], task, root);
		reveal(workers[1], task, root);
		if reveals {
			reveal(loser, task, Hash32::of(b"wrong"));
		}
		// To the settlement, where a revealed losing root is slashed.
		while Tasks::<Test>::get(task).is_some() {
			next_block();
		}
		assert!(render_events().iter().any(|event| matches!(
			event,
			RenderEvent::ResultAccepted { root: accepted, .. } if *accepted == root
		)));
		let outcomes =
			outcomes().into_iter().filter(|(w, _)| *w == loser).map(|(_, o)| o).collect();
		(BOND - bond_of(loser), outcomes)
	})
}

#[test]
fn withholding_a_losing_root_costs_no_less_than_revealing_it() {
	let (revealed, revealed_outcomes) = loser_pays(true);
	let (withheld, withheld_outcomes) = loser_pays(false);
	assert_eq!(revealed, BOND * 5 / 100, "DissentSlash");
	assert!(withheld >= revealed, "withholding cost {withheld}, revealing {revealed}");
	assert_eq!(withheld_outcomes, revealed_outcomes, "the same mark on its record");
	assert_eq!(withheld_outcomes, vec![Outcome::Lost]);
}

#[test]
fn only_assigned_workers_commit_and_only_once() {
	new_test_ext().execute_with(|| {
		let task = post();
		let who = workers_of(task)[0];
		let outsider = *WORKERS.iter().find(|w| !workers_of(task).contains(w)).unwrap();
		let commitment = commitment_of(&correct_result(task).root, &salt(who), &who);
		assert_noop!(
			Render::commit(RuntimeOrigin::signed(outsider), task, commitment),
			Error::<Test>::NotAssigned
		);
		assert_noop!(
			Render::commit(RuntimeOrigin::signed(who), task + 1, commitment),
			Error::<Test>::UnknownTask
		);
		commit_to(who, task, correct_result(task).root);
		assert_noop!(
			Render::commit(RuntimeOrigin::signed(who), task, commitment),
			Error::<Test>::AlreadyCommitted
		);
	});
}

#[test]
fn reveals_wait_for_every_commit() {
	new_test_ext().execute_with(|| {
		let task = post();
		let who = workers_of(task)[0];
		commit_to(who, task, correct_result(task).root);
		assert_noop!(
			Render::reveal(RuntimeOrigin::signed(who), task, correct_result(task).root, salt(who)),
			Error::<Test>::RevealsNotOpen
		);
	});
}
