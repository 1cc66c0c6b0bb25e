//! Answering the challenges of results this node's `rndr` accounts signed.
//!
//! While an accepted result is in its fraud window anyone may challenge one of its frames
//! (`pallet_render::Challenges`); a signer (a worker whose revealed root is the accepted one)
//! must then publish the frame's tile hashes and its path to the root before the challenge's
//! deadline, or every signer is slashed as a fraud. Each block, for every such challenge that
//! is unanswered, still open and of a result a local account signed:
//!
//! 1. ask the render worker for the frame: `GET {url}/jobs/{result id}/evidence?frame=F`. The
//!    worker keys its job by the task's result id, which the chain keeps, so no record of this
//!    node is needed (the work's records go when the task leaves `Assignments` at acceptance);
//! 2. check it as the pallet will: one hash per tile of the frame, and the path of
//!    `BLAKE3(result_id || merkle_root(tile_hashes))` leads to the accepted root. Evidence that
//!    does not is logged and nothing is signed: the chain would refuse it and keep the fee;
//! 3. send `answer_challenge(task, frame, tile_hashes, frame_path)`.
//!
//! A render worker that does not know the job (`404`: it restarted, or dropped the result past
//! its `--max-finished`) gets the task's spec again, with its scene chunks and result id, as
//! for work; rendering is deterministic, so the job comes back with the accepted root, and
//! the answer goes once it is done. One of overlapping runs posts it: a compare-and-set claim
//! on the result id ([`local_storage::claim_repost`]).
//!
//! **Who answers.** The first local account (keystore order) that signed the result, so two
//! local signers never both pay for one answer. While it waits for its previous transaction
//! the challenge waits too, and nothing is fetched.
//!
//! **When.** Only while `now < deadline`: the transaction lands in a later block, and the
//! pallet takes answers up to and including the deadline block. Challenges closing first are
//! answered first.
//!
//! **Before commits and reveals.** The offchain worker hook runs this before the work
//! (`work.rs`): an answer claims the account's one transaction slot, and the work's commit or
//! reveal waits for the next free block. An answer's window (`AnswerPeriod`, 20 blocks in the
//! runtime) is no longer than a reveal's and may need a re-render, and missing it costs every
//! signer `FraudSlash` (25%) and the result, against `MissSlash` (1%) for a late reveal.
//!
//! Cost per block: one pass over `Challenges` (at most the accepted tasks times
//! `MaxChallengesPerTask`), and one HTTP request per challenge to answer, until one answer per
//! account is sent.

use crate::{
	local_storage,
	render_worker::{ClaimedFrame, FrameEvidence, RenderWorker, WorkerError},
	transactions::{self, Sent},
	work::scene_chunks,
	Config, LOG_TARGET,
};
use alloc::vec::Vec;
use pallet_render::{TaskIndex, TaskPhase};
use playnet_primitives::{
	proof::{
		merkle::{merkle_root, MerkleProof},
		tile::tile_count,
	},
	Hash32, RenderSpec,
};
use polkadot_sdk::{
	frame_support::{traits::Get, BoundedVec},
	frame_system::{offchain::Account, pallet_prelude::BlockNumberFor},
	sp_io,
};

/// An open challenge a local account must answer.
struct DueAnswer<T: Config> {
	task: TaskIndex,
	frame: u32,
	deadline: BlockNumberFor<T>,
	root: Hash32,
	result_id: Hash32,
	/// The answering account: its index in the local accounts.
	answerer: usize,
}

/// What to do about one challenge in this run.
enum Step<T: Config> {
	/// Send this answer.
	Answer(pallet_render::Call<T>),
	/// Nothing now (rendering, bad evidence: see the log); look again next block.
	Wait,
	/// The render worker is down: nothing more this run.
	WorkerDown,
}

/// Answers the open challenges of results the local `accounts` signed, at block `now`; at
/// most one transaction per account. `worker_url` is the render worker's base URL.
pub fn answer_challenges<T: Config>(
	accounts: &[Account<T>],
	now: BlockNumberFor<T>,
	worker_url: Option<&str>,
) {
	let due = challenges_to_answer::<T>(accounts, now);
	if due.is_empty() {
		return;
	}
	let Some(url) = worker_url else {
		log::error!(
			target: LOG_TARGET,
			"{} challenge(s) of results this node signed wait for an answer, but no render \
			 worker URL is set: set offchain storage key `playnet::render-worker-url`",
			due.len(),
		);
		return;
	};
	let worker = RenderWorker::new(url, T::HttpTimeoutMillis::get());
	let mut done: Vec<usize> = Vec::new();
	for challenge in &due {
		if done.contains(&challenge.answerer) {
			continue;
		}
		let account = &accounts[challenge.answerer];
		if transactions::is_busy::<T>(&account.id, now) {
			log::debug!(
				target: LOG_TARGET,
				"{:?}: the answer to the challenge of task {} frame {} waits for the previous \
				 transaction",
				account.id,
				challenge.task,
				challenge.frame,
			);
			done.push(challenge.answerer);
			continue;
		}
		match next_step(&worker, challenge) {
			Step::Answer(call) => {
				done.push(challenge.answerer);
				if transactions::submit::<T>(account, call, now) == Sent::Submitted {
					log::info!(
						target: LOG_TARGET,
						"{:?}: answer to the challenge of task {} frame {} submitted",
						account.id,
						challenge.task,
						challenge.frame,
					);
				}
			}
			Step::Wait => {}
			Step::WorkerDown => return,
		}
	}
}

