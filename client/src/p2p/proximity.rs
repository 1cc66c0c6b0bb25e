//! Proximity: peers nearer the player in the world are preferred for live deltas.
//!
//! Gossipsub's peer scoring carries the preference. Each connected peer's application score
//! is [`proximity_score`] of its distance from the player (its last position from its own
//! `PlayerMove` gossip, the player's from [`Network::set_position`](super::Network)). The mesh
//! keeps its best-scored peers when it sheds extras and, when its median peer is farther than
//! [`HALF_SCORE_DISTANCE`], grafts nearer ones.
//!
//! A preference, never a punishment: the score is never negative, every other score part
//! that could push a peer below zero for where it is (IP colocation: players behind one
//! router) is off, and the gossip, publish and graylist thresholds are all below zero, so no
//! peer is ignored, left out of gossip or graylisted for being far.

use libp2p::{
	gossipsub::{PeerScoreParams, PeerScoreThresholds},
	PeerId,
};
use std::collections::HashMap;

/// The score of a peer at the player's own position.
pub const MAX_PROXIMITY_SCORE: f64 = 10.0;
/// The distance, in blocks, at which a peer scores half of [`MAX_PROXIMITY_SCORE`]: two chunks.
pub const HALF_SCORE_DISTANCE: u32 = 32;
/// Heartbeats between the mesh's checks for nearer peers to graft.
pub const REGRAFT_HEARTBEATS: u64 = 10;

/// Distance in blocks between two positions in blocks: the largest of the three axes'
/// (as the session's `peers` list measures it).
pub fn distance(a: [i32; 3], b: [i32; 3]) -> u32 {
	(0..3).map(|i| a[i].abs_diff(b[i])).max().unwrap_or(0)
}

/// A peer's application score: [`MAX_PROXIMITY_SCORE`] at distance 0, half of it at
/// [`HALF_SCORE_DISTANCE`], falling towards 0 with distance; 0 when the distance is unknown.
/// Never negative.
pub fn proximity_score(distance: Option<u32>) -> f64 {
	match distance {
		None => 0.0,
		Some(d) => {
			let half = f64::from(HALF_SCORE_DISTANCE);
			MAX_PROXIMITY_SCORE * half / (half + f64::from(d))
		}
	}
}

/// The scoring parameters: application score counts once, IP colocation not at all; protocol
/// misbehaviour (broken promises, grafting during backoff) is still penalised as gossipsub
/// does by default.
pub(crate) fn score_params() -> (PeerScoreParams, PeerScoreThresholds) {
	let params = PeerScoreParams {
		app_specific_weight: 1.0,
		ip_colocation_factor_weight: 0.0,
		..PeerScoreParams::default()
	};
	let thresholds = PeerScoreThresholds {
		// Proximity scores are >= 0: only misbehaviour crosses these.
		gossip_threshold: -10.0,
		publish_threshold: -50.0,
		graylist_threshold: -80.0,
		// Peer exchange is off; a peer's own score does not make its hints trusted.
		accept_px_threshold: MAX_PROXIMITY_SCORE * 10.0,
		// A mesh whose median peer is farther than HALF_SCORE_DISTANCE looks for nearer ones.
		opportunistic_graft_threshold: proximity_score(Some(HALF_SCORE_DISTANCE)),
	};
	(params, thresholds)
}

/// Where the player and the connected peers are, in blocks.
#[derive(Default)]
pub(crate) struct Positions {
	own: Option<[i32; 3]>,
	peers: HashMap<PeerId, [i32; 3]>,
}

impl Positions {
	/// Sets the player's position; returns every known peer's new score.
	pub fn set_own(&mut self, position: [i32; 3]) -> Vec<(PeerId, f64)> {
		self.own = Some(position);
		self.peers.keys().map(|peer| (*peer, self.score(peer))).collect()
	}

	/// Records a peer's position; returns its new score.
	pub fn set_peer(&mut self, peer: PeerId, position: [i32; 3]) -> f64 {
		self.peers.insert(peer, position);
		self.score(&peer)
	}

	/// Forgets a peer that disconnected.
	pub fn forget(&mut self, peer: &PeerId) {
		self.peers.remove(peer);
	}

	/// The peer's proximity score now.
	pub fn score(&self, peer: &PeerId) -> f64 {
		let known = self.own.zip(self.peers.get(peer).copied());
		proximity_score(known.map(|(own, theirs)| distance(own, theirs)))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn nearer_scores_higher_and_nothing_scores_below_zero() {
		let scores: Vec<f64> =
			[0, 1, 16, 32, 64, 1_000, u32::MAX].map(|d| proximity_score(Some(d))).to_vec();
		assert!(scores.windows(2).all(|pair| pair[0] > pair[1]), "{scores:?}");
		assert_eq!(scores[0], MAX_PROXIMITY_SCORE);
		assert_eq!(scores[3], MAX_PROXIMITY_SCORE / 2.0);
		assert!(scores.iter().all(|s| *s > 0.0));
		assert_eq!(proximity_score(None), 0.0);
	}

	#[test]
	fn no_distance_reaches_a_threshold_that_ignores_a_peer() {
		let (params, thresholds) = score_params();
		assert!(params.validate().is_ok());
		assert!(thresholds.validate().is_ok());
		// The application score is the only part a peer's position moves.
		let farthest = proximity_score(Some(u32::MAX)) * params.app_specific_weight;
		assert!(farthest >= 0.0);
		assert!(farthest > thresholds.gossip_threshold);
		assert_eq!(params.ip_colocation_factor_weight, 0.0);
	}

	#[test]
	fn a_peer_is_scored_by_its_distance_from_the_player() {
		let mut positions = Positions::default();
		let (near, far) = (PeerId::random(), PeerId::random());
		// Before the player's position is known, nobody is near.
		assert_eq!(positions.set_peer(near, [2, 64, 2]), 0.0);
		positions.set_peer(far, [300, 64, -300]);
		let scores: HashMap<PeerId, f64> = positions.set_own([0, 64, 0]).into_iter().collect();
		assert!(scores[&near] > scores[&far], "{scores:?}");
		assert_eq!(scores[&near], proximity_score(Some(2)));
		// The player moves next to the far peer.
		let scores: HashMap<PeerId, f64> = positions.set_own([299, 64, -300]).into_iter().collect();
		assert!(scores[&far] > scores[&near], "{scores:?}");
		positions.forget(&far);
		assert_eq!(positions.score(&far), 0.0);
	}
}
