//! Playnet's game client.
//!
//! This first part needs no chain: the peer-to-peer world network ([`p2p`]: Kademlia peer
//! discovery, one gossip topic per world region for live deltas and chunk-version
//! announcements, chunk fetch by content hash from several peers at once) and the local chunk
//! cache on disk ([`cache`]). Every chunk's bytes, from a peer or from disk, are checked
//! against the [`ContentHash`](playnet_primitives::ContentHash) they were asked for
//! ([`chunk_bytes`]) before anything uses them.

#![deny(missing_docs)]

pub mod cache;
pub mod chunk_bytes;
pub mod p2p;
pub mod region;
