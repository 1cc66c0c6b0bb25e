//! Weights for `pallet_world`
//!
//! PRE-BENCHMARK ESTIMATES in the generated format: not the output of the benchmark CLI,
//! which could not run yet. Replace this file with the CLI's output once the node has the
//! `runtime-benchmarks` build:
//!
//! `playnet-node benchmark pallet --runtime <playnet_runtime.wasm> --pallet pallet_world
//! --extrinsic '*' --steps 50 --repeat 20 --output pallets/world/src/weights.rs`
//!
//! How the estimates were made: the worst case of every benchmark in `benchmarking.rs` was
//! timed natively in the pallet's mock runtime (`tests/measure.rs`, run with
//! `cargo test --release -p pallet-world -- --ignored --nocapture measure`), slowest of 25
//! runs on a loaded 2-core machine. Execution times below are those times scaled to the
//! runtime's bounds (32 edits per call, 256 tracked changes, 16 editors), times 3 for
//! compiled Wasm and margin, rounded up. Storage reads and writes are counted from the code
//! and priced by `T::DbWeight`, leaving out the whitelisted per-block values
//! (`PendingChunks`, `PendingCount`, and `Timestamp::Now`), as the CLI does. Proof sizes are
//! the measured sizes of what each path reads (the queue would be far larger in
//! `MaxEncodedLen` mode), plus trie overhead.
//!
//! Measured natively (us): apply_edits 9; finalize_generated_chunk 330; finalize_stored_chunk
//! 105 (largest chunk); finalize_submissions slope 10 per submission of 8 edits;
//! on_finalize_idle 1; replace_chunk 53; claim_region 30; release_region 15; allow_editor 4;
//! disallow_editor 3.

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
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::Chunks` (r:1 w:0)
	/// Storage: `World::ChangeLogs` (r:1 w:0)
	/// Storage: `World::PendingCount` (r:1 w:1)
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::Pending` (r:1 w:1)
	/// The range of component `e` is `[1, 32]`.
	fn apply_edits(e: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `17_000`
		Weight::from_parts(40_000_000, 17_000)
			.saturating_add(Weight::from_parts(500_000, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::PendingCount` (r:0 w:1)
	/// Storage: `World::Pending` (r:1 w:1)
	/// Storage: `World::Chunks` (r:1 w:1)
	/// Storage: `World::ChangeLogs` (r:1 w:1)
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::EncodedChunks` (r:1 w:1)
	/// Storage: `World::WorldSeed` (r:1 w:0)
	/// The range of component `e` is `[1, 32]`.
	fn finalize_generated_chunk(e: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `18_000`
		Weight::from_parts(1_000_000_000, 18_000)
			.saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::PendingCount` (r:0 w:1)
	/// Storage: `World::Pending` (r:1 w:1)
	/// Storage: `World::Chunks` (r:1 w:1)
	/// Storage: `World::ChangeLogs` (r:1 w:1)
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::EncodedChunks` (r:1 w:1)
	/// The range of component `e` is `[1, 32]`.
	fn finalize_stored_chunk(e: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `26_000`
		Weight::from_parts(320_000_000, 26_000)
			.saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(e.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::PendingCount` (r:0 w:1)
	/// Storage: `World::Pending` (r:1 w:1)
	/// Storage: `World::Chunks` (r:1 w:1)
	/// Storage: `World::ChangeLogs` (r:1 w:1)
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::EncodedChunks` (r:1 w:1)
	/// The range of component `s` is `[1, 1024]`.
	fn finalize_submissions(s: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `26_000`
		Weight::from_parts(320_000_000, 26_000)
			.saturating_add(Weight::from_parts(100_000_000, 300).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::PendingCount` (r:0 w:1)
	fn on_finalize_idle() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `2_000`
		Weight::from_parts(5_000_000, 2_000)
	}
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::Chunks` (r:1 w:1)
	/// Storage: `World::ChangeLogs` (r:1 w:1)
	/// Storage: `World::EncodedChunks` (r:0 w:1)
	fn replace_chunk() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `10_000`
		Weight::from_parts(160_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `World::Claims` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn claim_region() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `10_000`
		Weight::from_parts(90_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `World::Claims` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn release_region() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `10_000`
		Weight::from_parts(60_000_000, 10_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `World::Claims` (r:1 w:1)
	fn allow_editor() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `3_100`
		Weight::from_parts(15_000_000, 3_100)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `World::Claims` (r:1 w:1)
	fn disallow_editor() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `3_100`
		Weight::from_parts(15_000_000, 3_100)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::Chunks` (r:1 w:0)
	/// Storage: `World::ChangeLogs` (r:1 w:0)
	/// Storage: `World::PendingCount` (r:1 w:1)
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::Pending` (r:1 w:1)
	/// The range of component `e` is `[1, 32]`.
	fn apply_edits(e: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `17_000`
		Weight::from_parts(40_000_000, 17_000)
			.saturating_add(Weight::from_parts(500_000, 0).saturating_mul(e.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::PendingCount` (r:0 w:1)
	/// Storage: `World::Pending` (r:1 w:1)
	/// Storage: `World::Chunks` (r:1 w:1)
	/// Storage: `World::ChangeLogs` (r:1 w:1)
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::EncodedChunks` (r:1 w:1)
	/// Storage: `World::WorldSeed` (r:1 w:0)
	/// The range of component `e` is `[1, 32]`.
	fn finalize_generated_chunk(e: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `18_000`
		Weight::from_parts(1_000_000_000, 18_000)
			.saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(e.into()))
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::PendingCount` (r:0 w:1)
	/// Storage: `World::Pending` (r:1 w:1)
	/// Storage: `World::Chunks` (r:1 w:1)
	/// Storage: `World::ChangeLogs` (r:1 w:1)
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::EncodedChunks` (r:1 w:1)
	/// The range of component `e` is `[1, 32]`.
	fn finalize_stored_chunk(e: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `26_000`
		Weight::from_parts(320_000_000, 26_000)
			.saturating_add(Weight::from_parts(1_000_000, 0).saturating_mul(e.into()))
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::PendingCount` (r:0 w:1)
	/// Storage: `World::Pending` (r:1 w:1)
	/// Storage: `World::Chunks` (r:1 w:1)
	/// Storage: `World::ChangeLogs` (r:1 w:1)
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::EncodedChunks` (r:1 w:1)
	/// The range of component `s` is `[1, 1024]`.
	fn finalize_submissions(s: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `26_000`
		Weight::from_parts(320_000_000, 26_000)
			.saturating_add(Weight::from_parts(100_000_000, 300).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// Storage: `World::PendingChunks` (r:1 w:1)
	/// Storage: `World::PendingCount` (r:0 w:1)
	fn on_finalize_idle() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `2_000`
		Weight::from_parts(5_000_000, 2_000)
	}
	/// Storage: `World::Claims` (r:1 w:0)
	/// Storage: `World::Chunks` (r:1 w:1)
	/// Storage: `World::ChangeLogs` (r:1 w:1)
	/// Storage: `World::EncodedChunks` (r:0 w:1)
	fn replace_chunk() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `10_000`
		Weight::from_parts(160_000_000, 10_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `World::Claims` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn claim_region() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `10_000`
		Weight::from_parts(90_000_000, 10_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `World::Claims` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn release_region() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `10_000`
		Weight::from_parts(60_000_000, 10_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `World::Claims` (r:1 w:1)
	fn allow_editor() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `3_100`
		Weight::from_parts(15_000_000, 3_100)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `World::Claims` (r:1 w:1)
	fn disallow_editor() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `3_100`
		Weight::from_parts(15_000_000, 3_100)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
}
