//! Loading a chunk the session does not hold, and fetching a confirmed version by hash.

use super::{Inner, SessionError};
use crate::world_state::{chunk_from_bytes, hash_of};
use playnet_primitives::{
	world::encoding::encode_chunk, Chunk, ChunkCoord, ContentHash, WorldGenerator,
};

/// Where a chunk's bytes came from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ChunkOrigin {
	/// Nobody edited it: generated from the world seed.
	Generated,
	/// The local cache (checked against the chain's hash).
	Cache,
	/// Fetched from peers by hash (checked against the chain's hash).
	Peers,
	/// The node's `WorldApi`, because no peer had it.
	Node,
	/// Rebuilt from the chunk held and the edits laid over it: it hashed to the chain's hash.
	Local,
}

impl std::fmt::Display for ChunkOrigin {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str(match self {
			ChunkOrigin::Generated => "generated",
			ChunkOrigin::Cache => "cache",
			ChunkOrigin::Peers => "peers",
			ChunkOrigin::Node => "node",
			ChunkOrigin::Local => "local",
		})
	}
}

/// Loads `coord` unless held: its record from the chain, then its bytes (see
/// [`fetch_confirmed`]), or the generator's chunk when nobody edited it.
pub(crate) async fn ensure_chunk(
	inner: &Inner,
	coord: ChunkCoord,
) -> Result<ChunkOrigin, SessionError> {
	if inner.state().world.chunk(&coord).is_some() {
		return Ok(ChunkOrigin::Local);
	}
	let record = inner.chain.chunk_record(coord).await?;
	let (version, hash, chunk, origin) = match record {
		None => {
			let chunk = WorldGenerator::new(inner.seed).chunk(coord);
			(0, hash_of(&chunk), chunk, ChunkOrigin::Generated)
		}
		Some(record) => {
			let (version, hash, chunk, origin) =
				fetch_confirmed(inner, coord, record.version, record.content_hash).await?;
			(version, hash, chunk, origin)
		}
	};
	inner.counters.count(origin);
	inner.state().world.confirm(coord, version, hash, chunk);
	super::announcements::announce(inner, coord, version, hash).await;
	Ok(origin)
}

/// The chunk whose canonical bytes hash to `hash` (version `version` of `coord` on chain):
/// from the cache, else from peers, else from the node. Whatever arrives is checked against
/// the hash (the network checks peers' bytes; the cache checks its files). If the node has
/// moved past `version`, its newer version is returned instead. Confirmed bytes are kept in
/// the cache, so this player seeds them.
pub(crate) async fn fetch_confirmed(
	inner: &Inner,
	coord: ChunkCoord,
	version: u32,
	hash: ContentHash,
) -> Result<(u32, ContentHash, Chunk, ChunkOrigin), SessionError> {
	let unavailable = |reason: String| SessionError::ChunkUnavailable { coord, reason };
	if let Ok(Some(bytes)) = inner.cache.get(&hash) {
		if let Some(chunk) = chunk_from_bytes(&bytes) {
			return Ok((version, hash, chunk, ChunkOrigin::Cache));
		}
	}
	match inner.network.fetch_chunk(hash).await {
		Ok(bytes) => {
			let chunk = chunk_from_bytes(&bytes)
				.ok_or_else(|| unavailable("peers sent bytes that do not decode".into()))?;
			keep(inner, hash, &bytes);
			return Ok((version, hash, chunk, ChunkOrigin::Peers));
		}
		Err(e) => tracing::debug!(?coord, "no peer had chunk {hash}: {e}"),
	}
	let view = inner.chain.chunk(coord).await?;
	if view.version < version || (view.version == version && view.content_hash != hash) {
		return Err(unavailable(format!(
			"the node has version {} ({}), the chain recorded version {version} ({hash})",
			view.version, view.content_hash
		)));
	}
	let chunk = chunk_from_bytes(&view.bytes)
		.ok_or_else(|| unavailable("the node's bytes do not decode".into()))?;
	keep(inner, view.content_hash, &view.bytes);
	Ok((view.version, view.content_hash, chunk, ChunkOrigin::Node))
}

/// Keeps confirmed bytes in the cache; a failure only costs seeding them.
pub(crate) fn keep(inner: &Inner, hash: ContentHash, bytes: &[u8]) {
	if let Err(e) = inner.cache.insert(hash, bytes) {
		tracing::warn!("caching chunk {hash}: {e}");
	}
}

/// Keeps a chunk the session rebuilt itself (its hash already matched the chain's).
pub(crate) fn keep_chunk(inner: &Inner, hash: ContentHash, chunk: &Chunk) {
	keep(inner, hash, &encode_chunk(chunk));
}
