//! Audits of accepted results.

use super::mock::*;
use crate::{audit::pick, AUDIT_KEY};
use pallet_render::{commitment_of, TaskIndex, TaskPhase};
use playnet_primitives::{proof::tile::tile_count, Hash32, TaskResult};
use polkadot_sdk::frame_support::{assert_ok, BoundedVec};

const SEED: [u8; 32] = [5; 32];

/// A chain where the node only audits (its key is no worker) and the three workers had
/// `accepted` (of the task's result id) accepted for the test spec. Returns the result too.
fn accepted(accepted: fn(Hash32) -> TaskResult) -> (Env, TaskIndex, TaskResult) {
	let mut env = Env::with_workers(false);
	// Unset: audits follow the node's validator role (the test externalities are a validator).
	env.set_setting(AUDIT_KEY, "");
	env.set_seed(SEED);
	let task = env.post_task();
	let accepted = accepted(env.result_id(task));
	env.ext.execute_with(|| {
		let workers: Vec<_> = pallet_render::Tasks::<Test>::get(task)
			.unwrap()
			.workers
			.iter()
			.map(|s| s.who.clone())
			.collect();
		for who in &workers {
			let commitment = commitment_of(&accepted.root, &[1; 32], who);
			assert_ok!(Render::commit(RuntimeOrigin::signed(who.clone()), task, commitment));
		}
		for who in &workers {
			assert_ok!(Render::reveal(
				RuntimeOrigin::signed(who.clone()),
				task,
				accepted.root,
				[1; 32]
			));
		}
		assert_eq!(pallet_render::Tasks::<Test>::get(task).unwrap().phase, TaskPhase::Accepted);
	});
	env.next_block();
	(env, task, accepted)
}

/// The tile the audit picks with [`SEED`] from one candidate.
fn picked_tile() -> (u32, u32) {
	let spec = spec();
	let (_, frame, tile) = pick(&SEED, 1, spec.frame_count, tile_count(spec.width, spec.height));
	(frame, tile)
}

/// The test spec's other frame (it has two).
fn other_frame(frame: u32) -> u32 {
	1 - frame
}

/// The poster challenges `frame` of `task`.
fn challenge(env: &mut Env, task: TaskIndex, frame: u32) {
	env.ext.execute_with(|| {
		assert_ok!(Render::challenge(RuntimeOrigin::signed(account_of(POSTER_SEED)), task, frame));
	});
}

/// A signer answers the challenge of `frame` of `task` with `result`'s frame.
fn answer(env: &mut Env, task: TaskIndex, frame: u32, result: &TaskResult) {
	env.ext.execute_with(|| {
		let signer = pallet_render::Tasks::<Test>::get(task).unwrap().workers[0].who.clone();
		let path = playnet_primitives::proof::merkle::merkle_proof(&result.frame_hashes, frame)
			.unwrap()
			.siblings;
		assert_ok!(Render::answer_challenge(
			RuntimeOrigin::signed(signer),
			task,
			frame,
			BoundedVec::truncate_from(result.tile_hashes[frame as usize].clone()),
			BoundedVec::truncate_from(path),
		));
	});
}

/// Unsets the audit source and the render worker: nothing but the chain shows a tile.
fn without_source(env: &mut Env) {
	env.set_setting(crate::AUDIT_SOURCE_URL_KEY, "");
	env.set_setting(crate::RENDER_WORKER_URL_KEY, "");
}

fn proof_path(result: &TaskResult, frame: u32, tile: u32) -> String {
	format!("/jobs/{}/proof?frame={frame}&tile={tile}", job_id(result.task_id))
}

#[test]
fn a_forged_tile_is_reported_as_fraud() {
	let (mut env, task, forged) = accepted(forged_result);
	let (frame, tile) = picked_tile();
	let path = proof_path(&forged, frame, tile);
	env.expect("GET", &path, vec![], &proof_answer(&forged, frame, tile));

	env.run_ocw();

	let [tx] = env.take_transactions().try_into().expect("one fraud report");
	assert_eq!(tx.signer, env.local);
	let RuntimeCall::Render(pallet_render::Call::report_fraud {
		task: reported,
		ref proof,
		claimed_tile_hash,
		ref chunks,
	}) = tx.call
	else {
		panic!("expected report_fraud, got {:?}", tx.call);
	};
	assert_eq!(reported, task);
	assert_eq!(*proof, forged.tile_proof(frame, tile).unwrap());
	assert_eq!(claimed_tile_hash, forged.tile_hashes[frame as usize][tile as usize]);
	assert_eq!(chunks.len(), scene().1.len());
	// The chain agrees: the result is overturned.
	env.include(&tx);
	env.ext.execute_with(|| assert!(pallet_render::Tasks::<Test>::get(task).is_none()));
}

#[test]
fn a_correct_tile_is_not_reported() {
	let (mut env, _, correct) = accepted(correct_result);
	let (frame, tile) = picked_tile();
	let path = proof_path(&correct, frame, tile);
	env.expect("GET", &path, vec![], &proof_answer(&correct, frame, tile));

	env.run_ocw();

	assert!(env.take_transactions().is_empty());
}

