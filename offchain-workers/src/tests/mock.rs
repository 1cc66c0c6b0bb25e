//! A runtime with balances, the render pallet and the offchain worker; offchain
//! externalities whose render worker can be switched off; a keystore with one `rndr` key.

use super::switchable_offchain::SwitchableOffchain;
use crate as pallet_render_ocw;
use crate::{crypto::KEY_TYPE, SceneChunkSource};
use codec::{Decode, Encode};
use pallet_render::{Outcome, TaskIndex, WorkerRegistry};
use playnet_primitives::{
	demo::GeneratedTask, proof::tile::frame_tile_hashes, render::frame::render_frame, ChunkCoord,
	Hash32, RenderSpec, Scene, TaskResult,
};
use polkadot_sdk::{
	frame_support::{
		assert_ok, derive_impl, parameter_types,
		storage::{with_transaction, TransactionOutcome},
		traits::{Hooks, Randomness},
		weights::Weight,
	},
	frame_system::{
		self,
		offchain::{AppCrypto, CreateSignedTransaction, CreateTransactionBase, SigningTypes},
	},
	pallet_balances,
	sp_core::{
		offchain::{
			testing::{TestOffchainExt, TestTransactionPoolExt},
			OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
		},
		sr25519, H256,
	},
	sp_io,
	sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt},
	sp_runtime::{
		traits::{IdentifyAccount, IdentityLookup},
		AccountId32, BuildStorage, MultiSignature, MultiSigner, Perbill, Permill,
	},
};
use std::{
	cell::RefCell,
	collections::BTreeSet,
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc, Mutex, OnceLock,
	},
};

pub type AccountId = AccountId32;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const WORKER_URL: &str = "http://127.0.0.1:9955";
pub const FEE: Balance = 1_000;
pub const COMMIT_PERIOD: u64 = 10;
pub const REVEAL_PERIOD: u64 = 10;
pub const FRAUD_WINDOW: u64 = 20;
pub const PENDING_TX_TIMEOUT: u64 = 5;

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
	#[runtime::pallet_index(3)]
	pub type RenderOcw = pallet_render_ocw;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

