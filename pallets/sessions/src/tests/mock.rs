//! A runtime with balances, a contributor registry over thread-local storage, signatures that
//! bind a signer to a payload's BLAKE3 hash, and the sessions pallet, for the pallet's tests.

use crate as pallet_sessions;
use crate::{
	ChunkBytes, ContributorRegistry, FrameDispute, Receipt, Resources, SessionId, SessionPackage,
};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use playnet_primitives::{
	demo::GeneratedTask,
	proof::{merkle, tile::frame_tile_hashes},
	render::frame::render_frame,
	session::{frame_id, frame_statement},
	ChunkCoord, Hash32, Outcome, RenderSpec, Scene, TileProof, KERNEL_VERSION,
};
use polkadot_sdk::{
	frame_support::{
		assert_ok, derive_impl, parameter_types,
		traits::{fungible::InspectHold, Hooks},
		BoundedVec,
	},
	frame_system, pallet_balances, sp_io,
	sp_runtime::{
		testing::UintAuthorityId,
		traits::{IdentityLookup, Lazy, Verify},
		BuildStorage, Perbill, Permill,
	},
};
use scale_info::TypeInfo;
use std::{cell::RefCell, collections::BTreeMap, sync::OnceLock};

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const PLAYER: AccountId = 1;
pub const REPORTER: AccountId = 2;
/// An account without funds.
pub const PAUPER: AccountId = 9;
/// The contributor sessions are opened with.
pub const HOST: AccountId = 10;
/// The backup.
pub const BACKUP: AccountId = 11;
/// A third contributor, with a dearer offer.
pub const DEAR: AccountId = 12;
/// An account that never bonded.
pub const STRANGER: AccountId = 13;
pub const ED: Balance = 10;
pub const PLAYER_FUNDS: Balance = 1_000_000;
/// The host's and the backup's price per minute.
pub const PRICE: Balance = 600;
pub const DEAR_PRICE: Balance = 900;
pub const MIN_PRICE: Balance = 60;
pub const ACCEPT_PERIOD: u64 = 3;
pub const BLOCKS_PER_MINUTE: u64 = 20;
pub const CLOSE_PERIOD: u64 = 4;
pub const DISPUTE_WINDOW: u64 = 6;
/// A session's booked minutes.
pub const MINUTES: u32 = 10;
pub const BOND: Balance = 100_000;
/// What a part must be paid for its outcome to count.
pub const MIN_REPUTABLE: Balance = 300;

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
	pub type Sessions = pallet_sessions;
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

/// A signature that binds its signer to the BLAKE3 hash of what it signed: forging one for
/// another signer or payload fails as a real one does.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct MockSignature {
	pub signer: AccountId,
	pub digest: [u8; 32],
}

impl Verify for MockSignature {
	type Signer = UintAuthorityId;

	fn verify<L: Lazy<[u8]>>(&self, mut msg: L, signer: &AccountId) -> bool {
		self.signer == *signer && self.digest == Hash32::of(msg.get()).0
	}
}

/// `who`'s signature of `payload`.
pub fn sign(who: AccountId, payload: &[u8]) -> MockSignature {
	MockSignature { signer: who, digest: Hash32::of(payload).0 }
}

/// A contributor as the mock registry keeps it.
#[derive(Clone, Debug)]
pub struct MockContributor {
	pub bond: Balance,
	pub reputation: Permill,
	pub bonded: bool,
}

thread_local! {
	static REGISTRY: RefCell<BTreeMap<AccountId, MockContributor>> = const { RefCell::new(BTreeMap::new()) };
	static OUTCOMES: RefCell<Vec<(AccountId, Outcome)>> = const { RefCell::new(Vec::new()) };
	static REPORTER_REWARDS: RefCell<BTreeMap<AccountId, Balance>> = const { RefCell::new(BTreeMap::new()) };
}

/// The registry over thread-local storage: a slash takes from the bond and gives a reporter
/// half of it.
pub struct MockRegistry;
impl ContributorRegistry<AccountId, Balance> for MockRegistry {
	fn is_contributor(who: &AccountId) -> bool {
		REGISTRY.with(|registry| registry.borrow().get(who).is_some_and(|c| c.bonded))
	}

