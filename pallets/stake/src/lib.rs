//! # Stake
//!
//! Playnet's contributors: the accounts that bond PGT to render for others and to validate.
//! This pallet keeps their bonds, their reputation and the rule that makes the chain
//! proof-of-contribution: the validator set is chosen by stake x reputation.
//!
//! ## Bonds
//!
//! [`Pallet::bond`] holds funds from the caller's free balance under [`HoldReason::Bonded`]
//! and adds them to its [`StakeLedger`]'s `active` bond; a first bond must be at least
//! [`Config::MinBond`].
//! [`Pallet::unbond`] moves part of the active bond into an unlocking chunk that can be
//! withdrawn [`Config::UnbondingPeriod`] blocks later (at most [`Config::MaxUnlockingChunks`]
//! at a time; unbonding twice in one block adds to the same chunk), and
//! [`Pallet::withdraw_unbonded`] releases every chunk whose time has come. A ledger that
//! holds nothing any more is removed. Unlocking funds stay held and **stay slashable** until
//! withdrawn: unbonding is no way out of a slash for work done while bonded.
//!
//! An account is a *contributor* ([`Pallet::is_contributor`]) while its active bond is at least
//! `MinBond`; an account whose active bond fell below it (a slash, or an unbond of everything)
//! keeps its ledger until it withdraws, but takes no work and is not a validator candidate.
//!
//! ## Contributor slots
//!
//! There are [`Config::MaxContributors`] contributors at most, listed in [`Contributors`] by
//! active bond. When the list is full, a bond that would make a new contributor must be
//! strictly larger than the smallest contributor's bond, and that contributor is evicted: its
//! active bond starts unbonding, untouched ([`Event::Evicted`]). No one can lock the door by
//! filling the list first: see the `slots` module for the rule and why it holds.
//!
//! ## Reputation
//!
//! Every account has a [`ReputationRecord`] in [`Records`]: tasks agreed with the majority,
//! tasks missed, tasks lost (disagreed with the majority) and proven frauds, which the render
//! pallet reports, cloud-gaming sessions served, abandoned and disputed, which the sessions
//! pallet reports, all through [`Pallet::record_outcome`], and the sessions in which it was a
//! validator and authored nothing, which this pallet notes. The score ([`Pallet::reputation`],
//! a `Permill`) is a deterministic integer function of the record:
//!
//! ```text
//! good  = agreed + served
//! bad   = missed + abandoned + absent + 2 * lost
//! base  = 1_000_000 * (good + 1) / (good + bad + 2)  (rounded down)
//! score = base >> (4 * (frauds + disputed))
//! ```
//!
//! A new account starts at 50% ([`NEUTRAL_REPUTATION`]); agreement and sessions served pull
//! the score up, a miss, an abandoned session or an absent one pulls it down and a loss twice
//! as hard; each proven fraud or disputed session divides it by 16 (one leaves at most 6.25%,
//! five leave 0).
//! The sessions pallet reports a session only when it paid the contributor at least its
//! reputable minimum, so that farming or griefing a record costs PGT. Records outlive
//! ledgers: leaving and bonding again does not wash a record clean.
//!
//! ## Slashing
//!
//! [`Pallet::slash`] takes a [`SlashAmount`] (a fraction of everything the ledger holds, or an
//! amount) from the active bond first and then from the unlocking chunks, latest first.
//! [`Config::ReporterShare`] of it goes to the reporter, if there is one (and it is not the
//! slashed account itself), and the rest is **burned**: total issuance falls by exactly the
//! burned part ([`TotalBurned`] keeps the sum). When the reporter's share cannot be paid
//! (an account that cannot exist with so little), it is burned too. Slashing does not touch
//! the reputation record: callers report a [`Outcome::Fraud`] separately.
//!
//! ## Validator selection: proof of contribution
//!
//! The pallet is the chain's `pallet_session::SessionManager`. For every new session it ranks
//! the **candidates**, the contributors (active bond at least `MinBond`) that have session keys
//! ([`Config::HasSessionKeys`]) and a non-zero weight, by
//!
//! ```text
//! weight = active bond (in plancks, as u128) x reputation (in millionths)
//! ```
//!
//! heaviest first, ties broken by the smaller account id, and takes the first
//! [`Config::MaxValidators`]. If fewer candidates qualify than the chain's minimum
//! ([`MinValidatorCount`], never below [`Config::MinValidators`]) it returns `None`, and the
//! session pallet keeps the current set: **the set is never empty** and never shrinks below
//! the minimum because contributors left or went offline. The minimum is set per chain at
//! genesis and by root ([`Pallet::set_min_validators`]): a development chain runs on one
//! validator; any chain others rely on should keep at least four, the fewest in which one
//! validator can fail or lie without stopping or corrupting finality (`3f + 1`, `f = 1`).
//! Staking alone does not make a validator and neither does reputation alone: a validator has
//! both bonded PGT at risk and a record of rendering that agreed with the network.
//! [`Event::ValidatorsChosen`] or [`Event::ValidatorSetKept`] reports each decision.
//!
//! ## Liveness: a validator that stops authoring loses its seat
//!
//! The pallet counts the blocks each validator authors ([`AuthoredBlocks`], through
//! `pallet_authorship`'s event handler). When a session ends, every validator of it that
//! authored no block is **chilled** ([`Chilled`], [`Event::Chilled`]) and an
//! [`Outcome::Absent`] goes on its record: it is no validator candidate until it calls
//! [`Pallet::rejoin`], which an operator does once its node is back. BABE gives every
//! validator a secondary slot in turn, so a running validator authors in every session (in
//! Playnet's runtime a session is 40 slots, about ten for each of four validators); one that
//! authored nothing was offline, or was not producing blocks, for the whole session. The first
//! session is not judged: the network is still starting. The seat is lost from the next set the
//! pallet plans (the set after the next session: `pallet_session` queues a set one session
//! ahead), and the chain's minimum still holds: with too few live candidates the set stays.
//!
//! What a validator can still do is author one block a session and skip the rest of its
//! slots: it keeps its seat. The rule catches absence, not laziness; the slots it skips stay
//! empty unless another validator has a primary claim on them, which slows the chain by at
//! most its share of the slots but stops neither blocks nor finality.
//!
//! The ranking reads the [`Contributors`] list and at most `MaxContributors` records, so
//! planning a session is bounded work; `pallet_session` reserves the whole block for a
//! rotation anyway.
//!
//! At genesis, [`GenesisConfig::bonds`] bonds the initial contributors. For the session
//! pallet's genesis to rank them, this pallet must come before `Session` in the runtime (the
//! session's genesis then asks `new_session_genesis`; without enough candidates it falls back
//! to its own `keys`).
//!
//! ## For other pallets and clients
//!
//! The runtime wraps these in adapters for the render and sessions pallets: [`Pallet::bonded`],
//! [`Pallet::is_contributor`], [`Pallet::reputation`], [`Pallet::record_outcome`],
//! [`Pallet::slash`] and [`Pallet::contributors_weighted`]. The `pallet-stake-runtime-api`
//! crate declares `StakeApi`, implemented with [`Pallet::ledger_view`],
//! [`Pallet::reputation_view`], [`Pallet::contributors_weighted`] and
//! [`Pallet::next_validators`].

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

