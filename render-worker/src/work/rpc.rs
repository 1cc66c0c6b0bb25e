//! [`RenderChain`] over a [`Connection`] (a node's JSON-RPC or the embedded light client),
//! with subxt's dynamic API: no generated code and no committed metadata. Runtime APIs are
//! called raw and decoded with the pallets' SCALE layouts (mirrored in [`super::chain`]);
//! calls, storage, constants and events go by name through the runtime's metadata. The
//! connection, keys, nonces, transactions and errors are `playnet-chain-access`'s, shared with
//! the game client.

use super::chain::{
	AccountBytes, Balance, ChainBlock, ChainError, FrameEvidence, RenderChain, RenderEvent,
	TaskIndex, TaskView, Verification, WorkCall,
};
use codec::{Decode, Encode};
use playnet_chain_access::{
	accounts,
	shapes::{decode_all, Hash},
	subxt::{
		self,
		client::{Blocks, OnlineClientAtBlock},
		dynamic,
		ext::{
			scale_decode::{self, DecodeAsType},
			scale_value::{Value, ValueDef},
		},
		extrinsics::ExtrinsicEvents,
		transactions::Payload,
		utils::AccountId32,
		SubstrateConfig,
	},
	Connection, Endpoint, Signer,
};
use playnet_primitives::{ChunkCoord, Hash32, RenderSpec};
use std::{sync::Arc, time::Duration};
use subxt_signer::sr25519::Keypair;

/// Which blocks the worker follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Follow {
	/// Finalized blocks: what the worker reads can no longer change.
	Finalized,
	/// Best blocks: a few seconds sooner, but a reorg may undo what was read.
	Best,
}

/// How long a submitted transaction may take to reach a followed block.
const INCLUSION_TIMEOUT: Duration = Duration::from_secs(120);

/// `Render::Evidence`'s value.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct EvidenceFields {
	tile_hashes: Vec<Hash>,
	frame_path: Vec<Hash>,
}

