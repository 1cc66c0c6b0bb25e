//! # World
//!
//! The shared voxel world on chain. The chain is the source of truth for which version of
//! each chunk is current and what its hash is; the bytes move between players.
//!
//! ## Chunks
//!
//! The world seed is set at genesis ([`WorldSeed`]). A chunk nobody has edited is what
//! `playnet-primitives`' generator makes from the seed, at version 0, and nothing about it is
//! stored. An edited chunk has a [`ChunkRecord`] in [`Chunks`] (version, content hash,
//! author, block) and its canonical encoding in [`EncodedChunks`]. The runtime computes every
//! content hash itself, as BLAKE3 of the canonical encoding.
//!
//! ## Edits
//!
//! [`Pallet::apply_edits`] submits a small batch of block edits to one chunk, made on
//! `base_version`. Every game rule is checked at once and a failing submission changes
//! nothing. A submission that passes is queued ([`Event::EditsQueued`]) and decided at the
//! end of the block, in `on_finalize`:
//!
//! - edits to blocks untouched since `base_version` apply even if the chunk moved on; an edit
//!   to a block changed after it is a conflict ([`Error::EditConflict`]). [`ChangeLogs`]
//!   remembers when the recently changed blocks of each chunk changed (see [`ChangeLog`]);
//! - submissions of different accounts that edit a common block in the same chain block race:
//!   the one included first wins and the later ones bounce, whatever the client timestamps say
//!   (see [`race`] for why a self-reported clock cannot decide);
//! - the winners apply in inclusion order, and the chunk is loaded, encoded and hashed once
//!   for the block, which makes one new version.
//!
//! Why a bounded log of recent changes rather than the version of every block: a full
//! per-block version map is 16 KiB per chunk (4096 x `u32`) to read for every submission; the
//! log is a few hundred 6-byte entries, sorted for binary search, so a check costs
//! O(edits x log entries) and one small read. It decides exactly for any base version newer
//! than its horizon, which a busy chunk pushes forward; older bases get
//! [`Error::BaseVersionTooOld`] (fetch the chunk, resubmit), never a wrong answer.
//!
//! Every queued submission ends in [`Event::EditsApplied`] or [`Event::EditsBounced`], which
//! carry the submitter, chunk, base version, client timestamp and the [`SubmissionId`] a
//! client computes before submitting; each new version is reported once by
//! [`Event::ChunkUpdated`].
//!
//! ## Deposits for stored state
//!
//! Every stored chunk holds a deposit, [`Config::ChunkDepositBase`] plus
//! [`Config::ChunkDepositPerByte`] for each byte of its encoding, from the author of its
//! current version ([`ChunkDeposits`], held under [`HoldReason::ChunkDeposit`]). While a
//! submission waits for the end of its block it holds the deposit of the longest encoding,
//! [`Pallet::queued_deposit`], since only the block's end knows how long the chunk's bytes
//! come out; there the author of the new version keeps the deposit of its actual bytes, every
//! other submission's hold is released, and so is the deposit of the version it replaced. A
//! chunk that comes back to what the generator makes (blocks broken and put back) stores no
//! bytes and holds no deposit: its record stays, to keep its version counting up, and so does
//! its change log, to keep deciding conflicts exactly. A region owner's `replace_chunk` holds
//! the deposit of its bytes at once; the force origin's holds none.
//!
//! What this buys: the chain's storage of the world costs whoever keeps it there, in
//! proportion to its size, for as long as it stays. Claiming a region, filling its chunks
//! with incompressible 8 KB encodings and releasing the claim used to leave megabytes of state
//! for the transaction fees alone; now each of those chunks holds its deposit from the
//! claimant until someone edits it again (who then holds what that version costs) or it
//! returns to the generator's. Who can gain what: nobody gains from a deposit (it is held,
//! never paid out); a player who edits a chunk another bloated holds that chunk's deposit,
//! and the bloater gets its own back. What stays unpaid is a chunk's record and change log
//! after it returns to the generator's: about a hundred bytes, and six more per block changed
//! (at most [`Config::MaxTrackedChanges`]), each bought with the fee of the edit that changed
//! it.
//!
//! ## Regions and claims
//!
//! A region is a column of 4 x 4 chunks, full height ([`RegionCoord`]). Anyone may claim a
//! free region for a held deposit ([`Pallet::claim_region`]); then only the owner and the
//! editors the owner allows may edit its chunks, and only the owner (or the force origin) may
//! replace one whole ([`Pallet::replace_chunk`]). Releasing the claim returns the deposit.
//!
//! ## Pins
//!
//! A render task names its scene's chunks by content hash, and its workers need those exact
//! versions for as long as the task is open, while players go on editing. The render pallet
//! therefore pins each scene chunk when a task is posted ([`Pallet::pin_version`], which
//! accepts only the chunk's current version) and unpins it when the task ends
//! ([`Pallet::unpin_version`]). [`Pins`] counts the open tasks naming each version. When an
//! edit or a replacement moves a chunk on from a pinned edited version, its bytes are kept in
//! [`PinnedVersions`] until the last pin goes; a pinned generated version needs no copy (the
//! seed makes it again). [`Pallet::chunk_at`] reads any version the world has: current,
//! kept or generated.
//!
//! ## Reading
//!
//! The `pallet-world-runtime-api` crate declares `WorldApi`, which the runtime implements
//! with [`Pallet::chunk_record`], [`Pallet::chunk_view`] (bytes and hash of any chunk,
//! generated or stored), [`Pallet::chunk_at`] (the bytes of a version named by hash, as long
//! as the world has it), [`Pallet::world_seed`] and [`Pallet::region_info`].

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

