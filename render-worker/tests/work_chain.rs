//! Render tasks on a real `playnet-node --dev`, worked by `playnet-render work` processes, by
//! the node's own offchain worker, and by accounts the test signs for itself:
//!
//! - three `work` processes render a task, commit, reveal (one after a restart between its
//!   commit and the reveal phase), answer the challenges of both its frames by publishing
//!   their tile hashes, and are paid, the challenger's deposits with it;
//! - a worker that reveals a wrong root is slashed and loses reputation; the others are paid;
//! - three colluding workers get a fabricated root accepted; `report_fraud` with one tile
//!   overturns it, slashes all three and pays the reporter, while bad fraud proofs change
//!   nothing;
//! - the dev node's offchain worker, holding Alice's `rndr` key and pointed at a
//!   `playnet-render serve`, renders, commits and reveals for Alice beside two `work`
//!   processes;
//! - two colluding accounts outvote one honest `work` process with a fabricated result and
//!   answer every challenge with their fabricated frames; the validator's offchain worker,
//!   with no render worker and no help (the honest process stopped), challenges a frame,
//!   re-renders a tile of it and proves the fraud; in a second run the outvoted `work`
//!   process itself narrows the lie down to its frame by challenges and proves it.
//!
//! - one `work` process renders an optimistic task (`playnet-render post --optimistic`), answers
//!   the chain's spot check of it and is paid the whole fee share; the total work is measured
//!   against the task's own.
//!
//! Alice is the dev chain's genesis validator and so a bonded contributor too; where the test
//! picks the three workers, she unbonds first, so that exactly those three are eligible and all
//! three are drawn.
//!
//! The runtime's fraud window is 40 blocks (2 minutes at 3 s blocks): a test that waits for
//! settlement takes about 3 to 4 minutes; the fraud test ends inside the window.

mod chain_support;

use anyhow::{anyhow, bail, ensure, Context, Result};
use chain_support::{
	account_id, bond, call, challenge_of, ensure_active_bond,
	events::{
		follow_task, FraudProven, Outcome, RefundReason, Refunded, Settled, Slashed, TaskFields,
	},
	free_balance, minted_reward, perbill_constant, post_task,
	processes::RenderProcess,
	reputation, rewards_earned, small_task, submit_included, task_record, total_balance, unbond,
	wait_for_draw, wait_for_phase, Api, ReputationRecord, ScriptedWorker, TaskPhase,
	ALICE_GENESIS_BOND, DEV_WORLD_SEED, FEE, PGT, STEP_TIMEOUT, TASK_TIMEOUT, WORKER_BOND,
};
use playnet_primitives::proof::merkle::merkle_proof;
use playnet_primitives::{demo::GeneratedTask, ChunkCoord, Hash32, RenderSpec, Scene, TaskResult};
use playnet_render::{task::render_task, Backend, Renderer};
use playnet_tests::{free_ports, within, NodeBuilder};
use std::{
	collections::{BTreeMap, BTreeSet},
	time::Duration,
};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::dev;

/// Perbill's denominator.
const BILLION: u128 = 1_000_000_000;

/// Follows task `task` in the background until it is settled or refunded.
fn follow(
	api: &Api,
	task: u64,
) -> tokio::task::JoinHandle<Result<chain_support::events::TaskEvents>> {
	let api = api.clone();
	tokio::spawn(
		async move { within(TASK_TIMEOUT, "the task's end", follow_task(&api, task)).await },
	)
}

/// The accounts assigned to `task`, once it is drawn.
async fn assigned_to(api: &Api, task: u64) -> Result<BTreeSet<AccountId32>> {
	let record = wait_for_draw(api, task).await?;
	Ok(record.workers.into_iter().map(|slot| slot.who).collect())
}

/// The result id the chain fixed for `task` at its draw.
async fn result_id_of(api: &Api, task: u64) -> Result<Hash32> {
	let record = wait_for_draw(api, task).await?;
	let id = record.result_id.with_context(|| format!("task {task} has no result id"))?;
	Ok(Hash32(id.0))
}

