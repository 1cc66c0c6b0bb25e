//! Disputing a result this worker was outvoted on. When the accepted root is not the one this
//! worker revealed, it rendered every frame itself and so can look for the lie without any
//! validator's help, within the fraud window:
//!
//! 1. It challenges a frame (`Render::challenge`, holding the chain's deposit): a signer must
//!    publish that frame's tile hashes and the frame's path to the accepted root, or every
//!    signer is slashed as a fraud and the result falls.
//! 2. Once a challenged frame's evidence is on chain, it renders that frame again. A tile
//!    whose published hash differs from its own is reported (`Render::report_fraud`, with the
//!    proof built from the evidence and the scene's chunks): the runtime re-renders that tile
//!    and, if the worker is right, overturns the result and slashes the signers.
//! 3. If the published frame is the one it rendered, the lie is elsewhere: the frame's path
//!    is compared with the worker's own Merkle path of that frame, level by level from the
//!    leaf up, and the lowest sibling that differs names a subtree of frames holding a frame
//!    that differs. The next challenge goes to a frame of that subtree, so each answered
//!    challenge narrows the search, within the runtime's challenges per task.
//!
//! It waits while any challenge of the task is unanswered (an unanswered one overturns the
//! result by itself). A challenge or report the chain takes but fails (a deposit it cannot
//! hold, a report the runtime finds not fraudulent) ends the dispute: each retry would cost
//! another fee. A worker whose own render was wrong loses the deposits of challenges
//! whose answers stand and the fee of a fraud report the runtime rejects, on top of the
//! dissent slash: disputing only pays an honest worker.

use super::{
	chain::{
		ChainBlock, ChainError, FrameEvidence, RenderChain, TaskIndex, TaskPhase, TaskView,
		WorkCall,
	},
	report::WorkEvent,
	Step, Worker,
};
use crate::{error::WorkError, task::render_frame_tiles};
use playnet_primitives::{proof::merkle::merkle_proof, Hash32, RenderSpec, Scene, TileProof};
use std::{collections::HashSet, ops::Range, sync::Arc};

/// What the worker knows of one dispute (in memory: after a restart it looks again).
#[derive(Clone, Debug, Default)]
pub(super) struct Dispute {
	/// Frames whose published evidence matched its own render.
	examined: HashSet<u32>,
	/// The frames where a differing frame must be, from the last comparison of paths.
	suspects: Option<Range<u32>>,
	/// A fraud report was included, or a call of the dispute failed on chain: nothing more
	/// to do.
	done: bool,
}

impl<C: RenderChain> Worker<C> {
	/// Disputes every accepted result this worker revealed another root for: the tasks it
	/// keeps a record of that are no longer in `assigned` (decided). One transaction a block.
	pub(super) async fn dispute_outvoted(
		&mut self,
		assigned: &[TaskIndex],
		block: ChainBlock,
	) -> Result<(), WorkError> {
		for task in self.state.tasks()? {
			if assigned.contains(&task) || self.disputes.get(&task).is_some_and(|d| d.done) {
				continue;
			}
			let Some(view) = self.chain.task(task).await? else { continue };
			let revealed = view.slot_of(&self.account).and_then(|slot| slot.root);
			let outvoted = view.phase == TaskPhase::Accepted
				&& revealed.is_some()
				&& view.accepted_root.is_some()
				&& revealed != view.accepted_root;
			if !outvoted || self.in_flight(task, Step::Dispute, block)? {
				continue;
			}
			match self.dispute(task, &view, block).await {
				Ok(()) => {}
				Err(error) if error.is_transient() => return Err(error),
				Err(error) => self.fail(task, &error),
			}
		}
		Ok(())
	}

