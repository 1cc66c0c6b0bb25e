//! Benchmarks of the world's calls, of its end-of-block work and of the pins the render
//! pallet takes, each in its worst case: the largest chunk encoding, a full change log, a
//! claimed region with a full editor list, a nearly full queue, and the slowest chunk to
//! generate.

use crate::{pallet::*, types::*, ChangeLogOf};
use alloc::vec::Vec;
use playnet_primitives::{
	world::{blocks::STONE, encoding::encode_chunk},
	BlockEdit, Chunk, ChunkCoord, ContentHash,
};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::{
		traits::{
			fungible::{Inspect, Mutate},
			Get, Hooks, UnixTime,
		},
		BoundedVec,
	},
	frame_system::{self, RawOrigin},
	sp_runtime::traits::{Saturating, StaticLookup, Zero},
};

/// A chunk in which every block differs from the next and all 16 known ids appear: its
/// canonical encoding is the longest there is ([`MAX_CHUNK_BYTES`]).
fn largest_chunk() -> Chunk {
	let blocks = (0..4096u32).map(|i| (i % 16) as u16).collect();
	Chunk::from_blocks(blocks).unwrap_or_default()
}

/// An account with enough to claim a few regions and fill the queue with submissions, each
/// holding the queued chunk deposit.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	let amount = T::RegionDeposit::get()
		.saturating_add(T::Currency::minimum_balance())
		.saturating_mul(4u32.into())
		.saturating_add(
			Pallet::<T>::queued_deposit()
				.saturating_mul(T::MaxPendingSubmissions::get().saturating_add(1).into()),
		);
	T::Currency::set_balance(&who, amount);
	who
}

/// Claims `coord`'s region for a new owner with a full editor list that ends with `editor`.
fn claim_with_full_editor_list<T: Config>(coord: &ChunkCoord, editor: &T::AccountId) {
	let owner = funded::<T>("owner", 0);
	let region = RegionCoord::of(coord);
	Pallet::<T>::claim_region(RawOrigin::Signed(owner.clone()).into(), region)
		.expect("the owner can afford the claim");
	let others = T::MaxEditorsPerRegion::get().saturating_sub(1);
	let editors = (0..others).map(|i| account::<T::AccountId>("editor", i, 0));
	for editor in editors.chain(core::iter::once(editor.clone())) {
		Pallet::<T>::allow_editor(
			RawOrigin::Signed(owner.clone()).into(),
			region,
			T::Lookup::unlookup(editor),
		)
		.expect("the list has room");
	}
}

/// Stores the largest chunk at `coord` at `version`, with a full change log of blocks last
/// changed at `version - 1`.
fn store_largest_chunk<T: Config>(coord: ChunkCoord, version: ChunkVersion) {
	let bytes = encode_chunk(&largest_chunk());
	Chunks::<T>::insert(
		coord,
		ChunkRecord {
			version,
			content_hash: ContentHash::of(&bytes),
			author: None,
			updated_at: Zero::zero(),
		},
	);
	EncodedChunks::<T>::insert(coord, ChunkBytes::truncate_from(bytes));
	let mut log = ChangeLogOf::<T>::default();
	let tracked = T::MaxTrackedChanges::get().min(4096);
	log.record((0..tracked).map(|i| (4095 - i) as u16), version.saturating_sub(1));
	ChangeLogs::<T>::insert(coord, log);
}

/// `count` edits of distinct blocks.
fn edits<T: Config>(count: u32) -> BoundedVec<BlockEdit, T::MaxEditsPerCall> {
	let edits: Vec<BlockEdit> = (0..count)
		.map(|i| BlockEdit {
			x: (i % 16) as u8,
			z: ((i / 16) % 16) as u8,
			y: ((i / 256) % 16) as u8,
			block: STONE,
		})
		.collect();
	BoundedVec::truncate_from(edits)
}

/// The chain's clock in the benchmarks that submit edits (2026-11-23, in milliseconds since
/// the Unix epoch). A benchmark starts from genesis, where the clock is unset.
const BENCHMARK_TIME: u64 = 1_795_392_000_000;

/// Sets the chain's clock, which `apply_edits` checks client timestamps against.
fn start_clock<T: Config>() {
	T::BenchmarkHelper::set_chain_time(BENCHMARK_TIME);
}

/// The chain's clock, as a client would send it.
fn chain_millis<T: Config>() -> u64 {
	u64::try_from(T::UnixTime::now().as_millis()).unwrap_or(u64::MAX)
}

/// Fills the queue with one-edit submissions to other chunks, leaving room for `room` more.
fn fill_queue<T: Config>(room: u32) {
	let others = T::MaxPendingSubmissions::get().saturating_sub(room);
	let who = funded::<T>("queuer", 0);
	for i in 0..others {
		// Distinct chunks inside the world, away from the benchmarked ones.
		let coord = ChunkCoord::new(-1 - (i % 1_000) as i32, (i / 1_000 % 20) as i32 - 4, 1_000);
		Pallet::<T>::apply_edits(
			RawOrigin::Signed(who.clone()).into(),
			coord,
			0,
			edits::<T>(1),
			chain_millis::<T>(),
		)
		.expect("the queue has room");
	}
}

