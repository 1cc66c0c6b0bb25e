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
	env.set_setting(crate::AUDIT_SOURCE_URL_KEY, "");
	env.set_setting(crate::RENDER_WORKER_URL_KEY, "");
	let (frame, _) = picked_tile();

	// No request is expected: the mock fails the test on any.
	env.run_ocw();
	let [tx] = env.take_transactions().try_into().expect("one challenge");
	assert_eq!(tx.call, RuntimeCall::Render(pallet_render::Call::challenge { task, frame }));
	env.include(&tx);

	// A signer answers with the forged frame; the next audit reads the evidence from the
	// chain, re-renders the tile and reports the fraud.
	env.ext.execute_with(|| {
		let signer = pallet_render::Tasks::<Test>::get(task).unwrap().workers[0].who.clone();
		let path = playnet_primitives::proof::merkle::merkle_proof(&forged.frame_hashes, frame)
			.unwrap()
			.siblings;
		assert_ok!(Render::answer_challenge(
			RuntimeOrigin::signed(signer),
			task,
			frame,
			BoundedVec::truncate_from(forged.tile_hashes[frame as usize].clone()),
			BoundedVec::truncate_from(path),
		));
	});
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
