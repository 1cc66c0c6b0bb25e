//! Benchmarks of the render calls and of the start-of-block work, each in its worst case:
//! [`Config::MaxCandidates`] workers to draw from, the last commit or reveal (which opens
//! reveals or decides the task, with a dissenter to slash), a fraud proof whose tile is
//! the costliest to re-render: every ray runs to the kernel's step cap through water and air,
//! in the widest scene, from chunks with the longest encodings; the last challenge a task may
//! take, moving its deadline, and an answer of a whole frame's tile hashes.

use crate::{pallet::*, types::*, BalanceOf, TaskOf};
use alloc::vec::Vec;
use codec::Encode;
use playnet_primitives::{
	demo::worst_case::{costliest_tile_spec, one_tile_spec, see_through_chunk},
	proof::{
		merkle::merkle_proof,
		tile::{render_tile, tile_count, tile_rect, TILE_SIZE},
	},
	render::{
		kernel::MAX_STEPS,
		spec::{MAX_ASPECT, MAX_HEIGHT, MAX_WIDTH},
	},
	world::encoding::encode_chunk,
	CameraKeyframe, ContentHash, FrameCamera, Hash32, RenderSpec, Scene, TaskResult,
};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{
			fungible::{Inspect, Mutate},
			Get, Hooks,
		},
		BoundedVec,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor, RawOrigin},
	sp_runtime::traits::Saturating,
};

/// An account with `amount` free.
fn funded<T: Config>(name: &'static str, index: u32, amount: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::Currency::minimum_balance()
		.saturating_add(T::MinFee::get())
		.saturating_mul(amount.into());
	T::Currency::set_balance(&who, amount);
	who
}

/// Registers `count` funded workers of equal weight.
fn register_workers<T: Config>(count: u32) -> Vec<T::AccountId> {
	(0..count)
		.map(|i| {
			let who = funded::<T>("worker", i, 10);
			T::BenchmarkHelper::register_worker(&who, 1_000_000);
			who
		})
		.collect()
}

/// The poster of `spec` verified by `verification`, funded for its lowest fee many times
/// over, and that fee. Every benchmark scene is of see-through chunks: they are put in the
/// world first, so that the post finds them at their hash.
fn poster_of<T: Config>(
	spec: &RenderSpec,
	verification: Verification,
) -> (T::AccountId, BalanceOf<T>) {
	let content = encode_chunk(&see_through_chunk());
	for chunk in &spec.scene {
		assert_eq!(chunk.content_hash, ContentHash::of(&content), "a see-through scene");
		T::BenchmarkHelper::put_scene_chunk(chunk.coord, content.clone());
	}
	let fee = Pallet::<T>::min_fee(work_units(spec), verification);
	let who: T::AccountId = account("poster", 0, 0);
	let amount = T::Currency::minimum_balance().saturating_add(fee).saturating_mul(1_000u32.into());
	T::Currency::set_balance(&who, amount);
	(who, fee)
}

/// Posts `spec` with its lowest fee as a funded poster and runs its draw (assigned, or
/// queued when too few workers are eligible); returns the task and the poster.
fn posted<T: Config>(spec: RenderSpec) -> (TaskIndex, T::AccountId) {
	posted_verified::<T>(spec, Verification::Majority)
}

/// As [`posted`], for a task verified by `verification`.
fn posted_verified<T: Config>(
	spec: RenderSpec,
	verification: Verification,
) -> (TaskIndex, T::AccountId) {
	let (poster, fee) = poster_of::<T>(&spec, verification);
	let index = NextTaskIndex::<T>::get();
	Pallet::<T>::post_task_verified(
		RawOrigin::Signed(poster.clone()).into(),
		spec,
		fee,
		verification,
	)
	.expect("the spec and fee are valid");
	let task: TaskOf<T> = Tasks::<T>::get(index).expect("posted");
	let at = task.deadline.saturating_add(1u32.into());
	frame_system::Pallet::<T>::set_block_number(at);
	Pallet::<T>::draw_posted(index, task, at);
	(index, poster)
}

