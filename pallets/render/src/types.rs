//! The pallet's data: tasks and their phases, worker slots, the stored spec, the worker
//! registry and the scene source it is decoupled from staking and the world by, and the
//! commitment scheme.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
pub use playnet_primitives::world::encoding::MAX_CHUNK_BYTES;
use playnet_primitives::{CameraKeyframe, ChunkCoord, ContentHash, Hash32, RenderSpec, SceneChunk};
use polkadot_sdk::{
	frame_support::{
		traits::{ConstU32, Get},
		weights::Weight,
		BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
	},
	sp_runtime::{DispatchResult, Perbill, Permill},
};
use scale_info::TypeInfo;

/// A task's number on chain, counted from 0 in posting order. Two posts of the same spec are
/// two tasks with the same spec id.
pub type TaskIndex = u64;

pub use playnet_primitives::{commitment_of, Commitment, Outcome, Salt};

/// One chunk's canonical encoding, as a fraud proof carries it.
pub type ChunkBytes = BoundedVec<u8, ConstU32<MAX_CHUNK_BYTES>>;

/// The contributors render tasks are assigned to: bonded stake, reputation and slashing. The
/// runtime implements it over `pallet-stake`; the tests over a few storage values.
pub trait WorkerRegistry<AccountId, Balance> {
	/// The accounts that may take tasks now, each with its weight (stake x reputation, in any
	/// unit; 0 is never picked), in a deterministic order (the same on every node). The pallet
	/// reads at most `Config::MaxCandidates` of them: put the best first.
	fn weighted_workers() -> Vec<(AccountId, u128)>;

	/// `who`'s reputation, which scales its minted reward.
	fn reputation(who: &AccountId) -> Permill;

	/// Records how `who` did on a task (the registry updates its reputation).
	fn record_outcome(who: &AccountId, outcome: Outcome);

	/// Slashes `share` of `who`'s bonded stake; with a `reporter`, the registry gives it its
	/// reporter's share of the slash. Returns the amount slashed.
	fn slash(who: &AccountId, share: Perbill, reporter: Option<&AccountId>) -> Balance;
}

/// The world a task's scene comes from: it pins the chunk versions an open task names, so that
/// workers can read them at their hash until the task ends, however the chunks are edited
/// meanwhile. The runtime implements it over `pallet-world`; the tests over a small table.
pub trait SceneSource {
	/// Pins version `content_hash` of chunk `coord` for one more open task. Fails, changing
	/// nothing, unless it is the chunk's current version in the world (for a chunk nobody
	/// edited, the hash of the canonical encoding of the generated chunk).
	fn pin(coord: ChunkCoord, content_hash: ContentHash) -> DispatchResult;

	/// Releases one pin taken by [`SceneSource::pin`].
	fn unpin(coord: ChunkCoord, content_hash: ContentHash);

	/// The most one [`SceneSource::pin`] costs (checking an unedited chunk generates it).
	fn pin_weight() -> Weight;

	/// The most one [`SceneSource::unpin`] costs.
	fn unpin_weight() -> Weight;

	/// The canonical encoding of version `content_hash` of chunk `coord`, while it is pinned
	/// (or current); `None` when the source cannot produce those bytes. The spot check of an
	/// optimistic task re-renders a tile from them.
	fn chunk(coord: ChunkCoord, content_hash: ContentHash) -> Option<Vec<u8>>;

	/// The most one [`SceneSource::chunk`] costs (an unedited chunk is generated).
	fn chunk_weight() -> Weight;

	/// Every pin: chunk, version and how many times it is pinned, for the invariant checks.
	#[cfg(any(feature = "try-runtime", test))]
	fn pins() -> Vec<(ChunkCoord, ContentHash, u32)>;
}

/// No world: every scene is accepted and nothing is pinned. Only for the mocks of other
/// crates that post tasks and do not check this pallet's invariants (which expect the pins);
/// a runtime with it lets posters name chunks workers cannot find.
impl SceneSource for () {
	fn pin(_coord: ChunkCoord, _content_hash: ContentHash) -> DispatchResult {
		Ok(())
	}

	fn unpin(_coord: ChunkCoord, _content_hash: ContentHash) {}

