//! `playnet-render work` against a real `playnet-node --dev`: three workers (Eve, Ferdie,
//! Charlie, each bonding itself with `--bond`) take a task Alice posts, render it, commit,
//! reveal (one of them after being killed and restarted between its commit and the reveal
//! phase), and are paid at settlement.
//!
//! Alice is the dev chain's genesis validator and so a bonded contributor too; she unbonds
//! first, so that exactly the three workers are eligible and all three are drawn.
//!
//! The runtime's fraud window is 40 blocks (2 minutes at 3 s blocks): the test takes about
//! 3 to 4 minutes.

use anyhow::{bail, ensure, Context, Result};
use codec::Encode;
use playnet_primitives::{demo::GeneratedTask, ChunkCoord, RenderSpec};
use playnet_tests::{within, NodeBuilder};
use std::{
	collections::{BTreeMap, BTreeSet},
	path::{Path, PathBuf},
	process::Stdio,
	time::Duration,
};
use subxt::{
	dynamic,
	ext::scale_decode::{self, DecodeAsType},
	utils::AccountId32,
	OnlineClient, SubstrateConfig,
};
use subxt_signer::sr25519::{dev, Keypair};

const PGT: u128 = 1_000_000_000_000;
/// What Alice bonded at genesis (`VALIDATOR_BOND`).
const ALICE_GENESIS_BOND: u128 = 10_000 * PGT;
/// The dev world's seed (`DEV_WORLD_SEED`).
const DEV_WORLD_SEED: u64 = 42;
const FEE: u128 = 30 * PGT;
/// Commit, reveal, the 40-block fraud window and settlement, with room for a slow machine.
const TASK_TIMEOUT: Duration = Duration::from_secs(300);
const STEP_TIMEOUT: Duration = Duration::from_secs(120);

fn account(keypair: &Keypair) -> AccountId32 {
	keypair.public_key().to_account_id()
}

/// A small task over the dev world: 128x64 (two tiles), two frames, a 2x2 column of chunks
/// around the origin seen by the demo camera.
fn small_task() -> RenderSpec {
	let mut task = GeneratedTask::demo(DEV_WORLD_SEED, 128, 64, 2);
	task.min_chunk = ChunkCoord::new(-1, task.min_chunk.y, -1);
	task.max_chunk = ChunkCoord::new(0, task.max_chunk.y, 0);
	task.build().0
}

/// `System::Account`, as far as the test reads it.
#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct AccountInfo {
	data: AccountData,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct AccountData {
	free: u128,
	reserved: u128,
}

/// Free plus reserved (bond included) of `who` at the last finalized block.
async fn total_balance(api: &OnlineClient<SubstrateConfig>, who: &AccountId32) -> Result<u128> {
	let at = api.at_current_block().await?;
	let address = dynamic::storage::<(AccountId32,), AccountInfo>("System", "Account");
	let info = at.storage().fetch(address, (*who,)).await?.decode()?;
	Ok(info.data.free + info.data.reserved)
}

/// Signs `payload` with `signer`, submits it and waits until it is finalized and succeeded.
async fn submit<P: subxt::transactions::Payload>(
	api: &OnlineClient<SubstrateConfig>,
	payload: &P,
	signer: &Keypair,
) -> Result<()> {
	within(STEP_TIMEOUT, "a transaction's way to finality", async {
		let progress = api.tx().await?.sign_and_submit_then_watch_default(payload, signer).await?;
		progress.wait_for_finalized().await?.wait_for_success().await?;
		Ok(())
	})
	.await
}

/// `Render::post_task(spec, fee)`, encoded from the spec's SCALE bytes (its identity) and
/// checked against the runtime's metadata.
async fn post_task(
	api: &OnlineClient<SubstrateConfig>,
	spec: &RenderSpec,
	fee: u128,
	poster: &Keypair,
) -> Result<()> {
	let transactions = api.tx().await?;
	let at = api.at_current_block().await?;
	let metadata = at.metadata_ref();
	let pallet = metadata.pallet_by_name("Render").context("no Render pallet")?;
	let call = pallet.call_variant_by_name("post_task").context("no Render::post_task")?;
	let mut call_data = vec![pallet.call_index(), call.index];
	spec.encode_to(&mut call_data);
	fee.encode_to(&mut call_data);
	let payload = transactions.from_call_data_bytes(&call_data)?;
	submit(api, &payload, poster).await
}

/// One `playnet-render work` process, its output in a file; killed when dropped.
struct WorkerProcess {
	name: &'static str,
	child: tokio::process::Child,
	output: PathBuf,
}