parameter_types! {
	pub const ExistentialDeposit: Balance = 1;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

thread_local! {
	static WORKERS: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
}

/// Every registered worker is eligible with the same weight and full reputation.
pub struct MockRegistry;
impl WorkerRegistry<AccountId, Balance> for MockRegistry {
	fn weighted_workers() -> Vec<(AccountId, u128)> {
		WORKERS.with(|workers| workers.borrow().iter().map(|who| (who.clone(), 1)).collect())
	}
	fn reputation(_: &AccountId) -> Permill {
		Permill::one()
	}
	fn record_outcome(_: &AccountId, _: Outcome) {}
	fn slash(_: &AccountId, _: Perbill, _: Option<&AccountId>) -> Balance {
		0
	}
}

pub struct MockRandomness;
impl Randomness<H256, u64> for MockRandomness {
	fn random(subject: &[u8]) -> (H256, u64) {
		(H256(Hash32::of(subject).0), System::block_number())
	}
}

parameter_types! {
	pub const WorkersPerTask: u32 = 3;
	pub const MaxReplacements: u32 = 2;
	pub const MaxCandidates: u32 = 16;
	pub const CommitPeriod: u64 = COMMIT_PERIOD;
	pub const CommitUnitsPerBlock: u64 = 256;
	pub const MaxCommitPeriod: u64 = 1_000;
	pub const RevealPeriod: u64 = REVEAL_PERIOD;
	pub const FraudWindow: u64 = FRAUD_WINDOW;
	pub const AssignDelay: u64 = 1;
	pub const MinFee: Balance = 100;
	/// The floor passes MinFee past 20 work units.
	pub const MinFeePerUnit: Balance = 5;
	pub const BurnShare: Perbill = Perbill::from_percent(10);
	pub const BaseRewardPerUnit: Balance = 10;
	/// Below BurnShare's 10%: each slot mints at most 9% of the fee / k.
	pub const MintShare: Perbill = Perbill::from_percent(9);
	pub const MinRatePermille: u32 = 500;
	pub const MaxRatePermille: u32 = 2_000;
	pub const Slash: Perbill = Perbill::from_percent(5);
	pub const ChallengeDeposit: Balance = 50;
	pub const OptimisticFeeShare: Perbill = Perbill::from_percent(40);
	pub const MaxOptimisticFee: Balance = 10_000;
	pub const MinOptimisticFrames: u32 = 1;
	pub const AnswerPeriod: u64 = 3;
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
	type MissSlash = Slash;
	type DissentSlash = Slash;
	type FraudSlash = Slash;
	type ChallengeDeposit = ChallengeDeposit;
	type OptimisticFeeShare = OptimisticFeeShare;
	type MaxOptimisticFee = MaxOptimisticFee;
	type MinOptimisticFrames = MinOptimisticFrames;
	type AnswerPeriod = AnswerPeriod;
	type MaxChallengesPerTask = MaxChallengesPerTask;
	type MaxTilesPerFrame = MaxTilesPerFrame;
	type MaxSceneChunks = MaxSceneChunks;
	type MaxKeyframes = MaxKeyframes;
	// No world: the test scene's chunks come from `MockChunks`, and nothing is pinned.
	type Scenes = ();
	type MaxWaitingTasks = MaxWaitingTasks;
	type MaxAssignmentsPerBlock = MaxAssignmentsPerBlock;
	type DeadlineWeight = DeadlineWeight;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_render::BenchmarkHelper<AccountId> for MockBenchmarkHelper {
	fn register_worker(who: &AccountId, _weight: u128) {
		register(who.clone());
	}
}

/// A signed transaction as the mock pool sees it: the signer, its nonce, the call, and the
/// `rndr` key's signature over `(call, nonce)`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct SignedTx {
	pub signer: AccountId,
	pub nonce: u32,
	pub call: RuntimeCall,
	pub signature: MultiSignature,
}

impl polkadot_sdk::sp_runtime::traits::ExtrinsicLike for SignedTx {
	fn is_bare(&self) -> bool {
		false
	}
}

impl SigningTypes for Test {
	type Public = MultiSigner;
	type Signature = MultiSignature;
}

impl<LocalCall> CreateTransactionBase<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = SignedTx;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> CreateSignedTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	fn create_signed_transaction<C: AppCrypto<MultiSigner, MultiSignature>>(
		call: RuntimeCall,
		public: MultiSigner,
		account: AccountId,
		nonce: u32,
	) -> Option<SignedTx> {
		let signature = C::sign(&(&call, nonce).encode(), public)?;
		Some(SignedTx { signer: account, nonce, call, signature })
	}
}

/// Chunk encodings of the test scene, by content hash.
pub struct MockChunks;
impl SceneChunkSource for MockChunks {
	fn chunk_bytes(_coord: ChunkCoord, content_hash: &Hash32) -> Option<Vec<u8>> {
		scene().1.iter().find(|bytes| Hash32::of(bytes) == *content_hash).cloned()
	}
}

parameter_types! {
	pub const HttpTimeoutMillis: u64 = 2_000;
	pub const PendingTxTimeout: u64 = PENDING_TX_TIMEOUT;
	pub const AuditInterval: u64 = 1;
	pub const MaxAuditCandidates: u32 = 8;
}

impl pallet_render_ocw::Config for Test {
	type AuthorityId = crate::crypto::RenderAuthId;
	type SceneChunks = MockChunks;
	type HttpTimeoutMillis = HttpTimeoutMillis;
	type PendingTxTimeout = PendingTxTimeout;
	type AuditInterval = AuditInterval;
	type MaxAuditCandidates = MaxAuditCandidates;
}

/// A test chain with its offchain side.
pub struct Env {
	pub ext: sp_io::TestExternalities,
	offchain: TestOffchainExt,
	take_pool: Box<dyn Fn() -> Vec<Vec<u8>>>,
	down: Arc<AtomicBool>,
	statuses: Arc<Mutex<Vec<(String, String, u16)>>>,
	/// The account of the node's `rndr` key.
	pub local: AccountId,
}

