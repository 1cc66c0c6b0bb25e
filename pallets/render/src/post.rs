//! Posting a task: the spec checked, the fee held, and its draw scheduled.

use crate::{pallet::*, types::*, BalanceOf, StoredSpecOf, TaskOf};
use playnet_primitives::RenderSpec;
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::MutateHold, Get},
		BoundedVec,
	},
	frame_system,
	sp_runtime::{
		traits::{Bounded, One, Saturating, Zero},
		DispatchResult,
	},
};

impl<T: Config> Pallet<T> {
	/// The least fee a task of `work_units` may carry: `max(MinFee, MinFeePerUnit x
	/// work_units)`, saturating.
	pub fn min_fee(work_units: u64) -> BalanceOf<T> {
		let units: BalanceOf<T> =
			work_units.try_into().unwrap_or_else(|_| BalanceOf::<T>::max_value());
		T::MinFeePerUnit::get().saturating_mul(units).max(T::MinFee::get())
	}

	/// Checks the spec and the fee, holds the fee and opens the task, to be drawn at the start
	/// of block `now + AssignDelay` (or a later one, when the deadlines of that block take more
	/// than [`Config::DeadlineWeight`]). Nothing changes unless every check passes.
	pub(crate) fn do_post_task(
		poster: T::AccountId,
		spec: RenderSpec,
		fee: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(
			spec.scene.len() <= T::MaxSceneChunks::get() as usize
				&& spec.camera_path.len() <= T::MaxKeyframes::get() as usize,
			Error::<T>::SpecTooLarge
		);
		spec.validate().map_err(|_| Error::<T>::InvalidSpec)?;
		let units = work_units(&spec);
		ensure!(Self::commit_period(units).is_some(), Error::<T>::TaskTooLarge);
		ensure!(fee >= Self::min_fee(units), Error::<T>::FeeTooLow);
		ensure!(
			WaitingTasks::<T>::decode_len().unwrap_or(0) < T::MaxWaitingTasks::get() as usize,
			Error::<T>::WaitingQueueFull
		);

		let spec_id = spec.task_id();
		let stored = StoredSpecOf::<T>::bounded(spec).ok_or(Error::<T>::SpecTooLarge)?;
		let index = NextTaskIndex::<T>::get();
		T::Currency::hold(&HoldReason::TaskEscrow.into(), &poster, fee)
			.map_err(|_| Error::<T>::EscrowUnavailable)?;

		let now = frame_system::Pallet::<T>::block_number();
		// The draw fires at the start of the block after `deadline`: `AssignDelay` blocks on.
		let draw_deadline = now.saturating_add(T::AssignDelay::get()).saturating_sub(One::one());
		let mut task: TaskOf<T> = Task {
			poster: poster.clone(),
			fee,
			spec_id,
			work_units: units,
			posted_at: now,
			phase: TaskPhase::Waiting,
			deadline: draw_deadline,
			workers: BoundedVec::new(),
			ever_assigned: BoundedVec::new(),
			accepted_root: None,
			reward_base: Zero::zero(),
			result_id: None,
		};
		Self::set_deadline(index, &mut task, draw_deadline);
		Self::deposit_event(Event::TaskPosted {
			task: index,
			poster,
			fee,
			spec_id,
			work_units: units,
		});

		Tasks::<T>::insert(index, task);
		Specs::<T>::insert(index, stored);
		NextTaskIndex::<T>::put(index.saturating_add(1));
		OpenTasks::<T>::mutate(|open| *open = open.saturating_add(1));
		Ok(())
	}
}
