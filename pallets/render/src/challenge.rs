//! Challenges: evidence on demand. While an accepted result is open to fraud proofs, anyone
//! may challenge one of its frames with a deposit; a signer then publishes that frame's tile
//! hashes and the frame's path to the root ([`Evidence`]), from which anyone can build the
//! one-tile proof `report_fraud` takes. A challenge nobody answers by its deadline overturns
//! the result: a root with nothing behind it is treated as a fraud.

use crate::{pallet::*, types::*, BalanceOf, ChallengeOf, StoredSpecOf, TaskOf, WeightInfo};
use alloc::vec::Vec;
use codec::Encode;
use playnet_primitives::{
	proof::{
		merkle::{merkle_root, MerkleProof},
		tile::{render_tile, tile_count, tile_hash, tile_rect},
	},
	FrameCamera, Hash32, Scene,
};
use polkadot_sdk::{
	frame_support::{
		dispatch::DispatchResultWithPostInfo,
		ensure,
		traits::{
			fungible::MutateHold,
			tokens::{Fortitude, Precision, Restriction},
			Get,
		},
		weights::Weight,
		BoundedVec,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchResult,
	},
};

impl<T: Config> Pallet<T> {
	/// Opens a challenge of `frame` of `index`'s accepted result, holding the deposit from
	/// `challenger`. The task settles no earlier than the challenge's deadline.
	pub(crate) fn do_challenge(
		challenger: T::AccountId,
		index: TaskIndex,
		frame: u32,
	) -> DispatchResult {
		let mut task = Tasks::<T>::get(index).ok_or(Error::<T>::UnknownTask)?;
		ensure!(task.phase == TaskPhase::Accepted, Error::<T>::NotAccepted);
		ensure!(
			task.verification != Verification::Optimistic || task.spot_check.is_some(),
			Error::<T>::SpotCheckPending
		);
		let spec = Specs::<T>::get(index).ok_or(Error::<T>::UnknownTask)?;
		ensure!(frame < spec.frame_count, Error::<T>::BadTilePosition);
		ensure!(!Challenges::<T>::contains_key(index, frame), Error::<T>::AlreadyChallenged);
		let open = Challenges::<T>::iter_prefix(index).count() as u32;
		ensure!(open < T::MaxChallengesPerTask::get(), Error::<T>::TooManyChallenges);
		let deposit = T::ChallengeDeposit::get();
		T::Currency::hold(&HoldReason::ChallengeDeposit.into(), &challenger, deposit)
			.map_err(|_| Error::<T>::DepositUnavailable)?;

		let now = frame_system::Pallet::<T>::block_number();
		let deadline = now.saturating_add(T::AnswerPeriod::get());
		Challenges::<T>::insert(
			index,
			frame,
			Challenge { challenger: challenger.clone(), deposit, deadline, answered_by: None },
		);
		// The result is not paid out while a challenge of it is unanswered.
		if task.deadline < deadline {
			Self::set_deadline(index, &mut task, deadline);
			Tasks::<T>::insert(index, task);
		}
		Self::deposit_event(Event::FrameChallenged { task: index, frame, challenger, deadline });
		Ok(())
	}

	/// The last block fraud proofs are taken in for an optimistic result whose spot check is
	/// drawn at the start of block `draw`: the fraud window from its acceptance (`AssignDelay`
	/// blocks before), and at least the spot check's answer period.
	pub(crate) fn spot_check_settle_after(draw: BlockNumberFor<T>) -> BlockNumberFor<T> {
		draw.saturating_add(T::FraudWindow::get())
			.saturating_sub(T::AssignDelay::get())
			.max(draw.saturating_add(T::AnswerPeriod::get()))
	}

	/// Draws the spot check of `index`'s accepted optimistic result at the start of block
	/// `now`: a frame and a tile of it from [`DrawEntropy`], which took in the randomness of
	/// the blocks since the reveal, so the worker could not know them when it committed or
	/// revealed. The frame is challenged in the poster's name with no deposit (the fee pays
	/// for it); the fraud window runs on to [`Self::spot_check_settle_after`].
	pub(crate) fn draw_spot_check(index: TaskIndex, mut task: TaskOf<T>, now: BlockNumberFor<T>) {
		let (frames, tiles) = match Specs::<T>::get(index) {
			Some(spec) => (spec.frame_count.max(1), tile_count(spec.width, spec.height).max(1)),
			None => (1, 1),
		};
		let seed =
			Hash32::of(&(b"playnet/render/spot-check", DrawEntropy::<T>::get(), index).encode());
		let word = |at: usize| {
			let mut bytes = [0u8; 8];
			bytes.copy_from_slice(&seed.0[at..at + 8]);
			u64::from_le_bytes(bytes)
		};
		let spot = SpotCheck {
			frame: (word(0) % u64::from(frames)) as u32,
			tile: (word(8) % u64::from(tiles)) as u32,
		};
		let deadline = now.saturating_add(T::AnswerPeriod::get());
		// No challenge is open: challenges wait for the spot check.
		Challenges::<T>::insert(
			index,
			spot.frame,
			Challenge {
				challenger: task.poster.clone(),
				deposit: Zero::zero(),
				deadline,
				answered_by: None,
			},
		);
		task.spot_check = Some(spot);
		Self::set_deadline(index, &mut task, Self::spot_check_settle_after(now));
		Tasks::<T>::insert(index, task);
		Self::deposit_event(Event::SpotCheckDrawn {
			task: index,
			frame: spot.frame,
			tile: spot.tile,
			deadline,
		});
	}

