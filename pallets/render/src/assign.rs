//! Assigning workers: the entropy draws use, the weighted draw without replacement, the commit
//! phase's start, the waiting queue, and replacing workers who missed the commit deadline.
//!
//! The draw: candidates are the first [`Config::MaxCandidates`] of
//! [`WorkerRegistry::weighted_workers`] with a positive weight, less every worker ever
//! assigned to the task. Draw `i` takes `r = u128(BLAKE3(seed || i)[..16]) mod total` and
//! picks the candidate whose cumulative weight first exceeds `r`, then removes it; `seed =
//! BLAKE3(SCALE(("playnet/render/draw", entropy, task, workers ever assigned)))` with the
//! [`DrawEntropy`] of the block the draw runs in. Given the seed, it is deterministic.
//!
//! The entropy: at the start of every block, `entropy = BLAKE3(SCALE((entropy, randomness,
//! block)))` with [`Config::Randomness`] (in the runtime the VRF output of the parent block's
//! author). A task posted in block `P` is first drawn at the start of block `P + AssignDelay`,
//! after the randomness of blocks `P + 1 .. P + AssignDelay - 1` went in.

use crate::{pallet::*, types::*, TaskOf, WeightInfo};
use alloc::vec::Vec;
use codec::Encode;
use playnet_primitives::{result_id, Hash32};
use polkadot_sdk::{
	frame_support::{
		traits::{Get, Randomness},
		weights::Weight,
	},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::{
		traits::{One, Saturating, UniqueSaturatedFrom},
		DispatchError,
	},
};

impl<T: Config> Pallet<T> {
	/// The commit period of a task of `work_units`: [`Config::CommitPeriod`] plus a block for
	/// every [`Config::CommitUnitsPerBlock`] units. `None` past [`Config::MaxCommitPeriod`].
	pub(crate) fn commit_period(work_units: u64) -> Option<BlockNumberFor<T>> {
		let extra = work_units / T::CommitUnitsPerBlock::get().max(1);
		let period = T::CommitPeriod::get()
			.saturating_add(BlockNumberFor::<T>::unique_saturated_from(extra));
		(period <= T::MaxCommitPeriod::get()).then_some(period)
	}

	/// The eligible workers a draw chooses from, with positive weights, at most
	/// [`Config::MaxCandidates`]. Records their number as the supply for the reward rate.
	pub(crate) fn candidates() -> Vec<(T::AccountId, u128)> {
		let mut workers = T::Workers::weighted_workers();
		workers.retain(|(_, weight)| *weight > 0);
		workers.truncate(T::MaxCandidates::get() as usize);
		LastSupply::<T>::put(workers.len() as u32);
		workers
	}

	/// Mixes this block's randomness into [`DrawEntropy`]; first thing at the start of every
	/// block. Returns the weight used.
	pub(crate) fn mix_entropy(now: BlockNumberFor<T>) -> Weight {
		let (random, _) = T::Randomness::random(b"playnet/render/entropy");
		DrawEntropy::<T>::mutate(|entropy| {
			*entropy = Hash32::of(&(*entropy, random, now).encode())
		});
		// The entropy, and the randomness source's own storage.
		T::DbWeight::get().reads_writes(2, 1)
	}

	/// The seed of `task`'s next draw in this block (see the module docs).
	pub(crate) fn draw_seed(index: TaskIndex, task: &TaskOf<T>) -> Hash32 {
		let subject = (b"playnet/render/draw", DrawEntropy::<T>::get(), index);
		Hash32::of(&(subject, task.ever_assigned.len() as u32).encode())
	}