#[tokio::test]
async fn three_workers_render_commit_reveal_and_are_paid() -> Result<()> {
	let node = NodeBuilder::dev("render-work").spawn().await?;
	let api = node.client().await?;
	let url = node.ws_url();
	let scratch = tempfile::tempdir()?;
	let state_dir = scratch.path().join("state");

	unbond(&api, ALICE_GENESIS_BOND, &dev::alice()).await.context("Alice could not unbond")?;

	let names = ["Eve", "Ferdie", "Charlie"];
	let keys = [dev::eve(), dev::ferdie(), dev::charlie()];
	let mut before = Vec::new();
	for key in &keys {
		before.push(total_balance(&api, &account_id(key)).await?);
	}

	let mut workers = Vec::new();
	for name in names {
		workers.push(RenderProcess::work(name, &url, &state_dir, scratch.path(), 0, 1)?);
	}
	for worker in &mut workers {
		worker.wait_for("bond: bonded 1000 PGT", STEP_TIMEOUT).await?;
		worker.wait_for("working as", STEP_TIMEOUT).await?;
	}

	let (spec, _) = small_task();
	let follow = follow(&api, 0);
	post_task(&api, &spec, FEE, &dev::alice()).await.context("Alice could not post the task")?;

	// Kill Eve once her commitment is on chain and start her again: the root and salt she
	// saved before committing must let the new process reveal.
	workers[0].wait_for("task 0: committed", STEP_TIMEOUT).await?;
	workers[0].child.kill().await?;
	let first_run = workers[0].output();
	workers[0] = RenderProcess::work("Eve", &url, &state_dir, scratch.path(), 1, 1)?;
	workers[0].wait_for("bond: 1000 PGT already bonded", STEP_TIMEOUT).await?;

	// Dave challenges both frames of the accepted result: a signer must publish each frame's
	// tile hashes, or all three lose a quarter of their bond.
	wait_for_phase(&api, 0, TaskPhase::Accepted).await?;
	let dave = account_id(&dev::dave());
	let deposit: u128 = api
		.at_current_block()
		.await?
		.constants()
		.entry(subxt::dynamic::constant::<u128>("Render", "ChallengeDeposit"))?;
	let dave_before = free_balance(&api, &dave).await?;
	let mut challenge_fees = 0;
	for frame in 0..spec.frame_count {
		let payload = call(&api, "Render", "challenge", (0u64, frame)).await?;
		let included = submit_included(&api, &payload, &dev::dave()).await?;
		ensure!(included.error.is_none(), "the challenge of frame {frame} failed: {included:?}");
		challenge_fees += included.fee;
	}

	let seen = follow.await??;
	let expected: BTreeSet<AccountId32> = keys.iter().map(account_id).collect();
	assert_eq!(seen.committed, expected, "every worker commits: {seen:?}");
	assert_eq!(seen.revealers(), expected, "every worker reveals, Eve after her restart: {seen:?}");
	assert_eq!(seen.signers(), expected, "all three roots agree: {seen:?}");
	assert!(
		seen.slashes.is_empty() && seen.refunded.is_none() && seen.fraud.is_none(),
		"nobody is slashed or refunded: {seen:?}"
	);
	let frames: BTreeSet<u32> = (0..spec.frame_count).collect();
	assert_eq!(seen.answered.keys().copied().collect::<BTreeSet<_>>(), frames, "{seen:?}");
	assert!(seen.answered.values().all(|signer| expected.contains(signer)), "{seen:?}");
	assert!(
		seen.challenges_closed.keys().copied().collect::<BTreeSet<_>>() == frames
			&& seen.challenges_closed.values().all(|to_signers| *to_signers),
		"both deposits go to the signers: {seen:?}"
	);
	assert_eq!(
		free_balance(&api, &dave).await?,
		dave_before - challenge_fees - deposit * u128::from(spec.frame_count),
		"the challenger pays a deposit per frame whose answer stood"
	);
	for (name, key) in names.iter().zip(&keys) {
		let (fee_share, minted) = seen
			.rewarded
			.get(&account_id(key))
			.copied()
			.with_context(|| format!("{name} unpaid"))?;
		assert!(fee_share > 0 && minted > 0, "{name} gets a fee share and minted PGT");
	}

	let mut answers = 0;
	for (index, worker) in workers.iter_mut().enumerate() {
		let output = worker.wait_for_success().await?;
		answers += output.matches("answered the challenge of frame").count();
		ensure!(
			output.contains("task 0: revealed") && output.contains("task 0: earned"),
			"{} reports its reveal and earnings:\n{output}",
			worker.name
		);
		let after = total_balance(&api, &account_id(&keys[index])).await?;
		assert!(
			after > before[index],
			"{} holds more than before working ({after} <= {})",
			worker.name,
			before[index]
		);
		println!("{}: {} -> {} plancks\n{output}", worker.name, before[index], after);
	}
	assert_eq!(answers, frames.len(), "each answer taken is reported by its worker");
	assert!(first_run.contains("task 0: rendered"), "Eve rendered before her restart");
	assert!(
		!workers[0].output().contains("task 0: rendered"),
		"Eve's second run reveals from her saved root without rendering again"
	);
	drop(node);
	Ok(())
}

#[tokio::test]
async fn one_worker_renders_an_optimistic_task_answers_its_spot_check_and_is_paid() -> Result<()> {
	let node = NodeBuilder::dev("render-optimistic").spawn().await?;
	let api = node.client().await?;
	let url = node.ws_url();
	let scratch = tempfile::tempdir()?;
	let state_dir = scratch.path().join("state");
	unbond(&api, ALICE_GENESIS_BOND, &dev::alice()).await.context("Alice could not unbond")?;

	// Eve works through the embedded light client: bond, commit, reveal and the answer to the
	// spot check all go through smoldot, every read proof-checked.
	let mut eve =
		RenderProcess::work_over_light_client("Eve", &url, &state_dir, scratch.path(), 1)?;
	eve.wait_for("working as", STEP_TIMEOUT).await?;
	let follow = follow(&api, 0);
	// 128x64 (two tiles) x 10 frames: 20 work units, the floor 1 PGT.
	let (frames, tiles_per_frame) = (10u64, 2u64);
	let mut poster = RenderProcess::post(
		"Dave",
		&url,
		scratch.path(),
		&[
			"--suri",
			"//Dave",
			"--fee",
			"2",
			"--optimistic",
			"--frames",
			"10",
			"--width",
			"128",
			"--height",
			"64",
		],
	)?;
	let seen = follow.await??;

	let eve_id = account_id(&dev::eve());
	assert_eq!(seen.assigned, BTreeSet::from([eve_id.clone()]), "one worker: {seen:?}");
	assert_eq!(seen.signers(), BTreeSet::from([eve_id.clone()]), "{seen:?}");
	let (frame, tile) = seen.spot_check.with_context(|| format!("no spot check: {seen:?}"))?;
	assert!(frame < frames as u32 && tile < tiles_per_frame as u32, "{seen:?}");
	assert_eq!(seen.answered.get(&frame), Some(&eve_id), "Eve answers it: {seen:?}");
	assert!(seen.slashes.is_empty() && seen.refunded.is_none(), "{seen:?}");
	let settled = seen.settled.with_context(|| format!("not settled: {seen:?}"))?;
	let fee = 2 * PGT;
	assert_eq!((settled.paid, settled.burned), (fee - fee / 10, fee / 10), "{settled:?}");
	let (fee_share, minted) = seen.rewarded[&eve_id];
	assert_eq!(fee_share, fee - fee / 10, "the one signer gets the whole share");
	assert!(minted > 0 && minted <= fee / 20, "minted within 5% of the fee: {minted}");
	assert_eq!(seen.outcomes.get(&eve_id), Some(&vec![Outcome::Agreed]), "{seen:?}");

	let output = eve.wait_for_success().await?;
	let answers = output.matches("answered the challenge of frame").count();
	assert_eq!(answers, 1, "one answer, the spot check's:\n{output}");
	let posted = poster.wait_for_success().await?;
	assert!(posted.contains("task 0: posted"), "{posted}");
	// The work spent on the task: its frames once, the spot-checked frame again for the
	// answer, and one tile on chain (audits aside: no validator audits on this node).
	let own = frames * tiles_per_frame;
	let spent = own + tiles_per_frame * answers as u64 + 1;
	println!(
		"optimistic task: {own} tiles of its own, {spent} rendered in all: {:.3} times its work \
		 (k = 3: 3 times)",
		spent as f64 / own as f64
	);
	assert!(spent * 10 <= own * 12, "at most 1.2 times the task's work");
	drop(node);
	Ok(())
}

