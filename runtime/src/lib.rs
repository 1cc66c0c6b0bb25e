//! # The Playnet runtime
//!
//! BABE block production (3-second slots) with GRANDPA finality, both driven by
//! `pallet-session` so that a later pallet can choose the validator set by contribution.
//! The token is PGT with 12 decimals; every transaction fee and tip is split by `pallet-fees`
//! (a share burned, the rest to the block author and the treasury). `pallet-world` records the
//! shared voxel world: chunk versions, their hashes and bytes, block edits and region claims.
//!
//! Layout: this file declares the runtime and its types; `configs` configures each pallet;
//! `apis` implements the runtime APIs the node and clients call; `genesis_config_presets`
//! holds the `development` and `local_testnet` genesis states.
#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`-style macros expand into deep recursion.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
#[macro_use]
mod benchmarks;
pub mod apis;
pub mod configs;
pub mod genesis_config_presets;
#[cfg(test)]
mod tests;
pub mod weights;

use alloc::vec::Vec;
use polkadot_sdk::{
	sp_consensus_babe,
	sp_runtime::{
		generic, impl_opaque_keys,
		traits::{BlakeTwo256, IdentifyAccount, Verify},
		MultiAddress, MultiSignature,
	},
	*,
};
use sp_version::RuntimeVersion;

pub use polkadot_sdk::{frame_support, frame_system};

/// Opaque types: what the node needs to know of blocks without knowing the runtime's calls.
pub mod opaque {
	use super::*;
	pub use polkadot_sdk::sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Block identifier type.
	pub type BlockId = generic::BlockId<Block>;
	/// Block hash type.
	pub type Hash = <BlakeTwo256 as polkadot_sdk::sp_runtime::traits::Hash>::Output;

	impl_opaque_keys! {
		/// The session keys of a validator: BABE for block production, GRANDPA for finality.
		pub struct SessionKeys {
			pub babe: Babe,
			pub grandpa: Grandpa,
		}
	}
}

pub use opaque::SessionKeys;

#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("playnet"),
	impl_name: alloc::borrow::Cow::Borrowed("playnet"),
	authoring_version: 1,
	spec_version: 101,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// Time: blocks every 3 seconds.
pub mod time {
	use super::BlockNumber;

	/// The target block time. BABE's slot duration equals it.
	pub const MILLISECS_PER_BLOCK: u64 = 3_000;
	/// BABE slot duration in milliseconds.
	pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;

	/// Blocks per minute, hour and day at the target block time.
	pub const MINUTES: BlockNumber = 60_000 / (MILLISECS_PER_BLOCK as BlockNumber);
	/// Blocks per hour.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// Blocks per day.
	pub const DAYS: BlockNumber = HOURS * 24;

	/// One BABE epoch (and one session): 2 minutes, 40 slots.
	///
	/// Short on purpose: the validator set follows contribution, and it can only change at a
	/// session boundary. Fixed at genesis: changing it on a live chain breaks BABE.
	pub const EPOCH_DURATION_IN_SLOTS: u64 = 2 * MINUTES as u64;

	/// BABE's `c`: the probability that a slot has a primary author is 1 - (1 - c)^authorities.
	pub const PRIMARY_PROBABILITY: (u64, u64) = (1, 4);
}

/// The BABE epoch configuration at genesis: primary VRF slots with secondary VRF fallback, so
/// every slot has an author even with few validators.
pub const BABE_GENESIS_EPOCH_CONFIG: sp_consensus_babe::BabeEpochConfiguration =
	sp_consensus_babe::BabeEpochConfiguration {
		c: time::PRIMARY_PROBABILITY,
		allowed_slots: sp_consensus_babe::AllowedSlots::PrimaryAndSecondaryVRFSlots,
	};

/// The token, PGT, and its units.
pub mod currency {
	use super::Balance;

	/// Decimal places of PGT: 1 PGT = 10^12 planck.
	pub const DECIMALS: u8 = 12;
	/// The token symbol clients show.
	pub const SYMBOL: &str = "PGT";
	/// One PGT in its smallest unit.
	pub const PGT: Balance = 1_000_000_000_000;
	/// A thousandth of a PGT.
	pub const MILLI_PGT: Balance = PGT / 1_000;
	/// A millionth of a PGT.
	pub const MICRO_PGT: Balance = PGT / 1_000_000;
	/// The least balance an account must hold to exist.
	pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_PGT;
}

/// The SS58 address prefix of Playnet accounts, set in every chain spec as `ss58Format` too.
///
/// 42 is the generic Substrate prefix: polkadot.js and every wallet display it without
/// configuration, and dev keys (`//Alice`) read the same as in the Substrate docs.
pub const SS58_PREFIX: u16 = 42;

/// An index to a block.
pub type BlockNumber = u32;
/// Signatures of transactions.
pub type Signature = MultiSignature;
/// An account id: the public key behind a signature.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// A balance of PGT, in planck.
pub type Balance = u128;
/// A transaction nonce.
pub type Nonce = u32;
/// A block hash.
pub type Hash = polkadot_sdk::sp_core::H256;
/// The address format for extrinsics.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header type.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block type.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// A signed block with justifications.
pub type SignedBlock = generic::SignedBlock<Block>;
/// A block identifier.
pub type BlockId = generic::BlockId<Block>;

/// The transaction extensions every signed transaction carries, in order.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations to run on a runtime upgrade, each once, by its pallet's storage version (a
/// chain built from genesis starts at the current versions and runs none).
type Migrations = (pallet_world::migrations::v1::MigrateToV1<Runtime>,);

/// Executive: dispatches calls to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	// Babe must come before Session: session's genesis hands BABE its first authorities.
	#[runtime::pallet_index(2)]
	pub type Babe = pallet_babe;

	#[runtime::pallet_index(3)]
	pub type Authorship = pallet_authorship;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Fees = pallet_fees;

	// Stake must come after Balances (its genesis bonds hold funds) and before Session (whose
	// genesis asks Stake, as its SessionManager, for the first validator set).
	#[runtime::pallet_index(7)]
	pub type Stake = pallet_stake;

	#[runtime::pallet_index(8)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(9)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(10)]
	pub type Treasury = pallet_treasury;

	#[runtime::pallet_index(11)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(12)]
	pub type World = pallet_world;

	#[runtime::pallet_index(13)]
	pub type Render = pallet_render;

	#[runtime::pallet_index(14)]
	pub type RenderOcw = pallet_render_ocw;

	// Cloud-gaming sessions (CPU Sharing Units); `Session` above is the validator session.
	#[runtime::pallet_index(15)]
	pub type Sessions = pallet_sessions;
}
