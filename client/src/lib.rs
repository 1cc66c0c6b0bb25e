//! Playnet's game client.
//!
//! - [`p2p`]: the peer-to-peer world network (Kademlia peer discovery, one gossip topic per
//!   world region for live deltas, chat and moves, chunk fetch by content hash from several
//!   peers at once);
//! - [`cache`]: the local chunk cache on disk, least recently used first out, and
//!   [`seeding`]: serving it to peers within a bandwidth cap;
//! - [`chain`]: chain access behind one trait, [`chain::WorldChain`], implemented by
//!   [`chain::WorldConnection`] over a node's JSON-RPC or the embedded light client;
//! - [`session`]: a game session tying them together around one player, over the chunks it
//!   holds ([`world_state`]); [`command`]: the commands of the CLI's line mode; [`view`]: the
//!   player's view with the deterministic renderer; [`play`]: the game in a window;
//! - [`remote`]: remote play, frames rendered by a contributor's host: the stream's messages,
//!   the lossless frame codec, the player's frame checks and its receipts.
//!
//! Every chunk's bytes, from a peer, the node or the disk, are checked against the
//! [`ContentHash`](playnet_primitives::ContentHash) the chain recorded ([`chunk_bytes`])
//! before anything uses them.

#![deny(missing_docs)]

pub mod cache;
pub mod chain;
pub mod chunk_bytes;
pub mod command;
pub mod identity;
pub mod p2p;
pub mod play;
pub mod remote;
pub mod seeding;
pub mod session;
pub mod view;
pub mod world_state;

/// World regions, the unit of gossip (one topic per region), as the chain defines them.
pub use playnet_primitives::world::region;
