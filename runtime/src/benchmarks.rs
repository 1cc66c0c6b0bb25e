//! The pallets that `playnet-node benchmark pallet` measures. Build the node with
//! `cargo build --release -p playnet-node --features runtime-benchmarks`, then, for example:
//!
//! `playnet-node benchmark pallet --chain dev --pallet pallet_world --extrinsic '*'
//! --steps 50 --repeat 20 --output pallets/world/src/weights.rs`

polkadot_sdk::frame_benchmarking::define_benchmarks!(
	[frame_system, SystemBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_world, World]
	[pallet_stake, Stake]
	[pallet_render, Render]
	[pallet_sessions, Sessions]
);

/// `frame_system`'s benchmarks need nothing beyond the runtime's system config.
impl polkadot_sdk::frame_system_benchmarking::Config for crate::Runtime {}
