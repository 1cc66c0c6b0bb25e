//! The pallet's data: chunk records, the per-chunk change log, regions and their claims, and
//! the submissions queued until the end of the block.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
pub use playnet_primitives::world::{
	encoding::MAX_CHUNK_BYTES,
	region::{RegionCoord, REGION_SHIFT, REGION_SIZE_IN_CHUNKS},
};
use playnet_primitives::{world::chunk::block_index, BlockEdit, ContentHash, Hash32};
use polkadot_sdk::frame_support::{
	traits::{ConstU32, Get},
	BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, EqNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;

/// How many times a chunk has changed. Version 0 is the chunk the world generator makes from
/// the seed; every chain block that changes the chunk (and every `replace_chunk`) adds one.
pub type ChunkVersion = u32;

/// Names one `apply_edits` submission in the events that report it:
/// `BLAKE3(SCALE((who, coord, base_version, client_timestamp, edits)))`, so a client can
/// compute it before it submits. Two identical submissions share an id; their events come in
/// the order they were included.
pub type SubmissionId = Hash32;

/// [`MAX_CHUNK_BYTES`] as a type, to bound the stored bytes.
pub type MaxChunkBytes = ConstU32<MAX_CHUNK_BYTES>;

/// A chunk's canonical encoding, as stored and as `replace_chunk` takes it.
pub type ChunkBytes = BoundedVec<u8, MaxChunkBytes>;

/// The position of a block inside its chunk, as the primitives' `block_index` (`0..4096`).
pub(crate) fn edit_index(edit: &BlockEdit) -> u16 {
	// Only called on validated edits (each coordinate below 16), so the index fits.
	block_index(edit.x as u32, edit.y as u32, edit.z as u32) as u16
}

/// What the chain stores about a chunk that has been edited. Unedited chunks have no record:
/// they are what the world generator makes from the seed, at version 0.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct ChunkRecord<AccountId, BlockNumber> {
	/// The chunk's current version.
	pub version: ChunkVersion,
	/// BLAKE3 of the chunk's canonical encoding, computed by the runtime.
	pub content_hash: ContentHash,
	/// Who made this version: the account of the last submission applied in the block that
	/// made it (every applied submission has its own event), the owner who replaced the chunk,
	/// or `None` when the force origin (root) replaced it.
	pub author: Option<AccountId>,
	/// The chain block in which this version was made.
	pub updated_at: BlockNumber,
}

/// The deposit held for a chunk's stored state: its bytes, its record and its change log.
/// The author of the chunk's current version holds it, until another version replaces that
/// one or the chunk returns to what the generator makes (then nothing about it is stored but
/// its small record).
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub struct ChunkDeposit<AccountId, Balance> {
	/// Who holds it: the author of the current version.
	pub depositor: AccountId,
	/// How much is held, under the world's `ChunkDeposit` hold reason.
	pub amount: Balance,
}

/// A chunk as the runtime API returns it: its current version, hash and canonical bytes,
/// whether or not anyone has edited it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct ChunkView<AccountId, BlockNumber> {
	/// The current version (0 for an unedited chunk).
	pub version: ChunkVersion,
	/// BLAKE3 of `bytes`.
	pub content_hash: ContentHash,
	/// The stored record; `None` when the chunk is unedited (generated from the seed).
	pub record: Option<ChunkRecord<AccountId, BlockNumber>>,
	/// The chunk's canonical encoding.
	pub bytes: Vec<u8>,
}

/// One block's last change: block `index` (as in the primitives' `block_index`) was last
/// changed at `version`.
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
pub struct BlockChange {
	/// The block's index in the chunk, `0..4096`.
	pub index: u16,
	/// The version at which the block last changed.
	pub version: ChunkVersion,
}

/// Why an edit's base version is too old for the block it edits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StaleEdit {
	/// The block changed after the base version.
	Conflict,
	/// The log no longer reaches back to the base version, so the chain cannot tell whether
	/// the block changed after it.
	TooOld,
}

/// When the recently changed blocks of a chunk last changed: the conflict detector.
///
/// Bounded to `S` entries (the runtime uses a few hundred: 6 bytes each). The entries are
/// sorted by block index, so checking an edit is a binary search and checking a submission is
/// O(edits x log S) with no storage access beyond this one value. When a new version would
/// overflow the log, the entries with the oldest versions are dropped and `horizon` rises to
/// the newest version dropped. The invariant:
///
/// - a block with an entry last changed exactly at the entry's version;
/// - a block without one last changed at or before `horizon`;
/// - every block changed at `replaced_at` (the last whole-chunk replacement; 0 is generation).
///
/// So an edit from base version `b` to a block without an entry is known to be safe when
/// `b >= horizon`, known to conflict when `b < replaced_at`, and undecidable in between
/// ([`StaleEdit::TooOld`]: the client fetches the chunk and resubmits on a newer base).
#[derive(
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	DefaultNoBound,
	Encode,
	Decode,
	TypeInfo,
	MaxEncodedLen,
)]
#[scale_info(skip_type_params(S))]
#[codec(mel_bound())]
pub struct ChangeLog<S: Get<u32>> {
	/// The version of the last whole-chunk replacement; 0 when never replaced.
	pub replaced_at: ChunkVersion,
	/// Every block without an entry last changed at or before this version.
	pub horizon: ChunkVersion,
	/// The recently changed blocks, sorted by block index, at most one entry per block.
	pub changes: BoundedVec<BlockChange, S>,
}

