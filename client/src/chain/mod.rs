//! Chain access: what the client reads from and sends to a Playnet chain, behind one trait.
//!
//! [`WorldChain`] is everything the game needs from the chain: chunk records and bytes
//! (`pallet-world`'s `WorldApi` runtime API), signed `apply_edits` submissions, and the stream
//! of finalized world events. [`RpcWorldChain`] implements it over a node's JSON-RPC; an
//! embedded light client can implement it later without the session noticing.
//!
//! Submissions are matched to their outcomes by the id `pallet-world` computes
//! ([`submission_id`]): the client computes the same id before it submits, and peers compute it
//! from a gossiped delta and its submitter's account.

mod rpc;
mod types;

pub use rpc::RpcWorldChain;
pub use types::{BounceReason, ChainChunk, ChunkRecord, FinalizedWorldBlock, WorldEvent};

use crate::{p2p::AccountBytes, region::RegionCoord};
use codec::Encode;
use futures::stream::BoxStream;
use playnet_primitives::{BlockEdit, ChunkCoord, ContentHash};
use tokio::sync::oneshot;

/// A chunk's version on chain: 0 is the generated chunk, each change adds one.
pub type ChunkVersion = u32;

/// Names one `apply_edits` submission in the chain's events.
pub type SubmissionId = ContentHash;

/// The id `pallet-world` gives a submission:
/// `BLAKE3(SCALE((who, coord, base_version, client_timestamp, edits)))`.
pub fn submission_id(
	who: &AccountBytes,
	coord: &ChunkCoord,
	base_version: ChunkVersion,
	client_timestamp: u64,
	edits: &[BlockEdit],
) -> SubmissionId {
	ContentHash::of(&(who, coord, base_version, client_timestamp, edits).encode())
}

/// Why the chain could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	/// The node could not be reached or the connection failed.
	#[error("connecting to {url}: {reason}")]
	Connect {
		/// The node's URL.
		url: String,
		/// Why.
		reason: String,
	},
	/// A request to the node failed.
	#[error("{what}: {reason}")]
	Rpc {
		/// What was asked.
		what: &'static str,
		/// Why it failed.
		reason: String,
	},
	/// The node answered with something the client cannot read (an unexpected runtime).
	#[error("{what}: cannot decode the answer: {reason}")]
	Decode {
		/// What was asked.
		what: &'static str,
		/// Why.
		reason: String,
	},
	/// The node refused the transaction (bad signature, nonce, fees, ...).
	#[error("the node refused the transaction: {0}")]
	Refused(String),
	/// The player key could not be read.
	#[error("player key: {0}")]
	Key(String),
	/// The chain's answer contradicts itself (bytes that do not hash to the recorded hash).
	#[error("the node's answer is inconsistent: {0}")]
	Inconsistent(String),
}

/// How a submission ended on chain, as far as the transaction is concerned. The edits
/// themselves are decided at the end of the block and reported by [`WorldEvent`]s.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum DispatchOutcome {
	/// The call passed every check and is in a block (for `apply_edits`: queued, with
	/// `EditsQueued`; the edits are decided at the end of the block).
	Queued,
	/// The call failed with this pallet error, e.g. `World::EditConflict`; nothing changed.
	Failed(String),
	/// The transaction never made it into a block (invalid, dropped, ...).
	Lost(String),
}

/// A submission sent to the node.
#[derive(Debug)]
pub struct Submission {
	/// The id its events carry.
	pub id: SubmissionId,
	/// Resolves once its transaction is in a finalized block, or is lost.
	pub dispatch: oneshot::Receiver<DispatchOutcome>,
}

/// A change to a region claim: plots of land only their owner, and whom it allows, may edit.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RegionAction {
	/// Claim the region, holding the chain's region deposit from the player.
	Claim(RegionCoord),
	/// Release the player's claim and get the deposit back.
	Release(RegionCoord),
	/// Let an account edit the player's region.
	Allow(RegionCoord, AccountBytes),
	/// Take that right back.
	Disallow(RegionCoord, AccountBytes),
}

