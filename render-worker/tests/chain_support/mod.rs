//! The chain side of the `work_chain` tests: transactions signed from the test, the state the
//! tests read (balances, bonds, reputation, tasks, constants), the render pallet's events about
//! a task ([`events`]) and the processes the tests start ([`processes`]).
//!
//! Everything goes through subxt's dynamic API and the runtime's metadata: no generated code.

pub mod events;
pub mod processes;

use anyhow::{bail, ensure, Context, Result};
use codec::Encode;
use playnet_primitives::{demo::GeneratedTask, ChunkCoord, Hash32, RenderSpec};
use playnet_tests::{chain::TransactionFeePaid, within};
use std::time::Duration;
use subxt::{
	dynamic,
	error::{DispatchError, TransactionEventsError},
	ext::scale_decode::{self, DecodeAsType},
	transactions::Payload,
	utils::AccountId32,
	OnlineClient, SubstrateConfig,
};
use subxt_signer::sr25519::Keypair;

pub use playnet_tests::chain::PGT;

/// A subxt client on the node under test.
pub type Api = OnlineClient<SubstrateConfig>;

/// What Alice bonded at genesis (`VALIDATOR_BOND`).
pub const ALICE_GENESIS_BOND: u128 = playnet_tests::chain::VALIDATOR_BOND;
/// The dev world's seed (`DEV_WORLD_SEED`).
pub const DEV_WORLD_SEED: u64 = 42;
/// The fee every test task carries.
pub const FEE: u128 = 30 * PGT;
/// What every worker bonds (`--bond 1000`).
pub const WORKER_BOND: u128 = 1_000 * PGT;
/// Commit, reveal, the 40-block fraud window and settlement, with room for a slow machine.
pub const TASK_TIMEOUT: Duration = Duration::from_secs(300);
/// One transaction's way to finality, one process's start, one phase of a task.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(120);

/// The account of `keypair`.
pub fn account_id(keypair: &Keypair) -> AccountId32 {
	keypair.public_key().to_account_id()
}

/// A small task over the dev world: 128x64 (two tiles), two frames, a 2x2 column of chunks
/// around the origin seen by the demo camera. With the canonical encodings of its chunks, in
/// the spec's order (what a fraud proof carries).
pub fn small_task() -> (RenderSpec, Vec<Vec<u8>>) {
	let mut task = GeneratedTask::demo(DEV_WORLD_SEED, 128, 64, 2);
	task.min_chunk = ChunkCoord::new(-1, task.min_chunk.y, -1);
	task.max_chunk = ChunkCoord::new(0, task.max_chunk.y, 0);
	task.build()
}

/// `pallet::call` with the SCALE-encoded `args`, checked against the runtime's metadata.
pub async fn call(api: &Api, pallet: &str, call: &str, args: impl Encode) -> Result<impl Payload> {
	let transactions = api.tx().await?;
	let at = api.at_current_block().await?;
	let metadata = at.metadata_ref();
	let pallet_meta = metadata.pallet_by_name(pallet).with_context(|| format!("no {pallet}"))?;
	let variant =
		pallet_meta.call_variant_by_name(call).with_context(|| format!("no {pallet}::{call}"))?;
	let mut call_data = vec![pallet_meta.call_index(), variant.index];
	args.encode_to(&mut call_data);
	Ok(transactions.from_call_data_bytes(&call_data)?)
}

/// A transaction in a finalized block: the fee its signer paid and, if it failed, its error
/// (`Pallet::Error` for a pallet's error).
#[derive(Debug)]
pub struct Included {
	pub fee: u128,
	pub error: Option<String>,
}

/// Signs `payload` with `signer`, submits it and waits until it is finalized, succeeded or not.
pub async fn submit_included<P: Payload>(
	api: &Api,
	payload: &P,
	signer: &Keypair,
) -> Result<Included> {
	within(STEP_TIMEOUT, "a transaction's way to finality", async {
		let progress = api.tx().await?.sign_and_submit_then_watch_default(payload, signer).await?;
		let in_block = progress.wait_for_finalized().await?;
		let events = in_block.fetch_events().await?;
		let fee = match events.find_first::<TransactionFeePaid>() {
			Some(paid) => {
				let paid = paid?;
				paid.actual_fee + paid.tip
			}
			None => 0,
		};
		let error = match in_block.wait_for_success().await {
			Ok(_) => None,
			Err(TransactionEventsError::ExtrinsicFailed(DispatchError::Module(error))) => {
				Some(error.details_string())
			}
			Err(TransactionEventsError::ExtrinsicFailed(error)) => Some(error.to_string()),
			Err(error) => return Err(error.into()),
		};
		Ok(Included { fee, error })
	})
	.await
}

