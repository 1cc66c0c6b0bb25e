//! Chunk-version announcements: telling the region which chunk versions this player holds,
//! and fetching ahead the versions peers announce.
//!
//! - Once the session confirms a version the chain recorded (loaded or reconciled), it
//!   announces `(coord, version, timestamp, hash)` on the chunk's region topic, once per
//!   version: peers then know whom to ask for those bytes first.
//! - An announced version newer than the one held is fetched by hash into the cache ahead of
//!   finality, a few at a time. Only a hint: nothing confirmed changes, and the bytes are used
//!   only if the chain's hash, when finality brings it, names them (the cache is keyed and
//!   checked by hash, so bytes that hash right are safe to keep whoever sent them).

use super::{now_ms, Inner, SessionEvent};
use crate::{
	chain::ChunkVersion,
	p2p::{ChunkAnnouncement, WorldMessage},
	region::RegionCoord,
};
use libp2p::PeerId;
use playnet_primitives::{ChunkCoord, ContentHash};
use std::{
	collections::HashMap,
	sync::{Arc, Weak},
};

/// Prefetches under way at once, at most; announcements past it are not followed.
pub const MAX_PREFETCHES: usize = 8;

/// The versions announced and being prefetched.
#[derive(Default)]
pub(crate) struct Announcements {
	/// The last version announced per chunk.
	announced: HashMap<ChunkCoord, ChunkVersion>,
	/// Prefetches under way: the version being fetched per chunk.
	prefetching: HashMap<ChunkCoord, ChunkVersion>,
}

impl Announcements {
	/// Whether `version` of `coord` is still to be announced: newer than any announced.
	pub fn to_announce(&self, coord: &ChunkCoord, version: ChunkVersion) -> bool {
		self.announced.get(coord).is_none_or(|last| version > *last)
	}

	/// Records that `version` of `coord` was announced.
	pub fn announced(&mut self, coord: ChunkCoord, version: ChunkVersion) {
		let last = self.announced.entry(coord).or_default();
		*last = version.max(*last);
	}

	/// Starts a prefetch of `announced` unless it is not worth it: the chunk is not held,
	/// the version is not newer than the one held or one being fetched, or enough are under
	/// way. Returns whether it started.
	pub fn start_prefetch(
		&mut self,
		coord: ChunkCoord,
		announced: ChunkVersion,
		held: Option<ChunkVersion>,
	) -> bool {
		let newer = held.is_some_and(|held| announced > held)
			&& self.prefetching.get(&coord).is_none_or(|fetching| announced > *fetching);
		if !newer || self.prefetching.len() >= MAX_PREFETCHES {
			return false;
		}
		self.prefetching.insert(coord, announced);
		true
	}

	/// Ends the prefetch of `version` of `coord`.
	pub fn end_prefetch(&mut self, coord: &ChunkCoord, version: ChunkVersion) {
		if self.prefetching.get(coord) == Some(&version) {
			self.prefetching.remove(coord);
		}
	}
}

/// Announces `version` of `coord` (hash `hash`, as the chain recorded it) on the chunk's
/// region topic, unless it or a newer one was announced already. Nobody in the region to
/// tell is not an error; the version is announced when it next is confirmed with peers there.
pub(crate) async fn announce(
	inner: &Inner,
	coord: ChunkCoord,
	version: ChunkVersion,
	hash: ContentHash,
) {
	// Version 0 is the generated chunk: every peer makes it from the seed.
	if version == 0 || !inner.state().announcements.to_announce(&coord, version) {
		return;
	}
	let message = WorldMessage::ChunkVersion(ChunkAnnouncement {
		coord,
		version,
		timestamp_ms: now_ms(),
		hash,
	});
	match inner.network.publish(RegionCoord::of(&coord), message).await {
		Ok(()) => inner.state().announcements.announced(coord, version),
		Err(e) => tracing::debug!(?coord, version, "not announced: {e}"),
	}
}

