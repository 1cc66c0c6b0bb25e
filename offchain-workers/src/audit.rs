//! Auditing accepted results: one random tile of one random result still in its fraud
//! window, re-rendered here with the primitives' CPU reference kernel.
//!
//! The audit draws a result uniformly among the candidates, then a frame and a tile of it,
//! from the node's random seed. The tile's claimed hash and Merkle paths come from the first
//! of:
//!
//! 1. the picked frame's evidence on chain (`pallet_render::Evidence`, published by a signer
//!    answering a challenge);
//! 2. the audit source, if one is set (the render worker's API: `GET {url}/jobs/{result
//!    id}/proof?frame=F&tile=T`), when its proof places the tile under the accepted root;
//! 3. the evidence of another frame of the result, a random one of those on chain: the same
//!    tile of that frame is audited instead of a new challenge;
//! 4. a challenge of the picked frame (holding the chain's challenge deposit from the
//!    reporter account), so the signers publish it or lose the result; but not of a result
//!    with a challenge already (all of them unanswered, since there is no evidence: the
//!    answer is coming) and not while challenges are off (the call would fail and cost the
//!    fee, as would `AlreadyChallenged` or `TooManyChallenges`).
//!
//! Once the claimed tile is known, a re-rendered tile with another hash is fraud, and the
//! node files `report_fraud` with the claimed hash, the proof and the scene's chunk
//! encodings, exactly what the pallet re-checks on chain. No helper outside the node is
//! needed.
//!
//! Optimistic results (one worker) are not candidates: the runtime audits each of them itself
//! with its spot check (one tile, drawn after the reveal), the audit they are priced for.
//!
//! **What auditing costs a validator.** At most one challenge deposit (`ChallengeDeposit`,
//! 5 PGT in the runtime) per accepted result it is the first to challenge, and only when
//! neither the chain nor its audit source shows the tile: after that, the result's evidence
//! (or its open challenge) stops further challenges from any auditor. The deposit goes to the
//! signers if the result stands (it pays them for answering) and comes back if the result
//! falls. Two validators auditing one result in the same block may both challenge it (other
//! frames): each pays once. Beyond that, one transaction fee per challenge or fraud report.
//!
//! **Why the pick stays uniform.** Every candidate result, challenged or not, is as likely to
//! be audited, and the frame a first challenge lands on is drawn after the signers committed
//! to every frame of their root; preferring results or frames that are cheap to audit would
//! tell a forger where audits never look. Only when nothing shows the picked frame does the
//! audit fall back to an evidenced frame, trading that frame's coverage for the deposit: a
//! result whose only evidenced frame is honest passes such audits, unless the audit source
//! or another challenger shows its other frames.

use crate::{
	render_worker::{ClaimedTile, RenderWorker},
	transactions::{self, Sent},
	work::scene_chunks,
	Config, LOG_TARGET,
};
use alloc::vec::Vec;
use pallet_render::{ChunkBytes, TaskIndex, TaskPhase, Verification};
use playnet_primitives::{
	proof::tile::{render_tile, tile_count, tile_hash, tile_rect},
	FrameCamera, Hash32, RenderSpec, Scene, TileProof,
};
use polkadot_sdk::{
	frame_support::{traits::Get, BoundedVec},
	frame_system::{offchain::Account, pallet_prelude::BlockNumberFor},
	sp_io,
};

/// What an audit found.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Finding {
	/// No accepted result is open to fraud proofs.
	NothingToAudit,
	/// The audit could not be done (no source, no proof under the accepted root, a chunk
	/// missing): see the log.
	Inconclusive,
	/// The re-rendered tile matches the claimed one.
	Correct,
	/// The tile is wrong; a fraud report was sent (or waits for the account's pending
	/// transaction).
	Fraud,
	/// Neither the chain nor the audit source shows the tile: a challenge of its frame was
	/// sent (or waits for the account's pending transaction), so the signers publish it.
	Challenged,
}