fn workers_of<T: Config>(index: TaskIndex) -> Vec<T::AccountId> {
	Tasks::<T>::get(index)
		.map(|task| task.workers.iter().map(|slot| slot.who.clone()).collect())
		.unwrap_or_default()
}

fn salt(i: usize) -> Salt {
	[i as u8; 32]
}

/// Every worker of `index` commits to `roots[i]`; then the first `reveals` reveal.
fn commit_and_reveal<T: Config>(index: TaskIndex, roots: &[Hash32], reveals: usize) {
	let workers = workers_of::<T>(index);
	for (i, who) in workers.iter().enumerate() {
		let root = roots[i % roots.len()];
		Pallet::<T>::commit(
			RawOrigin::Signed(who.clone()).into(),
			index,
			commitment_of(&root, &salt(i), who),
		)
		.expect("assigned and in time");
	}
	for (i, who) in workers.iter().enumerate().take(reveals) {
		Pallet::<T>::reveal(
			RawOrigin::Signed(who.clone()).into(),
			index,
			roots[i % roots.len()],
			salt(i),
		)
		.expect("matches the commitment");
	}
}

fn small_spec<T: Config>() -> RenderSpec {
	one_tile_spec(1, &encode_chunk(&see_through_chunk())).0
}

/// A `width` x `height` spec of `frames` frames over the largest scene a task may name
/// ([`Config::MaxSceneChunks`] see-through chunks), with `keyframes` keyframes (at most
/// `frames`): the longest [`Specs`] entry a call reads, for that many frames.
fn largest_scene_spec<T: Config>(
	width: u32,
	height: u32,
	frames: u32,
	keyframes: u32,
) -> RenderSpec {
	let (mut spec, _) =
		one_tile_spec(T::MaxSceneChunks::get(), &encode_chunk(&see_through_chunk()));
	spec.width = width;
	spec.height = height;
	spec.frame_count = frames.max(1);
	spec.camera_path = (0..keyframes.clamp(1, spec.frame_count))
		.map(|frame| CameraKeyframe { frame, position: [0, 0, 0], yaw: 0, pitch: 0 })
		.collect();
	spec
}

/// The pixel size of the frame of fewest tiles, at least `tiles`, that the primitives allow
/// (at most [`MAX_WIDTH`] x [`MAX_HEIGHT`], no wider or taller than [`MAX_ASPECT`] to one):
/// exactly `tiles` when they make such a grid of whole tiles, else fewer extra than the
/// grid's rows (at most 33): an answer is never measured with fewer tile hashes than `tiles`.
fn frame_of_tiles(tiles: u32) -> (u32, u32) {
	let tiles = tiles.max(1);
	let mut best = (MAX_WIDTH, MAX_HEIGHT);
	let mut fewest = u32::MAX;
	for rows in 1..=MAX_HEIGHT.div_ceil(TILE_SIZE) {
		let columns = tiles.div_ceil(rows);
		let width = columns.saturating_mul(TILE_SIZE);
		let height = rows.saturating_mul(TILE_SIZE).min(MAX_HEIGHT);
		let allowed = width <= MAX_WIDTH
			&& width <= height.saturating_mul(MAX_ASPECT)
			&& height <= width.saturating_mul(MAX_ASPECT);
		if allowed && rows.saturating_mul(columns) < fewest {
			fewest = rows.saturating_mul(columns);
			best = (width, height);
		}
	}
	best
}

/// An account with the challenge deposit and the existential deposit, twice over.
fn challenger<T: Config>(index: u32) -> T::AccountId {
	let who: T::AccountId = account("challenger", index, 0);
	let amount = T::Currency::minimum_balance()
		.saturating_add(T::ChallengeDeposit::get())
		.saturating_mul(2u32.into());
	T::Currency::set_balance(&who, amount);
	who
}

