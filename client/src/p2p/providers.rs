//! Which peers hold which chunk, as far as this peer heard: from chunk-version announcements
//! and from peers that served the bytes. A fetch asks these holders first.
//!
//! Only a hint: a holder that turns out not to have the chunk answers "not found" and the
//! fetch goes on to other peers; one that sends other bytes is dropped as always. The map is
//! bounded in both directions (least recently heard-of chunk out first, few holders a chunk).

use libp2p::PeerId;
use playnet_primitives::ContentHash;
use std::collections::{BTreeMap, HashMap};

/// Chunks whose holders are remembered.
pub const PROVIDER_CHUNKS: usize = 4096;
/// Holders remembered per chunk, the most recently heard first.
pub const HOLDERS_PER_CHUNK: usize = 4;

/// A bounded map from chunk to the peers last heard to hold it.
pub(crate) struct Providers {
	chunks: usize,
	holders_per_chunk: usize,
	next_stamp: u64,
	/// Per chunk: its place in the recency order and its holders, most recent first.
	entries: HashMap<ContentHash, (u64, Vec<PeerId>)>,
	/// Stamp to chunk, least recently heard of first.
	recency: BTreeMap<u64, ContentHash>,
}

impl Default for Providers {
	fn default() -> Self {
		Providers::new(PROVIDER_CHUNKS, HOLDERS_PER_CHUNK)
	}
}

impl Providers {
	/// A map of at most `chunks` chunks with at most `holders_per_chunk` holders each.
	pub fn new(chunks: usize, holders_per_chunk: usize) -> Self {
		Providers {
			chunks: chunks.max(1),
			holders_per_chunk: holders_per_chunk.max(1),
			next_stamp: 0,
			entries: HashMap::new(),
			recency: BTreeMap::new(),
		}
	}

	/// Records that `peer` holds `hash`: it becomes the chunk's first holder, and the chunk
	/// the most recently heard of. The oldest holder or chunk goes when one is over the bound.
	pub fn record(&mut self, hash: ContentHash, peer: PeerId) {
		let stamp = self.next_stamp;
		self.next_stamp += 1;
		let (old_stamp, holders) = self.entries.entry(hash).or_insert_with(|| (stamp, Vec::new()));
		self.recency.remove(old_stamp);
		*old_stamp = stamp;
		self.recency.insert(stamp, hash);
		holders.retain(|p| *p != peer);
		holders.insert(0, peer);
		holders.truncate(self.holders_per_chunk);
		while self.entries.len() > self.chunks {
			let Some((_, oldest)) = self.recency.pop_first() else { break };
			self.entries.remove(&oldest);
		}
	}

	/// The peers last heard to hold `hash`, the most recent first.
	pub fn holders(&self, hash: &ContentHash) -> &[PeerId] {
		self.entries.get(hash).map_or(&[], |(_, holders)| holders)
	}

	/// Forgets `peer` everywhere (it was dropped).
	pub fn forget_peer(&mut self, peer: &PeerId) {
		let mut emptied = Vec::new();
		for (hash, (stamp, holders)) in &mut self.entries {
			holders.retain(|p| p != peer);
			if holders.is_empty() {
				emptied.push((*hash, *stamp));
			}
		}
		for (hash, stamp) in emptied {
			self.entries.remove(&hash);
			self.recency.remove(&stamp);
		}
	}

	/// How many chunks have holders on record.
	#[cfg(test)]
	pub fn len(&self) -> usize {
		self.entries.len()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn hash(n: u8) -> ContentHash {
		ContentHash::of(&[n])
	}

	#[test]
	fn the_most_recent_holder_comes_first() {
		let mut providers = Providers::new(8, 4);
		let (a, b) = (PeerId::random(), PeerId::random());
		providers.record(hash(1), a);
		providers.record(hash(1), b);
		assert_eq!(providers.holders(&hash(1)), [b, a]);
		// Hearing from a again moves it to the front without a duplicate.
		providers.record(hash(1), a);
		assert_eq!(providers.holders(&hash(1)), [a, b]);
	}

	#[test]
	fn a_chunk_keeps_only_its_latest_holders() {
		let mut providers = Providers::new(8, 2);
		let peers: Vec<PeerId> = (0..3).map(|_| PeerId::random()).collect();
		for peer in &peers {
			providers.record(hash(1), *peer);
		}
		assert_eq!(providers.holders(&hash(1)), [peers[2], peers[1]]);
	}

	#[test]
	fn the_least_recently_heard_of_chunk_goes_first_past_the_bound() {
		let mut providers = Providers::new(2, 4);
		let peer = PeerId::random();
		providers.record(hash(1), peer);
		providers.record(hash(2), peer);
		// Hearing of chunk 1 again makes chunk 2 the oldest.
		providers.record(hash(1), peer);
		providers.record(hash(3), peer);
		assert_eq!(providers.len(), 2);
		assert_eq!(providers.holders(&hash(2)), []);
		assert_eq!(providers.holders(&hash(1)), [peer]);
		assert_eq!(providers.holders(&hash(3)), [peer]);
	}

	#[test]
	fn a_forgotten_peer_holds_nothing() {
		let mut providers = Providers::new(8, 4);
		let (a, b) = (PeerId::random(), PeerId::random());
		providers.record(hash(1), a);
		providers.record(hash(2), a);
		providers.record(hash(2), b);
		providers.forget_peer(&a);
		assert_eq!(providers.holders(&hash(1)), []);
		assert_eq!(providers.holders(&hash(2)), [b]);
		assert_eq!(providers.len(), 1);
	}
}
