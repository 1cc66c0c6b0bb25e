//! The commit-reveal scheme of `pallet-render`: what a worker commits to and the salt that
//! hides its root until the reveal.

use super::chain::AccountBytes;
use codec::Encode;
use playnet_primitives::Hash32;

/// The secret a worker mixes into its commitment and shows when it reveals.
pub type Salt = [u8; 32];

/// The commitment of `worker` to `root` with `salt`, as `pallet_render::commitment_of`
/// computes it: BLAKE3 of the SCALE encoding of `(root, salt, worker)` (96 bytes: fixed-size
/// arrays encode as themselves). The worker's account is part of it, so nobody can copy a
/// commitment from the pool and reveal the same root.
pub fn commitment_of(root: &Hash32, salt: &Salt, worker: &AccountBytes) -> Hash32 {
	Hash32::of(&(root, salt, worker).encode())
}

/// A fresh salt from the operating system's random source.
pub fn new_salt() -> Result<Salt, getrandom::Error> {
	let mut salt = [0u8; 32];
	getrandom::fill(&mut salt)?;
	Ok(salt)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn commitment_is_blake3_of_root_salt_and_worker_concatenated() {
		let root = Hash32([1; 32]);
		let salt = [2; 32];
		let worker = [3; 32];
		let bytes: Vec<u8> = [root.0, salt, worker].concat();
		assert_eq!(commitment_of(&root, &salt, &worker), Hash32::of(&bytes));
	}

	#[test]
	fn commitment_depends_on_the_worker() {
		let root = Hash32([1; 32]);
		let salt = [2; 32];
		assert_ne!(commitment_of(&root, &salt, &[3; 32]), commitment_of(&root, &salt, &[4; 32]));
	}

	#[test]
	fn salts_differ_between_calls() {
		let first = new_salt().expect("the OS has a random source");
		let second = new_salt().expect("the OS has a random source");
		assert_ne!(first, second);
	}
}