/// The tile an audit picks, from the node's random `seed`: which of `candidates` results,
/// which of `frames` frames and which of `tiles` tiles per frame (each at least 1).
pub fn pick(seed: &[u8; 32], candidates: usize, frames: u32, tiles: u32) -> (usize, u32, u32) {
	let task = draw(seed, b"task", candidates as u64) as usize;
	let frame = draw(seed, b"frame", u64::from(frames)) as u32;
	let tile = draw(seed, b"tile", u64::from(tiles)) as u32;
	(task, frame, tile)
}

/// Which of `evidenced` frames with evidence on chain (in frame order) an audit reads when
/// nothing shows the picked frame, from the node's random `seed`.
pub fn pick_evidenced(seed: &[u8; 32], evidenced: usize) -> usize {
	draw(seed, b"evidenced frame", evidenced as u64) as usize
}

/// A number below `bound` (0 when it is 0) drawn from `seed` for `what`.
fn draw(seed: &[u8; 32], what: &[u8], bound: u64) -> u64 {
	let hash = Hash32::of_parts(&[b"playnet-audit", seed, what]);
	let mut word = [0u8; 8];
	word.copy_from_slice(&hash.0[..8]);
	u64::from_le_bytes(word) % bound.max(1)
}

/// Audits one random tile of one random accepted result; reports fraud signed by
/// `reporter`. `source_url` serves the claimed tile proofs.
pub fn audit<T: Config>(
	reporter: &Account<T>,
	now: BlockNumberFor<T>,
	source_url: Option<&str>,
) -> Finding {
	if transactions::is_busy::<T>(&reporter.id, now) {
		log::debug!(target: LOG_TARGET, "audit waits for {:?}'s pending transaction", reporter.id);
		return Finding::Inconclusive;
	}
	let candidates: Vec<(TaskIndex, Hash32, Hash32)> = pallet_render::Tasks::<T>::iter()
		.filter(|(_, task)| task.phase == TaskPhase::Accepted && now <= task.deadline)
		// An optimistic result's audit is the chain's own spot check, one tile rendered by the
		// runtime: auditing it again would spend more than the 1.2 times the task's work it
		// is priced for (a tile of a 10-tile task is a tenth of it).
		.filter(|(_, task)| task.verification == Verification::Majority)
		.filter_map(|(index, task)| Some((index, task.accepted_root?, task.result_id?)))
		.take(T::MaxAuditCandidates::get() as usize)
		.collect();
	if candidates.is_empty() {
		return Finding::NothingToAudit;
	}
	let seed = sp_io::offchain::random_seed();
	let (choice, _, _) = pick(&seed, candidates.len(), 1, 1);
	let (index, root, result_id) = candidates[choice];
	let Some(spec) = pallet_render::Pallet::<T>::task_spec(index) else {
		return Finding::Inconclusive;
	};
	let (_, frame, tile) =
		pick(&seed, candidates.len(), spec.frame_count, tile_count(spec.width, spec.height));
	let (frame, claimed) =
		match claim::<T>(source_url, &spec, &seed, index, root, result_id, frame, tile) {
			Claim::Tile { frame, claimed } => (frame, claimed),
			Claim::Wait => return Finding::Inconclusive,
			Claim::Challenge => {
				let call = pallet_render::Call::challenge { task: index, frame };
				if transactions::submit::<T>(reporter, call, now) == Sent::Submitted {
					log::info!(
						target: LOG_TARGET,
						"audit of task {index}: challenged frame {frame} for its evidence"
					);
				}
				return Finding::Challenged;
			}
		};
	let Some(chunks) = scene_chunks::<T>(&spec) else {
		log::warn!(target: LOG_TARGET, "audit of task {index}: a scene chunk's bytes are missing");
		return Finding::Inconclusive;
	};
	let Some(rendered) = render_one_tile(&spec, &chunks, frame, tile) else {
		log::warn!(target: LOG_TARGET, "audit of task {index}: the scene's chunks do not decode");
		return Finding::Inconclusive;
	};
	if rendered == claimed.tile_hash {
		log::info!(target: LOG_TARGET, "audit of task {index} frame {frame} tile {tile}: correct");
		return Finding::Correct;
	}
	log::warn!(
		target: LOG_TARGET,
		"audit of task {index} frame {frame} tile {tile}: the accepted result claims tile \
		 {}, the CPU reference renders {rendered}; reporting fraud",
		claimed.tile_hash,
	);
	let chunks: Vec<ChunkBytes> = chunks.into_iter().map(ChunkBytes::truncate_from).collect();
	let Ok(chunks) = BoundedVec::try_from(chunks) else {
		log::warn!(target: LOG_TARGET, "audit of task {index}: more chunks than a report holds");
		return Finding::Inconclusive;
	};
	let call = pallet_render::Call::report_fraud {
		task: index,
		proof: claimed.proof,
		claimed_tile_hash: claimed.tile_hash,
		chunks,
	};
	if transactions::submit::<T>(reporter, call, now) == Sent::Submitted {
		log::info!(target: LOG_TARGET, "fraud report for task {index} submitted");
	}
	Finding::Fraud
}