	/// Draws up to `count` workers for `task` from `candidates`, never one ever assigned to
	/// it. Fewer come back when fewer fresh candidates are left.
	pub(crate) fn draw_workers(
		index: TaskIndex,
		task: &TaskOf<T>,
		count: u32,
		candidates: &[(T::AccountId, u128)],
	) -> Vec<T::AccountId> {
		let mut pool: Vec<(T::AccountId, u128)> = candidates
			.iter()
			.filter(|(who, _)| !task.ever_assigned.contains(who))
			.cloned()
			.collect();
		let seed = Self::draw_seed(index, task);
		let mut drawn = Vec::with_capacity(count as usize);
		for draw in 0..count {
			let total = pool.iter().fold(0u128, |sum, (_, weight)| sum.saturating_add(*weight));
			if total == 0 {
				break;
			}
			let bytes = Hash32::of_parts(&[&seed.0, &draw.to_le_bytes()]).0;
			let mut word = [0u8; 16];
			word.copy_from_slice(&bytes[..16]);
			let target = u128::from_le_bytes(word) % total;
			let mut cumulative = 0u128;
			let position = pool
				.iter()
				.position(|(_, weight)| {
					cumulative = cumulative.saturating_add(*weight);
					cumulative > target
				})
				.unwrap_or(pool.len().saturating_sub(1));
			drawn.push(pool.remove(position).0);
		}
		drawn
	}

	/// Adds `workers` to `task`, indexes their assignments and (re)starts the commit phase
	/// with a fresh deadline for every assigned worker. The first draw fixes the task's
	/// result id from its seed.
	pub(crate) fn start_commit_phase(
		index: TaskIndex,
		task: &mut TaskOf<T>,
		workers: Vec<T::AccountId>,
		now: BlockNumberFor<T>,
	) -> Result<(), DispatchError> {
		if task.result_id.is_none() {
			task.result_id = Some(result_id(&task.spec_id, &Self::draw_seed(index, task)));
		}
		for who in &workers {
			task.workers
				.try_push(WorkerSlot { who: who.clone(), commitment: None, root: None })
				.map_err(|_| DispatchError::Other("more workers than k"))?;
			task.ever_assigned
				.try_push(who.clone())
				.map_err(|_| DispatchError::Other("more workers than k plus replacements"))?;
			Assignments::<T>::insert(who, index, ());
		}
		task.phase = TaskPhase::Committing;
		let period = Self::commit_period(task.work_units).unwrap_or_else(T::MaxCommitPeriod::get);
		Self::set_deadline(index, task, now.saturating_add(period));
		Self::deposit_event(Event::WorkersAssigned {
			task: index,
			workers,
			commit_deadline: task.deadline,
		});
		Ok(())
	}

	/// Sets `task`'s deadline: its phase ends at the start of the block after `deadline`.
	/// The entry of its previous deadline, if any, is removed, so every open task has at most
	/// one entry in [`Deadlines`]. Never fails: a block may hold any number of deadlines, and
	/// those past one block's [`Config::DeadlineWeight`] fire in the next.
	pub(crate) fn set_deadline(
		index: TaskIndex,
		task: &mut TaskOf<T>,
		deadline: BlockNumberFor<T>,
	) {
		Self::clear_deadline(index, task.deadline);
		Deadlines::<T>::insert(deadline.saturating_add(One::one()), index, ());
		task.deadline = deadline;
	}

	/// Removes the entry of `index`'s deadline `deadline` from [`Deadlines`], if there is one.
	pub(crate) fn clear_deadline(index: TaskIndex, deadline: BlockNumberFor<T>) {
		Deadlines::<T>::remove(deadline.saturating_add(One::one()), index);
	}

	/// The first draw of a task posted `AssignDelay` blocks ago: `k` workers and the commit
	/// phase; with fewer eligible, the waiting queue, or a refund when that is full. Returns
	/// the weight used.
	pub(crate) fn draw_posted(index: TaskIndex, task: TaskOf<T>, now: BlockNumberFor<T>) -> Weight {
		let candidates = Self::candidates();
		let weight = T::WeightInfo::assign_waiting(candidates.len() as u32);
		let k = task.workers_needed(T::WorkersPerTask::get());
		let drawn = Self::draw_workers(index, &task, k, &candidates);
		if drawn.len() == k as usize {
			let mut assigned = task.clone();
			if Self::start_commit_phase(index, &mut assigned, drawn, now).is_ok() {
				Tasks::<T>::insert(index, assigned);
				return weight;
			}
			// The workers could not be added (more than k): the task waits, as it was.
			for slot in assigned.workers.iter() {
				Assignments::<T>::remove(&slot.who, index);
			}
		}
		if WaitingTasks::<T>::try_append(index).is_ok() {
			Self::deposit_event(Event::TaskWaiting { task: index });
		} else {
			Self::refund(index, task, RefundReason::QueueFull);
		}
		weight
	}

