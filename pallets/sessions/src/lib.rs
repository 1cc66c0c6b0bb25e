//! # Sessions
//!
//! Cloud gaming on chain: the CPU Sharing Unit ledger and its scheduler. A contributor renders
//! a player's view of the shared world live and streams it; the player pays PGT per minute of
//! play it received in time and checked; every streamed frame can be re-rendered, one tile at
//! a time, by anyone.
//!
//! ## Lifecycle
//!
//! 1. **Offer** ([`Pallet::publish_offer`]): a bonded contributor ([`Config::Contributors`])
//!    names its resource hash, the limits it commits to ([`Resources`]) and a price per
//!    minute. Players find offers through the runtime API ([`Pallet::find_offers`]).
//! 2. **Open** ([`Pallet::open_session`]): the player books a [`SessionPackage`] (this chain's
//!    world, size, frame rate, duration, latency bound) with an offer and an optional backup.
//!    The price of each is fixed then, and must not exceed the most the player said it pays
//!    (a contributor cannot raise its price under a player's transaction). The escrow,
//!    `max_minutes x` the higher of the two prices, is held from the player
//!    ([`HoldReason::SessionEscrow`]); the chain stamps the start block and the package
//!    hash. The contributor accepts ([`Pallet::accept_session`]) within
//!    [`Config::AcceptPeriod`] blocks, or the escrow returns.
//! 3. **Play**: off chain. The contributor signs every frame it streams
//!    ([`playnet_primitives::session::frame_statement`]); the player signs cumulative
//!    [`Receipt`]s for the frames that came in time and passed its spot checks. A second of
//!    play needs no transaction; a gap in receipts is a pause that costs nothing.
//! 4. **Settle receipts** ([`Pallet::settle_receipt`]): at any time until the session's dues
//!    are fixed, anyone holding a receipt submits it; the chain checks the player's
//!    signature and keeps it if it is newer (more play served) than the one it has.
//! 5. **Switch** ([`Pallet::switch_to_backup`]): when the contributor stops (latency bound
//!    missed, disconnected), the player moves the session to its backup without closing it;
//!    the backup accepts like the first. Each is paid for what its own receipts cover.
//! 6. **Close** ([`Pallet::end_session`]): the player or the serving contributor ends it, or it
//!    reaches its hard end ([`Session::hard_end`]). For [`Config::ClosePeriod`] blocks the
//!    contributors may still settle their latest receipts.
//! 7. **Settle** (`close.rs`): each contributor's due is `rate x served_ms / 60_000` of its
//!    latest receipt, capped by what is left in escrow (the first contributor first); the rest
//!    of the escrow is refunded at once. The dues stay held for [`Config::DisputeWindow`]
//!    blocks.
//! 8. **Dispute** ([`Pallet::dispute_frame`]): until then anyone holding a receipted frame
//!    shows a tile the runtime renders differently: the contributor is slashed
//!    [`Config::FraudSlash`] (the disputer gets the registry's reporter share), its due goes
//!    back to the player, and its reputation records [`Outcome::Disputed`].
//! 9. **Pay** (`close.rs`): at the end of the window each undisputed due is paid: a
//!    [`Config::BurnShare`] of it burned, the rest to the contributor; the CSU record
//!    ([`CsuRecords`]) is written and reputation records [`Outcome::Served`] (or
//!    [`Outcome::Abandoned`] for a contributor the player switched away from).
//!
//! Deadlines fire at the start of the block after them ([`Deadlines`]), at most
//! [`Config::MaxDeadlinesPerBlock`] per block, earlier blocks first; the rest fire at the start
//! of the next block. Past its deadline a phase's calls are refused ([`Error::PhaseOver`]),
//! however late the deadline fires.
//!
//! ## Money
//!
//! Escrow in = paid + burned + refunded, exactly, for every session: the escrow is held once
//! at opening; every later movement takes from that hold, and the session's
//! [`Session::escrow`] always equals what is still held for it (checked in `try_state`).
//! Sessions mint nothing: total issuance changes only by the burned shares and slashes.
//!
//! ## Who can cheat whom, and by how much
//!
//! **A player cannot get play it does not pay for, beyond the contributor's receipt
//! tolerance.** The contributor is paid from the player's latest receipt, and the player's
//! escrow is held from the opening: the player cannot withdraw it, and ending the session
//! leaves [`Config::ClosePeriod`] blocks for the contributor to settle. A player that stops
//! signing gets the frames the contributor streams before it notices: `playnet-render host`
//! stops streaming when the latest receipt is older than its tolerance (a few seconds), so
//! the player gains at most that. A player cannot settle for less than its last receipt: a
//! receipt is kept only when it covers more play than the one settled, so an older receipt
//! submitted first is replaced by the contributor's newer one, and a newer one is never
//! replaced by an older.
//!
//! **A contributor cannot be paid for what it did not serve.** Payment needs the player's
//! signature on a receipt naming the session, the contributor and the chain's genesis hash: a
//! receipt from another session, another contributor's part or another chain fails the
//! signature check. Dues never exceed the escrow. A contributor that stops streaming, or
//! streams frames that fail the player's checks or come later than the package's latency
//! bound, gets no receipts for them; so the player loses at most the frames between two
//! receipts (the client signs one a second).
//!
//! **A wrong frame costs the contributor its due and a share of its bond.** Every frame hash
//! commits to the session, the frame's number and its view (the scene's chunk hashes and the
//! camera) through [`playnet_primitives::session::frame_id`], and the contributor signs it. A
//! dispute needs that signature and the frame hash's path to the receipt's frame root, so it
//! only ever shows a frame the contributor itself streamed and the player paid for: a player
//! cannot make up a frame to have an honest contributor slashed (it would need the
//! contributor's signature). The runtime renders the tile from the scene's chunk bytes, which
//! must hash to the view's scene. What a dispute cannot show is a frame rendered right from a
//! made-up scene: the player's client checks every view's scene against the world's chunk
//! versions and does not receipt a frame of another world.
//!
//! **Self-dealing does not pay.** A session mints nothing, so a player that is also the
//! contributor (another account of the same person; the same account is refused) only moves
//! its own PGT and burns [`Config::BurnShare`] of every due. What it can farm is reputation:
//! a part counts as [`Outcome::Served`] only when it was paid at least
//! [`Config::MinReputablePayment`], so every such outcome burns at least `BurnShare x
//! MinReputablePayment` (0.1 PGT in the runtime, twice what a self-posted render task burns
//! per agreed outcome). The same floor guards rivals: a player can mark a contributor
//! [`Outcome::Abandoned`] only by switching away from it after paying it at least that much,
//! so lowering a rival's reputation pays the rival.
//!
//! ## Reading
//!
//! `pallet-sessions-runtime-api` declares `SessionsApi`: [`Pallet::find_offers`],
//! [`Pallet::offer`], [`Pallet::session`] and [`Pallet::csu_record`].

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