mod api;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod bonding;
mod impl_session_manager;
mod liveness;
mod ranking;
mod reputation;
mod slashing;
mod slots;
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
};

/// The balance type of the bonded currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A [`StakeLedger`] of this runtime.
pub type StakeLedgerOf<T> =
	StakeLedger<BalanceOf<T>, BlockNumberFor<T>, <T as Config>::MaxUnlockingChunks>;

/// An [`UnlockChunk`] of this runtime.
pub type UnlockChunkOf<T> = UnlockChunk<BalanceOf<T>, BlockNumberFor<T>>;

/// The [`Contributors`] list of this runtime: each contributor with its active bond.
pub type ContributorSlotsOf<T> = polkadot_sdk::frame_support::BoundedVec<
	(<T as frame_system::Config>::AccountId, BalanceOf<T>),
	<T as Config>::MaxContributors,
>;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use polkadot_sdk::{
		frame_support::{
			pallet_prelude::*,
			traits::{
				fungible::{Inspect, Mutate, MutateHold},
				Contains,
			},
		},
		frame_system::pallet_prelude::*,
		sp_runtime::{traits::Zero, Perbill, Permill},
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Configuration of contributor staking.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency bonds are held in.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ Mutate<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The accounts that have session keys for the next session (in Playnet's runtime:
		/// `pallet_session::NextKeys` holds keys for the account). Only they can be chosen as
		/// validators.
		type HasSessionKeys: Contains<Self::AccountId>;

		/// The least active bond of a contributor; a first bond must be at least this.
		#[pallet::constant]
		type MinBond: Get<BalanceOf<Self>>;

		/// How many blocks unbonded funds stay held (and slashable) before they can be
		/// withdrawn.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// The most unlocking chunks one ledger may have at a time.
		#[pallet::constant]
		type MaxUnlockingChunks: Get<u32>;

		/// The most contributors at a time. Bounds the work of ranking them; when all slots
		/// are taken, a larger bond evicts the smallest.
		#[pallet::constant]
		type MaxContributors: Get<u32>;

		/// The share of a slash paid to its reporter; the rest is burned.
		#[pallet::constant]
		type ReporterShare: Get<Perbill>;

		/// The fewest validators a new set may have: with fewer candidates the current set
		/// stays. At least 1.
		#[pallet::constant]
		type MinValidators: Get<u32>;

		/// The most validators a set may have.
		#[pallet::constant]
		type MaxValidators: Get<u32>;

		/// The validators of the current session (in Playnet's runtime:
		/// `pallet_session::Validators`). When a session ends, those of them that authored no
		/// block in it are chilled.
		type SessionValidators: Get<Vec<Self::AccountId>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A contributor's bond, active or unlocking.
		#[codec(index = 0)]
		Bonded,
	}

	/// The bonded accounts, contributors and leaving ones. Key: the account. Value: its
	/// active bond and unlocking chunks, which together equal its hold for
	/// [`HoldReason::Bonded`]. Counted. Each was made by a bond of at least
	/// [`Config::MinBond`], and goes when its funds are withdrawn.
	#[pallet::storage]
	pub type Ledgers<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, StakeLedgerOf<T>>;

	/// The contributors: every account whose active bond is at least [`Config::MinBond`],
	/// with that bond, smallest bond first and, among equal bonds, by account. Value: at most
	/// [`Config::MaxContributors`] entries.
	#[pallet::storage]
	pub type Contributors<T: Config> = StorageValue<_, ContributorSlotsOf<T>, ValueQuery>;

	/// The task and session records. Key: the account. Value: its counts of agreed, missed
	/// and lost tasks, proven frauds, and sessions served, abandoned and disputed; empty
	/// (neutral reputation) for accounts never reported. Kept when the account's ledger goes.
	#[pallet::storage]
	pub type Records<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, ReputationRecord, ValueQuery>;

	/// The blocks each validator authored in the current session. Key: the author. Value: the
	/// count. Emptied when the session ends.
	#[pallet::storage]
	pub type AuthoredBlocks<T: Config> = StorageMap<_, Twox64Concat, T::AccountId, u32, ValueQuery>;

	/// The validators that authored no block in a whole session: no validator candidates until
	/// they call [`Pallet::rejoin`]. Key: the account. Value: the session at whose end it was
	/// chilled.
	#[pallet::storage]
	pub type Chilled<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32>;

	/// The fewest validators a new set may have on this chain; [`Config::MinValidators`]
	/// when lower. Value: a count, at most [`Config::MaxValidators`].
	#[pallet::storage]
	pub type MinValidatorCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The sum of every ledger's active bond. Value: an amount of the bonded currency.
	#[pallet::storage]
	pub type TotalActive<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// The sum of every slash burned since genesis (the reporters' shares not included).
	/// Value: an amount of the bonded currency. It only grows.
	#[pallet::storage]
	pub type TotalBurned<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// The contributors at genesis.
	#[pallet::genesis_config]
	#[derive(polkadot_sdk::frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Accounts and the amounts they bond, held from their genesis balances. Each amount
		/// must be at least [`Config::MinBond`]; no account twice.
		pub bonds: Vec<(T::AccountId, BalanceOf<T>)>,
		/// The fewest validators a new set may have ([`MinValidatorCount`]); at most
		/// [`Config::MaxValidators`].
		pub min_validators: u32,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(
				self.min_validators <= T::MaxValidators::get(),
				"min_validators is above MaxValidators"
			);
			MinValidatorCount::<T>::put(self.min_validators);
			for (who, amount) in &self.bonds {
				assert!(!Ledgers::<T>::contains_key(who), "a genesis bond is listed twice");
				Pallet::<T>::do_bond(who.clone(), *amount)
					.expect("a genesis bond is at least MinBond and affordable");
			}
		}
	}

	/// Events of contributor staking.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Funds were bonded.
		Bonded {
			/// The account.
			who: T::AccountId,
			/// The amount bonded now.
			amount: BalanceOf<T>,
			/// Its active bond after.
			active: BalanceOf<T>,
		},
		/// Part of an active bond started unlocking.
		Unbonding {
			/// The account.
			who: T::AccountId,
			/// The amount.
			amount: BalanceOf<T>,
			/// The first block at which it can be withdrawn.
			unlock_at: BlockNumberFor<T>,
		},
		/// Unlocked funds were released to the free balance.
		Withdrawn {
			/// The account.
			who: T::AccountId,
			/// The amount released.
			amount: BalanceOf<T>,
		},
		/// A contributor lost its slot to a larger bond: its whole active bond started
		/// unbonding.
		Evicted {
			/// The evicted account.
			who: T::AccountId,
			/// The account whose bond took the slot.
			by: T::AccountId,
			/// The active bond that started unbonding.
			amount: BalanceOf<T>,
			/// The first block at which it can be withdrawn.
			unlock_at: BlockNumberFor<T>,
		},
		/// An account's ledger held nothing any more and was removed.
		ContributorLeft {
			/// The account.
			who: T::AccountId,
		},
		/// A contributor was slashed.
		Slashed {
			/// The slashed account.
			who: T::AccountId,
			/// Everything taken: `to_reporter + burned`.
			amount: BalanceOf<T>,
			/// The reporter paid, if any.
			reporter: Option<T::AccountId>,
			/// The amount paid to the reporter.
			to_reporter: BalanceOf<T>,
			/// The amount burned.
			burned: BalanceOf<T>,
		},
		/// A task or session outcome was added to an account's record.
		OutcomeRecorded {
			/// The account.
			who: T::AccountId,
			/// The outcome.
			outcome: Outcome,
			/// Its reputation after.
			reputation: Permill,
		},
		/// A validator set was chosen for a new session.
		ValidatorsChosen {
			/// The session it is for.
			session: u32,
			/// The validators, heaviest first.
			validators: Vec<T::AccountId>,
		},
		/// A validator authored no block in a whole session: it is no candidate until it
		/// rejoins.
		Chilled {
			/// The validator.
			who: T::AccountId,
			/// The session it authored nothing in.
			session: u32,
		},
		/// A chilled validator rejoined the candidates.
		Rejoined {
			/// The account.
			who: T::AccountId,
		},
		/// Root set the chain's least validator set size.
		MinValidatorsSet {
			/// The new minimum.
			count: u32,
		},
		/// Too few candidates for a new session: the current validator set stays.
		ValidatorSetKept {
			/// The session.
			session: u32,
			/// How many candidates there were (fewer than [`Config::MinValidators`]).
			candidates: u32,
		},
	}

	/// Errors of contributor staking.
	#[pallet::error]
	pub enum Error<T> {
		/// The amount is zero.
		ZeroAmount,
		/// The account has no ledger: it never bonded, or it withdrew everything.
		NotBonded,
		/// The active bond would end below [`Config::MinBond`] (and above zero).
		BelowMinBond,
		/// The amount cannot be held from the caller's free balance.
		InsufficientBalance,
		/// All [`Config::MaxContributors`] slots are taken by bonds at least as large as this
		/// one: bond more than the smallest contributor to take its slot.
		TooManyContributors,
		/// The amount to unbond is more than the active bond.
		InsufficientBond,
		/// The ledger has [`Config::MaxUnlockingChunks`] chunks already: withdraw first or
		/// wait.
		TooManyUnlockingChunks,
		/// No unlocking chunk has reached its unlock block.
		NothingToWithdraw,
		/// The account is not chilled: there is nothing to rejoin.
		NotChilled,
		/// The least validator set size asked for is above [`Config::MaxValidators`].
		MinAboveMax,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// The weight of noting the block's author (one read and one write of
		/// [`AuthoredBlocks`]), which `pallet_authorship` does on this pallet's behalf without
		/// charging for it.
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			T::DbWeight::get().reads_writes(1, 1)
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(
			_n: BlockNumberFor<T>,
		) -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}

		fn integrity_test() {
			assert!(T::MinValidators::get() >= 1, "MinValidators must be at least 1");
			assert!(
				T::MaxValidators::get() >= T::MinValidators::get(),
				"MaxValidators must be at least MinValidators"
			);
			assert!(
				T::MaxContributors::get() >= T::MaxValidators::get(),
				"MaxContributors must be at least MaxValidators"
			);
			assert!(T::MaxUnlockingChunks::get() > 0, "MaxUnlockingChunks must be positive");
			assert!(!T::MinBond::get().is_zero(), "MinBond must be positive");
			assert!(
				T::MinBond::get() >= T::Currency::minimum_balance(),
				"MinBond must be at least the existential deposit"
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Bond `amount` more of the caller's free balance (held under
		/// [`HoldReason::Bonded`]). The first bond makes the caller a contributor and must be
		/// at least [`Config::MinBond`]; later bonds add to the active bond. When every
		/// contributor slot is taken, a bond that makes a new contributor evicts the smallest
		/// contributor if it is strictly larger.
		///
		/// # Events
		/// - [`Event::Bonded`]; [`Event::Evicted`] when it took a slot from another.
		///
		/// # Errors
		/// - [`Error::ZeroAmount`];
		/// - [`Error::BelowMinBond`]: the active bond after would be below `MinBond`;
		/// - [`Error::TooManyContributors`]: every slot is taken, by bonds at least as large;
		/// - [`Error::InsufficientBalance`]: the free balance cannot cover it.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::bond())]
		pub fn bond(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bond(who, amount)
		}

		/// Start unbonding `amount` of the caller's active bond. It stays held, and
		/// slashable, for [`Config::UnbondingPeriod`] blocks; then
		/// [`Pallet::withdraw_unbonded`] releases it.
		///
		/// # Events
		/// - [`Event::Unbonding`].
		///
		/// # Errors
		/// - [`Error::ZeroAmount`], [`Error::NotBonded`];
		/// - [`Error::InsufficientBond`]: more than the active bond;
		/// - [`Error::BelowMinBond`]: the active bond left would be above zero but below
		///   `MinBond` (unbond all of it instead);
		/// - [`Error::TooManyUnlockingChunks`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(
			origin: OriginFor<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unbond(who, amount)
		}

		/// Release every unlocking chunk of the caller whose unlock block has come. A ledger
		/// left with nothing is removed.
		///
		/// # Events
		/// - [`Event::Withdrawn`]; [`Event::ContributorLeft`] when the ledger is removed.
		///
		/// # Errors
		/// - [`Error::NotBonded`];
		/// - [`Error::NothingToWithdraw`]: no chunk has unlocked yet.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_unbonded(who)
		}

		/// Make the caller, chilled for authoring nothing in a session, a validator candidate
		/// again (from the next set the pallet plans). Call it once the node is back.
		///
		/// # Events
		/// - [`Event::Rejoined`].
		///
		/// # Errors
		/// - [`Error::NotChilled`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::rejoin())]
		pub fn rejoin(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_rejoin(who)
		}

		/// Set the least size of a new validator set on this chain (root only). With fewer
		/// candidates, the current set stays.
		///
		/// # Events
		/// - [`Event::MinValidatorsSet`].
		///
		/// # Errors
		/// - [`Error::MinAboveMax`]: above [`Config::MaxValidators`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_min_validators())]
		pub fn set_min_validators(origin: OriginFor<T>, count: u32) -> DispatchResult {
			ensure_root(origin)?;
			ensure!(count <= T::MaxValidators::get(), Error::<T>::MinAboveMax);
			MinValidatorCount::<T>::put(count);
			Self::deposit_event(Event::MinValidatorsSet { count });
			Ok(())
		}
	}
}
