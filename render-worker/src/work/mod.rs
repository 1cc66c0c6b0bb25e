//! `work`: the standalone render worker, for contributors without a node of their own.
//!
//! It connects to a node over RPC with its own key, bonds if asked, and then, block by
//! followed block, reads the tasks `RenderApi::tasks_assigned_to` gives its account and acts
//! on each by phase:
//!
//! - **Committing**, not yet committed: fetch the spec, build its scene (generated chunks
//!   from the chain's world seed, edited ones from the chain), render it, draw a random salt,
//!   save root and salt in the state directory, then submit
//!   `Render::commit(task, commitment_of(root, salt, account))`.
//! - **Revealing**, committed but not revealed: load root and salt and submit
//!   `Render::reveal(task, root, salt)`.
//! - **Accepted** with another root than the one this worker revealed: dispute it
//!   (`dispute.rs`): challenge frames, narrowing down by comparing the published frames'
//!   paths with its own, and report a published tile that differs from its render.
//! - **Accepted** with this worker's root and a frame challenged (the task has left the
//!   assigned list; its record is still here): render that frame again, check it against the
//!   frame hash kept with the result, and submit `Render::answer_challenge(task, frame, tile
//!   hashes, frame path)` before the challenge's deadline. Unanswered, it would slash every
//!   signer as a fraud; one signer's answer serves all of them.
//!
//! The render pallet's events in each block say how its tasks end: accepted, rewarded
//! (`WorkerRewarded`, with `RenderApi::rewards_earned` and the balance), slashed, refunded.
//! Transactions go one at a time, each signed with `system_accountNextIndex` and awaited
//! until it is in a block; answers go first (an unanswered challenge costs the most), then
//! reveals (their deadline is shorter), then commits, each kind earliest deadline first.

mod answer;
pub mod chain;
pub mod commitment;
mod dispute;
pub mod post;
pub mod report;
pub mod rpc;
pub mod scene;
pub mod state;
#[cfg(test)]
mod test_chain;

use crate::{backend::Renderer, error::WorkError, task::render_task};
use chain::{
	AccountBytes, Balance, ChainBlock, RenderChain, TaskIndex, TaskPhase, TaskView, WorkCall,
};
use commitment::{commitment_of, new_salt};
use playnet_primitives::{proof::merkle::merkle_root, Hash32, RenderSpec, Scene};
use report::{format_pgt, TaskEnd, WorkEvent};
use state::{StateDir, TaskRecord};
use std::{
	collections::{HashMap, HashSet},
	sync::Arc,
	time::Instant,
};

/// What is kept free for transaction fees when bonding.
pub const FEE_MARGIN: Balance = report::PLANCKS_PER_PGT;

/// How the worker runs.
#[derive(Clone, Debug, Default)]
pub struct WorkConfig {
	/// Bond up to this much (plancks) before working; `None` leaves the bond as it is.
	pub bond: Option<Balance>,
	/// Stop after this many of the worker's tasks have ended (settled or refunded).
	pub stop_after: Option<u64>,
}

/// The steps that submit a transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Step {
	Commit,
	Reveal,
	/// The answer to the challenge of one frame.
	Answer(u32),
	/// A challenge or fraud report of a result this worker was outvoted on.
	Dispute,
}

/// The worker: a chain, a renderer, a state directory and where to report.
pub struct Worker<C: RenderChain> {
	chain: C,
	renderer: Arc<Renderer>,
	state: StateDir,
	config: WorkConfig,
	report: Box<dyn FnMut(WorkEvent) + Send>,
	account: AccountBytes,
	world_seed: Option<u64>,
	/// The block each submitted transaction was included in: until the followed blocks
	/// reach it, the chain's state does not show it yet and must not trigger a resubmission.
	included: HashMap<(TaskIndex, Step), u64>,
	/// The last failure reported per task, so that each is reported once.
	failures: HashMap<TaskIndex, String>,
	/// Tasks announced as assigned.
	announced: HashSet<TaskIndex>,
	/// Tasks whose acceptance was reported, and whether this worker's root won.
	accepted: HashMap<TaskIndex, bool>,
	/// Tasks that ended while this worker followed.
	ended: u64,
	/// The disputes of results this worker was outvoted on.
	disputes: HashMap<TaskIndex, dispute::Dispute>,
}