	/// Assigns the oldest waiting tasks, at most [`Config::MaxAssignmentsPerBlock`], while
	/// enough fresh candidates are eligible. Returns the weight used.
	pub(crate) fn assign_waiting(now: BlockNumberFor<T>) -> Weight {
		let waiting = WaitingTasks::<T>::get();
		if waiting.is_empty() {
			return T::DbWeight::get().reads(1);
		}
		let candidates = Self::candidates();
		let majority = T::WorkersPerTask::get();
		let mut weight = T::DbWeight::get().reads(1);
		let mut still_waiting = Vec::with_capacity(waiting.len());
		let mut tries = 0u32;
		for index in waiting {
			if tries >= T::MaxAssignmentsPerBlock::get() || candidates.is_empty() {
				still_waiting.push(index);
				continue;
			}
			tries = tries.saturating_add(1);
			weight = weight.saturating_add(T::WeightInfo::assign_waiting(candidates.len() as u32));
			let Some(mut task) = Tasks::<T>::get(index) else { continue };
			let k = task.workers_needed(majority);
			let drawn = Self::draw_workers(index, &task, k, &candidates);
			if drawn.len() < k as usize {
				still_waiting.push(index);
				continue;
			}
			if Self::start_commit_phase(index, &mut task, drawn, now).is_err() {
				// The workers could not be added: the task stays waiting, as stored.
				for slot in task.workers.iter() {
					Assignments::<T>::remove(&slot.who, index);
				}
				still_waiting.push(index);
				continue;
			}
			Tasks::<T>::insert(index, task);
		}
		WaitingTasks::<T>::put(polkadot_sdk::frame_support::BoundedVec::truncate_from(
			still_waiting,
		));
		weight
	}

	/// The commit deadline passed with workers missing: slash and record them, and replace
	/// them with fresh workers, or refund the poster when none can be found. Returns the
	/// weight used.
	pub(crate) fn expire_commits(
		index: TaskIndex,
		mut task: TaskOf<T>,
		now: BlockNumberFor<T>,
	) -> Weight {
		let (missing, kept): (Vec<_>, Vec<_>) =
			task.workers.iter().cloned().partition(|slot| slot.commitment.is_none());
		for slot in &missing {
			Self::punish_miss(index, &slot.who);
		}
		let candidates = Self::candidates();
		let weight = T::WeightInfo::expire_commits(candidates.len() as u32);
		task.workers = polkadot_sdk::frame_support::BoundedVec::truncate_from(kept);
		let needed = missing.len() as u32;
		let room =
			crate::MaxEverAssigned::<T>::get().saturating_sub(task.ever_assigned.len() as u32);
		let drawn = if needed <= room {
			Self::draw_workers(index, &task, needed, &candidates)
		} else {
			Vec::new()
		};
		if drawn.len() as u32 == needed
			&& Self::start_commit_phase(index, &mut task, drawn, now).is_ok()
		{
			Tasks::<T>::insert(index, task);
		} else {
			Self::refund(index, task, RefundReason::NoReplacement);
		}
		weight
	}

	/// Slashes and records a worker who committed and did not reveal: as a dissenter at least
	/// (`max(MissSlash, DissentSlash)`, [`Outcome::Lost`]), so that withholding a root that
	/// would lose costs no less than revealing it. Drops its assignment.
	pub(crate) fn punish_withheld(index: TaskIndex, who: &T::AccountId) {
		let share = T::MissSlash::get().max(T::DissentSlash::get());
		let slashed = T::Workers::slash(who, share, None);
		T::Workers::record_outcome(who, Outcome::Lost);
		Assignments::<T>::remove(who, index);
		Self::deposit_event(Event::WorkerMissed { task: index, worker: who.clone(), slashed });
	}

	/// Slashes and records a worker who missed a deadline, and drops its assignment.
	pub(crate) fn punish_miss(index: TaskIndex, who: &T::AccountId) {
		let slashed = T::Workers::slash(who, T::MissSlash::get(), None);
		T::Workers::record_outcome(who, Outcome::Missed);
		Assignments::<T>::remove(who, index);
		Self::deposit_event(Event::WorkerMissed { task: index, worker: who.clone(), slashed });
	}
}
