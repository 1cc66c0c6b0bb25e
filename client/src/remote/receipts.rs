//! The player's side of payment: the frames it accepted from one contributor, and the
//! cumulative receipt that pays for them.
//!
//! Play is counted frame by frame: an accepted frame adds the time since the previous accepted
//! frame, but never more than two frame intervals (the first adds one). So a stream that stops
//! (a pause, a late or failed frame, a dead host) adds nothing for the gap, and a contributor
//! cannot be paid for time it did not fill with good frames.

use playnet_chain_access::{
	sessions::{sign_receipt, Receipt, SessionId},
	subxt::utils::MultiSignature,
	AccountBytes,
};
use playnet_primitives::{proof::merkle::merkle_root, Hash32};
use subxt_signer::sr25519::Keypair;

/// The frames a player accepted from one contributor of a session.
#[derive(Clone, Debug)]
pub struct ReceiptBook {
	session: SessionId,
	contributor: AccountBytes,
	frame_interval_ms: u64,
	frame_hashes: Vec<Hash32>,
	served_ms: u64,
	worst_latency_ms: u32,
	last_accepted_ms: Option<u64>,
}

impl ReceiptBook {
	/// An empty book for `contributor` in `session`, streaming at `fps` frames per second.
	pub fn new(session: SessionId, contributor: AccountBytes, fps: u32) -> Self {
		ReceiptBook {
			session,
			contributor,
			frame_interval_ms: 1_000 / u64::from(fps.max(1)),
			frame_hashes: Vec::new(),
			served_ms: 0,
			worst_latency_ms: 0,
			last_accepted_ms: None,
		}
	}

	/// Counts a frame that came in time and passed every check: its hash joins the receipted
	/// frames and it adds its share of play. `now_ms` is the player's clock (any monotonic
	/// origin), `latency_ms` the input-to-frame latency it measured.
	pub fn accept(&mut self, frame_hash: Hash32, latency_ms: u32, now_ms: u64) {
		let credit = match self.last_accepted_ms {
			None => self.frame_interval_ms,
			Some(last) => now_ms.saturating_sub(last).min(2 * self.frame_interval_ms),
		};
		self.served_ms = self.served_ms.saturating_add(credit);
		self.last_accepted_ms = Some(now_ms);
		self.worst_latency_ms = self.worst_latency_ms.max(latency_ms);
		self.frame_hashes.push(frame_hash);
	}

	/// How many frames it pays for.
	pub fn frames(&self) -> usize {
		self.frame_hashes.len()
	}

	/// The receipted frames' hashes, in the order accepted (a dispute's frame path is built
	/// from them).
	pub fn frame_hashes(&self) -> &[Hash32] {
		&self.frame_hashes
	}

	/// The receipt for everything accepted so far; `None` before the first frame.
	pub fn receipt(&self) -> Option<Receipt<AccountBytes>> {
		let frame_root = merkle_root(&self.frame_hashes)?;
		Some(Receipt {
			session: self.session,
			contributor: self.contributor,
			served_ms: self.served_ms,
			frames: u32::try_from(self.frame_hashes.len()).unwrap_or(u32::MAX),
			frame_root,
			latency_ms: self.worst_latency_ms,
		})
	}

	/// [`ReceiptBook::receipt`], signed by the player for the chain of `genesis`.
	pub fn signed_receipt(
		&self,
		player: &Keypair,
		genesis: &[u8; 32],
	) -> Option<(Receipt<AccountBytes>, MultiSignature)> {
		let receipt = self.receipt()?;
		let signature = sign_receipt(player, genesis, &receipt);
		Some((receipt, signature))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn hash(i: u8) -> Hash32 {
		Hash32([i; 32])
	}

	#[test]
	fn steady_frames_count_their_time_and_the_root_covers_them() {
		let mut book = ReceiptBook::new(3, [7; 32], 50);
		assert!(book.receipt().is_none(), "no receipt before a frame");
		for i in 0..10u8 {
			book.accept(hash(i), 30 + u32::from(i), 1_000 + 20 * u64::from(i));
		}
		let receipt = book.receipt().expect("frames");
		assert_eq!(receipt.session, 3);
		assert_eq!(receipt.contributor, [7; 32]);
		assert_eq!(receipt.frames, 10);
		assert_eq!(receipt.served_ms, 200, "ten frames of 20 ms");
		assert_eq!(receipt.latency_ms, 39, "the worst latency");
		let hashes: Vec<Hash32> = (0..10).map(hash).collect();
		assert_eq!(Some(receipt.frame_root), merkle_root(&hashes));
	}

	#[test]
	fn a_gap_in_the_stream_adds_nothing() {
		let mut book = ReceiptBook::new(0, [1; 32], 50);
		book.accept(hash(0), 10, 0);
		book.accept(hash(1), 10, 20);
		// Five seconds without an accepted frame, then one: at most two intervals.
		book.accept(hash(2), 10, 5_020);
		assert_eq!(book.receipt().expect("frames").served_ms, 20 + 20 + 40);
	}

	#[test]
	fn a_signed_receipt_verifies_against_the_players_key() {
		let player = playnet_chain_access::key_from_uri("//Eve").expect("a dev key");
		let mut book = ReceiptBook::new(1, [2; 32], 30);
		book.accept(hash(1), 20, 0);
		let genesis = [9; 32];
		let (receipt, signature) = book.signed_receipt(&player, &genesis).expect("a frame");
		let MultiSignature::Sr25519(bytes) = signature else { panic!("an sr25519 signature") };
		assert!(subxt_signer::sr25519::verify(
			&subxt_signer::sr25519::Signature(bytes),
			receipt.signing_payload(&genesis),
			&player.public_key()
		));
	}
}
