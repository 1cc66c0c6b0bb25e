//! A binary BLAKE3 Merkle tree.
//!
//! - Leaves and inner nodes are domain-separated: `leaf = blake3(0x00 || item)`,
//!   `node = blake3(0x01 || left || right)`, so no inner node can pass for a leaf.
//! - Each level pairs nodes left to right; an odd last node is carried up unchanged (it is
//!   not duplicated, so no two different leaf lists share a root).
//! - The root of one item is its leaf hash. There is no empty tree.
//!
//! A proof of item `index` among `leaf_count` lists the sibling of each level where one
//! exists, from the leaf up; the verifier recomputes the level sizes from `leaf_count`.

use crate::hash::Hash32;
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::fmt;
use scale_info::TypeInfo;

/// Most leaves a tree may have (more than any task's frames or a frame's tiles).
pub const MAX_LEAVES: u32 = 1 << 20;
/// Most siblings in a proof: `log2(MAX_LEAVES)`.
pub const MAX_PROOF_LEN: usize = 20;

/// The leaf hash of `item`.
pub fn leaf_hash(item: &Hash32) -> Hash32 {
	Hash32::of_parts(&[&[0x00], &item.0])
}

/// The hash of an inner node.
pub fn node_hash(left: &Hash32, right: &Hash32) -> Hash32 {
	Hash32::of_parts(&[&[0x01], &left.0, &right.0])
}

fn next_level(level: &[Hash32]) -> Vec<Hash32> {
	level
		.chunks(2)
		.map(|pair| if pair.len() == 2 { node_hash(&pair[0], &pair[1]) } else { pair[0] })
		.collect()
}

/// The root over `items`; `None` for no items.
pub fn merkle_root(items: &[Hash32]) -> Option<Hash32> {
	if items.is_empty() {
		return None;
	}
	let mut level: Vec<Hash32> = items.iter().map(leaf_hash).collect();
	while level.len() > 1 {
		level = next_level(&level);
	}
	level.first().copied()
}

/// Where an item sits in a tree and the siblings on its way to the root.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MerkleProof {
	/// The item's position.
	pub index: u32,
	/// How many items the tree has.
	pub leaf_count: u32,
	/// Siblings from the leaf level up, only for levels where one exists.
	pub siblings: Vec<Hash32>,
}

/// Why a Merkle proof does not verify.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MerkleError {
	/// `index` is not below `leaf_count`, or `leaf_count` is 0 or past [`MAX_LEAVES`].
	BadIndex,
	/// The proof has the wrong number of siblings for its position.
	WrongLength,
	/// The recomputed root differs from the expected one.
	RootMismatch,
}

impl fmt::Display for MerkleError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::BadIndex => write!(f, "proof index is outside the tree"),
			Self::WrongLength => write!(f, "proof has the wrong number of siblings"),
			Self::RootMismatch => write!(f, "proof does not lead to the expected root"),
		}
	}
}

#[cfg(feature = "std")]
impl std::error::Error for MerkleError {}

/// The proof for item `index` of `items`; `None` if `index` is out of range.
pub fn merkle_proof(items: &[Hash32], index: u32) -> Option<MerkleProof> {
	if index as usize >= items.len() || items.len() > MAX_LEAVES as usize {
		return None;
	}
	let mut siblings = Vec::new();
	let mut level: Vec<Hash32> = items.iter().map(leaf_hash).collect();
	let mut position = index as usize;
	while level.len() > 1 {
		let sibling = position ^ 1;
		if sibling < level.len() {
			siblings.push(level[sibling]);
		}
		level = next_level(&level);
		position /= 2;
	}
	Some(MerkleProof { index, leaf_count: items.len() as u32, siblings })
}

impl MerkleProof {
	/// The root this proof leads to from `item`.
	pub fn compute_root(&self, item: &Hash32) -> Result<Hash32, MerkleError> {
		if self.leaf_count == 0 || self.leaf_count > MAX_LEAVES || self.index >= self.leaf_count {
			return Err(MerkleError::BadIndex);
		}
		let mut hash = leaf_hash(item);
		let mut position = self.index;
		let mut width = self.leaf_count;
		let mut siblings = self.siblings.iter();
		while width > 1 {
			let sibling = position ^ 1;
			if sibling < width {
				let other = siblings.next().ok_or(MerkleError::WrongLength)?;
				hash = if position & 1 == 0 {
					node_hash(&hash, other)
				} else {
					node_hash(other, &hash)
				};
			}
			position /= 2;
			width = width.div_ceil(2);
		}
		if siblings.next().is_some() {
			return Err(MerkleError::WrongLength);
		}
		Ok(hash)
	}

	/// Checks that `item` is at this proof's position in the tree with root `root`.
	pub fn verify(&self, item: &Hash32, root: &Hash32) -> Result<(), MerkleError> {
		if self.compute_root(item)? == *root {
			Ok(())
		} else {
			Err(MerkleError::RootMismatch)
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn items(n: u32) -> Vec<Hash32> {
		(0..n).map(|i| Hash32::of(&i.to_le_bytes())).collect()
	}

	#[test]
	fn every_proof_verifies_for_every_size_up_to_17() {
		for n in 1..=17 {
			let items = items(n);
			let root = merkle_root(&items).unwrap();
			for i in 0..n {
				let proof = merkle_proof(&items, i).unwrap();
				assert_eq!(proof.verify(&items[i as usize], &root), Ok(()), "n={n} i={i}");
			}
		}
	}

	#[test]
	fn single_item_root_is_its_leaf_hash() {
		let items = items(1);
		assert_eq!(merkle_root(&items), Some(leaf_hash(&items[0])));
	}

	#[test]
	fn wrong_item_fails() {
		let items = items(5);
		let root = merkle_root(&items).unwrap();
		let proof = merkle_proof(&items, 2).unwrap();
		assert_eq!(proof.verify(&items[3], &root), Err(MerkleError::RootMismatch));
	}

	#[test]
	fn extra_sibling_fails() {
		let items = items(4);
		let root = merkle_root(&items).unwrap();
		let mut proof = merkle_proof(&items, 0).unwrap();
		proof.siblings.push(Hash32::default());
		assert_eq!(proof.verify(&items[0], &root), Err(MerkleError::WrongLength));
	}
}
