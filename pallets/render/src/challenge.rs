//! Challenges: evidence on demand. While an accepted result is open to fraud proofs, anyone
//! may challenge one of its frames with a deposit; a signer then publishes that frame's tile
//! hashes and the frame's path to the root ([`Evidence`]), from which anyone can build the
//! one-tile proof `report_fraud` takes. A challenge nobody answers by its deadline overturns
//! the result: a root with nothing behind it is treated as a fraud.

use crate::{pallet::*, types::*, BalanceOf, ChallengeOf, TaskOf};
use alloc::vec::Vec;
use playnet_primitives::{
	proof::{
		merkle::{merkle_root, MerkleProof},
		tile::tile_count,
	},
	Hash32,
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{
			fungible::MutateHold,
			tokens::{Fortitude, Precision, Restriction},
			Get,
		},
		BoundedVec,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchResult,
	},
};

impl<T: Config> Pallet<T> {
	/// Opens a challenge of `frame` of `index`'s accepted result, holding the deposit from
	/// `challenger`. The task settles no earlier than the challenge's deadline.
	pub(crate) fn do_challenge(
		challenger: T::AccountId,
		index: TaskIndex,
		frame: u32,
	) -> DispatchResult {
		let mut task = Tasks::<T>::get(index).ok_or(Error::<T>::UnknownTask)?;
		ensure!(task.phase == TaskPhase::Accepted, Error::<T>::NotAccepted);
		let spec = Specs::<T>::get(index).ok_or(Error::<T>::UnknownTask)?;
		ensure!(frame < spec.frame_count, Error::<T>::BadTilePosition);
		ensure!(!Challenges::<T>::contains_key(index, frame), Error::<T>::AlreadyChallenged);
		let open = Challenges::<T>::iter_prefix(index).count() as u32;
		ensure!(open < T::MaxChallengesPerTask::get(), Error::<T>::TooManyChallenges);
		let deposit = T::ChallengeDeposit::get();
		T::Currency::hold(&HoldReason::ChallengeDeposit.into(), &challenger, deposit)
			.map_err(|_| Error::<T>::DepositUnavailable)?;

		let now = frame_system::Pallet::<T>::block_number();
		let deadline = now.saturating_add(T::AnswerPeriod::get());
		Challenges::<T>::insert(
			index,
			frame,
			Challenge { challenger: challenger.clone(), deposit, deadline, answered_by: None },
		);
		// The result is not paid out while a challenge of it is unanswered.
		if task.deadline < deadline {
			Self::set_deadline(index, &mut task, deadline);
			Tasks::<T>::insert(index, task);
		}
		Self::deposit_event(Event::FrameChallenged { task: index, frame, challenger, deadline });
		Ok(())
	}

	/// Takes a signer's answer to the challenge of `frame`: the frame's tile hashes and its
	/// path to the accepted root, checked and stored as the frame's [`Evidence`].
	pub(crate) fn do_answer_challenge(
		signer: T::AccountId,
		index: TaskIndex,
		frame: u32,
		tile_hashes: BoundedVec<Hash32, T::MaxTilesPerFrame>,
		frame_path: BoundedVec<Hash32, MaxFramePathOf>,
	) -> DispatchResult {
		let task = Tasks::<T>::get(index).ok_or(Error::<T>::UnknownTask)?;
		let (TaskPhase::Accepted, Some(root), Some(result_id)) =
			(task.phase, task.accepted_root, task.result_id)
		else {
			return Err(Error::<T>::NotAccepted.into());
		};
		let mut challenge =
			Challenges::<T>::get(index, frame).ok_or(Error::<T>::NoSuchChallenge)?;
		ensure!(challenge.answered_by.is_none(), Error::<T>::AlreadyAnswered);
		ensure!(task.signers().contains(&signer), Error::<T>::NotASigner);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= challenge.deadline, Error::<T>::AnswerTooLate);
		let spec = Specs::<T>::get(index).ok_or(Error::<T>::UnknownTask)?;
		ensure!(
			tile_hashes.len() as u32 == tile_count(spec.width, spec.height),
			Error::<T>::BadEvidence
		);
		let tile_root = merkle_root(&tile_hashes).ok_or(Error::<T>::BadEvidence)?;
		let frame_hash = Hash32::of_parts(&[&result_id.0, &tile_root.0]);
		let path = MerkleProof {
			index: frame,
			leaf_count: spec.frame_count,
			siblings: frame_path.to_vec(),
		};
		path.verify(&frame_hash, &root).map_err(|_| Error::<T>::BadEvidence)?;

