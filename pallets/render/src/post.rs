//! Posting a task: the spec checked, its scene pinned in the world, the fee held, and its
//! draw scheduled.

use crate::{pallet::*, types::*, BalanceOf, StoredSpecOf, TaskOf, WeightInfo};
use playnet_primitives::{RenderSpec, SceneChunk};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::MutateHold, Get},
		weights::Weight,
		BoundedVec,
	},
	frame_system,
	sp_runtime::{
		traits::{Bounded, One, Saturating, Zero},
		DispatchResult,
	},
};

impl<T: Config> Pallet<T> {
	/// The least fee a task of `work_units` verified by `verification` may carry: for a
	/// majority, `max(MinFee, MinFeePerUnit x work_units)`; for an optimistic task,
	/// `max(MinFee, OptimisticFeeShare x MinFeePerUnit x work_units)` (it asks for at most
	/// 1.2 times the task's work instead of `k` times). Saturating.
	pub fn min_fee(work_units: u64, verification: Verification) -> BalanceOf<T> {
		let units: BalanceOf<T> =
			work_units.try_into().unwrap_or_else(|_| BalanceOf::<T>::max_value());
		let floor = T::MinFeePerUnit::get().saturating_mul(units);
		let floor = match verification {
			Verification::Majority => floor,
			Verification::Optimistic => T::OptimisticFeeShare::get().mul_ceil(floor),
		};
		floor.max(T::MinFee::get())
	}

	/// What `post_task` is charged for a scene of `scene_chunks` chunks (at most
	/// [`Config::MaxSceneChunks`] counted): the benchmarked `post_task`, plus for every scene
	/// chunk the worst [`SceneSource::pin_weight`] (checking an unedited chunk generates,
	/// encodes and hashes it) and one [`SceneSource::unpin_weight`], prepaid for when the task
	/// ends (often at the start of a block, where nobody pays). In the runtime's benchmarked
	/// weights that is about 0.8 ms per chunk (0.55 ms to pin, most of it generating the
	/// chunk, and 0.24 ms to unpin), some 50 ms for a 64-chunk scene, against about 11 ms for
	/// the rest of `post_task` at 64 chunks: every chunk is charged as if it were generated,
	/// since which ones are is only known by looking.
	pub fn post_task_weight(scene_chunks: u32) -> Weight {
		let chunks = scene_chunks.min(T::MaxSceneChunks::get());
		let per_chunk = T::Scenes::pin_weight().saturating_add(T::Scenes::unpin_weight());
		T::WeightInfo::post_task(chunks, T::MaxCandidates::get())
			.saturating_add(per_chunk.saturating_mul(chunks.into()))
	}

	/// Checks the spec and the fee, pins the scene's chunk versions, holds the fee and opens
	/// the task, to be drawn at the start of block `now + AssignDelay` (or a later one, when
	/// the deadlines of that block take more than [`Config::DeadlineWeight`]). Nothing changes
	/// unless every check passes.
	pub(crate) fn do_post_task(
		poster: T::AccountId,
		spec: RenderSpec,
		fee: BalanceOf<T>,
		verification: Verification,
	) -> DispatchResult {
		ensure!(
			spec.scene.len() <= T::MaxSceneChunks::get() as usize
				&& spec.camera_path.len() <= T::MaxKeyframes::get() as usize,
			Error::<T>::SpecTooLarge
		);
		spec.validate().map_err(|_| Error::<T>::InvalidSpec)?;
		let units = work_units(&spec);
		ensure!(Self::commit_period(units).is_some(), Error::<T>::TaskTooLarge);
		ensure!(fee >= Self::min_fee(units, verification), Error::<T>::FeeTooLow);
		if verification == Verification::Optimistic {
			ensure!(
				spec.frame_count >= T::MinOptimisticFrames::get(),
				Error::<T>::TooFewFramesForOptimistic
			);
			ensure!(fee <= T::MaxOptimisticFee::get(), Error::<T>::FeeTooHighForOptimistic);
		}
		ensure!(
			WaitingTasks::<T>::decode_len().unwrap_or(0) < T::MaxWaitingTasks::get() as usize,
			Error::<T>::WaitingQueueFull
		);

		let spec_id = spec.task_id();
		let stored = StoredSpecOf::<T>::bounded(spec).ok_or(Error::<T>::SpecTooLarge)?;
		let index = NextTaskIndex::<T>::get();
		Self::pin_scene(&stored.scene)?;
		if T::Currency::hold(&HoldReason::TaskEscrow.into(), &poster, fee).is_err() {
			Self::unpin_scene(&stored.scene);
			return Err(Error::<T>::EscrowUnavailable.into());
		}

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
			verification,
			spot_check: None,
		};
		Self::set_deadline(index, &mut task, draw_deadline);
		Self::deposit_event(Event::TaskPosted {
			task: index,
			poster,
			fee,
			spec_id,
			work_units: units,
			verification,
		});

		Tasks::<T>::insert(index, task);
		Specs::<T>::insert(index, stored);
		NextTaskIndex::<T>::put(index.saturating_add(1));
		OpenTasks::<T>::mutate(|open| *open = open.saturating_add(1));
		Ok(())
	}

	/// Pins every chunk version of `scene` in the world, or none: fails with
	/// [`Error::SceneChunkUnknown`] at the first that is not the chunk's current version,
	/// after releasing the pins taken before it.
	fn pin_scene(scene: &[SceneChunk]) -> DispatchResult {
		for (pinned, chunk) in scene.iter().enumerate() {
			if T::Scenes::pin(chunk.coord, chunk.content_hash).is_err() {
				Self::unpin_scene(scene.get(..pinned).unwrap_or_default());
				return Err(Error::<T>::SceneChunkUnknown.into());
			}
		}
		Ok(())
	}

	/// Releases the pins of every chunk version of `scene`: when its task ends, or when its
	/// post fails after pinning.
	pub(crate) fn unpin_scene(scene: &[SceneChunk]) {
		for chunk in scene {
			T::Scenes::unpin(chunk.coord, chunk.content_hash);
		}
	}
}