impl<C: RenderChain> Worker<C> {
	/// A worker on `chain` rendering with `renderer`, keeping task records in `state`, and
	/// telling `report` what happens.
	pub fn new(
		chain: C,
		renderer: Arc<Renderer>,
		state: StateDir,
		config: WorkConfig,
		report: impl FnMut(WorkEvent) + Send + 'static,
	) -> Self {
		let account = chain.account();
		Worker {
			chain,
			renderer,
			state,
			config,
			report: Box::new(report),
			account,
			world_seed: None,
			included: HashMap::new(),
			failures: HashMap::new(),
			announced: HashSet::new(),
			accepted: HashMap::new(),
			ended: 0,
			disputes: HashMap::new(),
		}
	}

	/// Bonds if asked, then works block by block until `stop_after` tasks have ended, or
	/// until an error that is not about one task (a lost connection: see
	/// [`WorkError::is_transient`]). Returns the number of tasks that ended.
	pub async fn run(&mut self) -> Result<u64, WorkError> {
		let first = self.chain.next_block().await?;
		if let Some(bond) = self.config.bond {
			self.ensure_bond(bond).await?;
		}
		let balance = self.chain.free_balance().await?;
		(self.report)(WorkEvent::Started {
			account: playnet_chain_access::subxt::utils::AccountId32(self.account).to_string(),
			renderer: self.renderer.describe(),
			state_dir: self.state.path().display().to_string(),
			block: first.number,
			balance,
		});
		let mut block = first;
		loop {
			self.work_at(block).await?;
			if self.config.stop_after.is_some_and(|limit| self.ended >= limit) {
				return Ok(self.ended);
			}
			block = self.chain.next_block().await?;
		}
	}

	/// Adds to the bond until it is `wanted`.
	async fn ensure_bond(&mut self, wanted: Balance) -> Result<(), WorkError> {
		let bonded = self.chain.bonded().await?;
		if bonded >= wanted {
			(self.report)(WorkEvent::BondKept { bonded });
			return Ok(());
		}
		let min = self.chain.min_bond().await?;
		if wanted < min {
			return Err(WorkError::BondBelowMinimum {
				asked: format_pgt(wanted),
				min: format_pgt(min),
			});
		}
		let missing = wanted - bonded;
		let free = self.chain.free_balance().await?;
		let too_low = || WorkError::BalanceTooLow {
			needed: format_pgt(missing),
			free: format_pgt(free),
			margin: format_pgt(FEE_MARGIN),
		};
		if free < missing.saturating_add(FEE_MARGIN) {
			return Err(too_low());
		}
		let block = match self.chain.submit(WorkCall::Bond(missing)).await {
			Ok(block) => block,
			Err(chain::ChainError::Dispatch { error, .. })
				if error.contains("InsufficientBalance") =>
			{
				return Err(too_low())
			}
			Err(e) => return Err(e.into()),
		};
		(self.report)(WorkEvent::Bonded { amount: missing, bonded: wanted, block });
		Ok(())
	}

	/// Reports the block's events, then acts on every assigned task.
	async fn work_at(&mut self, block: ChainBlock) -> Result<(), WorkError> {
		for event in self.chain.render_events().await? {
			self.on_event(event).await?;
		}
		let assigned = self.chain.tasks_assigned().await?;
		self.answer_challenges(&assigned, block).await?;
		self.dispute_outvoted(&assigned, block).await?;
		let mut due = Vec::new();
		for task in assigned {
			if let Some(view) = self.chain.task(task).await? {
				due.push((task, view));
			}
		}
		// Reveals first: their phase is shorter, and a late one costs stake.
		due.sort_by_key(|(task, view)| (view.phase != TaskPhase::Revealing, view.deadline, *task));
		for (task, view) in due {
			match self.work_on(task, &view, block).await {
				Ok(()) => {
					self.failures.remove(&task);
				}
				Err(error) if error.is_transient() => return Err(error),
				Err(error) => self.fail(task, &error),
			}
		}
		Ok(())
	}

	/// The latest block number known: the followed block, or a later one a transaction of
	/// this pass was included in.
	fn now(&self, block: ChainBlock) -> u64 {
		self.included.values().copied().max().unwrap_or(0).max(block.number)
	}

	fn fail(&mut self, task: TaskIndex, error: &WorkError) {
		let line = crate::error::error_chain(error);
		if self.failures.get(&task) != Some(&line) {
			(self.report)(WorkEvent::Failed { task, error: line.clone() });
			self.failures.insert(task, line);
		}
	}

