//! What the standalone worker needs from the chain, as a trait: the worker loop is written
//! against [`RenderChain`], the node's JSON-RPC implements it ([`super::rpc::RpcRenderChain`]),
//! and a test may substitute its own.
//!
//! Every read is at the block the last [`RenderChain::next_block`] returned, so that one
//! pass of the loop sees one consistent state.

use playnet_primitives::{ChunkCoord, Hash32, RenderSpec, TileProof};

/// A raw 32-byte account id (sr25519 public key).
pub use playnet_chain_access::AccountBytes;

/// A task's number on chain (`pallet_render::TaskIndex`).
pub type TaskIndex = u64;

/// Balances in plancks (12 decimals: `1_000_000_000_000` = 1 PGT).
pub type Balance = u128;

/// Why the chain could not be read or written (`playnet-chain-access`'s, shared with the game
/// client); [`ChainError::is_transient`] tells what a retry may fix.
pub use playnet_chain_access::ChainError;

/// A block the worker follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChainBlock {
	/// Its number.
	pub number: u64,
	/// Its hash.
	pub hash: [u8; 32],
}

/// Where a task is in its life (`pallet_render::TaskPhase`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, codec::Encode, codec::Decode)]
pub enum TaskPhase {
	/// Waiting for enough eligible workers.
	Waiting,
	/// Assigned; workers commit until the deadline.
	Committing,
	/// Everyone committed; workers reveal until the deadline.
	Revealing,
	/// A majority agreed; open to fraud proofs until the deadline, then settled.
	Accepted,
}

/// How a task's result is verified (`pallet_render::Verification`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, codec::Encode, codec::Decode)]
pub enum Verification {
	/// `k` workers; a strict majority's root is accepted.
	#[default]
	Majority,
	/// One worker; the chain spot-checks a frame and a tile of its result.
	Optimistic,
}

/// The chain's spot check of an optimistic result (`pallet_render::SpotCheck`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, codec::Encode, codec::Decode)]
pub struct SpotCheck {
	/// The checked frame (challenged in the poster's name: answered like any challenge).
	pub frame: u32,
	/// The tile of it the runtime renders again.
	pub tile: u32,
}

/// One assigned worker and how far it got (`pallet_render::WorkerSlot`).
#[derive(Clone, Debug, PartialEq, Eq, codec::Encode, codec::Decode)]
pub struct WorkerSlot {
	/// The worker.
	pub who: AccountBytes,
	/// Its commitment, once it committed.
	pub commitment: Option<Hash32>,
	/// The root it revealed, once it revealed.
	pub root: Option<Hash32>,
}

/// An open task, as `RenderApi::task` returns it (`pallet_render::TaskView`).
#[derive(Clone, Debug, PartialEq, Eq, codec::Encode, codec::Decode)]
pub struct TaskView {
	/// Who posted it.
	pub poster: AccountBytes,
	/// The fee held in escrow.
	pub fee: Balance,
	/// `task_id` of the spec.
	pub spec_id: Hash32,
	/// Work units (64x64 tiles over all frames).
	pub work_units: u64,
	/// The block it was posted in.
	pub posted_at: u32,
	/// Its phase.
	pub phase: TaskPhase,
	/// The last block of the current phase.
	pub deadline: u32,
	/// The workers now assigned.
	pub workers: Vec<WorkerSlot>,
	/// The accepted root, once a majority agreed.
	pub accepted_root: Option<Hash32>,
	/// The id its result's frame hashes commit to, fixed at its first draw.
	pub result_id: Option<Hash32>,
	/// The challenges of its accepted result, answered or not.
	pub challenges: Vec<ChallengeView>,
	/// How its result is verified.
	pub verification: Verification,
	/// The chain's spot check of its optimistic result, once drawn.
	pub spot_check: Option<SpotCheck>,
}

/// One challenge of an accepted result (`pallet_render::ChallengeView`).
#[derive(Clone, Debug, PartialEq, Eq, codec::Encode, codec::Decode)]
pub struct ChallengeView {
	/// The challenged frame.
	pub frame: u32,
	/// Who challenged it.
	pub challenger: AccountBytes,
	/// The last block a signer may answer in.
	pub deadline: u32,
	/// The signer whose answer was taken, once one was.
	pub answered_by: Option<AccountBytes>,
}

impl TaskView {
	/// The slot of `who`, if it is assigned.
	pub fn slot_of(&self, who: &AccountBytes) -> Option<&WorkerSlot> {
		self.workers.iter().find(|slot| slot.who == *who)
	}

