//! A runtime with balances, settable randomness, a worker registry over plain storage, a
//! world of generated chunks that tests can edit, and the render pallet, for the pallet's
//! tests.

use crate as pallet_render;
use crate::{commitment_of, Outcome, Salt, SceneSource, TaskIndex, WorkerRegistry};
use codec::Encode;
use playnet_primitives::{
	demo::GeneratedTask, proof::tile::frame_tile_hashes, render::frame::render_frame,
	world::encoding::encode_chunk, ChunkCoord, ContentHash, Hash32, RenderSpec, Scene, TaskResult,
	WorldGenerator,
};
use polkadot_sdk::{
	frame_support::{
		assert_ok, derive_impl, ensure, parameter_types, storage_alias,
		traits::{Hooks, Randomness},
		weights::Weight,
		Blake2_128Concat, BoundedVec,
	},
	frame_system, pallet_balances,
	sp_core::H256,
	sp_io,
	sp_runtime::{traits::IdentityLookup, BuildStorage, DispatchResult, Perbill, Permill},
};
use std::{
	cell::RefCell,
	collections::BTreeMap,
	sync::{Mutex, OnceLock},
};

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const POSTER: AccountId = 1;
pub const REPORTER: AccountId = 2;
/// An account without funds.
pub const PAUPER: AccountId = 9;
/// The workers bonded at the start of every test.
pub const WORKERS: [AccountId; 4] = [10, 11, 12, 13];
pub const ED: Balance = 10;
pub const FEE: Balance = 1_000;
pub const K: u32 = 3;
pub const COMMIT_PERIOD: u64 = 5;
/// The commit period grows by a block per this many work units (the test spec has 8).
pub const COMMIT_UNITS_PER_BLOCK: u64 = 16;
pub const MAX_COMMIT_PERIOD: u64 = 20;
pub const REVEAL_PERIOD: u64 = 5;
pub const FRAUD_WINDOW: u64 = 10;
/// What a challenge holds.
pub const CHALLENGE_DEPOSIT: Balance = 50;
/// Blocks to answer a challenge.
pub const ANSWER_PERIOD: u64 = 3;
/// Blocks from posting to the first draw.
pub const ASSIGN_DELAY: u64 = 2;
/// The block a task posted in block 1 is drawn in.
pub const DRAWN_AT: u64 = 1 + ASSIGN_DELAY;
pub const BOND: u128 = 10_000;
/// The largest optimistic fee: FraudSlash (20%) of the bond.
pub const MAX_OPTIMISTIC_FEE: Balance = 2_000;
/// The seed of the mock world, whose generated chunks the small scene shows.
pub const WORLD_SEED: u64 = 11;

#[polkadot_sdk::frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeTask,
		RuntimeHoldReason,
		RuntimeFreezeReason
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type Render = pallet_render;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