/// Follows a peer's announcement: prefetches the version's bytes into the cache if the chunk
/// is held at an older version (see [`Announcements::start_prefetch`]).
pub(crate) fn on_announcement(inner: &Arc<Inner>, from: PeerId, announcement: ChunkAnnouncement) {
	let ChunkAnnouncement { coord, version, hash, .. } = announcement;
	if inner.cache.contains(&hash) {
		return;
	}
	{
		let mut state = inner.state();
		let held = state.world.chunk(&coord).map(|chunk| chunk.version());
		if !state.announcements.start_prefetch(coord, version, held) {
			return;
		}
	}
	let weak = Arc::downgrade(inner);
	tokio::spawn(prefetch(weak, from, coord, version, hash));
}

async fn prefetch(
	inner: Weak<Inner>,
	from: PeerId,
	coord: ChunkCoord,
	version: ChunkVersion,
	hash: ContentHash,
) {
	let Some(network) = inner.upgrade().map(|inner| inner.network.clone()) else { return };
	// The announcer is on record as the holder: it is asked first.
	let fetched = network.fetch_chunk(hash).await;
	let Some(inner) = inner.upgrade() else { return };
	inner.state().announcements.end_prefetch(&coord, version);
	let bytes = match fetched {
		Ok(bytes) => bytes,
		Err(e) => {
			tracing::debug!(?coord, version, %from, "prefetching an announced chunk: {e}");
			return;
		}
	};
	// The cache checks the bytes against the hash again.
	match inner.cache.insert(hash, &bytes) {
		Ok(()) => inner.emit(SessionEvent::ChunkPrefetched { coord, version, hash, from }),
		Err(e) => tracing::warn!(?coord, version, "keeping a prefetched chunk: {e}"),
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const COORD: ChunkCoord = ChunkCoord::new(1, 4, 1);

	#[test]
	fn a_version_is_announced_once_and_never_after_a_newer_one() {
		let mut announcements = Announcements::default();
		assert!(announcements.to_announce(&COORD, 2));
		announcements.announced(COORD, 2);
		assert!(!announcements.to_announce(&COORD, 2));
		assert!(announcements.to_announce(&COORD, 3));
		announcements.announced(COORD, 3);
		assert!(!announcements.to_announce(&COORD, 2));
		// Other chunks are on their own.
		assert!(announcements.to_announce(&ChunkCoord::new(0, 4, 0), 2));
	}

	#[test]
	fn only_a_newer_version_of_a_held_chunk_is_prefetched() {
		let mut announcements = Announcements::default();
		// Not held, the same version, an older one.
		assert!(!announcements.start_prefetch(COORD, 3, None));
		assert!(!announcements.start_prefetch(COORD, 3, Some(3)));
		assert!(!announcements.start_prefetch(COORD, 2, Some(3)));
		assert!(announcements.start_prefetch(COORD, 4, Some(3)));
		// Under way: the same version again is not fetched twice, a newer one is.
		assert!(!announcements.start_prefetch(COORD, 4, Some(3)));
		assert!(announcements.start_prefetch(COORD, 5, Some(3)));
		// An older prefetch ending leaves the newer one on record.
		announcements.end_prefetch(&COORD, 4);
		assert!(!announcements.start_prefetch(COORD, 5, Some(3)));
		announcements.end_prefetch(&COORD, 5);
		assert!(announcements.start_prefetch(COORD, 5, Some(3)));
	}

	#[test]
	fn prefetches_are_bounded() {
		let mut announcements = Announcements::default();
		for x in 0..MAX_PREFETCHES as i32 {
			assert!(announcements.start_prefetch(ChunkCoord::new(x, 4, 0), 2, Some(1)));
		}
		assert!(!announcements.start_prefetch(ChunkCoord::new(-1, 4, 0), 2, Some(1)));
		announcements.end_prefetch(&ChunkCoord::new(0, 4, 0), 2);
		assert!(announcements.start_prefetch(ChunkCoord::new(-1, 4, 0), 2, Some(1)));
	}
}