	fn pin_weight() -> Weight {
		Weight::zero()
	}

	fn unpin_weight() -> Weight {
		Weight::zero()
	}

	fn chunk(_coord: ChunkCoord, _content_hash: ContentHash) -> Option<Vec<u8>> {
		None
	}

	fn chunk_weight() -> Weight {
		Weight::zero()
	}

	#[cfg(any(feature = "try-runtime", test))]
	fn pins() -> Vec<(ChunkCoord, ContentHash, u32)> {
		Vec::new()
	}
}

/// Sets up workers for the benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Makes `who` an eligible worker with weight `weight` (bond it, give it reputation).
	fn register_worker(who: &AccountId, weight: u128);

	/// Makes `encoded` the current version of the chunk at `coord` in the world
	/// [`Config::Scenes`] reads, so that a benchmark's scene can be posted.
	fn put_scene_chunk(coord: ChunkCoord, encoded: Vec<u8>);
}

/// Where a task is in its life. A task that ends (settled, refunded, overturned) is removed;
/// its end is in the events.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum TaskPhase {
	/// Not yet assigned: drawn at the start of the block after its deadline (posting block +
	/// `AssignDelay`), or, with fewer eligible workers than it needs then, queued in
	/// `WaitingTasks` and assigned at the start of a later block.
	Waiting,
	/// Assigned; the workers commit until the task's deadline.
	Committing,
	/// Every worker committed; they reveal until the task's deadline.
	Revealing,
	/// A majority agreed on a root; fraud proofs are accepted until the task's deadline, then
	/// the task is settled.
	Accepted,
}

/// How a task's result is verified: the poster's choice at posting, priced accordingly
/// ([`crate::Pallet::min_fee`]).
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Verification {
	/// `k` = `WorkersPerTask` workers render it; a root revealed by a strict majority is
	/// accepted, then open to challenges and fraud proofs. About `k` times the task's work.
	#[default]
	Majority,
	/// One worker renders it; once its root is accepted the chain spot-checks it: a frame and
	/// a tile drawn from randomness made after the reveal, the frame's evidence demanded from
	/// the worker and the tile re-rendered on chain when it answers. Then open to challenges
	/// and fraud proofs like any result. At most 1.2 times the task's work (see the pallet's
	/// docs), for tasks of at least `MinOptimisticFrames` frames and a fee of at most
	/// `MaxOptimisticFee`.
	Optimistic,
}

impl Verification {
	/// The workers a task verified so needs, with `k` the majority's.
	pub fn workers(self, k: u32) -> u32 {
		match self {
			Verification::Majority => k,
			Verification::Optimistic => 1,
		}
	}
}

/// The chain's spot check of an optimistic result: the frame whose evidence the worker must
/// publish, and the tile of it the runtime re-renders when it does.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct SpotCheck {
	/// The checked frame (a challenge of it is open, in the poster's name, with no deposit).
	pub frame: u32,
	/// The tile of that frame re-rendered on chain.
	pub tile: u32,
}

/// Why a task's fee went back to its poster.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum RefundReason {
	/// The revealed roots had no strict majority of the task's workers.
	NoMajority,
	/// Workers missed the commit deadline and no fresh worker could replace them (none
	/// eligible, or the task's replacements are used up).
	NoReplacement,
	/// A fraud proof overturned the accepted root.
	Fraud,
	/// Too few eligible workers at the task's draw, and the waiting queue was full.
	QueueFull,
	/// A challenge of the accepted root went unanswered: nothing backed it.
	ChallengeUnanswered,
}

/// One assigned worker and how far it got.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct WorkerSlot<AccountId> {
	/// The worker.
	pub who: AccountId,
	/// Its commitment, once it committed.
	pub commitment: Option<Commitment>,
	/// The root it revealed, once it revealed.
	pub root: Option<Hash32>,
}