	/// The next step of the dispute of `task`: report a wrong tile of a published frame,
	/// or challenge the next suspect frame, or wait.
	async fn dispute(
		&mut self,
		task: TaskIndex,
		view: &TaskView,
		block: ChainBlock,
	) -> Result<(), WorkError> {
		let (_, frames) = self.kept_result(task, view, 0)?;
		let mut dispute = self.disputes.get(&task).cloned().unwrap_or_default();
		let answered: Vec<u32> = view
			.challenges
			.iter()
			.filter(|challenge| challenge.answered_by.is_some())
			.map(|challenge| challenge.frame)
			.filter(|frame| !dispute.examined.contains(frame))
			.collect();
		// The spec and scene, read once for all the frames published since the last block.
		let mut loaded: Option<(Arc<(RenderSpec, Scene)>, Vec<Vec<u8>>)> = None;
		for frame in answered {
			let Some(evidence) = self.chain.evidence(task, frame).await? else { continue };
			if loaded.is_none() {
				let (spec, scene, chunks) = self.spec_and_scene(task, view).await?;
				loaded = Some((Arc::new((spec, scene)), chunks));
			}
			let Some((shared, chunks)) = &loaded else { continue };
			let (shared, renderer) = (Arc::clone(shared), self.renderer.clone());
			let mine = tokio::task::spawn_blocking(move || {
				render_frame_tiles(&renderer, &shared.0, &shared.1, frame)
			})
			.await
			.map_err(|e| WorkError::RenderThread(e.to_string()))??;
			if let Some(tile) = first_difference(&mine, &evidence.tile_hashes) {
				let frame_count = frames.len() as u32;
				let call = fraud_report(task, frame, tile, frame_count, &evidence, chunks.clone())
					.ok_or(WorkError::NoSavedFrames { task, frame })?;
				let included = self.submit_for_dispute(task, dispute.clone(), call).await?;
				dispute.done = true;
				self.disputes.insert(task, dispute);
				(self.report)(WorkEvent::FraudReported { task, frame, tile, block: included });
				return Ok(());
			}
			dispute.examined.insert(frame);
			dispute.suspects = divergent_frames(&frames, frame, &evidence.frame_path);
		}
		self.disputes.insert(task, dispute.clone());

		let now = self.now(block);
		let waiting = view.challenges.iter().any(|challenge| {
			challenge.answered_by.is_none() && u64::from(challenge.deadline) >= now
		});
		if waiting || view.challenges.len() as u32 >= self.chain.max_challenges().await? {
			return Ok(());
		}
		let challenged: HashSet<u32> = view.challenges.iter().map(|c| c.frame).collect();
		let mut suspects = dispute.suspects.clone().unwrap_or(0..frames.len() as u32);
		let Some(frame) = suspects.find(|frame| !challenged.contains(frame)) else {
			return Ok(());
		};
		let included =
			self.submit_for_dispute(task, dispute, WorkCall::Challenge { task, frame }).await?;
		(self.report)(WorkEvent::Disputed { task, frame, block: included });
		Ok(())
	}

	/// Submits `call` of the dispute of `task`; a call that failed on chain ends the dispute.
	async fn submit_for_dispute(
		&mut self,
		task: TaskIndex,
		mut dispute: Dispute,
		call: WorkCall,
	) -> Result<u64, WorkError> {
		match self.chain.submit(call).await {
			Ok(included) => {
				self.included.insert((task, Step::Dispute), included);
				Ok(included)
			}
			Err(error) => {
				// Someone else challenging that frame in the same block is no reason to stop:
				// the next block picks another frame.
				let failed_on_chain = matches!(
					&error,
					ChainError::Dispatch { error, .. } if !error.contains("AlreadyChallenged")
				);
				if failed_on_chain {
					dispute.done = true;
					self.disputes.insert(task, dispute);
				}
				Err(error.into())
			}
		}
	}
}

/// The first tile whose hashes differ (a length mismatch counts at the shorter's end).
fn first_difference(mine: &[Hash32], published: &[Hash32]) -> Option<u32> {
	let differs = mine.iter().zip(published).position(|(a, b)| a != b);
	let tile =
		differs.or((mine.len() != published.len()).then(|| mine.len().min(published.len())))?;
	u32::try_from(tile).ok().filter(|tile| (*tile as usize) < published.len())
}

/// `report_fraud` of `tile` of `frame`, as the published evidence places it under the
/// accepted root.
fn fraud_report(
	task: TaskIndex,
	frame: u32,
	tile: u32,
	frame_count: u32,
	evidence: &FrameEvidence,
	chunks: Vec<Vec<u8>>,
) -> Option<WorkCall> {
	let proof = TileProof::from_frame_evidence(
		frame,
		tile,
		frame_count,
		&evidence.tile_hashes,
		evidence.frame_path.clone(),
	)?;
	let claimed_tile_hash = *evidence.tile_hashes.get(tile as usize)?;
	Some(WorkCall::ReportFraud { task, proof, claimed_tile_hash, chunks })
}

/// The frames under the lowest sibling where `their_path` (of `frame`, published) differs
/// from this worker's own path of `frame` over `mine`: a frame that differs is among them.
/// `None` when the paths agree (or do not have the tree's shape).
fn divergent_frames(mine: &[Hash32], frame: u32, their_path: &[Hash32]) -> Option<Range<u32>> {
	let my_path = merkle_proof(mine, frame)?.siblings;
	if my_path.len() != their_path.len() {
		return None;
	}
	let count = mine.len() as u32;
	let (mut level_len, mut position, mut level, mut sibling) = (count, frame, 0u32, 0usize);
	while level_len > 1 {
		let other = position ^ 1;
		if other < level_len {
			if my_path.get(sibling) != their_path.get(sibling) {
				let start = other.checked_shl(level)?;
				let end = (other + 1).checked_shl(level).unwrap_or(u32::MAX).min(count);
				return Some(start..end);
			}
			sibling += 1;
		}
		level_len = level_len.div_ceil(2);
		position /= 2;
		level += 1;
	}
	None
}

#[cfg(test)]
mod tests {
	use super::*;

	fn frames(count: u32) -> Vec<Hash32> {
		(0..count).map(|i| Hash32::of(&i.to_le_bytes())).collect()
	}

	#[test]
	fn the_lowest_differing_sibling_names_the_frames_holding_the_lie() {
		let mine = frames(13);
		for lie in 0..13u32 {
			let mut theirs = mine.clone();
			theirs[lie as usize] = Hash32::of(b"a frame nobody rendered");
			for frame in (0..13).filter(|frame| *frame != lie) {
				let path = merkle_proof(&theirs, frame).unwrap().siblings;
				let suspects = divergent_frames(&mine, frame, &path).unwrap();
				assert!(suspects.contains(&lie), "lie {lie}, frame {frame}: {suspects:?}");
				assert!(!suspects.contains(&frame));
			}
		}
	}

