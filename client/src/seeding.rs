//! Seeding with a bandwidth cap: chunks are served to peers from the cache while a token
//! bucket allows; past the cap a request is answered "not found" and the peer asks another.

use crate::p2p::ChunkSource;
use playnet_primitives::ContentHash;
use std::{
	sync::{Arc, Mutex},
	time::Instant,
};

/// A byte budget that refills at `rate` bytes per second up to `burst` bytes.
#[derive(Debug)]
pub struct TokenBucket {
	rate: u64,
	burst: u64,
	tokens: f64,
	last: Instant,
}

impl TokenBucket {
	/// A full bucket.
	pub fn new(rate: u64, burst: u64, now: Instant) -> Self {
		TokenBucket { rate, burst, tokens: burst as f64, last: now }
	}

	/// Takes `bytes` from the bucket if it holds them at `now`.
	pub fn take(&mut self, bytes: u64, now: Instant) -> bool {
		let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
		self.last = now.max(self.last);
		self.tokens = (self.tokens + elapsed * self.rate as f64).min(self.burst as f64);
		if self.tokens >= bytes as f64 {
			self.tokens -= bytes as f64;
			true
		} else {
			false
		}
	}
}

/// Serves chunks from `inner` within a bandwidth cap.
pub struct CappedSource {
	inner: Arc<dyn ChunkSource>,
	bucket: Mutex<TokenBucket>,
}

impl CappedSource {
	/// Serves at most `bytes_per_second` on average, in bursts of up to one second's worth
	/// (and never less than one largest chunk, so that every chunk can be served).
	pub fn new(inner: Arc<dyn ChunkSource>, bytes_per_second: u64) -> Self {
		let burst = bytes_per_second.max(crate::chunk_bytes::MAX_CHUNK_BYTES as u64);
		CappedSource {
			inner,
			bucket: Mutex::new(TokenBucket::new(bytes_per_second, burst, Instant::now())),
		}
	}
}

impl ChunkSource for CappedSource {
	fn chunk_bytes(&self, hash: &ContentHash) -> Option<Vec<u8>> {
		let bytes = self.inner.chunk_bytes(hash)?;
		let mut bucket = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
		if bucket.take(bytes.len() as u64, Instant::now()) {
			Some(bytes)
		} else {
			tracing::debug!(%hash, "seeding cap reached: answering not found");
			None
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::time::Duration;

	#[test]
	fn the_bucket_refuses_past_its_burst_and_refills_with_time() {
		let start = Instant::now();
		let mut bucket = TokenBucket::new(1000, 1000, start);
		assert!(bucket.take(600, start));
		assert!(!bucket.take(600, start));
		assert!(bucket.take(600, start + Duration::from_millis(300)));
		// 400 left + 300 refilled - 600 taken: 100 left.
		assert!(!bucket.take(101, start + Duration::from_millis(300)));
		assert!(bucket.take(100, start + Duration::from_millis(300)));
	}

	#[test]
	fn the_bucket_never_holds_more_than_its_burst() {
		let start = Instant::now();
		let mut bucket = TokenBucket::new(1000, 1000, start);
		assert!(!bucket.take(1500, start + Duration::from_secs(60)));
	}

	struct Fixed(Vec<u8>);
	impl ChunkSource for Fixed {
		fn chunk_bytes(&self, _: &ContentHash) -> Option<Vec<u8>> {
			Some(self.0.clone())
		}
	}

	#[test]
	fn a_capped_source_stops_serving_at_the_cap() {
		let chunk = vec![0u8; crate::chunk_bytes::MAX_CHUNK_BYTES];
		let source = CappedSource::new(Arc::new(Fixed(chunk)), 1);
		let hash = ContentHash::of(b"x");
		assert!(source.chunk_bytes(&hash).is_some());
		assert!(source.chunk_bytes(&hash).is_none());
	}
}
