//! Property tests of the Merkle tree.

use playnet_primitives::{
	proof::merkle::{merkle_proof, merkle_root},
	Hash32,
};
use proptest::prelude::*;

fn items(n: usize, salt: u64) -> Vec<Hash32> {
	(0..n).map(|i| Hash32::of_parts(&[&salt.to_le_bytes(), &(i as u64).to_le_bytes()])).collect()
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(200))]

	#[test]
	fn every_proof_verifies(n in 1usize..200, index in any::<prop::sample::Index>(), salt in any::<u64>()) {
		let items = items(n, salt);
		let root = merkle_root(&items).unwrap();
		let i = index.index(n);
		let proof = merkle_proof(&items, i as u32).unwrap();
		prop_assert_eq!(proof.verify(&items[i], &root), Ok(()));
	}

	#[test]
	fn any_changed_byte_fails(
		n in 1usize..64,
		index in any::<prop::sample::Index>(),
		target in 0usize..3,
		which in any::<prop::sample::Index>(),
		byte in 0usize..32,
		flip in 1u8..=255,
	) {
		let items = items(n, 7);
		let mut root = merkle_root(&items).unwrap();
		let i = index.index(n);
		let mut proof = merkle_proof(&items, i as u32).unwrap();
		let mut item = items[i];
		match target {
			0 => item.0[byte] ^= flip,
			1 if !proof.siblings.is_empty() => {
				let s = which.index(proof.siblings.len());
				proof.siblings[s].0[byte] ^= flip;
			},
			_ => root.0[byte] ^= flip,
		}
		prop_assert!(proof.verify(&item, &root).is_err());
	}

	#[test]
	fn proof_for_another_position_fails(n in 2usize..64, a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>()) {
		let items = items(n, 3);
		let root = merkle_root(&items).unwrap();
		let (a, b) = (a.index(n), b.index(n));
		prop_assume!(a != b);
		let mut proof = merkle_proof(&items, a as u32).unwrap();
		proof.index = b as u32;
		prop_assert!(proof.verify(&items[a], &root).is_err());
	}
}
