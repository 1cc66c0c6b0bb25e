//! The pallet's data: a contributor's ledger of bonded and unlocking funds, its record of task
//! outcomes and the reputation score computed from it, and the shapes of a slash.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::{
	frame_support::{
		traits::Get, BoundedVec, CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
	},
	sp_runtime::{traits::Zero, Perbill, Permill, Saturating},
};
use scale_info::TypeInfo;

/// The reputation of an account with an empty record: 50%.
pub const NEUTRAL_REPUTATION: Permill = Permill::from_percent(50);

/// Each proven fraud divides the reputation score by `2^FRAUD_SHIFT` (16).
pub const FRAUD_SHIFT: u32 = 4;

/// Funds that stop being bonded now and can be withdrawn from block `unlock_at` on.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct UnlockChunk<Balance, BlockNumber> {
	/// The amount unlocking.
	pub value: Balance,
	/// The first block at which it can be withdrawn.
	pub unlock_at: BlockNumber,
}

/// What one account has bonded. Every unit of it is held from the account under
/// `HoldReason::Bonded`: `active` plus the sum of `unlocking` equals that hold.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxChunks))]
#[codec(mel_bound(Balance: MaxEncodedLen, BlockNumber: MaxEncodedLen))]
pub struct StakeLedger<Balance, BlockNumber, MaxChunks: Get<u32>>
where
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// The bonded funds that count for work and validator selection.
	pub active: Balance,
	/// Funds on their way out, oldest first (by `unlock_at`, strictly increasing). Still
	/// slashable until withdrawn.
	pub unlocking: BoundedVec<UnlockChunk<Balance, BlockNumber>, MaxChunks>,
}

impl<Balance, BlockNumber, MaxChunks> StakeLedger<Balance, BlockNumber, MaxChunks>
where
	Balance: Clone + PartialEq + Eq + core::fmt::Debug + Copy + Zero + Saturating,
	BlockNumber: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxChunks: Get<u32>,
{
	/// A ledger with `active` bonded and nothing unlocking.
	pub fn new(active: Balance) -> Self {
		Self { active, unlocking: BoundedVec::new() }
	}

	/// The funds still unlocking.
	pub fn unlocking_total(&self) -> Balance {
		self.unlocking.iter().fold(Balance::zero(), |sum, chunk| sum.saturating_add(chunk.value))
	}

	/// Everything the ledger holds: active plus unlocking.
	pub fn total(&self) -> Balance {
		self.active.saturating_add(self.unlocking_total())
	}

	/// Whether the ledger holds nothing at all (it can be removed).
	pub fn is_empty(&self) -> bool {
		self.active.is_zero() && self.unlocking.is_empty()
	}

	/// The ledger as the runtime API returns it.
	pub fn view(&self) -> LedgerView<Balance, BlockNumber> {
		LedgerView {
			active: self.active,
			unlocking: self.unlocking.iter().cloned().collect(),
			total: self.total(),
		}
	}
}

/// A contributor's ledger as clients read it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct LedgerView<Balance, BlockNumber> {
	/// The bonded funds that count for work and validator selection.
	pub active: Balance,
	/// Funds unlocking, oldest first.
	pub unlocking: Vec<UnlockChunk<Balance, BlockNumber>>,
	/// Active plus unlocking: what is held.
	pub total: Balance,
}

/// How one task or session ended for one contributor, as the render and sessions pallets
/// report it (shared with them in `playnet-primitives`).
pub use playnet_primitives::Outcome;

/// An account's history of task and session outcomes, the input of its reputation. Counters
/// saturate.
#[derive(
	Clone,
	Copy,
	Default,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct ReputationRecord {
	/// Tasks whose result agreed with the majority.
	pub agreed: u32,
	/// Tasks the account did not finish in time.
	pub missed: u32,
	/// Tasks whose result disagreed with the majority.
	pub lost: u32,
	/// Proven frauds.
	pub frauds: u32,
	/// Cloud-gaming sessions served and paid, undisputed.
	pub served: u32,
	/// Cloud-gaming sessions it was paid in, then stopped serving.
	pub abandoned: u32,
	/// Cloud-gaming sessions with a frame proven wrong.
	pub disputed: u32,
	/// Sessions it was a validator in and authored no block.
	pub absent: u32,
}

impl ReputationRecord {
	/// Counts one more `outcome`.
	pub fn note(&mut self, outcome: Outcome) {
		let counter = match outcome {
			Outcome::Agreed => &mut self.agreed,
			Outcome::Missed => &mut self.missed,
			Outcome::Lost => &mut self.lost,
			Outcome::Fraud => &mut self.frauds,
			Outcome::Served => &mut self.served,
			Outcome::Abandoned => &mut self.abandoned,
			Outcome::Disputed => &mut self.disputed,
			Outcome::Absent => &mut self.absent,
		};
		*counter = counter.saturating_add(1);
	}

	/// The reputation score, in millionths, integer arithmetic only:
	///
	/// ```text
	/// good  = agreed + served
	/// bad   = missed + abandoned + absent + 2 * lost
	/// base  = 1_000_000 * (good + 1) / (good + bad + 2)  (rounded down)
	/// score = base >> (4 * (frauds + disputed))           (0 from 5 of them)
	/// ```
	///
	/// An empty record scores [`NEUTRAL_REPUTATION`] (50%). A result that agreed with the
	/// majority and a session served and paid move the score towards 100%; a missed task, an
	/// abandoned session and a session a validator authored nothing in count against it once, a
	/// lost task twice (a wrong answer costs the network more than no answer); every proven
	/// fraud and every disputed session divides it by 16. The `+ 1` and `+ 2` (Laplace
	/// smoothing) keep one early outcome from deciding everything.
	pub fn score(&self) -> Permill {
		let good = u64::from(self.agreed).saturating_add(u64::from(self.served));
		let numerator = good.saturating_add(1);
		let denominator = good
			.saturating_add(u64::from(self.missed))
			.saturating_add(u64::from(self.abandoned))
			.saturating_add(u64::from(self.absent))
			.saturating_add(u64::from(self.lost).saturating_mul(2))
			.saturating_add(2);
		// numerator <= denominator, so base <= 1_000_000; every term fits in u64.
		let base = numerator.saturating_mul(1_000_000) / denominator;
		let shift = self.frauds.saturating_add(self.disputed).saturating_mul(FRAUD_SHIFT);
		let parts = base.checked_shr(shift).unwrap_or(0);
		Permill::from_parts(u32::try_from(parts).unwrap_or(u32::MAX))
	}
}

/// An account's record and the score it gives, as clients read it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct ReputationView {
	/// The record of task outcomes.
	pub record: ReputationRecord,
	/// The score computed from it (see [`ReputationRecord::score`]).
	pub score: Permill,
}

/// How much of a contributor's bond a slash takes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum SlashAmount<Balance> {
	/// This share of everything the ledger holds (active and unlocking), rounded down.
	Fraction(Perbill),
	/// This amount, or everything the ledger holds if that is less.
	Exact(Balance),
}

/// Where a slash's funds went.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct SlashSplit<Balance> {
	/// Everything taken from the ledger: `to_reporter + burned`.
	pub slashed: Balance,
	/// Paid to the reporter's free balance.
	pub to_reporter: Balance,
	/// Burned: total issuance fell by this.
	pub burned: Balance,
}
