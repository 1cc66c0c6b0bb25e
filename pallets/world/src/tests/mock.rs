//! A runtime with balances, a settable clock and the world, for the pallet's tests.

use crate as pallet_world;
use crate::{ChunkVersion, RegionCoord};
use playnet_primitives::{
	world::{blocks::STONE, encoding::encode_chunk},
	BlockEdit, Chunk, ChunkCoord, ContentHash, WorldGenerator,
};
use polkadot_sdk::{
	frame_support::{
		assert_ok, derive_impl, parameter_types,
		traits::{Hooks, UnixTime},
		BoundedVec,
	},
	frame_system::{self, EnsureRoot},
	pallet_balances, sp_io,
	sp_runtime::{traits::IdentityLookup, BuildStorage},
};
use std::cell::Cell;

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CAROL: AccountId = 3;
/// An account without funds.
pub const PAUPER: AccountId = 9;
pub const ED: Balance = 10;
/// What Alice, Bob and Carol hold at genesis.
pub const START: Balance = 1_000_000;
pub const DEPOSIT: Balance = 1_000;
/// A stored chunk's deposit: this plus one per byte of its encoding.
pub const CHUNK_DEPOSIT_BASE: Balance = 100;
pub const SEED: u64 = 42;
/// The chain's clock at the start of every test, in milliseconds.
pub const NOW: u64 = 1_700_000_000_000;
pub const SKEW: u64 = 30_000;

pub const MAX_EDITS: u32 = 8;
pub const MAX_PENDING: u32 = 6;
pub const MAX_TRACKED: u32 = 8;
pub const MAX_EDITORS: u32 = 2;

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
	pub type World = pallet_world;
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

thread_local! {
	static CLOCK: Cell<u64> = const { Cell::new(NOW) };
}

/// The chain's clock, in milliseconds; tests move it with [`set_chain_time`].
pub struct MockTime;
impl UnixTime for MockTime {
	fn now() -> core::time::Duration {
		core::time::Duration::from_millis(CLOCK.with(Cell::get))
	}
}

pub fn set_chain_time(millis: u64) {
	CLOCK.with(|clock| clock.set(millis));
}

parameter_types! {
	pub const RegionDeposit: Balance = DEPOSIT;
	pub const ChunkDepositBase: Balance = CHUNK_DEPOSIT_BASE;
	pub const ChunkDepositPerByte: Balance = 1;
	pub const MaxEditsPerCall: u32 = MAX_EDITS;
	pub const MaxPendingSubmissions: u32 = MAX_PENDING;
	pub const MaxTrackedChanges: u32 = MAX_TRACKED;
	pub const MaxEditorsPerRegion: u32 = MAX_EDITORS;
	pub const MaxClockSkew: u64 = SKEW;
}

impl pallet_world::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type UnixTime = MockTime;
	type ForceOrigin = EnsureRoot<AccountId>;
	type RegionDeposit = RegionDeposit;
	type ChunkDepositBase = ChunkDepositBase;
	type ChunkDepositPerByte = ChunkDepositPerByte;
	type MaxEditsPerCall = MaxEditsPerCall;
	type MaxPendingSubmissions = MaxPendingSubmissions;
	type MaxTrackedChanges = MaxTrackedChanges;
	type MaxEditorsPerRegion = MaxEditorsPerRegion;
	type MaxClockSkew = MaxClockSkew;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockTime;
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_world::BenchmarkHelper for MockTime {
	fn set_chain_time(millis: u64) {
		set_chain_time(millis);
	}
}

/// The world of [`SEED`]; Alice, Bob and Carol hold [`START`] each; block 1 at [`NOW`].
pub fn new_test_ext() -> sp_io::TestExternalities {
	set_chain_time(NOW);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(ALICE, START), (BOB, START), (CAROL, START)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_world::GenesisConfig::<Test> { seed: SEED, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// A chunk in the middle of the world, away from region borders.
pub const HOME: ChunkCoord = ChunkCoord::new(1, 4, 1);

/// A chunk in another region than [`HOME`].
pub const ELSEWHERE: ChunkCoord = ChunkCoord::new(9, 4, 1);

/// [`HOME`]'s region.
pub const HOME_REGION: RegionCoord = RegionCoord::new(0, 0);

/// Places `block` at local `(x, y, z)`.
pub fn set(x: u8, y: u8, z: u8, block: u16) -> BlockEdit {
	BlockEdit { x, y, z, block }
}

/// One stone block at local `(x, 0, 0)`.
pub fn stone(x: u8) -> BlockEdit {
	set(x, 0, 0, STONE)
}

pub fn bounded(edits: &[BlockEdit]) -> BoundedVec<BlockEdit, MaxEditsPerCall> {
	BoundedVec::try_from(edits.to_vec()).expect("within MaxEditsPerCall")
}

/// Submits `edits` to `coord` as `who`, on `base`, at the chain's time plus `offset`.
pub fn submit(
	who: AccountId,
	coord: ChunkCoord,
	base: ChunkVersion,
	edits: &[BlockEdit],
	client_timestamp: u64,
) -> polkadot_sdk::sp_runtime::DispatchResultWithInfo<
	polkadot_sdk::frame_support::dispatch::PostDispatchInfo,
> {
	World::apply_edits(RuntimeOrigin::signed(who), coord, base, bounded(edits), client_timestamp)
}

/// Submits and expects the submission to be queued.
pub fn queue(who: AccountId, coord: ChunkCoord, base: ChunkVersion, edits: &[BlockEdit], ts: u64) {
	assert_ok!(submit(who, coord, base, edits, ts));
}

/// Ends the current block (deciding the queued submissions), checks the pallet's invariants
/// and starts the next.
pub fn end_block() {
	let now = System::block_number();
	World::do_try_state().expect("invariants hold before the block ends");
	World::on_finalize(now);
	World::do_try_state().expect("invariants hold after the block ends");
	assert_eq!(crate::PendingCount::<Test>::get(), 0, "the queue is empty after the block");
	System::set_block_number(now + 1);
	World::on_initialize(now + 1);
}

/// What the generator makes at `coord` for the test world.
pub fn generated(coord: ChunkCoord) -> Chunk {
	WorldGenerator::new(SEED).chunk(coord)
}

/// The primitives' content hash of `chunk`.
pub fn hash_of(chunk: &Chunk) -> ContentHash {
	ContentHash::of(&encode_chunk(chunk))
}

/// The current version of `coord` (0 when unedited).
pub fn version(coord: ChunkCoord) -> ChunkVersion {
	World::chunk_record(coord).map_or(0, |record| record.version)
}

/// The world's events since the block started, oldest first.
pub fn world_events() -> Vec<pallet_world::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::World(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// The id the chain gives a submission.
pub fn id_of(
	who: AccountId,
	coord: ChunkCoord,
	base: ChunkVersion,
	edits: &[BlockEdit],
	ts: u64,
) -> crate::SubmissionId {
	World::submission_id(&who, &coord, base, ts, edits)
}
