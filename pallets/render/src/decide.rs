//! Deciding: the end of each phase at its deadline, the majority decision over the revealed
//! roots, and refunds.

use crate::{pallet::*, types::*, BalanceOf, TaskOf, WeightInfo};
use alloc::vec::Vec;
use playnet_primitives::Hash32;
use polkadot_sdk::{
	frame_support::{
		traits::{fungible::MutateHold, tokens::Precision, Get},
		weights::Weight,
	},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::traits::{Bounded, One, Saturating},
};

impl<T: Config> Pallet<T> {
	/// The most one deadline can cost: the costliest of a commit expiry or a draw over
	/// [`Config::MaxCandidates`], a reveal expiry, and a settlement, with its reads, and the
	/// end of the task ([`Self::end_task_weight`]).
	pub(crate) fn worst_deadline_weight() -> Weight {
		let candidates = T::MaxCandidates::get();
		T::WeightInfo::expire_commits(candidates)
			.max(T::WeightInfo::assign_waiting(candidates))
			.max(T::WeightInfo::expire_reveals())
			.max(T::WeightInfo::settle())
			.max(T::WeightInfo::draw_spot_check())
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
			.saturating_add(Self::end_task_weight())
	}

	/// What ending a task adds to the benchmarked paths: releasing the pins of up to
	/// [`Config::MaxSceneChunks`] scene chunks.
	pub(crate) fn end_task_weight() -> Weight {
		T::Scenes::unpin_weight().saturating_mul(T::MaxSceneChunks::get().into())
	}