/// Where an audit found the claimed tile.
enum Claim {
	/// The tile of `frame`: the picked frame, or an evidenced one instead.
	Tile {
		/// The frame whose tile is audited.
		frame: u32,
		/// The tile's claimed hash and proof.
		claimed: ClaimedTile,
	},
	/// Nothing shows it and nobody challenged the result: challenge the picked frame.
	Challenge,
	/// Nothing to check now (see the log).
	Wait,
}

/// The claimed tile of result `index` at (`frame`, `tile`), from the first that has one:
/// the frame's evidence on chain, the audit source, the evidence of another frame (a random
/// one of those on chain, from `seed`). With none: a challenge, unless the result has one
/// already or challenges are off.
#[allow(clippy::too_many_arguments)]
fn claim<T: Config>(
	source_url: Option<&str>,
	spec: &RenderSpec,
	seed: &[u8; 32],
	index: TaskIndex,
	root: Hash32,
	result_id: Hash32,
	frame: u32,
	tile: u32,
) -> Claim {
	let from_evidence =
		|frame: u32, evidence: &pallet_render::FrameEvidenceOf<T>| match claimed_from_evidence(
			spec, root, frame, tile, evidence,
		) {
			Some(claimed) => Claim::Tile { frame, claimed },
			None => {
				log::warn!(target: LOG_TARGET, "audit of task {index}: malformed evidence");
				Claim::Wait
			}
		};
	// The signers published the frame: the claimed tile comes from the chain alone.
	if let Some(evidence) = pallet_render::Evidence::<T>::get(index, frame) {
		return from_evidence(frame, &evidence);
	}
	if let Some(claimed) =
		claimed_from_source::<T>(source_url, spec, index, root, result_id, frame, tile)
	{
		return Claim::Tile { frame, claimed };
	}
	// Another frame is on chain: audit it rather than pay a deposit for this one.
	let mut evidenced: Vec<u32> = pallet_render::Evidence::<T>::iter_key_prefix(index).collect();
	evidenced.sort_unstable();
	if !evidenced.is_empty() {
		let other = evidenced[pick_evidenced(seed, evidenced.len())];
		if let Some(evidence) = pallet_render::Evidence::<T>::get(index, other) {
			return from_evidence(other, &evidence);
		}
	}
	// With no evidence, every challenge of the result is unanswered: the signers are about to
	// publish a frame. (A second one would cost a deposit, or fail with `AlreadyChallenged`
	// or `TooManyChallenges` and cost the fee.)
	if pallet_render::Challenges::<T>::iter_prefix(index).next().is_some() {
		log::debug!(
			target: LOG_TARGET,
			"audit of task {index}: challenged already, waiting for the evidence"
		);
		return Claim::Wait;
	}
	if <T as pallet_render::Config>::MaxChallengesPerTask::get() == 0 {
		log::info!(
			target: LOG_TARGET,
			"audit of task {index}: no evidence, no audit source, and challenges are off"
		);
		return Claim::Wait;
	}
	// Nothing shows the tile: make the signers publish the frame.
	Claim::Challenge
}

