//! The world as the game sees it on chain: `pallet-world`'s chunk records and bytes (its
//! `WorldApi` runtime API), signed `apply_edits` and region calls, and the stream of finalized
//! world events, behind one trait, [`WorldChain`].
//!
//! [`WorldConnection`] implements it over a [`Connection`](crate::Connection), so the game
//! runs the same over a node's JSON-RPC and over the embedded light client.
//!
//! Submissions are matched to their outcomes by the id `pallet-world` computes
//! ([`submission_id`]): the client computes the same id before it submits, and peers compute it
//! from a gossiped delta and its submitter's account.

mod connection;
mod types;

pub use connection::WorldConnection;
pub use types::{ChainChunk, ChunkRecord, FinalizedWorldBlock, WorldEvent};

use crate::{AccountBytes, ChainError};
use futures::stream::BoxStream;
use playnet_primitives::{world::region::RegionCoord, BlockEdit, ChunkCoord};
use tokio::sync::oneshot;

/// A chunk's version on chain: 0 is the generated chunk, each change adds one.
pub type ChunkVersion = u32;

pub use playnet_primitives::{submission_id, BounceReason, SubmissionId};

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

	/// The account's sr25519 signature of `payload`: what the client says in the account's
	/// name off chain (an edit delta on gossip) is signed with the same key as its
	/// transactions.
	fn sign(&self, payload: &[u8]) -> [u8; 64];

	/// The chain's genesis hash (a game session's peers are those of the chain's world
	/// network).
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
