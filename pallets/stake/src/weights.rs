//! Weights for `pallet_stake`
//!
//! PRE-BENCHMARK ESTIMATES in the generated format: not the output of the benchmark CLI,
//! which could not run yet. Replace this file with the CLI's output once the node has the
//! `runtime-benchmarks` build:
//!
//! `playnet-node benchmark pallet --runtime <playnet_runtime.wasm> --pallet pallet_stake
//! --extrinsic '*' --steps 50 --repeat 20 --output pallets/stake/src/weights.rs`
//!
//! How the estimates were made: each call's worst case (`benchmarking.rs`: a full ledger of
//! unlocking chunks, a full contributor map) does one or two hold operations of
//! `pallet-balances` and a handful of small storage items, much like `pallet_world`'s
//! `claim_region` (estimated at 90 us of ref time there); the figures below are scaled
//! from those by the work each path does, rounded up generously. Storage reads and writes are
//! counted from the code and priced by `T::DbWeight`; the block number is whitelisted, as the
//! CLI does. Proof sizes are the `MaxEncodedLen` of what each path reads (a ledger with 32
//! unlocking chunks is about 700 bytes with its key), plus trie overhead.
//!
//! `new_session` is not a call: `pallet_session` plans a session in its `on_initialize`,
//! which reserves the whole block when the session rotates. Its weight is here to check that
//! ranking `MaxContributors` ledgers fits in a block with room to spare.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use polkadot_sdk::frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_stake`.
pub trait WeightInfo {
	fn bond() -> Weight;
	fn unbond() -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn new_session(c: u32, ) -> Weight;
}

/// Weights for `pallet_stake` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: polkadot_sdk::frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Stake::Ledgers` (r:1 w:1)
	/// Storage: `Stake::CounterForLedgers` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Stake::TotalActive` (r:1 w:1)
	fn bond() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `8_000`
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Stake::Ledgers` (r:1 w:1)
	/// Storage: `Stake::TotalActive` (r:1 w:1)
	fn unbond() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `4_000`
		Weight::from_parts(45_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Stake::Ledgers` (r:1 w:1)
	/// Storage: `Stake::CounterForLedgers` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn withdraw_unbonded() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `8_000`
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Stake::Ledgers` (r:c w:0)
	/// Storage: `Stake::Records` (r:c w:0)
	/// Storage: `Session::NextKeys` (r:c w:0)
	/// The range of component `c` is `[1, 1000]`.
	fn new_session(c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `2_000`
		Weight::from_parts(30_000_000, 2_000)
			.saturating_add(Weight::from_parts(20_000_000, 3_000).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(c.into())))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	/// Storage: `Stake::Ledgers` (r:1 w:1)
	/// Storage: `Stake::CounterForLedgers` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Stake::TotalActive` (r:1 w:1)
	fn bond() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `8_000`
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	/// Storage: `Stake::Ledgers` (r:1 w:1)
	/// Storage: `Stake::TotalActive` (r:1 w:1)
	fn unbond() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `4_000`
		Weight::from_parts(45_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `Stake::Ledgers` (r:1 w:1)
	/// Storage: `Stake::CounterForLedgers` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	fn withdraw_unbonded() -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `8_000`
		Weight::from_parts(100_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	/// Storage: `Stake::Ledgers` (r:c w:0)
	/// Storage: `Stake::Records` (r:c w:0)
	/// Storage: `Session::NextKeys` (r:c w:0)
	/// The range of component `c` is `[1, 1000]`.
	fn new_session(c: u32, ) -> Weight {
		// Proof Size summary in bytes:
		//  Estimated: `2_000`
		Weight::from_parts(30_000_000, 2_000)
			.saturating_add(Weight::from_parts(20_000_000, 3_000).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(c.into())))
	}
}