impl WorkerProcess {
	fn spawn(
		name: &'static str,
		node: &str,
		state_dir: &Path,
		logs: &Path,
		run: u32,
		tasks: u64,
	) -> Result<Self> {
		let output = logs.join(format!("{name}-{run}.log"));
		let file = std::fs::File::create(&output)?;
		let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_playnet-render"))
			.args(["--backend", "cpu", "--threads", "1", "work", "--node", node])
			.args(["--suri", &format!("//{name}"), "--bond", "1000", "--tasks", &tasks.to_string()])
			.arg("--state-dir")
			.arg(state_dir)
			.stdout(Stdio::from(file.try_clone()?))
			.stderr(Stdio::from(file))
			.kill_on_drop(true)
			.spawn()
			.context("cannot start playnet-render")?;
		Ok(WorkerProcess { name, child, output })
	}

	fn output(&self) -> String {
		std::fs::read_to_string(&self.output).unwrap_or_default()
	}

	/// Waits until the output holds `text`; fails if the process exits first.
	async fn wait_for(&mut self, text: &str, timeout: Duration) -> Result<()> {
		let deadline = tokio::time::Instant::now() + timeout;
		loop {
			if self.output().contains(text) {
				return Ok(());
			}
			if let Some(status) = self.child.try_wait()? {
				bail!(
					"{} exited ({status}) before printing {text:?}:\n{}",
					self.name,
					self.output()
				);
			}
			if tokio::time::Instant::now() > deadline {
				bail!(
					"{} did not print {text:?} within {timeout:?}:\n{}",
					self.name,
					self.output()
				);
			}
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
	}
}

/// The render pallet's events about one task, by name, with the workers they name.
#[derive(Default, Debug)]
struct TaskEvents {
	committed: BTreeSet<AccountId32>,
	revealed: BTreeSet<AccountId32>,
	signers: Option<BTreeSet<AccountId32>>,
	rewarded: BTreeMap<AccountId32, (u128, u128)>,
	settled: bool,
	other: Vec<String>,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct WorkerFields {
	task: u64,
	worker: AccountId32,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct AcceptedFields {
	task: u64,
	signers: Vec<AccountId32>,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct RewardedFields {
	task: u64,
	worker: AccountId32,
	fee_share: u128,
	minted: u128,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct TaskFields {
	task: u64,
}

/// Follows finalized blocks until `task` is settled, collecting its events.
async fn follow_task(api: &OnlineClient<SubstrateConfig>, task: u64) -> Result<TaskEvents> {
	let mut seen = TaskEvents::default();
	let mut blocks = api.stream_blocks().await?;
	while let Some(block) = blocks.next().await {
		let at = block?.at().await?;
		for event in at.events().fetch().await?.iter() {
			let event = event?;
			if event.pallet_name() != "Render" {
				continue;
			}
			match event.event_name() {
				"Committed" | "Revealed" => {
					let f = event.decode_fields_unchecked_as::<WorkerFields>()?;
					if f.task == task {
						let set = if event.event_name() == "Committed" {
							&mut seen.committed
						} else {
							&mut seen.revealed
						};
						set.insert(f.worker);
					}
				}
				"ResultAccepted" => {
					let f = event.decode_fields_unchecked_as::<AcceptedFields>()?;
					if f.task == task {
						seen.signers = Some(f.signers.into_iter().collect());
					}
				}
				"WorkerRewarded" => {
					let f = event.decode_fields_unchecked_as::<RewardedFields>()?;
					if f.task == task {
						seen.rewarded.insert(f.worker, (f.fee_share, f.minted));
					}
				}
				"TaskSettled" => {
					if event.decode_fields_unchecked_as::<TaskFields>()?.task == task {
						seen.settled = true;
						return Ok(seen);
					}
				}
				"TaskRefunded" | "DissenterSlashed" | "WorkerMissed" | "FraudProven" => {
					seen.other.push(event.event_name().to_owned());
				}
				_ => {}
			}
		}
	}
	bail!("the block subscription ended before task {task} was settled: {seen:?}")
}

#[tokio::test]
async fn three_workers_render_commit_reveal_and_are_paid() -> Result<()> {
	let node = NodeBuilder::dev("render-work").spawn().await?;
	let api = node.client().await?;
	let url = node.ws_url();
	let scratch = tempfile::tempdir()?;
	let state_dir = scratch.path().join("state");

	submit(&api, &dynamic::tx("Stake", "unbond", (ALICE_GENESIS_BOND,)), &dev::alice())
		.await
		.context("Alice could not unbond")?;

	let names = ["Eve", "Ferdie", "Charlie"];
	let keys = [dev::eve(), dev::ferdie(), dev::charlie()];
	let mut before = Vec::new();
	for key in &keys {
		before.push(total_balance(&api, &account(key)).await?);
	}

	let mut workers = Vec::new();
	for name in names {
		workers.push(WorkerProcess::spawn(name, &url, &state_dir, scratch.path(), 0, 1)?);
	}
	for worker in &mut workers {
		worker.wait_for("bond: bonded 1000 PGT", STEP_TIMEOUT).await?;
		worker.wait_for("working as", STEP_TIMEOUT).await?;
	}

	let spec = small_task();
	let follow = {
		let api = api.clone();
		tokio::spawn(async move { within(TASK_TIMEOUT, "task 0", follow_task(&api, 0)).await })
	};
	post_task(&api, &spec, FEE, &dev::alice()).await.context("Alice could not post the task")?;

	// Kill Eve once her commitment is on chain and start her again: the root and salt she
	// saved before committing must let the new process reveal.
	workers[0].wait_for("task 0: committed", STEP_TIMEOUT).await?;
	workers[0].child.kill().await?;
	let first_run = workers[0].output();
	workers[0] = WorkerProcess::spawn("Eve", &url, &state_dir, scratch.path(), 1, 1)?;
	workers[0].wait_for("bond: 1000 PGT already bonded", STEP_TIMEOUT).await?;

	let seen = follow.await??;
	let expected: BTreeSet<AccountId32> = keys.iter().map(account).collect();
	assert_eq!(seen.committed, expected, "every worker commits: {seen:?}");
	assert_eq!(seen.revealed, expected, "every worker reveals, Eve after her restart: {seen:?}");
	assert_eq!(seen.signers.as_ref(), Some(&expected), "all three roots agree: {seen:?}");
	assert!(seen.other.is_empty(), "nobody is slashed or refunded: {seen:?}");
	for (name, key) in names.iter().zip(&keys) {
		let (fee_share, minted) =
			seen.rewarded.get(&account(key)).copied().with_context(|| format!("{name} unpaid"))?;
		assert!(fee_share > 0 && minted > 0, "{name} gets a fee share and minted PGT");
	}

	for (index, worker) in workers.iter_mut().enumerate() {
		let status =
			within(STEP_TIMEOUT, "a worker's exit", async { Ok(worker.child.wait().await?) })
				.await?;
		let output = worker.output();
		ensure!(status.success(), "{} failed ({status}):\n{output}", worker.name);
		ensure!(
			output.contains("task 0: revealed") && output.contains("task 0: earned"),
			"{} reports its reveal and earnings:\n{output}",
			worker.name
		);
		let after = total_balance(&api, &account(&keys[index])).await?;
		assert!(
			after > before[index],
			"{} holds more than before working ({after} <= {})",
			worker.name,
			before[index]
		);
		println!("{}: {} -> {} plancks\n{output}", worker.name, before[index], after);
	}
	assert!(first_run.contains("task 0: rendered"), "Eve rendered before her restart");
	assert!(
		!workers[0].output().contains("task 0: rendered"),
		"Eve's second run reveals from her saved root without rendering again"
	);
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
	submit(&api, &dynamic::tx("Stake", "unbond", (ALICE_GENESIS_BOND,)), &dev::alice()).await?;
	let mut workers = Vec::new();
	for name in ["Eve", "Ferdie", "Charlie"] {
		workers.push(WorkerProcess::spawn(name, &url, &state_dir, scratch.path(), 0, tasks)?);
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
		.request("system_accountNextIndex", vec![account(&alice).to_string().into()])
		.await?
		.as_u64()
		.context("no nonce")?;
	let transactions = api.tx().await?;
	let at = api.at_current_block().await?;
	let metadata = at.metadata_ref();
	let pallet = metadata.pallet_by_name("Render").context("no Render pallet")?;
	let call = pallet.call_variant_by_name("post_task").context("no Render::post_task")?;
	let mut call_data = vec![pallet.call_index(), call.index];
	spec.encode_to(&mut call_data);
	FEE.encode_to(&mut call_data);
	let payload = transactions.from_call_data_bytes(&call_data)?;
	let started = std::time::Instant::now();
	for index in 0..tasks {
		let params = subxt::config::DefaultExtrinsicParamsBuilder::<SubstrateConfig>::new()
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