/// A render task on chain.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(K, E))]
pub struct Task<AccountId, Balance, BlockNumber, K: Get<u32>, E: Get<u32>>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// Who posted it; the fee is held from this account.
	pub poster: AccountId,
	/// The fee held in escrow until the task ends.
	pub fee: Balance,
	/// `task_id` of the spec: `BLAKE3(SCALE(spec))`, as every frame hash commits to it.
	pub spec_id: Hash32,
	/// Work units: frames x tiles per frame (one unit is one 64x64 tile).
	pub work_units: u64,
	/// The block it was posted in.
	pub posted_at: BlockNumber,
	/// Its phase.
	pub phase: TaskPhase,
	/// The last block of the current phase: commits, reveals or fraud proofs are accepted up
	/// to and including it; the phase ends at the start of the next block. While waiting, the
	/// block before the draw (unused once queued in `WaitingTasks`).
	pub deadline: BlockNumber,
	/// The workers now assigned (at most `k`), in assignment order.
	pub workers: BoundedVec<WorkerSlot<AccountId>, K>,
	/// Every worker ever assigned, replaced ones included: none is assigned again.
	pub ever_assigned: BoundedVec<AccountId, E>,
	/// The accepted root, once a majority agreed.
	pub accepted_root: Option<Hash32>,
	/// Minted per signer at settlement before its reputation factor: `work_units x rate`,
	/// with the rate of the block the result was accepted in, at most `MintShare x fee / k`.
	pub reward_base: Balance,
	/// The id every frame hash of its result commits to:
	/// [`result_id`](playnet_primitives::result_id)`(spec_id, seed of the first draw)`. Fixed
	/// at the first draw, from randomness nobody knew when the task was posted; `None` before.
	pub result_id: Option<Hash32>,
	/// How its result is verified.
	pub verification: Verification,
	/// The chain's spot check of an optimistic result, once drawn (`AssignDelay` blocks after
	/// acceptance); `None` for majority tasks.
	pub spot_check: Option<SpotCheck>,
}

impl<AccountId, Balance, BlockNumber, K: Get<u32>, E: Get<u32>>
	Task<AccountId, Balance, BlockNumber, K, E>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// The slot of `who`, if it is assigned now.
	pub fn slot_of(&self, who: &AccountId) -> Option<usize> {
		self.workers.iter().position(|slot| slot.who == *who)
	}

	/// The workers it needs, with `k` the majority's.
	pub fn workers_needed(&self, k: u32) -> u32 {
		self.verification.workers(k)
	}

	/// The workers whose revealed root is the accepted one.
	pub fn signers(&self) -> Vec<AccountId> {
		match &self.accepted_root {
			Some(root) => self
				.workers
				.iter()
				.filter(|slot| slot.root.as_ref() == Some(root))
				.map(|slot| slot.who.clone())
				.collect(),
			None => Vec::new(),
		}
	}
}

/// Most siblings in a frame's path to a result root: enough for `MAX_FRAMES` (3,600) frames.
pub type MaxFramePathOf = ConstU32<16>;

/// An open challenge of one frame of an accepted result.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Challenge<AccountId, Balance, BlockNumber> {
	/// Who challenged; its deposit is held.
	pub challenger: AccountId,
	/// The deposit held from the challenger.
	pub deposit: Balance,
	/// The last block a signer may answer in.
	pub deadline: BlockNumber,
	/// The signer whose answer was taken, once one was.
	pub answered_by: Option<AccountId>,
}

/// A challenged frame's evidence, as a signer published it: every tile hash of the frame in
/// tile order, and the siblings of the frame's path to the accepted root. With it anyone
/// builds the [`TileProof`](playnet_primitives::TileProof) of any tile of the frame:
/// `tile_path = merkle_proof(tile_hashes, tile)`, `frame_path = {frame, frame_count,
/// frame_path}`.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(M))]
pub struct FrameEvidence<M: Get<u32>> {
	/// The frame's tile hashes, in tile order.
	pub tile_hashes: BoundedVec<Hash32, M>,
	/// The siblings of the frame hash's path to the result root, leaf level first.
	pub frame_path: BoundedVec<Hash32, MaxFramePathOf>,
}