	/// Ends the phases whose deadline has passed, earlier blocks first (within a block in the
	/// storage order of the entries), from [`DeadlineCursor`] up to the block before `now`,
	/// while [`Config::DeadlineWeight`] has room for one more of the costliest kind; what is
	/// left fires at the start of the next block (late, never lost: the calls of a phase are
	/// refused past its deadline however late it fires). Returns the weight used.
	pub(crate) fn fire_deadlines(now: BlockNumberFor<T>) -> Weight {
		let budget = T::DeadlineWeight::get();
		let worst = Self::worst_deadline_weight();
		let read = T::DbWeight::get().reads(1);
		let mut weight = T::WeightInfo::on_initialize_idle();
		let mut block = DeadlineCursor::<T>::get();
		'blocks: while block <= now {
			weight = weight.saturating_add(read);
			loop {
				if !weight.saturating_add(worst).all_lte(budget) {
					break 'blocks;
				}
				let Some(index) = Deadlines::<T>::iter_key_prefix(block).next() else { break };
				Deadlines::<T>::remove(block, index);
				weight = weight.saturating_add(Self::fire(index, block, now));
			}
			block = block.saturating_add(One::one());
		}
		DeadlineCursor::<T>::put(block);
		weight
	}

	/// Ends the phase of task `index`, whose entry for block `block` was just taken. Returns
	/// the weight used.
	fn fire(index: TaskIndex, block: BlockNumberFor<T>, now: BlockNumberFor<T>) -> Weight {
		let Some(task) = Tasks::<T>::get(index) else { return T::DbWeight::get().reads(1) };
		if task.deadline.saturating_add(One::one()) != block {
			// Not the task's current deadline (entries move with it: this does not happen).
			return T::DbWeight::get().reads(1);
		}
		let weight = match task.phase {
			TaskPhase::Committing => Self::expire_commits(index, task, now),
			TaskPhase::Revealing => Self::expire_reveals(index, task, now),
			TaskPhase::Accepted
				if task.verification == Verification::Optimistic && task.spot_check.is_none() =>
			{
				Self::draw_spot_check(index, task, now);
				T::WeightInfo::draw_spot_check()
			}
			TaskPhase::Accepted => {
				match Self::first_unanswered_challenge(index, now) {
					Some(challenge) => Self::overturn_unanswered(index, task, &challenge),
					None => Self::settle(index, task),
				}
				T::WeightInfo::settle()
			}
			TaskPhase::Waiting => Self::draw_posted(index, task, now),
		};
		// The benchmarked paths leave out the end of the task, when it came.
		if Tasks::<T>::contains_key(index) {
			weight
		} else {
			weight.saturating_add(Self::end_task_weight())
		}
	}

	/// The reveal deadline passed: slash the workers who committed and did not reveal as
	/// dissenters ([`Self::punish_withheld`]), then decide with the roots revealed. Returns
	/// the weight used.
	fn expire_reveals(index: TaskIndex, task: TaskOf<T>, now: BlockNumberFor<T>) -> Weight {
		for slot in task.workers.iter().filter(|slot| slot.root.is_none()) {
			Self::punish_withheld(index, &slot.who);
		}
		Self::decide(index, task, now);
		T::WeightInfo::expire_reveals()
	}

	/// Decides `task` from its revealed roots: a root revealed by a strict majority of its
	/// workers (`k`, or the one of an optimistic task) is accepted (its signers agreed; other
	/// revealers lose at settlement, if it stands) and the task waits out the fraud window,
	/// an optimistic one first its spot check's draw; otherwise the poster is refunded.
	pub(crate) fn decide(index: TaskIndex, mut task: TaskOf<T>, now: BlockNumberFor<T>) {
		let k = task.workers_needed(T::WorkersPerTask::get());
		let Some(root) = Self::majority_root(&task, k) else {
			Self::refund(index, task, RefundReason::NoMajority);
			return;
		};
		task.phase = TaskPhase::Accepted;
		task.accepted_root = Some(root);
		task.reward_base = Self::reward_base(task.work_units, task.fee, k);
		let (deadline, settle_after) = match task.verification {
			Verification::Majority => {
				let end = now.saturating_add(T::FraudWindow::get());
				(end, end)
			}
			// The spot check is drawn at the start of block `now + AssignDelay`, from the
			// randomness of blocks made after the reveal; the fraud window runs on from there
			// (`Self::draw_spot_check`).
			Verification::Optimistic => {
				let draw = now.saturating_add(T::AssignDelay::get());
				(draw.saturating_sub(One::one()), Self::spot_check_settle_after(draw))
			}
		};
		Self::set_deadline(index, &mut task, deadline);
		for slot in &task.workers {
			Assignments::<T>::remove(&slot.who, index);
			// Dissenters are slashed at settlement, if the result stands: a dissenter whose
			// root was right loses nothing when a challenge or a fraud proof overturns it.
			// Missed: already slashed and recorded when the reveal deadline passed.
			if slot.root == Some(root) {
				T::Workers::record_outcome(&slot.who, Outcome::Agreed)
			}
		}
		Self::deposit_event(Event::ResultAccepted {
			task: index,
			root,
			signers: task.signers(),
			settle_after,
		});
		Tasks::<T>::insert(index, task);
	}

	/// The root revealed by more than half of `k` workers, if any.
	fn majority_root(task: &TaskOf<T>, k: u32) -> Option<Hash32> {
		let roots: Vec<Hash32> = task.workers.iter().filter_map(|slot| slot.root).collect();
		roots.iter().copied().find(|root| {
			let votes = roots.iter().filter(|other| *other == root).count() as u32;
			votes.saturating_mul(2) > k
		})
	}

	/// What each signer of a task of `work_units`, `fee` and `k` workers is minted at full
	/// reputation: the smaller of `work_units x BaseRewardPerUnit x rate / 1000` (the rate
	/// from the tasks open now and the workers eligible at the last draw) and the slot's cap,
	/// `MintShare x fee / k`.
	pub(crate) fn reward_base(work_units: u64, fee: BalanceOf<T>, k: u32) -> BalanceOf<T> {
		let k: BalanceOf<T> = k.max(1).into();
		let cap = T::MintShare::get().mul_floor(fee) / k;
		Self::uncapped_reward_base(work_units).min(cap)
	}

	/// `work_units x BaseRewardPerUnit x rate / 1000`, with the rate from the tasks open now
	/// and the workers eligible at the last draw.
	fn uncapped_reward_base(work_units: u64) -> BalanceOf<T> {
		let rate = rate_permille(
			OpenTasks::<T>::get(),
			LastSupply::<T>::get(),
			T::WorkersPerTask::get(),
			T::MinRatePermille::get(),
			T::MaxRatePermille::get(),
		);
		let units: BalanceOf<T> =
			work_units.try_into().unwrap_or_else(|_| BalanceOf::<T>::max_value());
		let base = T::BaseRewardPerUnit::get();
		let (thousand, rate): (BalanceOf<T>, BalanceOf<T>) = (1000u32.into(), rate.into());
		// floor(base x rate / 1000) without overflowing for large bases.
		let per_unit = (base / thousand)
			.saturating_mul(rate)
			.saturating_add((base % thousand).saturating_mul(rate) / thousand);
		units.saturating_mul(per_unit)
	}

	/// Ends `task`: the whole fee back to the poster, every assignment dropped.
	pub(crate) fn refund(index: TaskIndex, task: TaskOf<T>, reason: RefundReason) {
		let amount = T::Currency::release(
			&HoldReason::TaskEscrow.into(),
			&task.poster,
			task.fee,
			Precision::BestEffort,
		)
		.unwrap_or_default();
		for slot in &task.workers {
			Assignments::<T>::remove(&slot.who, index);
		}
		Self::close_challenges(index, &task.signers(), true);
		Self::end_task(index, task.deadline);
		Self::deposit_event(Event::TaskRefunded {
			task: index,
			poster: task.poster,
			amount,
			reason,
		});
	}

	/// Removes an ended task, its spec and its deadline entry (`deadline`: its last deadline),
	/// and releases its scene's pins in the world. Every way a task ends comes here.
	pub(crate) fn end_task(index: TaskIndex, deadline: BlockNumberFor<T>) {
		Self::clear_deadline(index, deadline);
		Tasks::<T>::remove(index);
		if let Some(spec) = Specs::<T>::take(index) {
			Self::unpin_scene(&spec.scene);
		}
		WaitingTasks::<T>::mutate(|waiting| waiting.retain(|queued| *queued != index));
		OpenTasks::<T>::mutate(|open| *open = open.saturating_sub(1));
	}
}
