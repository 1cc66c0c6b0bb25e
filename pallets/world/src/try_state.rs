//! The pallet's invariants, checked by `try-runtime` and after every block in the tests.

use crate::pallet::*;
use alloc::collections::BTreeSet;
use playnet_primitives::{world::encoding::decode_chunk, ChunkCoord, ContentHash};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::InspectHold, Get},
	},
	frame_system,
	sp_runtime::{traits::Zero, DispatchError},
};

impl<T: Config> Pallet<T> {
	/// Checks that every edited chunk has canonical bytes matching its hash (or is back to
	/// the generator's and stores none) and a consistent change log, that every stored chunk
	/// of a signed author holds its deposit from that author and each account's chunk hold is
	/// exactly its deposits and queued submissions, that every pin names a version the world
	/// has and kept bytes exist exactly for pinned edited versions that are no longer current,
	/// that claims are well formed and that the queue agrees with its count. (That each pin counts the open tasks naming its
	/// version is the render pallet's check: it knows the tasks.)
	pub fn do_try_state() -> Result<(), DispatchError> {
		for (coord, record) in Chunks::<T>::iter() {
			let stored = EncodedChunks::<T>::get(coord);
			match &stored {
				Some(bytes) => {
					ensure!(decode_chunk(bytes).is_ok(), "stored chunk bytes are not canonical");
					ensure!(ContentHash::of(bytes) == record.content_hash, "content hash mismatch");
				}
				None => ensure!(
					Self::generated_hash(&coord) == record.content_hash,
					"an edited chunk has no bytes and is not the generator's"
				),
			}
			ensure!(record.version > 0, "a stored chunk is at version 0");
			match (&stored, &record.author, ChunkDeposits::<T>::get(coord)) {
				(Some(_), Some(author), Some(deposit)) => {
					ensure!(deposit.depositor == *author, "a chunk's deposit is not its author's")
				}
				(Some(_), Some(_), None) => {
					Err("a stored chunk of a signed author holds no deposit")?
				}
				(_, _, Some(_)) => Err("a deposit for a chunk that stores no bytes of an author")?,
				_ => {}
			}
			let log = ChangeLogs::<T>::get(coord);
			ensure!(log.horizon <= record.version, "change log horizon ahead of the chunk");
			ensure!(log.replaced_at <= log.horizon, "replacement newer than the horizon");
			ensure!(
				log.changes.windows(2).all(|pair| pair[0].index < pair[1].index),
				"change log not sorted by block index"
			);
			ensure!(
				log.changes
					.iter()
					.all(|change| change.version <= record.version
						&& change.version > log.replaced_at),
				"change log entry outside the chunk's versions"
			);
		}
		for coord in EncodedChunks::<T>::iter_keys() {
			ensure!(Chunks::<T>::contains_key(coord), "chunk bytes without a record");
		}
		for coord in ChangeLogs::<T>::iter_keys() {
			ensure!(Chunks::<T>::contains_key(coord), "a change log without a record");
		}
		for coord in ChunkDeposits::<T>::iter_keys() {
			ensure!(Chunks::<T>::contains_key(coord), "a chunk deposit without a record");
		}
		let mut expected = crate::deposits::expected_holds::<T>();
		let reason = HoldReason::ChunkDeposit.into();
		for who in frame_system::Account::<T>::iter_keys() {
			let held = T::Currency::balance_on_hold(&reason, &who);
			ensure!(
				held == expected.remove(&who).unwrap_or_else(Zero::zero),
				"an account's chunk hold is not its deposits and queued submissions"
			);
		}
		ensure!(
			expected.values().all(Zero::is_zero),
			"a chunk deposit of an account that does not exist"
		);
		for (coord, content_hash, bytes) in PinnedVersions::<T>::iter() {
			ensure!(
				Pins::<T>::contains_key(coord, content_hash),
				"kept bytes of an unpinned version"
			);
			ensure!(ContentHash::of(&bytes) == content_hash, "kept bytes differ from their hash");
			ensure!(decode_chunk(&bytes).is_ok(), "kept bytes are not canonical");
			let record = Chunks::<T>::get(coord).ok_or("kept bytes of an unedited chunk")?;
			ensure!(record.content_hash != content_hash, "kept bytes of the current version");
		}
		for (coord, content_hash, pins) in Pins::<T>::iter() {
			ensure!(pins > 0, "a pin entry counting no pins");
			ensure!(coord.in_world(), "a pin outside the world");
			let current =
				Chunks::<T>::get(coord).is_some_and(|record| record.content_hash == content_hash);
			ensure!(
				current
					|| PinnedVersions::<T>::contains_key(coord, content_hash)
					|| Self::generated_hash(&coord) == content_hash,
				"a pinned version the world does not have"
			);
		}
		for (region, claim) in Claims::<T>::iter() {
			ensure!(region.in_world(), "a claim outside the world");
			ensure!(
				claim.editors.windows(2).all(|pair| pair[0] < pair[1]),
				"editors not sorted or repeated"
			);
			ensure!(!claim.editors.contains(&claim.owner), "the owner is listed as an editor");
		}

		let pending_chunks: BTreeSet<ChunkCoord> = PendingChunks::<T>::get().into_iter().collect();
		let mut queued = 0u32;
		for (coord, submissions) in Pending::<T>::iter() {
			ensure!(pending_chunks.contains(&coord), "queued submissions of an unlisted chunk");
			queued = queued.saturating_add(submissions.len() as u32);
		}
		ensure!(queued == PendingCount::<T>::get(), "the queue disagrees with its count");
		ensure!(queued <= T::MaxPendingSubmissions::get(), "the queue is over its bound");
		Ok(())
	}
}