mod api;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod claims;
mod deposits;
mod finalize;
pub mod migrations;
mod pins;
pub mod race;
mod replace;
mod submit;
#[cfg(any(feature = "try-runtime", test))]
mod try_state;
pub mod types;
pub mod weights;

#[cfg(test)]
mod tests;

pub use types::*;
pub use weights::WeightInfo;

use polkadot_sdk::{
	frame_support::traits::fungible,
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::traits::StaticLookup,
};

/// The balance type of the deposit currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A [`ChunkRecord`] of this runtime.
pub type ChunkRecordOf<T> = ChunkRecord<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

/// A [`ChunkDeposit`] of this runtime.
pub type ChunkDepositOf<T> = ChunkDeposit<<T as frame_system::Config>::AccountId, BalanceOf<T>>;

/// A [`RegionClaim`] of this runtime.
pub type RegionClaimOf<T> = RegionClaim<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	<T as Config>::MaxEditorsPerRegion,
>;

/// A [`PendingSubmission`] of this runtime.
pub type PendingSubmissionOf<T> =
	PendingSubmission<<T as frame_system::Config>::AccountId, <T as Config>::MaxEditsPerCall>;

/// A [`ChangeLog`] of this runtime.
pub type ChangeLogOf<T> = ChangeLog<<T as Config>::MaxTrackedChanges>;