parameter_types! {
	pub const ExistentialDeposit: Balance = ED;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

/// A worker as the mock registry keeps it.
#[derive(Clone, Debug)]
pub struct MockWorker {
	pub bond: u128,
	pub reputation: Permill,
	pub bonded: bool,
}

thread_local! {
	static REGISTRY: RefCell<BTreeMap<AccountId, MockWorker>> = const { RefCell::new(BTreeMap::new()) };
	static OUTCOMES: RefCell<Vec<(AccountId, Outcome)>> = const { RefCell::new(Vec::new()) };
	static REPORTER_REWARDS: RefCell<BTreeMap<AccountId, u128>> = const { RefCell::new(BTreeMap::new()) };
	static RANDOM: RefCell<[u8; 32]> = const { RefCell::new([7; 32]) };
}

/// The registry over thread-local storage: weight = bond x reputation (in parts per million),
/// a slash takes from the bond and gives a reporter half of it.
pub struct MockRegistry;
impl WorkerRegistry<AccountId, Balance> for MockRegistry {
	fn weighted_workers() -> Vec<(AccountId, u128)> {
		REGISTRY.with(|registry| {
			registry
				.borrow()
				.iter()
				.filter(|(_, worker)| worker.bonded)
				.map(|(who, worker)| {
					(*who, worker.bond.saturating_mul(worker.reputation.deconstruct() as u128))
				})
				.collect()
		})
	}

	fn reputation(who: &AccountId) -> Permill {
		REGISTRY.with(|registry| {
			registry.borrow().get(who).map_or(Permill::zero(), |worker| worker.reputation)
		})
	}

	fn record_outcome(who: &AccountId, outcome: Outcome) {
		OUTCOMES.with(|outcomes| outcomes.borrow_mut().push((*who, outcome)));
	}

	fn slash(who: &AccountId, share: Perbill, reporter: Option<&AccountId>) -> Balance {
		let slashed = REGISTRY.with(|registry| {
			let mut registry = registry.borrow_mut();
			let Some(worker) = registry.get_mut(who) else { return 0 };
			let slashed = share.mul_floor(worker.bond);
			worker.bond -= slashed;
			slashed
		});
		if let Some(reporter) = reporter {
			REPORTER_REWARDS
				.with(|rewards| *rewards.borrow_mut().entry(*reporter).or_default() += slashed / 2);
		}
		slashed
	}
}

/// Randomness the tests can set: the same seed mixed with the subject.
pub struct MockRandomness;
impl Randomness<H256, u64> for MockRandomness {
	fn random(subject: &[u8]) -> (H256, u64) {
		let seed = RANDOM.with(|random| *random.borrow());
		(H256(Hash32::of_parts(&[&seed, subject]).0), System::block_number())
	}
}

#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for MockBenchmarkHelper {
	fn register_worker(who: &AccountId, weight: u128) {
		bond(*who, weight.max(1), Permill::one());
	}

	fn put_scene_chunk(coord: ChunkCoord, encoded: Vec<u8>) {
		EditedChunks::insert(coord, ContentHash::of(&encoded));
	}
}

/// The current hash of every chunk of the mock world that a test edited. In storage (like
/// [`ScenePins`]), so that `assert_noop` sees any change.
#[storage_alias(verbatim)]
pub type EditedChunks = StorageMap<MockScenes, Blake2_128Concat, ChunkCoord, ContentHash>;

/// How many times the mock world pins each chunk version. Keys: chunk and version.
#[storage_alias(verbatim)]
pub type ScenePins = StorageMap<MockScenes, Blake2_128Concat, (ChunkCoord, ContentHash), u32>;

/// The hash of the canonical encoding of the generated chunk at `coord`, computed once per
/// chunk for all tests.
pub fn generated_hash(coord: ChunkCoord) -> ContentHash {
	static GENERATED: Mutex<BTreeMap<ChunkCoord, ContentHash>> = Mutex::new(BTreeMap::new());
	let mut generated = GENERATED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
	*generated.entry(coord).or_insert_with(|| {
		ContentHash::of(&encode_chunk(&WorldGenerator::new(WORLD_SEED).chunk(coord)))
	})
}

/// The world of [`WORLD_SEED`] as scenes see it: a chunk's current version is its edited hash
/// ([`edit_chunk`]) or else its generated one; pins are counted in [`ScenePins`]. Its storage
/// weighs nothing, as the mock's `DbWeight` does.
pub struct MockWorld;
impl SceneSource for MockWorld {
	fn pin(coord: ChunkCoord, content_hash: ContentHash) -> DispatchResult {
		let current = EditedChunks::get(coord).unwrap_or_else(|| generated_hash(coord));
		ensure!(current == content_hash, "not the chunk's current version");
		ScenePins::mutate((coord, content_hash), |pins| {
			*pins = Some(pins.unwrap_or(0) + 1);
		});
		Ok(())
	}

	fn unpin(coord: ChunkCoord, content_hash: ContentHash) {
		ScenePins::mutate_exists((coord, content_hash), |pins| {
			*pins = pins.and_then(|pins| pins.checked_sub(1)).filter(|pins| *pins > 0);
		});
	}

	fn pin_weight() -> Weight {
		Weight::zero()
	}

	fn unpin_weight() -> Weight {
		Weight::zero()
	}

	/// The generated chunk's encoding while unedited; an edited chunk's bytes are not kept.
	fn chunk(coord: ChunkCoord, content_hash: ContentHash) -> Option<Vec<u8>> {
		(EditedChunks::get(coord).is_none() && generated_hash(coord) == content_hash)
			.then(|| encode_chunk(&WorldGenerator::new(WORLD_SEED).chunk(coord)))
	}

