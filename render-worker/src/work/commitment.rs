//! The commit-reveal scheme of `pallet-render`: what a worker commits to and the salt that
//! hides its root until the reveal.

/// The commitment scheme, as the chain computes it (`playnet-primitives`).
pub use playnet_primitives::{commitment_of, Salt};

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
	fn salts_differ_between_calls() {
		let first = new_salt().expect("the OS has a random source");
		let second = new_salt().expect("the OS has a random source");
		assert_ne!(first, second);
	}
}
