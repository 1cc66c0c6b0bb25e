//! Rendering, committing and revealing the node's assigned tasks.

use super::mock::*;
use crate::{crypto::RenderAuthId, local_storage::JobState};
use codec::Encode;
use pallet_render::{commitment_of, TaskPhase};
use playnet_primitives::Hash32;
use polkadot_sdk::{
	frame_support::assert_ok, frame_system::offchain::AppCrypto, sp_runtime::MultiSigner,
};

/// Posts the job and finishes it: block 1 posts, block 2 finds it done. Returns the
/// transactions of block 2's run.
fn render_to_done(env: &mut Env, id: Hash32, root: &Hash32) -> Vec<SignedTx> {
	env.expect("POST", "/jobs", job_body(id), &posted_answer(id));
	env.run_ocw();
	env.next_block();
	env.expect("GET", &format!("/jobs/{}", job_id(id)), vec![], &done_answer(id, root));
	env.run_ocw();
	env.take_transactions()
}

#[test]
fn an_assigned_task_is_posted_to_the_render_worker() {
	let mut env = Env::new();
	let task = env.post_task();
	let id = env.result_id(task);
	env.expect("POST", "/jobs", job_body(id), &posted_answer(id));

	env.run_ocw();

	assert!(env.take_transactions().is_empty());
	assert_eq!(
		env.job_record(task).map(|record| record.state),
		Some(JobState::Rendering { job_id: id })
	);
}

#[test]
fn a_running_job_is_polled_again_next_block() {
	let mut env = Env::new();
	let task = env.post_task();
	let id = env.result_id(task);
	env.expect("POST", "/jobs", job_body(id), &posted_answer(id));
	env.run_ocw();

	env.next_block();
	env.expect("GET", &format!("/jobs/{}", job_id(id)), vec![], &running_answer(id));
	env.run_ocw();
	assert!(env.take_transactions().is_empty());

	env.next_block();
	env.expect(
		"GET",
		&format!("/jobs/{}", job_id(id)),
		vec![],
		&done_answer(id, &correct_result(id).root),
	);
	env.run_ocw();
	let transactions = env.take_transactions();
	assert_eq!(transactions.len(), 1);
	assert!(matches!(
		transactions[0].call,
		RuntimeCall::Render(pallet_render::Call::commit { task: t, .. }) if t == task
	));
}

#[test]
fn the_commit_is_to_the_rendered_root_with_the_stored_salt() {
	let mut env = Env::new();
	let task = env.post_task();
	let id = env.result_id(task);
	let root = correct_result(id).root;

	let transactions = render_to_done(&mut env, id, &root);

	let Some(JobState::Rendered { root: stored_root, salt }) =
		env.job_record(task).map(|record| record.state)
	else {
		panic!("the root and salt are stored before the commit is sent");
	};
	assert_eq!(stored_root, root);
	let [tx] = transactions.as_slice() else { panic!("one commit, got {transactions:?}") };
	assert_eq!(tx.signer, env.local);
	let commitment = commitment_of(&root, &salt, &env.local);
	assert_eq!(tx.call, RuntimeCall::Render(pallet_render::Call::commit { task, commitment }));
	let public = MultiSigner::from(polkadot_sdk::sp_core::sr25519::Public::from_raw(
		env.local.clone().into(),
	));
	assert!(<RenderAuthId as AppCrypto<_, _>>::verify(
		&(&tx.call, tx.nonce).encode(),
		public,
		tx.signature.clone()
	));
	env.include(tx);
}

#[test]
fn the_reveal_shows_the_root_and_salt_of_the_commitment() {
	let mut env = Env::new();
	let task = env.post_task();
	let id = env.result_id(task);
	let root = correct_result(id).root;
	let commit = render_to_done(&mut env, id, &root).remove(0);
	env.include(&commit);
	// The other two workers commit too: reveals open.
	env.ext.execute_with(|| {
		for seed in OTHER_SEEDS {
			let who = account_of(seed);
			let commitment = commitment_of(&root, &[9; 32], &who);
			assert_ok!(Render::commit(RuntimeOrigin::signed(who), task, commitment));
		}
		assert_eq!(pallet_render::Tasks::<Test>::get(task).unwrap().phase, TaskPhase::Revealing);
	});
	env.next_block();

	env.run_ocw();

	let Some(JobState::Rendered { salt, .. }) = env.job_record(task).map(|record| record.state)
	else {
		panic!("the record is kept until the task is decided");
	};
	let [tx] = env.take_transactions().try_into().expect("one reveal");
	assert_eq!(tx.call, RuntimeCall::Render(pallet_render::Call::reveal { task, root, salt }));
	assert_eq!(tx.nonce, commit.nonce + 1);
	env.include(&tx);
}

