//! Submitting edits: the game rules checked before a submission is queued, and the share of
//! the end-of-block work it pays for.

use crate::{pallet::*, types::*, WeightInfo};
use playnet_primitives::{BlockEdit, ChunkCoord, EditError};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{Get, UnixTime},
		weights::Weight,
		BoundedVec,
	},
	sp_runtime::{DispatchError, DispatchResult},
};

/// What part of the end-of-block work an `apply_edits` pays for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum EndOfBlockShare {
	/// The chunk's first submission of the block, the chunk never edited: generating the
	/// chunk, applying, encoding, hashing and storing it, and deciding this submission.
	GeneratedChunk,
	/// The same for a stored chunk: decoding it instead of generating it.
	StoredChunk,
	/// A later submission to a chunk already queued: deciding and applying it only.
	Submission,
}

impl<T: Config> Pallet<T> {
	/// Checks a submission against every rule, then queues it for the end of the block.
	/// Nothing changes unless every check passes. Returns what it pays for at the block's end.
	pub(crate) fn queue_edits(
		who: T::AccountId,
		coord: ChunkCoord,
		base_version: ChunkVersion,
		edits: BoundedVec<BlockEdit, T::MaxEditsPerCall>,
		client_timestamp: u64,
	) -> Result<EndOfBlockShare, DispatchError> {
		ensure!(!edits.is_empty(), Error::<T>::NoEdits);
		ensure!(coord.in_world(), Error::<T>::ChunkOutsideWorld);
		for (index, edit) in edits.iter().enumerate() {
			edit.validate(index).map_err(|error| match error {
				EditError::OutOfRange { .. } => Error::<T>::BlockOutsideChunk,
				EditError::UnknownBlock { .. } => Error::<T>::UnknownBlockId,
			})?;
		}
		Self::ensure_near_chain_time(client_timestamp)?;
		Self::ensure_may_edit(&who, &coord)?;

		let stored = Chunks::<T>::get(coord);
		let version = stored.as_ref().map_or(0, |record| record.version);
		ensure!(base_version <= version, Error::<T>::FutureBaseVersion);
		ensure!(version < ChunkVersion::MAX, Error::<T>::VersionOverflow);
		if base_version < version {
			ChangeLogs::<T>::get(coord).check_edits(&edits, base_version).map_err(|stale| {
				match stale {
					StaleEdit::Conflict => Error::<T>::EditConflict,
					StaleEdit::TooOld => Error::<T>::BaseVersionTooOld,
				}
			})?;
		}

		let queued = PendingCount::<T>::get();
		ensure!(queued < T::MaxPendingSubmissions::get(), Error::<T>::PendingQueueFull);
		let first_in_chunk = Pending::<T>::decode_len(coord).unwrap_or(0) == 0;
		if first_in_chunk {
			PendingChunks::<T>::try_append(coord).map_err(|_| Error::<T>::PendingQueueFull)?;
		}
		Self::hold_chunk_deposit(&who, Self::queued_deposit())?;
		let id = Self::submission_id(&who, &coord, base_version, client_timestamp, &edits);
		let edit_count = edits.len() as u32;
		Pending::<T>::try_append(
			coord,
			PendingSubmission { id, who: who.clone(), base_version, client_timestamp, edits },
		)
		.map_err(|_| Error::<T>::PendingQueueFull)?;
		PendingCount::<T>::put(queued.saturating_add(1));

		Self::deposit_event(Event::EditsQueued {
			id,
			who,
			coord,
			base_version,
			client_timestamp,
			edits: edit_count,
		});
		Ok(match (first_in_chunk, stored.is_some()) {
			(true, false) => EndOfBlockShare::GeneratedChunk,
			(true, true) => EndOfBlockShare::StoredChunk,
			(false, _) => EndOfBlockShare::Submission,
		})
	}

	/// Fails unless `client_timestamp` is within [`Config::MaxClockSkew`] of the chain.
	fn ensure_near_chain_time(client_timestamp: u64) -> DispatchResult {
		let now = u64::try_from(T::UnixTime::now().as_millis()).unwrap_or(u64::MAX);
		ensure!(
			client_timestamp.abs_diff(now) <= T::MaxClockSkew::get(),
			Error::<T>::ClientTimestampOutOfRange
		);
		Ok(())
	}

	/// Fails unless `who` may edit `coord`: its region is free, or `who` owns it or is an
	/// allowed editor.
	fn ensure_may_edit(who: &T::AccountId, coord: &ChunkCoord) -> DispatchResult {
		if let Some(claim) = Claims::<T>::get(RegionCoord::of(coord)) {
			ensure!(claim.may_edit(who), Error::<T>::NotAllowedInRegion);
		}
		Ok(())
	}

	/// The weight of `apply_edits` with `edits` edits and its `share` of the end of the block.
	/// Every submission holds the queued deposit and has it released at the end of the
	/// block; the first of a chunk also pays for moving the chunk's deposit.
	pub(crate) fn apply_edits_weight(edits: u32, share: EndOfBlockShare) -> Weight {
		let end_of_block = match share {
			// Generating the chunk is in the benchmark: comparing with it costs nothing more.
			EndOfBlockShare::GeneratedChunk => T::WeightInfo::finalize_generated_chunk(edits)
				.saturating_add(Self::new_version_deposit_weight())
				.saturating_sub(Self::chunk_at_weight()),
			// A stored chunk's old version may be pinned and kept; a generated one never is.
			EndOfBlockShare::StoredChunk => T::WeightInfo::finalize_stored_chunk(edits)
				.saturating_add(Self::keep_pinned_version_weight())
				.saturating_add(Self::new_version_deposit_weight()),
			EndOfBlockShare::Submission => T::WeightInfo::finalize_submissions(2)
				.saturating_sub(T::WeightInfo::finalize_submissions(1)),
		};
		T::WeightInfo::apply_edits(edits)
			.saturating_add(Self::hold_weight().saturating_mul(2))
			.saturating_add(end_of_block)
	}

	/// The weight reserved for `apply_edits` before dispatch: its worst case.
	pub(crate) fn apply_edits_worst_weight(edits: u32) -> Weight {
		[EndOfBlockShare::GeneratedChunk, EndOfBlockShare::StoredChunk, EndOfBlockShare::Submission]
			.into_iter()
			.map(|share| Self::apply_edits_weight(edits, share))
			.fold(Weight::zero(), |worst, weight| worst.max(weight))
	}
}