/// The account of `seed`'s sr25519 key.
pub fn account_of(seed: &str) -> AccountId {
	use polkadot_sdk::sp_core::Pair;
	let public = sr25519::Pair::from_string(seed, None).expect("a valid seed").public();
	MultiSigner::from(public).into_account()
}

/// The node's `rndr` key seed, and two other workers (not on this node).
pub const LOCAL_SEED: &str = "//RenderLocal";
pub const OTHER_SEEDS: [&str; 2] = ["//RenderB", "//RenderC"];
pub const POSTER_SEED: &str = "//Poster";

pub fn register(who: AccountId) {
	WORKERS.with(|workers| workers.borrow_mut().insert(who));
}

impl Env {
	/// Block 1; three registered workers, the node's key is the first; the render worker URL
	/// set; audits off (the audit tests turn them on).
	pub fn new() -> Self {
		Self::with_workers(true)
	}

	/// As [`Env::new`], with the node's key not registered as a worker when
	/// `local_is_worker` is false (it only audits); then `//RenderD` is the third worker.
	pub fn with_workers(local_is_worker: bool) -> Self {
		WORKERS.with(|workers| workers.borrow_mut().clear());
		let mut assigned: Vec<AccountId> = OTHER_SEEDS.iter().map(|s| account_of(s)).collect();
		assigned.push(if local_is_worker {
			account_of(LOCAL_SEED)
		} else {
			account_of("//RenderD")
		});
		for who in &assigned {
			register(who.clone());
		}
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		let funded: BTreeSet<AccountId> =
			assigned.iter().cloned().chain([account_of(LOCAL_SEED)]).collect();
		let mut balances = vec![(account_of(POSTER_SEED), 1_000_000)];
		balances.extend(funded.into_iter().map(|who| (who, 1_000)));
		pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();

		let (offchain, _) = TestOffchainExt::new();
		let (pool, pool_state) = TestTransactionPoolExt::new();
		let keystore = MemoryKeystore::new();
		keystore.sr25519_generate_new(KEY_TYPE, Some(LOCAL_SEED)).unwrap();
		let down = Arc::new(AtomicBool::new(false));
		let statuses = Arc::new(Mutex::new(Vec::new()));
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.register_extension(OffchainDbExt::new(offchain.clone()));
		ext.register_extension(OffchainWorkerExt::new(SwitchableOffchain {
			inner: offchain.clone(),
			down: down.clone(),
			statuses: statuses.clone(),
			started: Default::default(),
		}));
		ext.register_extension(TransactionPoolExt::new(pool));
		ext.register_extension(KeystoreExt::new(Arc::new(keystore)));
		let take_pool = Box::new(move || std::mem::take(&mut pool_state.write().transactions));
		let mut env =
			Env { ext, offchain, take_pool, down, statuses, local: account_of(LOCAL_SEED) };
		env.ext.execute_with(|| System::set_block_number(1));
		env.set_setting(crate::RENDER_WORKER_URL_KEY, WORKER_URL);
		env.set_setting(crate::AUDIT_KEY, "off");
		env
	}

	/// Sets an operator setting as the RPC would: raw bytes.
	pub fn set_setting(&mut self, key: &[u8], value: &str) {
		self.ext.execute_with(|| {
			sp_io::offchain::local_storage_set(
				polkadot_sdk::sp_core::offchain::StorageKind::PERSISTENT,
				key,
				value.as_bytes(),
			)
		});
	}

	/// Sets the node's random seed.
	pub fn set_seed(&self, seed: [u8; 32]) {
		self.offchain.0.write().seed = seed;
	}

	/// Switches the render worker off or on.
	pub fn worker_down(&self, down: bool) {
		self.down.store(down, Ordering::SeqCst);
	}

