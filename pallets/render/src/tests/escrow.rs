//! Settlement and conservation: a task is paid once, escrow in = paid + burned + refunded,
//! and total issuance moves only by minted rewards and burns.

use super::mock::*;
use crate::{pallet::*, Event as RenderEvent, TaskPhase};
use playnet_primitives::Hash32;
use polkadot_sdk::frame_support::traits::fungible::InspectHold;

/// The formula gives work_units 8 x floor(10 x rate 750 / 1000) = 56 (one open task, four
/// eligible workers, k = 3: the rate is 3 x 1000 / 4 = 750 permille), above the slot's cap of
/// MintShare 9% x FEE 1000 / k 3 = 30; full reputation keeps all of the 30.
const REWARD: Balance = 30;

fn accepted_task() -> (crate::TaskIndex, Vec<AccountId>) {
	let task = post();
	let workers = workers_of(task);
	let root = correct_result(task).root;
	commit_and_reveal(task, &[root, root, root]);
	(task, workers)
}

#[test]
fn a_task_is_paid_exactly_once_at_the_end_of_the_fraud_window() {
	new_test_ext().execute_with(|| {
		let (task, workers) = accepted_task();
		let before: Vec<Balance> = workers.iter().map(|who| free(*who)).collect();

		run_to(DRAWN_AT + FRAUD_WINDOW);
		assert_eq!(Tasks::<Test>::get(task).unwrap().phase, TaskPhase::Accepted, "not yet");
		assert_eq!(free(workers[0]), before[0]);

		run_to(DRAWN_AT + 1 + FRAUD_WINDOW);
		assert!(Tasks::<Test>::get(task).is_none());
		run_to(10 * FRAUD_WINDOW);

		for (who, before) in workers.iter().zip(before) {
			assert_eq!(
				free(*who),
				before + 300 + REWARD,
				"a third of 90% of the fee, plus the mint"
			);
			assert_eq!(Render::rewards_earned(who), 300 + REWARD);
		}
		let rewards = render_events()
			.into_iter()
			.filter(|event| matches!(event, RenderEvent::WorkerRewarded { .. }))
			.count();
		assert_eq!(rewards, 3, "one payment per signer, once");
		assert!(render_events().contains(&RenderEvent::TaskSettled {
			task,
			paid: 900,
			burned: 100,
			minted: 3 * REWARD,
		}));
	});
}

#[test]
fn the_remainder_of_the_split_is_burned() {
	new_test_ext().execute_with(|| {
		let task = post();
		let workers = workers_of(task);
		let root = correct_result(task).root;
		commit_and_reveal(task, &[root, Hash32::of(b"dissent"), root]);
		run_to(DRAWN_AT + 1 + FRAUD_WINDOW);
		assert!(render_events().contains(&RenderEvent::TaskSettled {
			task,
			paid: 900,
			burned: 100,
			minted: 2 * REWARD,
		}));
		assert_eq!(Render::rewards_earned(&workers[1]), 0, "the dissenter earns nothing");
	});
}

#[test]
fn escrow_in_equals_paid_plus_burned_plus_refunded_and_issuance_moves_by_mint_and_burn() {
	new_test_ext().execute_with(|| {
		let issuance = Balances::total_issuance();
		// Settled with a dissenter.
		let settled = post();
		let root = correct_result(settled).root;
		commit_and_reveal(settled, &[root, Hash32::of(b"x"), root]);
		// Refunded: no majority.
		let split = post();
		commit_and_reveal(split, &[Hash32::of(b"a"), Hash32::of(b"b"), Hash32::of(b"c")]);
		// Refunded: nobody commits and too few fresh workers.
		let abandoned = post();
		// Settled, with an odd fee.
		let odd = post_with_fee(1_001);
		let root = correct_result(odd).root;
		commit_and_reveal(odd, &[root, root, root]);

		run_to(4 * FRAUD_WINDOW);
		for task in [settled, split, abandoned, odd] {
			assert!(Tasks::<Test>::get(task).is_none(), "task {task} ended");
		}

		let (mut escrow_in, mut paid, mut burned, mut refunded, mut minted) = (0, 0, 0, 0, 0);
		for event in render_events() {
			match event {
				RenderEvent::TaskPosted { fee, .. } => escrow_in += fee,
				RenderEvent::TaskSettled { paid: p, burned: b, minted: m, .. } => {
					paid += p;
					burned += b;
					minted += m;
				}
				RenderEvent::TaskRefunded { amount, .. } => refunded += amount,
				_ => {}
			}
		}
		assert_eq!(escrow_in, 3 * FEE + 1_001);
		assert_eq!(escrow_in, paid + burned + refunded);
		assert_eq!(refunded, 2 * FEE);
		assert_eq!(
			Balances::balance_on_hold(&RuntimeHoldReason::Render(HoldReason::TaskEscrow), &POSTER),
			0
		);
		assert!(minted > 0 && burned > 0);
		assert_eq!(Balances::total_issuance(), issuance + minted - burned);
	});
}

#[test]
fn the_reward_rate_rises_with_demand() {
	new_test_ext().execute_with(|| {
		// Three more open tasks (waiting on nobody) raise demand before the decision.
		for _ in 0..3 {
			post();
		}
		// A fee whose cap (9% x 20,000 / 3 = 600) leaves the formula's value.
		let task = post_with_fee(20_000);
		let root = correct_result(task).root;
		commit_and_reveal(task, &[root, root, root]);
		// Demand 4 x k 3 x 1000 / supply 4 = 3000, clamped to the 2000 maximum: 8 x 20.
		assert_eq!(Tasks::<Test>::get(task).unwrap().reward_base, 160);
	});
}

#[test]
fn a_task_mints_the_formula_below_its_cap_and_its_cap_above() {
	new_test_ext().execute_with(|| {
		// Fee 3,000: the slot's cap is 9% x 3,000 / 3 = 90, above the formula's 56.
		let rich = post_with_fee(3_000);
		let root = correct_result(rich).root;
		commit_and_reveal(rich, &[root, root, root]);
		let rich_base = Tasks::<Test>::get(rich).unwrap().reward_base;
		run_to(DRAWN_AT + 1 + FRAUD_WINDOW);
		// Fee 100, the floor: the slot's cap is 9% x 100 / 3 = 3, below the formula.
		let poor = post_with_fee(100);
		let root = correct_result(poor).root;
		commit_and_reveal(poor, &[root, root, root]);
		assert_eq!(Tasks::<Test>::get(poor).unwrap().reward_base, 3);
		run_to(2 * (DRAWN_AT + 1 + FRAUD_WINDOW));

		let minted = |task| {
			render_events().into_iter().find_map(|event| match event {
				RenderEvent::TaskSettled { task: t, minted, .. } if t == task => Some(minted),
				_ => None,
			})
		};
		assert_eq!(rich_base, 56, "below the cap, the formula");
		assert_eq!(minted(rich), Some(3 * 56));
		assert_eq!(minted(poor), Some(3 * 3), "at most MintShare of the fee in all");
		assert!(3 * 3 < 100 / 10, "below what the task burns");
	});
}

#[test]
fn the_runtime_api_views_follow_the_task() {
	new_test_ext().execute_with(|| {
		let task = post();
		let view = Render::task_view(task).unwrap();
		assert_eq!(view.poster, POSTER);
		assert_eq!(view.fee, FEE);
		assert_eq!(view.phase, TaskPhase::Committing);
		assert_eq!(view.workers.len(), K as usize);
		run_to(3 * FRAUD_WINDOW);
		assert_eq!(Render::task_view(task), None);
		assert_eq!(Render::task_spec(task), None);
	});
}
