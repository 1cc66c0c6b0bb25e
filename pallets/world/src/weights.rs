//! Weights for `pallet_world`
//!
//! PRE-BENCHMARK ESTIMATES, written in the generated format. They are not the output of the
//! benchmark CLI (the node's `benchmark pallet` was not available yet). Each execution time
//! is the slowest native time measured for the benchmark's worst case (same setup as
//! `benchmarking.rs`; see `tests/measure.rs`, run with
//! `cargo test --release -p pallet-world -- --ignored --nocapture measure`), times 3 for
//! compiled Wasm and margin, rounded up; storage reads and writes are counted from the code
//! and priced by `T::DbWeight`; proof sizes are the `MaxEncodedLen` bounds of what is read.
//! Replace this file with the CLI's output once the node can run it:
//!
//! `playnet-node benchmark pallet --runtime <wasm> --pallet pallet_world --extrinsic '*'
//! --steps 50 --repeat 20 --output pallets/world/src/weights.rs --template <template>`

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use polkadot_sdk::frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_world`.
pub trait WeightInfo {
	fn apply_edits(e: u32, ) -> Weight;
	fn finalize_generated_chunk(e: u32, ) -> Weight;
	fn finalize_stored_chunk(e: u32, ) -> Weight;
	fn finalize_submissions(s: u32, ) -> Weight;
	fn on_finalize_idle() -> Weight;
	fn replace_chunk() -> Weight;
	fn claim_region() -> Weight;
	fn release_region() -> Weight;
	fn allow_editor() -> Weight;
	fn disallow_editor() -> Weight;
}

/// Weights for `pallet_world` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Timestamp::Now` (r:1 w:0)
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::Chunks` (r:1 w:0)
	/// Storage: `World::ChangeLogs` (r:1 w:0)
	/// Storage: `World::PendingCount` (r:1 w:1)
	/// Storage: `World::Pending` (r:1 w:1)
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// The range of component `e` is `[1, MaxEditsPerCall]`.
	fn apply_edits(e: u32, ) -> Weight {
		Weight::from_parts(APPLY_EDITS_BASE, 4_000)
			.saturating_add(Weight::from_parts(APPLY_EDITS_PER_EDIT, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::PendingCount` (r:0 w:1)
	/// Storage: `World::Pending` (r:1 w:1)
	/// Storage: `World::Chunks` (r:1 w:1)
	/// Storage: `World::ChangeLogs` (r:1 w:1)
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::EncodedChunks` (r:1 w:1)
	/// Storage: `World::WorldSeed` (r:1 w:0)
	/// The range of component `e` is `[1, MaxEditsPerCall]`.
	fn finalize_generated_chunk(e: u32, ) -> Weight {
		Weight::from_parts(FINALIZE_GENERATED_BASE, 4_000)
			.saturating_add(Weight::from_parts(FINALIZE_PER_EDIT, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(7_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::PendingCount` (r:0 w:1)
	/// Storage: `World::Pending` (r:1 w:1)
	/// Storage: `World::Chunks` (r:1 w:1)
	/// Storage: `World::ChangeLogs` (r:1 w:1)
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::EncodedChunks` (r:1 w:1)
	/// The range of component `e` is `[1, MaxEditsPerCall]`.
	fn finalize_stored_chunk(e: u32, ) -> Weight {
		Weight::from_parts(FINALIZE_STORED_BASE, 12_500)
			.saturating_add(Weight::from_parts(FINALIZE_PER_EDIT, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::PendingCount` (r:0 w:1)
	/// Storage: `World::Pending` (r:1 w:1)
	/// Storage: `World::Chunks` (r:1 w:1)
	/// Storage: `World::ChangeLogs` (r:1 w:1)
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::EncodedChunks` (r:1 w:1)
	/// The range of component `s` is `[1, MaxPendingSubmissions]`.
	fn finalize_submissions(s: u32, ) -> Weight {
		Weight::from_parts(FINALIZE_STORED_BASE, 12_500)
			.saturating_add(Weight::from_parts(FINALIZE_PER_SUBMISSION, 0).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::PendingCount` (r:0 w:1)
	fn on_finalize_idle() -> Weight {
		Weight::from_parts(ON_FINALIZE_IDLE, 1_500)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::Chunks` (r:1 w:1)
	/// Storage: `World::ChangeLogs` (r:1 w:1)
	/// Storage: `World::EncodedChunks` (r:0 w:1)
	fn replace_chunk() -> Weight {
		Weight::from_parts(REPLACE_CHUNK, 4_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `World::Claims` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn claim_region() -> Weight {
		Weight::from_parts(CLAIM_REGION, 4_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `World::Claims` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn release_region() -> Weight {
		Weight::from_parts(RELEASE_REGION, 4_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `World::Claims` (r:1 w:1)
	fn allow_editor() -> Weight {
		Weight::from_parts(ALLOW_EDITOR, 2_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `World::Claims` (r:1 w:1)
	fn disallow_editor() -> Weight {
		Weight::from_parts(DISALLOW_EDITOR, 2_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn apply_edits(e: u32, ) -> Weight {
		Weight::from_parts(APPLY_EDITS_BASE, 4_000)
			.saturating_add(Weight::from_parts(APPLY_EDITS_PER_EDIT, 0).saturating_mul(e.into()))
			.saturating_add(RocksDbWeight::get().reads(7_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn finalize_generated_chunk(e: u32, ) -> Weight {
		Weight::from_parts(FINALIZE_GENERATED_BASE, 4_000)
			.saturating_add(Weight::from_parts(FINALIZE_PER_EDIT, 0).saturating_mul(e.into()))
			.saturating_add(RocksDbWeight::get().reads(7_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn finalize_stored_chunk(e: u32, ) -> Weight {
		Weight::from_parts(FINALIZE_STORED_BASE, 12_500)
			.saturating_add(Weight::from_parts(FINALIZE_PER_EDIT, 0).saturating_mul(e.into()))
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn finalize_submissions(s: u32, ) -> Weight {
		Weight::from_parts(FINALIZE_STORED_BASE, 12_500)
			.saturating_add(Weight::from_parts(FINALIZE_PER_SUBMISSION, 0).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	fn on_finalize_idle() -> Weight {
		Weight::from_parts(ON_FINALIZE_IDLE, 1_500)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn replace_chunk() -> Weight {
		Weight::from_parts(REPLACE_CHUNK, 4_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn claim_region() -> Weight {
		Weight::from_parts(CLAIM_REGION, 4_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn release_region() -> Weight {
		Weight::from_parts(RELEASE_REGION, 4_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn allow_editor() -> Weight {
		Weight::from_parts(ALLOW_EDITOR, 2_000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn disallow_editor() -> Weight {
		Weight::from_parts(DISALLOW_EDITOR, 2_000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
}

// Execution times in picoseconds (see the header for how they were estimated).
const APPLY_EDITS_BASE: u64 = 100_000_000;
const APPLY_EDITS_PER_EDIT: u64 = 1_000_000;
const FINALIZE_GENERATED_BASE: u64 = 5_000_000_000;
const FINALIZE_STORED_BASE: u64 = 1_000_000_000;
const FINALIZE_PER_EDIT: u64 = 1_000_000;
const FINALIZE_PER_SUBMISSION: u64 = 50_000_000;
const ON_FINALIZE_IDLE: u64 = 10_000_000;
const REPLACE_CHUNK: u64 = 1_000_000_000;
const CLAIM_REGION: u64 = 100_000_000;
const RELEASE_REGION: u64 = 100_000_000;
const ALLOW_EDITOR: u64 = 50_000_000;
const DISALLOW_EDITOR: u64 = 50_000_000;