/// Queues one submission of `e` edits by `who`, made on `base`.
fn queue<T: Config>(who: &T::AccountId, coord: ChunkCoord, base: ChunkVersion, e: u32) {
	Pallet::<T>::apply_edits(
		RawOrigin::Signed(who.clone()).into(),
		coord,
		base,
		edits::<T>(e),
		chain_millis::<T>(),
	)
	.expect("the submission is valid");
}

/// Generating this chunk evaluates the cave noise at every block: the slowest to generate.
const DEEP_CHUNK: ChunkCoord = ChunkCoord::new(3, 1, -2);
/// A chunk for the stored cases.
const STORED_CHUNK: ChunkCoord = ChunkCoord::new(5, 4, 7);

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn apply_edits(e: Linear<1, { T::MaxEditsPerCall::get() }>) {
		start_clock::<T>();
		let caller = funded::<T>("caller", 0);
		claim_with_full_editor_list::<T>(&STORED_CHUNK, &caller);
		store_largest_chunk::<T>(STORED_CHUNK, 2);
		fill_queue::<T>(1);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), STORED_CHUNK, 1, edits::<T>(e), chain_millis::<T>());

		assert_eq!(PendingCount::<T>::get(), T::MaxPendingSubmissions::get());
	}

	#[benchmark]
	fn finalize_generated_chunk(e: Linear<1, { T::MaxEditsPerCall::get() }>) {
		start_clock::<T>();
		let caller = funded::<T>("caller", 0);
		claim_with_full_editor_list::<T>(&DEEP_CHUNK, &caller);
		queue::<T>(&caller, DEEP_CHUNK, 0, e);
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::on_finalize(now);
		}

		assert_eq!(Chunks::<T>::get(DEEP_CHUNK).map(|record| record.version), Some(1));
	}

	#[benchmark]
	fn finalize_stored_chunk(e: Linear<1, { T::MaxEditsPerCall::get() }>) {
		start_clock::<T>();
		let caller = funded::<T>("caller", 0);
		claim_with_full_editor_list::<T>(&STORED_CHUNK, &caller);
		store_largest_chunk::<T>(STORED_CHUNK, 2);
		queue::<T>(&caller, STORED_CHUNK, 1, e);
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::on_finalize(now);
		}

		assert_eq!(Chunks::<T>::get(STORED_CHUNK).map(|record| record.version), Some(3));
	}

	#[benchmark]
	fn finalize_submissions(s: Linear<1, { T::MaxPendingSubmissions::get() }>) {
		start_clock::<T>();
		let caller = funded::<T>("caller", 0);
		store_largest_chunk::<T>(STORED_CHUNK, 2);
		// One account, so that no submission races another and every one applies.
		let max = T::MaxEditsPerCall::get();
		for i in 0..s {
			let edits: Vec<BlockEdit> = (0..max)
				.map(|j| {
					let index = i.saturating_mul(max).saturating_add(j) % 4096;
					BlockEdit {
						x: (index % 16) as u8,
						z: ((index / 16) % 16) as u8,
						y: (index / 256) as u8,
						block: STONE,
					}
				})
				.collect();
			Pallet::<T>::apply_edits(
				RawOrigin::Signed(caller.clone()).into(),
				STORED_CHUNK,
				1,
				BoundedVec::truncate_from(edits),
				chain_millis::<T>(),
			)
			.expect("the submission is valid");
		}
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::on_finalize(now);
		}

		assert_eq!(Chunks::<T>::get(STORED_CHUNK).map(|record| record.version), Some(3));
	}

	#[benchmark]
	fn on_finalize_idle() {
		let now = frame_system::Pallet::<T>::block_number();

		#[block]
		{
			Pallet::<T>::on_finalize(now);
		}

		assert!(PendingChunks::<T>::get().is_empty());
	}

	#[benchmark]
	fn replace_chunk() {
		let owner = funded::<T>("owner", 0);
		Pallet::<T>::claim_region(
			RawOrigin::Signed(owner.clone()).into(),
			RegionCoord::of(&STORED_CHUNK),
		)
		.expect("the owner can afford the claim");
		store_largest_chunk::<T>(STORED_CHUNK, 2);
		let mut chunk = largest_chunk();
		chunk.set(0, 0, 0, STONE);
		let bytes = ChunkBytes::truncate_from(encode_chunk(&chunk));

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), STORED_CHUNK, bytes);

		assert_eq!(Chunks::<T>::get(STORED_CHUNK).map(|record| record.version), Some(3));
	}

	#[benchmark]
	fn claim_region() {
		let caller = funded::<T>("caller", 0);
		let region = RegionCoord::new(1, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), region);

		assert_eq!(Claims::<T>::get(region).map(|claim| claim.owner), Some(caller));
	}

	#[benchmark]
	fn release_region() {
		let caller = funded::<T>("caller", 0);
		claim_with_full_editor_list::<T>(&STORED_CHUNK, &caller);
		let region = RegionCoord::of(&STORED_CHUNK);
		let owner = Claims::<T>::get(region).map(|claim| claim.owner).expect("claimed");

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), region);

		assert!(Claims::<T>::get(region).is_none());
	}

	#[benchmark]
	fn allow_editor() {
		let owner = funded::<T>("owner", 0);
		let region = RegionCoord::of(&STORED_CHUNK);
		Pallet::<T>::claim_region(RawOrigin::Signed(owner.clone()).into(), region)
			.expect("the owner can afford the claim");
		for i in 0..T::MaxEditorsPerRegion::get().saturating_sub(1) {
			Pallet::<T>::allow_editor(
				RawOrigin::Signed(owner.clone()).into(),
				region,
				T::Lookup::unlookup(account("editor", i, 0)),
			)
			.expect("the list has room");
		}
		let editor: T::AccountId = account("last", 0, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), region, T::Lookup::unlookup(editor.clone()));

		assert!(Claims::<T>::get(region).is_some_and(|claim| claim.editors.contains(&editor)));
	}

	#[benchmark]
	fn disallow_editor() {
		let caller = funded::<T>("caller", 0);
		claim_with_full_editor_list::<T>(&STORED_CHUNK, &caller);
		let region = RegionCoord::of(&STORED_CHUNK);
		let owner = Claims::<T>::get(region).map(|claim| claim.owner).expect("claimed");

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), region, T::Lookup::unlookup(caller.clone()));

		assert!(Claims::<T>::get(region).is_some_and(|claim| !claim.editors.contains(&caller)));
	}

	#[benchmark]
	fn pin_version() {
		// Unedited and not pinned yet: the version is checked against the generated chunk.
		let generated = Pallet::<T>::generated_hash(&DEEP_CHUNK);
		let pinned;

		#[block]
		{
			pinned = Pallet::<T>::pin_version(DEEP_CHUNK, generated);
		}

		assert!(pinned.is_ok());
		assert_eq!(Pins::<T>::get(DEEP_CHUNK, generated), 1);
	}

	#[benchmark]
	fn unpin_version() {
		// The only pin of an edited version the chunk has moved on from: its kept copy goes
		// with it.
		store_largest_chunk::<T>(STORED_CHUNK, 2);
		let old = Chunks::<T>::get(STORED_CHUNK).map(|record| record.content_hash).expect("stored");
		Pallet::<T>::pin_version(STORED_CHUNK, old).expect("the current version");
		let mut chunk = largest_chunk();
		chunk.set(0, 0, 0, STONE);
		let bytes = ChunkBytes::truncate_from(encode_chunk(&chunk));
		Pallet::<T>::do_replace_chunk(None, STORED_CHUNK, bytes)
			.expect("a canonical chunk of known blocks");
		assert!(PinnedVersions::<T>::contains_key(STORED_CHUNK, old));

		#[block]
		{
			Pallet::<T>::unpin_version(STORED_CHUNK, old);
		}

		assert_eq!(Pins::<T>::get(STORED_CHUNK, old), 0);
		assert!(!PinnedVersions::<T>::contains_key(STORED_CHUNK, old));
	}

	#[benchmark]
	fn chunk_at() {
		// The generated version of an edited chunk: its record is read, no kept copy is
		// found, and the slowest chunk to generate is made, encoded and hashed.
		store_largest_chunk::<T>(DEEP_CHUNK, 2);
		let generated = Pallet::<T>::generated_hash(&DEEP_CHUNK);
		let bytes;

		#[block]
		{
			bytes = Pallet::<T>::chunk_at(DEEP_CHUNK, generated);
		}

		assert_eq!(bytes.map(|bytes| ContentHash::of(&bytes)), Some(generated));
	}

	#[benchmark]
	fn keep_pinned_version() {
		// A new version of a stored chunk whose current version (the largest encoding) a task
		// pins, and whose new version is pinned and kept too: the old bytes are copied and the
		// new copy is dropped, both pins read.
		store_largest_chunk::<T>(STORED_CHUNK, 2);
		let old = Chunks::<T>::get(STORED_CHUNK).map(|record| record.content_hash).expect("stored");
		Pallet::<T>::pin_version(STORED_CHUNK, old).expect("the current version");
		let mut chunk = largest_chunk();
		chunk.set(0, 0, 0, STONE);
		let bytes = encode_chunk(&chunk);
		let new = ContentHash::of(&bytes);
		Pins::<T>::insert(STORED_CHUNK, new, 1);
		PinnedVersions::<T>::insert(STORED_CHUNK, new, ChunkBytes::truncate_from(bytes));

		#[block]
		{
			Pallet::<T>::keep_pinned_version(STORED_CHUNK, new);
		}

		assert!(PinnedVersions::<T>::contains_key(STORED_CHUNK, old));
		assert!(!PinnedVersions::<T>::contains_key(STORED_CHUNK, new));
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::tests::mock::new_test_ext(),
		crate::tests::mock::Test
	);
}
