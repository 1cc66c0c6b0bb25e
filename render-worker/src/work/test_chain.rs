//! A chain for the worker's unit tests: one accepted task over a small demo scene, its
//! challenges and evidence set by the test, and every submitted call recorded.

use super::{
	chain::{
		AccountBytes, Balance, ChainBlock, ChainError, ChallengeView, FrameEvidence, RenderChain,
		RenderEvent, TaskIndex, TaskPhase, TaskView, Verification, WorkCall, WorkerSlot,
	},
	report::WorkEvent,
	state::{StateDir, TaskRecord},
	WorkConfig, Worker,
};
use crate::{
	backend::{Backend, Renderer},
	task::render_task,
};
use playnet_primitives::{demo::GeneratedTask, ChunkCoord, Hash32, RenderSpec, Scene, TaskResult};
use std::{
	collections::BTreeMap,
	sync::{Arc, Mutex},
};

pub const SEED: u64 = 42;
pub const ME: AccountBytes = [1; 32];
pub const OTHER: AccountBytes = [2; 32];
pub const TASK: TaskIndex = 7;

/// A chain holding one accepted task and recording what the worker submits.
pub struct OneTaskChain {
	pub view: TaskView,
	pub spec: RenderSpec,
	pub evidence: BTreeMap<u32, FrameEvidence>,
	pub submitted: Arc<Mutex<Vec<WorkCall>>>,
	pub included_in: u64,
	/// Every submitted call fails on chain with this error (its fee paid), when set.
	pub fail_with: Option<String>,
}

#[async_trait::async_trait]
impl RenderChain for OneTaskChain {
	fn account(&self) -> AccountBytes {
		ME
	}
	fn genesis_hash(&self) -> [u8; 32] {
		[0; 32]
	}
	async fn next_block(&mut self) -> Result<ChainBlock, ChainError> {
		unreachable!("the tests drive the worker block by block")
	}
	async fn render_events(&self) -> Result<Vec<RenderEvent>, ChainError> {
		Ok(Vec::new())
	}
	async fn tasks_assigned(&self) -> Result<Vec<TaskIndex>, ChainError> {
		Ok(Vec::new())
	}
	async fn task(&self, task: TaskIndex) -> Result<Option<TaskView>, ChainError> {
		Ok((task == TASK).then(|| self.view.clone()))
	}
	async fn evidence(
		&self,
		task: TaskIndex,
		frame: u32,
	) -> Result<Option<FrameEvidence>, ChainError> {
		Ok(self.evidence.get(&frame).filter(|_| task == TASK).cloned())
	}
	async fn max_challenges(&self) -> Result<u32, ChainError> {
		Ok(4)
	}
	async fn task_spec(&self, task: TaskIndex) -> Result<Option<RenderSpec>, ChainError> {
		Ok((task == TASK).then(|| self.spec.clone()))
	}
	async fn world_seed(&self) -> Result<u64, ChainError> {
		Ok(SEED)
	}
	async fn chunk_at(&self, _: ChunkCoord, _: Hash32) -> Result<Option<Vec<u8>>, ChainError> {
		Ok(None)
	}
	async fn rewards_earned(&self) -> Result<Balance, ChainError> {
		Ok(0)
	}
	async fn free_balance(&self) -> Result<Balance, ChainError> {
		Ok(0)
	}
	async fn bonded(&self) -> Result<Balance, ChainError> {
		Ok(0)
	}
	async fn min_bond(&self) -> Result<Balance, ChainError> {
		Ok(0)
	}
	async fn submit(&mut self, call: WorkCall) -> Result<u64, ChainError> {
		let name = call.name();
		self.submitted.lock().unwrap().push(call);
		match &self.fail_with {
			Some(error) => Err(ChainError::Dispatch { call: name.into(), error: error.clone() }),
			None => Ok(self.included_in),
		}
	}
}

/// A worker whose state directory holds its render of a small demo task (3 frames of 4
/// tiles), and the chain showing that task accepted.
pub struct Setup {
	pub worker: Worker<OneTaskChain>,
	pub result: TaskResult,
	pub chunks: Vec<Vec<u8>>,
	pub submitted: Arc<Mutex<Vec<WorkCall>>>,
	pub events: Arc<Mutex<Vec<WorkEvent>>>,
	_dir: tempfile::TempDir,
}

/// The task accepted with `accepted_root` (from this worker's result, which it revealed)
/// and challenged on `challenges`.
pub fn setup(
	accepted_root: impl FnOnce(&TaskResult) -> Hash32,
	challenges: Vec<ChallengeView>,
) -> Setup {
	let (spec, chunks) = GeneratedTask::demo(SEED, 128, 128, 3).build();
	let result_id = Hash32::of(b"the task's result id");
	let scene = Scene::from_encoded(&spec, &chunks).unwrap();
	let renderer = Renderer::new(Backend::Cpu, Some(1)).unwrap();
	let result = render_task(&renderer, &spec, result_id, &scene, |_, _| true).unwrap().unwrap();
	let dir = tempfile::tempdir().unwrap();
	let state = StateDir::open(dir.path()).unwrap();
	state.save_frame_hashes(TASK, &result.frame_hashes).unwrap();
	state
		.save(&TaskRecord {
			task: TASK,
			spec_id: spec.task_id(),
			result_id,
			root: result.root,
			salt: [3; 32],
			committed_in: Some(2),
			revealed_in: Some(4),
		})
		.unwrap();
	let accepted = accepted_root(&result);
	let view = TaskView {
		poster: [9; 32],
		fee: 1,
		spec_id: spec.task_id(),
		work_units: 12,
		posted_at: 1,
		phase: TaskPhase::Accepted,
		deadline: 60,
		workers: vec![
			WorkerSlot { who: ME, commitment: Some(Hash32([5; 32])), root: Some(result.root) },
			WorkerSlot { who: OTHER, commitment: Some(Hash32([6; 32])), root: Some(accepted) },
		],
		accepted_root: Some(accepted),
		result_id: Some(result_id),
		challenges,
		verification: Verification::Majority,
		spot_check: None,
	};
	let submitted = Arc::new(Mutex::new(Vec::new()));
	let chain = OneTaskChain {
		view,
		spec,
		evidence: BTreeMap::new(),
		submitted: submitted.clone(),
		included_in: 12,
		fail_with: None,
	};
	let events = Arc::new(Mutex::new(Vec::new()));
	let sink = events.clone();
	let worker =
		Worker::new(chain, Arc::new(renderer), state, WorkConfig::default(), move |event| {
			sink.lock().unwrap().push(event)
		});
	Setup { worker, result, chunks, submitted, events, _dir: dir }
}

pub fn challenge(frame: u32, deadline: u32, answered_by: Option<AccountBytes>) -> ChallengeView {
	ChallengeView { frame, challenger: [8; 32], deadline, answered_by }
}

pub fn block(number: u64) -> ChainBlock {
	ChainBlock { number, hash: [0; 32] }
}
