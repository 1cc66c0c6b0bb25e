//! The pallet's data: offers, sessions and their phases, each contributor's part of a session,
//! the CSU record, and the contributor registry the pallet is decoupled from staking by.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
pub use playnet_primitives::session::{Receipt, Resources, SessionId, SessionPackage};
pub use playnet_primitives::world::encoding::MAX_CHUNK_BYTES;
pub use playnet_primitives::Outcome;
use playnet_primitives::{Hash32, TileProof};
use polkadot_sdk::{
	frame_support::{traits::ConstU32, BoundedVec},
	sp_runtime::{Perbill, Permill},
};
use scale_info::TypeInfo;

/// One chunk's canonical encoding, as a dispute carries it.
pub type ChunkBytes = BoundedVec<u8, ConstU32<MAX_CHUNK_BYTES>>;

/// The contributors that serve sessions: bonded stake, reputation and slashing. The runtime
/// implements it over `pallet-stake`; the tests over a few storage values.
pub trait ContributorRegistry<AccountId, Balance> {
	/// Whether `who` is a bonded contributor now (at least the minimum bond, not leaving): only
	/// those publish offers.
	fn is_contributor(who: &AccountId) -> bool;

	/// `who`'s reputation: offers are ranked by it.
	fn reputation(who: &AccountId) -> Permill;

	/// Records how `who` did in a session (the registry updates its reputation).
	fn record_outcome(who: &AccountId, outcome: Outcome);

	/// Slashes `share` of `who`'s bonded stake, unbonding funds included; with a `reporter`,
	/// the registry gives it its reporter's share. Returns the amount slashed.
	fn slash(who: &AccountId, share: Perbill, reporter: Option<&AccountId>) -> Balance;
}

/// A contributor's standing offer.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Offer<Balance, BlockNumber> {
	/// BLAKE3 of the full description of what it runs (adapter, driver, kernel, limits).
	pub resource_hash: Hash32,
	/// The limits sessions are matched against.
	pub resources: Resources,
	/// PGT per minute of play served.
	pub price_per_minute: Balance,
	/// When it was published (or last changed).
	pub published_at: BlockNumber,
}

/// Where a session is in its life.
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
pub enum SessionPhase {
	/// Waiting for its current contributor (the first, or the backup after a switch) to
	/// accept, until the deadline.
	Proposed,
	/// Served: the current contributor accepted.
	Active,
	/// Ended by either side or by its hard end: contributors may still settle their latest
	/// receipts until the deadline.
	Closing,
	/// Its dues are fixed and the rest refunded; a frame may still be disputed until the
	/// deadline, then the contributors are paid.
	Settled,
}

/// One contributor's part of a session: the first contributor's, and the backup's after a
/// switch.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Part<AccountId, Balance, BlockNumber, Signature> {
	/// The contributor.
	pub contributor: AccountId,
	/// Its price per minute, fixed when the session opened.
	pub rate: Balance,
	/// Its offer's resource hash when the session opened.
	pub resource_hash: Hash32,
	/// When it accepted; `None` before.
	pub accepted_at: Option<BlockNumber>,
	/// The latest receipt settled for it, with the player's signature.
	pub receipt: Option<(Receipt<AccountId>, Signature)>,
	/// What it is owed, fixed when the session settles (zero after a dispute).
	pub due: Balance,
	/// The player moved the session away from it to the backup.
	pub switched_away: bool,
	/// A frame it signed was proven wrong.
	pub disputed: bool,
}

/// A cloud-gaming session (a CPU Sharing Unit) between a player and up to two contributors.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct Session<AccountId, Balance, BlockNumber, Signature> {
	/// Who plays and pays.
	pub player: AccountId,
	/// What was booked.
	pub package: SessionPackage,
	/// `package.hash()`, stamped with `opened_at`.
	pub package_hash: Hash32,
	/// The block it opened in: its stamped start.
	pub opened_at: BlockNumber,
	/// What is held from the player for it now.
	pub escrow: Balance,
	/// The contributor it moves to when the player switches, with its price then.
	pub backup: Option<(AccountId, Balance, Hash32)>,
	/// Its phase.
	pub phase: SessionPhase,
	/// When the phase ends (fired at the start of the next block).
	pub deadline: BlockNumber,
	/// The block it closes at however it goes: no receipt is taken after that plus the close
	/// period, so the escrow is never held forever.
	pub hard_end: BlockNumber,
	/// The contributors that served it, the current one last.
	pub parts: BoundedVec<Part<AccountId, Balance, BlockNumber, Signature>, ConstU32<2>>,
}