	/// Runs the offchain worker for the current block; its state changes are thrown away, as
	/// a node does.
	pub fn run_ocw(&mut self) {
		self.ext.execute_with(|| {
			let now = System::block_number();
			with_transaction(|| {
				RenderOcw::offchain_worker(now);
				TransactionOutcome::Rollback(Ok::<(), polkadot_sdk::sp_runtime::DispatchError>(()))
			})
			.unwrap();
		});
	}

	/// Starts the next block.
	pub fn next_block(&mut self) {
		self.ext.execute_with(|| {
			let next = System::block_number() + 1;
			System::set_block_number(next);
			Render::on_initialize(next);
		});
	}

	/// Takes the transactions submitted so far, decoded.
	pub fn take_transactions(&mut self) -> Vec<SignedTx> {
		(self.take_pool)()
			.into_iter()
			.map(|bytes| SignedTx::decode(&mut bytes.as_slice()).expect("a mock transaction"))
			.collect()
	}

	/// Includes `tx` in the current block: bumps the signer's nonce and dispatches the call.
	pub fn include(&mut self, tx: &SignedTx) {
		self.ext.execute_with(|| {
			assert_eq!(System::account_nonce(&tx.signer), tx.nonce, "the nonce the chain expects");
			System::inc_account_nonce(&tx.signer);
			use polkadot_sdk::sp_runtime::traits::Dispatchable;
			assert_ok!(tx.call.clone().dispatch(RuntimeOrigin::signed(tx.signer.clone())));
		});
	}

	/// Expects one HTTP request with a JSON `response`.
	pub fn expect(&mut self, method: &str, path: &str, body: Vec<u8>, response: &str) {
		self.expect_status(method, path, body, 200, response);
	}

	/// Expects one HTTP request answered with `status` and a JSON `response`.
	pub fn expect_status(
		&mut self,
		method: &str,
		path: &str,
		body: Vec<u8>,
		status: u16,
		response: &str,
	) {
		if status != 200 {
			let uri = format!("{WORKER_URL}{path}");
			self.statuses.lock().unwrap().push((method.into(), uri, status));
		}
		let headers = if method == "POST" {
			vec![("Content-Type".into(), "application/octet-stream".into())]
		} else {
			vec![]
		};
		self.offchain.0.write().expect_request(
			polkadot_sdk::sp_core::offchain::testing::PendingRequest {
				method: method.into(),
				uri: format!("{WORKER_URL}{path}"),
				headers,
				body,
				sent: true,
				response: Some(response.as_bytes().to_vec()),
				..Default::default()
			},
		);
	}

	/// Posts the test spec and returns its index; the three workers are assigned.
	pub fn post_task(&mut self) -> TaskIndex {
		let index = self.ext.execute_with(|| {
			let index = pallet_render::NextTaskIndex::<Test>::get();
			assert_ok!(Render::post_task(
				RuntimeOrigin::signed(account_of(POSTER_SEED)),
				spec(),
				FEE
			));
			index
		});
		// The draw, `AssignDelay` (1) block later.
		self.next_block();
		index
	}

	/// The result id the chain fixed for `task` at its draw.
	pub fn result_id(&mut self, task: TaskIndex) -> Hash32 {
		self.ext.execute_with(|| {
			pallet_render::Tasks::<Test>::get(task)
				.and_then(|task| task.result_id)
				.expect("a drawn task")
		})
	}

	/// The node's job record for `task`.
	pub fn job_record(&mut self, task: TaskIndex) -> Option<crate::local_storage::JobRecord> {
		let local = self.local.clone();
		self.ext.execute_with(|| crate::local_storage::job_record(task, &local))
	}
}

/// The test scene over a generated world and its chunk encodings, built once.
pub fn scene() -> &'static (RenderSpec, Vec<Vec<u8>>) {
	static SCENE: OnceLock<(RenderSpec, Vec<Vec<u8>>)> = OnceLock::new();
	SCENE.get_or_init(|| {
		let mut task = GeneratedTask::demo(11, 128, 96, 2);
		task.min_chunk = ChunkCoord::new(-2, 3, -2);
		task.max_chunk = ChunkCoord::new(1, 5, 1);
		task.build()
	})
}