#[tokio::test]
async fn a_worker_revealing_a_wrong_root_loses_stake_and_reputation() -> Result<()> {
	let node = NodeBuilder::dev("render-dissent").spawn().await?;
	let api = node.client().await?;
	let url = node.ws_url();
	let scratch = tempfile::tempdir()?;
	let state_dir = scratch.path().join("state");
	let dissenter = ScriptedWorker::new("Charlie", dev::charlie());
	let (eve, ferdie, charlie) =
		(account_id(&dev::eve()), account_id(&dev::ferdie()), dissenter.account());

	unbond(&api, ALICE_GENESIS_BOND, &dev::alice()).await.context("Alice could not unbond")?;
	bond(&api, WORKER_BOND, &dissenter.key).await.context("Charlie could not bond")?;
	let mut honest = Vec::new();
	for name in ["Eve", "Ferdie"] {
		honest.push(RenderProcess::work(name, &url, &state_dir, scratch.path(), 0, 1)?);
	}
	for worker in &mut honest {
		worker.wait_for("working as", STEP_TIMEOUT).await?;
	}

	let (spec, _) = small_task();
	let follow = follow(&api, 0);
	post_task(&api, &spec, FEE, &dev::alice()).await.context("Alice could not post the task")?;
	let everyone = BTreeSet::from([eve.clone(), ferdie.clone(), charlie.clone()]);
	assert_eq!(assigned_to(&api, 0).await?, everyone, "the three eligible workers are drawn");

	// Charlie commits to a root he never rendered and reveals it once the others committed.
	let wrong_root = Hash32::of(b"not the render of task 0");
	dissenter.commit(&api, 0, wrong_root).await?;
	wait_for_phase(&api, 0, TaskPhase::Revealing).await?;
	dissenter.reveal(&api, 0, wrong_root).await?;
	let accepted = wait_for_phase(&api, 0, TaskPhase::Accepted).await?;
	let seen = follow.await??;

	// Decided: the two honest roots win; Charlie loses 5% of his bond and a lost task.
	let dissent_slash = perbill_constant(&api, "Render", "DissentSlash").await?;
	let slash = dissent_slash.mul_floor(WORKER_BOND, BILLION);
	assert!(slash > 0, "the runtime slashes dissent");
	assert_eq!(seen.revealers(), everyone, "all three reveal: {seen:?}");
	assert_eq!(seen.revealed.get(&charlie), Some(&wrong_root.0), "Charlie reveals his root");
	assert_eq!(seen.signers(), BTreeSet::from([eve.clone(), ferdie.clone()]), "{seen:?}");
	assert_ne!(accepted.accepted_root.map(|root| root.0), Some(wrong_root.0));
	assert_eq!(seen.dissenters.get(&charlie), Some(&slash), "DissenterSlashed: {seen:?}");
	assert_eq!(seen.dissenters.len(), 1, "only Charlie dissents: {seen:?}");
	let expected_slash = Slashed {
		who: charlie.clone(),
		amount: slash,
		reporter: None,
		to_reporter: 0,
		burned: slash,
	};
	assert_eq!(seen.slashes.get(&charlie), Some(&expected_slash), "Stake::Slashed: {seen:?}");
	assert_eq!(seen.slashes.len(), 1, "nobody else is slashed: {seen:?}");
	assert_eq!(seen.outcomes.get(&charlie), Some(&vec![Outcome::Lost]), "{seen:?}");
	ensure_active_bond(&api, "Charlie", &charlie, WORKER_BOND - slash).await?;
	let charlie_reputation = reputation(&api, &charlie).await?;
	assert_eq!(charlie_reputation.record, ReputationRecord { lost: 1, ..Default::default() });
	assert!(charlie_reputation.score.0 < 500_000, "a lost task puts Charlie below neutral");
	assert!(seen.missed.is_empty() && seen.fraud.is_none() && seen.refunded.is_none());

	// Settled: Eve and Ferdie share the fee less the burn and are minted by reputation.
	let burn_share = perbill_constant(&api, "Render", "BurnShare").await?;
	let fee_share = (FEE - burn_share.mul_floor(FEE, BILLION)) / 2;
	let mut minted_total = 0;
	for (name, who) in [("Eve", &eve), ("Ferdie", &ferdie)] {
		let view = reputation(&api, who).await?;
		assert_eq!(view.record, ReputationRecord { agreed: 1, ..Default::default() }, "{name}");
		assert_eq!(seen.outcomes.get(who), Some(&vec![Outcome::Agreed]), "{name}: {seen:?}");
		let minted = minted_reward(accepted.reward_base, view.score);
		assert!(minted > 0, "{name} is minted new PGT");
		assert_eq!(seen.rewarded.get(who), Some(&(fee_share, minted)), "{name}: {seen:?}");
		assert_eq!(rewards_earned(&api, who).await?, fee_share + minted, "{name}'s RewardsEarned");
		ensure_active_bond(&api, name, who, WORKER_BOND).await?;
		minted_total += minted;
	}
	assert!(!seen.rewarded.contains_key(&charlie), "Charlie is not paid: {seen:?}");
	assert_eq!(rewards_earned(&api, &charlie).await?, 0);
	let settled =
		Settled { task: 0, paid: 2 * fee_share, burned: FEE - 2 * fee_share, minted: minted_total };
	assert_eq!(seen.settled, Some(settled), "{seen:?}");

	for worker in &mut honest {
		let output = worker.wait_for_success().await?;
		ensure!(
			output.contains("task 0: earned"),
			"{} reports its earnings:\n{output}",
			worker.name
		);
	}
	drop(node);
	Ok(())
}