	fn chunk_weight() -> Weight {
		Weight::zero()
	}

	fn pins() -> Vec<(ChunkCoord, ContentHash, u32)> {
		ScenePins::iter().map(|((coord, content_hash), pins)| (coord, content_hash, pins)).collect()
	}
}

/// Edits `coord` in the mock world: it gets a new version with a new hash, which it returns.
pub fn edit_chunk(coord: ChunkCoord) -> ContentHash {
	let old = EditedChunks::get(coord).unwrap_or_else(|| generated_hash(coord));
	let new = Hash32::of_parts(&[b"edited", &coord.encode(), old.as_bytes()]);
	EditedChunks::insert(coord, new);
	new
}

/// How many open tasks pin version `content_hash` of `coord`.
pub fn pins_of(coord: ChunkCoord, content_hash: ContentHash) -> u32 {
	ScenePins::get((coord, content_hash)).unwrap_or(0)
}

parameter_types! {
	pub const WorkersPerTask: u32 = K;
	pub const MaxReplacements: u32 = 2;
	pub const MaxCandidates: u32 = 16;
	pub const CommitPeriod: u64 = COMMIT_PERIOD;
	pub const CommitUnitsPerBlock: u64 = COMMIT_UNITS_PER_BLOCK;
	pub const MaxCommitPeriod: u64 = MAX_COMMIT_PERIOD;
	pub const RevealPeriod: u64 = REVEAL_PERIOD;
	pub const FraudWindow: u64 = FRAUD_WINDOW;
	pub const AssignDelay: u64 = ASSIGN_DELAY;
	pub const MinFee: Balance = 100;
	/// The floor passes MinFee past 20 work units.
	pub const MinFeePerUnit: Balance = 5;
	pub const BurnShare: Perbill = Perbill::from_percent(10);
	pub const BaseRewardPerUnit: Balance = 10;
	/// Below BurnShare's 10%: each slot mints at most 9% of the fee / k.
	pub const MintShare: Perbill = Perbill::from_percent(9);
	pub const MinRatePermille: u32 = 500;
	pub const MaxRatePermille: u32 = 2_000;
	pub const MissSlash: Perbill = Perbill::from_percent(1);
	pub const DissentSlash: Perbill = Perbill::from_percent(5);
	pub const FraudSlash: Perbill = Perbill::from_percent(20);
	pub const ChallengeDeposit: Balance = CHALLENGE_DEPOSIT;
	pub const OptimisticFeeShare: Perbill = Perbill::from_percent(40);
	pub const MaxOptimisticFee: Balance = MAX_OPTIMISTIC_FEE;
	pub const MinOptimisticFrames: u32 = 2;
	pub const AnswerPeriod: u64 = ANSWER_PERIOD;
	pub const MaxChallengesPerTask: u32 = 2;
	pub const MaxTilesPerFrame: u32 = 64;
	pub const MaxSceneChunks: u32 = 64;
	pub const MaxKeyframes: u32 = 8;
	pub const MaxWaitingTasks: u32 = 4;
	pub const MaxAssignmentsPerBlock: u32 = 2;
	/// Room for three deadlines of the costliest kind (a commit expiry over 16 candidates,
	/// about 2.5 ms with the default weights) at the start of a block.
	pub DeadlineWeight: Weight = Weight::from_parts(10_000_000_000, u64::MAX);
}

impl pallet_render::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Randomness = MockRandomness;
	type AssignDelay = AssignDelay;
	type Workers = MockRegistry;
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
	type Scenes = MockWorld;
	type MaxWaitingTasks = MaxWaitingTasks;
	type MaxAssignmentsPerBlock = MaxAssignmentsPerBlock;
	type DeadlineWeight = DeadlineWeight;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// Bonds `who` in the mock registry.
pub fn bond(who: AccountId, bond: u128, reputation: Permill) {
	REGISTRY.with(|registry| {
		registry.borrow_mut().insert(who, MockWorker { bond, reputation, bonded: true })
	});
}