/// A stream of finalized blocks with world events, in block order.
pub type WorldEventStream = BoxStream<'static, Result<FinalizedWorldBlock, ChainError>>;

/// Everything the client needs from the chain.
#[async_trait::async_trait]
pub trait WorldChain: Send + Sync + 'static {
	/// The account that signs this client's submissions.
	fn account(&self) -> AccountBytes;

	/// The chain's genesis hash: a session's peers are those of the chain's world network
	/// ([`world_of_genesis`](crate::p2p::world_of_genesis)).
	fn genesis_hash(&self) -> [u8; 32];

	/// The world seed (unedited chunks are generated from it).
	async fn world_seed(&self) -> Result<u64, ChainError>;

	/// The record of an edited chunk at the last finalized block; `None` when unedited.
	async fn chunk_record(&self, coord: ChunkCoord) -> Result<Option<ChunkRecord>, ChainError>;

	/// A chunk's version, hash and canonical bytes at the last finalized block, generated or
	/// stored. The bytes are checked against the hash before they are returned.
	async fn chunk(&self, coord: ChunkCoord) -> Result<ChainChunk, ChainError>;

	/// Signs and submits `apply_edits` with the player's key. Returns once the node accepted the
	/// transaction into its pool.
	async fn submit_edits(
		&self,
		coord: ChunkCoord,
		base_version: ChunkVersion,
		edits: Vec<BlockEdit>,
		client_timestamp: u64,
	) -> Result<Submission, ChainError>;

	/// Signs and submits a region claim change. Returns once the node accepted the
	/// transaction into its pool, with what reports how it ended: `Queued` when it took
	/// effect, `Failed` with the chain's reason (e.g. `World::NotRegionOwner`) when it changed
	/// nothing.
	async fn region(
		&self,
		action: RegionAction,
	) -> Result<oneshot::Receiver<DispatchOutcome>, ChainError>;

	/// The world events of every finalized block from now on.
	async fn finalized_events(&self) -> Result<WorldEventStream, ChainError>;
}

#[cfg(test)]
mod tests {
	use super::*;
	use playnet_primitives::world::blocks::STONE;

	#[test]
	fn submission_ids_cover_every_field() {
		let edits = [BlockEdit { x: 1, y: 2, z: 3, block: STONE }];
		let coord = ChunkCoord::new(1, 2, 3);
		let id = submission_id(&[1; 32], &coord, 4, 5, &edits);
		assert_eq!(id, submission_id(&[1; 32], &coord, 4, 5, &edits));
		assert_ne!(id, submission_id(&[2; 32], &coord, 4, 5, &edits));
		assert_ne!(id, submission_id(&[1; 32], &ChunkCoord::new(1, 2, 4), 4, 5, &edits));
		assert_ne!(id, submission_id(&[1; 32], &coord, 3, 5, &edits));
		assert_ne!(id, submission_id(&[1; 32], &coord, 4, 6, &edits));
		assert_ne!(id, submission_id(&[1; 32], &coord, 4, 5, &edits[..0]));
	}

	#[test]
	fn submission_ids_hash_the_scale_of_the_tuple() {
		// The pallet hashes SCALE((AccountId32, ChunkCoord, u32, u64, &[BlockEdit])): the account
		// as 32 raw bytes, the coordinate as three i32, the edits as a compact-prefixed vector.
		let edits = [BlockEdit { x: 0, y: 0, z: 0, block: STONE }];
		let mut expected = vec![9u8; 32];
		for part in [1i32, -1, 2] {
			expected.extend_from_slice(&part.to_le_bytes());
		}
		expected.extend_from_slice(&7u32.to_le_bytes());
		expected.extend_from_slice(&8u64.to_le_bytes());
		expected.extend_from_slice(&[4, 0, 0, 0, 1, 0]);
		let id = submission_id(&[9; 32], &ChunkCoord::new(1, -1, 2), 7, 8, &edits);
		assert_eq!(id, ContentHash::of(&expected));
	}
}