impl<AccountId: PartialEq, Balance, BlockNumber, Signature>
	Session<AccountId, Balance, BlockNumber, Signature>
{
	/// The contributor serving now (or asked to accept).
	pub fn current(&self) -> Option<&Part<AccountId, Balance, BlockNumber, Signature>> {
		self.parts.last()
	}

	/// `who`'s part, if it has one.
	pub fn part_of(
		&self,
		who: &AccountId,
	) -> Option<&Part<AccountId, Balance, BlockNumber, Signature>> {
		self.parts.iter().find(|part| &part.contributor == who)
	}
}

/// The CSU record of one contributor's part in a settled session: who served whom, for how
/// long, at what rate, on what, with which frames, as the player signed it, and the money.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct CsuRecord<AccountId, Balance, BlockNumber, Signature> {
	/// The contributor.
	pub contributor: AccountId,
	/// The player.
	pub player: AccountId,
	/// The session's stamped start.
	pub opened_at: BlockNumber,
	/// The session's task package hash.
	pub package_hash: Hash32,
	/// Play served, from the player's last receipt, in milliseconds.
	pub served_ms: u64,
	/// Frames paid for.
	pub frames: u32,
	/// The token rate, PGT per minute.
	pub rate: Balance,
	/// The contributor's resource hash.
	pub resource_hash: Hash32,
	/// The Merkle root of the paid frames' hashes.
	pub frame_root: Hash32,
	/// The worst latency the player reported.
	pub latency_ms: u32,
	/// The player's signature of that receipt.
	pub player_signature: Signature,
	/// Paid to the contributor.
	pub paid: Balance,
	/// Burned of its due.
	pub burned: Balance,
	/// A frame was proven wrong: its due went back to the player.
	pub disputed: bool,
}

/// A frame shown wrong: where it is, what the contributor signed, the claimed tile.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct FrameDispute<Signature> {
	/// The frame's sequence number in the contributor's stream.
	pub seq: u64,
	/// The frame's view: a one-frame render spec of the session's size (the scene the
	/// contributor rendered and the player's camera).
	pub view: playnet_primitives::RenderSpec,
	/// The contributor's signature of the frame's statement
	/// ([`playnet_primitives::session::frame_statement`]).
	pub contributor_signature: Signature,
	/// The tile's hash as the contributor sent it.
	pub claimed_tile_hash: Hash32,
	/// The tile's place: its path to the frame's tile root, and the frame's path to the
	/// receipt's frame root (`frame_path.index` is the frame's place among the receipted
	/// frames, `proof.frame` the same).
	pub proof: TileProof,
}

/// An offer as players find it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct OfferView<AccountId, Balance> {
	/// The contributor.
	pub contributor: AccountId,
	/// What it runs.
	pub resource_hash: Hash32,
	/// Its limits.
	pub resources: Resources,
	/// Its price per minute.
	pub price_per_minute: Balance,
	/// Its reputation now.
	pub reputation: Permill,
}

/// What a player needs from an offer ([`crate::Pallet::find_offers`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct OfferQuery<Balance> {
	/// Frame width.
	pub width: u32,
	/// Frame height.
	pub height: u32,
	/// Frame rate.
	pub fps: u32,
	/// The most it pays per minute.
	pub max_price_per_minute: Balance,
	/// How many offers to return at most.
	pub limit: u32,
}

#[cfg(feature = "runtime-benchmarks")]
/// Sets up benchmark accounts: bonded contributors and accounts whose signatures the runtime
/// verifies.
pub trait BenchmarkHelper<AccountId, Signature> {
	/// Makes `who` a bonded contributor.
	fn register_contributor(who: &AccountId);

	/// The `index`th account that [`BenchmarkHelper::sign`] can sign for.
	fn signer(index: u32) -> AccountId;

	/// `who`'s signature of `payload`; `who` is one of [`BenchmarkHelper::signer`]'s.
	fn sign(who: &AccountId, payload: &[u8]) -> Signature;
}
