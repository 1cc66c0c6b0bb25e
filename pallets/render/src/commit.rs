//! Committing: each assigned worker commits to its root before the commit deadline; the last
//! commit opens the reveal phase.

use crate::{pallet::*, types::*, TaskOf};
use polkadot_sdk::{
	frame_support::{ensure, traits::Get},
	frame_system,
	sp_runtime::{traits::Saturating, DispatchError, DispatchResult},
};

impl<T: Config> Pallet<T> {
	/// Records `who`'s commitment to `index`. Nothing changes unless every check passes.
	pub(crate) fn do_commit(
		who: T::AccountId,
		index: TaskIndex,
		commitment: Commitment,
	) -> DispatchResult {
		let mut task = Tasks::<T>::get(index).ok_or(Error::<T>::UnknownTask)?;
		let slot = Self::assigned_slot(&task, &who)?;
		ensure!(task.phase == TaskPhase::Committing, Error::<T>::NotCommitPhase);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= task.deadline, Error::<T>::CommitTooLate);
		let worker = task.workers.get_mut(slot).ok_or(Error::<T>::NotAssigned)?;
		ensure!(worker.commitment.is_none(), Error::<T>::AlreadyCommitted);
		worker.commitment = Some(commitment);
		Self::deposit_event(Event::Committed { task: index, worker: who });

		let all_committed = task.workers.len() as u32
			== task.workers_needed(T::WorkersPerTask::get())
			&& task.workers.iter().all(|slot| slot.commitment.is_some());
		if all_committed {
			task.phase = TaskPhase::Revealing;
			Self::set_deadline(index, &mut task, now.saturating_add(T::RevealPeriod::get()));
			Self::deposit_event(Event::RevealsOpened {
				task: index,
				reveal_deadline: task.deadline,
			});
		}
		Tasks::<T>::insert(index, task);
		Ok(())
	}

	/// The slot of `who` in `task`, checking that it is assigned. A worker that is no longer
	/// eligible for new draws (slashed below the minimum bond, unbonding) still finishes the
	/// tasks it holds: its stake stays slashable through them, and one slash must not make
	/// every other task it holds fail and slash it again.
	pub(crate) fn assigned_slot(
		task: &TaskOf<T>,
		who: &T::AccountId,
	) -> Result<usize, DispatchError> {
		task.slot_of(who).ok_or_else(|| Error::<T>::NotAssigned.into())
	}
}
