//! # Render
//!
//! Batch render tasks with proof of contribution: anyone posts a [`RenderSpec`] with a fee;
//! `k` staked workers render it, commit to their result roots, reveal them; the majority's
//! root is accepted, and after a fraud window the matching workers are paid. Or, at the
//! poster's choice ([`Verification::Optimistic`]), one worker renders it and the chain
//! spot-checks its result.
//!
//! ## Lifecycle
//!
//! 1. **Post** ([`Pallet::post_task`]): the spec is validated (the primitives' limits and this
//!    pallet's tighter [`Config::MaxSceneChunks`] / [`Config::MaxKeyframes`]), the fee is
//!    checked against the task's floor ([`Pallet::min_fee`]: [`Config::MinFee`], or
//!    [`Config::MinFeePerUnit`] per work unit when that is more) and held from the poster
//!    ([`HoldReason::TaskEscrow`]). Every scene chunk must name the chunk's current version
//!    in the world ([`Config::Scenes`]), which then pins it: workers can read each version at
//!    its hash until the task ends, however the chunks are edited meanwhile, so an honest
//!    worker always has the scene it is asked to render. Nobody is drawn yet.
//! 2. **Assign** (`assign.rs`): at the start of block `posted + `[`Config::AssignDelay`], `k`
//!    = [`Config::WorkersPerTask`] workers (one for an optimistic task) are drawn from
//!    [`WorkerRegistry::weighted_workers`], weighted by stake x reputation, without
//!    replacement, never one ever assigned to the task before, from that block's
//!    [`DrawEntropy`] mixed with the task index and the draw. The first draw also fixes the
//!    task's result id ([`Task::result_id`]), which every frame hash of its result commits
//!    to. With fewer than `k` eligible workers the task waits in [`WaitingTasks`] and is
//!    assigned at the start of a later block (at most [`Config::MaxAssignmentsPerBlock`] per
//!    block, weight charged in `on_initialize`).
//! 3. **Commit** ([`Pallet::commit`]): each worker commits [`commitment_of`]`(root, salt,
//!    worker)` by the commit deadline: [`Config::CommitPeriod`] blocks, plus one for every
//!    [`Config::CommitUnitsPerBlock`] work units of the task. At the deadline, the
//!    workers that did not commit are slashed [`Config::MissSlash`], recorded
//!    [`Outcome::Missed`] and replaced by fresh workers (at most
//!    [`Config::MaxReplacements`] over the task's life); the commit phase restarts for all.
//!    When no fresh worker can be found the poster is refunded.
//! 4. **Reveal** ([`Pallet::reveal`]): once all `k` committed, each reveals `(root, salt)` by
//!    the reveal deadline ([`Config::RevealPeriod`]). A worker that committed and does not
//!    reveal is not replaced (revealed roots are public by then and a newcomer could copy
//!    one), and is treated as a dissenter: slashed `max(MissSlash, DissentSlash)` and recorded
//!    [`Outcome::Lost`], so withholding a root that would lose never costs less than
//!    revealing it.
//!
//! A worker keeps the tasks it holds when it stops being eligible for new draws (slashed
//! below the minimum bond, unbonding; its stake stays slashable through the registry's
//! unbonding period): one slash does not make its other tasks fail and slash it again.
//! 5. **Decide** (`decide.rs`): when all revealed, or at the reveal deadline, a root revealed
//!    by a strict majority of the task's workers is accepted and its signers are recorded
//!    [`Outcome::Agreed`]. Other revealers are recorded [`Outcome::Lost`] and slashed
//!    [`Config::DissentSlash`] at settlement, if the result stands: an outvoted worker whose
//!    root was right loses nothing when the result is overturned. Without a majority the
//!    poster is refunded and nobody is paid.
//!
//!    An optimistic task's root (its one worker's) is accepted at its reveal, and its **spot
//!    check** is drawn at the start of block `accepted + AssignDelay`, from [`DrawEntropy`]: a
//!    frame and a tile ([`SpotCheck`], [`Event::SpotCheckDrawn`]). The frame is challenged in
//!    the poster's name with no deposit; the worker answers like any challenge, and the
//!    runtime renders the drawn tile from the scene's pinned chunks ([`Config::Scenes`]) when
//!    it does: a tile other than the answer's slashes the worker [`Config::FraudSlash`]
//!    ([`Event::SpotCheckFailed`]) and refunds the poster; no answer does the same at the
//!    deadline, without a reporter. Other challenges wait for the spot check
//!    ([`Error::SpotCheckPending`]); the fraud window ends `FraudWindow` blocks after the
//!    acceptance, or at the spot check's deadline if later.
//! 6. **Challenge** (`challenge.rs`, [`Pallet::challenge`]): until settlement, any account
//!    (an outvoted worker at once) may challenge one frame of the accepted result with
//!    [`Config::ChallengeDeposit`]; at most [`Config::MaxChallengesPerTask`] frames. A signer
//!    must answer within [`Config::AnswerPeriod`] ([`Pallet::answer_challenge`]) with the
//!    frame's tile hashes and the frame's path to the root, checked against the root and
//!    stored as [`Evidence`]. The task does not settle before its challenges' deadlines.
//!    Unanswered: every signer is slashed [`Config::FraudSlash`] (the challenger gets the
//!    registry's reporter share) and recorded [`Outcome::Fraud`], the poster is refunded
//!    ([`RefundReason::ChallengeUnanswered`]) and the deposit returned. Answered: anyone can
//!    build the proof of any tile of the frame from the evidence for [`Pallet::report_fraud`];
//!    if the result stands to settlement, the deposit is split between the signers; if it is
//!    overturned, it returns to the challenger.
//! 7. **Settle** (`settle.rs`): [`Config::FraudWindow`] blocks after acceptance (or after the
//!    last challenge's deadline) the fee is split and new PGT minted (formulas below),
//!    dissenters slashed, and the task, its challenges and evidence removed.
//! 8. **Fraud** ([`Pallet::report_fraud`]): until settlement, anyone may show a tile whose
//!    hash, under the accepted root and the task's result id, differs from the tile the
//!    runtime re-renders with the primitives' CPU kernel. Every signer is slashed [`Config::FraudSlash`] (the registry
//!    gives the reporter its share) and recorded [`Outcome::Fraud`]; the poster gets the
//!    whole fee back and nothing is minted.
//!
//! Deadlines fire at the start of the block after them, through [`Deadlines`], earlier blocks
//! first and within [`Config::DeadlineWeight`] per block; past that budget they fire at the start
//! of the next block. Setting a deadline never fails (any number may share a block), so no
//! call fails because others crowded the schedule, and the work a block's start does for
//! deadlines is bounded and charged. A deadline that fires late changes nothing for the
//! workers: a phase's calls are refused past its deadline however late it fires.
//!
//! ## Money
//!
//! Escrow: every held fee ends exactly once as paid + burned + refunded, and every challenge
//! deposit exactly once, back to its challenger or split between the signers.
//!
//! - Settlement of fee `F` with `m` signers: `burned = BurnShare x F` (rounded down), each
//!   signer is paid `(F - burned) / m` from the hold, and the division's remainder is burned
//!   too (as is a share that cannot be paid, e.g. below the existential deposit of a reaped
//!   account).
//! - Refund (no majority, no replacement, fraud): all of `F` back to the poster.
//! - Minting: each signer gets `reward_base x (50% + 50% x reputation)` new PGT, where
//!   `reward_base = min(work_units x floor(BaseRewardPerUnit x rate / 1000), MintShare x F /
//!   k)` (`k` the task's workers: 1 for an optimistic task), `work_units = frames x tiles per
//!   frame`, and `rate = clamp(open_tasks x k x 1000 /
//!   max(eligible_workers, 1), MinRatePermille, MaxRatePermille)`: demand (tasks open) raises
//!   it, supply (eligible workers at the last draw) lowers it, and the task's own fee bounds
//!   it. Integer arithmetic, saturating.
//! - Slashes are the registry's: `MissSlash`, `DissentSlash`, `FraudSlash` of the bond.
//!
//! Total issuance changes only by minted rewards and burns (and the registry's slashes).
//!
//! ## Optimistic verification: at most 1.2 times the work, and a lone cheater loses
//!
//! A majority task costs `k` renders of the task; an optimistic one, posted with
//! [`Pallet::post_task_verified`] for a floor of [`Config::OptimisticFeeShare`] of a majority
//! task's (40% in the runtime, 1.2 / 3), costs:
//!
//! - the task, rendered once (`W` tiles over `F` frames);
//! - the spot check's answer: the worker renders the checked frame again, `W / F` tiles,
//!   at most `W / 10` since an optimistic task has at least [`Config::MinOptimisticFrames`]
//!   (10 in the runtime) frames;
//! - the audit: one tile rendered by the runtime, the spot check's. The validators' offchain
//!   audits leave optimistic results to it (a validator's tile would be a tenth of a 10-tile
//!   task); anyone may still challenge other frames, at the price of a deposit.
//!
//! So total work `<= W x (1 + 1 / F) + 1 <= 1.2 W`, since `F >= 10` and `W >= F` (at least a
//! tile per frame). Measured in `render-worker/tests/work_chain.rs`
//! (`one_worker_renders_an_optimistic_task...`): 23 tiles for a 20-tile task, 1.15 times,
//! against 3 times (60 tiles, and the validators' audits) for the same task by a majority.
//!
//! Property: a lone worker that leaves any share `s` of a result's tiles unrendered (made up)
//! loses more in expectation than rendering them would have cost it, under the assumption that
//! its bond is at least the smallest the registry allows.
//!
//! Why it holds: the spot check draws its frame and tile from randomness made after the worker
//! committed and revealed (the VRF outputs of the `AssignDelay - 1` blocks after the reveal,
//! as for the draw; a worker that authors all of those blocks could know it, as the draw's
//! property says), so the checked tile is uniform over the result and unknown to it when it
//! chose its root: it is a made-up tile with probability `s`. A made-up tile either has no
//! preimage under the root (no answer: slashed) or a consistent made-up hash (the answer is
//! checked against the tile the runtime renders: slashed). So the worker loses `FraudSlash x
//! bond` with probability at least `s`, and saves at most `s` of its cost of rendering, which
//! is below its fee share, at most the fee. [`Config::MaxOptimisticFee`] is `FraudSlash x
//! MinBond` in the runtime (25 PGT): `s x FraudSlash x bond >= s x fee`. The answered frame's
//! tile hashes are on chain, so any other made-up tile of it can be shown with
//! [`Pallet::report_fraud`], and anyone may challenge other frames.
//!
//! The poster that is also the worker gains nothing new: the farming bound below holds for
//! any `k`, one included, since a task mints at most `MintShare x F` whatever its `k`.
//!
//! ## Posting work to oneself does not pay
//!
//! Property: an attacker who posts tasks and is drawn for some or all of their worker slots
//! (any share of the stake, even all of it) gets back less PGT than it pays, on every task:
//!
//! - it pays the fee `F` (and the transaction fees of post, commits and reveals);
//! - it gets back at most the fee shares of the slots it holds, `F - burned` with `burned >=
//!   floor(BurnShare x F)`, plus at most `k x floor(MintShare x F / k) <= MintShare x F`
//!   minted;
//! - so it loses at least `floor(BurnShare x F) - MintShare x F`, which `integrity_test` keeps
//!   positive (`MintShare < BurnShare`), before transaction fees and any slash. Every slot an
//!   honest worker holds takes a fee share away from it as well.
//!
//! Why it holds: minting is bounded by the task's own fee, not by its size, so a large task
//! posted with a small fee mints little; and the fee floor grows with the size
//! ([`Config::MinFeePerUnit`]), so workers are not made to render large tasks for little.
//! Rendering honestly or not does not change the bound: it only adds slashes.
//!
//! The reputation it farms so (one [`Outcome::Agreed`] per slot it holds) therefore costs
//! at least `floor(BurnShare x F) - MintShare x F` per task, at least `(BurnShare -
//! MintShare) x max(MinFee, MinFeePerUnit x work_units)` (0.05 PGT per task of up to 1,000
//! tiles, 5% of the fee beyond, in the runtime), on top of rendering the task, whereas serving
//! others earns the same outcome for the same rendering and is paid for it.
//!
//! ## A made-up result can always be refuted
//!
//! Property: a root accepted by a colluding majority of a task's workers is overturned, and
//! its signers slashed [`Config::FraudSlash`] each, as soon as one honest account challenges
//! a frame it rendered differently (the outvoted worker can: it rendered every frame, and
//! `playnet-render work` does so by itself, finding the frame from the published paths), under
//! the assumption that such a challenge reaches a block within the answer period (fewer than
//! all block authors censor it).
//!
//! Why it holds: to keep a challenged result the signers must publish the frame's tile
//! hashes with a path to the accepted root. A root with nothing behind it has no such
//! preimage (BLAKE3's preimage resistance), so the challenge goes unanswered and the result
//! falls. A consistent but fabricated result can be answered, but the answer puts its tile
//! hashes on chain, and the challenger (who knows which tile differs) files
//! [`Pallet::report_fraud`] from them: the runtime re-renders that tile. Either way each
//! liar loses 25% of its bond in the runtime, far more than a task's fee share and mint. A
//! challenge of a right result costs the challenger its deposit, which pays the signers for
//! answering.
//!
//! Honest signers keep their result: both worker programs (`playnet-render work` and the
//! offchain worker) answer every challenge of a result they signed, from the frame hashes
//! they kept and the challenged frame rendered again, under the assumption that at least one
//! signer is online within the answer period. The runtime allows four challenges per task.
//!
//! ## The draw cannot be predicted, and results are bound to their task
//!
//! Property: when a poster signs a task, neither it nor anyone else but the authors of the
//! next blocks can know which workers will be drawn for it, or the id its result must commit
//! to; so a poster cannot post only when its own accounts would be drawn, and a worker cannot
//! reuse the root accepted for an earlier task of the same spec.
//!
//! Why it holds: [`DrawEntropy`] takes in [`Config::Randomness`] at the start of every block
//! (in the runtime, the BABE VRF output of the parent block, which only that block's author
//! knows before the block is out), and a task posted in block `P` is first drawn at the start
//! of block `P + AssignDelay`. The draw's seed thus depends on the VRF outputs of blocks `P + 1
//! .. P + AssignDelay - 1`, made after the post was in a block. Assumption and limit: whoever
//! authors all of those blocks knows the draw in advance (a BABE author knows its own VRF
//! outputs), and an author can withhold its block to throw a draw it dislikes (one bit of
//! bias per block it authors, at the cost of its block reward); with `AssignDelay = 3` in the
//! runtime, predicting a draw takes authoring the two blocks after the post's. Replacement
//! draws run at a commit deadline with the entropy of that block.
//!
//! The result id is `result_id(spec_id, seed of the first draw)` and is mixed into every frame
//! hash (`BLAKE3(result_id || tile_root)`), so the root of one task tells nothing about the
//! root of another of the same spec: a worker who did not render must guess every frame's
//! tile root. A worker may still render a spec once and rehash its tile hashes for a later
//! task; that result is right, and only honest work produced it.
//!
//! ## Reading
//!
//! `pallet-render-runtime-api` declares `RenderApi`: [`Pallet::tasks_assigned_to`] (what an
//! offchain worker must act on, from [`Assignments`]), [`Pallet::task_view`],
//! [`Pallet::task_spec`] and [`Pallet::rewards_earned`].

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

