//! Rendering, committing and revealing the tasks assigned to one local `rndr` account.
//!
//! Per task, by phase:
//!
//! - **Committing, not yet committed**: with no record, claim the job (compare-and-set) and
//!   POST the spec to the render worker; while it renders, poll it once per block; when it is
//!   done, draw a salt, store `(root, salt)`, then send `commit(task, commitment_of(root,
//!   salt, account))`.
//! - **Revealing, committed, not yet revealed**: send `reveal(task, root, salt)` from the
//!   record, if it matches the commitment on chain.
//! - Anything else (waiting for the other workers, past the deadline): nothing.
//!
//! Of the transactions ready in one run, one is sent (reveals first: their window is the
//! one that closes on already-rendered work); the rest wait for the next block.

use crate::{
	local_storage::{self, job_key, JobRecord, JobState},
	render_worker::{JobStatus, RenderWorker, WorkerError},
	transactions::{self, Sent},
	Config, SceneChunkSource, LOG_TARGET,
};
use alloc::vec::Vec;
use codec::Encode;
use pallet_render::{commitment_of, Salt, TaskIndex, TaskOf, TaskPhase};
use playnet_primitives::{Hash32, RenderSpec};
use polkadot_sdk::{
	frame_support::traits::Get,
	frame_system::{offchain::Account, pallet_prelude::BlockNumberFor},
	sp_io,
	sp_runtime::offchain::storage::{StorageRetrievalError, StorageValueRef},
};

/// A transaction one task is ready for.
struct Ready<T: Config> {
	task: TaskIndex,
	call: pallet_render::Call<T>,
	is_reveal: bool,
}

/// Works on every task assigned to `account` at block `now`; `worker_url` is the render
/// worker's base URL, if the operator set one.
pub fn work_for<T: Config>(account: &Account<T>, now: BlockNumberFor<T>, worker_url: Option<&str>) {
	let assigned = pallet_render::Pallet::<T>::tasks_assigned_to(&account.id);
	local_storage::forget_finished(&account.id, &assigned);
	if assigned.is_empty() {
		return;
	}
	// A worker that dropped out of the draw (slashed below the minimum, unbonding) still
	// finishes the tasks it holds: the chain takes its commits and reveals.
	let mut ready: Vec<Ready<T>> = Vec::new();
	for index in assigned {
		let Some(task) = pallet_render::Tasks::<T>::get(index) else { continue };
		if now > task.deadline {
			continue;
		}
		if let Some(next) = next_step(account, index, &task, worker_url) {
			ready.push(next);
		}
	}
	let Some(next) = ready.iter().position(|r| r.is_reveal).or((!ready.is_empty()).then_some(0))
	else {
		return;
	};
	let Ready { task, call, is_reveal } = ready.swap_remove(next);
	let what = if is_reveal { "reveal" } else { "commit" };
	match transactions::submit::<T>(account, call, now) {
		Sent::Submitted => {
			log::info!(target: LOG_TARGET, "{:?}: {what} for task {task} submitted", account.id)
		}
		Sent::Busy => log::debug!(
			target: LOG_TARGET,
			"{:?}: {what} for task {task} waits for the previous transaction",
			account.id,
		),
		Sent::Failed => {}
	}
}

/// What `account` does next on `task`: a transaction to send, or `None` (nothing to send
/// now; a render may have been started or polled).
fn next_step<T: Config>(
	account: &Account<T>,
	index: TaskIndex,
	task: &TaskOf<T>,
	worker_url: Option<&str>,
) -> Option<Ready<T>> {
	let slot = task.workers.get(task.slot_of(&account.id)?)?;
	match (task.phase, slot.commitment, slot.root) {
		(TaskPhase::Committing, None, _) => {
			let (root, salt) = rendered::<T>(&account.id, index, task.result_id?, worker_url)?;
			let commitment = commitment_of(&root, &salt, &account.id);
			Some(Ready {
				task: index,
				call: pallet_render::Call::commit { task: index, commitment },
				is_reveal: false,
			})
		}
		(TaskPhase::Revealing, Some(commitment), None) => {
			let record = local_storage::job_record(index, &account.id);
			match record.map(|record| record.state) {
				Some(JobState::Rendered { root, salt })
					if commitment_of(&root, &salt, &account.id) == commitment =>
				{
					Some(Ready {
						task: index,
						call: pallet_render::Call::reveal { task: index, root, salt },
						is_reveal: true,
					})
				}
				_ => {
					log::error!(
						target: LOG_TARGET,
						"{:?} cannot reveal task {index}: this node has no root and salt \
						 matching its commitment (offchain storage lost?)",
						account.id,
					);
					None
				}
			}
		}
		_ => None,
	}
}

/// `(root, salt)` of `account`'s render of task `index`, once there is one; until then moves
/// the render along: posts the spec, or polls the job.
fn rendered<T: Config>(
	account: &T::AccountId,
	index: TaskIndex,
	result_id: Hash32,
	worker_url: Option<&str>,
) -> Option<(Hash32, Salt)> {
	let key = job_key(index, account);
	let mut store = StorageValueRef::persistent(&key);
	let record =
		store.get::<JobRecord>().ok().flatten().filter(|record| record.result_id == result_id);
	if let Some(JobRecord { state: JobState::Rendered { root, salt }, .. }) = record {
		return Some((root, salt));
	}
	let Some(url) = worker_url else {
		log::warn!(
			target: LOG_TARGET,
			"task {index} is assigned to {account:?} but no render worker URL is set: set \
			 offchain storage key `playnet::render-worker-url` (see offchain-workers/README.md)",
		);
		return None;
	};
	let worker = RenderWorker::new(url, T::HttpTimeoutMillis::get());
	match record.map(|record| record.state) {
		Some(JobState::Rendering { job_id }) => {
			poll(&worker, &mut store, account, index, result_id, job_id)
		}
		Some(JobState::Posting { until }) if now_millis() < until => None,
		_ => {
			post::<T>(&worker, &mut store, index, result_id);
			None
		}
	}
}