	fn reputation(who: &AccountId) -> Permill {
		REGISTRY.with(|registry| {
			registry.borrow().get(who).map_or(Permill::from_percent(50), |c| c.reputation)
		})
	}

	fn record_outcome(who: &AccountId, outcome: Outcome) {
		OUTCOMES.with(|outcomes| outcomes.borrow_mut().push((*who, outcome)));
	}

	fn slash(who: &AccountId, share: Perbill, reporter: Option<&AccountId>) -> Balance {
		let slashed = REGISTRY.with(|registry| {
			let mut registry = registry.borrow_mut();
			let Some(contributor) = registry.get_mut(who) else { return 0 };
			let slashed = share.mul_floor(contributor.bond);
			contributor.bond -= slashed;
			slashed
		});
		if let Some(reporter) = reporter {
			REPORTER_REWARDS
				.with(|rewards| *rewards.borrow_mut().entry(*reporter).or_default() += slashed / 2);
		}
		slashed
	}
}

parameter_types! {
	pub const MinPricePerMinute: Balance = MIN_PRICE;
	pub const AcceptPeriod: u64 = ACCEPT_PERIOD;
	pub const BlocksPerMinute: u64 = BLOCKS_PER_MINUTE;
	pub const ClosePeriod: u64 = CLOSE_PERIOD;
	pub const DisputeWindow: u64 = DISPUTE_WINDOW;
	pub const BurnShare: Perbill = Perbill::from_percent(10);
	pub const FraudSlash: Perbill = Perbill::from_percent(20);
	pub const MinReputablePayment: Balance = MIN_REPUTABLE;
	pub const MaxSceneChunks: u32 = 64;
	pub const MaxDeadlinesPerBlock: u32 = 2;
}

impl pallet_sessions::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Contributors = MockRegistry;
	type Signature = MockSignature;
	type MinPricePerMinute = MinPricePerMinute;
	type AcceptPeriod = AcceptPeriod;
	type BlocksPerMinute = BlocksPerMinute;
	type ClosePeriod = ClosePeriod;
	type DisputeWindow = DisputeWindow;
	type BurnShare = BurnShare;
	type FraudSlash = FraudSlash;
	type MinReputablePayment = MinReputablePayment;
	type MaxSceneChunks = MaxSceneChunks;
	type MaxDeadlinesPerBlock = MaxDeadlinesPerBlock;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// Benchmark accounts: 100 onwards, bonded in the mock registry, signing with [`sign`].
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId, MockSignature> for MockBenchmarkHelper {
	fn register_contributor(who: &AccountId) {
		bond(*who, Permill::from_percent(50));
	}

	fn signer(index: u32) -> AccountId {
		100 + AccountId::from(index)
	}

	fn sign(who: &AccountId, payload: &[u8]) -> MockSignature {
		sign(*who, payload)
	}
}

/// Bonds `who` in the mock registry.
pub fn bond(who: AccountId, reputation: Permill) {
	REGISTRY.with(|registry| {
		registry.borrow_mut().insert(who, MockContributor { bond: BOND, reputation, bonded: true })
	});
}

/// Unbonds `who`: it is no longer a contributor.
pub fn unbond(who: AccountId) {
	REGISTRY.with(|registry| {
		if let Some(contributor) = registry.borrow_mut().get_mut(&who) {
			contributor.bonded = false;
		}
	});
}

/// `who`'s bond in the mock registry.
pub fn bond_of(who: AccountId) -> Balance {
	REGISTRY.with(|registry| registry.borrow().get(&who).map_or(0, |c| c.bond))
}

/// Every outcome recorded so far.
pub fn outcomes() -> Vec<(AccountId, Outcome)> {
	OUTCOMES.with(|outcomes| outcomes.borrow().clone())
}

/// What a reporter got from slashes.
pub fn reporter_reward(who: AccountId) -> Balance {
	REPORTER_REWARDS.with(|rewards| rewards.borrow().get(&who).copied().unwrap_or(0))
}

/// What the pallet holds from `who`.
pub fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&crate::HoldReason::SessionEscrow.into(), &who)
}

/// `who`'s free balance.
pub fn free(who: AccountId) -> Balance {
	Balances::free_balance(who)
}

