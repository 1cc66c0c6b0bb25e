//! Block edits: the small deltas players make to a chunk.

use super::{
	blocks::{is_known, BlockId},
	chunk::{Chunk, ChunkCoord, CHUNK_SIZE},
};
use crate::ContentHash;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;

/// Set local block `(x, y, z)` (each `0..16`) of a chunk to `block`.
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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BlockEdit {
	/// Local x, `0..16`.
	pub x: u8,
	/// Local y, `0..16`.
	pub y: u8,
	/// Local z, `0..16`.
	pub z: u8,
	/// The new block; must be a known id.
	pub block: BlockId,
}

/// Why an edit cannot be applied.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EditError {
	/// A coordinate is 16 or more. `index` is the edit's position in the batch.
	OutOfRange {
		/// Position of the edit in the batch.
		index: usize,
	},
	/// The block id is not a known block.
	UnknownBlock {
		/// Position of the edit in the batch.
		index: usize,
		/// The unknown id.
		block: BlockId,
	},
}

impl fmt::Display for EditError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::OutOfRange { index } => {
				write!(f, "edit {index} addresses a block outside the chunk")
			}
			Self::UnknownBlock { index, block } => {
				write!(f, "edit {index} places unknown block id {block}")
			}
		}
	}
}

#[cfg(feature = "std")]
impl std::error::Error for EditError {}

impl BlockEdit {
	/// Checks the edit against the chunk bounds and the known block table.
	pub fn validate(&self, index: usize) -> Result<(), EditError> {
		let size = CHUNK_SIZE as u8;
		if self.x >= size || self.y >= size || self.z >= size {
			return Err(EditError::OutOfRange { index });
		}
		if !is_known(self.block) {
			return Err(EditError::UnknownBlock { index, block: self.block });
		}
		Ok(())
	}
}

/// Applies `edits` in order, all or nothing: if any edit is invalid the chunk is unchanged.
pub fn apply_edits(chunk: &mut Chunk, edits: &[BlockEdit]) -> Result<(), EditError> {
	for (index, edit) in edits.iter().enumerate() {
		edit.validate(index)?;
	}
	for edit in edits {
		chunk.set(edit.x as u32, edit.y as u32, edit.z as u32, edit.block);
	}
	Ok(())
}

/// Names one `apply_edits` submission in the chain's events.
pub type SubmissionId = ContentHash;

/// The id of an `apply_edits` submission, as the chain names it in its events and peers
/// name it in their gossip: `BLAKE3(SCALE((who, coord, base_version, client_timestamp,
/// edits)))`, with `edits` encoded as a SCALE vector (as the call encodes them).
pub fn submission_id<AccountId: Encode>(
	who: &AccountId,
	coord: &ChunkCoord,
	base_version: u32,
	client_timestamp: u64,
	edits: &[BlockEdit],
) -> SubmissionId {
	ContentHash::of(&(who, coord, base_version, client_timestamp, edits).encode())
}

/// Why a queued submission was not applied at the end of its block.
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
pub enum BounceReason {
	/// Another account's edit to one of the same blocks was included earlier in the same
	/// chain block, and applied.
	EarlierEditWon,
	/// One of the edited blocks changed after the base version before the end of the block
	/// (the chunk was replaced whole in the same block).
	Conflict,
	/// The chunk changed too often since the base version to tell.
	BaseVersionTooOld,
	/// The region was claimed, or the submitter lost the right to edit it, in the same block.
	NotAllowed,
	/// The chain could not load or store the chunk. A consistent state never produces this;
	/// it is reported instead of panicking.
	Unprocessable,
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::world::blocks::{AIR, BLOCK_COUNT, STONE};

	#[test]
	fn edits_change_the_addressed_block() {
		let mut chunk = Chunk::filled(AIR);
		apply_edits(&mut chunk, &[BlockEdit { x: 1, y: 2, z: 3, block: STONE }]).unwrap();
		assert_eq!(chunk.get(1, 2, 3), Some(STONE));
	}

	#[test]
	fn out_of_range_edit_changes_nothing() {
		let mut chunk = Chunk::filled(AIR);
		let edits = [
			BlockEdit { x: 0, y: 0, z: 0, block: STONE },
			BlockEdit { x: 16, y: 0, z: 0, block: STONE },
		];
		assert_eq!(apply_edits(&mut chunk, &edits), Err(EditError::OutOfRange { index: 1 }));
		assert_eq!(chunk, Chunk::filled(AIR));
	}

	#[test]
	fn unknown_block_is_rejected() {
		let mut chunk = Chunk::filled(AIR);
		let edit = BlockEdit { x: 0, y: 0, z: 0, block: BLOCK_COUNT };
		assert_eq!(
			apply_edits(&mut chunk, &[edit]),
			Err(EditError::UnknownBlock { index: 0, block: BLOCK_COUNT })
		);
	}

	#[test]
	fn submission_ids_cover_every_field() {
		let edits = [BlockEdit { x: 1, y: 2, z: 3, block: crate::world::blocks::STONE }];
		let coord = ChunkCoord::new(1, 2, 3);
		let id = submission_id(&[1u8; 32], &coord, 4, 5, &edits);
		assert_eq!(id, submission_id(&[1u8; 32], &coord, 4, 5, &edits));
		assert_ne!(id, submission_id(&[2u8; 32], &coord, 4, 5, &edits));
		assert_ne!(id, submission_id(&[1u8; 32], &ChunkCoord::new(1, 2, 4), 4, 5, &edits));
		assert_ne!(id, submission_id(&[1u8; 32], &coord, 3, 5, &edits));
		assert_ne!(id, submission_id(&[1u8; 32], &coord, 4, 6, &edits));
		assert_ne!(id, submission_id(&[1u8; 32], &coord, 4, 5, &edits[..0]));
	}

	#[test]
	fn submission_ids_hash_the_scale_of_the_tuple() {
		// SCALE((AccountId32, ChunkCoord, u32, u64, &[BlockEdit])): the account as 32 raw
		// bytes, the coordinate as three i32, the edits as a compact-prefixed vector.
		let edits = [BlockEdit { x: 0, y: 0, z: 0, block: crate::world::blocks::STONE }];
		let mut expected = alloc::vec![9u8; 32];
		for part in [1i32, -1, 2] {
			expected.extend_from_slice(&part.to_le_bytes());
		}
		expected.extend_from_slice(&7u32.to_le_bytes());
		expected.extend_from_slice(&8u64.to_le_bytes());
		expected.extend_from_slice(&[4, 0, 0, 0, 1, 0]);
		let id = submission_id(&[9u8; 32], &ChunkCoord::new(1, -1, 2), 7, 8, &edits);
		assert_eq!(id, ContentHash::of(&expected));
	}
}
