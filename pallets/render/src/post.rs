//! Posting a task: the spec checked, the fee held, workers assigned or the task queued.

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
		traits::{Bounded, Saturating, Zero},
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

	/// Checks the spec and the fee, holds the fee and opens the task. Nothing changes unless
	/// every check passes.
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

		let spec_id = spec.task_id();
		let stored = StoredSpecOf::<T>::bounded(spec).ok_or(Error::<T>::SpecTooLarge)?;
		let index = NextTaskIndex::<T>::get();
		T::Currency::hold(&HoldReason::TaskEscrow.into(), &poster, fee)
			.map_err(|_| Error::<T>::EscrowUnavailable)?;

		let now = frame_system::Pallet::<T>::block_number();
		let mut task: TaskOf<T> = Task {
			poster: poster.clone(),
			fee,
			spec_id,
			work_units: units,
			posted_at: now,
			phase: TaskPhase::Waiting,
			deadline: Zero::zero(),
			workers: BoundedVec::new(),
			ever_assigned: BoundedVec::new(),
			accepted_root: None,
			reward_base: Zero::zero(),
		};
		Self::deposit_event(Event::TaskPosted {
			task: index,
			poster,
			fee,
			spec_id,
			work_units: units,
		});

		let candidates = Self::candidates();
		let k = T::WorkersPerTask::get();
		let drawn = Self::draw_workers(index, &task, k, &candidates);
		if drawn.len() == k as usize {
			Self::start_commit_phase(index, &mut task, drawn, now)?;
		} else {
			WaitingTasks::<T>::try_append(index).map_err(|_| Error::<T>::WaitingQueueFull)?;
			Self::deposit_event(Event::TaskWaiting { task: index });
		}

		Tasks::<T>::insert(index, task);
		Specs::<T>::insert(index, stored);
		NextTaskIndex::<T>::put(index.saturating_add(1));
		OpenTasks::<T>::mutate(|open| *open = open.saturating_add(1));
		Ok(())
	}
}