		Evidence::<T>::insert(index, frame, FrameEvidence { tile_hashes, frame_path });
		challenge.answered_by = Some(signer.clone());
		Challenges::<T>::insert(index, frame, challenge);
		Self::deposit_event(Event::ChallengeAnswered { task: index, frame, signer });
		Ok(())
	}

	/// The challenger of the first challenge of `index` that went unanswered past its
	/// deadline, if any.
	pub(crate) fn first_unanswered_challenger(
		index: TaskIndex,
		now: BlockNumberFor<T>,
	) -> Option<T::AccountId> {
		Challenges::<T>::iter_prefix_values(index)
			.find(|challenge| challenge.answered_by.is_none() && challenge.deadline < now)
			.map(|challenge| challenge.challenger)
	}

	/// The end of an accepted task with a challenge nobody answered: every signer is slashed
	/// [`Config::FraudSlash`] (the challenger of the first unanswered frame gets the
	/// registry's reporter share) and recorded [`Outcome::Fraud`], the deposits go back to
	/// the challengers, and the poster is refunded.
	pub(crate) fn overturn_unanswered(index: TaskIndex, task: TaskOf<T>, reporter: &T::AccountId) {
		let mut slashed = BalanceOf::<T>::zero();
		for signer in task.signers() {
			slashed = slashed.saturating_add(T::Workers::slash(
				&signer,
				T::FraudSlash::get(),
				Some(reporter),
			));
			T::Workers::record_outcome(&signer, Outcome::Fraud);
		}
		Self::deposit_event(Event::ChallengeUnanswered { task: index, slashed });
		Self::refund(index, task, RefundReason::ChallengeUnanswered);
	}

	/// Ends the challenges of an ended task (`overturned`: its result was proven wrong or went
	/// unanswered): deposits go back to their challengers when the result was overturned or
	/// the challenge went unanswered, and to the signers (split evenly, the remainder to the
	/// last) when the answered result stood. Its evidence is removed.
	pub(crate) fn close_challenges(index: TaskIndex, signers: &[T::AccountId], overturned: bool) {
		let reason = HoldReason::ChallengeDeposit.into();
		let challenges: Vec<(u32, ChallengeOf<T>)> = Challenges::<T>::drain_prefix(index).collect();
		let _ = Evidence::<T>::clear_prefix(index, u32::MAX, None);
		for (frame, challenge) in challenges {
			let to_signers = !overturned && challenge.answered_by.is_some() && !signers.is_empty();
			if !to_signers {
				let _ = T::Currency::release(
					&reason,
					&challenge.challenger,
					challenge.deposit,
					Precision::BestEffort,
				);
				Self::deposit_event(Event::ChallengeClosed {
					task: index,
					frame,
					deposit_to_signers: false,
				});
				continue;
			}
			let count: BalanceOf<T> = (signers.len() as u32).into();
			let share = challenge.deposit / count;
			let mut left = challenge.deposit;
			for (i, signer) in signers.iter().enumerate() {
				let amount = if i + 1 == signers.len() { left } else { share };
				let moved = T::Currency::transfer_on_hold(
					&reason,
					&challenge.challenger,
					signer,
					amount,
					Precision::BestEffort,
					Restriction::Free,
					Fortitude::Force,
				)
				.unwrap_or_default();
				left = left.saturating_sub(moved);
			}
			// What could not be paid (a reaped signer) goes back to the challenger.
			if !left.is_zero() {
				let _ = T::Currency::release(
					&reason,
					&challenge.challenger,
					left,
					Precision::BestEffort,
				);
			}
			Self::deposit_event(Event::ChallengeClosed {
				task: index,
				frame,
				deposit_to_signers: true,
			});
		}
	}
}