	/// What the spot check adds to an answer of its frame for a scene of `chunks` chunks (at
	/// most [`Config::MaxSceneChunks`] counted): the tile rendered on chain from the chunks
	/// read from [`Config::Scenes`] (as `report_fraud` renders one), and, when it fails, the
	/// end of the task.
	pub(crate) fn spot_check_weight(chunks: u32) -> Weight {
		let chunks = chunks.min(T::MaxSceneChunks::get());
		T::WeightInfo::report_fraud(chunks)
			.saturating_add(T::Scenes::chunk_weight().saturating_mul(chunks.into()))
			.saturating_add(Self::end_task_weight())
	}

	/// Whether the spot-checked `tile` of frame `frame` of a task of `spec`, claimed as
	/// `claimed`, is the tile the primitives' CPU kernel renders from the scene's pinned
	/// chunks. `None` when the chain cannot render it (a chunk's bytes are not to be had):
	/// then it is not checked.
	fn spot_tile_is_right(
		spec: &StoredSpecOf<T>,
		frame: u32,
		tile: u32,
		claimed: &Hash32,
	) -> Option<bool> {
		let spec = spec.to_spec();
		let chunks: Vec<Vec<u8>> = spec
			.scene
			.iter()
			.map(|chunk| T::Scenes::chunk(chunk.coord, chunk.content_hash))
			.collect::<Option<_>>()?;
		let scene = Scene::from_encoded(&spec, &chunks).ok()?;
		let rect = tile_rect(spec.width, spec.height, tile)?;
		let camera = FrameCamera::at_frame(&spec.camera_path, frame, spec.width, spec.height);
		let (pixels, _steps) = render_tile(&scene, &camera, rect);
		Some(tile_hash(&pixels) == *claimed)
	}

	/// Takes a signer's answer to the challenge of `frame`: the frame's tile hashes and its
	/// path to the accepted root, checked and stored as the frame's [`Evidence`]. When it
	/// answers an optimistic result's spot check, the checked tile is rendered on chain: a
	/// wrong one slashes the signer as a fraud and refunds the poster.
	pub(crate) fn do_answer_challenge(
		signer: T::AccountId,
		index: TaskIndex,
		frame: u32,
		tile_hashes: BoundedVec<Hash32, T::MaxTilesPerFrame>,
		frame_path: BoundedVec<Hash32, MaxFramePathOf>,
	) -> DispatchResultWithPostInfo {
		let tile_hashes_len = tile_hashes.len() as u32;
		let task = Tasks::<T>::get(index).ok_or(Error::<T>::UnknownTask)?;
		let (TaskPhase::Accepted, Some(root), Some(result_id)) =
			(task.phase, task.accepted_root, task.result_id)
		else {
			return Err(Error::<T>::NotAccepted.into());
		};
		let mut challenge =
			Challenges::<T>::get(index, frame).ok_or(Error::<T>::NoSuchChallenge)?;
		ensure!(challenge.answered_by.is_none(), Error::<T>::AlreadyAnswered);
		ensure!(task.signers().contains(&signer), Error::<T>::NotASigner);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= challenge.deadline, Error::<T>::AnswerTooLate);
		let spec = Specs::<T>::get(index).ok_or(Error::<T>::UnknownTask)?;
		ensure!(
			tile_hashes.len() as u32 == tile_count(spec.width, spec.height),
			Error::<T>::BadEvidence
		);
		let tile_root = merkle_root(&tile_hashes).ok_or(Error::<T>::BadEvidence)?;
		let frame_hash = Hash32::of_parts(&[&result_id.0, &tile_root.0]);
		let path = MerkleProof {
			index: frame,
			leaf_count: spec.frame_count,
			siblings: frame_path.to_vec(),
		};
		path.verify(&frame_hash, &root).map_err(|_| Error::<T>::BadEvidence)?;

