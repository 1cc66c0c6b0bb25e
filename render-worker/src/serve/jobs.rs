//! The job table and the render thread that works through it.
//!
//! Jobs are keyed by the id their frame hashes commit to (the task's result id, or the spec's
//! id when none is given), so posting the same task twice gives the same job. One thread
//! owns the renderer and renders jobs in order; it is independent of any HTTP connection, so
//! a job keeps going when the client that posted it goes away.

use crate::{
	backend::{Backend, Renderer},
	task::render_task,
	verify::ClaimedResult,
};
use playnet_primitives::{Hash32, RenderSpec, Scene};
use std::{
	collections::{HashMap, VecDeque},
	sync::{mpsc, Arc, Mutex, MutexGuard},
};

/// Where a job is.
#[derive(Clone, Debug, serde::Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum JobStatus {
	/// Waiting for the render thread.
	Queued,
	/// Rendering.
	Running {
		/// Frames finished so far.
		frames_done: u32,
	},
	/// Finished; the result is available.
	Done,
	/// Failed; nothing to serve.
	Failed {
		/// Why.
		error: String,
	},
}

/// One job.
#[derive(Clone, Debug)]
pub struct Job {
	/// The task.
	pub spec: Arc<RenderSpec>,
	/// Its state.
	pub status: JobStatus,
	/// The result, once done.
	pub result: Option<Arc<ClaimedResult>>,
}

/// Why a job was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum SubmitError {
	/// Too many jobs are queued or running.
	QueueFull(usize),
	/// The render thread has stopped.
	WorkerGone,
}

struct Work {
	id: Hash32,
	spec: Arc<RenderSpec>,
	scene: Scene,
}

/// The shared job table.
pub struct JobTable {
	jobs: Mutex<HashMap<Hash32, Job>>,
	/// Finished (done or failed) job ids, oldest first.
	finished: Mutex<VecDeque<Hash32>>,
	max_finished: usize,
	queue: Mutex<mpsc::Sender<Work>>,
	max_pending: usize,
	renderer: String,
}

impl JobTable {
	/// Starts the render thread on `backend` and returns the table it serves. Fails if the
	/// renderer cannot start (e.g. `--backend gpu` with no adapter).
	pub fn start(
		backend: Backend,
		threads: Option<usize>,
		max_pending: usize,
		max_finished: usize,
	) -> Result<Arc<Self>, crate::RenderError> {
		let (sender, receiver) = mpsc::channel::<Work>();
		let (ready_tx, ready_rx) = mpsc::channel();
		let table_slot: Arc<Mutex<Option<std::sync::Weak<JobTable>>>> = Arc::new(Mutex::new(None));
		let slot = table_slot.clone();
		std::thread::Builder::new()
			.name("render-jobs".into())
			.spawn(move || {
				let renderer = match Renderer::new(backend, threads) {
					Ok(renderer) => {
						let _ = ready_tx.send(Ok(renderer.describe()));
						renderer
					}
					Err(error) => {
						let _ = ready_tx.send(Err(error));
						return;
					}
				};
				while let Ok(work) = receiver.recv() {
					let Some(table) = lock(&slot).as_ref().and_then(|weak| weak.upgrade()) else {
						return;
					};
					table.run(&renderer, work);
				}
			})
			.map_err(|e| crate::RenderError::Threads { threads: 1, reason: e.to_string() })?;
		let renderer = ready_rx
			.recv()
			.map_err(|_| crate::RenderError::Gpu("render thread died while starting".into()))??;
		let table = Arc::new(JobTable {
			jobs: Mutex::new(HashMap::new()),
			finished: Mutex::new(VecDeque::new()),
			max_finished: max_finished.max(1),
			queue: Mutex::new(sender),
			max_pending,
			renderer,
		});
		*lock(&table_slot) = Some(Arc::downgrade(&table));
		Ok(table)
	}

	/// What renders: the adapter or the CPU threads.
	pub fn renderer(&self) -> &str {
		&self.renderer
	}

	/// Queues a validated spec and its scene, to be hashed for `result_id` (the spec's id when
	/// `None`). Returns the job id (that id) and whether it is new (an existing job with the
	/// same id is returned as is).
	pub fn submit(
		&self,
		spec: RenderSpec,
		scene: Scene,
		result_id: Option<Hash32>,
	) -> Result<(Hash32, bool), SubmitError> {
		let id = result_id.unwrap_or_else(|| spec.task_id());
		let mut jobs = lock(&self.jobs);
		if jobs.contains_key(&id) {
			return Ok((id, false));
		}
		let pending = jobs
			.values()
			.filter(|job| matches!(job.status, JobStatus::Queued | JobStatus::Running { .. }))
			.count();
		if pending >= self.max_pending {
			return Err(SubmitError::QueueFull(self.max_pending));
		}
		let spec = Arc::new(spec);
		lock(&self.queue)
			.send(Work { id, spec: spec.clone(), scene })
			.map_err(|_| SubmitError::WorkerGone)?;
		jobs.insert(id, Job { spec, status: JobStatus::Queued, result: None });
		Ok((id, true))
	}

	/// The job with id `id`.
	pub fn get(&self, id: &Hash32) -> Option<Job> {
		lock(&self.jobs).get(id).cloned()
	}

	/// Number of jobs known.
	pub fn len(&self) -> usize {
		lock(&self.jobs).len()
	}

	/// Whether no job is known.
	pub fn is_empty(&self) -> bool {
		self.len() == 0
	}

	fn set_status(&self, id: &Hash32, status: JobStatus, result: Option<Arc<ClaimedResult>>) {
		if let Some(job) = lock(&self.jobs).get_mut(id) {
			job.status = status;
			if result.is_some() {
				job.result = result;
			}
		}
	}

	/// Records that `id` finished, forgetting the oldest finished jobs past the limit.
	fn retire(&self, id: Hash32) {
		let mut finished = lock(&self.finished);
		finished.push_back(id);
		while finished.len() > self.max_finished {
			if let Some(old) = finished.pop_front() {
				lock(&self.jobs).remove(&old);
			}
		}
	}

	fn run(&self, renderer: &Renderer, work: Work) {
		self.set_status(&work.id, JobStatus::Running { frames_done: 0 }, None);
		let outcome = render_task(renderer, &work.spec, work.id, &work.scene, |frame, _| {
			self.set_status(&work.id, JobStatus::Running { frames_done: frame + 1 }, None);
			true
		});
		match outcome {
			Ok(Some(result)) => {
				tracing::info!(job = %work.id, root = %result.root, "job done");
				self.set_status(&work.id, JobStatus::Done, Some(Arc::new((&result).into())));
			}
			Ok(None) => {}
			Err(error) => {
				tracing::warn!(job = %work.id, "job failed: {error}");
				self.set_status(&work.id, JobStatus::Failed { error: error.to_string() }, None);
			}
		}
		self.retire(work.id);
	}
}

/// Locks `mutex`, recovering the data if a holder panicked (the table stays usable).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
	mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
