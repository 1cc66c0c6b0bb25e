//! How fast one author may speak on gossip: per author (the message's signed source under
//! gossipsub's strict validation, whoever forwards it) and per kind of message, a sustained
//! rate and a burst it may save up. A message over its author's allowance is neither
//! delivered nor forwarded, and an author that sends such messages over its own connection
//! earns strikes until it is dropped.
//!
//! So a peer that floods valid messages costs each honest peer at most its allowance: the
//! first honest peer on its way cuts the flood, and the flooder's own connections are
//! dropped. The allowances are several times what the game client sends (5 moves a second, an
//! edit per click, one announcement per chunk version it loads).

use super::WorldMessage;
use libp2p::PeerId;
use std::{collections::HashMap, time::Instant};

/// How fast one author may publish messages of one kind, and the burst it may save up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Allowance {
	/// Messages per second, sustained.
	pub per_second: f64,
	/// Messages at once after a quiet time.
	pub burst: f64,
}

/// The allowance of each kind of message ([`kind`]).
pub const ALLOWANCES: [Allowance; 4] = [
	// Moves: the client sends 5 a second while its player moves.
	Allowance { per_second: 10.0, burst: 20.0 },
	// Edit deltas and withdrawals: one per edit, and one per refused edit.
	Allowance { per_second: 20.0, burst: 60.0 },
	// Chat lines.
	Allowance { per_second: 1.0, burst: 5.0 },
	// Chunk announcements: one per edited chunk version a client loads, so a burst as it
	// joins a region.
	Allowance { per_second: 20.0, burst: 300.0 },
];

/// The kind of `message`: its index in [`ALLOWANCES`].
pub fn kind(message: &WorldMessage) -> usize {
	match message {
		WorldMessage::Move(_) => 0,
		WorldMessage::Edits(_) | WorldMessage::Withdrawn(_) => 1,
		WorldMessage::Chat(_) => 2,
		WorldMessage::ChunkVersion(_) => 3,
	}
}

/// Authors followed at most; past it, those whose allowances are full again are forgotten
/// (forgetting one changes nothing), and a new author waits while none is.
pub const MAX_AUTHORS: usize = 4096;

#[derive(Clone, Copy, Debug)]
struct Bucket {
	tokens: f64,
	at: Instant,
}

/// Every author's allowance left.
#[derive(Default)]
pub(crate) struct FloodGuard {
	authors: HashMap<PeerId, [Option<Bucket>; ALLOWANCES.len()]>,
}

impl FloodGuard {
	/// Whether `author` may publish `message` at `now`; takes it from its allowance if so.
	pub fn admit(&mut self, author: PeerId, message: &WorldMessage, now: Instant) -> bool {
		if self.authors.len() >= MAX_AUTHORS && !self.authors.contains_key(&author) {
			self.forget_idle(now);
			if self.authors.len() >= MAX_AUTHORS {
				return false;
			}
		}
		let kind = kind(message);
		let allowance = ALLOWANCES[kind];
		let slot = &mut self.authors.entry(author).or_default()[kind];
		let mut bucket = slot.unwrap_or(Bucket { tokens: allowance.burst, at: now });
		bucket.tokens = refilled(bucket, allowance, now);
		bucket.at = now;
		let admitted = bucket.tokens >= 1.0;
		if admitted {
			bucket.tokens -= 1.0;
		}
		*slot = Some(bucket);
		admitted
	}

	/// Forgets the authors whose every allowance is full again by `now`.
	fn forget_idle(&mut self, now: Instant) {
		self.authors.retain(|_, buckets| {
			buckets.iter().zip(&ALLOWANCES).any(|(bucket, allowance)| {
				bucket.is_some_and(|b| refilled(b, *allowance, now) < allowance.burst)
			})
		});
	}

	/// How many authors are followed.
	#[cfg(test)]
	fn followed(&self) -> usize {
		self.authors.len()
	}
}

fn refilled(bucket: Bucket, allowance: Allowance, now: Instant) -> f64 {
	let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
	(bucket.tokens + elapsed * allowance.per_second).min(allowance.burst)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::p2p::{ChatLine, PlayerMove};
	use std::time::Duration;

	fn step() -> WorldMessage {
		WorldMessage::Move(PlayerMove { position: [0; 3], yaw: 0, pitch: 0, timestamp_ms: 0 })
	}

	#[test]
	fn an_author_gets_its_burst_then_its_rate() {
		let mut guard = FloodGuard::default();
		let (author, start) = (PeerId::random(), Instant::now());
		let burst = ALLOWANCES[0].burst as usize;
		let admitted = (0..burst * 3).filter(|_| guard.admit(author, &step(), start)).count();
		assert_eq!(admitted, burst);
		// A second later, a second's worth more.
		let later = start + Duration::from_secs(1);
		let admitted = (0..burst * 3).filter(|_| guard.admit(author, &step(), later)).count();
		assert_eq!(admitted, ALLOWANCES[0].per_second as usize);
	}

	#[test]
	fn the_game_clients_own_pace_is_always_admitted() {
		let mut guard = FloodGuard::default();
		let (author, start) = (PeerId::random(), Instant::now());
		// Five moves a second for ten minutes.
		for n in 0..3_000u64 {
			let now = start + Duration::from_millis(200 * n);
			assert!(guard.admit(author, &step(), now), "move {n}");
		}
	}

	#[test]
	fn kinds_and_authors_have_allowances_of_their_own() {
		let mut guard = FloodGuard::default();
		let (flooder, other, now) = (PeerId::random(), PeerId::random(), Instant::now());
		while guard.admit(flooder, &step(), now) {}
		let line = WorldMessage::Chat(ChatLine { text: "hi".into(), timestamp_ms: 0 });
		assert!(guard.admit(flooder, &line, now), "chat is not moves");
		assert!(guard.admit(other, &step(), now), "another author is not the flooder");
	}

	#[test]
	fn idle_authors_are_forgotten_and_the_map_stays_bounded() {
		let mut guard = FloodGuard::default();
		let start = Instant::now();
		for _ in 0..MAX_AUTHORS {
			assert!(guard.admit(PeerId::random(), &step(), start));
		}
		// All of them busy within a burst's time: a new author waits.
		assert!(!guard.admit(PeerId::random(), &step(), start));
		assert_eq!(guard.followed(), MAX_AUTHORS);
		// Once their allowances are full again they are forgotten.
		let later = start + Duration::from_secs(1);
		assert!(guard.admit(PeerId::random(), &step(), later));
		assert_eq!(guard.followed(), 1);
	}
}