mod api;
mod assign;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod challenge;
mod commit;
mod decide;
mod fraud;
mod post;
mod reveal;
mod settle;
#[cfg(any(feature = "try-runtime", test))]
mod try_state;
pub mod types;
pub mod weights;

#[cfg(test)]
mod tests;

pub use types::*;
pub use weights::WeightInfo;

use polkadot_sdk::{
	frame_support::traits::{fungible, Get},
	frame_system::{self, pallet_prelude::BlockNumberFor},
};

/// The balance type of the currency fees and rewards are paid in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// Most workers ever assigned to one task: `k + MaxReplacements`.
pub struct MaxEverAssigned<T>(core::marker::PhantomData<T>);
impl<T: Config> Get<u32> for MaxEverAssigned<T> {
	fn get() -> u32 {
		T::WorkersPerTask::get().saturating_add(T::MaxReplacements::get())
	}
}

/// A [`Task`] of this runtime.
pub type TaskOf<T> = Task<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
	<T as Config>::WorkersPerTask,
	MaxEverAssigned<T>,
>;

/// A [`StoredSpec`] of this runtime.
pub type StoredSpecOf<T> = StoredSpec<<T as Config>::MaxSceneChunks, <T as Config>::MaxKeyframes>;

/// A [`Challenge`] of this runtime.
pub type ChallengeOf<T> =
	Challenge<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