/// The claimed tile at (`frame`, `tile`) from the frame's evidence on chain: its hash, and
/// the paths built from the published tile hashes and frame path (leading to `root`, which
/// the chain checked when it took the answer).
fn claimed_from_evidence<M: Get<u32>>(
	spec: &RenderSpec,
	root: Hash32,
	frame: u32,
	tile: u32,
	evidence: &pallet_render::FrameEvidence<M>,
) -> Option<ClaimedTile> {
	let tile_hash = *evidence.tile_hashes.get(tile as usize)?;
	let proof = TileProof::from_frame_evidence(
		frame,
		tile,
		spec.frame_count,
		&evidence.tile_hashes,
		evidence.frame_path.to_vec(),
	)?;
	Some(ClaimedTile { root, tile_hash, proof })
}

/// The claimed tile from the audit source (the render worker's API), if one is set and its
/// proof places the tile under the accepted root.
fn claimed_from_source<T: Config>(
	source_url: Option<&str>,
	spec: &RenderSpec,
	index: TaskIndex,
	root: Hash32,
	result_id: Hash32,
	frame: u32,
	tile: u32,
) -> Option<ClaimedTile> {
	let url = source_url?;
	let worker = RenderWorker::new(url, T::HttpTimeoutMillis::get());
	let claimed = match worker.tile_proof(&result_id, frame, tile) {
		Ok(claimed) => claimed,
		Err(error) => {
			log::info!(
				target: LOG_TARGET,
				"audit of task {index} frame {frame} tile {tile}: the audit source has no claimed \
				 tile ({error})",
			);
			return None;
		}
	};
	if claimed.root != root || !places_tile(spec, &result_id, &claimed, frame, tile) {
		log::info!(
			target: LOG_TARGET,
			"audit of task {index}: the audit source's proof does not lead to the accepted root",
		);
		return None;
	}
	Some(claimed)
}

/// Whether `claimed`'s proof places its tile at (`frame`, `tile`) under `claimed.root`, with
/// the checks `report_fraud` makes.
fn places_tile(
	spec: &RenderSpec,
	result_id: &Hash32,
	claimed: &ClaimedTile,
	frame: u32,
	tile: u32,
) -> bool {
	let proof = &claimed.proof;
	let in_place = proof.frame == frame
		&& proof.tile == tile
		&& proof.frame_path.index == frame
		&& proof.frame_path.leaf_count == spec.frame_count
		&& proof.tile_path.index == tile
		&& proof.tile_path.leaf_count == tile_count(spec.width, spec.height);
	let Ok(tile_root) = proof.tile_path.compute_root(&claimed.tile_hash) else { return false };
	let frame_hash = Hash32::of_parts(&[&result_id.0, &tile_root.0]);
	in_place && proof.frame_path.verify(&frame_hash, &claimed.root).is_ok()
}

/// The hash of `tile` of `frame` rendered with the CPU reference; `None` if the chunks do not
/// make the spec's scene or the tile is outside the frame.
fn render_one_tile(spec: &RenderSpec, chunks: &[Vec<u8>], frame: u32, tile: u32) -> Option<Hash32> {
	let scene = Scene::from_encoded(spec, chunks).ok()?;
	let rect = tile_rect(spec.width, spec.height, tile)?;
	let camera = FrameCamera::at_frame(&spec.camera_path, frame, spec.width, spec.height);
	let (pixels, _steps) = render_tile(&scene, &camera, rect);
	Some(tile_hash(&pixels))
}