mod api;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod close;
mod deadlines;
mod dispute;
mod open;
mod receipts;
#[cfg(any(feature = "try-runtime", test))]
mod try_state;
pub mod types;
pub mod weights;

#[cfg(test)]
mod tests;

pub use types::*;
pub use weights::WeightInfo;

use polkadot_sdk::{frame_support::traits::fungible, frame_system};

/// The balance type of the currency sessions are paid in.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A [`Session`] of this runtime.
pub type SessionOf<T> = Session<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::Signature,
>;

/// A [`Part`] of this runtime.
pub type PartOf<T> = Part<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::Signature,
>;

/// A [`CsuRecord`] of this runtime.
pub type CsuRecordOf<T> = CsuRecord<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	frame_system::pallet_prelude::BlockNumberFor<T>,
	<T as Config>::Signature,
>;

/// An [`Offer`] of this runtime.
pub type OfferOf<T> = Offer<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::boxed::Box;
	use playnet_primitives::Hash32;
	use polkadot_sdk::frame_support::{
		pallet_prelude::*,
		traits::fungible::{Mutate, MutateHold},
	};
	use polkadot_sdk::{
		frame_system::pallet_prelude::*,
		sp_runtime::{
			traits::{IdentifyAccount, Verify},
			Perbill,
		},
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Configuration of cloud-gaming sessions.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency sessions are escrowed and paid in.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ Mutate<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The bonded contributors: who may offer, reputation, slashing.
		type Contributors: ContributorRegistry<Self::AccountId, BalanceOf<Self>>;

		/// The signatures players sign receipts with and contributors sign frames with (the
		/// runtime's transaction signature).
		type Signature: Verify<Signer: IdentifyAccount<AccountId = Self::AccountId>>
			+ Parameter
			+ MaxEncodedLen;

		/// The lowest price per minute an offer may ask.
		#[pallet::constant]
		type MinPricePerMinute: Get<BalanceOf<Self>>;

		/// Blocks a contributor has to accept a session (the first, or the backup after a
		/// switch).
		#[pallet::constant]
		type AcceptPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks in a minute of play: a session's hard end is its booked minutes in blocks
		/// after its opening, plus two accept periods.
		#[pallet::constant]
		type BlocksPerMinute: Get<BlockNumberFor<Self>>;

		/// Blocks after a session ends during which contributors still settle receipts.
		#[pallet::constant]
		type ClosePeriod: Get<BlockNumberFor<Self>>;

		/// Blocks after the dues are fixed during which a frame may be disputed; then they
		/// are paid. Shorter than the registry's unbonding period, so a disputed contributor
		/// cannot have left with its bond.
		#[pallet::constant]
		type DisputeWindow: Get<BlockNumberFor<Self>>;

		/// The share of every due that is burned.
		#[pallet::constant]
		type BurnShare: Get<Perbill>;

		/// The share of its bond a contributor loses for a frame proven wrong.
		#[pallet::constant]
		type FraudSlash: Get<Perbill>;

		/// The least a part must be paid for the registry to record its outcome: farming a
		/// [`Outcome::Served`] with one's own sessions burns at least `BurnShare` of this.
		#[pallet::constant]
		type MinReputablePayment: Get<BalanceOf<Self>>;

		/// Most chunks in a disputed frame's scene: bounds a dispute's size and the chunk
		/// decoding it costs.
		#[pallet::constant]
		type MaxSceneChunks: Get<u32>;

		/// Most deadlines fired at the start of one block; the rest fire at the start of the
		/// next.
		#[pallet::constant]
		type MaxDeadlinesPerBlock: Get<u32>;

		/// Weights of this pallet's calls and of its start-of-block work.
		type WeightInfo: WeightInfo;

		/// Bonds contributors and signs for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, Self::Signature>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A session's escrow, from its opening until its dues are paid and the rest refunded.
		#[codec(index = 0)]
		SessionEscrow,
	}

	/// Standing offers. Key: the contributor. Value: its resource hash, limits and price.
	#[pallet::storage]
	pub type Offers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, OfferOf<T>>;

	/// The id the next session gets.
	#[pallet::storage]
	pub type NextSessionId<T: Config> = StorageValue<_, SessionId, ValueQuery>;

	/// Open sessions. Key: the session's id. Value: its player, package, escrow, phase and
	/// parts. Removed when its dues are paid (or it ended with nothing due).
	#[pallet::storage]
	pub type Sessions<T: Config> = StorageMap<_, Twox64Concat, SessionId, SessionOf<T>>;

	/// Which sessions' phases end at the start of a block. Keys: the block (the one after the
	/// phase's last), then the session. Each open session has exactly one entry, the one after
	/// its [`Session::deadline`]; any number may share a block.
	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		Twox64Concat,
		SessionId,
		(),
		OptionQuery,
	>;

	/// The first block whose deadlines may not all have fired: every entry of an earlier
	/// block has.
	#[pallet::storage]
	pub type DeadlineCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// The CSU records of paid (or disputed) parts. Keys: the session, then the contributor.
	#[pallet::storage]
	pub type CsuRecords<T: Config> = StorageDoubleMap<
		_,
		Twox64Concat,
		SessionId,
		Blake2_128Concat,
		T::AccountId,
		CsuRecordOf<T>,
	>;

	/// Events of sessions.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A contributor published (or changed) its offer.
		OfferPublished {
			/// The contributor.
			contributor: T::AccountId,
			/// What it runs.
			resource_hash: Hash32,
			/// Its limits.
			resources: Resources,
			/// Its price per minute.
			price_per_minute: BalanceOf<T>,
		},
		/// A contributor withdrew its offer; its open sessions go on.
		OfferWithdrawn {
			/// The contributor.
			contributor: T::AccountId,
		},
		/// A session opened: its escrow is held and its start stamped.
		SessionOpened {
			/// The session.
			session: SessionId,
			/// The player.
			player: T::AccountId,
			/// The contributor asked to accept.
			contributor: T::AccountId,
			/// The backup, if any.
			backup: Option<T::AccountId>,
			/// The package's hash.
			package_hash: Hash32,
			/// The escrow held.
			escrow: BalanceOf<T>,
			/// The last block to accept in.
			accept_by: BlockNumberFor<T>,
		},
		/// A contributor accepted a session: it serves it now.
		SessionAccepted {
			/// The session.
			session: SessionId,
			/// The contributor.
			contributor: T::AccountId,
		},
		/// A receipt was settled: the contributor is owed for the play it covers.
		ReceiptSettled {
			/// The session.
			session: SessionId,
			/// The contributor it pays.
			contributor: T::AccountId,
			/// Play served, in milliseconds.
			served_ms: u64,
			/// Frames paid for.
			frames: u32,
			/// What it comes to at the contributor's rate (capped by the escrow when the dues
			/// are fixed).
			owed: BalanceOf<T>,
		},
		/// The player moved the session to its backup, which accepts by `accept_by`.
		SessionSwitched {
			/// The session.
			session: SessionId,
			/// The contributor it left.
			from: T::AccountId,
			/// The backup.
			to: T::AccountId,
			/// The last block for the backup to accept in.
			accept_by: BlockNumberFor<T>,
		},
		/// A session ended: contributors settle their latest receipts by `settle_by`.
		SessionClosing {
			/// The session.
			session: SessionId,
			/// Who ended it: the player, a contributor, or nobody (the hard end, or a backup
			/// that did not accept).
			by: Option<T::AccountId>,
			/// The last block to settle receipts in.
			settle_by: BlockNumberFor<T>,
		},
		/// A session's dues were fixed and the rest of its escrow refunded; frames may be
		/// disputed until `dispute_until`, then the dues are paid.
		SessionSettled {
			/// The session.
			session: SessionId,
			/// Owed to the contributors, in total.
			due: BalanceOf<T>,
			/// Refunded to the player.
			refunded: BalanceOf<T>,
			/// The last block to dispute in.
			dispute_until: BlockNumberFor<T>,
		},
		/// A contributor was paid its due.
		ContributorPaid {
			/// The session.
			session: SessionId,
			/// The contributor.
			contributor: T::AccountId,
			/// Paid to it.
			paid: BalanceOf<T>,
			/// Burned of its due.
			burned: BalanceOf<T>,
		},
		/// A streamed frame was proven wrong: the contributor was slashed and its due refunded.
		FrameDisputed {
			/// The session.
			session: SessionId,
			/// The contributor.
			contributor: T::AccountId,
			/// Who proved it.
			reporter: T::AccountId,
			/// The frame's sequence number.
			seq: u64,
			/// The wrong tile.
			tile: u32,
			/// Slashed from the contributor.
			slashed: BalanceOf<T>,
			/// Released back to the player now (its due when the dues were fixed already).
			refunded: BalanceOf<T>,
		},
		/// A session ended and left the chain; whatever was held for it is gone from the hold.
		SessionEnded {
			/// The session.
			session: SessionId,
			/// Refunded to the player in this last step.
			refunded: BalanceOf<T>,
		},
	}

	/// Errors of sessions.
	#[pallet::error]
	pub enum Error<T> {
		/// Only a bonded contributor publishes offers, is named in a session and accepts one.
		NotAContributor,
		/// The resources break the primitives' limits (kernel, size, frame rate).
		InvalidResources,
		/// The price per minute is below [`Config::MinPricePerMinute`].
		PriceTooLow,
		/// The contributor (or the backup) has no offer.
		NoOffer,
		/// The offer's resources do not cover the package (size or frame rate).
		OfferCannotServe,
		/// The offer's price is above the most the player said it pays.
		PriceAboveLimit,
		/// The package breaks the limits (size, frame rate, duration, latency).
		InvalidPackage,
		/// The package names another world than this chain's.
		WrongWorld,
		/// The player is the contributor or the backup.
		SelfSession,
		/// The backup is the contributor.
		BackupIsContributor,
		/// The escrow cannot be held from the player's free balance.
		EscrowUnavailable,
		/// No open session has this id.
		UnknownSession,
		/// The caller is not the contributor the session waits for.
		NotTheContributor,
		/// The session is not waiting for an acceptance.
		NotProposed,
		/// Only the session's player does this.
		NotThePlayer,
		/// The session has no backup, or it has switched to it already.
		NoBackup,
		/// The session is closing or settled already.
		NotOpen,
		/// The receipt names another session.
		ReceiptForAnotherSession,
		/// The receipt names a contributor that has not accepted this session.
		UnknownContributor,
		/// The signature is not the player's signature of this receipt on this chain.
		BadSignature,
		/// The receipt does not cover more play than the one settled (or fewer frames).
		ReceiptNotNewer,
		/// A receipt for no frames pays for nothing.
		EmptyReceipt,
		/// The session's dues are fixed: receipts are closed.
		ReceiptsClosed,
		/// A frame of this contributor's part was proven wrong: it is owed nothing more.
		PartDisputed,
		/// The contributor has no settled receipt in the session: there is no paid frame to
		/// dispute.
		NothingReceipted,
		/// The view is not a valid one-frame spec of the session's size.
		InvalidView,
		/// The proof's tile or frame position disagrees with the view or the receipt.
		BadTilePosition,
		/// The tile hash and paths do not lead to the receipt's frame root.
		BadMerklePath,
		/// The signature is not the contributor's signature of this frame.
		BadFrameSignature,
		/// The number of chunk encodings differs from the view's scene.
		WrongChunkCount,
		/// A chunk's bytes do not hash to the content hash in the view.
		ChunkHashMismatch,
		/// A chunk's bytes are not a canonical chunk encoding.
		InvalidChunkBytes,
		/// The re-rendered tile matches the claimed one: the frame is right there.
		FrameNotWrong,
		/// The phase's last block has passed: it ends at the start of a coming block.
		PhaseOver,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Ends the phases whose last block was the previous one.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			Self::fire_deadlines(now)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::AcceptPeriod::get() >= 1u32.into(), "AcceptPeriod must be at least 1");
			assert!(T::ClosePeriod::get() >= 1u32.into(), "ClosePeriod must be at least 1");
			assert!(T::DisputeWindow::get() >= 1u32.into(), "DisputeWindow must be at least 1");
			assert!(T::MaxDeadlinesPerBlock::get() >= 1, "MaxDeadlinesPerBlock must be at least 1");
			assert!(
				T::MaxSceneChunks::get() <= playnet_primitives::render::spec::MAX_SCENE_CHUNKS,
				"MaxSceneChunks past the primitives' limit"
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Publish (or replace) the caller's offer: `resource_hash` names what it runs,
		/// `resources` the limits it commits to, `price_per_minute` what a minute of play
		/// costs. Sessions already open keep the price they opened with.
		///
		/// # Events
		/// - [`Event::OfferPublished`].
		///
		/// # Errors
		/// - [`Error::NotAContributor`]: the caller is not bonded;
		/// - [`Error::InvalidResources`], [`Error::PriceTooLow`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::publish_offer())]
		pub fn publish_offer(
			origin: OriginFor<T>,
			resource_hash: Hash32,
			resources: Resources,
			price_per_minute: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_publish_offer(who, resource_hash, resources, price_per_minute)
		}

		/// Withdraw the caller's offer: no new session names it; open ones go on.
		///
		/// # Events
		/// - [`Event::OfferWithdrawn`].
		///
		/// # Errors
		/// - [`Error::NoOffer`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::withdraw_offer())]
		pub fn withdraw_offer(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(Offers::<T>::take(&who).is_some(), Error::<T>::NoOffer);
			Self::deposit_event(Event::OfferWithdrawn { contributor: who });
			Ok(())
		}

		/// Open a session with `contributor`'s offer and an optional `backup`: hold
		/// `package.max_minutes x` the higher of their prices from the caller, stamp the
		/// start and the package hash, and wait [`Config::AcceptPeriod`] blocks for the
		/// contributor to accept. `max_price_per_minute` is the most the caller pays either.
		///
		/// # Events
		/// - [`Event::SessionOpened`].
		///
		/// # Errors
		/// - [`Error::InvalidPackage`], [`Error::WrongWorld`]: the package;
		/// - [`Error::SelfSession`], [`Error::BackupIsContributor`];
		/// - [`Error::NoOffer`], [`Error::NotAContributor`], [`Error::OfferCannotServe`],
		///   [`Error::PriceAboveLimit`]: the contributor's or the backup's offer;
		/// - [`Error::EscrowUnavailable`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::open_session())]
		pub fn open_session(
			origin: OriginFor<T>,
			contributor: T::AccountId,
			backup: Option<T::AccountId>,
			package: SessionPackage,
			max_price_per_minute: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_open_session(who, contributor, backup, package, max_price_per_minute)
		}

		/// Accept a session as the contributor it waits for: it is served from now.
		///
		/// # Events
		/// - [`Event::SessionAccepted`].
		///
		/// # Errors
		/// - [`Error::UnknownSession`], [`Error::NotProposed`], [`Error::NotTheContributor`];
		/// - [`Error::NotAContributor`]: the caller is no longer bonded.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::accept_session())]
		pub fn accept_session(origin: OriginFor<T>, session: SessionId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_accept_session(who, session)
		}

		/// Settle the player's receipt for one contributor of `session`: kept when the player
		/// signed it (`signature` of [`Receipt::signing_payload`] with this chain's genesis
		/// hash) and it covers more play than the one settled. Anyone may submit it.
		///
		/// # Events
		/// - [`Event::ReceiptSettled`].
		///
		/// # Errors
		/// - [`Error::UnknownSession`], [`Error::ReceiptsClosed`];
		/// - [`Error::ReceiptForAnotherSession`], [`Error::UnknownContributor`],
		///   [`Error::PartDisputed`];
		/// - [`Error::BadSignature`];
		/// - [`Error::EmptyReceipt`], [`Error::ReceiptNotNewer`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::settle_receipt())]
		pub fn settle_receipt(
			origin: OriginFor<T>,
			session: SessionId,
			receipt: Receipt<T::AccountId>,
			signature: T::Signature,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_settle_receipt(session, receipt, signature)
		}

		/// Move the session to its backup, as its player: the backup accepts within
		/// [`Config::AcceptPeriod`] blocks, or the session closes. The contributor left keeps
		/// what its receipts cover.
		///
		/// # Events
		/// - [`Event::SessionSwitched`].
		///
		/// # Errors
		/// - [`Error::UnknownSession`], [`Error::NotThePlayer`], [`Error::NotOpen`];
		/// - [`Error::NoBackup`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::switch_to_backup())]
		pub fn switch_to_backup(origin: OriginFor<T>, session: SessionId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_switch_to_backup(who, session)
		}

		/// End the session, as its player or its current contributor: contributors settle their
		/// latest receipts within [`Config::ClosePeriod`] blocks, then the dues are fixed and
		/// the rest refunded. A session nobody accepted ends at once, its escrow refunded.
		///
		/// # Events
		/// - [`Event::SessionClosing`], or [`Event::SessionEnded`].
		///
		/// # Errors
		/// - [`Error::UnknownSession`], [`Error::NotOpen`];
		/// - [`Error::NotThePlayer`]: the caller is neither the player nor the contributor
		///   serving it.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::end_session())]
		pub fn end_session(origin: OriginFor<T>, session: SessionId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_end_session(who, session)
		}

		/// Prove a receipted frame of `contributor` in `session` wrong with one tile, before its
		/// due is paid: `dispute` carries the frame's view, the contributor's signature of the
		/// frame, the claimed tile hash and its place under the receipt's frame root;
		/// `chunks` are the canonical encodings of the view's scene chunks, in its order. The
		/// runtime renders the tile with the primitives' CPU kernel; when it differs, the
		/// contributor is slashed [`Config::FraudSlash`] (the caller gets the registry's
		/// reporter share) and its due goes back to the player.
		///
		/// # Events
		/// - [`Event::FrameDisputed`].
		///
		/// # Errors
		/// - [`Error::UnknownSession`], [`Error::UnknownContributor`], [`Error::PartDisputed`],
		///   [`Error::NothingReceipted`];
		/// - [`Error::InvalidView`], [`Error::BadTilePosition`], [`Error::BadMerklePath`],
		///   [`Error::BadFrameSignature`]: the frame is not one the contributor signed and the
		///   player paid for;
		/// - [`Error::WrongChunkCount`], [`Error::ChunkHashMismatch`],
		///   [`Error::InvalidChunkBytes`]: the chunks are not the view's scene;
		/// - [`Error::FrameNotWrong`]: the tile is right.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::dispute_frame(chunks.len() as u32))]
		pub fn dispute_frame(
			origin: OriginFor<T>,
			session: SessionId,
			contributor: T::AccountId,
			dispute: Box<FrameDispute<T::Signature>>,
			chunks: BoundedVec<ChunkBytes, T::MaxSceneChunks>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_dispute_frame(who, session, contributor, *dispute, chunks)
		}
	}
}