/// The unanswered challenges that can still be answered in a later block, of accepted
/// results one of `accounts` signed, the first deadline first.
fn challenges_to_answer<T: Config>(
	accounts: &[Account<T>],
	now: BlockNumberFor<T>,
) -> Vec<DueAnswer<T>> {
	let mut due = Vec::new();
	for (index, frame, challenge) in pallet_render::Challenges::<T>::iter() {
		if challenge.answered_by.is_some() || now >= challenge.deadline {
			continue;
		}
		let Some(task) = pallet_render::Tasks::<T>::get(index) else { continue };
		let (TaskPhase::Accepted, Some(root), Some(result_id)) =
			(task.phase, task.accepted_root, task.result_id)
		else {
			continue;
		};
		let signers = task.signers();
		let Some(answerer) = accounts.iter().position(|account| signers.contains(&account.id))
		else {
			continue;
		};
		due.push(DueAnswer {
			task: index,
			frame,
			deadline: challenge.deadline,
			root,
			result_id,
			answerer,
		});
	}
	due.sort_by_key(|challenge| challenge.deadline);
	due
}

/// Fetches the challenged frame's evidence and turns it into an answer, or posts the job
/// again if the worker forgot it.
fn next_step<T: Config>(worker: &RenderWorker<'_>, challenge: &DueAnswer<T>) -> Step<T> {
	let DueAnswer { task, frame, result_id, .. } = *challenge;
	match worker.frame_evidence(&result_id, frame) {
		Ok(FrameEvidence::Ready(claimed)) => match answer_call::<T>(challenge, claimed) {
			Some(call) => Step::Answer(call),
			None => {
				log::error!(
					target: LOG_TARGET,
					"challenge of task {task} frame {frame}: the render worker's evidence does \
					 not lead to the accepted root; not answering",
				);
				Step::Wait
			}
		},
		Ok(FrameEvidence::NotReady(why)) => {
			log::info!(
				target: LOG_TARGET,
				"challenge of task {task} frame {frame}: job {result_id} is not ready ({why}); \
				 answering once it is",
			);
			Step::Wait
		}
		Ok(FrameEvidence::Unknown) => {
			log::warn!(
				target: LOG_TARGET,
				"challenge of task {task} frame {frame}: the render worker forgot job \
				 {result_id}; posting it again",
			);
			repost::<T>(worker, task, result_id);
			Step::Wait
		}
		Err(error @ (WorkerError::Unreachable | WorkerError::Timeout)) => {
			log::warn!(
				target: LOG_TARGET,
				"challenge of task {task} frame {frame}: {error}; trying again next block",
			);
			Step::WorkerDown
		}
		Err(error) => {
			log::warn!(target: LOG_TARGET, "challenge of task {task} frame {frame}: {error}");
			Step::Wait
		}
	}
}

/// The `answer_challenge` call for `claimed`, if it answers `challenge` as the pallet checks
/// it and fits the call's bounds.
fn answer_call<T: Config>(
	challenge: &DueAnswer<T>,
	claimed: ClaimedFrame,
) -> Option<pallet_render::Call<T>> {
	let DueAnswer { task, frame, root, result_id, .. } = *challenge;
	let spec = pallet_render::Pallet::<T>::task_spec(task)?;
	if !leads_to_root(&spec, &result_id, &root, frame, &claimed.tile_hashes, &claimed.frame_path) {
		return None;
	}
	Some(pallet_render::Call::answer_challenge {
		task,
		frame,
		tile_hashes: BoundedVec::try_from(claimed.tile_hashes).ok()?,
		frame_path: BoundedVec::try_from(claimed.frame_path).ok()?,
	})
}

/// Whether `tile_hashes` and `frame_path` are `frame`'s evidence under `root` for a result
/// of `spec` bound to `result_id`, by the checks `answer_challenge` makes: one hash per tile of
/// the frame, and the path of `BLAKE3(result_id || merkle_root(tile_hashes))` leads to `root`.
pub fn leads_to_root(
	spec: &RenderSpec,
	result_id: &Hash32,
	root: &Hash32,
	frame: u32,
	tile_hashes: &[Hash32],
	frame_path: &[Hash32],
) -> bool {
	if tile_hashes.len() as u64 != u64::from(tile_count(spec.width, spec.height)) {
		return false;
	}
	let Some(tile_root) = merkle_root(tile_hashes) else { return false };
	let frame_hash = Hash32::of_parts(&[&result_id.0, &tile_root.0]);
	let path =
		MerkleProof { index: frame, leaf_count: spec.frame_count, siblings: frame_path.to_vec() };
	path.verify(&frame_hash, root).is_ok()
}

/// Posts task `index`'s spec again for the job `result_id`, unless an overlapping run is
/// posting it.
fn repost<T: Config>(worker: &RenderWorker<'_>, index: TaskIndex, result_id: Hash32) {
	let now = sp_io::offchain::timestamp().unix_millis();
	let until = now.saturating_add(T::HttpTimeoutMillis::get().saturating_mul(2));
	if !local_storage::claim_repost(&result_id, now, until) {
		log::debug!(target: LOG_TARGET, "task {index}: another run is posting job {result_id}");
		return;
	}
	let Some(spec) = pallet_render::Pallet::<T>::task_spec(index) else {
		local_storage::release_repost(&result_id);
		return;
	};
	let chunks = scene_chunks::<T>(&spec).unwrap_or_default();
	match worker.post_job(&spec, &chunks, &result_id) {
		Ok(job_id) => log::info!(
			target: LOG_TARGET,
			"task {index}: posted to the render worker again as job {job_id}, to answer its \
			 challenge",
		),
		Err(error) => {
			log::warn!(target: LOG_TARGET, "task {index}: {error}; posting again next block");
			local_storage::release_repost(&result_id);
		}
	}
}
