//! Batch render tasks: escrowed fees, k staked workers drawn with BABE randomness made after
//! the post, commit-reveal of result roots, rewards, slashing, and one-tile fraud proofs.

use crate::{
	currency::{MICRO_PGT, PGT},
	AccountId, Balance, Balances, BlockNumber, Hash, Runtime, RuntimeHoldReason, Stake,
};
use alloc::vec::Vec;
use pallet_render::{Outcome, WorkerRegistry};
use pallet_stake::SlashAmount;
use polkadot_sdk::{
	frame_support::{parameter_types, traits::Randomness, weights::Weight},
	pallet_babe,
	sp_runtime::{Perbill, Permill},
};

parameter_types! {
	/// Three workers render every task; a strict majority (two) decides.
	pub const WorkersPerTask: u32 = 3;
	/// A task is drawn three blocks after its post (9 s): knowing the draw when posting takes
	/// authoring both blocks between.
	pub const AssignDelay: BlockNumber = 3;
	/// Fresh workers a task may take in over its life to replace no-shows.
	pub const MaxReplacements: u32 = 3;
	/// Every contributor can be drawn.
	pub const MaxCandidates: u32 = super::stake::MaxContributors::get();
	/// Two minutes to render and commit a small task, one to reveal.
	pub const CommitPeriod: BlockNumber = 40;
	/// A larger task gets a block more per 256 tiles. The CPU reference renders about 660
	/// tiles per 3-second block on two cores of a 2-core dev machine (0.9 Mpixel/s,
	/// `playnet-render bench`); 256 leaves a slower worker 2.5 times that.
	pub const CommitUnitsPerBlock: u64 = 256;
	/// A day at most: every spec within the primitives' limits (3840x2160, 3,600 frames:
	/// 7,344,000 tiles, 28,688 blocks) fits.
	pub const MaxCommitPeriod: BlockNumber = crate::time::DAYS;
	pub const RevealPeriod: BlockNumber = 20;
	/// Two minutes for audits and fraud proofs before an accepted result is paid out.
	pub const FraudWindow: BlockNumber = 40;
	/// A task carries at least 1 PGT, and at least 1 milli-PGT per 64x64 tile beyond 1,000
	/// tiles: the largest spec (7,344,000 tiles) at least 7,344 PGT.
	pub const MinFee: Balance = PGT;
	pub const MinFeePerUnit: Balance = 1_000 * MICRO_PGT;
	/// A tenth of every settled fee is burned.
	pub const BurnShare: Perbill = Perbill::from_percent(10);
	/// 100 micro-PGT of new issuance per 64x64 tile rendered, at the base rate.
	pub const BaseRewardPerUnit: Balance = 100 * MICRO_PGT;
	/// A task mints at most 5% of its fee, half of what it burns: posting to oneself loses at
	/// least 5% of the fee.
	pub const MintShare: Perbill = Perbill::from_percent(5);
	pub const MinRatePermille: u32 = 500;
	pub const MaxRatePermille: u32 = 2_000;
	pub const MissSlash: Perbill = Perbill::from_percent(1);
	pub const DissentSlash: Perbill = Perbill::from_percent(5);
	pub const FraudSlash: Perbill = Perbill::from_percent(25);
	/// A challenge of one frame holds 5 PGT: back (with the reporter's share of the slash) if
	/// nobody answers, to the signers if the answer stands.
	pub const ChallengeDeposit: Balance = 5 * PGT;
	/// An optimistic task (one worker, spot-checked) carries at least 40% of a majority
	/// task's floor: it asks for at most 1.2 times its work instead of 3 times.
	pub const OptimisticFeeShare: Perbill = Perbill::from_percent(40);
	/// An optimistic task carries at most what a fraud slash takes from the smallest bond
	/// (25% of 100 PGT): a lone worker never stands to pocket more than it stands to lose.
	pub MaxOptimisticFee: Balance = FraudSlash::get() * super::stake::MinBond::get();
	/// An optimistic task has at least ten frames: answering its spot check (one frame
	/// rendered again) costs at most a tenth of its work.
	pub const MinOptimisticFrames: u32 = 10;
	/// A minute to answer a challenge.
	pub const AnswerPeriod: BlockNumber = 20;
	/// Four frames of a result may be challenged: both worker programs (`playnet-render work`
	/// and the offchain worker) answer every challenge of a result they signed, so a
	/// challenge of an honest result costs the challenger its deposit and the signers one
	/// answer's fee (16 KB of tile hashes for a 1920x1080 frame, about 0.17 PGT).
	pub const MaxChallengesPerTask: u32 = 4;
	/// The tiles of the largest frame the primitives allow: 3840x2160 is 60 x 34.
	pub const MaxTilesPerFrame: u32 = 2_040;
	pub const MaxSceneChunks: u32 = 64;
	pub const MaxKeyframes: u32 = 16;
	pub const MaxWaitingTasks: u32 = 256;
	pub const MaxAssignmentsPerBlock: u32 = 8;
	/// A fifth of a block's weight for draws, expiries and settlements at the start of each
	/// block: about six of the costliest (a draw over 512 contributors, ~30 ms) fit in it;
	/// the rest fire at the start of the next block.
	pub DeadlineWeight: Weight =
		Perbill::from_percent(20) * super::RuntimeBlockWeights::get().max_block;
}