/// Every tile hash of `spec` rendered with the CPU reference over `chunks`: the honest result
/// of the task whose result id is `result_id`.
fn honest_result(spec: &RenderSpec, result_id: Hash32, chunks: &[Vec<u8>]) -> Result<TaskResult> {
	let scene = Scene::from_encoded(spec, chunks).map_err(|error| anyhow!("{error}"))?;
	let renderer = Renderer::new(Backend::Cpu, Some(1))?;
	render_task(&renderer, spec, result_id, &scene, |_, _| true)?
		.context("the render was not stopped")
}

/// `Render::report_fraud(task, proof, claimed_tile_hash, chunks)` for `tile` of `frame` of
/// `result`, signed by `reporter`; `edit_proof` may spoil the proof first.
async fn report_fraud(
	api: &Api,
	result: &TaskResult,
	(frame, tile): (u32, u32),
	chunks: &[Vec<u8>],
	reporter: &subxt_signer::sr25519::Keypair,
	edit_proof: impl FnOnce(&mut playnet_primitives::TileProof),
) -> Result<chain_support::Included> {
	let mut proof = result.tile_proof(frame, tile).context("a tile of the task")?;
	edit_proof(&mut proof);
	let claimed = result.tile_hashes[frame as usize][tile as usize];
	let payload = call(api, "Render", "report_fraud", (0u64, proof, claimed, chunks)).await?;
	submit_included(api, &payload, reporter).await
}

#[tokio::test]
async fn report_fraud_overturns_a_colluding_majority_and_bad_proofs_change_nothing() -> Result<()> {
	let node = NodeBuilder::dev("render-fraud").spawn().await?;
	let api = node.client().await?;
	let colluders = [
		ScriptedWorker::new("Eve", dev::eve()),
		ScriptedWorker::new("Ferdie", dev::ferdie()),
		ScriptedWorker::new("Charlie", dev::charlie()),
	];
	let reporter = dev::dave();
	let reporter_id = account_id(&reporter);

	unbond(&api, ALICE_GENESIS_BOND, &dev::alice()).await.context("Alice could not unbond")?;
	futures::future::try_join_all(colluders.iter().map(|w| bond(&api, WORKER_BOND, &w.key)))
		.await?;

	let (spec, chunks) = small_task();
	let follow = follow(&api, 0);
	post_task(&api, &spec, FEE, &dev::alice()).await.context("Alice could not post the task")?;
	let colluder_ids: BTreeSet<AccountId32> = colluders.iter().map(|w| w.account()).collect();
	assert_eq!(assigned_to(&api, 0).await?, colluder_ids, "the three colluders are drawn");

	// The colluders' result: the honest tile hashes but one, so every other tile checks out.
	let result_id = result_id_of(&api, 0).await?;
	let honest = honest_result(&spec, result_id, &chunks)?;
	let wrong_tile = (1, 1);
	let mut tiles = honest.tile_hashes.clone();
	tiles[wrong_tile.0 as usize][wrong_tile.1 as usize] = Hash32::of(b"a tile nobody rendered");
	let fabricated = TaskResult::new(result_id, tiles);
	assert_ne!(fabricated.root, honest.root);
	futures::future::try_join_all(colluders.iter().map(|w| w.commit(&api, 0, fabricated.root)))
		.await?;
	futures::future::try_join_all(colluders.iter().map(|w| w.reveal(&api, 0, fabricated.root)))
		.await?;
	let accepted = wait_for_phase(&api, 0, TaskPhase::Accepted).await?;
	assert_eq!(accepted.accepted_root.map(|root| root.0), Some(fabricated.root.0));

	// Bad proofs fail with their own error and change nothing but the reporter's fees.
	let reporter_before = free_balance(&api, &reporter_id).await?;
	let bad_path = report_fraud(&api, &fabricated, wrong_tile, &chunks, &reporter, |proof| {
		proof.tile_path.siblings[0] = Hash32::of(b"not the sibling");
	})
	.await?;
	assert_eq!(bad_path.error.as_deref(), Some("Render::BadMerklePath"));
	let right_tile = report_fraud(&api, &fabricated, (0, 0), &chunks, &reporter, |_| {}).await?;
	assert_eq!(right_tile.error.as_deref(), Some("Render::ResultNotFraudulent"));
	let after_bad = free_balance(&api, &reporter_id).await?;
	assert_eq!(after_bad, reporter_before - bad_path.fee - right_tile.fee, "only fees are paid");
	let still = task_record(&api, 0).await?.context("task 0 is still open")?;
	assert_eq!(still.phase, TaskPhase::Accepted);
	assert_eq!(still.accepted_root.map(|root| root.0), Some(fabricated.root.0));
	for worker in &colluders {
		ensure_active_bond(&api, worker.name, &worker.account(), WORKER_BOND).await?;
		let view = reputation(&api, &worker.account()).await?;
		assert_eq!(view.record, ReputationRecord { agreed: 1, ..Default::default() });
	}

	// The fabricated tile: the runtime re-renders it and the result is overturned.
	let proven = report_fraud(&api, &fabricated, wrong_tile, &chunks, &reporter, |_| {}).await?;
	assert_eq!(proven.error, None, "the fraud proof is taken");
	let seen = follow.await??;

	let fraud_slash = perbill_constant(&api, "Render", "FraudSlash").await?;
	let reporter_share = perbill_constant(&api, "Stake", "ReporterShare").await?;
	let slash = fraud_slash.mul_floor(WORKER_BOND, BILLION);
	let to_reporter = reporter_share.mul_floor(slash, BILLION);
	assert!(slash > 0 && to_reporter > 0, "the runtime slashes fraud and rewards reporters");
	let fraud = FraudProven {
		task: 0,
		reporter: reporter_id.clone(),
		frame: wrong_tile.0,
		tile: wrong_tile.1,
		slashed: 3 * slash,
	};
	assert_eq!(seen.fraud, Some(fraud), "{seen:?}");
	let refund = Refunded {
		task: 0,
		poster: account_id(&dev::alice()),
		amount: FEE,
		reason: RefundReason::Fraud,
	};
	assert_eq!(seen.refunded, Some(refund), "the poster gets the whole fee back: {seen:?}");
	assert!(seen.rewarded.is_empty() && seen.settled.is_none(), "nobody is paid: {seen:?}");
	assert_eq!(seen.slashes.len(), 3, "the three signers and nobody else: {seen:?}");
	for worker in &colluders {
		let who = worker.account();
		let expected = Slashed {
			who: who.clone(),
			amount: slash,
			reporter: Some(reporter_id.clone()),
			to_reporter,
			burned: slash - to_reporter,
		};
		assert_eq!(seen.slashes.get(&who), Some(&expected), "{}: {seen:?}", worker.name);
		assert_eq!(
			seen.outcomes.get(&who),
			Some(&vec![Outcome::Agreed, Outcome::Fraud]),
			"{}: {seen:?}",
			worker.name
		);
		ensure_active_bond(&api, worker.name, &who, WORKER_BOND - slash).await?;
		let view = reputation(&api, &who).await?;
		assert_eq!(view.record, ReputationRecord { agreed: 1, frauds: 1, ..Default::default() });
		assert!(view.score.0 < 500_000 / 8, "{}: a proven fraud divides the score", worker.name);
		assert_eq!(rewards_earned(&api, &who).await?, 0);
	}
	let reporter_after = free_balance(&api, &reporter_id).await?;
	assert_eq!(reporter_after, after_bad + 3 * to_reporter - proven.fee, "the reporter's share");
	assert!(task_record(&api, 0).await?.is_none(), "the overturned task is gone");
	drop(node);
	Ok(())
}

