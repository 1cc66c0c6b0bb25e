use super::*;
use playnet_primitives::{world::encoding::encode_chunk, Chunk};

/// The bytes and hash of a chunk filled with `block`; every such chunk is the same size.
fn filled(block: u16) -> (ContentHash, Vec<u8>) {
	let bytes = encode_chunk(&Chunk::filled(block));
	(ContentHash::of(&bytes), bytes)
}

fn size_of_filled() -> u64 {
	filled(1).1.len() as u64
}

#[test]
fn a_stored_chunk_reads_back() {
	let dir = tempfile::tempdir().unwrap();
	let cache = ChunkCache::open(dir.path(), 1024).unwrap();
	let (hash, bytes) = filled(1);
	cache.insert(hash, &bytes).unwrap();
	assert_eq!(cache.get(&hash).unwrap(), Some(bytes));
	assert_eq!(cache.get(&filled(2).0).unwrap(), None);
}

#[test]
fn bytes_that_are_not_the_chunk_are_refused() {
	let dir = tempfile::tempdir().unwrap();
	let cache = ChunkCache::open(dir.path(), 1024).unwrap();
	let (_, bytes) = filled(1);
	let result = cache.insert(filled(2).0, &bytes);
	assert!(matches!(result, Err(CacheError::NotTheChunk(ChunkBytesError::HashMismatch { .. }))));
	assert_eq!(cache.used(), 0);
}

#[test]
fn the_least_recently_used_chunk_is_evicted_first() {
	let dir = tempfile::tempdir().unwrap();
	let cache = ChunkCache::open(dir.path(), 2 * size_of_filled()).unwrap();
	let (a, a_bytes) = filled(1);
	let (b, b_bytes) = filled(2);
	let (c, c_bytes) = filled(3);
	cache.insert(a, &a_bytes).unwrap();
	cache.insert(b, &b_bytes).unwrap();
	// Reading `a` makes `b` the least recently used.
	cache.get(&a).unwrap();
	cache.insert(c, &c_bytes).unwrap();
	assert_eq!(cache.hashes_by_recency(), vec![a, c]);
	assert!(!cache.contains(&b));
	assert!(!dir.path().join(b.to_string()).exists());
}

#[test]
fn the_size_limit_is_never_exceeded() {
	let dir = tempfile::tempdir().unwrap();
	let limit = 3 * size_of_filled() + size_of_filled() / 2;
	let cache = ChunkCache::open(dir.path(), limit).unwrap();
	for block in 0..16 {
		let (hash, bytes) = filled(block);
		cache.insert(hash, &bytes).unwrap();
		assert!(cache.used() <= limit);
	}
	assert_eq!(cache.used(), 3 * size_of_filled());
	let on_disk: u64 = fs::read_dir(dir.path())
		.unwrap()
		.map(|entry| entry.unwrap().metadata().unwrap().len())
		.sum();
	assert_eq!(on_disk, cache.used());
}

#[test]
fn a_chunk_bigger_than_the_cache_is_refused() {
	let dir = tempfile::tempdir().unwrap();
	let cache = ChunkCache::open(dir.path(), size_of_filled() - 1).unwrap();
	let (hash, bytes) = filled(1);
	assert!(matches!(cache.insert(hash, &bytes), Err(CacheError::TooLarge { .. })));
}

#[test]
fn a_damaged_file_reads_as_absent_and_is_deleted() {
	let dir = tempfile::tempdir().unwrap();
	let cache = ChunkCache::open(dir.path(), 1024).unwrap();
	let (hash, bytes) = filled(1);
	cache.insert(hash, &bytes).unwrap();
	let path = dir.path().join(hash.to_string());
	fs::write(&path, filled(2).1).unwrap();
	assert_eq!(cache.get(&hash).unwrap(), None);
	assert!(!path.exists());
	assert_eq!(cache.used(), 0);
}

#[test]
fn a_reopened_cache_keeps_its_chunks_and_limit() {
	let dir = tempfile::tempdir().unwrap();
	let (a, a_bytes) = filled(1);
	let (b, b_bytes) = filled(2);
	{
		let cache = ChunkCache::open(dir.path(), 1024).unwrap();
		cache.insert(a, &a_bytes).unwrap();
		std::thread::sleep(std::time::Duration::from_millis(20));
		cache.insert(b, &b_bytes).unwrap();
	}
	// Reopened smaller: only the most recent chunk fits.
	let cache = ChunkCache::open(dir.path(), size_of_filled()).unwrap();
	assert_eq!(cache.hashes_by_recency(), vec![b]);
	assert_eq!(cache.get(&b).unwrap(), Some(b_bytes));
	assert!(!dir.path().join(a.to_string()).exists());
}

#[test]
fn the_cache_serves_peers() {
	let dir = tempfile::tempdir().unwrap();
	let cache = ChunkCache::open(dir.path(), 1024).unwrap();
	let (hash, bytes) = filled(1);
	cache.insert(hash, &bytes).unwrap();
	assert_eq!(cache.chunk_bytes(&hash), Some(bytes));
	assert_eq!(cache.chunk_bytes(&filled(2).0), None);
}