/// The resources every test offer has: up to 1280x720 at 60 frames per second.
pub fn resources() -> Resources {
	Resources { kernel_version: KERNEL_VERSION, max_width: 1280, max_height: 720, max_fps: 60 }
}

/// The resource hash of `who`'s test offer.
pub fn resource_hash(who: AccountId) -> Hash32 {
	Hash32::of(&(b"mock machine", who).encode())
}

/// HOST, BACKUP and DEAR bonded with offers; the player, the reporter and the contributors
/// funded; block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	REGISTRY.with(|registry| registry.borrow_mut().clear());
	OUTCOMES.with(|outcomes| outcomes.borrow_mut().clear());
	REPORTER_REWARDS.with(|rewards| rewards.borrow_mut().clear());
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let balances = vec![
		(PLAYER, PLAYER_FUNDS),
		(REPORTER, 1_000),
		(HOST, 1_000),
		(BACKUP, 1_000),
		(DEAR, 1_000),
		(STRANGER, 1_000),
	];
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		System::set_block_number(1);
		for (who, price) in [(HOST, PRICE), (BACKUP, PRICE), (DEAR, DEAR_PRICE)] {
			bond(who, Permill::from_percent(80));
			assert_ok!(Sessions::publish_offer(
				RuntimeOrigin::signed(who),
				resource_hash(who),
				resources(),
				price
			));
		}
		System::reset_events();
	});
	ext
}

/// Runs a test and checks the invariants at its end.
pub fn test(body: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		body();
		check_invariants();
	});
}

/// The pallet's invariants, plus: accounts without sessions hold nothing.
pub fn check_invariants() {
	Sessions::do_try_state().expect("the invariants hold");
	let players: Vec<AccountId> =
		crate::Sessions::<Test>::iter().map(|(_, session)| session.player).collect();
	for who in [PLAYER, REPORTER, HOST, BACKUP, DEAR, STRANGER, PAUPER] {
		if !players.contains(&who) {
			assert_eq!(held(who), 0, "{who} holds escrow without a session");
		}
	}
}

/// Runs blocks up to and including `n`, each started with the pallet's `on_initialize`,
/// checking the invariants after each.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Sessions::on_initialize(next);
		check_invariants();
	}
}

/// The world packages name: the mock's genesis hash.
pub fn world() -> Hash32 {
	Hash32(Sessions::genesis_hash().try_into().expect("a 32-byte hash"))
}

/// The package of the test scene's size: 128x64 at 30 fps for [`MINUTES`] minutes.
pub fn package() -> SessionPackage {
	SessionPackage {
		world: world(),
		width: 128,
		height: 64,
		fps: 30,
		max_minutes: MINUTES,
		max_latency_ms: 100,
	}
}

/// Opens a session of [`package`] with HOST and BACKUP for the player; returns its id.
pub fn open() -> SessionId {
	let id = crate::NextSessionId::<Test>::get();
	assert_ok!(Sessions::open_session(
		RuntimeOrigin::signed(PLAYER),
		HOST,
		Some(BACKUP),
		package(),
		PRICE
	));
	id
}

/// Opens a session with HOST and BACKUP and has HOST accept it; returns its id.
pub fn open_accepted() -> SessionId {
	let id = open();
	assert_ok!(Sessions::accept_session(RuntimeOrigin::signed(HOST), id));
	id
}

/// A receipt of the player for `contributor` in `session`, over the test frames.
pub fn receipt(session: SessionId, contributor: AccountId, served_ms: u64) -> Receipt<AccountId> {
	let frames = stream(session, contributor);
	Receipt {
		session,
		contributor,
		served_ms,
		frames: frames.frame_hashes.len() as u32,
		frame_root: frames.root,
		latency_ms: 40,
	}
}

/// The player's signature of `receipt` on this chain.
pub fn player_signs(receipt: &Receipt<AccountId>) -> MockSignature {
	sign(PLAYER, &receipt.signing_payload(&Sessions::genesis_hash()))
}

/// Settles `receipt` signed by the player, as its contributor.
pub fn settle(receipt: Receipt<AccountId>) {
	let signature = player_signs(&receipt);
	assert_ok!(Sessions::settle_receipt(
		RuntimeOrigin::signed(receipt.contributor),
		receipt.session,
		receipt,
		signature
	));
}

