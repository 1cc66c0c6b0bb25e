//! Answering challenges: when a frame of a result this worker signed is challenged, it
//! renders that frame again, checks it against the frame hash it kept when it rendered the
//! task (`task-<index>.frames` in the state directory), and publishes the frame's tile hashes
//! with the frame's path to the root (`Render::answer_challenge`). Left unanswered past the
//! challenge's deadline, the result would fall as a fraud and every signer lose a quarter of
//! its bond; one signer's answer serves all of them.

use super::{
	chain::{ChainBlock, ChainError, RenderChain, TaskIndex, TaskPhase, TaskView, WorkCall},
	report::WorkEvent,
	Step, Worker,
};
use crate::{error::WorkError, task::render_frame_tiles};
use playnet_primitives::proof::{merkle::merkle_proof, tile::frame_hash};

impl<C: RenderChain> Worker<C> {
	/// Answers the open challenges of every result this worker signed: the tasks it keeps a
	/// record of that are no longer in `assigned` (decided) and were accepted with its root.
	/// Earliest deadline first; one answer per challenge, whichever signer's lands first.
	pub(super) async fn answer_challenges(
		&mut self,
		assigned: &[TaskIndex],
		block: ChainBlock,
	) -> Result<(), WorkError> {
		for task in self.state.tasks()? {
			if assigned.contains(&task) {
				continue;
			}
			let Some(view) = self.chain.task(task).await? else { continue };
			if view.phase != TaskPhase::Accepted || !view.signed_by(&self.account) {
				continue;
			}
			let mut open: Vec<(u32, u32)> = view
				.challenges
				.iter()
				.filter(|challenge| {
					challenge.answered_by.is_none() && u64::from(challenge.deadline) >= block.number
				})
				.map(|challenge| (challenge.deadline, challenge.frame))
				.collect();
			open.sort_unstable();
			for (deadline, frame) in open {
				if self.in_flight(task, Step::Answer(frame), block)? {
					continue;
				}
				match self.answer(task, &view, frame, deadline, block).await {
					Ok(()) => {}
					Err(error) if error.is_transient() => return Err(error),
					Err(error) => self.fail(task, &error),
				}
			}
		}
		Ok(())
	}

	/// Renders `frame` of `task` again, checks it against the frame hash kept with the
	/// committed result, and submits it with the frame's path as the challenge's answer.
	async fn answer(
		&mut self,
		task: TaskIndex,
		view: &TaskView,
		frame: u32,
		deadline: u32,
		block: ChainBlock,
	) -> Result<(), WorkError> {
		let (record, frames) = self.kept_result(task, view, frame)?;
		let no_frames = || WorkError::NoSavedFrames { task, frame };
		let saved = *frames.get(frame as usize).ok_or_else(no_frames)?;
		let path = merkle_proof(&frames, frame).ok_or_else(no_frames)?;
		let (spec, scene, _) = self.spec_and_scene(task, view).await?;
		let renderer = self.renderer.clone();
		let tile_hashes = tokio::task::spawn_blocking(move || {
			render_frame_tiles(&renderer, &spec, &scene, frame)
		})
		.await
		.map_err(|e| WorkError::RenderThread(e.to_string()))??;
		let rendered = frame_hash(&record.result_id, &tile_hashes);
		if rendered != saved {
			return Err(WorkError::FrameMismatch { task, frame, rendered, saved });
		}
		if self.now(block) > u64::from(deadline) {
			return Err(WorkError::DeadlinePassed { task, phase: "answer", deadline });
		}
		let call =
			WorkCall::AnswerChallenge { task, frame, tile_hashes, frame_path: path.siblings };
		match self.chain.submit(call).await {
			Ok(included) => {
				self.included.insert((task, Step::Answer(frame)), included);
				(self.report)(WorkEvent::Answered { task, frame, block: included });
				Ok(())
			}
			// Another signer's answer landed first: the frame is on chain either way.
			Err(ChainError::Dispatch { error, .. }) if error.contains("AlreadyAnswered") => Ok(()),
			Err(error) => Err(error.into()),
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::work::test_chain::{block, challenge, setup, OTHER, TASK};
	use playnet_primitives::Hash32;

	#[tokio::test]
	async fn a_signer_answers_each_open_challenge_with_the_frame_it_rendered() {
		let challenges =
			vec![challenge(2, 30, None), challenge(0, 20, Some(OTHER)), challenge(1, 25, None)];
		let mut setup = setup(|result| result.root, challenges);
		setup.worker.answer_challenges(&[], block(10)).await.unwrap();

		let submitted = setup.submitted.lock().unwrap().clone();
		let expected: Vec<WorkCall> = [1, 2]
			.into_iter()
			.map(|frame| WorkCall::AnswerChallenge {
				task: TASK,
				frame,
				tile_hashes: setup.result.tile_hashes[frame as usize].clone(),
				frame_path: merkle_proof(&setup.result.frame_hashes, frame).unwrap().siblings,
			})
			.collect();
		assert_eq!(submitted, expected, "the open ones, earliest deadline first");
		// What the chain checks: the published frame leads to the accepted root.
		for call in &submitted {
			let WorkCall::AnswerChallenge { frame, tile_hashes, frame_path, .. } = call else {
				unreachable!()
			};
			let leaf = frame_hash(&setup.result.task_id, tile_hashes);
			let proof = playnet_primitives::proof::merkle::MerkleProof {
				index: *frame,
				leaf_count: 3,
				siblings: frame_path.clone(),
			};
			assert_eq!(proof.verify(&leaf, &setup.result.root), Ok(()));
		}
		let events = setup.events.lock().unwrap().clone();
		assert!(events.contains(&WorkEvent::Answered { task: TASK, frame: 1, block: 12 }));
	}

	#[tokio::test]
	async fn an_answer_in_flight_is_not_sent_again() {
		let mut setup = setup(|result| result.root, vec![challenge(1, 30, None)]);
		setup.worker.answer_challenges(&[], block(10)).await.unwrap();
		// The followed chain has not reached block 12, which holds the answer.
		setup.worker.answer_challenges(&[], block(11)).await.unwrap();
		assert_eq!(setup.submitted.lock().unwrap().len(), 1);
	}

	#[tokio::test]
	async fn a_worker_whose_root_lost_or_whose_challenge_expired_answers_nothing() {
		let mut lost = setup(|_| Hash32::of(b"another root"), vec![challenge(1, 30, None)]);
		lost.worker.answer_challenges(&[], block(10)).await.unwrap();
		assert!(lost.submitted.lock().unwrap().is_empty(), "not a signer");

		let mut late = setup(|result| result.root, vec![challenge(1, 9, None)]);
		late.worker.answer_challenges(&[], block(10)).await.unwrap();
		assert!(late.submitted.lock().unwrap().is_empty(), "past the deadline");
	}

	#[tokio::test]
	async fn frame_hashes_that_do_not_make_the_root_are_reported_not_sent() {
		let mut setup = setup(|result| result.root, vec![challenge(1, 30, None)]);
		let mut frames = setup.result.frame_hashes.clone();
		frames.swap(0, 1);
		setup.worker.state.save_frame_hashes(TASK, &frames).unwrap();
		setup.worker.answer_challenges(&[], block(10)).await.unwrap();

		assert!(setup.submitted.lock().unwrap().is_empty());
		let events = setup.events.lock().unwrap().clone();
		assert!(
			events.iter().any(|event| matches!(
				event,
				WorkEvent::Failed { task: TASK, error } if error.contains("no saved frame hashes")
			)),
			"{events:?}"
		);
	}
}
