//! Strikes against peers that break the protocol, and when a peer is dropped.

use libp2p::PeerId;
use std::collections::HashMap;

/// Something a peer did wrong.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Offence {
	/// A gossip message that does not decode or breaks the game's rules.
	MalformedGossip,
	/// A chunk request over the size limit or that does not decode.
	BadRequest,
	/// Chunk bytes that are not the chunk asked for, or a response that breaks the protocol.
	BadChunk,
	/// Gossip of its own past its allowance ([`super::flood`]).
	Flooding,
}

impl Offence {
	/// Strikes the offence costs. Bad chunk bytes cannot be an accident of the network (they
	/// arrive authenticated and checksummed), so they cost all strikes at once.
	pub fn strikes(self, limit: u32) -> u32 {
		match self {
			Offence::MalformedGossip | Offence::BadRequest | Offence::Flooding => 1,
			Offence::BadChunk => limit,
		}
	}
}

/// Strike counts per peer for this process's lifetime.
pub(crate) struct OffenceLedger {
	limit: u32,
	strikes: HashMap<PeerId, u32>,
}

impl OffenceLedger {
	/// A ledger that drops a peer at `limit` strikes (at least 1).
	pub fn new(limit: u32) -> Self {
		OffenceLedger { limit: limit.max(1), strikes: HashMap::new() }
	}

	/// Records `offence` by `peer`; returns the peer's strikes and whether to drop it now.
	pub fn record(&mut self, peer: PeerId, offence: Offence) -> (u32, bool) {
		let strikes = self.strikes.entry(peer).or_default();
		*strikes = strikes.saturating_add(offence.strikes(self.limit));
		(*strikes, *strikes >= self.limit)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_peer_is_dropped_after_repeated_malformed_gossip() {
		let mut ledger = OffenceLedger::new(3);
		let peer = PeerId::random();
		assert_eq!(ledger.record(peer, Offence::MalformedGossip), (1, false));
		assert_eq!(ledger.record(peer, Offence::BadRequest), (2, false));
		assert_eq!(ledger.record(peer, Offence::MalformedGossip), (3, true));
	}

	#[test]
	fn bad_chunk_bytes_drop_a_peer_at_once() {
		let mut ledger = OffenceLedger::new(3);
		assert_eq!(ledger.record(PeerId::random(), Offence::BadChunk), (3, true));
	}
}