		let spot = task.spot_check.filter(|spot| spot.frame == frame);
		let chunks = spec.scene.len() as u32;
		if let Some(spot) = spot {
			let claimed = tile_hashes.get(spot.tile as usize).copied().unwrap_or_default();
			if Self::spot_tile_is_right(&spec, frame, spot.tile, &claimed) == Some(false) {
				Self::fail_spot_check(index, task, spot);
				return Ok(Some(Self::spot_answer_weight(tile_hashes_len, chunks)).into());
			}
		}
		Evidence::<T>::insert(index, frame, FrameEvidence { tile_hashes, frame_path });
		challenge.answered_by = Some(signer.clone());
		Challenges::<T>::insert(index, frame, challenge);
		Self::deposit_event(Event::ChallengeAnswered { task: index, frame, signer });
		Ok(Some(match spot {
			Some(_) => Self::spot_answer_weight(tile_hashes_len, chunks),
			None => T::WeightInfo::answer_challenge(tile_hashes_len),
		})
		.into())
	}

	/// The weight of an answer of `tiles` tile hashes to the spot check of a task whose scene
	/// has `chunks` chunks.
	pub(crate) fn spot_answer_weight(tiles: u32, chunks: u32) -> Weight {
		T::WeightInfo::answer_challenge(tiles).saturating_add(Self::spot_check_weight(chunks))
	}

	/// The spot check of `index` found its tile wrong: the signer is slashed
	/// [`Config::FraudSlash`] (no reporter: the chain found it) and recorded
	/// [`Outcome::Fraud`], and the poster refunded.
	fn fail_spot_check(index: TaskIndex, task: TaskOf<T>, spot: SpotCheck) {
		let mut slashed = BalanceOf::<T>::zero();
		for signer in task.signers() {
			slashed =
				slashed.saturating_add(T::Workers::slash(&signer, T::FraudSlash::get(), None));
			T::Workers::record_outcome(&signer, Outcome::Fraud);
		}
		Self::deposit_event(Event::SpotCheckFailed {
			task: index,
			frame: spot.frame,
			tile: spot.tile,
			slashed,
		});
		Self::refund(index, task, RefundReason::Fraud);
	}

	/// The first challenge of `index` that went unanswered past its deadline, if any.
	pub(crate) fn first_unanswered_challenge(
		index: TaskIndex,
		now: BlockNumberFor<T>,
	) -> Option<ChallengeOf<T>> {
		Challenges::<T>::iter_prefix_values(index)
			.find(|challenge| challenge.answered_by.is_none() && challenge.deadline < now)
	}

	/// The end of an accepted task with a challenge nobody answered: every signer is slashed
	/// [`Config::FraudSlash`] (the challenger of the first unanswered frame gets the
	/// registry's reporter share, unless it is the chain's spot check: no deposit, no
	/// reporter) and recorded [`Outcome::Fraud`], the deposits go back to the challengers, and
	/// the poster is refunded.
	pub(crate) fn overturn_unanswered(index: TaskIndex, task: TaskOf<T>, first: &ChallengeOf<T>) {
		let reporter = (!first.deposit.is_zero()).then_some(&first.challenger);
		let mut slashed = BalanceOf::<T>::zero();
		for signer in task.signers() {
			slashed =
				slashed.saturating_add(T::Workers::slash(&signer, T::FraudSlash::get(), reporter));
			T::Workers::record_outcome(&signer, Outcome::Fraud);
		}
		Self::deposit_event(Event::ChallengeUnanswered { task: index, slashed });
		Self::refund(index, task, RefundReason::ChallengeUnanswered);
	}

	/// Ends the challenges of an ended task (`overturned`: its result was proven wrong or went
	/// unanswered): deposits go back to their challengers when the result was overturned or
	/// the challenge went unanswered, and to the signers (split evenly, the remainder to the
	/// last) when the answered result stood. Its evidence is removed.
	pub(crate) fn close_challenges(index: TaskIndex, signers: &[T::AccountId], overturned: bool) {
		let reason = HoldReason::ChallengeDeposit.into();
		let challenges: Vec<(u32, ChallengeOf<T>)> = Challenges::<T>::drain_prefix(index).collect();
		let _ = Evidence::<T>::clear_prefix(index, u32::MAX, None);
		for (frame, challenge) in challenges {
			if challenge.deposit.is_zero() {
				// The chain's spot check: nothing held.
				Self::deposit_event(Event::ChallengeClosed {
					task: index,
					frame,
					deposit_to_signers: false,
				});
				continue;
			}
			let to_signers = !overturned && challenge.answered_by.is_some() && !signers.is_empty();
			if !to_signers {
				let _ = T::Currency::release(
					&reason,
					&challenge.challenger,
					challenge.deposit,
					Precision::BestEffort,
				);
				Self::deposit_event(Event::ChallengeClosed {
					task: index,
					frame,
					deposit_to_signers: false,
				});
				continue;
			}
			let count: BalanceOf<T> = (signers.len() as u32).into();
			let share = challenge.deposit / count;
			let mut left = challenge.deposit;
			for (i, signer) in signers.iter().enumerate() {
				let amount = if i + 1 == signers.len() { left } else { share };
				let moved = T::Currency::transfer_on_hold(
					&reason,
					&challenge.challenger,
					signer,
					amount,
					Precision::BestEffort,
					Restriction::Free,
					Fortitude::Force,
				)
				.unwrap_or_default();
				left = left.saturating_sub(moved);
			}
			// What could not be paid (a reaped signer) goes back to the challenger.
			if !left.is_zero() {
				let _ = T::Currency::release(
					&reason,
					&challenge.challenger,
					left,
					Precision::BestEffort,
				);
			}
			Self::deposit_event(Event::ChallengeClosed {
				task: index,
				frame,
				deposit_to_signers: true,
			});
		}
	}
}