	#[test]
	fn paths_that_agree_name_no_frames() {
		let mine = frames(6);
		let path = merkle_proof(&mine, 4).unwrap().siblings;
		assert_eq!(divergent_frames(&mine, 4, &path), None);
	}

	use crate::work::{
		chain::FrameEvidence,
		test_chain::{block, challenge, setup, OTHER, TASK},
	};
	use playnet_primitives::TaskResult;

	/// The colluders' result: this worker's, but tile 1 of frame 2.
	fn fabricated(honest: &TaskResult) -> TaskResult {
		let mut tiles = honest.tile_hashes.clone();
		tiles[2][1] = Hash32::of(b"a tile nobody rendered");
		TaskResult::new(honest.task_id, tiles)
	}

	fn published(result: &TaskResult, frame: u32) -> FrameEvidence {
		FrameEvidence {
			tile_hashes: result.tile_hashes[frame as usize].clone(),
			frame_path: merkle_proof(&result.frame_hashes, frame).unwrap().siblings,
		}
	}

	#[tokio::test]
	async fn an_outvoted_worker_narrows_down_to_the_wrong_tile_and_reports_it() {
		let mut setup = setup(|honest| fabricated(honest).root, Vec::new());
		let theirs = fabricated(&setup.result);
		setup.worker.dispute_outvoted(&[], block(10)).await.unwrap();
		assert_eq!(
			setup.submitted.lock().unwrap().clone(),
			vec![WorkCall::Challenge { task: TASK, frame: 0 }]
		);

		// Frame 0 is published as this worker rendered it: the paths point at frame 2.
		setup.worker.chain.view.challenges = vec![challenge(0, 30, Some(OTHER))];
		setup.worker.chain.evidence.insert(0, published(&theirs, 0));
		setup.worker.dispute_outvoted(&[], block(13)).await.unwrap();
		assert_eq!(
			setup.submitted.lock().unwrap().last(),
			Some(&WorkCall::Challenge { task: TASK, frame: 2 })
		);

		// Frame 2's published tile 1 is not the one rendered here: reported, with the proof
		// the published evidence gives, and the scene's chunks.
		setup.worker.chain.view.challenges.push(challenge(2, 35, Some(OTHER)));
		setup.worker.chain.evidence.insert(2, published(&theirs, 2));
		setup.worker.dispute_outvoted(&[], block(14)).await.unwrap();
		let report = WorkCall::ReportFraud {
			task: TASK,
			proof: theirs.tile_proof(2, 1).unwrap(),
			claimed_tile_hash: theirs.tile_hashes[2][1],
			chunks: setup.chunks.clone(),
		};
		assert_eq!(setup.submitted.lock().unwrap().last(), Some(&report));
		assert!(setup.events.lock().unwrap().contains(&WorkEvent::FraudReported {
			task: TASK,
			frame: 2,
			tile: 1,
			block: 12
		}));

		setup.worker.dispute_outvoted(&[], block(15)).await.unwrap();
		assert_eq!(setup.submitted.lock().unwrap().len(), 3, "nothing after the report");
	}

	#[tokio::test]
	async fn no_dispute_while_a_challenge_waits_for_its_answer_or_by_a_signer() {
		let mut waiting = setup(|honest| fabricated(honest).root, vec![challenge(1, 30, None)]);
		waiting.worker.dispute_outvoted(&[], block(10)).await.unwrap();
		assert!(waiting.submitted.lock().unwrap().is_empty(), "the open challenge decides");

		let mut signer = setup(|honest| honest.root, Vec::new());
		signer.worker.dispute_outvoted(&[], block(10)).await.unwrap();
		assert!(signer.submitted.lock().unwrap().is_empty(), "its own root was accepted");
	}

	#[tokio::test]
	async fn a_dispute_call_that_fails_on_chain_is_not_paid_for_again() {
		let mut setup = setup(|honest| fabricated(honest).root, Vec::new());
		setup.worker.chain.fail_with = Some("Render::DepositUnavailable".into());
		setup.worker.dispute_outvoted(&[], block(10)).await.unwrap();
		setup.worker.dispute_outvoted(&[], block(11)).await.unwrap();
		assert_eq!(setup.submitted.lock().unwrap().len(), 1, "one fee, not one a block");
		let events = setup.events.lock().unwrap().clone();
		assert!(
			events.iter().any(|event| matches!(
				event,
				WorkEvent::Failed { task: TASK, error } if error.contains("DepositUnavailable")
			)),
			"{events:?}"
		);
	}

	#[test]
	fn the_first_differing_tile_is_found() {
		let mine = frames(5);
		let mut theirs = mine.clone();
		assert_eq!(first_difference(&mine, &theirs), None);
		theirs[3] = Hash32::of(b"wrong");
		assert_eq!(first_difference(&mine, &theirs), Some(3));
	}
}