/// Unbonds `who`: it is no longer eligible.
pub fn unbond(who: AccountId) {
	REGISTRY.with(|registry| {
		if let Some(worker) = registry.borrow_mut().get_mut(&who) {
			worker.bonded = false;
		}
	});
}

/// `who`'s bond in the mock registry.
pub fn bond_of(who: AccountId) -> u128 {
	REGISTRY.with(|registry| registry.borrow().get(&who).map_or(0, |worker| worker.bond))
}

/// Every outcome recorded so far.
pub fn outcomes() -> Vec<(AccountId, Outcome)> {
	OUTCOMES.with(|outcomes| outcomes.borrow().clone())
}

/// What a reporter got from slashes.
pub fn reporter_reward(who: AccountId) -> u128 {
	REPORTER_REWARDS.with(|rewards| rewards.borrow().get(&who).copied().unwrap_or(0))
}

/// Sets the randomness seed.
pub fn set_random(seed: u8) {
	RANDOM.with(|random| *random.borrow_mut() = [seed; 32]);
}

/// Four workers bonded with equal weight; the poster and the reporter funded; block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let ext = new_test_ext_without_workers();
	for worker in WORKERS {
		bond(worker, BOND, Permill::from_percent(100));
	}
	ext
}

/// The poster, the reporter and the workers funded, nobody bonded; block 1.
pub fn new_test_ext_without_workers() -> sp_io::TestExternalities {
	REGISTRY.with(|registry| registry.borrow_mut().clear());
	OUTCOMES.with(|outcomes| outcomes.borrow_mut().clear());
	REPORTER_REWARDS.with(|rewards| rewards.borrow_mut().clear());
	set_random(7);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances = vec![(POSTER, 100_000), (REPORTER, 1_000)];
	balances.extend(WORKERS.iter().map(|worker| (*worker, 1_000)));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// A small scene over a generated world and its chunk bytes, built once.
pub fn scene() -> &'static (RenderSpec, Vec<Vec<u8>>) {
	static SCENE: OnceLock<(RenderSpec, Vec<Vec<u8>>)> = OnceLock::new();
	SCENE.get_or_init(|| {
		let mut task = GeneratedTask::demo(WORLD_SEED, 128, 96, 2);
		task.min_chunk = ChunkCoord::new(-2, 3, -2);
		task.max_chunk = ChunkCoord::new(1, 5, 1);
		task.build()
	})
}

/// The spec of the small scene.
pub fn spec() -> RenderSpec {
	scene().0.clone()
}

/// The chunk bytes of the small scene, as a fraud proof carries them.
pub fn chunk_bytes() -> BoundedVec<crate::ChunkBytes, MaxSceneChunks> {
	BoundedVec::truncate_from(
		scene().1.iter().map(|bytes| crate::ChunkBytes::truncate_from(bytes.clone())).collect(),
	)
}

/// The tile hashes of the small scene's frames, rendered once.
pub fn correct_tiles() -> &'static Vec<Vec<Hash32>> {
	static TILES: OnceLock<Vec<Vec<Hash32>>> = OnceLock::new();
	TILES.get_or_init(|| {
		let (spec, chunks) = scene();
		let scene = Scene::from_encoded(spec, chunks).expect("a valid scene");
		(0..spec.frame_count)
			.map(|frame| {
				let pixels = render_frame(&scene, spec, frame);
				frame_tile_hashes(&pixels.pixels, spec.width, spec.height)
			})
			.collect()
	})
}

/// The result id the chain fixed for `task` at its first draw.
pub fn result_id_of(task: TaskIndex) -> Hash32 {
	crate::Tasks::<Test>::get(task).and_then(|task| task.result_id).expect("a drawn task")
}

/// The correct result of the small scene for `task` (drawn already).
pub fn correct_result(task: TaskIndex) -> TaskResult {
	TaskResult::new(result_id_of(task), correct_tiles().clone())
}

/// A wrong result for `task`: tile 1 of frame 0 has a made-up hash.
pub fn wrong_result(task: TaskIndex) -> TaskResult {
	let mut tiles = correct_tiles().clone();
	tiles[0][1] = Hash32::of(b"not the tile");
	TaskResult::new(result_id_of(task), tiles)
}

