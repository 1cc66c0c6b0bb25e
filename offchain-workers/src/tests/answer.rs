//! Answering challenges of results the node's account signed.

use super::mock::*;
use pallet_render::{commitment_of, TaskIndex, TaskPhase};
use playnet_primitives::{Hash32, TaskResult};
use polkadot_sdk::frame_support::{assert_ok, BoundedVec};

/// The frame the tests challenge (the test spec has two).
const FRAME: u32 = 1;

/// A chain where the three workers (the node's account among them) revealed for the test
/// spec and the correct result was accepted; the node's account revealed the correct root
/// when `local_signs`, a forged one otherwise. Returns the accepted result too.
fn accepted(local_signs: bool) -> (Env, TaskIndex, TaskResult) {
	let mut env = Env::new();
	let task = env.post_task();
	let id = env.result_id(task);
	let correct = correct_result(id);
	let local = env.local.clone();
	env.ext.execute_with(|| {
		let workers: Vec<_> = pallet_render::Tasks::<Test>::get(task)
			.unwrap()
			.workers
			.iter()
			.map(|slot| slot.who.clone())
			.collect();
		let root_of = |who: &AccountId| {
			if *who == local && !local_signs {
				forged_result(id).root
			} else {
				correct.root
			}
		};
		for who in &workers {
			let commitment = commitment_of(&root_of(who), &[1; 32], who);
			assert_ok!(Render::commit(RuntimeOrigin::signed(who.clone()), task, commitment));
		}
		for who in &workers {
			assert_ok!(Render::reveal(
				RuntimeOrigin::signed(who.clone()),
				task,
				root_of(who),
				[1; 32]
			));
		}
		let task = pallet_render::Tasks::<Test>::get(task).unwrap();
		assert_eq!(task.phase, TaskPhase::Accepted);
		assert_eq!(task.accepted_root, Some(correct.root));
	});
	env.next_block();
	(env, task, correct)
}

/// The poster challenges `frame` of `task`; returns the challenge's deadline.
fn challenge(env: &mut Env, task: TaskIndex, frame: u32) -> u64 {
	env.ext.execute_with(|| {
		assert_ok!(Render::challenge(RuntimeOrigin::signed(account_of(POSTER_SEED)), task, frame));
		pallet_render::Challenges::<Test>::get(task, frame).unwrap().deadline
	})
}

fn evidence_path(id: Hash32, frame: u32) -> String {
	format!("/jobs/{}/evidence?frame={frame}", job_id(id))
}

