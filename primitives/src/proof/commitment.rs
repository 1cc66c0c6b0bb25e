//! The commit-reveal scheme of render tasks: what a worker commits to before anyone may see
//! its result root, computed alike by the chain, the offchain worker and the render worker.

use crate::Hash32;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// The secret a worker mixes into its commitment and shows when it reveals.
pub type Salt = [u8; 32];

/// A worker's commitment to a result root.
pub type Commitment = Hash32;

/// The commitment of `worker` to result `root` with `salt`: BLAKE3 of the SCALE encoding of
/// `(root, salt, worker)` (for a 32-byte account, 96 bytes: fixed-size arrays encode as
/// themselves). The worker's account is part of it, so another worker cannot copy a
/// commitment it sees in the pool and reveal the same root later.
pub fn commitment_of<AccountId: Encode>(
	root: &Hash32,
	salt: &Salt,
	worker: &AccountId,
) -> Commitment {
	Hash32::of(&(root, salt, worker).encode())
}

/// How one task or session ended for one contributor: the render and sessions pallets report
/// it, the stake pallet turns it into reputation.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Outcome {
	/// Its result was accepted: it agreed with the majority, or was the optimistic result
	/// that passed its spot check.
	Agreed,
	/// It did not commit, or did not reveal, in time.
	Missed,
	/// It revealed a root other than the accepted one (or withheld one that would have lost).
	Lost,
	/// It signed an accepted root that a fraud proof or a spot check showed wrong, or left a
	/// challenge of it unanswered.
	Fraud,
	/// It served a cloud-gaming session and was paid at least the sessions pallet's reputable
	/// minimum for it, undisputed.
	Served,
	/// It was paid at least that minimum in a session, then stopped serving, and the player
	/// moved the session to its backup.
	Abandoned,
	/// A frame it streamed and signed was proven wrong by a one-tile re-render.
	Disputed,
	/// As a validator, it authored no block in a whole session.
	Absent,
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec::Vec;

	#[test]
	fn commitment_is_blake3_of_root_salt_and_worker_concatenated() {
		let root = Hash32([1; 32]);
		let salt = [2; 32];
		let worker = [3u8; 32];
		let bytes: Vec<u8> = [root.0, salt, worker].concat();
		assert_eq!(commitment_of(&root, &salt, &worker), Hash32::of(&bytes));
	}

	#[test]
	fn commitment_depends_on_the_worker() {
		let root = Hash32([1; 32]);
		let salt = [2; 32];
		assert_ne!(
			commitment_of(&root, &salt, &[3u8; 32]),
			commitment_of(&root, &salt, &[4u8; 32])
		);
	}
}
