//! The end of the block: deciding and applying the queued submissions, once per chunk.

use crate::{
	pallet::*,
	race::{self, Contender},
	types::{edit_index, BounceReason, ChunkRecord, ChunkVersion, PendingSubmission, RegionCoord},
	ChangeLogOf, PendingSubmissionOf,
};
use alloc::vec::Vec;
use playnet_primitives::{
	world::encoding::{decode_chunk, encode_chunk},
	Chunk, ChunkCoord, ContentHash, WorldGenerator,
};
use polkadot_sdk::{frame_support::defensive, frame_system};

/// What happened to one queued submission: `None` when it applies.
type Verdict = Option<BounceReason>;

/// The version a block made of a chunk.
struct NewVersion<AccountId> {
	version: ChunkVersion,
	content_hash: ContentHash,
	author: Option<AccountId>,
}

impl<T: Config> Pallet<T> {
	/// Decides every chunk with queued submissions and empties the queue.
	pub(crate) fn resolve_pending() {
		let chunks = PendingChunks::<T>::take();
		PendingCount::<T>::kill();
		for coord in chunks {
			let submissions = Pending::<T>::take(coord);
			Self::resolve_chunk(coord, submissions.into_inner());
		}
	}

	/// The current content of a chunk: its stored bytes, or the generator's chunk when it was
	/// never edited. `None` only if stored bytes do not decode, which a consistent state never
	/// holds.
	pub(crate) fn current_chunk(coord: &ChunkCoord) -> Option<Chunk> {
		match EncodedChunks::<T>::get(coord) {
			Some(bytes) => decode_chunk(&bytes).ok(),
			None => Some(WorldGenerator::new(WorldSeed::<T>::get()).chunk(*coord)),
		}
	}

	/// Decides one chunk's submissions, applies the winners as one new version and reports
	/// every outcome.
	fn resolve_chunk(coord: ChunkCoord, submissions: Vec<PendingSubmissionOf<T>>) {
		let version = Chunks::<T>::get(coord).map_or(0, |record| record.version);
		let mut log = ChangeLogs::<T>::get(coord);
		let claim = Claims::<T>::get(RegionCoord::of(&coord));

		// What may have changed since each submission was checked: a claim or its editors,
		// or a replacement of the chunk.
		let mut verdicts: Vec<Verdict> = submissions
			.iter()
			.map(|submission| {
				if claim.as_ref().is_some_and(|claim| !claim.may_edit(&submission.who)) {
					return Some(BounceReason::NotAllowed);
				}
				if submission.base_version < version {
					if let Err(stale) = log.check_edits(&submission.edits, submission.base_version)
					{
						return Some(stale.into());
					}
				}
				None
			})
			.collect();

		let standing: Vec<usize> =
			(0..submissions.len()).filter(|&i| verdicts[i].is_none()).collect();
		let contenders: Vec<Contender<'_, T::AccountId>> = standing
			.iter()
			.map(|&i| Contender { who: &submissions[i].who, edits: &submissions[i].edits })
			.collect();
		for (&i, verdict) in standing.iter().zip(race::resolve(&contenders)) {
			verdicts[i] = verdict;
		}

		let update = if verdicts.iter().any(Option::is_none) {
			let applied = Self::apply_winners(coord, version, &submissions, &verdicts, &mut log);
			if applied.is_none() {
				defensive!("a queued chunk could not be loaded, versioned or stored");
				for verdict in verdicts.iter_mut().filter(|verdict| verdict.is_none()) {
					*verdict = Some(BounceReason::Unprocessable);
				}
			}
			applied
		} else {
			None
		};

		for (submission, verdict) in submissions.into_iter().zip(verdicts) {
			let PendingSubmission { id, who, base_version, client_timestamp, .. } = submission;
			let event = match (verdict, &update) {
				(None, Some(update)) => Event::EditsApplied {
					id,
					who,
					coord,
					base_version,
					client_timestamp,
					version: update.version,
					content_hash: update.content_hash,
				},
				(reason, _) => Event::EditsBounced {
					id,
					who,
					coord,
					base_version,
					client_timestamp,
					reason: reason.unwrap_or(BounceReason::Unprocessable),
				},
			};
			Self::deposit_event(event);
		}
		if let Some(NewVersion { version, content_hash, author }) = update {
			Self::deposit_event(Event::ChunkUpdated { coord, version, content_hash, author });
		}
	}

	/// Applies the winning submissions in order as version `version + 1` and stores it, or
	/// stores nothing and returns `None` when the chunk cannot be loaded or stored or its
	/// version is exhausted.
	fn apply_winners(
		coord: ChunkCoord,
		version: ChunkVersion,
		submissions: &[PendingSubmissionOf<T>],
		verdicts: &[Verdict],
		log: &mut ChangeLogOf<T>,
	) -> Option<NewVersion<T::AccountId>> {
		let new_version = version.checked_add(1)?;
		let mut chunk = Self::current_chunk(&coord)?;
		let winners = submissions.iter().zip(verdicts).filter(|(_, verdict)| verdict.is_none());
		let mut changed = Vec::new();
		let mut author = None;
		for (submission, _) in winners {
			for edit in &submission.edits {
				chunk.set(edit.x as u32, edit.y as u32, edit.z as u32, edit.block);
				changed.push(edit_index(edit));
			}
			author = Some(submission.who.clone());
		}
		let bytes = encode_chunk(&chunk);
		let content_hash = ContentHash::of(&bytes);
		let bytes = crate::ChunkBytes::try_from(bytes).ok()?;

		Self::keep_pinned_version(coord, content_hash);
		Chunks::<T>::insert(
			coord,
			ChunkRecord {
				version: new_version,
				content_hash,
				author: author.clone(),
				updated_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		EncodedChunks::<T>::insert(coord, bytes);
		log.record(changed, new_version);
		ChangeLogs::<T>::insert(coord, core::mem::take(log));
		Some(NewVersion { version: new_version, content_hash, author })
	}
}
