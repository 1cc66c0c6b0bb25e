//! Posting work to oneself does not pay. An attacker holding a share of the stake posts tasks
//! with the lowest fee the chain takes, of the size that mints the most, and renders them
//! honestly whenever its own accounts are drawn; honest workers hold the rest of the stake.
//! Over many tasks it ends with less than it started with, at every share of the stake, even
//! with all of it. (With minting by size alone, a 1-PGT-floor task of the largest size minted
//! its signers many times its fee, and the attacker came out ahead at 10% of the stake.)

use super::mock::*;
use crate::{pallet::*, work_units, TaskIndex, Verification};
use playnet_primitives::{
	proof::tile::frame_tile_hashes, render::frame::render_frame, Hash32, RenderSpec, Scene,
	TaskResult,
};
use polkadot_sdk::{
	frame_support::{
		assert_ok,
		traits::fungible::{InspectHold, Mutate},
	},
	sp_runtime::Permill,
};
use std::sync::OnceLock;

/// The attacker's bonded accounts; its poster is [`POSTER`].
const ATTACKER: [AccountId; 3] = [40, 41, 42];
/// The honest workers.
const HONEST: [AccountId; 10] = [20, 21, 22, 23, 24, 25, 26, 27, 28, 29];
/// The honest workers' stake, in all.
const HONEST_STAKE: u128 = 1_000_000;
const TASKS: u32 = 60;

/// The largest spec the mock's commit period allows: 60 frames of 4 tiles, 240 work units.
fn large_spec() -> RenderSpec {
	let mut spec = spec();
	spec.frame_count = 60;
	spec
}

/// The tile hashes of [`large_spec`]'s frames, rendered once.
fn large_tiles() -> &'static Vec<Vec<Hash32>> {
	static TILES: OnceLock<Vec<Vec<Hash32>>> = OnceLock::new();
	TILES.get_or_init(|| {
		let spec = large_spec();
		let scene = Scene::from_encoded(&spec, &scene().1).expect("a valid scene");
		(0..spec.frame_count)
			.map(|frame| {
				let pixels = render_frame(&scene, &spec, frame);
				frame_tile_hashes(&pixels.pixels, spec.width, spec.height)
			})
			.collect()
	})
}

/// Everything the attacker owns: its poster's balance (free and held) and its workers'
/// balances and bonds.
fn attacker_wealth() -> Balance {
	let held =
		Balances::balance_on_hold(&RuntimeHoldReason::Render(HoldReason::TaskEscrow), &POSTER);
	ATTACKER.iter().map(|who| free(*who) + bond_of(*who)).sum::<Balance>() + free(POSTER) + held
}

/// What the attacker did over [`TASKS`] tasks at `share_percent` of the stake.
struct Farm {
	fees: Balance,
	slots_held: u32,
	net: i128,
}

/// Bonds the attacker at `share_percent` of the stake (the honest workers the rest, all at
/// full reputation, so weight follows stake), then has it post [`TASKS`] tasks to itself with
/// the lowest fee for `verification` and render every one honestly (answering the spot check
/// of an optimistic one).
fn farm(share_percent: u32, seed: u8, verification: Verification) -> Farm {
	set_random(seed);
	let attacker_stake = if share_percent >= 100 {
		HONEST_STAKE
	} else {
		HONEST_STAKE * u128::from(share_percent) / u128::from(100 - share_percent)
	};
	for who in ATTACKER {
		bond(who, attacker_stake / ATTACKER.len() as u128, Permill::one());
		Balances::set_balance(&who, 1_000);
	}
	if share_percent < 100 {
		for who in HONEST {
			bond(who, HONEST_STAKE / HONEST.len() as u128, Permill::one());
			Balances::set_balance(&who, 1_000);
		}
	}

	let spec = large_spec();
	let fee = Render::min_fee(work_units(&spec), verification);
	let k = verification.workers(K);
	let before = attacker_wealth();
	let mut slots_held = 0;
	for _ in 0..TASKS {
		let task: TaskIndex = NextTaskIndex::<Test>::get();
		assert_ok!(Render::post_task_verified(
			RuntimeOrigin::signed(POSTER),
			spec.clone(),
			fee,
			verification
		));
		run_to(System::block_number() + ASSIGN_DELAY);
		let workers = workers_of(task);
		assert_eq!(workers.len(), k as usize, "drawn");
		slots_held += workers.iter().filter(|who| ATTACKER.contains(who)).count() as u32;
		let result = TaskResult::new(result_id_of(task), large_tiles().clone());
		commit_and_reveal(task, &[result.root; 3]);
		if verification == Verification::Optimistic {
			run_to(System::block_number() + ASSIGN_DELAY);
			answer_spot_check(task, workers[0], &result);
		}
		run_to(System::block_number() + FRAUD_WINDOW + 2);
		assert!(Tasks::<Test>::get(task).is_none(), "task {task} settled");
	}
	let net = attacker_wealth() as i128 - before as i128;
	println!(
		"attacker at {share_percent}% of the stake, seed {seed}: {TASKS} tasks of {} units at \
		 fee {fee}, {slots_held} of {} worker slots held, net {net}",
		work_units(&spec),
		TASKS * k,
	);
	Farm { fees: fee * Balance::from(TASKS), slots_held, net }
}

#[test]
fn an_attacker_farming_its_own_tasks_ends_poorer_at_any_share_of_the_stake() {
	let seed = 0x5e;
	for verification in [Verification::Majority, Verification::Optimistic] {
		for share in [10, 33, 49] {
			new_test_ext_without_workers().execute_with(|| {
				let farm = farm(share, seed, verification);
				assert!(farm.slots_held > 0, "the attacker was drawn at {share}%");
				assert!(
					farm.net < 0,
					"{verification:?} at {share}%: the attacker gained {}",
					farm.net
				);
				// Each held slot returns at most (F - burned) / k + MintShare x F / k of the F
				// paid.
				assert!(farm.net.unsigned_abs() < farm.fees, "the loss is bounded by the fees");
			});
		}
	}
}

#[test]
fn an_attacker_holding_every_slot_loses_the_burn_less_the_mint_on_every_task() {
	new_test_ext_without_workers().execute_with(|| {
		let farm = farm(100, 0x5e, Verification::Majority);
		assert_eq!(farm.slots_held, TASKS * K);
		// Fee 1,200: 120 burned, 1,080 paid back, 3 x floor(9% x 1,200 / 3) = 108 minted.
		assert_eq!(Render::min_fee(240, Verification::Majority), 1_200);
		assert_eq!(farm.net, -(i128::from(TASKS) * 12));
	});
}

#[test]
fn an_attacker_posting_optimistic_tasks_to_itself_loses_the_burn_less_the_mint() {
	new_test_ext_without_workers().execute_with(|| {
		let farm = farm(100, 0x5e, Verification::Optimistic);
		assert_eq!(farm.slots_held, TASKS, "one slot per task, always the attacker's");
		// Fee 40% of 1,200 = 480: 48 burned, 432 paid back, floor(9% x 480) = 43 minted.
		assert_eq!(Render::min_fee(240, Verification::Optimistic), 480);
		assert_eq!(farm.net, -(i128::from(TASKS) * 5));
	});
}
