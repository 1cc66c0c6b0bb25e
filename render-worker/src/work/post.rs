//! `post`: demo render tasks for a chain, and what becomes of each, one line per step.
//!
//! Nobody posts tasks on a fresh dev chain, so its workers would never earn. `playnet-render
//! post` posts the demo scene ([`GeneratedTask::demo`]) over the chain's own world seed, cut to
//! the render pallet's scene limit, and follows each task it posted through the pallet's
//! lifecycle: assigned, committed, revealed, accepted, paid and settled (or refunded).

use super::{
	chain::{AccountBytes, Balance, RenderEvent, TaskIndex},
	report::format_pgt,
};
use playnet_primitives::{demo::GeneratedTask, ChunkCoord};
use std::collections::BTreeMap;

/// The demo task over world `seed`, its scene cut to the largest square of chunk columns
/// around the world's origin whose chunks number at most `max_chunks` (the render pallet's
/// `MaxSceneChunks`). The camera path is the demo's: it looks at the origin.
pub fn demo_task(
	seed: u64,
	width: u32,
	height: u32,
	frames: u32,
	max_chunks: u32,
) -> GeneratedTask {
	let mut task = GeneratedTask::demo(seed, width, height, frames);
	let span = u32::try_from(task.max_chunk.y - task.min_chunk.y + 1).unwrap_or(1).max(1);
	let full = task.max_chunk.x - task.min_chunk.x + 1;
	let fits = |side: i32| (side * side) as u32 * span <= max_chunks;
	let mut side = 1;
	while side < full && fits(side + 1) {
		side += 1;
	}
	let low = -(side / 2);
	let high = low + side - 1;
	task.min_chunk = ChunkCoord::new(low, task.min_chunk.y, low);
	task.max_chunk = ChunkCoord::new(high, task.max_chunk.y, high);
	task
}

/// Turns the camera a little for `variant` (`variant` mod 64 times 1/512 of a turn), so that
/// posts with different variants (the poster uses the block number) are distinct renders
/// with distinct task ids.
pub fn turn_camera(task: &mut GeneratedTask, variant: u64) {
	let turn = (variant % 64) as i32 * (65536 / 512);
	for keyframe in &mut task.camera_path {
		keyframe.yaw = keyframe.yaw.wrapping_add(turn);
	}
}

/// An account as polkadot.js shows it (SS58, generic prefix 42 as the chain spec says).
pub fn ss58(account: &AccountBytes) -> String {
	playnet_chain_access::subxt::utils::AccountId32(*account).to_string()
}

/// A task posted and not yet ended.
#[derive(Clone, Debug, Default)]
struct OpenTask {
	/// The block that included its post.
	posted_in: u64,
	/// Paid to its workers so far.
	paid: Balance,
	/// Workers paid so far.
	paid_workers: u32,
}

/// The tasks this poster has open, and the lines their events make.
#[derive(Debug, Default)]
pub struct PostedTasks {
	open: BTreeMap<TaskIndex, OpenTask>,
}

impl PostedTasks {
	/// Starts following `task`, posted in block `block`.
	pub fn posted(&mut self, task: TaskIndex, block: u64) {
		self.open.insert(task, OpenTask { posted_in: block, ..OpenTask::default() });
	}

	/// How many posted tasks have not ended yet.
	pub fn open(&self) -> usize {
		self.open.len()
	}

	/// The posted tasks not yet ended, in posting order.
	pub fn open_tasks(&self) -> Vec<TaskIndex> {
		self.open.keys().copied().collect()
	}

	/// Stops following `task`, found gone from the chain (settled or refunded) by block
	/// `block` while this poster was not following blocks; the line that says so.
	pub fn ended_unseen(&mut self, task: TaskIndex, block: u64) -> Option<String> {
		let open = self.open.remove(&task)?;
		Some(format!(
			"task {task}: ended (settled or refunded) while this poster was disconnected, by \
			 block {block}, {} blocks after its post",
			block.saturating_sub(open.posted_in)
		))
	}