	/// Whether `who` signed the accepted result: it revealed the accepted root.
	pub fn signed_by(&self, who: &AccountBytes) -> bool {
		self.accepted_root.is_some()
			&& self.slot_of(who).is_some_and(|slot| slot.root == self.accepted_root)
	}
}

/// A challenged frame's evidence as a signer published it (`pallet_render::FrameEvidence`).
#[derive(Clone, Debug, PartialEq, Eq, codec::Encode, codec::Decode)]
pub struct FrameEvidence {
	/// The frame's tile hashes, in tile order.
	pub tile_hashes: Vec<Hash32>,
	/// The siblings of the frame hash's path to the accepted root, leaf level first.
	pub frame_path: Vec<Hash32>,
}

/// The render pallet's events the worker reports on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenderEvent {
	/// Workers were assigned to a task.
	WorkersAssigned {
		/// The task.
		task: TaskIndex,
		/// The newly assigned workers.
		workers: Vec<AccountBytes>,
		/// The last block to commit in.
		commit_deadline: u64,
	},
	/// Every worker committed: reveals are open.
	RevealsOpened {
		/// The task.
		task: TaskIndex,
		/// The last block to reveal in.
		reveal_deadline: u64,
	},
	/// A majority agreed on a root.
	ResultAccepted {
		/// The task.
		task: TaskIndex,
		/// The accepted root.
		root: Hash32,
		/// The workers who revealed it.
		signers: Vec<AccountBytes>,
		/// The last block a fraud proof is taken in.
		settle_after: u64,
	},
	/// A worker missed a deadline and was slashed.
	WorkerMissed {
		/// The task.
		task: TaskIndex,
		/// The worker.
		worker: AccountBytes,
		/// The amount slashed.
		slashed: Balance,
	},
	/// A worker revealed a root the majority rejected and was slashed.
	DissenterSlashed {
		/// The task.
		task: TaskIndex,
		/// The worker.
		worker: AccountBytes,
		/// The amount slashed.
		slashed: Balance,
	},
	/// A signer of a settled task was paid.
	WorkerRewarded {
		/// The task.
		task: TaskIndex,
		/// The worker.
		worker: AccountBytes,
		/// Its share of the fee.
		fee_share: Balance,
		/// New PGT minted to it.
		minted: Balance,
	},
	/// A task was settled and ended.
	TaskSettled {
		/// The task.
		task: TaskIndex,
	},
	/// A task's fee went back to its poster; the task ended.
	TaskRefunded {
		/// The task.
		task: TaskIndex,
		/// Why (`NoMajority`, `NoReplacement`, `Fraud`, `QueueFull`).
		reason: String,
	},
	/// A fraud proof overturned an accepted root.
	FraudProven {
		/// The task.
		task: TaskIndex,
	},
	/// A frame of an accepted result was challenged: a signer must publish its tile hashes.
	FrameChallenged {
		/// The task.
		task: TaskIndex,
		/// The frame.
		frame: u32,
		/// Who challenged.
		challenger: AccountBytes,
		/// The last block to answer in.
		deadline: u64,
	},
	/// A signer answered a challenge; the frame's evidence is on chain.
	ChallengeAnswered {
		/// The task.
		task: TaskIndex,
		/// The frame.
		frame: u32,
		/// The signer whose answer was taken.
		signer: AccountBytes,
	},
	/// A challenge went unanswered: every signer was slashed as a fraud.
	ChallengeUnanswered {
		/// The task.
		task: TaskIndex,
		/// Slashed from the signers, in total.
		slashed: Balance,
	},
}

