//! How every off-chain Playnet program reaches the chain.
//!
//! The game client, the render worker's `work` and `post`, and what comes next go through this
//! crate, never through subxt on their own:
//!
//! - [`Endpoint`] says where the chain is: a node's JSON-RPC (`--node ws://...`), which the
//!   program trusts for every answer, or an **embedded light client** started from a chain spec
//!   (`--chain dev|local|PATH`), which checks every read against the finalized state root with
//!   a Merkle proof and follows finality itself (BABE and GRANDPA). [`ChainArgs`] are the
//!   command-line options that name one.
//! - [`Connection`] is the connection, the same for both: subxt's client, the raw JSON-RPC,
//!   and a readiness report ([`Connection::ready`]: "synced, finalized #N").
//! - [`Signer`] signs with a key named by a secret URI ([`key_from_uri`]), picks nonces so that
//!   transactions in quick succession do not collide, submits, and reports how each one ended
//!   ([`Pending`], then [`Inclusion`], or a [`ChainError`] that says why not).
//! - [`world`] is what the game needs from `pallet-world`: chunk records and bytes, edits,
//!   region claims and the finalized world events, behind the [`world::WorldChain`] trait.
//! - [`sessions`] is what cloud gaming needs from `pallet-sessions`: offers, sessions, receipts
//!   and the signatures of receipts and frames.
//! - [`accounts`] reads balances.
//!
//! Everything is read through the runtime's metadata (subxt's dynamic API): no generated code
//! and no committed metadata, so these programs follow the runtime as it changes. Only the
//! fields a program reads are declared ([`shapes`]).

#![deny(missing_docs)]

pub mod accounts;
pub mod chunk_bytes;
mod connection;
mod endpoint;
mod error;
mod keys;
pub mod sessions;
pub mod shapes;
mod signer;
pub mod world;

pub use connection::{Backend, Connection, Readiness};
pub use endpoint::{ChainArgs, ChainSpec, Endpoint, LOCAL_CHAIN_SPEC};
pub use error::ChainError;
pub use keys::{key_from_uri, read_key_file, AccountBytes};
pub use signer::{dispatch_text, scale_call, Inclusion, Pending, Signer};

/// subxt's client for Playnet (Substrate's default configuration).
pub type Api = subxt::OnlineClient<subxt::SubstrateConfig>;

/// Re-exported for programs that build their own calls or decode their own events.
pub use subxt;