type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use playnet_primitives::{BlockEdit, ChunkCoord, ContentHash};
	use polkadot_sdk::frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Mutate, MutateHold},
			UnixTime,
		},
	};
	use polkadot_sdk::frame_system::pallet_prelude::*;

	/// The storage version: 1 since stored chunks hold deposits ([`crate::migrations`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// Configuration of the world.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency region deposits are held in.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ Mutate<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The chain's clock (`pallet_timestamp`): client timestamps are checked against it.
		type UnixTime: UnixTime;

		/// May replace any chunk whole, claimed or not (root in Playnet's runtime).
		type ForceOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The deposit held from the owner of a region claim.
		#[pallet::constant]
		type RegionDeposit: Get<BalanceOf<Self>>;

		/// The part of a stored chunk's deposit that does not depend on its bytes: its
		/// record, its change log at full length, its deposit entry and their storage keys.
		#[pallet::constant]
		type ChunkDepositBase: Get<BalanceOf<Self>>;

		/// The part of a stored chunk's deposit for each byte of its canonical encoding.
		#[pallet::constant]
		type ChunkDepositPerByte: Get<BalanceOf<Self>>;

		/// The most block edits one `apply_edits` may carry.
		#[pallet::constant]
		type MaxEditsPerCall: Get<u32>;

		/// The most `apply_edits` submissions queued in one chain block, over all chunks.
		#[pallet::constant]
		type MaxPendingSubmissions: Get<u32>;

		/// How many recently changed blocks the change log of each chunk remembers (6 bytes
		/// each): the larger, the older a base version may be and still be decided exactly.
		#[pallet::constant]
		type MaxTrackedChanges: Get<u32>;

		/// The most editors a region owner may allow.
		#[pallet::constant]
		type MaxEditorsPerRegion: Get<u32>;

		/// How far a client timestamp may be from the chain's clock, in milliseconds, either
		/// way. The timestamp is the time the player reports for its edit; it decides no race.
		#[pallet::constant]
		type MaxClockSkew: Get<u64>;

		/// Weights of this pallet's calls and of its end-of-block work.
		type WeightInfo: WeightInfo;

		/// Sets the chain's clock for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of a region claim.
		#[codec(index = 0)]
		RegionClaim,
		/// The deposits for stored chunks, and those of submissions queued in this block.
		#[codec(index = 1)]
		ChunkDeposit,
	}

	/// The world seed, set at genesis. Value: the seed of `playnet-primitives`'
	/// `WorldGenerator`, which makes every chunk nobody has edited.
	#[pallet::storage]
	pub type WorldSeed<T: Config> = StorageValue<_, u64, ValueQuery>;

	/// The records of edited chunks. Key: the chunk's coordinate. Value: its current version,
	/// content hash, author and the block that made it. Absent for unedited chunks.
	#[pallet::storage]
	pub type Chunks<T: Config> = StorageMap<_, Blake2_128Concat, ChunkCoord, ChunkRecordOf<T>>;

	/// The bytes of edited chunks. Key: the chunk's coordinate. Value: the canonical encoding
	/// of its current version (at most [`MAX_CHUNK_BYTES`]). Absent for unedited chunks.
	#[pallet::storage]
	pub type EncodedChunks<T: Config> = StorageMap<_, Blake2_128Concat, ChunkCoord, ChunkBytes>;

	/// The deposits for stored chunks. Key: the chunk's coordinate. Value: who holds it (the
	/// author of the current version) and how much. Present exactly while the chunk has
	/// bytes in [`EncodedChunks`] and a signed author (the force origin's chunks hold none).
	#[pallet::storage]
	pub type ChunkDeposits<T: Config> =
		StorageMap<_, Blake2_128Concat, ChunkCoord, ChunkDepositOf<T>>;

	/// When the recently changed blocks of each edited chunk changed: the conflict detector.
	/// Key: the chunk's coordinate. Value: a [`ChangeLog`] bounded by
	/// [`Config::MaxTrackedChanges`]. Empty for unedited chunks.
	#[pallet::storage]
	pub type ChangeLogs<T: Config> =
		StorageMap<_, Blake2_128Concat, ChunkCoord, ChangeLogOf<T>, ValueQuery>;

	/// How many open render tasks name each chunk version in their scene. Keys: the chunk's
	/// coordinate, then the version's content hash. Value: the count, at least 1 (an entry
	/// goes with its last pin). At most one entry per scene chunk of every open task: bounded
	/// by the render pallet's open tasks x `MaxSceneChunks`.
	#[pallet::storage]
	pub type Pins<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		ChunkCoord,
		Blake2_128Concat,
		ContentHash,
		u32,
		ValueQuery,
	>;

	/// The bytes of pinned edited versions the chunk has moved on from. Keys: the chunk's
	/// coordinate, then the version's content hash. Value: that version's canonical encoding
	/// (at most [`MAX_CHUNK_BYTES`]). Present exactly while the version is pinned ([`Pins`])
	/// and not current; never for a generated version, which the seed makes again.
	#[pallet::storage]
	pub type PinnedVersions<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		ChunkCoord,
		Blake2_128Concat,
		ContentHash,
		ChunkBytes,
	>;

	/// Region claims. Key: the region. Value: its owner, the deposit held and the allowed
	/// editors. Absent for free regions.
	#[pallet::storage]
	pub type Claims<T: Config> = StorageMap<_, Blake2_128Concat, RegionCoord, RegionClaimOf<T>>;

	/// The chunks with submissions queued in this block, in the order of their first
	/// submission. Emptied at the end of every block.
	#[pallet::storage]
	#[pallet::whitelist_storage]
	pub type PendingChunks<T: Config> =
		StorageValue<_, BoundedVec<ChunkCoord, T::MaxPendingSubmissions>, ValueQuery>;

	/// The submissions queued in this block. Key: the chunk. Value: its submissions in
	/// inclusion order. Emptied at the end of every block.
	#[pallet::storage]
	pub type Pending<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		ChunkCoord,
		BoundedVec<PendingSubmissionOf<T>, T::MaxPendingSubmissions>,
		ValueQuery,
	>;

	/// How many submissions are queued in this block, over all chunks (at most
	/// [`Config::MaxPendingSubmissions`]). Reset at the end of every block.
	#[pallet::storage]
	#[pallet::whitelist_storage]
	pub type PendingCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The world's genesis: its seed.
	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The world seed.
		pub seed: u64,
		#[doc(hidden)]
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			WorldSeed::<T>::put(self.seed);
		}
	}

	/// Events of the world.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A submission passed every check and is queued until the end of the block.
		EditsQueued {
			/// The submission's id.
			id: SubmissionId,
			/// The submitter.
			who: T::AccountId,
			/// The edited chunk.
			coord: ChunkCoord,
			/// The version the edits were made on.
			base_version: ChunkVersion,
			/// The client's timestamp, in milliseconds since the Unix epoch.
			client_timestamp: u64,
			/// How many block edits it carries.
			edits: u32,
		},
		/// A queued submission was applied at the end of the block.
		EditsApplied {
			/// The submission's id.
			id: SubmissionId,
			/// The submitter.
			who: T::AccountId,
			/// The edited chunk.
			coord: ChunkCoord,
			/// The version the edits were made on.
			base_version: ChunkVersion,
			/// The client's timestamp, in milliseconds since the Unix epoch.
			client_timestamp: u64,
			/// The chunk's new version, which holds these edits.
			version: ChunkVersion,
			/// The content hash of the new version.
			content_hash: ContentHash,
		},
		/// A queued submission was not applied; none of its edits took effect.
		EditsBounced {
			/// The submission's id.
			id: SubmissionId,
			/// The submitter.
			who: T::AccountId,
			/// The edited chunk.
			coord: ChunkCoord,
			/// The version the edits were made on.
			base_version: ChunkVersion,
			/// The client's timestamp, in milliseconds since the Unix epoch.
			client_timestamp: u64,
			/// Why.
			reason: BounceReason,
		},
		/// A chunk has a new version: edits applied at the end of a block, or a replacement.
		ChunkUpdated {
			/// The chunk.
			coord: ChunkCoord,
			/// Its new version.
			version: ChunkVersion,
			/// The content hash of the new version.
			content_hash: ContentHash,
			/// Its author, as in [`ChunkRecord::author`].
			author: Option<T::AccountId>,
		},
		/// The author of a chunk's new version holds the deposit for its stored bytes.
		ChunkDepositHeld {
			/// The chunk.
			coord: ChunkCoord,
			/// The author, who holds it.
			who: T::AccountId,
			/// The deposit held.
			amount: BalanceOf<T>,
		},
		/// The deposit for a chunk's former version was returned to its author.
		ChunkDepositReleased {
			/// The chunk.
			coord: ChunkCoord,
			/// The former version's author.
			who: T::AccountId,
			/// The deposit returned.
			amount: BalanceOf<T>,
		},
		/// A region was claimed and its deposit held.
		RegionClaimed {
			/// The region.
			region: RegionCoord,
			/// Its owner.
			owner: T::AccountId,
			/// The deposit held.
			deposit: BalanceOf<T>,
		},
		/// A claim was released and its deposit returned.
		RegionReleased {
			/// The region.
			region: RegionCoord,
			/// The former owner.
			owner: T::AccountId,
			/// The deposit returned.
			released: BalanceOf<T>,
		},
		/// A region owner allowed an account to edit the region.
		EditorAllowed {
			/// The region.
			region: RegionCoord,
			/// The allowed account.
			editor: T::AccountId,
		},
		/// A region owner withdrew an account's right to edit the region.
		EditorDisallowed {
			/// The region.
			region: RegionCoord,
			/// The account.
			editor: T::AccountId,
		},
	}

	/// Errors of the world.
	#[pallet::error]
	pub enum Error<T> {
		/// `apply_edits` carried no edits.
		NoEdits,
		/// The chunk lies outside the world's bounds (height, or the horizontal limit).
		ChunkOutsideWorld,
		/// An edit addresses a block outside its chunk (a local coordinate of 16 or more).
		BlockOutsideChunk,
		/// An edit, or a replacement chunk, holds a block id that is not a known block.
		UnknownBlockId,
		/// The client timestamp is further from the chain's clock than
		/// [`Config::MaxClockSkew`].
		ClientTimestampOutOfRange,
		/// The chunk lies in a region claimed by someone who has not allowed the caller.
		NotAllowedInRegion,
		/// The base version is newer than the chunk's current version.
		FutureBaseVersion,
		/// A block the submission edits changed after its base version.
		EditConflict,
		/// The chunk changed too much since the base version for the chain to tell whether
		/// the edited blocks changed: fetch the current chunk and resubmit.
		BaseVersionTooOld,
		/// The chunk's version counter is exhausted.
		VersionOverflow,
		/// This block already holds [`Config::MaxPendingSubmissions`] submissions: retry in
		/// the next.
		PendingQueueFull,
		/// The bytes are not a canonical chunk encoding.
		InvalidChunkBytes,
		/// The region lies outside the world.
		RegionOutsideWorld,
		/// The region is already claimed.
		RegionAlreadyClaimed,
		/// The region is not claimed.
		RegionNotClaimed,
		/// Only the region's owner may do this.
		NotRegionOwner,
		/// The region deposit cannot be held from the caller's free balance.
		DepositUnavailable,
		/// The account is already an editor of the region.
		AlreadyAnEditor,
		/// The account is not an editor of the region.
		NotAnEditor,
		/// The region already has [`Config::MaxEditorsPerRegion`] editors.
		TooManyEditors,
		/// The owner may always edit the region; it is never listed as an editor.
		OwnerIsAlwaysAllowed,
		/// A version to pin is not the chunk's current version: the stored hash of an edited
		/// chunk, or the hash of the generated chunk of an unedited one.
		NotCurrentVersion,
		/// The version is pinned `u32::MAX` times already.
		TooManyPins,
		/// The caller's free balance cannot hold the chunk deposit: for `apply_edits` that of
		/// the longest encoding ([`Pallet::queued_deposit`]), for `replace_chunk` that of the
		/// bytes.
		ChunkDepositUnavailable,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Reserves the fixed part of `on_finalize`; each submission paid for its own part.
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			T::WeightInfo::on_finalize_idle()
		}

		/// Decides and applies the block's queued submissions.
		fn on_finalize(_n: BlockNumberFor<T>) {
			Self::resolve_pending();
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MaxEditsPerCall::get() > 0, "MaxEditsPerCall must be positive");
			assert!(T::MaxPendingSubmissions::get() > 0, "MaxPendingSubmissions must be positive");
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Edit blocks of one chunk, as made on version `base_version` of it.
		///
		/// The edits are checked now and applied at the end of the block, after same-block
		/// races on the chunk are decided (see the [crate docs](crate)). They apply in order,
		/// all or none. Until then the caller holds [`Pallet::queued_deposit`]; at the end of
		/// the block it gets all of it back, or, as the author of the new version, all but the
		/// deposit for the chunk's stored bytes.
		///
		/// # Events
		/// - [`Event::EditsQueued`] now; at the end of the block [`Event::EditsApplied`] or
		///   [`Event::EditsBounced`], and [`Event::ChunkUpdated`] when the chunk changed.
		///
		/// # Errors
		/// - [`Error::NoEdits`], [`Error::ChunkOutsideWorld`], [`Error::BlockOutsideChunk`],
		///   [`Error::UnknownBlockId`]: the edits break the game's rules;
		/// - [`Error::ClientTimestampOutOfRange`]: `client_timestamp` is too far from the chain;
		/// - [`Error::NotAllowedInRegion`]: the region is claimed by someone else;
		/// - [`Error::FutureBaseVersion`], [`Error::EditConflict`],
		///   [`Error::BaseVersionTooOld`]: the base version does not fit the chunk;
		/// - [`Error::VersionOverflow`], [`Error::PendingQueueFull`];
		/// - [`Error::ChunkDepositUnavailable`]: the caller cannot hold the queued deposit.
		#[pallet::call_index(0)]
		#[pallet::weight(Pallet::<T>::apply_edits_worst_weight(edits.len() as u32))]
		pub fn apply_edits(
			origin: OriginFor<T>,
			coord: ChunkCoord,
			base_version: ChunkVersion,
			edits: BoundedVec<BlockEdit, T::MaxEditsPerCall>,
			client_timestamp: u64,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let edit_count = edits.len() as u32;
			let share = Self::queue_edits(who, coord, base_version, edits, client_timestamp)?;
			Ok(Some(Self::apply_edits_weight(edit_count, share)).into())
		}

		/// Replace a whole chunk with canonical bytes, as its region's owner or as the force
		/// origin. The bytes are decoded and validated, the hash is computed here, and the
		/// chunk gets a new version at once. Submissions queued for the chunk in this block
		/// made on an older version bounce with [`BounceReason::Conflict`]. The version it
		/// replaces stays readable while a render task pins it (see [`Pins`]). A signed owner
		/// holds the deposit for the bytes; the deposit of the version replaced is returned.
		///
		/// # Events
		/// - [`Event::ChunkUpdated`].
		///
		/// # Errors
		/// - [`Error::ChunkOutsideWorld`];
		/// - [`Error::RegionNotClaimed`], [`Error::NotRegionOwner`]: a signed caller must own
		///   the chunk's region;
		/// - [`Error::InvalidChunkBytes`], [`Error::UnknownBlockId`]: the bytes are not a
		///   canonical chunk of known blocks;
		/// - [`Error::VersionOverflow`];
		/// - [`Error::ChunkDepositUnavailable`]: the owner cannot hold the deposit.
		#[pallet::call_index(1)]
		#[pallet::weight(Pallet::<T>::replace_chunk_weight())]
		pub fn replace_chunk(
			origin: OriginFor<T>,
			coord: ChunkCoord,
			bytes: ChunkBytes,
		) -> DispatchResult {
			let author = match T::ForceOrigin::try_origin(origin) {
				Ok(_) => None,
				Err(origin) => Some(ensure_signed(origin)?),
			};
			Self::do_replace_chunk(author, coord, bytes)
		}

		/// Claim a free region: hold [`Config::RegionDeposit`] from the caller, who becomes
		/// its owner.
		///
		/// # Events
		/// - [`Event::RegionClaimed`].
		///
		/// # Errors
		/// - [`Error::RegionOutsideWorld`], [`Error::RegionAlreadyClaimed`];
		/// - [`Error::DepositUnavailable`]: the caller cannot afford the deposit.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::claim_region())]
		pub fn claim_region(origin: OriginFor<T>, region: RegionCoord) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_region(who, region)
		}

		/// Release the caller's claim on a region and get its deposit back. The region's
		/// chunks keep their edits and anyone may edit them again.
		///
		/// # Events
		/// - [`Event::RegionReleased`].
		///
		/// # Errors
		/// - [`Error::RegionNotClaimed`], [`Error::NotRegionOwner`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::release_region())]
		pub fn release_region(origin: OriginFor<T>, region: RegionCoord) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_release_region(who, region)
		}

		/// Allow `editor` to edit the caller's region.
		///
		/// # Events
		/// - [`Event::EditorAllowed`].
		///
		/// # Errors
		/// - [`Error::RegionNotClaimed`], [`Error::NotRegionOwner`];
		/// - [`Error::OwnerIsAlwaysAllowed`], [`Error::AlreadyAnEditor`],
		///   [`Error::TooManyEditors`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::allow_editor())]
		pub fn allow_editor(
			origin: OriginFor<T>,
			region: RegionCoord,
			editor: AccountIdLookupOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let editor = T::Lookup::lookup(editor)?;
			Self::do_allow_editor(who, region, editor)
		}

		/// Withdraw `editor`'s right to edit the caller's region. Its submissions still queued
		/// in this block bounce with [`BounceReason::NotAllowed`].
		///
		/// # Events
		/// - [`Event::EditorDisallowed`].
		///
		/// # Errors
		/// - [`Error::RegionNotClaimed`], [`Error::NotRegionOwner`], [`Error::NotAnEditor`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::disallow_editor())]
		pub fn disallow_editor(
			origin: OriginFor<T>,
			region: RegionCoord,
			editor: AccountIdLookupOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let editor = T::Lookup::lookup(editor)?;
			Self::do_disallow_editor(who, region, editor)
		}
	}

	#[pallet::extra_constants]
	impl<T: Config> Pallet<T> {
		/// A region's edge in chunks (regions are columns of this many x this many chunks).
		#[pallet::constant_name(RegionSizeInChunks)]
		fn region_size_in_chunks() -> u32 {
			REGION_SIZE_IN_CHUNKS
		}

		/// The largest canonical chunk encoding the chain stores or accepts, in bytes.
		#[pallet::constant_name(MaxChunkBytes)]
		fn max_chunk_bytes() -> u32 {
			MAX_CHUNK_BYTES
		}
	}
}