	/// The line `event`, seen in followed block `block`, makes; `None` for other posters'
	/// tasks. A settled or refunded task stops being followed.
	pub fn observe(&mut self, event: &RenderEvent, block: u64) -> Option<String> {
		let line = match event {
			RenderEvent::WorkersAssigned { task, workers, commit_deadline } => {
				self.open.get(task)?;
				let names: Vec<String> = workers.iter().map(ss58).collect();
				format!(
					"task {task}: assigned to {}; commit by block {commit_deadline}",
					names.join(", ")
				)
			}
			RenderEvent::RevealsOpened { task, reveal_deadline } => {
				self.open.get(task)?;
				format!("task {task}: every worker committed; reveal by block {reveal_deadline}")
			}
			RenderEvent::ResultAccepted { task, root, signers, settle_after } => {
				self.open.get(task)?;
				format!(
					"task {task}: root {root} accepted, revealed by {} workers; paid after block {settle_after}",
					signers.len()
				)
			}
			RenderEvent::WorkerRewarded { task, worker, fee_share, minted } => {
				let open = self.open.get_mut(task)?;
				let earned = fee_share.saturating_add(*minted);
				open.paid = open.paid.saturating_add(earned);
				open.paid_workers += 1;
				format!(
					"task {task}: {} earned {} ({} fee share + {} minted)",
					ss58(worker),
					format_pgt(earned),
					format_pgt(*fee_share),
					format_pgt(*minted)
				)
			}
			RenderEvent::WorkerMissed { task, worker, slashed } => {
				self.open.get(task)?;
				format!(
					"task {task}: {} missed a deadline, slashed {}",
					ss58(worker),
					format_pgt(*slashed)
				)
			}
			RenderEvent::DissenterSlashed { task, worker, slashed } => {
				self.open.get(task)?;
				format!(
					"task {task}: {} revealed a rejected root, slashed {}",
					ss58(worker),
					format_pgt(*slashed)
				)
			}
			RenderEvent::FrameChallenged { task, frame, challenger, deadline } => {
				self.open.get(task)?;
				format!(
					"task {task}: frame {frame} challenged by {}; a signer answers by block {deadline}",
					ss58(challenger)
				)
			}
			RenderEvent::ChallengeAnswered { task, frame, signer } => {
				self.open.get(task)?;
				format!("task {task}: {} answered the challenge of frame {frame}", ss58(signer))
			}
			RenderEvent::ChallengeUnanswered { task, slashed } => {
				self.open.get(task)?;
				format!(
					"task {task}: a challenge went unanswered; the signers were slashed {} in all",
					format_pgt(*slashed)
				)
			}
			RenderEvent::FraudProven { task } => {
				self.open.get(task)?;
				format!("task {task}: fraud proven against its accepted root")
			}
			RenderEvent::TaskSettled { task } => {
				let open = self.open.remove(task)?;
				format!(
					"task {task}: settled in block {block}, {} blocks after its post: {} paid to {} workers",
					block.saturating_sub(open.posted_in),
					format_pgt(open.paid),
					open.paid_workers
				)
			}
			RenderEvent::TaskRefunded { task, reason } => {
				let open = self.open.remove(task)?;
				format!(
					"task {task}: refunded to the poster ({reason}) in block {block}, {} blocks after its post",
					block.saturating_sub(open.posted_in)
				)
			}
		};
		Some(line)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::work::report::PLANCKS_PER_PGT;
	use playnet_primitives::Hash32;

	#[test]
	fn the_demo_scene_is_cut_to_the_chain_limit() {
		let full = GeneratedTask::demo(42, 64, 64, 1);
		let span = (full.max_chunk.y - full.min_chunk.y + 1) as usize;
		let task = demo_task(42, 64, 64, 1, 64);
		let chunks = task.coords().len();
		assert!(chunks <= 64, "{chunks} chunks");
		assert!(chunks >= 64 / 4, "the largest square that fits: {chunks} chunks");
		assert_eq!(chunks % span, 0, "whole columns");
		assert!(task.min_chunk.x <= 0 && task.max_chunk.x >= -1, "around the origin");
		assert!(task.build().0.validate().is_ok());
	}

	#[test]
	fn a_large_limit_keeps_the_whole_demo_scene() {
		let full = GeneratedTask::demo(42, 64, 64, 1);
		let task = demo_task(42, 64, 64, 1, u32::MAX);
		assert_eq!(task.coords(), full.coords());
	}

	#[test]
	fn successive_posts_are_distinct_tasks() {
		let task = demo_task(42, 64, 64, 2, 64);
		let ids: std::collections::BTreeSet<Hash32> = (0..4)
			.map(|variant| {
				let mut turned = task.clone();
				turn_camera(&mut turned, variant);
				turned.build().0.task_id()
			})
			.collect();
		assert_eq!(ids.len(), 4);
	}

	#[test]
	fn only_posted_tasks_make_lines() {
		let mut posted = PostedTasks::default();
		posted.posted(3, 10);
		let other = RenderEvent::RevealsOpened { task: 4, reveal_deadline: 30 };
		assert_eq!(posted.observe(&other, 12), None);
		let ours = RenderEvent::RevealsOpened { task: 3, reveal_deadline: 30 };
		assert_eq!(
			posted.observe(&ours, 12).as_deref(),
			Some("task 3: every worker committed; reveal by block 30")
		);
	}

	#[test]
	fn settlement_sums_the_payments_and_ends_the_task() {
		let mut posted = PostedTasks::default();
		posted.posted(0, 10);
		for worker in [[1u8; 32], [2u8; 32]] {
			let paid = RenderEvent::WorkerRewarded {
				task: 0,
				worker,
				fee_share: 4 * PLANCKS_PER_PGT,
				minted: PLANCKS_PER_PGT / 2,
			};
			assert!(posted.observe(&paid, 70).unwrap().contains("earned 4.5 PGT"));
		}
		let settled = posted.observe(&RenderEvent::TaskSettled { task: 0 }, 70).unwrap();
		assert_eq!(
			settled,
			"task 0: settled in block 70, 60 blocks after its post: 9 PGT paid to 2 workers"
		);
		assert_eq!(posted.open(), 0);
		let accepted = RenderEvent::ResultAccepted {
			task: 0,
			root: Hash32([0; 32]),
			signers: vec![],
			settle_after: 0,
		};
		assert_eq!(posted.observe(&accepted, 71), None, "an ended task is forgotten");
	}

	#[test]
	fn a_task_gone_while_disconnected_ends_once() {
		let mut posted = PostedTasks::default();
		posted.posted(2, 10);
		posted.posted(5, 14);
		assert_eq!(posted.open_tasks(), [2, 5]);
		assert_eq!(
			posted.ended_unseen(2, 90).as_deref(),
			Some(
				"task 2: ended (settled or refunded) while this poster was disconnected, by \
				 block 90, 80 blocks after its post"
			)
		);
		assert_eq!(posted.ended_unseen(2, 91), None, "once");
		assert_eq!(posted.ended_unseen(9, 91), None, "not ours");
		assert_eq!(posted.open_tasks(), [5]);
	}
}