	async fn on_event(&mut self, event: chain::RenderEvent) -> Result<(), WorkError> {
		use chain::RenderEvent as E;
		let me = self.account;
		match event {
			E::ResultAccepted { task, signers, settle_after, .. } => {
				if self.state.load(task)?.is_some() {
					let agreed = signers.contains(&me);
					self.accepted.insert(task, agreed);
					(self.report)(WorkEvent::Accepted { task, agreed, settle_after });
				}
			}
			E::WorkerRewarded { task, worker, fee_share, minted } if worker == me => {
				let earned = self.chain.rewards_earned().await?;
				let balance = self.chain.free_balance().await?;
				(self.report)(WorkEvent::Rewarded { task, fee_share, minted, earned, balance });
				self.accepted.insert(task, true);
			}
			E::WorkerMissed { task, worker, slashed } if worker == me => {
				(self.report)(WorkEvent::Slashed {
					task,
					amount: slashed,
					why: "missed a deadline",
				});
			}
			E::DissenterSlashed { task, worker, slashed } if worker == me => {
				(self.report)(WorkEvent::Slashed {
					task,
					amount: slashed,
					why: "revealed a root the majority rejected",
				});
			}
			E::TaskSettled { task } => {
				let paid = self.accepted.get(&task) == Some(&true);
				self.end(task, if paid { TaskEnd::Paid } else { TaskEnd::Settled })?;
			}
			E::TaskRefunded { task, reason } => self.end(task, TaskEnd::Refunded(reason))?,
			E::FrameChallenged { task, frame, deadline, .. } => {
				if self.state.load(task)?.is_some() {
					(self.report)(WorkEvent::Challenged { task, frame, deadline });
				}
			}
			E::ChallengeAnswered { task, frame, signer } if signer != me => {
				if self.state.load(task)?.is_some() {
					(self.report)(WorkEvent::AnsweredByAnother { task, frame });
				}
			}
			E::ChallengeUnanswered { task, slashed } => {
				if self.state.load(task)?.is_some() {
					(self.report)(WorkEvent::ChallengeUnanswered { task, slashed });
				}
			}
			_ => {}
		}
		Ok(())
	}

	/// Forgets a task that ended, if this worker worked on it.
	fn end(&mut self, task: TaskIndex, end: TaskEnd) -> Result<(), WorkError> {
		if self.state.load(task)?.is_none() {
			return Ok(());
		}
		self.state.remove(task)?;
		self.accepted.remove(&task);
		self.announced.remove(&task);
		self.disputes.remove(&task);
		self.included.retain(|(t, _), _| *t != task);
		self.ended += 1;
		(self.report)(WorkEvent::Ended { task, end });
		Ok(())
	}

	/// Whether a transaction for `step` of `task` is in a block the followed chain has not
	/// reached yet (known from this run, or from the task's record after a restart).
	fn in_flight(&self, task: TaskIndex, step: Step, block: ChainBlock) -> Result<bool, WorkError> {
		let included = match self.included.get(&(task, step)) {
			Some(included) => Some(*included),
			None => self.state.load(task)?.and_then(|record| match step {
				Step::Commit => record.committed_in,
				Step::Reveal => record.revealed_in,
				// The chain shows an included answer as soon as the followed block has it.
				Step::Answer(_) | Step::Dispute => None,
			}),
		};
		Ok(included.is_some_and(|included| block.number < included))
	}

	async fn work_on(
		&mut self,
		task: TaskIndex,
		view: &TaskView,
		block: ChainBlock,
	) -> Result<(), WorkError> {
		let Some(slot) = view.slot_of(&self.account).cloned() else { return Ok(()) };
		match view.phase {
			TaskPhase::Committing if slot.commitment.is_none() => {
				if self.in_flight(task, Step::Commit, block)? {
					return Ok(());
				}
				self.commit(task, view, block).await
			}
			TaskPhase::Revealing if slot.root.is_none() => {
				let Some(commitment) = slot.commitment else { return Ok(()) };
				if self.in_flight(task, Step::Reveal, block)? {
					return Ok(());
				}
				self.reveal(task, view, commitment, block).await
			}
			_ => Ok(()),
		}
	}

	async fn commit(
		&mut self,
		task: TaskIndex,
		view: &TaskView,
		block: ChainBlock,
	) -> Result<(), WorkError> {
		let past_deadline =
			WorkError::DeadlinePassed { task, phase: "commit", deadline: view.deadline };
		if self.now(block) > u64::from(view.deadline) {
			return Err(past_deadline);
		}
		let mut record = self.result_for(task, view).await?;
		let commitment = commitment_of(&record.root, &record.salt, &self.account);
		let included = self.chain.submit(WorkCall::Commit { task, commitment }).await?;
		self.included.insert((task, Step::Commit), included);
		record.committed_in = Some(included);
		self.state.save(&record)?;
		(self.report)(WorkEvent::Committed { task, block: included });
		Ok(())
	}

