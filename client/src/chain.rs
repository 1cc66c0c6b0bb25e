//! Chain access: the world on chain behind one trait, [`WorldChain`], from the crate every
//! off-chain program shares ([`playnet_chain_access`]). [`WorldConnection`] implements it over
//! a node's JSON-RPC or the embedded light client alike.

pub use playnet_chain_access::{
	world::{
		submission_id, BounceReason, ChainChunk, ChunkRecord, ChunkVersion, DispatchOutcome,
		FinalizedWorldBlock, RegionAction, Submission, SubmissionId, WorldChain, WorldConnection,
		WorldEvent, WorldEventStream,
	},
	ChainError,
};
