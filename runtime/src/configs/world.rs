//! The shared world: edit batches, region claims and the clock tolerance for edits; and the
//! world as the source of render tasks' scenes.

use crate::{
	currency::{MICRO_PGT, PGT},
	AccountId, Balance, Balances, Runtime, RuntimeHoldReason, Timestamp, World,
};
use playnet_primitives::{ChunkCoord, ContentHash};
use polkadot_sdk::{
	frame_support::{parameter_types, weights::Weight},
	frame_system::EnsureRoot,
	sp_runtime::DispatchResult,
};

parameter_types! {
	/// Claiming a region (4x4 chunk columns) holds 10 PGT until it is released.
	pub const RegionDeposit: Balance = 10 * PGT;
	/// A stored chunk holds 100 micro-PGT per byte of its encoding, ten times what carrying
	/// the byte in a transaction costs (`TransactionByteFee`): a chunk of typical terrain
	/// (a few hundred bytes) holds well under a PGT, the longest encoding (8,227 bytes)
	/// about 1.0 PGT with the base, and a megabyte of world about 100 PGT for as long as it
	/// stays stored. Every `apply_edits` holds the longest encoding's deposit until the end
	/// of its block.
	pub const ChunkDepositPerByte: Balance = 100 * MICRO_PGT;
	/// The fixed part, for [`CHUNK_OVERHEAD_BYTES`] of record, change log and keys.
	pub const ChunkDepositBase: Balance = CHUNK_OVERHEAD_BYTES as Balance * 100 * MICRO_PGT;
	/// One `apply_edits` call changes at most 32 blocks: a micro-transaction.
	pub const MaxEditsPerCall: u32 = 32;
	/// Edit batches queued in one block before it resolves them at its end.
	pub const MaxPendingSubmissions: u32 = 1024;
	/// Recently changed blocks remembered per chunk for conflict checks.
	pub const MaxTrackedChanges: u32 = 256;
	/// Accounts a region's owner may allow to edit it.
	pub const MaxEditorsPerRegion: u32 = 16;
	/// How far (in milliseconds) a client's timestamp may be from the chain's.
	pub const MaxClockSkew: u64 = 30_000;
}

/// What a stored chunk keeps in storage besides its bytes, at most: its record, its change
/// log at full length ([`MaxTrackedChanges`] entries), its deposit entry, and the four
/// storage keys (the runtime's tests check the bound).
pub const CHUNK_OVERHEAD_BYTES: u32 = 2_000;

impl pallet_world::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type UnixTime = Timestamp;
	type ForceOrigin = EnsureRoot<AccountId>;
	type RegionDeposit = RegionDeposit;
	type ChunkDepositBase = ChunkDepositBase;
	type ChunkDepositPerByte = ChunkDepositPerByte;
	type MaxEditsPerCall = MaxEditsPerCall;
	type MaxPendingSubmissions = MaxPendingSubmissions;
	type MaxTrackedChanges = MaxTrackedChanges;
	type MaxEditorsPerRegion = MaxEditorsPerRegion;
	type MaxClockSkew = MaxClockSkew;
	type WeightInfo = pallet_world::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ChainClock;
}

/// Render tasks' scenes come from the world: a task pins the current versions of its scene's
/// chunks when it is posted and unpins them when it ends, so that workers can read them at
/// their hash meanwhile (`WorldApi::chunk_at`).
pub struct WorldScenes;

impl pallet_render::SceneSource for WorldScenes {
	fn pin(coord: ChunkCoord, content_hash: ContentHash) -> DispatchResult {
		World::pin_version(coord, content_hash)
	}

	fn unpin(coord: ChunkCoord, content_hash: ContentHash) {
		World::unpin_version(coord, content_hash)
	}

	fn pin_weight() -> Weight {
		World::pin_version_weight()
	}

	fn unpin_weight() -> Weight {
		World::unpin_version_weight()
	}

	fn chunk(coord: ChunkCoord, content_hash: ContentHash) -> Option<alloc::vec::Vec<u8>> {
		World::chunk_at(coord, content_hash)
	}

	fn chunk_weight() -> Weight {
		World::chunk_at_weight()
	}

	#[cfg(feature = "try-runtime")]
	fn pins() -> alloc::vec::Vec<(ChunkCoord, ContentHash, u32)> {
		pallet_world::Pins::<Runtime>::iter().collect()
	}
}

/// Sets `pallet_timestamp`'s clock for the world's benchmarks. It writes the stored time
/// directly: `Timestamp::set_timestamp` would also tell BABE, which checks the time against
/// its current slot.
#[cfg(feature = "runtime-benchmarks")]
pub struct ChainClock;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_world::BenchmarkHelper for ChainClock {
	fn set_chain_time(millis: u64) {
		polkadot_sdk::pallet_timestamp::Now::<Runtime>::put(millis);
	}
}