	async fn reveal(
		&mut self,
		task: TaskIndex,
		view: &TaskView,
		commitment: Hash32,
		block: ChainBlock,
	) -> Result<(), WorkError> {
		if block.number > u64::from(view.deadline) {
			return Err(WorkError::DeadlinePassed {
				task,
				phase: "reveal",
				deadline: view.deadline,
			});
		}
		let mut record = self
			.state
			.load(task)?
			.filter(|record| record.is_for(view))
			.ok_or(WorkError::NoSavedResult { task })?;
		if commitment_of(&record.root, &record.salt, &self.account) != commitment {
			return Err(WorkError::SavedResultMismatch { task });
		}
		let call = WorkCall::Reveal { task, root: record.root, salt: record.salt };
		let included = self.chain.submit(call).await?;
		self.included.insert((task, Step::Reveal), included);
		record.revealed_in = Some(included);
		self.state.save(&record)?;
		(self.report)(WorkEvent::Revealed { task, block: included });
		Ok(())
	}

	/// The saved result of `task`, or a fresh one: rendered, salted and saved (synced to
	/// disk) before anything is committed.
	async fn result_for(
		&mut self,
		task: TaskIndex,
		view: &TaskView,
	) -> Result<TaskRecord, WorkError> {
		if let Some(record) = self.state.load(task)? {
			if record.is_for(view) {
				return Ok(record);
			}
		}
		if self.announced.insert(task) {
			(self.report)(WorkEvent::Assigned {
				task,
				work_units: view.work_units,
				deadline: view.deadline,
			});
		}
		let result_id = view.result_id.ok_or(WorkError::NotDrawn { task })?;
		let started = Instant::now();
		let (spec, scene, _) = self.spec_and_scene(task, view).await?;
		let renderer = self.renderer.clone();
		let frames = spec.frame_count;
		let result = tokio::task::spawn_blocking(move || {
			render_task(&renderer, &spec, result_id, &scene, |_, _| true)
		})
		.await
		.map_err(|e| WorkError::RenderThread(e.to_string()))??
		.ok_or_else(|| WorkError::RenderThread("rendering stopped".into()))?;
		(self.report)(WorkEvent::Rendered {
			task,
			root: result.root,
			frames,
			seconds: started.elapsed().as_secs_f64(),
		});
		let salt = new_salt().map_err(|e| WorkError::Salt(e.to_string()))?;
		// Kept before anything is committed: a challenge of any frame is answered from them.
		self.state.save_frame_hashes(task, &result.frame_hashes)?;
		let record = TaskRecord {
			task,
			spec_id: view.spec_id,
			result_id,
			root: result.root,
			salt,
			committed_in: None,
			revealed_in: None,
		};
		self.state.save(&record)?;
		Ok(record)
	}

	/// The record of `task`'s result for the draw `view` shows, and the frame hashes kept
	/// with it, checked to make its root (`frame` names the frame wanted, for the error).
	fn kept_result(
		&self,
		task: TaskIndex,
		view: &TaskView,
		frame: u32,
	) -> Result<(TaskRecord, Vec<Hash32>), WorkError> {
		let record = self
			.state
			.load(task)?
			.filter(|record| record.is_for(view))
			.ok_or(WorkError::NoSavedResult { task })?;
		let frames = self
			.state
			.frame_hashes(task)?
			.filter(|frames| merkle_root(frames) == Some(record.root))
			.ok_or(WorkError::NoSavedFrames { task, frame })?;
		Ok((record, frames))
	}

	/// The spec of `task` (checked against the view's spec id), its scene, and the scene's
	/// chunk encodings in the spec's order.
	async fn spec_and_scene(
		&mut self,
		task: TaskIndex,
		view: &TaskView,
	) -> Result<(RenderSpec, Scene, Vec<Vec<u8>>), WorkError> {
		let spec = self.chain.task_spec(task).await?.ok_or(WorkError::SpecMismatch { task })?;
		if spec.task_id() != view.spec_id {
			return Err(WorkError::SpecMismatch { task });
		}
		let seed = match self.world_seed {
			Some(seed) => seed,
			None => {
				let seed = self.chain.world_seed().await?;
				self.world_seed = Some(seed);
				seed
			}
		};
		let chunks = scene::scene_chunks_of(&self.chain, task, &spec, seed).await?;
		let scene = Scene::from_encoded(&spec, &chunks)
			.map_err(|e| WorkError::Job { task, error: e.into() })?;
		Ok((spec, scene, chunks))
	}
}
