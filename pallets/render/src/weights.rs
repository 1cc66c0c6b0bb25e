//! Weights for `pallet_render`
//!
//! PRE-BENCHMARK ESTIMATES in the generated format: not the output of the benchmark CLI,
//! which has not run on this pallet yet. Replace this file with the CLI's output once the
//! runtime includes the pallet and the node has the `runtime-benchmarks` build:
//!
//! `playnet-node benchmark pallet --runtime <playnet_runtime.wasm> --pallet pallet_render
//! --extrinsic '*' --steps 50 --repeat 20 --output pallets/render/src/weights.rs`
//!
//! How the estimates were made: the one heavy path, `report_fraud`, was timed natively in the
//! pallet's mock runtime (`tests/measure.rs`, run with
//! `cargo test --release -p pallet-render -- --ignored --nocapture measure`): the re-render
//! of one 64x64 tile whose every ray runs the kernel's 288 DDA steps, and the decoding and
//! hashing of the largest chunk encodings; times 3 for compiled Wasm and margin, rounded up.
//! The other paths are a few storage accesses and hashes, estimated like `pallet-world`'s
//! with generous margins. Storage reads and writes are counted from the code and priced by
//! `T::DbWeight`; the registry's own accesses (the runtime's stake adapter) are NOT counted
//! here and must be added by the benchmark run, which measures them through the adapter.
//!
//! Measured natively (slowest of 10): building the scene from the longest chunk encodings
//! (8 199 bytes, water and air alternating) costs 38 us for 1 chunk, 2.6 ms for 64 and
//! 64 ms for 1 024, about 63 us per chunk; one 64x64 tile in that see-through scene took
//! 6.8 ms at 129 DDA steps per ray on average, so about 16 ms at the kernel's cap of 288
//! steps on every ray. Hence `report_fraud`: 50 ms base (the capped tile, x3) plus 0.2 ms
//! per chunk (x3).

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use polkadot_sdk::frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_render`.
pub trait WeightInfo {
	fn post_task(s: u32, c: u32, ) -> Weight;
	fn commit() -> Weight;
	fn reveal() -> Weight;
	fn report_fraud(s: u32, ) -> Weight;
	fn expire_commits(c: u32, ) -> Weight;
	fn expire_reveals() -> Weight;
	fn settle() -> Weight;
	fn assign_waiting(c: u32, ) -> Weight;
	fn on_initialize_idle() -> Weight;
}

/// Weights for `pallet_render` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Render::NextTaskIndex` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Render::LastSupply` (r:0 w:1)
	/// Storage: `Render::Deadlines` (r:1 w:1)
	/// Storage: `Render::Assignments` (r:0 w:3)
	/// Storage: `Render::Tasks` (r:0 w:1)
	/// Storage: `Render::Specs` (r:0 w:1)
	/// Storage: `Render::OpenTasks` (r:1 w:1)
	/// Storage: `Render::WaitingTasks` (r:1 w:1)
	/// The range of component `s` is `[1, 64]`. The range of component `c` is `[3, 256]`.
	fn post_task(s: u32, c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(60_000_000, 12_000)
			.saturating_add(Weight::from_parts(200_000, 50).saturating_mul(s.into()))
			.saturating_add(Weight::from_parts(150_000, 80).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
	/// Storage: `Render::Tasks` (r:1 w:1)
	/// Storage: `Render::Deadlines` (r:1 w:1)
	fn commit() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(25_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Render::Tasks` (r:1 w:1)
	/// Storage: `Render::OpenTasks` (r:1 w:0)
	/// Storage: `Render::LastSupply` (r:1 w:0)
	/// Storage: `Render::Deadlines` (r:1 w:1)
	/// Storage: `Render::Assignments` (r:0 w:3)
	/// The last reveal decides the task: k outcomes recorded, dissenters slashed.
	fn reveal() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(80_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Render::Tasks` (r:1 w:1)
	/// Storage: `Render::Specs` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Render::OpenTasks` (r:1 w:1)
	/// Storage: `Render::WaitingTasks` (r:1 w:1)
	/// The range of component `s` is `[1, 64]`. Includes the worst-case re-render of one 64x64 tile (every ray 288 DDA steps).
	fn report_fraud(s: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(50_000_000_000, 10_000)
			.saturating_add(Weight::from_parts(200_000_000, 50).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Render::LastSupply` (r:0 w:1)
	/// Storage: `Render::Deadlines` (r:1 w:1)
	/// Storage: `Render::Assignments` (r:0 w:6)
	/// Storage: `Render::Tasks` (r:0 w:1)
	/// The range of component `c` is `[3, 256]`. Every worker missed and is replaced.
	fn expire_commits(c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(70_000_000, 8_000)
			.saturating_add(Weight::from_parts(150_000, 80).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(9_u64))
	}
	/// Storage: `Render::Tasks` (r:0 w:1)
	/// Storage: `Render::Deadlines` (r:1 w:1)
	/// Storage: `Render::Assignments` (r:0 w:3)
	/// Storage: `Render::OpenTasks` (r:1 w:0)
	/// Storage: `Render::LastSupply` (r:1 w:0)
	fn expire_reveals() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(70_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(6_u64))
	}
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:4 w:4)
	/// Storage: `Render::RewardsEarned` (r:3 w:3)
	/// Storage: `Render::Tasks` (r:0 w:1)
	/// Storage: `Render::Specs` (r:0 w:1)
	/// Storage: `Render::OpenTasks` (r:1 w:1)
	/// Storage: `Render::WaitingTasks` (r:1 w:1)
	/// Storage: `Balances::TotalIssuance` (r:1 w:1)
	/// Every one of k signers is paid and minted.
	fn settle() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(150_000_000, 15_000)
			.saturating_add(T::DbWeight::get().reads(12_u64))
			.saturating_add(T::DbWeight::get().writes(13_u64))
	}
	/// Storage: `Render::Tasks` (r:1 w:1)
	/// Storage: `Render::Deadlines` (r:1 w:1)
	/// Storage: `Render::Assignments` (r:0 w:3)
	/// The range of component `c` is `[3, 256]`.
	fn assign_waiting(c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(40_000_000, 6_000)
			.saturating_add(Weight::from_parts(150_000, 80).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Render::Deadlines` (r:1 w:1)
	/// Storage: `Render::WaitingTasks` (r:1 w:0)
	fn on_initialize_idle() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(4_000_000, 2_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	/// Storage: `Render::NextTaskIndex` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Render::LastSupply` (r:0 w:1)
	/// Storage: `Render::Deadlines` (r:1 w:1)
	/// Storage: `Render::Assignments` (r:0 w:3)
	/// Storage: `Render::Tasks` (r:0 w:1)
	/// Storage: `Render::Specs` (r:0 w:1)
	/// Storage: `Render::OpenTasks` (r:1 w:1)
	/// Storage: `Render::WaitingTasks` (r:1 w:1)
	/// The range of component `s` is `[1, 64]`. The range of component `c` is `[3, 256]`.
	fn post_task(s: u32, c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(60_000_000, 12_000)
			.saturating_add(Weight::from_parts(200_000, 50).saturating_mul(s.into()))
			.saturating_add(Weight::from_parts(150_000, 80).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(12_u64))
	}
	/// Storage: `Render::Tasks` (r:1 w:1)
	/// Storage: `Render::Deadlines` (r:1 w:1)
	fn commit() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(25_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `Render::Tasks` (r:1 w:1)
	/// Storage: `Render::OpenTasks` (r:1 w:0)
	/// Storage: `Render::LastSupply` (r:1 w:0)
	/// Storage: `Render::Deadlines` (r:1 w:1)
	/// Storage: `Render::Assignments` (r:0 w:3)
	/// The last reveal decides the task: k outcomes recorded, dissenters slashed.
	fn reveal() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(80_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	/// Storage: `Render::Tasks` (r:1 w:1)
	/// Storage: `Render::Specs` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Render::OpenTasks` (r:1 w:1)
	/// Storage: `Render::WaitingTasks` (r:1 w:1)
	/// The range of component `s` is `[1, 64]`. Includes the worst-case re-render of one 64x64 tile (every ray 288 DDA steps).
	fn report_fraud(s: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(50_000_000_000, 10_000)
			.saturating_add(Weight::from_parts(200_000_000, 50).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	/// Storage: `Render::LastSupply` (r:0 w:1)
	/// Storage: `Render::Deadlines` (r:1 w:1)
	/// Storage: `Render::Assignments` (r:0 w:6)
	/// Storage: `Render::Tasks` (r:0 w:1)
	/// The range of component `c` is `[3, 256]`. Every worker missed and is replaced.
	fn expire_commits(c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(70_000_000, 8_000)
			.saturating_add(Weight::from_parts(150_000, 80).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(9_u64))
	}
	/// Storage: `Render::Tasks` (r:0 w:1)
	/// Storage: `Render::Deadlines` (r:1 w:1)
	/// Storage: `Render::Assignments` (r:0 w:3)
	/// Storage: `Render::OpenTasks` (r:1 w:0)
	/// Storage: `Render::LastSupply` (r:1 w:0)
	fn expire_reveals() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(70_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(6_u64))
	}
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:4 w:4)
	/// Storage: `Render::RewardsEarned` (r:3 w:3)
	/// Storage: `Render::Tasks` (r:0 w:1)
	/// Storage: `Render::Specs` (r:0 w:1)
	/// Storage: `Render::OpenTasks` (r:1 w:1)
	/// Storage: `Render::WaitingTasks` (r:1 w:1)
	/// Storage: `Balances::TotalIssuance` (r:1 w:1)
	/// Every one of k signers is paid and minted.
	fn settle() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(150_000_000, 15_000)
			.saturating_add(RocksDbWeight::get().reads(12_u64))
			.saturating_add(RocksDbWeight::get().writes(13_u64))
	}
	/// Storage: `Render::Tasks` (r:1 w:1)
	/// Storage: `Render::Deadlines` (r:1 w:1)
	/// Storage: `Render::Assignments` (r:0 w:3)
	/// The range of component `c` is `[3, 256]`.
	fn assign_waiting(c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(40_000_000, 6_000)
			.saturating_add(Weight::from_parts(150_000, 80).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	/// Storage: `Render::Deadlines` (r:1 w:1)
	/// Storage: `Render::WaitingTasks` (r:1 w:0)
	fn on_initialize_idle() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: see the parts below
		Weight::from_parts(4_000_000, 2_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
}
