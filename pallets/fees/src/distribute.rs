//! The `OnUnbalanced` handler that splits fees, and the arithmetic of the split.

use crate::{BalanceOf, Config, Pallet};
use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::traits::{
		fungible::{Balanced, Credit},
		tokens::imbalance::Imbalance,
		Get, OnUnbalanced,
	},
	sp_runtime::{traits::Zero, Percent, Saturating},
};

/// How one amount of fees is divided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeeSplit<Balance> {
	/// Burned: removed from total issuance.
	pub burned: Balance,
	/// Credited to the treasury.
	pub to_treasury: Balance,
	/// Credited to the block author.
	pub to_author: Balance,
}

/// Divide `amount` by the shares: treasury and author shares are rounded down, and the
/// remainder (including all rounding dust) is burned, so the three parts always add up to
/// `amount` exactly.
pub fn split_fee<Balance>(amount: Balance, burn: Percent, treasury: Percent) -> FeeSplit<Balance>
where
	Balance: polkadot_sdk::sp_runtime::traits::AtLeast32BitUnsigned + Copy,
{
	let author_share = Percent::one().saturating_sub(burn).saturating_sub(treasury);
	let to_treasury = treasury.mul_floor(amount);
	let to_author = author_share.mul_floor(amount);
	let burned = amount.saturating_sub(to_treasury).saturating_sub(to_author);
	FeeSplit { burned, to_treasury, to_author }
}

/// Plugs into `pallet_transaction_payment::FungibleAdapter` as its `OnUnbalanced` handler.
///
/// It receives the fee and then the tip of each transaction, merges them and splits the sum
/// by [`Config::BurnShare`] and [`Config::TreasuryShare`].
pub struct DistributeFees<T>(PhantomData<T>);

impl<T: Config> OnUnbalanced<Credit<T::AccountId, T::Currency>> for DistributeFees<T> {
	// `on_unbalanceds` (the fee, then the tip) keeps the trait's default: it merges the
	// credits and hands the sum to `on_unbalanced` once, so a tip is split like the fee.
	fn on_unbalanced(credit: Credit<T::AccountId, T::Currency>) {
		let amount: BalanceOf<T> = credit.peek();
		if amount.is_zero() {
			return;
		}
		let split = split_fee(amount, T::BurnShare::get(), T::TreasuryShare::get());
		let author = T::BlockAuthor::get();

		let (author_part, rest) = credit.split(split.to_author);
		let (mut treasury_part, mut burned) = rest.split(split.to_treasury);
		// Without a known author, the author's part goes to the treasury.
		let author_part = match &author {
			Some(_) => author_part,
			None => {
				treasury_part = treasury_part.merge(author_part);
				Default::default()
			}
		};

		// A recipient that cannot take its part (below the existential deposit, say) leaves it
		// to be burned with the rest, so the parts always add up to the fee.
		let to_author = match (&author, author_part.peek().is_zero()) {
			(Some(who), false) => Self::credit_or_burn(who, author_part, &mut burned),
			_ => Zero::zero(),
		};
		let to_treasury = if treasury_part.peek().is_zero() {
			Zero::zero()
		} else {
			Self::credit_or_burn(&T::TreasuryAccount::get(), treasury_part, &mut burned)
		};

		let split = FeeSplit { burned: burned.peek(), to_treasury, to_author };
		// Dropping the credit reduces total issuance: that is the burn.
		drop(burned);
		Pallet::<T>::note_distribution(split, author);
	}
}

impl<T: Config> DistributeFees<T> {
	/// Credit `part` to `who`; if the account cannot take it, add it to `burned`.
	/// Returns the amount credited.
	fn credit_or_burn(
		who: &T::AccountId,
		part: Credit<T::AccountId, T::Currency>,
		burned: &mut Credit<T::AccountId, T::Currency>,
	) -> BalanceOf<T> {
		let value = part.peek();
		match T::Currency::resolve(who, part) {
			Ok(()) => value,
			Err(refused) => {
				let pending = core::mem::take(burned);
				*burned = pending.merge(refused);
				Zero::zero()
			}
		}
	}
}