/// Claims the job (so an overlapping run does not post it too) and posts the spec.
fn post<T: Config>(
	worker: &RenderWorker<'_>,
	store: &mut StorageValueRef<'_>,
	index: TaskIndex,
	result_id: Hash32,
) {
	let lock_ms = T::HttpTimeoutMillis::get().saturating_mul(2);
	let until = now_millis().saturating_add(lock_ms);
	let claim = JobRecord { result_id, state: JobState::Posting { until } };
	let claimed = store.mutate(|previous: Result<Option<JobRecord>, StorageRetrievalError>| {
		let taken = match previous {
			Ok(Some(record)) if record.result_id == result_id => match record.state {
				JobState::Posting { until } => now_millis() < until,
				JobState::Rendering { .. } | JobState::Rendered { .. } => true,
			},
			// None, undecodable, or a record for another spec.
			_ => false,
		};
		if taken {
			Err(())
		} else {
			Ok(claim.clone())
		}
	});
	if claimed.is_err() {
		return;
	}
	let Some(spec) = pallet_render::Pallet::<T>::task_spec(index) else { return };
	let chunks = scene_chunks::<T>(&spec).unwrap_or_default();
	match worker.post_job(&spec, &chunks, &result_id) {
		Ok(job_id) => {
			log::info!(target: LOG_TARGET, "task {index}: posted to the render worker as job {job_id}");
			store.set(&JobRecord { result_id, state: JobState::Rendering { job_id } });
		}
		Err(error) => {
			log::warn!(target: LOG_TARGET, "task {index}: {error}; posting again next block");
			clear_if(store, &claim);
		}
	}
}

/// Polls the job; once done, draws the salt and stores `(root, salt)` before anything is
/// signed with them.
fn poll<AccountId: Encode>(
	worker: &RenderWorker<'_>,
	store: &mut StorageValueRef<'_>,
	account: &AccountId,
	index: TaskIndex,
	result_id: Hash32,
	job_id: Hash32,
) -> Option<(Hash32, Salt)> {
	let root = match worker.job_status(&job_id) {
		Ok(JobStatus::Done(root)) => root,
		Ok(JobStatus::Pending) => {
			log::debug!(target: LOG_TARGET, "task {index}: job {job_id} is still rendering");
			return None;
		}
		Ok(JobStatus::Failed(error)) => {
			log::warn!(target: LOG_TARGET, "task {index}: the render worker failed job {job_id}: {error}");
			clear_if(store, &JobRecord { result_id, state: JobState::Rendering { job_id } });
			return None;
		}
		Ok(JobStatus::Unknown) => {
			log::warn!(target: LOG_TARGET, "task {index}: the render worker forgot job {job_id}; posting again");
			clear_if(store, &JobRecord { result_id, state: JobState::Rendering { job_id } });
			return None;
		}
		Err(error @ WorkerError::Unreachable) | Err(error @ WorkerError::Timeout) => {
			log::warn!(target: LOG_TARGET, "task {index}: {error}; polling again next block");
			return None;
		}
		Err(error) => {
			log::warn!(target: LOG_TARGET, "task {index}: {error}");
			return None;
		}
	};
	let salt = draw_salt(account, index);
	let stored = store.mutate(|previous: Result<Option<JobRecord>, StorageRetrievalError>| {
		match previous {
			// An overlapping run stored its salt first: keep that one.
			Ok(Some(JobRecord { state: JobState::Rendered { root, salt }, result_id: id }))
				if id == result_id =>
			{
				Ok(JobRecord { result_id, state: JobState::Rendered { root, salt } })
			}
			_ => Ok::<_, ()>(JobRecord { result_id, state: JobState::Rendered { root, salt } }),
		}
	});
	match stored {
		Ok(JobRecord { state: JobState::Rendered { root, salt }, .. }) => Some((root, salt)),
		_ => None,
	}
}

/// A fresh secret salt: the node's random seed mixed with the account and the task.
fn draw_salt<AccountId: Encode>(account: &AccountId, index: TaskIndex) -> Salt {
	let seed = sp_io::offchain::random_seed();
	Hash32::of_parts(&[b"playnet-salt", &seed, &account.encode(), &index.to_le_bytes()]).0
}

/// Clears the record if it is still `expected`. (An overlapping run that changes it in
/// between at worst makes the next run post the spec again, which the worker answers with
/// the same job.)
fn clear_if(store: &mut StorageValueRef<'_>, expected: &JobRecord) {
	if store.get::<JobRecord>().ok().flatten().as_ref() == Some(expected) {
		store.clear();
	}
}

/// The canonical encodings of `spec`'s scene chunks, in order; `None` if the runtime has
/// some chunk's bytes missing.
pub fn scene_chunks<T: Config>(spec: &RenderSpec) -> Option<Vec<Vec<u8>>> {
	spec.scene
		.iter()
		.map(|chunk| T::SceneChunks::chunk_bytes(chunk.coord, &chunk.content_hash))
		.collect()
}

fn now_millis() -> u64 {
	sp_io::offchain::timestamp().unix_millis()
}