/// `StakeApi::ledger`'s answer (`pallet_stake::LedgerView`).
#[derive(Decode)]
struct LedgerView {
	active: u128,
	#[allow(dead_code)]
	unlocking: Vec<(u128, u32)>,
	#[allow(dead_code)]
	total: u128,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct WorkersAssignedFields {
	task: u64,
	workers: Vec<AccountId32>,
	commit_deadline: u64,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct RevealsOpenedFields {
	task: u64,
	reveal_deadline: u64,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct ResultAcceptedFields {
	task: u64,
	root: Hash,
	signers: Vec<AccountId32>,
	settle_after: u64,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct SlashedFields {
	task: u64,
	worker: AccountId32,
	slashed: u128,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct FrameChallengedFields {
	task: u64,
	frame: u32,
	challenger: AccountId32,
	deadline: u64,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct ChallengeAnsweredFields {
	task: u64,
	frame: u32,
	signer: AccountId32,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct ChallengeUnansweredFields {
	task: u64,
	slashed: u128,
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

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct RefundedFields {
	task: u64,
	reason: Value,
}

/// The render pallet over a [`Connection`], with the worker's key for signing.
pub struct RpcRenderChain {
	connection: Arc<Connection>,
	signer: Signer,
	account: AccountId32,
	follow: Follow,
	/// The block subscription; in a mutex only to make the chain `Sync` (it is used through
	/// `&mut self`, without locking).
	blocks: std::sync::Mutex<Option<Blocks<SubstrateConfig>>>,
	/// The finalized block when the subscription started: the node's first answer may
	/// include older blocks (from genesis on a young chain), which are skipped.
	first_block: u64,
	at: Option<OnlineClientAtBlock<SubstrateConfig>>,
}

impl RpcRenderChain {
	/// Connects to `endpoint`, to sign with `key` and follow `follow` blocks.
	pub async fn connect(
		endpoint: &Endpoint,
		key: Keypair,
		follow: Follow,
	) -> Result<Self, ChainError> {
		let connection = Arc::new(Connection::connect(endpoint).await?);
		Ok(Self::new(connection, key, follow))
	}

	/// The render pallet over `connection`, signing with `key`.
	pub fn new(connection: Arc<Connection>, key: Keypair, follow: Follow) -> Self {
		let account = key.public_key().to_account_id();
		RpcRenderChain {
			connection,
			signer: Signer::new(key),
			account,
			follow,
			blocks: Default::default(),
			first_block: 0,
			at: None,
		}
	}

	/// The connection, for callers that need more than [`RenderChain`].
	pub fn connection(&self) -> &Connection {
		&self.connection
	}

	fn at(&self) -> Result<&OnlineClientAtBlock<SubstrateConfig>, ChainError> {
		self.at.as_ref().ok_or(ChainError::Rpc {
			what: "reading the chain",
			reason: "no block followed yet".into(),
		})
	}

	/// Calls runtime API function `function` (`RenderApi_task`, ...) at the current block.
	async fn call_api<T: Decode>(
		&self,
		what: &'static str,
		function: &str,
		args: &[u8],
	) -> Result<T, ChainError> {
		let bytes = self
			.at()?
			.runtime_apis()
			.call_raw(function, Some(args))
			.await
			.map_err(ChainError::rpc(what))?;
		decode_all(what, &bytes)
	}

	async fn submit_payload<P: Payload>(
		&self,
		name: &'static str,
		payload: P,
	) -> Result<u64, ChainError> {
		self.submit_payload_with_events(name, payload).await.map(|(number, _)| number)
	}

	/// Submits `payload` and waits until it is in a block; its number and the
	/// transaction's events. A best block is enough even when following finalized ones: the
	/// worker does not resend a transaction until the followed chain has passed its block, and
	/// one a reorg dropped is then sent again.
	async fn submit_payload_with_events<P: Payload>(
		&self,
		name: &'static str,
		payload: P,
	) -> Result<(u64, ExtrinsicEvents<SubstrateConfig>), ChainError> {
		let inclusion = self
			.signer
			.submit_and_wait(&self.connection, name, &payload, INCLUSION_TIMEOUT)
			.await?;
		Ok((inclusion.block_number, inclusion.events))
	}
}

fn account_bytes(account: AccountId32) -> AccountBytes {
	account.0
}

fn decode_render_event(
	event: &subxt::events::Event<'_, SubstrateConfig>,
) -> Result<Option<RenderEvent>, ChainError> {
	if event.pallet_name() != "Render" {
		return Ok(None);
	}
	let fail = ChainError::decode("a Render event");
	let decoded = match event.event_name() {
		"WorkersAssigned" => {
			let f = event.decode_fields_unchecked_as::<WorkersAssignedFields>().map_err(fail)?;
			RenderEvent::WorkersAssigned {
				task: f.task,
				workers: f.workers.into_iter().map(account_bytes).collect(),
				commit_deadline: f.commit_deadline,
			}
		}
		"RevealsOpened" => {
			let f = event.decode_fields_unchecked_as::<RevealsOpenedFields>().map_err(fail)?;
			RenderEvent::RevealsOpened { task: f.task, reveal_deadline: f.reveal_deadline }
		}
		"ResultAccepted" => {
			let f = event.decode_fields_unchecked_as::<ResultAcceptedFields>().map_err(fail)?;
			RenderEvent::ResultAccepted {
				task: f.task,
				root: Hash32(f.root.0),
				signers: f.signers.into_iter().map(account_bytes).collect(),
				settle_after: f.settle_after,
			}
		}
		"WorkerMissed" | "DissenterSlashed" => {
			let f = event.decode_fields_unchecked_as::<SlashedFields>().map_err(fail)?;
			let (task, worker, slashed) = (f.task, f.worker.0, f.slashed);
			if event.event_name() == "WorkerMissed" {
				RenderEvent::WorkerMissed { task, worker, slashed }
			} else {
				RenderEvent::DissenterSlashed { task, worker, slashed }
			}
		}
		"WorkerRewarded" => {
			let f = event.decode_fields_unchecked_as::<RewardedFields>().map_err(fail)?;
			RenderEvent::WorkerRewarded {
				task: f.task,
				worker: f.worker.0,
				fee_share: f.fee_share,
				minted: f.minted,
			}
		}
		"TaskSettled" => {
			let f = event.decode_fields_unchecked_as::<TaskFields>().map_err(fail)?;
			RenderEvent::TaskSettled { task: f.task }
		}
		"FraudProven" => {
			let f = event.decode_fields_unchecked_as::<TaskFields>().map_err(fail)?;
			RenderEvent::FraudProven { task: f.task }
		}
		"FrameChallenged" => {
			let f = event.decode_fields_unchecked_as::<FrameChallengedFields>().map_err(fail)?;
			RenderEvent::FrameChallenged {
				task: f.task,
				frame: f.frame,
				challenger: f.challenger.0,
				deadline: f.deadline,
			}
		}
		"ChallengeAnswered" => {
			let f = event.decode_fields_unchecked_as::<ChallengeAnsweredFields>().map_err(fail)?;
			RenderEvent::ChallengeAnswered { task: f.task, frame: f.frame, signer: f.signer.0 }
		}
		"ChallengeUnanswered" => {
			let f =
				event.decode_fields_unchecked_as::<ChallengeUnansweredFields>().map_err(fail)?;
			RenderEvent::ChallengeUnanswered { task: f.task, slashed: f.slashed }
		}
		"TaskRefunded" => {
			let f = event.decode_fields_unchecked_as::<RefundedFields>().map_err(fail)?;
			let reason = match &f.reason.value {
				ValueDef::Variant(variant) => variant.name.clone(),
				_ => "unknown".into(),
			};
			RenderEvent::TaskRefunded { task: f.task, reason }
		}
		_ => return Ok(None),
	};
	Ok(Some(decoded))
}

#[async_trait::async_trait]
impl RenderChain for RpcRenderChain {
	fn account(&self) -> AccountBytes {
		self.account.0
	}

	fn genesis_hash(&self) -> [u8; 32] {
		self.connection.genesis_hash()
	}

	async fn next_block(&mut self) -> Result<ChainBlock, ChainError> {
		let subscription = self.blocks.get_mut().unwrap_or_else(|p| p.into_inner());
		if subscription.is_none() {
			let blocks = match self.follow {
				Follow::Finalized => self.connection.api().stream_blocks().await,
				Follow::Best => self.connection.api().stream_best_blocks().await,
			};
			*subscription = Some(blocks.map_err(ChainError::rpc("subscribing to blocks"))?);
			let finalized = self
				.connection
				.api()
				.at_current_block()
				.await
				.map_err(ChainError::rpc("reading the finalized block"))?;
			self.first_block = finalized.block_number();
		}
		let block = loop {
			let next = match subscription.as_mut() {
				Some(blocks) => blocks.next().await,
				None => None,
			};
			match next {
				Some(Ok(block)) if block.number() < self.first_block => continue,
				other => break other,
			}
		};
		let block = match block {
			Some(Ok(block)) => block,
			Some(Err(e)) => {
				*subscription = None;
				return Err(ChainError::rpc("following blocks")(e));
			}
			None => {
				*subscription = None;
				return Err(ChainError::Rpc {
					what: "following blocks",
					reason: "the node ended the subscription".into(),
				});
			}
		};
		let at = block.at().await.map_err(ChainError::rpc("opening a block"))?;
		let followed = ChainBlock { number: block.number(), hash: block.hash().0 };
		self.at = Some(at);
		Ok(followed)
	}

	async fn render_events(&self) -> Result<Vec<RenderEvent>, ChainError> {
		let events =
			self.at()?.events().fetch().await.map_err(ChainError::rpc("fetching events"))?;
		let mut decoded = Vec::new();
		for event in events.iter() {
			let event = event.map_err(ChainError::decode("an event"))?;
			decoded.extend(decode_render_event(&event)?);
		}
		Ok(decoded)
	}

	async fn tasks_assigned(&self) -> Result<Vec<TaskIndex>, ChainError> {
		self.call_api("assigned tasks", "RenderApi_tasks_assigned_to", &self.account.0.encode())
			.await
	}

	async fn task(&self, task: TaskIndex) -> Result<Option<TaskView>, ChainError> {
		self.call_api("a task", "RenderApi_task", &task.encode()).await
	}

	async fn task_spec(&self, task: TaskIndex) -> Result<Option<RenderSpec>, ChainError> {
		self.call_api("a task's spec", "RenderApi_task_spec", &task.encode()).await
	}

	async fn evidence(
		&self,
		task: TaskIndex,
		frame: u32,
	) -> Result<Option<FrameEvidence>, ChainError> {
		let address = dynamic::storage::<(u64, u32), EvidenceFields>("Render", "Evidence");
		let Some(value) = self
			.at()?
			.storage()
			.try_fetch(address, (task, frame))
			.await
			.map_err(ChainError::rpc("a frame's evidence"))?
		else {
			return Ok(None);
		};
		let fields = value.decode().map_err(ChainError::decode("a frame's evidence"))?;
		let hashes = |list: Vec<Hash>| list.into_iter().map(|hash| Hash32(hash.0)).collect();
		Ok(Some(FrameEvidence {
			tile_hashes: hashes(fields.tile_hashes),
			frame_path: hashes(fields.frame_path),
		}))
	}

	async fn max_challenges(&self) -> Result<u32, ChainError> {
		let address = dynamic::constant::<u32>("Render", "MaxChallengesPerTask");
		self.at()?
			.constants()
			.entry(address)
			.map_err(ChainError::decode("Render::MaxChallengesPerTask"))
	}

	async fn world_seed(&self) -> Result<u64, ChainError> {
		self.call_api("the world seed", "WorldApi_world_seed", &[]).await
	}

	async fn chunk_at(
		&self,
		coord: ChunkCoord,
		content_hash: Hash32,
	) -> Result<Option<Vec<u8>>, ChainError> {
		self.call_api("a chunk", "WorldApi_chunk_at", &(coord, content_hash).encode()).await
	}

	async fn rewards_earned(&self) -> Result<Balance, ChainError> {
		self.call_api("rewards earned", "RenderApi_rewards_earned", &self.account.0.encode()).await
	}

	async fn free_balance(&self) -> Result<Balance, ChainError> {
		Ok(accounts::balances_at(self.at()?, &self.account.0).await?.free)
	}

	async fn bonded(&self) -> Result<Balance, ChainError> {
		let ledger: Option<LedgerView> =
			self.call_api("the stake ledger", "StakeApi_ledger", &self.account.0.encode()).await?;
		Ok(ledger.map_or(0, |ledger| ledger.active))
	}

	async fn min_bond(&self) -> Result<Balance, ChainError> {
		let address = dynamic::constant::<u128>("Stake", "MinBond");
		self.at()?.constants().entry(address).map_err(ChainError::decode("Stake::MinBond"))
	}

	async fn submit(&mut self, call: WorkCall) -> Result<u64, ChainError> {
		let name = call.name();
		match call {
			WorkCall::Bond(amount) => {
				self.submit_payload(name, dynamic::tx("Stake", "bond", (amount,))).await
			}
			WorkCall::Commit { task, commitment } => {
				let payload = dynamic::tx("Render", "commit", (task, Hash(commitment.0)));
				self.submit_payload(name, payload).await
			}
			WorkCall::Reveal { task, root, salt } => {
				let payload = dynamic::tx("Render", "reveal", (task, Hash(root.0), salt));
				self.submit_payload(name, payload).await
			}
			WorkCall::AnswerChallenge { task, frame, tile_hashes, frame_path } => {
				let hashes = |list: Vec<Hash32>| list.into_iter().map(|h| Hash(h.0)).collect();
				let (tile_hashes, frame_path): (Vec<Hash>, Vec<Hash>) =
					(hashes(tile_hashes), hashes(frame_path));
				let payload = dynamic::tx(
					"Render",
					"answer_challenge",
					(task, frame, tile_hashes, frame_path),
				);
				self.submit_payload(name, payload).await
			}
			WorkCall::Challenge { task, frame } => {
				self.submit_payload(name, dynamic::tx("Render", "challenge", (task, frame))).await
			}
			WorkCall::ReportFraud { task, proof, claimed_tile_hash, chunks } => {
				// The proof goes in as its SCALE bytes, framed by the call's indices.
				let args = (task, proof, claimed_tile_hash, chunks).encode();
				let payload = self.render_call("report_fraud", &args).await?;
				self.submit_payload(name, payload).await
			}
		}
	}
}

/// `WorldApi::chunk_record`'s answer, as far as `post` reads it.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct ChunkRecordFields {
	content_hash: Hash,
}

/// A `Perbill`: parts per billion.
#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct PerbillFields(u32);

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct TaskPostedFields {
	task: u64,
}

/// A task [`RpcRenderChain::post_task`] put on chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PostedTask {
	/// Its index.
	pub task: TaskIndex,
	/// The (best) block that included the post.
	pub block: u64,
}

/// What `playnet-render post` needs beyond [`RenderChain`]: the render pallet's limits, the
/// world's edited chunks, and `Render::post_task`. Reads are at the last followed block.
impl RpcRenderChain {
	/// `Render::<call>` with its SCALE-encoded `args` ([`playnet_chain_access::scale_call`]).
	async fn render_call(
		&self,
		call: &str,
		args: &[u8],
	) -> Result<impl Payload + use<>, ChainError> {
		playnet_chain_access::scale_call(&self.connection, "Render", call, args).await
	}

	/// The least fee a task of `work_units` verified by `verification` may carry:
	/// `Render::MinFee`, or `Render::MinFeePerUnit` per work unit when that is more, for an
	/// optimistic task `Render::OptimisticFeeShare` of that (as the pallet's `min_fee`).
	pub fn min_fee(
		&self,
		work_units: u64,
		verification: Verification,
	) -> Result<Balance, ChainError> {
		let at = self.at()?;
		let constants = at.constants();
		let min_fee = constants
			.entry(dynamic::constant::<u128>("Render", "MinFee"))
			.map_err(ChainError::decode("Render::MinFee"))?;
		let per_unit = constants
			.entry(dynamic::constant::<u128>("Render", "MinFeePerUnit"))
			.map_err(ChainError::decode("Render::MinFeePerUnit"))?;
		let floor = per_unit.saturating_mul(u128::from(work_units));
		let floor = match verification {
			Verification::Majority => floor,
			Verification::Optimistic => {
				// Perbill, rounded up as the pallet does.
				let share = constants
					.entry(dynamic::constant::<PerbillFields>("Render", "OptimisticFeeShare"))
					.map_err(ChainError::decode("Render::OptimisticFeeShare"))?;
				let share = u128::from(share.0);
				floor.saturating_mul(share).div_ceil(1_000_000_000)
			}
		};
		Ok(floor.max(min_fee))
	}

	/// `Render::MaxOptimisticFee` and `Render::MinOptimisticFrames`: an optimistic task's
	/// largest fee and fewest frames.
	pub fn optimistic_limits(&self) -> Result<(Balance, u32), ChainError> {
		let at = self.at()?;
		let constants = at.constants();
		let max_fee = constants
			.entry(dynamic::constant::<u128>("Render", "MaxOptimisticFee"))
			.map_err(ChainError::decode("Render::MaxOptimisticFee"))?;
		let min_frames = constants
			.entry(dynamic::constant::<u32>("Render", "MinOptimisticFrames"))
			.map_err(ChainError::decode("Render::MinOptimisticFrames"))?;
		Ok((max_fee, min_frames))
	}

	/// `Render::MaxSceneChunks`: the most chunks a task's scene may have.
	pub fn max_scene_chunks(&self) -> Result<u32, ChainError> {
		let address = dynamic::constant::<u32>("Render", "MaxSceneChunks");
		self.at()?.constants().entry(address).map_err(ChainError::decode("Render::MaxSceneChunks"))
	}

	/// The content hash of the chunk at `coord` if it was edited since genesis
	/// (`WorldApi::chunk_record`); `None` while it is as the world seed generates it.
	pub async fn edited_chunk_hash(&self, coord: ChunkCoord) -> Result<Option<Hash32>, ChainError> {
		let payload = dynamic::runtime_api_call::<_, Option<ChunkRecordFields>>(
			"WorldApi",
			"chunk_record",
			(Value::named_composite([
				("x", Value::i128(i128::from(coord.x))),
				("y", Value::i128(i128::from(coord.y))),
				("z", Value::i128(i128::from(coord.z))),
			]),),
		);
		let record = self
			.at()?
			.runtime_apis()
			.call(payload)
			.await
			.map_err(ChainError::rpc("a chunk record"))?;
		Ok(record.map(|record| Hash32(record.content_hash.0)))
	}

	/// Signs and submits `Render::post_task_verified(spec, fee, verification)` from this
	/// account and waits until it is in a block; the new task's index from its `TaskPosted`
	/// event.
	pub async fn post_task(
		&self,
		spec: &RenderSpec,
		fee: Balance,
		verification: Verification,
	) -> Result<PostedTask, ChainError> {
		const CALL: &str = "Render::post_task_verified";
		// The spec goes in as its SCALE bytes (its identity).
		let args = (spec, fee, verification).encode();
		let payload = self.render_call("post_task_verified", &args).await?;
		let (block, events) = self.submit_payload_with_events(CALL, payload).await?;
		for event in events.iter() {
			let event = event.map_err(ChainError::decode("an event"))?;
			if event.pallet_name() == "Render" && event.event_name() == "TaskPosted" {
				let fields = event
					.decode_fields_unchecked_as::<TaskPostedFields>()
					.map_err(ChainError::decode("Render::TaskPosted"))?;
				return Ok(PostedTask { task: fields.task, block });
			}
		}
		Err(ChainError::Decode {
			what: "Render::post_task's events",
			reason: "no TaskPosted".into(),
		})
	}
}
