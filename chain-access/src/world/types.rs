//! The chain's world as the client sees it: records, chunks and events, free of any RPC or
//! light-client type.

use super::{ChunkVersion, SubmissionId};
use crate::AccountBytes;
use playnet_primitives::{BounceReason, ChunkCoord, ContentHash};

/// What the chain records about an edited chunk.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ChunkRecord {
	/// The current version.
	pub version: ChunkVersion,
	/// BLAKE3 of the current version's canonical bytes, computed by the runtime.
	pub content_hash: ContentHash,
	/// Who made the current version (`None`: root replaced it).
	pub author: Option<AccountBytes>,
	/// The chain block that made it.
	pub updated_at: u64,
}

/// A chunk as `WorldApi_chunk` returns it, bytes checked against the hash.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ChainChunk {
	/// The current version (0: generated from the seed).
	pub version: ChunkVersion,
	/// BLAKE3 of `bytes`.
	pub content_hash: ContentHash,
	/// The canonical encoding.
	pub bytes: Vec<u8>,
}

/// A `pallet-world` event the game acts on.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum WorldEvent {
	/// A submission passed every check and waits for the end of its block.
	EditsQueued {
		/// The submission.
		id: SubmissionId,
		/// Its submitter.
		who: AccountBytes,
		/// The edited chunk.
		coord: ChunkCoord,
		/// The version it was made on.
		base_version: ChunkVersion,
	},
	/// A submission was applied.
	EditsApplied {
		/// The submission.
		id: SubmissionId,
		/// Its submitter.
		who: AccountBytes,
		/// The edited chunk.
		coord: ChunkCoord,
		/// The version that holds the edits.
		version: ChunkVersion,
		/// That version's content hash.
		content_hash: ContentHash,
	},
	/// A submission was not applied; none of its edits took effect.
	EditsBounced {
		/// The submission.
		id: SubmissionId,
		/// Its submitter.
		who: AccountBytes,
		/// The edited chunk.
		coord: ChunkCoord,
		/// Why.
		reason: BounceReason,
	},
	/// A chunk has a new version.
	ChunkUpdated {
		/// The chunk.
		coord: ChunkCoord,
		/// Its new version.
		version: ChunkVersion,
		/// The content hash of the new version.
		content_hash: ContentHash,
	},
}

/// The world events of one finalized block, in the order the block emitted them.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FinalizedWorldBlock {
	/// The block number.
	pub number: u64,
	/// Its `pallet-world` events.
	pub events: Vec<WorldEvent>,
}
