//! Revealing: each worker shows the root and salt behind its commitment before the reveal
//! deadline; the last reveal decides the task at once.

use crate::{pallet::*, types::*};
use playnet_primitives::Hash32;
use polkadot_sdk::{frame_support::ensure, frame_system, sp_runtime::DispatchResult};

impl<T: Config> Pallet<T> {
	/// Records `who`'s root for `index` if it matches its commitment. Nothing changes unless
	/// every check passes.
	pub(crate) fn do_reveal(
		who: T::AccountId,
		index: TaskIndex,
		root: Hash32,
		salt: Salt,
	) -> DispatchResult {
		let mut task = Tasks::<T>::get(index).ok_or(Error::<T>::UnknownTask)?;
		let slot = Self::assigned_slot(&task, &who)?;
		let worker = task.workers.get(slot).ok_or(Error::<T>::NotAssigned)?;
		let commitment = worker.commitment.ok_or(Error::<T>::NotCommitted)?;
		ensure!(task.phase == TaskPhase::Revealing, Error::<T>::RevealsNotOpen);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= task.deadline, Error::<T>::RevealTooLate);
		ensure!(worker.root.is_none(), Error::<T>::AlreadyRevealed);
		ensure!(commitment_of(&root, &salt, &who) == commitment, Error::<T>::CommitmentMismatch);

		if let Some(worker) = task.workers.get_mut(slot) {
			worker.root = Some(root);
		}
		Self::deposit_event(Event::Revealed { task: index, worker: who, root });
		if task.workers.iter().all(|slot| slot.root.is_some()) {
			Self::decide(index, task, now);
		} else {
			Tasks::<T>::insert(index, task);
		}
		Ok(())
	}
}