#[test]
fn a_worker_that_is_down_gets_no_transaction_and_a_retry_next_block() {
	let mut env = Env::new();
	let task = env.post_task();
	let id = env.result_id(task);
	env.worker_down(true);

	env.run_ocw();

	assert!(env.take_transactions().is_empty());
	assert_eq!(env.job_record(task), None, "the claim is released for the next block");

	env.next_block();
	env.worker_down(false);
	env.expect("POST", "/jobs", job_body(id), &posted_answer(id));
	env.run_ocw();
	assert_eq!(
		env.job_record(task).map(|record| record.state),
		Some(JobState::Rendering { job_id: id })
	);
}

#[test]
fn a_worker_that_goes_down_while_rendering_is_polled_until_it_answers() {
	let mut env = Env::new();
	let task = env.post_task();
	let id = env.result_id(task);
	env.expect("POST", "/jobs", job_body(id), &posted_answer(id));
	env.run_ocw();

	env.next_block();
	env.worker_down(true);
	env.run_ocw();
	assert!(env.take_transactions().is_empty());
	assert!(matches!(env.job_record(task).map(|r| r.state), Some(JobState::Rendering { .. })));

	env.next_block();
	env.worker_down(false);
	env.expect(
		"GET",
		&format!("/jobs/{}", job_id(id)),
		vec![],
		&done_answer(id, &correct_result(id).root),
	);
	env.run_ocw();
	assert_eq!(env.take_transactions().len(), 1);
}

#[test]
fn a_job_another_run_is_posting_is_not_posted_again() {
	let mut env = Env::new();
	let task = env.post_task();
	let id = env.result_id(task);
	let local = env.local.clone();
	env.ext.execute_with(|| {
		let key = crate::local_storage::job_key(task, &local);
		let claim = crate::local_storage::JobRecord {
			result_id: id,
			state: JobState::Posting { until: u64::MAX },
		};
		polkadot_sdk::sp_runtime::offchain::storage::StorageValueRef::persistent(&key).set(&claim);
	});

	// No request is expected: the mock fails the test on any.
	env.run_ocw();

	assert!(env.take_transactions().is_empty());
}

#[test]
fn two_runs_in_one_block_post_once_and_commit_once() {
	let mut env = Env::new();
	let task = env.post_task();
	let id = env.result_id(task);
	env.expect("POST", "/jobs", job_body(id), &posted_answer(id));
	env.expect("GET", &format!("/jobs/{}", job_id(id)), vec![], &running_answer(id));
	// The second run finds the job posted and only polls it.
	env.run_ocw();
	env.run_ocw();

	env.next_block();
	env.expect(
		"GET",
		&format!("/jobs/{}", job_id(id)),
		vec![],
		&done_answer(id, &correct_result(id).root),
	);
	env.run_ocw();
	env.run_ocw();

	assert_eq!(env.take_transactions().len(), 1);
}

#[test]
fn the_records_of_a_decided_task_are_forgotten() {
	let mut env = Env::new();
	let task = env.post_task();
	let id = env.result_id(task);
	env.expect("POST", "/jobs", job_body(id), &posted_answer(id));
	env.run_ocw();
	env.ext
		.execute_with(|| pallet_render::Assignments::<Test>::remove(account_of(LOCAL_SEED), task));

	env.next_block();
	env.run_ocw();

	assert_eq!(env.job_record(task), None);
}

#[test]
fn a_failed_job_is_posted_again_next_block() {
	let mut env = Env::new();
	let task = env.post_task();
	let id = env.result_id(task);
	env.expect("POST", "/jobs", job_body(id), &posted_answer(id));
	env.run_ocw();

	env.next_block();
	let failed = format!(r#"{{"job_id":"{}","status":"failed","error":"gpu lost"}}"#, job_id(id));
	env.expect("GET", &format!("/jobs/{}", job_id(id)), vec![], &failed);
	env.run_ocw();
	assert_eq!(env.job_record(task), None);

	env.next_block();
	env.expect("POST", "/jobs", job_body(id), &posted_answer(id));
	env.run_ocw();
	assert!(env.take_transactions().is_empty());
}