/// Who refutes the colluders' result in [`colluders_outvote_charlie`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Refuter {
	/// The dev validator's offchain worker, with Alice's `rndr` key, no render worker and no
	/// audit source; Charlie's `work` process stops after its reveal.
	ValidatorAudit,
	/// Charlie's `work` process itself, outvoted; no node audits.
	OutvotedWorker,
}

#[tokio::test]
async fn the_validators_audit_refutes_a_colluding_majority_with_no_help() -> Result<()> {
	colluders_outvote_charlie("render-audit", Refuter::ValidatorAudit).await
}

#[tokio::test]
async fn an_outvoted_worker_narrows_down_the_lie_and_proves_it() -> Result<()> {
	colluders_outvote_charlie("render-dispute", Refuter::OutvotedWorker).await
}

/// Eve and Ferdie, driven by the test, outvote Charlie's honest `work` process with a
/// fabricated result and answer every challenge of it with their fabricated frames; the
/// refuter challenges, reads a published frame, finds a tile that is not what the CPU
/// reference renders, and proves the fraud. The bonds, slashes, reputations and refund
/// after it are exact.
async fn colluders_outvote_charlie(name: &str, refuter: Refuter) -> Result<()> {
	let node = NodeBuilder::dev(name).spawn().await?;
	let api = node.client().await?;
	let url = node.ws_url();
	let scratch = tempfile::tempdir()?;
	let state_dir = scratch.path().join("state");
	let colluders =
		[ScriptedWorker::new("Eve", dev::eve()), ScriptedWorker::new("Ferdie", dev::ferdie())];
	let (alice, charlie, dave) =
		(account_id(&dev::alice()), account_id(&dev::charlie()), account_id(&dev::dave()));

	if refuter == Refuter::ValidatorAudit {
		// What the validator audits, it learns from the chain alone.
		node.request(
			"author_insertKey",
			vec!["rndr".into(), "//Alice".into(), hex_param(dev::alice().public_key().0)],
		)
		.await?;
	}
	// Alice unbonds, so that the three drawn are the two colluders and Charlie.
	unbond(&api, ALICE_GENESIS_BOND, &dev::alice()).await.context("Alice could not unbond")?;
	futures::future::try_join_all(colluders.iter().map(|w| bond(&api, WORKER_BOND, &w.key)))
		.await?;
	let mut honest = RenderProcess::work("Charlie", &url, &state_dir, scratch.path(), 0, 1)?;
	honest.wait_for("bond: bonded 1000 PGT", STEP_TIMEOUT).await?;
	honest.wait_for("working as", STEP_TIMEOUT).await?;

	let (spec, chunks) = small_task();
	let follow = follow(&api, 0);
	let dave_before = free_balance(&api, &dave).await?;
	let post = call(&api, "Render", "post_task", (&spec, FEE)).await?;
	let posted = submit_included(&api, &post, &dev::dave()).await?;
	ensure!(posted.error.is_none(), "Dave could not post: {posted:?}");
	let drawn: BTreeSet<AccountId32> =
		colluders.iter().map(|w| w.account()).chain([charlie.clone()]).collect();
	assert_eq!(assigned_to(&api, 0).await?, drawn, "the colluders and Charlie are drawn");

	// The colluders' result: for the audit, every tile hash invented (any tile it draws of a
	// published frame is wrong); against Charlie, only tile 1 of the last frame, so that he
	// must find the frame first.
	let result_id = result_id_of(&api, 0).await?;
	let fabricated = match refuter {
		Refuter::ValidatorAudit => {
			let tiles = playnet_primitives::proof::tile::tile_count(spec.width, spec.height);
			let invented = (0..spec.frame_count)
				.map(|frame| {
					(0..tiles)
						.map(|tile| Hash32::of(format!("invented {frame} {tile}").as_bytes()))
						.collect()
				})
				.collect();
			TaskResult::new(result_id, invented)
		}
		Refuter::OutvotedWorker => {
			let mut tiles = honest_result(&spec, result_id, &chunks)?.tile_hashes;
			let last = tiles.len() - 1;
			tiles[last][1] = Hash32::of(b"a tile nobody rendered");
			TaskResult::new(result_id, tiles)
		}
	};
	futures::future::try_join_all(colluders.iter().map(|w| w.commit(&api, 0, fabricated.root)))
		.await?;
	honest.wait_for("task 0: committed", STEP_TIMEOUT).await?;
	if refuter == Refuter::ValidatorAudit {
		// Charlie reveals and goes offline before the colluders' reveals decide the task.
		honest.wait_for("task 0: revealed", STEP_TIMEOUT).await?;
		honest.child.kill().await?;
	}
	futures::future::try_join_all(colluders.iter().map(|w| w.reveal(&api, 0, fabricated.root)))
		.await?;
	let accepted = wait_for_phase(&api, 0, TaskPhase::Accepted).await?;
	assert_eq!(accepted.accepted_root.map(|root| root.0), Some(fabricated.root.0));

	// The colluders answer every challenge with their fabricated frame, which leads to their
	// root, until the task ends.
	let answering = {
		let (api, key) = (api.clone(), colluders[0].key.clone());
		let fabricated = fabricated.clone();
		tokio::spawn(async move {
			let mut answered = BTreeMap::new();
			while task_record(&api, 0).await?.is_some() {
				for frame in 0..fabricated.frame_hashes.len() as u32 {
					if answered.contains_key(&frame) {
						continue;
					}
					let Some(challenge) = challenge_of(&api, 0, frame).await? else { continue };
					let path = merkle_proof(&fabricated.frame_hashes, frame).context("a frame")?;
					let tiles = fabricated.tile_hashes[frame as usize].clone();
					let answer = (0u64, frame, tiles, path.siblings);
					let payload = call(&api, "Render", "answer_challenge", answer).await?;
					submit_included(&api, &payload, &key).await?;
					answered.insert(frame, challenge.challenger);
				}
				tokio::time::sleep(Duration::from_millis(500)).await;
			}
			anyhow::Ok(answered)
		})
	};

	let seen = match follow.await? {
		Ok(seen) => seen,
		Err(error) => {
			return Err(error.context(format!(
				"node log:\n{}\nCharlie:\n{}",
				node.log_tail(80),
				honest.output()
			)))
		}
	};
	let answered = answering.await??;
	let fraud = seen.fraud.clone().with_context(|| format!("no fraud proven: {seen:?}"))?;
	let reporter = match refuter {
		Refuter::ValidatorAudit => alice.clone(),
		Refuter::OutvotedWorker => charlie.clone(),
	};
	let fraud_slash = perbill_constant(&api, "Render", "FraudSlash").await?;
	let reporter_share = perbill_constant(&api, "Stake", "ReporterShare").await?;
	let slash = fraud_slash.mul_floor(WORKER_BOND, BILLION);
	let to_reporter = reporter_share.mul_floor(slash, BILLION);
	assert!(answered.contains_key(&fraud.frame), "a published frame: {answered:?} {seen:?}");
	assert!(
		answered.values().all(|challenger| *challenger == reporter),
		"every challenge is the refuter's: {answered:?}"
	);
	assert_eq!(
		fraud,
		FraudProven {
			task: 0,
			reporter: reporter.clone(),
			frame: fraud.frame,
			tile: fraud.tile,
			slashed: 2 * slash
		},
		"{seen:?}"
	);
	if refuter == Refuter::OutvotedWorker {
		let last = spec.frame_count - 1;
		assert_eq!((fraud.frame, fraud.tile), (last, 1), "the one wrong tile: {seen:?}");
	}
	let refund =
		Refunded { task: 0, poster: dave.clone(), amount: FEE, reason: RefundReason::Fraud };
	assert_eq!(seen.refunded, Some(refund), "{seen:?}");
	assert_eq!(
		free_balance(&api, &dave).await?,
		dave_before - posted.fee,
		"the poster gets the whole fee back"
	);
	assert!(seen.rewarded.is_empty() && seen.settled.is_none(), "nobody is paid: {seen:?}");
	assert!(
		!seen.challenges_closed.is_empty() && seen.challenges_closed.values().all(|to| !to),
		"every deposit goes back to its challenger: {seen:?}"
	);
	assert_eq!(seen.slashes.len(), 2, "the two colluders and nobody else: {seen:?}");
	for worker in &colluders {
		let who = worker.account();
		let expected = Slashed {
			who: who.clone(),
			amount: slash,
			reporter: Some(reporter.clone()),
			to_reporter,
			burned: slash - to_reporter,
		};
		assert_eq!(seen.slashes.get(&who), Some(&expected), "{}: {seen:?}", worker.name);
		ensure_active_bond(&api, worker.name, &who, WORKER_BOND - slash).await?;
		let view = reputation(&api, &who).await?;
		assert_eq!(
			view.record,
			ReputationRecord { agreed: 1, frauds: 1, ..Default::default() },
			"{}",
			worker.name
		);
		assert_eq!(rewards_earned(&api, &who).await?, 0);
	}
	// The outvoted honest worker loses nothing and keeps a clean record.
	ensure_active_bond(&api, "Charlie", &charlie, WORKER_BOND).await?;
	assert_eq!(reputation(&api, &charlie).await?.record, ReputationRecord::default());
	assert!(!seen.outcomes.contains_key(&charlie), "{seen:?}");
	if refuter == Refuter::OutvotedWorker {
		let output = honest.wait_for_success().await?;
		ensure!(
			output.contains("task 0: accepted with another root")
				&& output.contains("of the result that outvoted this worker")
				&& output.contains("task 0: reported frame")
				&& output.contains("task 0: refunded to its poster"),
			"Charlie reports the outvote, his challenges, the report and the refund:\n{output}"
		);
	}
	drop(node);
	Ok(())
}