/// Signs `payload` with `signer`, submits it and waits until it is finalized and succeeded.
pub async fn submit<P: Payload>(api: &Api, payload: &P, signer: &Keypair) -> Result<()> {
	let included = submit_included(api, payload, signer).await?;
	if let Some(error) = included.error {
		bail!("the transaction failed: {error}");
	}
	Ok(())
}

/// `Render::post_task(spec, fee)`, signed by `poster`.
pub async fn post_task(api: &Api, spec: &RenderSpec, fee: u128, poster: &Keypair) -> Result<()> {
	let payload = call(api, "Render", "post_task", (spec, fee)).await?;
	submit(api, &payload, poster).await
}

/// `Stake::bond(amount)`, signed by `who`.
pub async fn bond(api: &Api, amount: u128, who: &Keypair) -> Result<()> {
	submit(api, &dynamic::tx("Stake", "bond", (amount,)), who).await
}

/// `Stake::unbond(amount)`, signed by `who`.
pub async fn unbond(api: &Api, amount: u128, who: &Keypair) -> Result<()> {
	submit(api, &dynamic::tx("Stake", "unbond", (amount,)), who).await
}

/// A worker the test drives itself: it commits and reveals whatever root the test gives it,
/// with a fixed salt (the test has nothing to hide).
pub struct ScriptedWorker {
	pub name: &'static str,
	pub key: Keypair,
	salt: [u8; 32],
}

impl ScriptedWorker {
	pub fn new(name: &'static str, key: Keypair) -> Self {
		let salt = Hash32::of(format!("the salt of {name}").as_bytes()).0;
		ScriptedWorker { name, key, salt }
	}

	pub fn account(&self) -> AccountId32 {
		account_id(&self.key)
	}

	/// `Render::commit(task, BLAKE3(SCALE((root, salt, worker))))`.
	pub async fn commit(&self, api: &Api, task: u64, root: Hash32) -> Result<()> {
		let commitment = Hash32::of(&(root, self.salt, self.account().0).encode());
		let payload = call(api, "Render", "commit", (task, commitment)).await?;
		submit(api, &payload, &self.key).await.with_context(|| format!("{} commits", self.name))
	}

	/// `Render::reveal(task, root, salt)`.
	pub async fn reveal(&self, api: &Api, task: u64, root: Hash32) -> Result<()> {
		let payload = call(api, "Render", "reveal", (task, root, self.salt)).await?;
		submit(api, &payload, &self.key).await.with_context(|| format!("{} reveals", self.name))
	}
}

/// `Perbill` or `Permill`, as parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Parts(pub u32);

impl Parts {
	/// `floor(amount x parts / denominator)`: `Perbill::mul_floor` with 10^9,
	/// `Permill::mul_floor` with 10^6.
	pub fn mul_floor(self, amount: u128, denominator: u128) -> u128 {
		amount / denominator * u128::from(self.0)
			+ amount % denominator * u128::from(self.0) / denominator
	}
}

/// A `Perbill` constant of the runtime, as parts per billion.
pub async fn perbill_constant(api: &Api, pallet: &str, name: &str) -> Result<Parts> {
	let at = api.at_current_block().await?;
	Ok(at.constants().entry(dynamic::constant::<Parts>(pallet, name))?)
}

/// A hash as the runtime stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct StoredHash(pub [u8; 32]);

/// `pallet_render::TaskPhase`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub enum TaskPhase {
	Waiting,
	Committing,
	Revealing,
	Accepted,
}

/// `pallet_render::WorkerSlot`, as far as the tests read it.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct WorkerSlot {
	pub who: AccountId32,
}

/// `Render::Tasks`, as far as the tests read it.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct TaskRecord {
	pub phase: TaskPhase,
	pub workers: Vec<WorkerSlot>,
	pub accepted_root: Option<StoredHash>,
	pub reward_base: u128,
	pub result_id: Option<StoredHash>,
}

/// `Render::Tasks(task)` at the last finalized block; `None` once the task ended.
pub async fn task_record(api: &Api, task: u64) -> Result<Option<TaskRecord>> {
	let at = api.at_current_block().await?;
	let address = dynamic::storage::<(u64,), TaskRecord>("Render", "Tasks");
	match at.storage().try_fetch(address, (task,)).await? {
		Some(value) => Ok(Some(value.decode()?)),
		None => Ok(None),
	}
}