/// The [`FrameEvidence`] of this runtime.
pub type FrameEvidenceOf<T> = FrameEvidence<<T as Config>::MaxTilesPerFrame>;

/// A [`TaskView`] of this runtime.
pub type TaskViewOf<T> =
	TaskView<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use playnet_primitives::{Hash32, RenderSpec, TileProof};
	use polkadot_sdk::frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Mutate, MutateHold},
			Randomness,
		},
	};
	use polkadot_sdk::{
		frame_system::pallet_prelude::*,
		sp_runtime::{traits::One, Perbill},
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Configuration of render tasks.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency fees are held in and rewards minted in.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ Mutate<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// Fresh randomness every block, mixed into [`DrawEntropy`] at its start (in the
		/// runtime, the VRF output of the parent block's BABE author).
		type Randomness: Randomness<Self::Hash, BlockNumberFor<Self>>;

		/// Blocks from posting to a task's first draw (at least 1): the randomness of the
		/// blocks in between, made after the post, decides the draw.
		#[pallet::constant]
		type AssignDelay: Get<BlockNumberFor<Self>>;

		/// The staked workers: weights, eligibility, reputation and slashing.
		type Workers: WorkerRegistry<Self::AccountId, BalanceOf<Self>>;

		/// `k`: workers per task (at least 3).
		#[pallet::constant]
		type WorkersPerTask: Get<u32>;

		/// Most fresh workers one task may take in over its life to replace no-shows.
		#[pallet::constant]
		type MaxReplacements: Get<u32>;

		/// Most candidates read from [`WorkerRegistry::weighted_workers`] for a draw.
		#[pallet::constant]
		type MaxCandidates: Get<u32>;

		/// Blocks the workers have to commit, counted from assignment, for the smallest task;
		/// a larger task gets a block more for every [`Config::CommitUnitsPerBlock`] work
		/// units.
		#[pallet::constant]
		type CommitPeriod: Get<BlockNumberFor<Self>>;

		/// Work units (64x64 tiles) a worker is expected to render per block: the pace the
		/// commit period allows for. Zero counts as one.
		#[pallet::constant]
		type CommitUnitsPerBlock: Get<u64>;

		/// The longest commit period a task may get. A task that would need longer is refused
		/// ([`Error::TaskTooLarge`]): the poster splits it.
		#[pallet::constant]
		type MaxCommitPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks the workers have to reveal, counted from the last commit.
		#[pallet::constant]
		type RevealPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks after acceptance during which fraud proofs are taken; then the task is
		/// settled.
		#[pallet::constant]
		type FraudWindow: Get<BlockNumberFor<Self>>;

		/// The smallest fee a task may carry, whatever its size.
		#[pallet::constant]
		type MinFee: Get<BalanceOf<Self>>;

		/// The fee floor per work unit: a task of `u` work units carries at least
		/// `max(MinFee, MinFeePerUnit x u)` ([`Pallet::min_fee`]), so that the fee grows with
		/// the work it asks of `k` workers.
		#[pallet::constant]
		type MinFeePerUnit: Get<BalanceOf<Self>>;

		/// The fee floor of an optimistic task as a share of a majority task's
		/// ([`Pallet::min_fee`]): it asks for at most 1.2 times the task's work, not `k` times
		/// (40% for `k` = 3).
		#[pallet::constant]
		type OptimisticFeeShare: Get<Perbill>;

		/// The largest fee an optimistic task may carry: at most what [`Config::FraudSlash`]
		/// takes from the smallest bond a worker can have, so that the fee a lone worker could
		/// pocket by not rendering never exceeds what it loses when the spot check catches it.
		#[pallet::constant]
		type MaxOptimisticFee: Get<BalanceOf<Self>>;

		/// The fewest frames an optimistic task may have: answering the spot check costs the
		/// worker one frame, at most `1 / MinOptimisticFrames` of the task's work.
		#[pallet::constant]
		type MinOptimisticFrames: Get<u32>;

		/// The share of every settled fee that is burned.
		#[pallet::constant]
		type BurnShare: Get<Perbill>;

		/// New PGT per work unit (one 64x64 tile) at rate 1000 permille.
		#[pallet::constant]
		type BaseRewardPerUnit: Get<BalanceOf<Self>>;

		/// The most a task mints, as a share of its fee: each of its `k` worker slots mints at
		/// most `MintShare x fee / k`. Below [`Config::BurnShare`] (checked by
		/// `integrity_test`): what a task mints stays below what it burns, so posting work to
		/// oneself never pays.
		#[pallet::constant]
		type MintShare: Get<Perbill>;

		/// Lowest reward rate, in permille of the base.
		#[pallet::constant]
		type MinRatePermille: Get<u32>;

		/// Highest reward rate, in permille of the base.
		#[pallet::constant]
		type MaxRatePermille: Get<u32>;

		/// The share of its bond a worker loses for missing a deadline.
		#[pallet::constant]
		type MissSlash: Get<Perbill>;

		/// The share of its bond a worker loses for revealing a root the majority rejected.
		#[pallet::constant]
		type DissentSlash: Get<Perbill>;

		/// The share of its bond a worker loses for signing a root a fraud proof, or an
		/// unanswered challenge, overturned.
		#[pallet::constant]
		type FraudSlash: Get<Perbill>;

		/// What a challenge of one frame holds from the challenger: back with the registry's
		/// reporter share if nobody answers or the result is overturned, to the signers if
		/// the answered result stands.
		#[pallet::constant]
		type ChallengeDeposit: Get<BalanceOf<Self>>;

		/// Blocks a signer has to answer a challenge.
		#[pallet::constant]
		type AnswerPeriod: Get<BlockNumberFor<Self>>;

		/// Most challenged frames per task; 0 turns challenges off.
		#[pallet::constant]
		type MaxChallengesPerTask: Get<u32>;

		/// Most tiles in one frame (an answer's tile hashes): at least the tiles of the
		/// largest frame the primitives allow (3840x2160: 2,040).
		#[pallet::constant]
		type MaxTilesPerFrame: Get<u32>;

		/// Most chunks in a task's scene (at most the primitives' `MAX_SCENE_CHUNKS`): bounds
		/// a fraud proof's size and the chunk decoding it costs.
		#[pallet::constant]
		type MaxSceneChunks: Get<u32>;

		/// Most keyframes in a task's camera path.
		#[pallet::constant]
		type MaxKeyframes: Get<u32>;

		/// The world scenes are drawn from: a task's scene chunks must be the world's current
		/// versions when it is posted, and stay pinned (readable at their hash) until it ends.
		type Scenes: SceneSource;

		/// Most tasks waiting for workers.
		#[pallet::constant]
		type MaxWaitingTasks: Get<u32>;

		/// Most waiting tasks assigned at the start of one block.
		#[pallet::constant]
		type MaxAssignmentsPerBlock: Get<u32>;

		/// The most weight the start of a block spends on deadlines (draws, expiries,
		/// settlements); the deadlines past it fire at the start of the next block. At least
		/// one deadline of the costliest kind must fit (checked by `integrity_test`).
		#[pallet::constant]
		type DeadlineWeight: Get<Weight>;

		/// Weights of this pallet's calls and of its start-of-block work.
		type WeightInfo: WeightInfo;

		/// Registers workers for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A task's fee, from posting until it is settled or refunded.
		#[codec(index = 0)]
		TaskEscrow,
		/// A challenge's deposit, until the challenged task ends.
		#[codec(index = 1)]
		ChallengeDeposit,
	}

	/// The index the next posted task gets.
	#[pallet::storage]
	pub type NextTaskIndex<T: Config> = StorageValue<_, TaskIndex, ValueQuery>;

	/// Open tasks. Key: the task's index. Value: its poster, fee, phase, deadline and workers.
	/// Removed when the task is settled or refunded.
	#[pallet::storage]
	pub type Tasks<T: Config> = StorageMap<_, Twox64Concat, TaskIndex, TaskOf<T>>;

	/// The specs of open tasks. Key: the task's index. Value: its spec (bounded lists).
	#[pallet::storage]
	pub type Specs<T: Config> = StorageMap<_, Twox64Concat, TaskIndex, StoredSpecOf<T>>;

	/// Who must act on which task: an offchain worker iterates its account's prefix. Keys:
	/// the worker, then the task's index. Present from assignment until the worker is
	/// replaced or the task is decided.
	#[pallet::storage]
	pub type Assignments<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		TaskIndex,
		(),
		OptionQuery,
	>;

	/// Tasks waiting for enough eligible workers, oldest first.
	#[pallet::storage]
	pub type WaitingTasks<T: Config> =
		StorageValue<_, BoundedVec<TaskIndex, T::MaxWaitingTasks>, ValueQuery>;

	/// Which tasks' phases end at the start of a block. Keys: the block, then a task whose
	/// deadline is the block before. One entry per open task with a deadline: an entry moves
	/// when its phase ends early and goes when the task ends. Any number may share a block;
	/// each block fires them, earlier blocks first, within [`Config::DeadlineWeight`].
	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		Twox64Concat,
		TaskIndex,
		(),
		OptionQuery,
	>;

	/// The first block whose deadlines may not all have fired: every entry of an earlier
	/// block has.
	#[pallet::storage]
	pub type DeadlineCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The entropy draws use: at the start of every block, `BLAKE3(SCALE((entropy,
	/// randomness, block)))` with [`Config::Randomness`].
	#[pallet::storage]
	pub type DrawEntropy<T: Config> = StorageValue<_, Hash32, ValueQuery>;

	/// Open challenges. Keys: the task, then the frame. Removed when the task ends.
	#[pallet::storage]
	pub type Challenges<T: Config> =
		StorageDoubleMap<_, Twox64Concat, TaskIndex, Twox64Concat, u32, ChallengeOf<T>>;

	/// The evidence signers published for challenged frames. Keys: the task, then the frame.
	/// Removed when the task ends.
	#[pallet::storage]
	pub type Evidence<T: Config> =
		StorageDoubleMap<_, Twox64Concat, TaskIndex, Twox64Concat, u32, FrameEvidenceOf<T>>;

	/// How many tasks are open (in [`Tasks`]): the demand side of the reward rate.
	#[pallet::storage]
	pub type OpenTasks<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// How many eligible workers the last draw saw: the supply side of the reward rate.
	#[pallet::storage]
	pub type LastSupply<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// Everything each account has earned from tasks. Key: the worker. Value: fee shares
	/// paid plus PGT minted, over all settled tasks.
	#[pallet::storage]
	pub type RewardsEarned<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BalanceOf<T>, ValueQuery>;

	/// Events of render tasks.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A task was posted and its fee held.
		TaskPosted {
			/// The task.
			task: TaskIndex,
			/// Its poster.
			poster: T::AccountId,
			/// The fee held.
			fee: BalanceOf<T>,
			/// `task_id` of the spec.
			spec_id: Hash32,
			/// Its work units.
			work_units: u64,
			/// How its result is verified.
			verification: Verification,
		},
		/// Too few eligible workers: the task waits for a later block.
		TaskWaiting {
			/// The task.
			task: TaskIndex,
		},
		/// Workers were assigned to a task (at its draw, from the queue, or replacing
		/// no-shows); every assigned worker commits by the deadline.
		WorkersAssigned {
			/// The task.
			task: TaskIndex,
			/// The newly assigned workers.
			workers: alloc::vec::Vec<T::AccountId>,
			/// The last block to commit in.
			commit_deadline: BlockNumberFor<T>,
		},
		/// A worker committed.
		Committed {
			/// The task.
			task: TaskIndex,
			/// The worker.
			worker: T::AccountId,
		},
		/// Every worker committed: the reveal phase started.
		RevealsOpened {
			/// The task.
			task: TaskIndex,
			/// The last block to reveal in.
			reveal_deadline: BlockNumberFor<T>,
		},
		/// A worker revealed its root.
		Revealed {
			/// The task.
			task: TaskIndex,
			/// The worker.
			worker: T::AccountId,
			/// The root.
			root: Hash32,
		},
		/// A worker missed a deadline (did not commit, or committed and did not reveal) and
		/// was slashed.
		WorkerMissed {
			/// The task.
			task: TaskIndex,
			/// The worker.
			worker: T::AccountId,
			/// The amount slashed.
			slashed: BalanceOf<T>,
		},
		/// A majority agreed on a root; it is open to fraud proofs until `settle_after`.
		ResultAccepted {
			/// The task.
			task: TaskIndex,
			/// The accepted root.
			root: Hash32,
			/// The workers who revealed it.
			signers: alloc::vec::Vec<T::AccountId>,
			/// The last block a fraud proof is taken in.
			settle_after: BlockNumberFor<T>,
		},
		/// A worker revealed a root the majority rejected and was slashed.
		DissenterSlashed {
			/// The task.
			task: TaskIndex,
			/// The worker.
			worker: T::AccountId,
			/// The amount slashed.
			slashed: BalanceOf<T>,
		},
		/// A task's fee went back to its poster; the task ended.
		TaskRefunded {
			/// The task.
			task: TaskIndex,
			/// Its poster.
			poster: T::AccountId,
			/// The fee refunded.
			amount: BalanceOf<T>,
			/// Why.
			reason: RefundReason,
		},
		/// A signer of a settled task was paid.
		WorkerRewarded {
			/// The task.
			task: TaskIndex,
			/// The worker.
			worker: T::AccountId,
			/// Its share of the fee.
			fee_share: BalanceOf<T>,
			/// New PGT minted to it.
			minted: BalanceOf<T>,
		},
		/// A task was settled and ended.
		TaskSettled {
			/// The task.
			task: TaskIndex,
			/// Fee paid to the signers, in total.
			paid: BalanceOf<T>,
			/// Fee burned.
			burned: BalanceOf<T>,
			/// New PGT minted, in total.
			minted: BalanceOf<T>,
		},
		/// A fraud proof overturned an accepted root; every signer was slashed.
		FraudProven {
			/// The task.
			task: TaskIndex,
			/// The reporter.
			reporter: T::AccountId,
			/// The frame of the wrong tile.
			frame: u32,
			/// The wrong tile.
			tile: u32,
			/// Slashed from the signers, in total.
			slashed: BalanceOf<T>,
		},
		/// A frame of an accepted result was challenged: a signer answers by `deadline`.
		FrameChallenged {
			/// The task.
			task: TaskIndex,
			/// The frame.
			frame: u32,
			/// Who challenged.
			challenger: T::AccountId,
			/// The last block to answer in.
			deadline: BlockNumberFor<T>,
		},
		/// A signer published the challenged frame's evidence ([`Evidence`]).
		ChallengeAnswered {
			/// The task.
			task: TaskIndex,
			/// The frame.
			frame: u32,
			/// The signer.
			signer: T::AccountId,
		},
		/// A challenge went unanswered: every signer was slashed as a fraud.
		ChallengeUnanswered {
			/// The task.
			task: TaskIndex,
			/// Slashed from the signers, in total.
			slashed: BalanceOf<T>,
		},
		/// The chain drew the spot check of an optimistic result: the worker answers the
		/// challenge of `frame` (in the poster's name, no deposit) by `deadline`, and the
		/// runtime re-renders `tile` of it then.
		SpotCheckDrawn {
			/// The task.
			task: TaskIndex,
			/// The checked frame.
			frame: u32,
			/// The tile re-rendered on chain.
			tile: u32,
			/// The last block to answer in.
			deadline: BlockNumberFor<T>,
		},
		/// The spot-checked tile of an optimistic result's answer differs from the tile the
		/// runtime rendered: the signer was slashed as a fraud and the poster refunded.
		SpotCheckFailed {
			/// The task.
			task: TaskIndex,
			/// The checked frame.
			frame: u32,
			/// The wrong tile.
			tile: u32,
			/// Slashed from the signer.
			slashed: BalanceOf<T>,
		},
		/// A challenge ended with its task: its deposit went to the signers (the answered
		/// result stood) or back to the challenger.
		ChallengeClosed {
			/// The task.
			task: TaskIndex,
			/// The frame.
			frame: u32,
			/// Whether the deposit went to the signers.
			deposit_to_signers: bool,
		},
	}

	/// Errors of render tasks.
	#[pallet::error]
	pub enum Error<T> {
		/// The spec breaks the primitives' limits (kernel, sizes, order, poses).
		InvalidSpec,
		/// The scene has more than [`Config::MaxSceneChunks`] chunks or the camera path more
		/// than [`Config::MaxKeyframes`] keyframes.
		SpecTooLarge,
		/// The task is too much work to render within [`Config::MaxCommitPeriod`] blocks at
		/// [`Config::CommitUnitsPerBlock`] units per block.
		TaskTooLarge,
		/// The fee is below the task's floor, [`Pallet::min_fee`]: [`Config::MinFee`], or
		/// [`Config::MinFeePerUnit`] per work unit when that is more.
		FeeTooLow,
		/// The fee cannot be held from the poster's free balance.
		EscrowUnavailable,
		/// [`Config::MaxWaitingTasks`] tasks already wait for workers: too few are eligible for
		/// another task.
		WaitingQueueFull,
		/// No open task has this index.
		UnknownTask,
		/// The caller is not assigned to the task.
		NotAssigned,
		/// The task is not taking commits.
		NotCommitPhase,
		/// The commit deadline has passed.
		CommitTooLate,
		/// The caller already committed to this task.
		AlreadyCommitted,
		/// The caller reveals without having committed.
		NotCommitted,
		/// Other workers are still committing: reveals are not open yet.
		RevealsNotOpen,
		/// The reveal deadline has passed.
		RevealTooLate,
		/// The caller already revealed.
		AlreadyRevealed,
		/// `(root, salt)` does not match the caller's commitment.
		CommitmentMismatch,
		/// The task has no accepted root open to fraud proofs.
		NotAccepted,
		/// The proof's frame or tile is outside the spec, or its paths' positions or sizes
		/// disagree with the spec.
		BadTilePosition,
		/// The tile hash and Merkle paths do not lead to the accepted root.
		BadMerklePath,
		/// The number of chunk encodings differs from the spec's scene.
		WrongChunkCount,
		/// A chunk's bytes do not hash to the content hash in the spec.
		ChunkHashMismatch,
		/// A chunk's bytes are not a canonical chunk encoding.
		InvalidChunkBytes,
		/// The re-rendered tile matches the claimed one: the accepted root is right there.
		ResultNotFraudulent,
		/// The frame is challenged already.
		AlreadyChallenged,
		/// The task has [`Config::MaxChallengesPerTask`] challenges already.
		TooManyChallenges,
		/// The challenge deposit cannot be held from the caller's free balance.
		DepositUnavailable,
		/// The frame is not challenged.
		NoSuchChallenge,
		/// The challenge was answered already.
		AlreadyAnswered,
		/// Only a signer of the accepted root answers a challenge.
		NotASigner,
		/// The challenge's deadline has passed.
		AnswerTooLate,
		/// The tile hashes are not the frame's (wrong count, or they and the path do not lead
		/// to the accepted root).
		BadEvidence,
		/// A scene chunk's content hash is not the chunk's current version in the world (the
		/// stored hash of an edited chunk, the generated chunk's hash of an unedited one):
		/// workers could not be sure to find those bytes.
		SceneChunkUnknown,
		/// An optimistic task needs at least [`Config::MinOptimisticFrames`] frames.
		TooFewFramesForOptimistic,
		/// An optimistic task's fee may not exceed [`Config::MaxOptimisticFee`]: split the
		/// task, or post it for a majority.
		FeeTooHighForOptimistic,
		/// The chain's spot check of this optimistic result is not drawn yet: challenges wait
		/// for it.
		SpotCheckPending,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Mixes this block's randomness into the draws' entropy, ends the phases whose
		/// deadline was the previous block (drawing the tasks posted `AssignDelay` blocks
		/// ago), then assigns waiting tasks.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let entropy = Self::mix_entropy(now);
			let deadlines = Self::fire_deadlines(now);
			entropy.saturating_add(deadlines).saturating_add(Self::assign_waiting(now))
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::WorkersPerTask::get() >= 3, "WorkersPerTask must be at least 3");
			assert!(T::MaxCandidates::get() >= T::WorkersPerTask::get(), "too few candidates");
			assert!(
				T::MaxSceneChunks::get() <= playnet_primitives::render::spec::MAX_SCENE_CHUNKS,
				"MaxSceneChunks past the primitives' limit"
			);
			assert!(
				Pallet::<T>::worst_deadline_weight()
					.saturating_add(T::WeightInfo::on_initialize_idle())
					.saturating_add(T::DbWeight::get().reads(1))
					.all_lte(T::DeadlineWeight::get()),
				"DeadlineWeight must hold at least one deadline of the costliest kind"
			);
			assert!(
				T::AssignDelay::get() >= One::one(),
				"AssignDelay must be at least 1: a draw in the posting block is known to its author"
			);
			assert!(
				T::MinRatePermille::get() <= T::MaxRatePermille::get(),
				"MinRatePermille above MaxRatePermille"
			);
			assert!(
				T::MintShare::get() < T::BurnShare::get(),
				"MintShare must be below BurnShare: a task that mints what it burns pays its poster"
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Post a render task verified by a majority of `k` workers:
		/// [`Pallet::post_task_verified`] with [`Verification::Majority`].
		///
		/// # Events
		/// - [`Event::TaskPosted`]; at the draw, [`Event::WorkersAssigned`] or
		///   [`Event::TaskWaiting`].
		///
		/// # Errors
		/// - [`Error::InvalidSpec`], [`Error::SpecTooLarge`], [`Error::TaskTooLarge`]: the
		///   spec;
		/// - [`Error::SceneChunkUnknown`]: a scene chunk is not the world's current version;
		/// - [`Error::FeeTooLow`], [`Error::EscrowUnavailable`]: the fee;
		/// - [`Error::WaitingQueueFull`].
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::post_task_weight(spec.scene.len() as u32))]
		pub fn post_task(
			origin: OriginFor<T>,
			spec: RenderSpec,
			fee: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_post_task(who, spec, fee, Verification::Majority)
		}

		/// Commit to a result root: `commitment` is [`commitment_of`]`(root, salt, caller)`,
		/// that is `BLAKE3(SCALE((root, salt, caller)))`. When the last worker commits, the
		/// reveal phase opens.
		///
		/// # Events
		/// - [`Event::Committed`]; [`Event::RevealsOpened`] after the last commit.
		///
		/// # Errors
		/// - [`Error::UnknownTask`], [`Error::NotAssigned`];
		/// - [`Error::NotCommitPhase`], [`Error::CommitTooLate`], [`Error::AlreadyCommitted`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::commit())]
		pub fn commit(
			origin: OriginFor<T>,
			task: TaskIndex,
			commitment: Commitment,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_commit(who, task, commitment)
		}

		/// Reveal the committed root and salt. When the last worker reveals, the task is
		/// decided at once.
		///
		/// # Events
		/// - [`Event::Revealed`]; after the last reveal, [`Event::ResultAccepted`] (and
		///   [`Event::DissenterSlashed`]) or [`Event::TaskRefunded`].
		///
		/// # Errors
		/// - [`Error::UnknownTask`], [`Error::NotAssigned`];
		/// - [`Error::NotCommitted`], [`Error::RevealsNotOpen`], [`Error::RevealTooLate`],
		///   [`Error::AlreadyRevealed`];
		/// - [`Error::CommitmentMismatch`]: wrong root or salt.
		#[pallet::call_index(2)]
		// The last reveal may end the task (no majority): its scene's pins go then. The poster
		// prepaid them; the block still counts them.
		#[pallet::weight(T::WeightInfo::reveal().saturating_add(
			T::Scenes::unpin_weight().saturating_mul(T::MaxSceneChunks::get().into())
		))]
		pub fn reveal(
			origin: OriginFor<T>,
			task: TaskIndex,
			root: Hash32,
			salt: Salt,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_reveal(who, task, root, salt)
		}

		/// Prove an accepted root wrong with one tile, before the task is settled.
		///
		/// `claimed_tile_hash` is the tile's hash in the workers' result; `proof` places it:
		/// its tile path leads from it to the frame's tile root, and its frame path from
		/// `BLAKE3(result_id || tile_root)` ([`Task::result_id`]) to the accepted root.
		/// `chunks` are the canonical encodings of the spec's scene chunks, in the spec's
		/// order. The runtime re-renders the tile with the primitives' CPU kernel; when its
		/// hash differs from the claimed one, every signer is slashed, the reporter rewarded
		/// through the registry, and the poster refunded. After a challenge, the frame's
		/// [`Evidence`] holds everything the proof needs.
		///
		/// # Events
		/// - [`Event::FraudProven`], [`Event::TaskRefunded`].
		///
		/// # Errors
		/// - [`Error::UnknownTask`], [`Error::NotAccepted`];
		/// - [`Error::BadTilePosition`], [`Error::BadMerklePath`]: the proof does not place
		///   the claimed tile under the accepted root;
		/// - [`Error::WrongChunkCount`], [`Error::ChunkHashMismatch`],
		///   [`Error::InvalidChunkBytes`]: the chunks are not the scene's;
		/// - [`Error::ResultNotFraudulent`]: the tile is right.
		#[pallet::call_index(3)]
		// A proven fraud ends the task: the scene's pins (one per chunk the proof carries) go.
		#[pallet::weight(T::WeightInfo::report_fraud(chunks.len() as u32).saturating_add(
			T::Scenes::unpin_weight().saturating_mul(chunks.len() as u64)
		))]
		pub fn report_fraud(
			origin: OriginFor<T>,
			task: TaskIndex,
			proof: TileProof,
			claimed_tile_hash: Hash32,
			chunks: BoundedVec<ChunkBytes, T::MaxSceneChunks>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_report_fraud(who, task, proof, claimed_tile_hash, chunks)
		}

		/// Challenge `frame` of `task`'s accepted result, holding [`Config::ChallengeDeposit`]:
		/// a signer must publish the frame's evidence ([`Pallet::answer_challenge`]) within
		/// [`Config::AnswerPeriod`] blocks, or the result is overturned as a fraud. The task
		/// is not settled before the challenge's deadline. Any account may challenge (a
		/// worker whose reveal lost, at once).
		///
		/// # Events
		/// - [`Event::FrameChallenged`].
		///
		/// # Errors
		/// - [`Error::UnknownTask`], [`Error::NotAccepted`];
		/// - [`Error::BadTilePosition`]: the frame is past the spec's;
		/// - [`Error::AlreadyChallenged`], [`Error::TooManyChallenges`];
		/// - [`Error::DepositUnavailable`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::challenge())]
		pub fn challenge(origin: OriginFor<T>, task: TaskIndex, frame: u32) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_challenge(who, task, frame)
		}

		/// Answer the challenge of `frame` as a signer of the accepted root: `tile_hashes`
		/// are the frame's tile hashes in tile order, `frame_path` the siblings of
		/// `BLAKE3(result_id || merkle_root(tile_hashes))`'s path to the root. Stored as the
		/// frame's [`Evidence`], from which anyone builds a tile's proof for
		/// [`Pallet::report_fraud`].
		///
		/// # Events
		/// - [`Event::ChallengeAnswered`].
		///
		/// # Errors
		/// - [`Error::UnknownTask`], [`Error::NotAccepted`], [`Error::NoSuchChallenge`];
		/// - [`Error::AlreadyAnswered`], [`Error::NotASigner`], [`Error::AnswerTooLate`];
		/// - [`Error::BadEvidence`]: the tile hashes and path do not lead to the root.
		///
		/// The answer to an optimistic result's spot check has the checked tile re-rendered on
		/// chain: a wrong one ends the task ([`Event::SpotCheckFailed`], the signer slashed
		/// [`Config::FraudSlash`], the poster refunded), and the call still succeeds.
		#[pallet::call_index(5)]
		// An optimistic result's spot check renders a tile on chain; other answers are
		// refunded that part.
		#[pallet::weight(Pallet::<T>::spot_answer_weight(
			tile_hashes.len() as u32,
			T::MaxSceneChunks::get()
		))]
		pub fn answer_challenge(
			origin: OriginFor<T>,
			task: TaskIndex,
			frame: u32,
			tile_hashes: BoundedVec<Hash32, T::MaxTilesPerFrame>,
			frame_path: BoundedVec<Hash32, MaxFramePathOf>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::do_answer_challenge(who, task, frame, tile_hashes, frame_path)
		}

		/// Post a render task: validate `spec`, pin its scene's chunk versions in the world
		/// until the task ends, hold `fee` from the caller, and schedule the draw of its
		/// workers (`k` for [`Verification::Majority`], one for
		/// [`Verification::Optimistic`]) for the start of block `now + AssignDelay`, where it
		/// is assigned or queued until enough workers are eligible. Charged
		/// [`Pallet::post_task_weight`].
		///
		/// # Events
		/// - [`Event::TaskPosted`]; at the draw, [`Event::WorkersAssigned`] or
		///   [`Event::TaskWaiting`].
		///
		/// # Errors
		/// - [`Error::InvalidSpec`], [`Error::SpecTooLarge`], [`Error::TaskTooLarge`]: the
		///   spec;
		/// - [`Error::SceneChunkUnknown`]: a scene chunk is not the world's current version;
		/// - [`Error::FeeTooLow`], [`Error::EscrowUnavailable`]: the fee;
		/// - [`Error::TooFewFramesForOptimistic`], [`Error::FeeTooHighForOptimistic`]: an
		///   optimistic task's limits;
		/// - [`Error::WaitingQueueFull`].
		#[pallet::call_index(6)]
		#[pallet::weight(Pallet::<T>::post_task_weight(spec.scene.len() as u32))]
		pub fn post_task_verified(
			origin: OriginFor<T>,
			spec: RenderSpec,
			fee: BalanceOf<T>,
			verification: Verification,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_post_task(who, spec, fee, verification)
		}
	}
}