fn not_found(id: Hash32) -> String {
	format!(r#"{{"error":"no job {}"}}"#, job_id(id))
}

fn answered_frame(tx: &SignedTx) -> (TaskIndex, u32) {
	match tx.call {
		RuntimeCall::Render(pallet_render::Call::answer_challenge { task, frame, .. }) => {
			(task, frame)
		}
		ref other => panic!("expected answer_challenge, got {other:?}"),
	}
}

#[test]
fn a_challenge_of_a_signed_result_is_answered_with_the_render_workers_evidence() {
	let (mut env, task, result) = accepted(true);
	let local = env.local.clone();
	env.ext.execute_with(|| {
		assert!(
			!pallet_render::Assignments::<Test>::contains_key(&local, task),
			"the task left the node's assignments at acceptance"
		);
	});
	challenge(&mut env, task, FRAME);
	let id = result.task_id;
	env.expect("GET", &evidence_path(id, FRAME), vec![], &evidence_answer(&result, FRAME));

	env.run_ocw();

	let [tx] = env.take_transactions().try_into().expect("one answer");
	assert_eq!(tx.signer, env.local);
	assert_eq!(answered_frame(&tx), (task, FRAME));
	// The chain takes it.
	env.include(&tx);
	env.ext.execute_with(|| {
		let evidence = pallet_render::Evidence::<Test>::get(task, FRAME).expect("evidence");
		assert_eq!(evidence.tile_hashes.to_vec(), result.tile_hashes[FRAME as usize]);
		let challenge = pallet_render::Challenges::<Test>::get(task, FRAME).unwrap();
		assert_eq!(challenge.answered_by, Some(local.clone()));
		assert!(System::events().iter().any(|record| record.event
			== RuntimeEvent::Render(pallet_render::Event::ChallengeAnswered {
				task,
				frame: FRAME,
				signer: local.clone(),
			})));
	});
}

#[test]
fn evidence_that_does_not_lead_to_the_accepted_root_is_not_sent() {
	let (mut env, task, result) = accepted(true);
	challenge(&mut env, task, FRAME);
	let id = result.task_id;
	let forged = forged_result(id);
	env.expect("GET", &evidence_path(id, FRAME), vec![], &evidence_answer(&forged, FRAME));

	env.run_ocw();

	assert!(env.take_transactions().is_empty());
}

#[test]
fn an_answered_challenge_gets_no_answer() {
	let (mut env, task, result) = accepted(true);
	challenge(&mut env, task, FRAME);
	env.ext.execute_with(|| {
		let path = playnet_primitives::proof::merkle::merkle_proof(&result.frame_hashes, FRAME)
			.unwrap()
			.siblings;
		assert_ok!(Render::answer_challenge(
			RuntimeOrigin::signed(account_of(OTHER_SEEDS[0])),
			task,
			FRAME,
			BoundedVec::truncate_from(result.tile_hashes[FRAME as usize].clone()),
			BoundedVec::truncate_from(path),
		));
	});

	// No request is expected: the mock fails the test on any.
	env.run_ocw();

	assert!(env.take_transactions().is_empty());
}

#[test]
fn a_challenge_whose_answer_could_not_land_before_its_deadline_gets_none() {
	let (mut env, task, _) = accepted(true);
	let deadline = challenge(&mut env, task, FRAME);
	while env.ext.execute_with(System::block_number) < deadline {
		env.next_block();
	}

	// No request is expected: an answer sent now lands after the deadline block.
	env.run_ocw();

	assert!(env.take_transactions().is_empty());
}

#[test]
fn a_challenge_of_a_result_the_node_did_not_sign_gets_no_answer() {
	let (mut env, task, _) = accepted(false);
	challenge(&mut env, task, FRAME);

	// No request is expected: the mock fails the test on any.
	env.run_ocw();

	assert!(env.take_transactions().is_empty());
}

#[test]
fn a_job_the_render_worker_forgot_is_posted_again_and_answered_once_done() {
	let (mut env, task, result) = accepted(true);
	challenge(&mut env, task, FRAME);
	let id = result.task_id;
	env.expect_status("GET", &evidence_path(id, FRAME), vec![], 404, &not_found(id));
	env.expect("POST", "/jobs", job_body(id), &posted_answer(id));

	env.run_ocw();
	assert!(env.take_transactions().is_empty());

	env.next_block();
	let rendering = r#"{"error":"job is not finished yet"}"#;
	env.expect_status("GET", &evidence_path(id, FRAME), vec![], 409, rendering);
	env.run_ocw();
	assert!(env.take_transactions().is_empty());

	env.next_block();
	env.expect("GET", &evidence_path(id, FRAME), vec![], &evidence_answer(&result, FRAME));
	env.run_ocw();
	let [tx] = env.take_transactions().try_into().expect("one answer");
	assert_eq!(answered_frame(&tx), (task, FRAME));
	env.include(&tx);
}

#[test]
fn two_runs_that_find_the_job_forgotten_post_it_once() {
	let (mut env, task, result) = accepted(true);
	challenge(&mut env, task, FRAME);
	let id = result.task_id;
	env.expect_status("GET", &evidence_path(id, FRAME), vec![], 404, &not_found(id));
	env.expect("POST", "/jobs", job_body(id), &posted_answer(id));
	// The second run asked before the first one's post landed.
	env.expect_status("GET", &evidence_path(id, FRAME), vec![], 404, &not_found(id));

	env.run_ocw();
	env.run_ocw();

	assert!(env.take_transactions().is_empty());
}

#[test]
fn an_answer_goes_before_a_ready_commit() {
	let (mut env, challenged, result) = accepted(true);
	let assigned = env.post_task();
	let assigned_id = env.result_id(assigned);
	env.expect("POST", "/jobs", job_body(assigned_id), &posted_answer(assigned_id));
	env.run_ocw();
	challenge(&mut env, challenged, FRAME);
	env.next_block();
	// Both are ready in this run: the answer is fetched first and takes the account's slot.
	let id = result.task_id;
	env.expect("GET", &evidence_path(id, FRAME), vec![], &evidence_answer(&result, FRAME));
	let done = done_answer(assigned_id, &correct_result(assigned_id).root);
	env.expect("GET", &format!("/jobs/{}", job_id(assigned_id)), vec![], &done);

	env.run_ocw();

	let [answer] = env.take_transactions().try_into().expect("the answer only");
	assert_eq!(answered_frame(&answer), (challenged, FRAME));
	env.include(&answer);
	env.next_block();
	env.run_ocw();
	let [commit] = env.take_transactions().try_into().expect("then the commit");
	assert!(matches!(
		commit.call,
		RuntimeCall::Render(pallet_render::Call::commit { task, .. }) if task == assigned
	));
	assert_eq!(commit.nonce, answer.nonce + 1);
}