/// The salt `who` uses.
pub fn salt(who: AccountId) -> Salt {
	[who as u8; 32]
}

/// Posts the small spec with [`FEE`] as the poster, runs the [`ASSIGN_DELAY`] blocks to its
/// draw, and returns its index.
pub fn post() -> TaskIndex {
	let index = post_only();
	run_to(System::block_number() + ASSIGN_DELAY);
	index
}

/// Posts the small spec with `fee` as the poster, runs the [`ASSIGN_DELAY`] blocks to its
/// draw, and returns its index.
pub fn post_with_fee(fee: Balance) -> TaskIndex {
	let index = crate::NextTaskIndex::<Test>::get();
	assert_ok!(Render::post_task(RuntimeOrigin::signed(POSTER), spec(), fee));
	run_to(System::block_number() + ASSIGN_DELAY);
	index
}

/// Posts the small spec with [`FEE`] as the poster and returns its index, in the same block.
pub fn post_only() -> TaskIndex {
	let index = crate::NextTaskIndex::<Test>::get();
	assert_ok!(Render::post_task(RuntimeOrigin::signed(POSTER), spec(), FEE));
	index
}

/// The workers assigned to `task` now.
pub fn workers_of(task: TaskIndex) -> Vec<AccountId> {
	crate::Tasks::<Test>::get(task)
		.map(|task| task.workers.iter().map(|slot| slot.who).collect())
		.unwrap_or_default()
}

/// `who` commits to `root` for `task`.
pub fn commit_to(who: AccountId, task: TaskIndex, root: Hash32) {
	assert_ok!(Render::commit(
		RuntimeOrigin::signed(who),
		task,
		commitment_of(&root, &salt(who), &who)
	));
}

/// `who` reveals `root` for `task`.
pub fn reveal(who: AccountId, task: TaskIndex, root: Hash32) {
	assert_ok!(Render::reveal(RuntimeOrigin::signed(who), task, root, salt(who)));
}

/// Every assigned worker commits and reveals its root from `roots` (in assignment order).
pub fn commit_and_reveal(task: TaskIndex, roots: &[Hash32]) {
	let workers = workers_of(task);
	for (who, root) in workers.iter().zip(roots) {
		commit_to(*who, task, *root);
	}
	for (who, root) in workers.iter().zip(roots) {
		reveal(*who, task, *root);
	}
}

/// A signer's answer for `frame` of `result`: its tile hashes and the frame's path siblings.
pub fn answer_of(
	result: &TaskResult,
	frame: u32,
) -> (BoundedVec<Hash32, MaxTilesPerFrame>, BoundedVec<Hash32, crate::MaxFramePathOf>) {
	let path = playnet_primitives::proof::merkle::merkle_proof(&result.frame_hashes, frame)
		.expect("a frame of the result");
	(
		BoundedVec::truncate_from(result.tile_hashes[frame as usize].clone()),
		BoundedVec::truncate_from(path.siblings),
	)
}

/// `who` answers the challenge of `frame` of `task` from `result`.
pub fn answer_frame(task: TaskIndex, who: AccountId, frame: u32, result: &TaskResult) {
	let (tiles, path) = answer_of(result, frame);
	assert_ok!(Render::answer_challenge(RuntimeOrigin::signed(who), task, frame, tiles, path));
}

/// `who` answers the spot check of optimistic `task` (drawn already) from `result`.
pub fn answer_spot_check(task: TaskIndex, who: AccountId, result: &TaskResult) {
	let spot = crate::Tasks::<Test>::get(task)
		.and_then(|task| task.spot_check)
		.expect("a drawn spot check");
	answer_frame(task, who, spot.frame, result);
}

/// Checks the invariants, ends the block and starts the next (running `on_initialize`).
pub fn next_block() {
	Render::do_try_state().expect("invariants hold at the end of the block");
	let next = System::block_number() + 1;
	System::set_block_number(next);
	Render::on_initialize(next);
	Render::do_try_state().expect("invariants hold after on_initialize");
}

/// Runs blocks until block `n` has started.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		next_block();
	}
}

/// The pallet's events since genesis, oldest first.
pub fn render_events() -> Vec<pallet_render::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Render(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// The free balance of `who`.
pub fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}