#[test]
fn a_proof_under_another_root_is_not_believed_and_the_frame_is_challenged() {
	let (mut env, task, forged) = accepted(forged_result);
	let (frame, tile) = picked_tile();
	// The source rendered the task honestly: its tiles are not the accepted result's.
	let correct = correct_result(forged.task_id);
	env.expect(
		"GET",
		&proof_path(&forged, frame, tile),
		vec![],
		&proof_answer(&correct, frame, tile),
	);

	env.run_ocw();

	let [tx] = env.take_transactions().try_into().expect("one challenge");
	assert_eq!(tx.call, RuntimeCall::Render(pallet_render::Call::challenge { task, frame }));
}

#[test]
fn without_evidence_or_a_source_the_audit_challenges_the_frame_and_then_uses_the_evidence() {
	let (mut env, task, forged) = accepted(forged_result);
	without_source(&mut env);
	let (frame, _) = picked_tile();

	// No request is expected: the mock fails the test on any.
	env.run_ocw();
	let [tx] = env.take_transactions().try_into().expect("one challenge");
	assert_eq!(tx.call, RuntimeCall::Render(pallet_render::Call::challenge { task, frame }));
	env.include(&tx);

	// A signer answers with the forged frame; the next audit reads the evidence from the
	// chain, re-renders the tile and reports the fraud.
	answer(&mut env, task, frame, &forged);
	env.next_block();
	env.run_ocw();
	let [tx] = env.take_transactions().try_into().expect("one fraud report");
	let RuntimeCall::Render(pallet_render::Call::report_fraud { task: reported, .. }) =
		tx.call.clone()
	else {
		panic!("expected report_fraud, got {:?}", tx.call);
	};
	assert_eq!(reported, task);
	env.include(&tx);
	env.ext.execute_with(|| assert!(pallet_render::Tasks::<Test>::get(task).is_none()));
}

#[test]
fn a_node_with_audits_off_does_not_audit() {
	let (mut env, ..) = accepted(forged_result);
	env.set_setting(AUDIT_KEY, "off");

	// No request is expected: the mock fails the test on any.
	env.run_ocw();

	assert!(env.take_transactions().is_empty());
}

#[test]
fn a_result_with_evidence_is_audited_on_an_evidenced_frame_instead_of_challenged_again() {
	let (mut env, task, forged) = accepted(forged_result);
	without_source(&mut env);
	let (picked, tile) = picked_tile();
	let evidenced = other_frame(picked);
	challenge(&mut env, task, evidenced);
	answer(&mut env, task, evidenced, &forged);
	env.next_block();

	// No request is expected: the mock fails the test on any.
	env.run_ocw();

	let [tx] = env.take_transactions().try_into().expect("one fraud report, no challenge");
	let RuntimeCall::Render(pallet_render::Call::report_fraud { ref proof, .. }) = tx.call else {
		panic!("expected report_fraud, got {:?}", tx.call);
	};
	assert_eq!((proof.frame, proof.tile), (evidenced, tile));
	env.include(&tx);
	env.ext.execute_with(|| assert!(pallet_render::Tasks::<Test>::get(task).is_none()));
}

#[test]
fn a_result_with_an_open_challenge_is_not_challenged_again() {
	let (mut env, task, _) = accepted(forged_result);
	without_source(&mut env);
	let (picked, _) = picked_tile();
	challenge(&mut env, task, other_frame(picked));
	env.next_block();

	// No request is expected: the mock fails the test on any.
	env.run_ocw();

	assert!(env.take_transactions().is_empty());
}

#[test]
fn an_evidenced_frame_is_drawn_at_random() {
	let draws: std::collections::BTreeSet<usize> =
		(0..32u8).map(|byte| crate::audit::pick_evidenced(&[byte; 32], 4)).collect();
	assert_eq!(draws, (0..4).collect());
}

#[test]
fn an_optimistic_result_is_left_to_the_chains_spot_check() {
	let mut env = Env::with_workers(false);
	env.set_setting(AUDIT_KEY, "");
	env.set_seed(SEED);
	let task = env.ext.execute_with(|| {
		let index = pallet_render::NextTaskIndex::<Test>::get();
		assert_ok!(Render::post_task_verified(
			RuntimeOrigin::signed(account_of(POSTER_SEED)),
			spec(),
			FEE,
			pallet_render::Verification::Optimistic
		));
		index
	});
	env.next_block();
	let forged = forged_result(env.result_id(task));
	env.ext.execute_with(|| {
		let worker = pallet_render::Tasks::<Test>::get(task).unwrap().workers[0].who.clone();
		let commitment = commitment_of(&forged.root, &[1; 32], &worker);
		assert_ok!(Render::commit(RuntimeOrigin::signed(worker.clone()), task, commitment));
		assert_ok!(Render::reveal(RuntimeOrigin::signed(worker), task, forged.root, [1; 32]));
		assert_eq!(pallet_render::Tasks::<Test>::get(task).unwrap().phase, TaskPhase::Accepted);
	});
	env.next_block();
	env.next_block();

	// No request and no transaction (the mock fails the test on any request): the runtime
	// renders the spot check's tile itself, the audit an optimistic task is priced for.
	env.run_ocw();

	assert!(env.take_transactions().is_empty());
	env.ext.execute_with(|| {
		assert!(pallet_render::Tasks::<Test>::get(task).unwrap().spot_check.is_some());
	});
}