fn now<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn post_task(
		s: Linear<1, { T::MaxSceneChunks::get() }>,
		c: Linear<3, { T::MaxCandidates::get() }>,
	) {
		register_workers::<T>(c.max(T::WorkersPerTask::get()));
		let (spec, _) = one_tile_spec(s, &encode_chunk(&see_through_chunk()));
		let (poster, fee) = poster_of::<T>(&spec, Verification::Majority);

		#[extrinsic_call]
		_(RawOrigin::Signed(poster), spec, fee);

		assert_eq!(Tasks::<T>::get(0).map(|task| task.phase), Some(TaskPhase::Waiting));
	}

	#[benchmark]
	fn commit() {
		register_workers::<T>(T::MaxCandidates::get());
		let (index, _) = posted::<T>(small_spec::<T>());
		let workers = workers_of::<T>(index);
		let root = Hash32::of(b"root");
		let last = workers.len().saturating_sub(1);
		for (i, who) in workers.iter().enumerate().take(last) {
			Pallet::<T>::commit(
				RawOrigin::Signed(who.clone()).into(),
				index,
				commitment_of(&root, &salt(i), who),
			)
			.expect("assigned and in time");
		}
		let who = workers[last].clone();
		let commitment = commitment_of(&root, &salt(last), &who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), index, commitment);

		assert_eq!(Tasks::<T>::get(index).map(|task| task.phase), Some(TaskPhase::Revealing));
	}

	#[benchmark]
	fn reveal() {
		register_workers::<T>(T::MaxCandidates::get());
		let (index, _) = posted::<T>(small_spec::<T>());
		let workers = workers_of::<T>(index);
		let (root, dissent) = (Hash32::of(b"root"), Hash32::of(b"dissent"));
		// The first worker dissents; the last reveal decides.
		let mut roots = alloc::vec![root; workers.len()];
		roots[0] = dissent;
		let last = workers.len().saturating_sub(1);
		commit_and_reveal::<T>(index, &roots, last);
		let who = workers[last].clone();

		#[extrinsic_call]
		_(RawOrigin::Signed(who), index, root, salt(last));

		assert_eq!(Tasks::<T>::get(index).map(|task| task.phase), Some(TaskPhase::Accepted));
	}

	#[benchmark]
	fn report_fraud(s: Linear<2, { T::MaxSceneChunks::get() }>) {
		register_workers::<T>(T::MaxCandidates::get());
		let content = encode_chunk(&see_through_chunk());
		let (spec, chunks) = costliest_tile_spec(s, &content);
		let scene = Scene::from_encoded(&spec, &chunks).expect("the chunks match the spec");
		let camera = FrameCamera::at_frame(&spec.camera_path, 0, spec.width, spec.height);
		let rect = tile_rect(spec.width, spec.height, 0).expect("a tile");
		let (_, steps) = render_tile(&scene, &camera, rect);
		assert!(
			steps * 1000 >= 999 * u64::from(MAX_STEPS) * 4096,
			"{steps} steps is not the worst case"
		);
		// The workers agree on a root whose tile hashes are made up.
		let tiles = tile_count(spec.width, spec.height) as usize;
		let (index, _) = posted::<T>(spec);
		let result_id = Tasks::<T>::get(index).and_then(|task| task.result_id).expect("drawn");
		let fake = TaskResult::new(result_id, alloc::vec![alloc::vec![Hash32::default(); tiles]]);
		let k = T::WorkersPerTask::get() as usize;
		commit_and_reveal::<T>(index, &[fake.root], k);
		let proof = fake.tile_proof(0, 0).expect("tile 0");
		let chunks = BoundedVec::truncate_from(
			chunks.into_iter().map(ChunkBytes::truncate_from).collect::<Vec<_>>(),
		);
		let reporter = funded::<T>("reporter", 0, 10);

		#[extrinsic_call]
		_(RawOrigin::Signed(reporter), index, proof, Hash32::default(), chunks);

		assert!(Tasks::<T>::get(index).is_none());
	}

	#[benchmark]
	fn expire_commits(c: Linear<3, { T::MaxCandidates::get() }>) {
		let k = T::WorkersPerTask::get();
		register_workers::<T>(c.max(k));
		let (index, _) = posted::<T>(small_spec::<T>());
		// One worker missed (every draw of a replacement costs the same walk over the
		// candidates; more missing only repeats the slash).
		let workers = workers_of::<T>(index);
		let root = Hash32::of(b"root");
		for (i, who) in workers.iter().enumerate().skip(1) {
			Pallet::<T>::commit(
				RawOrigin::Signed(who.clone()).into(),
				index,
				commitment_of(&root, &salt(i), who),
			)
			.expect("assigned and in time");
		}
		let task: TaskOf<T> = Tasks::<T>::get(index).expect("posted");
		let at = task.deadline.saturating_add(1u32.into());
		frame_system::Pallet::<T>::set_block_number(at);

		#[block]
		{
			Pallet::<T>::expire_commits(index, task, at);
		}

		assert!(Tasks::<T>::get(index).is_none() || workers_of::<T>(index) != workers);
	}

	#[benchmark]
	fn expire_reveals() {
		register_workers::<T>(T::MaxCandidates::get());
		let (index, _) = posted::<T>(small_spec::<T>());
		let k = T::WorkersPerTask::get() as usize;
		let root = Hash32::of(b"root");
		// All but one revealed the same root: a missed worker to slash, then the decision.
		commit_and_reveal::<T>(index, &[root], k.saturating_sub(1));
		let at = Tasks::<T>::get(index).expect("posted").deadline.saturating_add(1u32.into());
		frame_system::Pallet::<T>::set_block_number(at);

		#[block]
		{
			Pallet::<T>::on_initialize(at);
		}

		assert_eq!(Tasks::<T>::get(index).map(|task| task.phase), Some(TaskPhase::Accepted));
	}

	#[benchmark]
	fn settle() {
		register_workers::<T>(T::MaxCandidates::get());
		let (index, _) = posted::<T>(small_spec::<T>());
		let k = T::WorkersPerTask::get() as usize;
		commit_and_reveal::<T>(index, &[Hash32::of(b"root")], k);
		let task: TaskOf<T> = Tasks::<T>::get(index).expect("accepted");

		#[block]
		{
			Pallet::<T>::settle(index, task);
		}

		assert!(Tasks::<T>::get(index).is_none());
	}

	#[benchmark]
	fn assign_waiting(c: Linear<3, { T::MaxCandidates::get() }>) {
		// Drawn with nobody eligible, so it waits; then `c` workers bond.
		let (index, _) = posted::<T>(small_spec::<T>());
		register_workers::<T>(c.max(T::WorkersPerTask::get()));
		let at = now::<T>().saturating_add(1u32.into());

		#[block]
		{
			Pallet::<T>::assign_waiting(at);
		}

		assert_eq!(Tasks::<T>::get(index).map(|task| task.phase), Some(TaskPhase::Committing));
	}

	#[benchmark]
	fn on_initialize_idle() {
		let at = now::<T>().saturating_add(1u32.into());

		#[block]
		{
			Pallet::<T>::on_initialize(at);
		}

		assert!(Deadlines::<T>::iter_prefix(at).next().is_none());
	}

	#[benchmark]
	fn challenge() {
		register_workers::<T>(T::WorkersPerTask::get());
		let max = T::MaxChallengesPerTask::get();
		let keyframes = T::MaxKeyframes::get();
		let (index, _) = posted::<T>(largest_scene_spec::<T>(
			TILE_SIZE,
			TILE_SIZE,
			max.max(keyframes),
			keyframes,
		));
		let k = T::WorkersPerTask::get() as usize;
		commit_and_reveal::<T>(index, &[Hash32::of(b"root")], k);
		// Every other challenge the task may take is open (counting them is the walk), since
		// the acceptance's block.
		for frame in 1..max {
			Pallet::<T>::challenge(RawOrigin::Signed(challenger::<T>(frame)).into(), index, frame)
				.expect("room for one more challenge");
		}
		// The last block of the fraud window: the answer period runs past it, so the task's
		// deadline moves.
		let deadline = Tasks::<T>::get(index).expect("accepted").deadline;
		frame_system::Pallet::<T>::set_block_number(deadline);
		let who = challenger::<T>(0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), index, 0);

		assert!(Challenges::<T>::contains_key(index, 0));
		assert!(Tasks::<T>::get(index).is_some_and(|task| task.deadline > deadline));
	}

	#[benchmark]
	fn answer_challenge(t: Linear<1, { T::MaxTilesPerFrame::get() }>) {
		register_workers::<T>(T::WorkersPerTask::get());
		let (width, height) = frame_of_tiles(t);
		let frames = 2;
		let (index, _) = posted::<T>(largest_scene_spec::<T>(width, height, frames, 1));
		// The workers agree on a root whose tile hashes are made up, and consistent: every
		// frame has its path to it.
		let result_id = Tasks::<T>::get(index).and_then(|task| task.result_id).expect("drawn");
		let tiles = tile_count(width, height);
		let tile_hashes = (0..frames)
			.map(|frame| (0..tiles).map(|tile| Hash32::of(&(frame, tile).encode())).collect())
			.collect();
		let result = TaskResult::new(result_id, tile_hashes);
		let k = T::WorkersPerTask::get() as usize;
		commit_and_reveal::<T>(index, &[result.root], k);
		// Not an optimistic result's spot check: nothing is rendered on chain.
		let frame = frames - 1;
		Pallet::<T>::challenge(RawOrigin::Signed(challenger::<T>(0)).into(), index, frame)
			.expect("an accepted frame");
		let path = merkle_proof(&result.frame_hashes, frame).expect("a frame of the result");
		let tile_hashes = BoundedVec::try_from(result.tile_hashes[frame as usize].clone())
			.expect("at most MaxTilesPerFrame tiles");
		let frame_path = BoundedVec::try_from(path.siblings).expect("a path of a few frames");
		let signer = workers_of::<T>(index).last().cloned().expect("k signers");

		#[extrinsic_call]
		_(RawOrigin::Signed(signer.clone()), index, frame, tile_hashes, frame_path);

		assert!(Evidence::<T>::contains_key(index, frame));
		assert_eq!(
			Challenges::<T>::get(index, frame).and_then(|open| open.answered_by),
			Some(signer)
		);
	}

	#[benchmark]
	fn draw_spot_check() {
		register_workers::<T>(T::WorkersPerTask::get());
		let keyframes = T::MaxKeyframes::get();
		let frames = T::MinOptimisticFrames::get().max(keyframes);
		let spec = largest_scene_spec::<T>(TILE_SIZE, TILE_SIZE, frames, keyframes);
		let (index, _) = posted_verified::<T>(spec, Verification::Optimistic);
		// Its one worker revealed: accepted, the spot check drawn at the deadline.
		commit_and_reveal::<T>(index, &[Hash32::of(b"root")], 1);
		let task: TaskOf<T> = Tasks::<T>::get(index).expect("accepted");
		assert!(task.phase == TaskPhase::Accepted && task.spot_check.is_none());
		let at = task.deadline.saturating_add(1u32.into());
		frame_system::Pallet::<T>::set_block_number(at);

		#[block]
		{
			Pallet::<T>::draw_spot_check(index, task, at);
		}

		assert!(Tasks::<T>::get(index).is_some_and(|task| task.spot_check.is_some()));
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::tests::mock::new_test_ext_without_workers(),
		crate::tests::mock::Test
	);
}
