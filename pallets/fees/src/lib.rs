//! # Fee split and burn
//!
//! Every transaction on Playnet pays a fee (and optionally a tip). This pallet decides where
//! that money goes, the same way for every transaction:
//!
//! - [`Config::BurnShare`] of it is **burned**: it leaves total issuance for good;
//! - [`Config::TreasuryShare`] goes to the treasury account;
//! - the rest goes to the author of the block that included the transaction (to the treasury
//!   when the block has no known author, as in some test environments).
//!
//! Shares are taken of the fee and tip together. Rounding favours burning: the treasury and
//! author shares are rounded down, and whatever is left over is burned.
//!
//! The pallet is plugged into `pallet-transaction-payment` as its `OnUnbalanced` handler
//! through [`DistributeFees`]. The running total of all burned fees is kept in
//! [`TotalBurned`], and each transaction's split is reported by [`Event::FeesDistributed`], so a
//! client can see both the per-transaction burn and the chain-wide total.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

pub use pallet::*;

mod distribute;
pub use distribute::{split_fee, DistributeFees, FeeSplit};

#[cfg(test)]
mod tests;

use polkadot_sdk::frame_support::traits::fungible;

/// The balance type of the currency this pallet distributes.
pub type BalanceOf<T> =
	<<T as Config>::Currency as fungible::Inspect<<T as frame_system::Config>::AccountId>>::Balance;

use polkadot_sdk::frame_system;

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use polkadot_sdk::{
		frame_support::{pallet_prelude::*, traits::fungible},
		frame_system::pallet_prelude::*,
		sp_runtime::{Percent, Saturating},
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Configuration of the fee split.
	#[pallet::config]
	pub trait Config: polkadot_sdk::frame_system::Config<RuntimeEvent: From<Event<Self>>> {
		/// The currency fees are paid in.
		type Currency: fungible::Balanced<Self::AccountId> + fungible::Mutate<Self::AccountId>;

		/// The share of every fee and tip that is burned.
		#[pallet::constant]
		type BurnShare: Get<Percent>;

		/// The share of every fee and tip that goes to the treasury.
		///
		/// `BurnShare + TreasuryShare` must not exceed 100%; the block author gets the rest.
		#[pallet::constant]
		type TreasuryShare: Get<Percent>;

		/// The account of the treasury.
		type TreasuryAccount: Get<Self::AccountId>;

		/// The author of the block being built, if known.
		type BlockAuthor: Get<Option<Self::AccountId>>;
	}

	/// The sum of every fee and tip burned since genesis.
	///
	/// Value: an amount of the fee currency. It only grows.
	#[pallet::storage]
	pub type TotalBurned<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Events of the fee split.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// One transaction's fee and tip were distributed.
		FeesDistributed {
			/// The amount burned: it left total issuance.
			burned: BalanceOf<T>,
			/// The amount credited to the treasury.
			to_treasury: BalanceOf<T>,
			/// The amount credited to the block author.
			to_author: BalanceOf<T>,
			/// The block author that was credited, if the block had one.
			author: Option<T::AccountId>,
		},
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			let total = T::BurnShare::get()
				.deconstruct()
				.saturating_add(T::TreasuryShare::get().deconstruct());
			assert!(total <= 100, "BurnShare + TreasuryShare must not exceed 100%");
		}
	}

	impl<T: Config> Pallet<T> {
		/// Record a burn in [`TotalBurned`] and report the whole split.
		pub(crate) fn note_distribution(
			split: FeeSplit<BalanceOf<T>>,
			author: Option<T::AccountId>,
		) {
			TotalBurned::<T>::mutate(|total| *total = total.saturating_add(split.burned));
			Self::deposit_event(Event::FeesDistributed {
				burned: split.burned,
				to_treasury: split.to_treasury,
				to_author: split.to_author,
				author,
			});
		}
	}
}
