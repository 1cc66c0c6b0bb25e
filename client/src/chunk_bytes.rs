//! The check every chunk's bytes pass before use, whoever sent them: the one in
//! [`playnet_chain_access::chunk_bytes`], which the chain's own answers pass too.

pub use playnet_chain_access::chunk_bytes::{verify_chunk_bytes, ChunkBytesError, MAX_CHUNK_BYTES};