// A worker keeps the tasks it holds while it unbonds (one slash must not fail its other
// tasks), so its unlocking stake must stay slashable for the longest a task can hold it:
// every commit period its replacements restart, the reveal period and the fraud window.
const _: () = assert!(
	super::stake::UnbondingPeriod::get()
		> MaxCommitPeriod::get() * (1 + MaxReplacements::get())
			+ RevealPeriod::get()
			+ FraudWindow::get(),
	"UnbondingPeriod must outlast a task"
);

/// The VRF output of the parent block's BABE author, fresh every block; the randomness of one
/// epoch ago where a block has none (the first block).
pub struct ParentVrfRandomness;

impl Randomness<Hash, BlockNumber> for ParentVrfRandomness {
	fn random(subject: &[u8]) -> (Hash, BlockNumber) {
		match pallet_babe::ParentBlockRandomness::<Runtime>::random(subject) {
			(Some(random), block) => (random, block),
			(None, _) => pallet_babe::RandomnessFromOneEpochAgo::<Runtime>::random(subject),
		}
	}
}

/// Render workers are the contributors of `pallet-stake`: their weight in the draw is
/// stake x reputation, and the render pallet's outcomes and slashes land on their ledgers.
pub struct StakedWorkers;

impl WorkerRegistry<AccountId, Balance> for StakedWorkers {
	fn weighted_workers() -> Vec<(AccountId, u128)> {
		Stake::contributors_weighted()
	}

	fn reputation(who: &AccountId) -> Permill {
		Stake::reputation(who)
	}

	fn record_outcome(who: &AccountId, outcome: Outcome) {
		// One `Outcome` for both pallets (`playnet-primitives`).
		Stake::record_outcome(who, outcome)
	}

	fn slash(who: &AccountId, share: Perbill, reporter: Option<&AccountId>) -> Balance {
		Stake::slash(who, SlashAmount::Fraction(share), reporter.cloned()).slashed
	}
}

impl pallet_render::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Randomness = ParentVrfRandomness;
	type AssignDelay = AssignDelay;
	type Workers = StakedWorkers;
	type WorkersPerTask = WorkersPerTask;
	type MaxReplacements = MaxReplacements;
	type MaxCandidates = MaxCandidates;
	type CommitPeriod = CommitPeriod;
	type CommitUnitsPerBlock = CommitUnitsPerBlock;
	type MaxCommitPeriod = MaxCommitPeriod;
	type RevealPeriod = RevealPeriod;
	type FraudWindow = FraudWindow;
	type MinFee = MinFee;
	type MinFeePerUnit = MinFeePerUnit;
	type BurnShare = BurnShare;
	type BaseRewardPerUnit = BaseRewardPerUnit;
	type MintShare = MintShare;
	type MinRatePermille = MinRatePermille;
	type MaxRatePermille = MaxRatePermille;
	type MissSlash = MissSlash;
	type DissentSlash = DissentSlash;
	type FraudSlash = FraudSlash;
	type ChallengeDeposit = ChallengeDeposit;
	type OptimisticFeeShare = OptimisticFeeShare;
	type MaxOptimisticFee = MaxOptimisticFee;
	type MinOptimisticFrames = MinOptimisticFrames;
	type AnswerPeriod = AnswerPeriod;
	type MaxChallengesPerTask = MaxChallengesPerTask;
	type MaxTilesPerFrame = MaxTilesPerFrame;
	type MaxSceneChunks = MaxSceneChunks;
	type MaxKeyframes = MaxKeyframes;
	type Scenes = super::world::WorldScenes;
	type MaxWaitingTasks = MaxWaitingTasks;
	type MaxAssignmentsPerBlock = MaxAssignmentsPerBlock;
	type DeadlineWeight = DeadlineWeight;
	type WeightInfo = pallet_render::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BondedWorkers;
}

/// Benchmark workers: funded and bonded so that their weight in the draw is about `weight`.
#[cfg(feature = "runtime-benchmarks")]
pub struct BondedWorkers;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_render::BenchmarkHelper<AccountId> for BondedWorkers {
	fn register_worker(who: &AccountId, weight: u128) {
		use polkadot_sdk::frame_support::traits::fungible::Mutate;
		// weight = stake x reputation (millionths); a new contributor's reputation is 50%.
		let stake = (weight / 500_000).max(super::stake::MinBond::get());
		let _ = Balances::mint_into(who, stake.saturating_mul(2));
		let _ = Stake::bond(crate::RuntimeOrigin::signed(who.clone()), stake);
	}

	fn put_scene_chunk(coord: playnet_primitives::ChunkCoord, encoded: Vec<u8>) {
		let bytes = pallet_world::ChunkBytes::truncate_from(encoded);
		crate::World::replace_chunk(crate::RuntimeOrigin::root(), coord, bytes)
			.expect("a see-through chunk is canonical and in the world");
	}
}
