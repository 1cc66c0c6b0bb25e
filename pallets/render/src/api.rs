//! Reading tasks: what the runtime API returns.

use crate::{pallet::*, types::*, BalanceOf, TaskViewOf};
use alloc::vec::Vec;
use playnet_primitives::RenderSpec;

impl<T: Config> Pallet<T> {
	/// The tasks `who` is assigned to and must still commit or reveal for, ascending.
	pub fn tasks_assigned_to(who: &T::AccountId) -> Vec<TaskIndex> {
		let mut tasks: Vec<TaskIndex> = Assignments::<T>::iter_key_prefix(who).collect();
		tasks.sort_unstable();
		tasks
	}

	/// An open task's state, its challenges included; `None` once it ended (settled or
	/// refunded: see the events).
	pub fn task_view(index: TaskIndex) -> Option<TaskViewOf<T>> {
		Tasks::<T>::get(index).map(|task| TaskView {
			poster: task.poster,
			fee: task.fee,
			spec_id: task.spec_id,
			work_units: task.work_units,
			posted_at: task.posted_at,
			phase: task.phase,
			deadline: task.deadline,
			workers: task.workers.into_inner(),
			accepted_root: task.accepted_root,
			result_id: task.result_id,
			challenges: Challenges::<T>::iter_prefix(index)
				.map(|(frame, challenge)| ChallengeView {
					frame,
					challenger: challenge.challenger,
					deadline: challenge.deadline,
					answered_by: challenge.answered_by,
				})
				.collect(),
			verification: task.verification,
			spot_check: task.spot_check,
		})
	}

	/// An open task's spec, as posted.
	pub fn task_spec(index: TaskIndex) -> Option<RenderSpec> {
		Specs::<T>::get(index).map(|spec| spec.to_spec())
	}

	/// Everything `who` has earned from settled tasks: fee shares plus minted PGT.
	pub fn rewards_earned(who: &T::AccountId) -> BalanceOf<T> {
		RewardsEarned::<T>::get(who)
	}
}
