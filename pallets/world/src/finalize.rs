//! The end of the block: deciding and applying the queued submissions, once per chunk.

use crate::{
	pallet::*,
	race::{self, Contender},
	types::{
		edit_index, BounceReason, ChunkDeposit, ChunkRecord, ChunkVersion, PendingSubmission,
		RegionCoord,
	},
	ChangeLogOf, PendingSubmissionOf,
};
use alloc::vec::Vec;
use playnet_primitives::{
	world::encoding::{decode_chunk, encode_chunk},
	Chunk, ChunkCoord, ContentHash, WorldGenerator,
};
use polkadot_sdk::{
	frame_support::defensive,
	frame_system,
	sp_runtime::traits::{Saturating, Zero},
};

/// What happened to one queued submission: `None` when it applies.
type Verdict = Option<BounceReason>;

/// The version a block made of a chunk.
struct NewVersion<AccountId> {
	version: ChunkVersion,
	content_hash: ContentHash,
	author: Option<AccountId>,
	/// The length of its stored encoding; `None` when it is the generator's chunk, which
	/// stores no bytes.
	stored_len: Option<u32>,
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
			None => Some(Self::generated_chunk(coord)),
		}
	}

	/// What the world generator makes at `coord` from the seed.
	pub(crate) fn generated_chunk(coord: &ChunkCoord) -> Chunk {
		WorldGenerator::new(WorldSeed::<T>::get()).chunk(*coord)
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

		// Every submission held the queued deposit; the author of the new version keeps what
		// its stored bytes cost, from the hold of its last applied submission.
		let queued = Self::queued_deposit();
		let kept = update
			.as_ref()
			.and_then(|update| update.stored_len)
			.map_or_else(Zero::zero, Self::chunk_deposit);
		let keeper = update.as_ref().and_then(|_| verdicts.iter().rposition(Option::is_none));
		for (index, (submission, verdict)) in submissions.into_iter().zip(verdicts).enumerate() {
			let PendingSubmission { id, who, base_version, client_timestamp, .. } = submission;
			let release = if keeper == Some(index) { queued.saturating_sub(kept) } else { queued };
			Self::release_chunk_deposit(&who, release);
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
		if let Some(NewVersion { version, content_hash, author, stored_len }) = update {
			Self::release_deposit_of(coord);
			if let (Some(depositor), Some(len)) = (&author, stored_len) {
				let amount = Self::chunk_deposit(len);
				Self::record_deposit_of(
					coord,
					ChunkDeposit { depositor: depositor.clone(), amount },
				);
			}
			Self::deposit_event(Event::ChunkUpdated { coord, version, content_hash, author });
		}
	}

	/// Applies the winning submissions in order as version `version + 1` and stores it (its
	/// bytes, or none when it came back to the generator's chunk), or stores nothing and
	/// returns `None` when the chunk cannot be loaded or stored or its version is exhausted.
	fn apply_winners(
		coord: ChunkCoord,
		version: ChunkVersion,
		submissions: &[PendingSubmissionOf<T>],
		verdicts: &[Verdict],
		log: &mut ChangeLogOf<T>,
	) -> Option<NewVersion<T::AccountId>> {
		let new_version = version.checked_add(1)?;
		let generated = Self::generated_chunk(&coord);
		let mut chunk = match EncodedChunks::<T>::get(coord) {
			Some(bytes) => decode_chunk(&bytes).ok()?,
			None => generated.clone(),
		};
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
		let stored = match chunk == generated {
			true => None,
			false => Some(crate::ChunkBytes::try_from(bytes).ok()?),
		};
		let stored_len = stored.as_ref().map(|bytes| bytes.len() as u32);

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
		match stored {
			Some(bytes) => EncodedChunks::<T>::insert(coord, bytes),
			None => EncodedChunks::<T>::remove(coord),
		}
		log.record(changed, new_version);
		ChangeLogs::<T>::insert(coord, core::mem::take(log));
		Some(NewVersion { version: new_version, content_hash, author, stored_len })
	}
}