impl<S: Get<u32>> ChangeLog<S> {
	/// Whether block `index` is untouched since `base`.
	pub fn check(&self, index: u16, base: ChunkVersion) -> Result<(), StaleEdit> {
		if let Ok(at) = self.changes.binary_search_by_key(&index, |change| change.index) {
			// Entries are newer than the last replacement, so `base` is past it too.
			return match self.changes.get(at) {
				Some(change) if change.version > base => Err(StaleEdit::Conflict),
				_ => Ok(()),
			};
		}
		if base < self.replaced_at {
			Err(StaleEdit::Conflict)
		} else if base < self.horizon {
			Err(StaleEdit::TooOld)
		} else {
			Ok(())
		}
	}

	/// Checks every edit of a submission made on `base`; the first stale edit decides.
	pub fn check_edits(&self, edits: &[BlockEdit], base: ChunkVersion) -> Result<(), StaleEdit> {
		edits.iter().try_for_each(|edit| self.check(edit_index(edit), base))
	}

	/// Records that the blocks at `indices` changed at `version` (newer than every entry),
	/// dropping the oldest entries past the bound.
	pub fn record(&mut self, indices: impl IntoIterator<Item = u16>, version: ChunkVersion) {
		let mut changes = core::mem::take(&mut self.changes).into_inner();
		for index in indices {
			match changes.binary_search_by_key(&index, |change| change.index) {
				Ok(at) => {
					if let Some(change) = changes.get_mut(at) {
						change.version = version;
					}
				}
				Err(at) => changes.insert(at, BlockChange { index, version }),
			}
		}
		let bound = S::get() as usize;
		if changes.len() > bound {
			let excess = changes.len() - bound;
			let mut by_age: Vec<(ChunkVersion, u16)> =
				changes.iter().map(|change| (change.version, change.index)).collect();
			by_age.sort_unstable();
			let dropped = &by_age[..excess];
			if let Some(&(newest_dropped, _)) = dropped.last() {
				self.horizon = self.horizon.max(newest_dropped);
			}
			let mut dropped_indices: Vec<u16> = dropped.iter().map(|&(_, index)| index).collect();
			dropped_indices.sort_unstable();
			changes.retain(|change| dropped_indices.binary_search(&change.index).is_err());
		}
		self.changes = BoundedVec::truncate_from(changes);
	}

	/// Records that every block changed at `version`: a whole-chunk replacement.
	pub fn record_replacement(&mut self, version: ChunkVersion) {
		self.replaced_at = version;
		self.horizon = version;
		self.changes = BoundedVec::new();
	}
}

/// A claim on a region: only its owner and the editors the owner allows may edit the chunks
/// inside, and only the owner may replace them whole. The deposit is held from the owner
/// until the claim is released.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxEditors))]
#[codec(mel_bound(AccountId: MaxEncodedLen, Balance: MaxEncodedLen))]
pub struct RegionClaim<AccountId, Balance, MaxEditors: Get<u32>>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// Who claimed the region.
	pub owner: AccountId,
	/// The deposit held from the owner for the claim.
	pub deposit: Balance,
	/// The accounts the owner allows to edit, sorted.
	pub editors: BoundedVec<AccountId, MaxEditors>,
}

impl<AccountId, Balance, MaxEditors> RegionClaim<AccountId, Balance, MaxEditors>
where
	AccountId: Clone + PartialEq + Eq + Ord + core::fmt::Debug,
	Balance: Clone + PartialEq + Eq + core::fmt::Debug,
	MaxEditors: Get<u32>,
{
	/// Whether `who` may edit the region's chunks: its owner or an allowed editor.
	pub fn may_edit(&self, who: &AccountId) -> bool {
		self.owner == *who || self.editors.binary_search(who).is_ok()
	}
}

/// A region claim as the runtime API returns it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
pub struct RegionInfo<AccountId, Balance> {
	/// Who claimed the region.
	pub owner: AccountId,
	/// The deposit held for the claim.
	pub deposit: Balance,
	/// The accounts allowed to edit besides the owner.
	pub editors: Vec<AccountId>,
}

/// An `apply_edits` submission that passed every check and waits for the end of the block,
/// where same-block races on its chunk are decided.
#[derive(
	CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, Encode, Decode, TypeInfo, MaxEncodedLen,
)]
#[scale_info(skip_type_params(MaxEdits))]
#[codec(mel_bound(AccountId: MaxEncodedLen))]
pub struct PendingSubmission<AccountId, MaxEdits: Get<u32>>
where
	AccountId: Clone + PartialEq + Eq + core::fmt::Debug,
{
	/// The submission's id, as in its events.
	pub id: SubmissionId,
	/// Who submitted it.
	pub who: AccountId,
	/// The chunk version the edits were made on.
	pub base_version: ChunkVersion,
	/// The client's clock when the player made the edits, in milliseconds since the Unix
	/// epoch: the earlier one wins a same-block race.
	pub client_timestamp: u64,
	/// The edits, validated, in the order to apply them.
	pub edits: BoundedVec<BlockEdit, MaxEdits>,
}

/// Why a queued submission was not applied at the end of its block (shared with clients in
/// `playnet-primitives`).
pub use playnet_primitives::BounceReason;

impl From<StaleEdit> for BounceReason {
	fn from(stale: StaleEdit) -> Self {
		match stale {
			StaleEdit::Conflict => BounceReason::Conflict,
			StaleEdit::TooOld => BounceReason::BaseVersionTooOld,
		}
	}
}

/// What the benchmarks need from the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// Sets the chain's clock ([`crate::Config::UnixTime`]) to `millis` since the Unix epoch.
	/// A benchmark starts from genesis, where the clock is unset (zero), and `apply_edits`
	/// checks client timestamps against it.
	fn set_chain_time(millis: u64);
}