/// A call the worker signs and submits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkCall {
	/// `Stake::bond(amount)`: add `amount` to the worker's bond.
	Bond(Balance),
	/// `Render::commit(task, commitment)`.
	Commit {
		/// The task.
		task: TaskIndex,
		/// `commitment_of(root, salt, worker)`.
		commitment: Hash32,
	},
	/// `Render::reveal(task, root, salt)`.
	Reveal {
		/// The task.
		task: TaskIndex,
		/// The committed root.
		root: Hash32,
		/// The committed salt.
		salt: [u8; 32],
	},
	/// `Render::challenge(task, frame)`, holding the chain's challenge deposit.
	Challenge {
		/// The task.
		task: TaskIndex,
		/// The frame.
		frame: u32,
	},
	/// `Render::report_fraud(task, proof, claimed_tile_hash, chunks)`.
	ReportFraud {
		/// The task.
		task: TaskIndex,
		/// The claimed tile's place under the accepted root.
		proof: TileProof,
		/// The tile hash the accepted result claims.
		claimed_tile_hash: Hash32,
		/// The canonical encodings of the scene's chunks, in the spec's order.
		chunks: Vec<Vec<u8>>,
	},
	/// `Render::answer_challenge(task, frame, tile_hashes, frame_path)`.
	AnswerChallenge {
		/// The task.
		task: TaskIndex,
		/// The challenged frame.
		frame: u32,
		/// The frame's tile hashes, in tile order.
		tile_hashes: Vec<Hash32>,
		/// The siblings of the frame's path to the accepted root, leaf level first.
		frame_path: Vec<Hash32>,
	},
}

impl WorkCall {
	/// `Pallet::call`, for messages.
	pub fn name(&self) -> &'static str {
		match self {
			WorkCall::Bond(_) => "Stake::bond",
			WorkCall::Commit { .. } => "Render::commit",
			WorkCall::Reveal { .. } => "Render::reveal",
			WorkCall::AnswerChallenge { .. } => "Render::answer_challenge",
			WorkCall::Challenge { .. } => "Render::challenge",
			WorkCall::ReportFraud { .. } => "Render::report_fraud",
		}
	}
}

/// The chain as the worker sees it: one account, the blocks it follows, the render pallet's
/// state and events, and signed submissions from that account.
#[async_trait::async_trait]
pub trait RenderChain: Send + Sync {
	/// The worker's account.
	fn account(&self) -> AccountBytes;

	/// The chain's genesis hash (separates the state of different chains).
	fn genesis_hash(&self) -> [u8; 32];

	/// Waits for the next followed block (finalized or best) and makes it the block every
	/// read below is at.
	async fn next_block(&mut self) -> Result<ChainBlock, ChainError>;

	/// The render pallet's events in the current block.
	async fn render_events(&self) -> Result<Vec<RenderEvent>, ChainError>;

	/// `RenderApi::tasks_assigned_to(account)`: tasks to commit or reveal for, ascending.
	/// (A task leaves this list once decided; its challenges are in [`RenderChain::task`].)
	async fn tasks_assigned(&self) -> Result<Vec<TaskIndex>, ChainError>;

	/// `RenderApi::task(task)`: an open task, `None` once it ended.
	async fn task(&self, task: TaskIndex) -> Result<Option<TaskView>, ChainError>;

	/// `Render::Evidence(task, frame)`: the frame's evidence, once a signer answered its
	/// challenge.
	async fn evidence(
		&self,
		task: TaskIndex,
		frame: u32,
	) -> Result<Option<FrameEvidence>, ChainError>;

	/// The runtime's `Render::MaxChallengesPerTask`.
	async fn max_challenges(&self) -> Result<u32, ChainError>;

	/// `RenderApi::task_spec(task)`: an open task's spec.
	async fn task_spec(&self, task: TaskIndex) -> Result<Option<RenderSpec>, ChainError>;

	/// `WorldApi::world_seed()`: every unedited chunk is generated from it.
	async fn world_seed(&self) -> Result<u64, ChainError>;

	/// `WorldApi::chunk_at(coord, content_hash)`: the canonical bytes of the chunk's version
	/// with that hash (current, pinned by an open task, or generated); `None` when the world
	/// does not have it.
	async fn chunk_at(
		&self,
		coord: ChunkCoord,
		content_hash: Hash32,
	) -> Result<Option<Vec<u8>>, ChainError>;

	/// `RenderApi::rewards_earned(account)`: fee shares plus minted PGT over settled tasks.
	async fn rewards_earned(&self) -> Result<Balance, ChainError>;

	/// The account's free balance.
	async fn free_balance(&self) -> Result<Balance, ChainError>;

	/// The account's active bond (`StakeApi::ledger`), 0 when it has none.
	async fn bonded(&self) -> Result<Balance, ChainError>;

	/// The runtime's `Stake::MinBond`.
	async fn min_bond(&self) -> Result<Balance, ChainError>;

	/// Signs `call` with the next nonce (`system_accountNextIndex`), submits it and waits
	/// until it is in a block (the best chain's). Returns that block's number; a
	/// failed call is [`ChainError::Dispatch`].
	async fn submit(&mut self, call: WorkCall) -> Result<u64, ChainError>;
}