/// `0x` and the hex of `bytes`, as JSON-RPC takes bytes.
fn hex_param(bytes: impl AsRef<[u8]>) -> serde_json::Value {
	format!("0x{}", hex::encode(bytes)).into()
}

#[tokio::test]
async fn the_offchain_worker_renders_commits_and_reveals_with_the_nodes_rndr_key() -> Result<()> {
	let node = NodeBuilder::dev("render-ocw").spawn().await?;
	let api = node.client().await?;
	let url = node.ws_url();
	let scratch = tempfile::tempdir()?;
	let state_dir = scratch.path().join("state");
	let (alice, eve, ferdie) =
		(account_id(&dev::alice()), account_id(&dev::eve()), account_id(&dev::ferdie()));

	// The operator's two commands (offchain-workers/README.md): Alice's key as the node's
	// `rndr` key, and the local render worker's URL in offchain storage.
	let [port] = free_ports()?;
	let mut serve = RenderProcess::serve(port, DEV_WORLD_SEED, scratch.path()).await?;
	let alice_public = dev::alice().public_key().0;
	node.request(
		"author_insertKey",
		vec!["rndr".into(), "//Alice".into(), hex_param(alice_public)],
	)
	.await?;
	node.request(
		"offchain_localStorageSet",
		vec![
			"PERSISTENT".into(),
			hex_param(b"playnet::render-worker-url"),
			hex_param(format!("http://127.0.0.1:{port}")),
		],
	)
	.await?;

	let mut workers = Vec::new();
	for name in ["Eve", "Ferdie"] {
		workers.push(RenderProcess::work(name, &url, &state_dir, scratch.path(), 0, 1)?);
	}
	for worker in &mut workers {
		worker.wait_for("working as", STEP_TIMEOUT).await?;
	}

	// Dave posts, so that nothing but the offchain worker signs for Alice.
	let (spec, _) = small_task();
	let follow = follow(&api, 0);
	post_task(&api, &spec, FEE, &dev::dave()).await.context("Dave could not post the task")?;
	let everyone = BTreeSet::from([alice.clone(), eve.clone(), ferdie.clone()]);
	assert_eq!(assigned_to(&api, 0).await?, everyone, "Alice (bonded at genesis) is drawn");
	let seen = match follow.await? {
		Ok(seen) => seen,
		Err(error) => {
			return Err(error.context(format!(
				"node log:\n{}\nrender worker:\n{}",
				node.log_tail(60),
				serve.output()
			)))
		}
	};

	assert_eq!(seen.committed, everyone, "the offchain worker commits for Alice: {seen:?}");
	assert_eq!(seen.revealers(), everyone, "and reveals: {seen:?}");
	assert_eq!(seen.signers(), everyone, "its root agrees with the work processes': {seen:?}");
	assert!(
		seen.slashes.is_empty() && seen.refunded.is_none() && seen.fraud.is_none(),
		"nobody is slashed or refunded (the node's audits agree too): {seen:?}"
	);
	let burn_share = perbill_constant(&api, "Render", "BurnShare").await?;
	let fee_share = (FEE - burn_share.mul_floor(FEE, BILLION)) / 3;
	assert_eq!(seen.rewarded.keys().cloned().collect::<BTreeSet<_>>(), everyone, "{seen:?}");
	for (who, (share, minted)) in &seen.rewarded {
		assert_eq!(*share, fee_share, "{who}: an equal share of the fee less the burn");
		assert!(*minted > 0, "{who} is minted new PGT");
		assert_eq!(rewards_earned(&api, who).await?, share + minted, "{who}'s RewardsEarned");
	}
	// The accepted root is the one `serve` rendered for the offchain worker.
	let root = seen.accepted.as_ref().map(|(root, _)| Hash32(*root)).context("no root")?;
	let rendered = serve.output();
	ensure!(
		rendered.contains("job done") && rendered.contains(&root.to_string()),
		"the render worker rendered root {root} for the offchain worker:\n{rendered}"
	);
	for worker in &mut workers {
		let output = worker.wait_for_success().await?;
		ensure!(
			output.contains("task 0: earned"),
			"{} reports its earnings:\n{output}",
			worker.name
		);
	}
	serve.child.kill().await?;
	drop(node);
	Ok(())
}

