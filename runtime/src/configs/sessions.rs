//! Cloud-gaming sessions: contributors of `pallet-stake` serve them, players pay per minute
//! from escrow, a tenth of every due is burned, a frame proven wrong slashes a quarter of the
//! contributor's bond.

use crate::{
	currency::{MILLI_PGT, PGT},
	time::MINUTES,
	AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeHoldReason, Signature, Stake,
};
use pallet_sessions::{ContributorRegistry, Outcome};
use pallet_stake::SlashAmount;
use polkadot_sdk::{
	frame_support::parameter_types,
	sp_runtime::{Perbill, Permill},
};

parameter_types! {
	/// The cheapest minute of play an offer may ask: a thousandth of a PGT.
	pub const MinPricePerMinute: Balance = MILLI_PGT;
	/// A contributor accepts within a minute (20 blocks), or the escrow returns.
	pub const AcceptPeriod: BlockNumber = MINUTES;
	pub const BlocksPerMinute: BlockNumber = MINUTES;
	/// After a session ends, its contributors have a minute to settle their last receipts.
	pub const ClosePeriod: BlockNumber = MINUTES;
	/// Ten minutes to dispute a frame after the dues are fixed, then they are paid.
	pub const DisputeWindow: BlockNumber = 10 * MINUTES;
	/// A tenth of every due is burned, as of every render task's fee.
	pub const BurnShare: Perbill = Perbill::from_percent(10);
	/// A frame proven wrong costs a quarter of the bond, as a render fraud does.
	pub const FraudSlash: Perbill = Perbill::from_percent(25);
	/// A part paid at least 1 PGT counts for reputation: farming it burns 0.1 PGT.
	pub const MinReputablePayment: Balance = PGT;
	/// A streamed view's scene: 256 chunks (a 96-block view distance around the player, four
	/// chunks high, reaches about that many).
	pub const MaxSceneChunks: u32 = 256;
	/// Session deadlines fired at the start of one block.
	pub const MaxDeadlinesPerBlock: u32 = 16;
}

// A contributor's unbonding stake stays slashable for a week; a dispute comes at most a
// session's length plus its close period and dispute window after the frame.
const _: () = assert!(
	super::stake::UnbondingPeriod::get()
		> 2 * AcceptPeriod::get()
			+ playnet_primitives::session::MAX_SESSION_MINUTES * BlocksPerMinute::get()
			+ ClosePeriod::get()
			+ DisputeWindow::get(),
	"UnbondingPeriod must outlast a session's dispute window"
);

/// Session contributors are the contributors of `pallet-stake`: offers are ranked by their
/// reputation, and their session outcomes and slashes land on their ledgers.
pub struct StakedContributors;

impl ContributorRegistry<AccountId, Balance> for StakedContributors {
	fn is_contributor(who: &AccountId) -> bool {
		Stake::is_contributor(who)
	}

	fn reputation(who: &AccountId) -> Permill {
		Stake::reputation(who)
	}

	fn record_outcome(who: &AccountId, outcome: Outcome) {
		Stake::record_outcome(who, outcome)
	}

	fn slash(who: &AccountId, share: Perbill, reporter: Option<&AccountId>) -> Balance {
		Stake::slash(who, SlashAmount::Fraction(share), reporter.cloned()).slashed
	}
}

impl pallet_sessions::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Contributors = StakedContributors;
	type Signature = Signature;
	type MinPricePerMinute = MinPricePerMinute;
	type AcceptPeriod = AcceptPeriod;
	type BlocksPerMinute = BlocksPerMinute;
	type ClosePeriod = ClosePeriod;
	type DisputeWindow = DisputeWindow;
	type BurnShare = BurnShare;
	type FraudSlash = FraudSlash;
	type MinReputablePayment = MinReputablePayment;
	type MaxSceneChunks = MaxSceneChunks;
	type MaxDeadlinesPerBlock = MaxDeadlinesPerBlock;
	type WeightInfo = pallet_sessions::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchmarkAccounts;
}

/// Benchmark contributors: funded and bonded with the minimum bond; benchmark accounts are
/// sr25519 keys in the benchmark's keystore, so that receipts and frames are really signed.
#[cfg(feature = "runtime-benchmarks")]
pub struct BenchmarkAccounts;

#[cfg(feature = "runtime-benchmarks")]
const BENCHMARK_KEY: polkadot_sdk::sp_core::crypto::KeyTypeId =
	polkadot_sdk::sp_core::crypto::KeyTypeId(*b"bnch");

#[cfg(feature = "runtime-benchmarks")]
impl pallet_sessions::BenchmarkHelper<AccountId, Signature> for BenchmarkAccounts {
	fn register_contributor(who: &AccountId) {
		use polkadot_sdk::frame_support::traits::fungible::Mutate;
		let bond = super::stake::MinBond::get();
		let _ = Balances::mint_into(who, bond.saturating_mul(2));
		let _ = Stake::bond(crate::RuntimeOrigin::signed(who.clone()), bond);
	}

	fn signer(index: u32) -> AccountId {
		let seed = alloc::format!("//session-benchmark-{index}");
		polkadot_sdk::sp_io::crypto::sr25519_generate(BENCHMARK_KEY, Some(seed.into_bytes())).into()
	}

	fn sign(who: &AccountId, payload: &[u8]) -> Signature {
		let public = polkadot_sdk::sp_core::sr25519::Public::from_raw(who.clone().into());
		polkadot_sdk::sp_io::crypto::sr25519_sign(BENCHMARK_KEY, &public, payload)
			.map(Signature::Sr25519)
			.expect("a key of the benchmark keystore")
	}
}