/// Waits until `task` is drawn (`Render::AssignDelay` blocks after its post, at a finalized
/// block) and returns it; fails if it ends first.
pub async fn wait_for_draw(api: &Api, task: u64) -> Result<TaskRecord> {
	within(STEP_TIMEOUT, &format!("task {task} drawn"), async {
		loop {
			let record = task_record(api, task)
				.await?
				.with_context(|| format!("task {task} ended before it was drawn"))?;
			if !record.workers.is_empty() {
				return Ok(record);
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	})
	.await
}

/// Waits until `task` is in `phase` (at a finalized block); fails if it ends first.
pub async fn wait_for_phase(api: &Api, task: u64, phase: TaskPhase) -> Result<TaskRecord> {
	within(STEP_TIMEOUT, &format!("task {task} reaching {phase:?}"), async {
		loop {
			let record = task_record(api, task)
				.await?
				.with_context(|| format!("task {task} ended before reaching {phase:?}"))?;
			if record.phase == phase {
				return Ok(record);
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
	})
	.await
}

/// `pallet_render::Challenge`, as far as the tests read it.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct ChallengeRecord {
	pub challenger: AccountId32,
}

/// `Render::Challenges(task, frame)` at the last finalized block, if that frame is
/// challenged.
pub async fn challenge_of(api: &Api, task: u64, frame: u32) -> Result<Option<ChallengeRecord>> {
	let at = api.at_current_block().await?;
	let address = dynamic::storage::<(u64, u32), ChallengeRecord>("Render", "Challenges");
	match at.storage().try_fetch(address, (task, frame)).await? {
		Some(value) => Ok(Some(value.decode()?)),
		None => Ok(None),
	}
}

/// `pallet_stake::StakeLedger`, as far as the tests read it.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Ledger {
	pub active: u128,
}

/// `Stake::Ledgers(who)` at the last finalized block.
pub async fn ledger(api: &Api, who: &AccountId32) -> Result<Option<Ledger>> {
	let at = api.at_current_block().await?;
	let address = dynamic::storage::<(AccountId32,), Ledger>("Stake", "Ledgers");
	match at.storage().try_fetch(address, (*who,)).await? {
		Some(value) => Ok(Some(value.decode()?)),
		None => Ok(None),
	}
}

/// The active bond of `who` (0 without a ledger).
pub async fn active_bond(api: &Api, who: &AccountId32) -> Result<u128> {
	Ok(ledger(api, who).await?.map_or(0, |ledger| ledger.active))
}

/// `pallet_stake::ReputationRecord`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct ReputationRecord {
	pub agreed: u32,
	pub missed: u32,
	pub lost: u32,
	pub frauds: u32,
	pub served: u32,
	pub abandoned: u32,
	pub disputed: u32,
	pub absent: u32,
}

/// `pallet_stake::ReputationView`: the record and the score (millionths) from it.
#[derive(Clone, Copy, Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct ReputationView {
	pub record: ReputationRecord,
	pub score: Parts,
}

/// `StakeApi::reputation(who)` at the last finalized block.
pub async fn reputation(api: &Api, who: &AccountId32) -> Result<ReputationView> {
	let at = api.at_current_block().await?;
	let payload = dynamic::runtime_api_call::<_, ReputationView>("StakeApi", "reputation", (*who,));
	Ok(at.runtime_apis().call(payload).await?)
}

/// `RenderApi::rewards_earned(who)` at the last finalized block.
pub async fn rewards_earned(api: &Api, who: &AccountId32) -> Result<u128> {
	let at = api.at_current_block().await?;
	let payload = dynamic::runtime_api_call::<_, u128>("RenderApi", "rewards_earned", (*who,));
	Ok(at.runtime_apis().call(payload).await?)
}

/// The free balance of `who` at the last finalized block.
pub async fn free_balance(api: &Api, who: &AccountId32) -> Result<u128> {
	let at = api.at_current_block().await?;
	playnet_tests::chain::free_balance(&at, who).await
}

/// Free plus held (bond included) of `who` at the last finalized block.
pub async fn total_balance(api: &Api, who: &AccountId32) -> Result<u128> {
	let at = api.at_current_block().await?;
	let info = playnet_tests::chain::account(&at, who).await?;
	Ok(info.data.free + info.data.reserved)
}

/// What a worker who signed an accepted root is minted at settlement: `reward_base x (50% +
/// 50% x reputation)`, rounded down (`pallet_render::reputation_factor`).
pub fn minted_reward(reward_base: u128, reputation: Parts) -> u128 {
	Parts(500_000 + reputation.0 / 2).mul_floor(reward_base, 1_000_000)
}

/// Fails unless `worker` holds exactly `expected` in its active bond.
pub async fn ensure_active_bond(
	api: &Api,
	name: &str,
	who: &AccountId32,
	expected: u128,
) -> Result<()> {
	let active = active_bond(api, who).await?;
	ensure!(active == expected, "{name}'s active bond is {active}, expected {expected}");
	Ok(())
}