/// A measurement, not a check: render tasks completed (a result accepted by the chain) per
/// hour by three `work` processes on this machine. Alice posts `PLAYNET_BENCH_TASKS` (default
/// 12) copies of a 320x180, 8-frame task over a 2x2 column of chunks at once; the rate is accepted results over the time
/// from the post to the last acceptance. Settlement follows each acceptance by the fixed
/// fraud window and does not limit throughput.
///
/// ```text
/// cargo test --release -p playnet-render --test work_chain -- --ignored --nocapture
/// ```
#[tokio::test]
#[ignore = "a measurement of several minutes; run by hand"]
async fn measure_tasks_completed_per_hour_by_three_workers() -> Result<()> {
	let tasks: u64 =
		std::env::var("PLAYNET_BENCH_TASKS").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
	let node = NodeBuilder::dev("render-work-bench").spawn().await?;
	let api = node.client().await?;
	let url = node.ws_url();
	let scratch = tempfile::tempdir()?;
	let state_dir = scratch.path().join("state");
	unbond(&api, ALICE_GENESIS_BOND, &dev::alice()).await?;
	let mut workers = Vec::new();
	for name in ["Eve", "Ferdie", "Charlie"] {
		workers.push(RenderProcess::work(name, &url, &state_dir, scratch.path(), 0, tasks)?);
	}
	for worker in &mut workers {
		worker.wait_for("working as", STEP_TIMEOUT).await?;
	}

	let mut task = GeneratedTask::demo(DEV_WORLD_SEED, 320, 180, 8);
	task.min_chunk = ChunkCoord::new(-1, task.min_chunk.y, -1);
	task.max_chunk = ChunkCoord::new(0, task.max_chunk.y, 0);
	let spec = task.build().0;
	let alice = dev::alice();
	let nonce: u64 = node
		.request("system_accountNextIndex", vec![account_id(&alice).to_string().into()])
		.await?
		.as_u64()
		.context("no nonce")?;
	let transactions = api.tx().await?;
	let payload = call(&api, "Render", "post_task", (&spec, FEE)).await?;
	let started = std::time::Instant::now();
	for index in 0..tasks {
		let params = subxt::config::DefaultExtrinsicParamsBuilder::<subxt::SubstrateConfig>::new()
			.nonce(nonce + index)
			.build();
		let signed = transactions.create_signable_offline(&payload, params)?.sign(&alice)?;
		let hex = format!("0x{}", hex::encode(signed.into_encoded()));
		node.request("author_submitExtrinsic", vec![hex.into()]).await?;
	}

	let (mut accepted, mut refunded) = (BTreeSet::<u64>::new(), BTreeSet::<u64>::new());
	let mut blocks = api.stream_blocks().await?;
	let counted = within(Duration::from_secs(1800), "every task accepted", async {
		while let Some(block) = blocks.next().await {
			let at = block?.at().await?;
			for event in at.events().fetch().await?.iter() {
				let event = event?;
				if event.pallet_name() == "Render" && event.event_name() == "ResultAccepted" {
					accepted.insert(event.decode_fields_unchecked_as::<TaskFields>()?.task);
				}
				if event.pallet_name() == "Render" && event.event_name() == "TaskRefunded" {
					refunded.insert(event.decode_fields_unchecked_as::<TaskFields>()?.task);
				}
			}
			if (accepted.len() + refunded.len()) as u64 >= tasks {
				return Ok(started.elapsed());
			}
		}
		bail!("the block subscription ended")
	})
	.await?;
	let done = accepted.len();
	let per_hour = done as f64 / counted.as_secs_f64() * 3600.0;
	println!(
		"{done} of {tasks} tasks ({} refunded) of {}x{} x {} frames ({} work units each) accepted in {:.1} s: \
         {per_hour:.0} tasks per hour by three workers (CPU, 1 thread each)",
		refunded.len(),
		spec.width,
		spec.height,
		spec.frame_count,
		spec.tiles_per_frame() * spec.frame_count,
		counted.as_secs_f64()
	);
	for worker in &workers {
		println!("{}:\n{}", worker.name, worker.output());
	}
	drop(node);
	Ok(())
}

