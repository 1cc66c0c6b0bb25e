//! Pins: chunk versions that open render tasks name, kept readable at their hash until the
//! last task naming them ends, however the chunk changes meanwhile.

use crate::{pallet::*, WeightInfo};
use alloc::vec::Vec;
use playnet_primitives::{world::encoding::encode_chunk, ChunkCoord, ContentHash, WorldGenerator};
use polkadot_sdk::{
	frame_support::{ensure, weights::Weight},
	sp_runtime::DispatchResult,
};

impl<T: Config> Pallet<T> {
	/// Pins version `content_hash` of `coord` for one more user (an open render task): it must
	/// be the chunk's current version, the stored hash of an edited chunk or the hash of the
	/// canonical encoding of the generated chunk of an unedited one. Until it is unpinned as
	/// often as it was pinned, [`Pallet::chunk_at`] gives its bytes, however the chunk
	/// changes. Nothing changes when it fails.
	///
	/// # Errors
	/// - [`Error::ChunkOutsideWorld`];
	/// - [`Error::NotCurrentVersion`]: the chunk's current version has another hash;
	/// - [`Error::TooManyPins`]: the version is pinned `u32::MAX` times already.
	pub fn pin_version(coord: ChunkCoord, content_hash: ContentHash) -> DispatchResult {
		ensure!(coord.in_world(), Error::<T>::ChunkOutsideWorld);
		let pins = Pins::<T>::get(coord, content_hash);
		let current = match Chunks::<T>::get(coord) {
			Some(record) => record.content_hash == content_hash,
			// Pinned while the chunk is unedited: it was checked as the generated version,
			// and an unedited chunk never changes.
			None if pins > 0 => true,
			None => Self::generated_hash(&coord) == content_hash,
		};
		ensure!(current, Error::<T>::NotCurrentVersion);
		let pins = pins.checked_add(1).ok_or(Error::<T>::TooManyPins)?;
		Pins::<T>::insert(coord, content_hash, pins);
		Ok(())
	}

	/// Releases one pin of version `content_hash` of `coord`; with the last, the kept copy of
	/// its bytes (if the chunk moved on from it) goes too. Releasing a version not pinned
	/// changes nothing.
	pub fn unpin_version(coord: ChunkCoord, content_hash: ContentHash) {
		match Pins::<T>::get(coord, content_hash) {
			0 => {}
			1 => {
				Pins::<T>::remove(coord, content_hash);
				PinnedVersions::<T>::remove(coord, content_hash);
			}
			pins => Pins::<T>::insert(coord, content_hash, pins.saturating_sub(1)),
		}
	}

	/// The canonical bytes of version `content_hash` of `coord`: the current bytes if they
	/// hash to it, else the kept bytes of a pinned version, else the generated chunk if it
	/// hashes to it (an unedited chunk, or the generated version of an edited one). `None`
	/// when the world does not have that version. A call that reads it is charged
	/// [`Pallet::chunk_at_weight`] per chunk (generating one costs about half a millisecond).
	pub fn chunk_at(coord: ChunkCoord, content_hash: ContentHash) -> Option<Vec<u8>> {
		if !coord.in_world() {
			return None;
		}
		if Chunks::<T>::get(coord).is_some_and(|record| record.content_hash == content_hash) {
			// An edited chunk back to the generator's stores no bytes: generated below.
			if let Some(bytes) = EncodedChunks::<T>::get(coord) {
				return Some(bytes.into_inner());
			}
		}
		if let Some(bytes) = PinnedVersions::<T>::get(coord, content_hash) {
			return Some(bytes.into_inner());
		}
		let generated = encode_chunk(&WorldGenerator::new(WorldSeed::<T>::get()).chunk(coord));
		(ContentHash::of(&generated) == content_hash).then_some(generated)
	}

	/// Called before `coord` gets a new version hashing to `new_hash`: keeps the bytes of the
	/// version it replaces while a task pins it (a generated version needs no copy: the seed
	/// makes it again), and drops the kept copy of `new_hash`, which is current again.
	pub(crate) fn keep_pinned_version(coord: ChunkCoord, new_hash: ContentHash) {
		// An unedited chunk has no copies, and a version giving way to itself keeps its place.
		let Some(old) = Chunks::<T>::get(coord) else { return };
		if old.content_hash == new_hash {
			return;
		}
		if Pins::<T>::contains_key(coord, old.content_hash) {
			if let Some(bytes) = EncodedChunks::<T>::get(coord) {
				PinnedVersions::<T>::insert(coord, old.content_hash, bytes);
			}
		}
		if Pins::<T>::contains_key(coord, new_hash) {
			PinnedVersions::<T>::remove(coord, new_hash);
		}
	}

	/// The hash of the canonical encoding of the generated chunk at `coord`.
	pub(crate) fn generated_hash(coord: &ChunkCoord) -> ContentHash {
		ContentHash::of(&encode_chunk(&WorldGenerator::new(WorldSeed::<T>::get()).chunk(*coord)))
	}

	/// The most [`Pallet::pin_version`] costs: reading the record and the pin, generating,
	/// encoding and hashing an unedited chunk, and writing the pin (benchmarked).
	pub fn pin_version_weight() -> Weight {
		T::WeightInfo::pin_version()
	}

	/// The most [`Pallet::unpin_version`] costs: reading the pin, writing it and removing a
	/// kept copy (benchmarked).
	pub fn unpin_version_weight() -> Weight {
		T::WeightInfo::unpin_version()
	}

	/// The most [`Pallet::chunk_at`] costs: reading the record and a kept copy, and
	/// generating, encoding and hashing the chunk (benchmarked).
	pub fn chunk_at_weight() -> Weight {
		T::WeightInfo::chunk_at()
	}

	/// What [`Pallet::keep_pinned_version`] adds to a new version of a stored chunk, in its
	/// worst case: reading the record, the pins of the old and the new hash and the old bytes
	/// (the largest encoding), writing the copy and removing another (benchmarked).
	pub(crate) fn keep_pinned_version_weight() -> Weight {
		T::WeightInfo::keep_pinned_version()
	}
}