/// The test spec.
pub fn spec() -> RenderSpec {
	scene().0.clone()
}

/// The POST body the worker must send for the test spec of the task with result id `id`:
/// SCALE `(spec, chunks, Some(id))`.
pub fn job_body(id: Hash32) -> Vec<u8> {
	(spec(), scene().1.clone(), Some(id)).encode()
}

/// The job id (the result id `id`), in hex.
pub fn job_id(id: Hash32) -> String {
	id.to_string()
}

/// The tile hashes of the test spec, rendered once with the CPU reference.
fn correct_tiles() -> &'static Vec<Vec<Hash32>> {
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

/// The correct result of the test spec for the task with result id `id`.
pub fn correct_result(id: Hash32) -> TaskResult {
	TaskResult::new(id, correct_tiles().clone())
}

/// A forged result for the task with result id `id`: every tile hash made up.
pub fn forged_result(id: Hash32) -> TaskResult {
	let correct = correct_result(id);
	let tiles = correct
		.tile_hashes
		.iter()
		.enumerate()
		.map(|(frame, tiles)| {
			(0..tiles.len())
				.map(|tile| Hash32::of(format!("forged {frame} {tile}").as_bytes()))
				.collect()
		})
		.collect();
	TaskResult::new(correct.task_id, tiles)
}

/// The render worker's answer to `GET /jobs/{id}` for a finished job with `root`.
pub fn done_answer(id: Hash32, root: &Hash32) -> String {
	format!(
		r#"{{"job_id":"{id}","task_id":"{id}","status":"done","root":"{root}"}}"#,
		id = job_id(id)
	)
}

/// The render worker's answer to `GET /jobs/{id}` for a job in progress.
pub fn running_answer(id: Hash32) -> String {
	format!(
		r#"{{"job_id":"{id}","task_id":"{id}","status":"running","frames_done":1}}"#,
		id = job_id(id)
	)
}

/// The render worker's answer to `POST /jobs`.
pub fn posted_answer(id: Hash32) -> String {
	format!(r#"{{"job_id":"{}","created":true}}"#, job_id(id))
}

/// The render worker's answer to `GET /jobs/{id}/proof?frame=F&tile=T` for `result`.
pub fn proof_answer(result: &TaskResult, frame: u32, tile: u32) -> String {
	let proof = result.tile_proof(frame, tile).expect("a tile in range");
	let tile_hash = result.tile_hashes[frame as usize][tile as usize];
	let proof_hex: String = proof.encode().iter().map(|byte| format!("{byte:02x}")).collect();
	format!(
		r#"{{"job_id":"{id}","root":"{root}","frame_hash":"{frame_hash}","tile_hash":"{tile_hash}","proof":{{}},"proof_scale":"{proof_hex}"}}"#,
		id = job_id(result.task_id),
		root = result.root,
		frame_hash = result.frame_hashes[frame as usize],
	)
}

/// The render worker's answer to `GET /jobs/{id}/evidence?frame=F` for `result`.
pub fn evidence_answer(result: &TaskResult, frame: u32) -> String {
	let tile_hashes = result.tile_hashes[frame as usize].clone();
	let frame_path = playnet_primitives::proof::merkle::merkle_proof(&result.frame_hashes, frame)
		.expect("a frame in range")
		.siblings;
	let scale: String =
		(&tile_hashes, &frame_path).encode().iter().map(|byte| format!("{byte:02x}")).collect();
	let list = |hashes: &[Hash32]| {
		hashes.iter().map(|hash| format!("\"{hash}\"")).collect::<Vec<_>>().join(",")
	};
	format!(
		r#"{{"job_id":"{id}","root":"{root}","frame":{frame},"frame_hash":"{frame_hash}","tile_hashes":[{tiles}],"frame_path":[{path}],"evidence_scale":"{scale}"}}"#,
		id = job_id(result.task_id),
		root = result.root,
		frame_hash = result.frame_hashes[frame as usize],
		tiles = list(&tile_hashes),
		path = list(&frame_path),
	)
}
