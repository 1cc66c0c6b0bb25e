//! The draw cannot be predicted when a task is posted, and a task's result is bound to it:
//! nobody is drawn in the posting block, the draw `AssignDelay` blocks later depends on the
//! randomness of the blocks in between, and the first draw fixes the id every frame hash
//! commits to, so the root accepted for one task is worthless for another of the same spec.

use super::mock::*;
use crate::{pallet::*, Event as RenderEvent, Outcome, RefundReason, TaskPhase};
use polkadot_sdk::{frame_support::assert_ok, sp_runtime::Permill};

#[test]
fn nobody_is_drawn_in_the_posting_block() {
	new_test_ext().execute_with(|| {
		let task = post_only();
		let stored = Tasks::<Test>::get(task).unwrap();
		assert_eq!(stored.phase, TaskPhase::Waiting);
		assert!(stored.ever_assigned.is_empty() && stored.result_id.is_none());
		assert_eq!(Assignments::<Test>::iter().count(), 0);
		assert!(Deadlines::<Test>::contains_key(DRAWN_AT, task));

		run_to(DRAWN_AT - 1);
		assert_eq!(Tasks::<Test>::get(task).unwrap().phase, TaskPhase::Waiting, "not yet");
		run_to(DRAWN_AT);
		let stored = Tasks::<Test>::get(task).unwrap();
		assert_eq!(stored.phase, TaskPhase::Committing);
		assert_eq!(workers_of(task).len(), K as usize);
		assert!(stored.result_id.is_some());
	});
}

/// The workers drawn for a task posted in block 1 when the randomness is `at_posting` up to
/// the post and `after` from the next block on.
fn drawn(at_posting: u8, after: u8) -> Vec<AccountId> {
	new_test_ext().execute_with(|| {
		// Eight workers of equal weight: 56 possible sets of three.
		for who in 20..24 {
			bond(who, BOND, Permill::one());
		}
		set_random(at_posting);
		let task = post_only();
		set_random(after);
		run_to(DRAWN_AT);
		let mut workers = workers_of(task);
		workers.sort();
		workers
	})
}

#[test]
fn a_draw_predicted_from_the_chain_at_posting_fails_once_later_blocks_bring_randomness() {
	// A poster that wants its own accounts drawn reads everything on chain when it posts,
	// randomness included, and predicts the draw as if nothing new came in: it simulates
	// the blocks to the draw with the randomness of the posting block.
	let mut wrong = 0;
	for seed in 0..16u8 {
		let predicted = drawn(seed, seed);
		let actual = drawn(seed, seed.wrapping_add(100));
		assert_eq!(predicted.len(), K as usize);
		if predicted != actual {
			wrong += 1;
		}
	}
	// When the draw happened at posting, the prediction was right every time.
	assert!(wrong >= 8, "the prediction failed only {wrong} times in 16");
}

#[test]
fn an_earlier_root_is_worthless_for_a_later_task_of_the_same_spec() {
	new_test_ext().execute_with(|| {
		let first = post();
		let earlier_root = correct_result(first).root;
		commit_and_reveal(first, &[earlier_root; 3]);
		assert_eq!(Tasks::<Test>::get(first).unwrap().accepted_root, Some(earlier_root));

		// The same spec again: a lazy worker commits the accepted root it saw on chain.
		let second = post();
		let own_root = correct_result(second).root;
		assert_ne!(result_id_of(first), result_id_of(second));
		assert_ne!(earlier_root, own_root, "the same spec, another root");
		let workers = workers_of(second);
		let lazy = workers[1];
		commit_and_reveal(second, &[own_root, earlier_root, own_root]);

		assert_eq!(Tasks::<Test>::get(second).unwrap().accepted_root, Some(own_root));
		run_to(System::block_number() + FRAUD_WINDOW + 1);
		assert!(outcomes().contains(&(lazy, Outcome::Lost)));
		assert!(bond_of(lazy) < BOND, "the copier is slashed");
		assert!(render_events().iter().any(|event| matches!(
			event,
			RenderEvent::DissenterSlashed { task, worker, .. } if *task == second && *worker == lazy
		)));
	});
}

#[test]
fn a_fraud_proof_from_another_task_of_the_same_spec_does_not_place_its_tile() {
	new_test_ext().execute_with(|| {
		let first = post();
		let second = post();
		let wrong_second = wrong_result(second);
		commit_and_reveal(second, &[wrong_second.root; 3]);
		// The proof of task 0's result (the same wrong tile) is not under task 1's root.
		let wrong_first = wrong_result(first);
		assert_eq!(
			Render::report_fraud(
				RuntimeOrigin::signed(REPORTER),
				second,
				wrong_first.tile_proof(0, 1).unwrap(),
				wrong_first.tile_hashes[0][1],
				chunk_bytes(),
			),
			Err(Error::<Test>::BadMerklePath.into())
		);
		assert_ok!(Render::report_fraud(
			RuntimeOrigin::signed(REPORTER),
			second,
			wrong_second.tile_proof(0, 1).unwrap(),
			wrong_second.tile_hashes[0][1],
			chunk_bytes(),
		));
	});
}

#[test]
fn the_result_id_is_fixed_at_the_first_draw_and_kept_through_replacements() {
	new_test_ext().execute_with(|| {
		bond(20, BOND, Permill::one());
		let task = post();
		let id = result_id_of(task);
		let first = workers_of(task);
		// Two commit; the third misses and is replaced by the fifth worker.
		let root = correct_result(task).root;
		commit_to(first[0], task, root);
		commit_to(first[1], task, root);
		run_to(DRAWN_AT + 1 + COMMIT_PERIOD);
		assert_ne!(workers_of(task), first, "a replacement was drawn");
		assert_eq!(result_id_of(task), id);
	});
}

#[test]
fn a_task_drawn_with_too_few_workers_and_a_full_queue_is_refunded() {
	new_test_ext().execute_with(|| {
		for worker in WORKERS {
			unbond(worker);
		}
		// Five posts in one block: the queue (four places) is empty when each is posted.
		let tasks: Vec<_> = (0..5).map(|_| post_only()).collect();
		let before = free(POSTER);
		run_to(DRAWN_AT);
		let queued = WaitingTasks::<Test>::get().into_inner();
		assert_eq!(queued.len(), 4);
		let refunded: Vec<_> = tasks.iter().filter(|task| !queued.contains(task)).collect();
		let [refunded] = refunded.as_slice() else { panic!("one left out: {refunded:?}") };
		assert!(Tasks::<Test>::get(**refunded).is_none());
		assert_eq!(free(POSTER), before + FEE, "the fee of the one left out went back");
		assert!(render_events().contains(&RenderEvent::TaskRefunded {
			task: **refunded,
			poster: POSTER,
			amount: FEE,
			reason: RefundReason::QueueFull,
		}));
	});
}
