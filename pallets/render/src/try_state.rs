//! The pallet's invariants, checked by `try-runtime` and after every block in the tests.

use crate::{pallet::*, types::*, BalanceOf};
use alloc::collections::BTreeMap;
use playnet_primitives::{ChunkCoord, ContentHash};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::InspectHold, Get},
	},
	sp_runtime::{
		traits::{One, Saturating},
		DispatchError,
	},
};

impl<T: Config> Pallet<T> {
	/// Checks that each poster's escrow hold equals the fees of its open tasks, that every
	/// open task has its spec and consistent workers, a result id exactly once drawn, and
	/// exactly one deadline entry (its current deadline) unless it is queued, that no entry is
	/// stale or behind the cursor, that assignments point at open tasks in which the worker
	/// acts, that the counters agree, and that the world pins each scene chunk version exactly
	/// as often as open tasks name it.
	pub fn do_try_state() -> Result<(), DispatchError> {
		let reason = HoldReason::TaskEscrow.into();
		let mut fees: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut open = 0u32;
		let waiting = WaitingTasks::<T>::get();
		for (index, task) in Tasks::<T>::iter() {
			open = open.saturating_add(1);
			let held = fees.entry(task.poster.clone()).or_default();
			*held = held.saturating_add(task.fee);
			ensure!(Specs::<T>::contains_key(index), "an open task without its spec");
			ensure!(index < NextTaskIndex::<T>::get(), "a task past the next index");
			for slot in &task.workers {
				ensure!(task.ever_assigned.contains(&slot.who), "a worker not in ever_assigned");
			}
			let mut seen = task.ever_assigned.to_vec();
			seen.sort();
			seen.dedup();
			ensure!(seen.len() == task.ever_assigned.len(), "a worker assigned twice");
			match task.phase {
				TaskPhase::Waiting => {
					ensure!(task.workers.is_empty(), "a waiting task has workers")
				}
				_ => ensure!(
					task.workers.len() as u32 == task.workers_needed(T::WorkersPerTask::get()),
					"an assigned task without the workers its verification needs"
				),
			}
			if let Some(spot) = task.spot_check {
				ensure!(
					task.verification == Verification::Optimistic
						&& task.phase == TaskPhase::Accepted,
					"a spot check of a task that is not an accepted optimistic one"
				);
				ensure!(
					Challenges::<T>::contains_key(index, spot.frame),
					"a spot check without its challenge"
				);
			}
			ensure!(
				(task.phase == TaskPhase::Accepted) == task.accepted_root.is_some(),
				"accepted root out of step with the phase"
			);
			ensure!(
				task.result_id.is_some() == !task.ever_assigned.is_empty(),
				"a result id without a draw, or a draw without a result id"
			);
			let queued = task.phase == TaskPhase::Waiting && waiting.contains(&index);
			ensure!(
				Deadlines::<T>::contains_key(task.deadline.saturating_add(One::one()), index)
					!= queued,
				"an open task without its deadline entry, or a queued one with an entry"
			);
		}
		let cursor = DeadlineCursor::<T>::get();
		let mut entries = 0u32;
		for (block, index, ()) in Deadlines::<T>::iter() {
			entries = entries.saturating_add(1);
			ensure!(block >= cursor, "a deadline entry behind the cursor");
			let task = Tasks::<T>::get(index).ok_or("a deadline entry for no open task")?;
			ensure!(
				task.deadline.saturating_add(One::one()) == block,
				"a deadline entry that is not its task's deadline"
			);
		}
		ensure!(entries <= open, "more deadline entries than open tasks");

		let deposit_reason = HoldReason::ChallengeDeposit.into();
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut per_task: BTreeMap<TaskIndex, u32> = BTreeMap::new();
		for (index, frame, challenge) in Challenges::<T>::iter() {
			let task = Tasks::<T>::get(index).ok_or("a challenge of no open task")?;
			ensure!(task.phase == TaskPhase::Accepted, "a challenge of a task not accepted");
			let spec = Specs::<T>::get(index).ok_or("a challenge of a task without its spec")?;
			ensure!(frame < spec.frame_count, "a challenge of a frame past the spec");
			ensure!(challenge.deadline <= task.deadline, "a task settling before its challenge");
			ensure!(
				challenge.answered_by.is_some() == Evidence::<T>::contains_key(index, frame),
				"evidence without an answer, or an answer without evidence"
			);
			let held = deposits.entry(challenge.challenger.clone()).or_default();
			*held = held.saturating_add(challenge.deposit);
			let count = per_task.entry(index).or_default();
			*count = count.saturating_add(1);
			ensure!(*count <= T::MaxChallengesPerTask::get(), "too many challenges of a task");
		}
		for (index, frame, _) in Evidence::<T>::iter() {
			ensure!(Challenges::<T>::contains_key(index, frame), "evidence without a challenge");
		}
		for (challenger, deposit) in &deposits {
			ensure!(
				T::Currency::balance_on_hold(&deposit_reason, challenger) == *deposit,
				"challenge deposits held differ from the open challenges"
			);
		}
		for (poster, fee) in &fees {
			ensure!(
				T::Currency::balance_on_hold(&reason, poster) == *fee,
				"escrow held differs from the open tasks' fees"
			);
		}
		ensure!(open == OpenTasks::<T>::get(), "OpenTasks differs from the open tasks");
		for (who, index, ()) in Assignments::<T>::iter() {
			let task = Tasks::<T>::get(index).ok_or("an assignment to no open task")?;
			ensure!(task.slot_of(&who).is_some(), "an assignment to a task without the worker");
			ensure!(
				matches!(task.phase, TaskPhase::Committing | TaskPhase::Revealing),
				"an assignment to a decided task"
			);
		}
		for index in WaitingTasks::<T>::get() {
			let task = Tasks::<T>::get(index).ok_or("a waiting entry for no open task")?;
			ensure!(task.phase == TaskPhase::Waiting, "a queued task that is not waiting");
		}

		let mut named: BTreeMap<(ChunkCoord, ContentHash), u32> = BTreeMap::new();
		for (_, spec) in Specs::<T>::iter() {
			for chunk in &spec.scene {
				let count = named.entry((chunk.coord, chunk.content_hash)).or_default();
				*count = count.saturating_add(1);
			}
		}
		let pinned: BTreeMap<(ChunkCoord, ContentHash), u32> = T::Scenes::pins()
			.into_iter()
			.map(|(coord, content_hash, pins)| ((coord, content_hash), pins))
			.collect();
		ensure!(named == pinned, "the world's pins differ from the open tasks' scenes");
		Ok(())
	}
}