/// The test scene: a generated world seen from a camera, as a one-frame view of 128x64, and its
/// chunk bytes.
pub fn scene() -> &'static (RenderSpec, Vec<Vec<u8>>) {
	static SCENE: OnceLock<(RenderSpec, Vec<Vec<u8>>)> = OnceLock::new();
	SCENE.get_or_init(|| {
		let mut task = GeneratedTask::demo(11, 128, 64, 1);
		task.min_chunk = ChunkCoord::new(-2, 3, -2);
		task.max_chunk = ChunkCoord::new(1, 5, 1);
		task.build()
	})
}

/// The test view.
pub fn view() -> RenderSpec {
	scene().0.clone()
}

/// The chunk bytes of the test view, as a dispute carries them.
pub fn chunk_bytes() -> BoundedVec<ChunkBytes, MaxSceneChunks> {
	BoundedVec::truncate_from(
		scene().1.iter().map(|bytes| ChunkBytes::truncate_from(bytes.clone())).collect(),
	)
}

/// The right tile hashes of the test view, rendered once.
pub fn right_tiles() -> &'static Vec<Hash32> {
	static TILES: OnceLock<Vec<Hash32>> = OnceLock::new();
	TILES.get_or_init(|| {
		let (spec, chunks) = scene();
		let scene = Scene::from_encoded(spec, chunks).expect("a valid scene");
		let pixels = render_frame(&scene, spec, 0);
		frame_tile_hashes(&pixels.pixels, spec.width, spec.height)
	})
}

/// The tile the cheating contributor makes up.
pub const BAD_TILE: u32 = 1;
/// The frame the cheating contributor makes up (frame 2 of its stream).
pub const BAD_SEQ: u64 = 2;
/// Frames in a test stream.
pub const STREAM_FRAMES: u64 = 4;

/// A contributor's stream of [`STREAM_FRAMES`] frames of the test view, as the player received
/// and receipted them: BACKUP renders right; HOST makes up tile [`BAD_TILE`] of frame
/// [`BAD_SEQ`].
pub struct Stream {
	/// Per frame, its tile hashes.
	pub tiles: Vec<Vec<Hash32>>,
	/// Per frame, its hash.
	pub frame_hashes: Vec<Hash32>,
	/// The receipted root.
	pub root: Hash32,
}

/// The stream `contributor` sends in `session`.
pub fn stream(session: SessionId, contributor: AccountId) -> Stream {
	let view_id = view().task_id();
	let mut tiles = Vec::new();
	let mut frame_hashes = Vec::new();
	for seq in 0..STREAM_FRAMES {
		let mut frame = right_tiles().clone();
		if contributor == HOST && seq == BAD_SEQ {
			frame[BAD_TILE as usize] = Hash32::of(b"a made-up tile");
		}
		frame_hashes.push(playnet_primitives::proof::tile::frame_hash(
			&frame_id(session, seq, &view_id),
			&frame,
		));
		tiles.push(frame);
	}
	let root = merkle::merkle_root(&frame_hashes).expect("frames");
	Stream { tiles, frame_hashes, root }
}

/// The dispute of tile `tile` of frame `seq` of `contributor`'s stream in `session`, with the
/// contributor's signature of the frame.
pub fn dispute_of(
	session: SessionId,
	contributor: AccountId,
	seq: u64,
	tile: u32,
) -> FrameDispute<MockSignature> {
	let stream = stream(session, contributor);
	let frame = &stream.tiles[seq as usize];
	let proof = TileProof {
		frame: seq as u32,
		tile,
		tile_path: merkle::merkle_proof(frame, tile).expect("a tile"),
		frame_path: merkle::merkle_proof(&stream.frame_hashes, seq as u32).expect("a frame"),
	};
	let statement = frame_statement(
		&Sessions::genesis_hash(),
		session,
		seq,
		&stream.frame_hashes[seq as usize],
	);
	FrameDispute {
		seq,
		view: view(),
		contributor_signature: sign(contributor, &statement),
		claimed_tile_hash: frame[tile as usize],
		proof,
	}
}

/// The events of the sessions pallet so far.
pub fn events() -> Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Sessions(event) => Some(event),
			_ => None,
		})
		.collect()
}