/// A task as the runtime API returns it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct TaskView<AccountId, Balance, BlockNumber> {
	/// Who posted it.
	pub poster: AccountId,
	/// The fee held in escrow.
	pub fee: Balance,
	/// `task_id` of the spec.
	pub spec_id: Hash32,
	/// Work units (tiles over all frames).
	pub work_units: u64,
	/// The block it was posted in.
	pub posted_at: BlockNumber,
	/// Its phase.
	pub phase: TaskPhase,
	/// The last block of the current phase.
	pub deadline: BlockNumber,
	/// The workers now assigned and how far each got.
	pub workers: Vec<WorkerSlot<AccountId>>,
	/// The accepted root, once a majority agreed.
	pub accepted_root: Option<Hash32>,
	/// The id its result's frame hashes commit to, from the first draw on: workers render
	/// with it ([`Task::result_id`]).
	pub result_id: Option<Hash32>,
	/// The challenges of its accepted result, by frame, answered or not: a signer answers
	/// each unanswered one before its deadline.
	pub challenges: Vec<ChallengeView<AccountId, BlockNumber>>,
	/// How its result is verified: one worker (optimistic) or a majority of `k`.
	pub verification: Verification,
	/// The chain's spot check of its optimistic result, once drawn.
	pub spot_check: Option<SpotCheck>,
}

/// One challenge of an accepted result, as the runtime API returns it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ChallengeView<AccountId, BlockNumber> {
	/// The challenged frame.
	pub frame: u32,
	/// Who challenged it.
	pub challenger: AccountId,
	/// The last block a signer may answer in.
	pub deadline: BlockNumber,
	/// The signer whose answer was taken, once one was.
	pub answered_by: Option<AccountId>,
}

/// A spec as stored: the fields of [`RenderSpec`] with bounded lists. Its SCALE encoding is
/// the spec's (a bounded vector encodes as a vector), so its hash is the spec's `task_id`.
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(S, C))]
pub struct StoredSpec<S: Get<u32>, C: Get<u32>> {
	/// As [`RenderSpec::kernel_version`].
	pub kernel_version: u16,
	/// As [`RenderSpec::width`].
	pub width: u32,
	/// As [`RenderSpec::height`].
	pub height: u32,
	/// As [`RenderSpec::frame_count`].
	pub frame_count: u32,
	/// As [`RenderSpec::scene`], at most `S` chunks.
	pub scene: BoundedVec<SceneChunk, S>,
	/// As [`RenderSpec::camera_path`], at most `C` keyframes.
	pub camera_path: BoundedVec<CameraKeyframe, C>,
}

impl<S: Get<u32>, C: Get<u32>> StoredSpec<S, C> {
	/// The stored form of `spec`; `None` when its scene or camera path is past the bounds.
	pub fn bounded(spec: RenderSpec) -> Option<Self> {
		Some(StoredSpec {
			kernel_version: spec.kernel_version,
			width: spec.width,
			height: spec.height,
			frame_count: spec.frame_count,
			scene: BoundedVec::try_from(spec.scene).ok()?,
			camera_path: BoundedVec::try_from(spec.camera_path).ok()?,
		})
	}

	/// The spec itself.
	pub fn to_spec(&self) -> RenderSpec {
		RenderSpec {
			kernel_version: self.kernel_version,
			width: self.width,
			height: self.height,
			frame_count: self.frame_count,
			scene: self.scene.to_vec(),
			camera_path: self.camera_path.to_vec(),
		}
	}
}

/// Work units of a spec: tiles per frame x frames, one unit per 64x64 tile.
pub fn work_units(spec: &RenderSpec) -> u64 {
	u64::from(spec.tiles_per_frame()).saturating_mul(u64::from(spec.frame_count))
}

/// The reward rate in permille of the base rate, from demand (tasks open, this one included)
/// and supply (eligible workers): `demand x k x 1000 / max(supply, 1)` (the worker slots the
/// open tasks need per available worker), clamped to `[min, max]`.
pub fn rate_permille(demand: u32, supply: u32, k: u32, min: u32, max: u32) -> u32 {
	let wanted = u64::from(demand).saturating_mul(u64::from(k)).saturating_mul(1000);
	let pressure = wanted / u64::from(supply.max(1));
	(pressure.min(u64::from(u32::MAX)) as u32).clamp(min, max.max(min))
}

/// The share of the base reward a worker with `reputation` gets: half, plus half scaled by
/// reputation (50% at reputation 0, 100% at full reputation).
pub fn reputation_factor(reputation: Permill) -> Permill {
	Permill::from_parts(500_000u32.saturating_add(reputation.deconstruct() / 2))
}
