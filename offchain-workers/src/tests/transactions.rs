//! One transaction per account at a time.

use super::mock::*;
use pallet_render::TaskIndex;

/// Posts two tasks and renders both: block 1 posts them, block 2 finds them done.
fn two_rendered_tasks(env: &mut Env) -> (TaskIndex, TaskIndex, Vec<SignedTx>) {
	let (first, second) = (env.post_task(), env.post_task());
	let ids = [env.result_id(first), env.result_id(second)];
	for id in ids {
		env.expect("POST", "/jobs", job_body(id), &posted_answer(id));
	}
	env.run_ocw();
	env.next_block();
	for id in ids {
		let done = done_answer(id, &correct_result(id).root);
		env.expect("GET", &format!("/jobs/{}", job_id(id)), vec![], &done);
	}
	env.run_ocw();
	(first, second, env.take_transactions())
}

fn commit_task(tx: &SignedTx) -> TaskIndex {
	match tx.call {
		RuntimeCall::Render(pallet_render::Call::commit { task, .. }) => task,
		ref other => panic!("expected a commit, got {other:?}"),
	}
}

#[test]
fn two_ready_commits_go_out_one_at_a_time() {
	let mut env = Env::new();
	let (first, second, sent) = two_rendered_tasks(&mut env);
	let [tx] = sent.try_into().expect("one commit while two are ready");
	assert_eq!(commit_task(&tx), first);

	env.include(&tx);
	env.next_block();
	env.run_ocw();

	let [next] = env.take_transactions().try_into().expect("the second commit");
	assert_eq!(commit_task(&next), second);
	assert_eq!(next.nonce, tx.nonce + 1);
}

#[test]
fn no_second_transaction_while_one_is_pending() {
	let mut env = Env::new();
	let (_, _, sent) = two_rendered_tasks(&mut env);
	assert_eq!(sent.len(), 1);

	// Not included yet: the chain's nonce has not moved.
	env.next_block();
	env.run_ocw();

	assert!(env.take_transactions().is_empty());
}

#[test]
fn a_transaction_never_included_is_sent_again_after_the_timeout() {
	let mut env = Env::new();
	let (first, _, sent) = two_rendered_tasks(&mut env);
	let submitted_at = env.ext.execute_with(System::block_number);
	for _ in 1..PENDING_TX_TIMEOUT {
		env.next_block();
		env.run_ocw();
		assert!(env.take_transactions().is_empty());
	}

	env.next_block();
	assert_eq!(env.ext.execute_with(System::block_number), submitted_at + PENDING_TX_TIMEOUT);
	env.run_ocw();

	let [again] = env.take_transactions().try_into().expect("the commit again");
	assert_eq!(commit_task(&again), first);
	assert_eq!(again.nonce, sent[0].nonce);
}
