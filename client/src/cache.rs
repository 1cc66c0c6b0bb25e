//! The local chunk cache: canonical chunk bytes on disk, one file per content hash, with a
//! byte-size limit. The least recently used chunks go first when a new one needs room.
//!
//! Files are named by the hex of their content hash and checked against it on every read; a
//! file that no longer matches (disk damage, someone editing it) is deleted and reported as
//! absent. Recency across restarts comes from the files' modification times, which reads
//! refresh.

use crate::{
	chunk_bytes::{verify_chunk_bytes, ChunkBytesError},
	p2p::ChunkSource,
};
use playnet_primitives::ContentHash;
use std::{
	collections::{BTreeMap, HashMap},
	fs, io,
	path::{Path, PathBuf},
	sync::Mutex,
	time::SystemTime,
};

/// Why the cache refused something.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
	/// A file operation failed.
	#[error("{path}: {source}")]
	Io {
		/// The file or directory.
		path: PathBuf,
		/// The failure.
		source: io::Error,
	},
	/// The bytes are not the chunk with that hash.
	#[error(transparent)]
	NotTheChunk(#[from] ChunkBytesError),
	/// One chunk is bigger than the whole cache.
	#[error("a chunk of {size} bytes does not fit a cache of {limit} bytes")]
	TooLarge {
		/// The chunk's size.
		size: u64,
		/// The cache's limit.
		limit: u64,
	},
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> CacheError + '_ {
	move |source| CacheError::Io { path: path.to_owned(), source }
}

struct Entry {
	size: u64,
	/// Position in the recency order; larger is more recent.
	stamp: u64,
}

struct CacheState {
	used: u64,
	next_stamp: u64,
	entries: HashMap<ContentHash, Entry>,
	/// Stamp to hash, least recent first.
	recency: BTreeMap<u64, ContentHash>,
}

impl CacheState {
	fn touch(&mut self, hash: ContentHash) {
		let stamp = self.next_stamp;
		if let Some(entry) = self.entries.get_mut(&hash) {
			self.recency.remove(&entry.stamp);
			entry.stamp = stamp;
			self.recency.insert(stamp, hash);
			self.next_stamp += 1;
		}
	}

	fn add(&mut self, hash: ContentHash, size: u64) {
		let stamp = self.next_stamp;
		self.next_stamp += 1;
		self.entries.insert(hash, Entry { size, stamp });
		self.recency.insert(stamp, hash);
		self.used += size;
	}

	fn forget(&mut self, hash: &ContentHash) {
		if let Some(entry) = self.entries.remove(hash) {
			self.recency.remove(&entry.stamp);
			self.used -= entry.size;
		}
	}
}

/// A chunk cache in one directory. Safe to share between threads.
pub struct ChunkCache {
	dir: PathBuf,
	limit: u64,
	state: Mutex<CacheState>,
}

impl ChunkCache {
	/// Opens (creating it if needed) the cache in `dir`, holding at most `limit` bytes of
	/// chunks. Chunks already there are kept, most recently used last, and the oldest are
	/// evicted if they exceed `limit`. Files that are not named by a content hash are left
	/// alone.
	pub fn open(dir: impl Into<PathBuf>, limit: u64) -> Result<Self, CacheError> {
		let dir = dir.into();
		fs::create_dir_all(&dir).map_err(io_error(&dir))?;
		let mut found = Vec::new();
		for entry in fs::read_dir(&dir).map_err(io_error(&dir))? {
			let entry = entry.map_err(io_error(&dir))?;
			let Some(hash) = entry.file_name().to_str().and_then(ContentHash::from_hex) else {
				continue;
			};
			let metadata = entry.metadata().map_err(io_error(&entry.path()))?;
			if !metadata.is_file() {
				continue;
			}
			let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
			found.push((modified, hash, metadata.len()));
		}
		found.sort();
		let mut state = CacheState {
			used: 0,
			next_stamp: 0,
			entries: HashMap::new(),
			recency: BTreeMap::new(),
		};
		for (_, hash, size) in found {
			state.add(hash, size);
		}
		let cache = ChunkCache { dir, limit, state: Mutex::new(state) };
		{
			let mut state = cache.lock();
			cache.evict_until_fits(&mut state, 0)?;
		}
		Ok(cache)
	}

	fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
		// A panic while holding the lock leaves the state consistent (every change is one
		// step), so a poisoned lock is still usable.
		self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	fn path_of(&self, hash: &ContentHash) -> PathBuf {
		self.dir.join(hash.to_string())
	}

	fn evict_until_fits(&self, state: &mut CacheState, incoming: u64) -> Result<(), CacheError> {
		while state.used + incoming > self.limit {
			let Some((_, hash)) = state.recency.iter().next().map(|(s, h)| (*s, *h)) else {
				break;
			};
			let path = self.path_of(&hash);
			match fs::remove_file(&path) {
				Ok(()) => {}
				Err(e) if e.kind() == io::ErrorKind::NotFound => {}
				Err(e) => return Err(CacheError::Io { path, source: e }),
			}
			state.forget(&hash);
		}
		Ok(())
	}

	/// The byte limit.
	pub fn limit(&self) -> u64 {
		self.limit
	}

	/// Bytes of chunks held now; never above [`limit`](Self::limit).
	pub fn used(&self) -> u64 {
		self.lock().used
	}

	/// Whether the chunk is held (without reading or refreshing it).
	pub fn contains(&self, hash: &ContentHash) -> bool {
		self.lock().entries.contains_key(hash)
	}

	/// The hashes held, least recently used first.
	pub fn hashes_by_recency(&self) -> Vec<ContentHash> {
		self.lock().recency.values().copied().collect()
	}

	/// Stores `bytes` under `hash` after checking that they are that chunk, evicting the least
	/// recently used chunks to make room. Storing a chunk already held refreshes it.
	pub fn insert(&self, hash: ContentHash, bytes: &[u8]) -> Result<(), CacheError> {
		verify_chunk_bytes(&hash, bytes)?;
		let size = bytes.len() as u64;
		if size > self.limit {
			return Err(CacheError::TooLarge { size, limit: self.limit });
		}
		let mut state = self.lock();
		if state.entries.contains_key(&hash) {
			state.touch(hash);
			return Ok(());
		}
		self.evict_until_fits(&mut state, size)?;
		// Write then rename, so a crash never leaves a half-written chunk under its name.
		let path = self.path_of(&hash);
		let partial = self.dir.join(format!("{hash}.partial"));
		fs::write(&partial, bytes).map_err(io_error(&partial))?;
		fs::rename(&partial, &path).map_err(io_error(&path))?;
		state.add(hash, size);
		Ok(())
	}

	/// The chunk's bytes, checked against `hash`; `None` when not held. A file that fails the
	/// check is deleted.
	pub fn get(&self, hash: &ContentHash) -> Result<Option<Vec<u8>>, CacheError> {
		let mut state = self.lock();
		if !state.entries.contains_key(hash) {
			return Ok(None);
		}
		let path = self.path_of(hash);
		let bytes = match fs::read(&path) {
			Ok(bytes) => bytes,
			Err(e) if e.kind() == io::ErrorKind::NotFound => {
				state.forget(hash);
				return Ok(None);
			}
			Err(e) => return Err(CacheError::Io { path, source: e }),
		};
		if let Err(e) = verify_chunk_bytes(hash, &bytes) {
			tracing::warn!(path = %path.display(), "dropping a damaged cache file: {e}");
			state.forget(hash);
			fs::remove_file(&path).map_err(io_error(&path))?;
			return Ok(None);
		}
		state.touch(*hash);
		// Keep the order across restarts; failing to is harmless.
		if let Ok(file) = fs::File::options().append(true).open(&path) {
			let _ = file.set_modified(SystemTime::now());
		}
		Ok(Some(bytes))
	}
}

/// Peers are served from the cache; a read that fails is logged and answered "not found".
impl ChunkSource for ChunkCache {
	fn chunk_bytes(&self, hash: &ContentHash) -> Option<Vec<u8>> {
		self.get(hash).unwrap_or_else(|e| {
			tracing::warn!("reading the chunk cache: {e}");
			None
		})
	}
}

#[cfg(test)]
mod tests;
