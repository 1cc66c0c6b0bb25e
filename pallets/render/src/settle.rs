//! Settling: at the end of the fraud window the fee is split between the signers and burned,
//! new PGT is minted to the signers, and the task ends.

use crate::{pallet::*, types::*, BalanceOf, TaskOf};
use polkadot_sdk::{
	frame_support::traits::{
		fungible::{Mutate, MutateHold},
		tokens::{Fortitude, Precision, Restriction},
		Get,
	},
	sp_runtime::traits::{Saturating, Zero},
};

impl<T: Config> Pallet<T> {
	/// Pays `task`'s signers and ends it. Of fee `F` with `m` signers: `BurnShare x F` is
	/// burned, each signer gets `(F - burned) / m`, the remainder (and any share that cannot
	/// be paid) is burned; each signer is minted `reward_base x reputation_factor`.
	pub(crate) fn settle(index: TaskIndex, task: TaskOf<T>) {
		let reason = HoldReason::TaskEscrow.into();
		let signers = task.signers();
		// The result stood: the workers who revealed another root lose.
		for slot in &task.workers {
			if slot.root.is_some() && slot.root != task.accepted_root {
				let slashed = T::Workers::slash(&slot.who, T::DissentSlash::get(), None);
				T::Workers::record_outcome(&slot.who, Outcome::Lost);
				Self::deposit_event(Event::DissenterSlashed {
					task: index,
					worker: slot.who.clone(),
					slashed,
				});
			}
		}
		let mut burn = T::BurnShare::get().mul_floor(task.fee);
		let to_share = task.fee.saturating_sub(burn);
		let count: BalanceOf<T> = (signers.len() as u32).into();
		let share = if count.is_zero() { Zero::zero() } else { to_share / count };
		let mut paid = BalanceOf::<T>::zero();
		let mut minted = BalanceOf::<T>::zero();
		for signer in &signers {
			let fee_share = if share.is_zero() {
				Zero::zero()
			} else {
				T::Currency::transfer_on_hold(
					&reason,
					&task.poster,
					signer,
					share,
					Precision::Exact,
					Restriction::Free,
					Fortitude::Force,
				)
				.unwrap_or_default()
			};
			paid = paid.saturating_add(fee_share);
			let reward =
				reputation_factor(T::Workers::reputation(signer)).mul_floor(task.reward_base);
			let reward = if reward.is_zero() {
				reward
			} else {
				T::Currency::mint_into(signer, reward).unwrap_or_default()
			};
			minted = minted.saturating_add(reward);
			RewardsEarned::<T>::mutate(signer, |earned| {
				*earned = earned.saturating_add(fee_share).saturating_add(reward)
			});
			Self::deposit_event(Event::WorkerRewarded {
				task: index,
				worker: signer.clone(),
				fee_share,
				minted: reward,
			});
		}
		// Whatever was not paid out is burned: the share, the remainder, failed payments.
		burn = task.fee.saturating_sub(paid);
		let burned = T::Currency::burn_held(
			&reason,
			&task.poster,
			burn,
			Precision::BestEffort,
			Fortitude::Force,
		)
		.unwrap_or_default();
		Self::close_challenges(index, &signers, false);
		Self::end_task(index, task.deadline);
		Self::deposit_event(Event::TaskSettled { task: index, paid, burned, minted });
	}
}