/// Runs `playnet-render work` to its end with `args` after `--node URL`; returns its exit
/// status and stderr.
async fn work_to_the_end(url: &str, args: &[&str]) -> Result<(std::process::ExitStatus, String)> {
	let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_playnet-render"))
		.args(["--backend", "cpu", "work", "--node", url])
		.args(args)
		.kill_on_drop(true)
		.output();
	let output = tokio::time::timeout(STEP_TIMEOUT, output).await.context("work did not end")??;
	Ok((output.status, String::from_utf8_lossy(&output.stderr).into_owned()))
}

#[tokio::test]
async fn bonds_the_chain_refuses_end_the_worker_with_one_line() -> Result<()> {
	let node = NodeBuilder::dev("render-work-bond").spawn().await?;
	let url = node.ws_url();
	let scratch = tempfile::tempdir()?;
	let state = scratch.path().to_str().context("a UTF-8 temporary path")?;

	let (status, stderr) = work_to_the_end(
		&url,
		&["--suri", "//PlaynetPenniless", "--bond", "1000", "--state-dir", state],
	)
	.await?;
	assert!(!status.success(), "an account without funds cannot bond: {stderr}");
	assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
	assert!(
		stderr.starts_with("error: balance too low to bond 1000 PGT: the free balance is 0 PGT"),
		"{stderr}"
	);

	let (status, stderr) =
		work_to_the_end(&url, &["--suri", "//Eve", "--bond", "50", "--state-dir", state]).await?;
	assert!(!status.success(), "a bond below Stake::MinBond is refused: {stderr}");
	assert_eq!(
		stderr.trim_end(),
		"error: --bond 50 PGT is below the chain's minimum bond of 100 PGT",
		"one line naming both amounts"
	);
	drop(node);
	Ok(())
}
