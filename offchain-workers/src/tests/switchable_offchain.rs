//! Offchain externalities over `TestOffchainExt` whose render worker can be switched off.

use polkadot_sdk::sp_core::{
	offchain::{
		testing::TestOffchainExt, Externalities, HttpError, HttpRequestId, HttpRequestStatus,
		OpaqueNetworkState, Timestamp,
	},
	OpaquePeerId,
};
use std::sync::{
	atomic::{AtomicBool, Ordering},
	Arc,
};

/// Offchain externalities whose HTTP requests fail while `down` is set (a render worker that
/// is not running: the node's HTTP client reports an I/O error).
#[derive(Clone)]
pub struct SwitchableOffchain {
	pub inner: TestOffchainExt,
	pub down: Arc<AtomicBool>,
}

impl Externalities for SwitchableOffchain {
	fn is_validator(&self) -> bool {
		self.inner.is_validator()
	}
	fn network_state(&self) -> Result<OpaqueNetworkState, ()> {
		self.inner.network_state()
	}
	fn timestamp(&mut self) -> Timestamp {
		self.inner.timestamp()
	}
	fn sleep_until(&mut self, deadline: Timestamp) {
		self.inner.sleep_until(deadline)
	}
	fn random_seed(&mut self) -> [u8; 32] {
		self.inner.random_seed()
	}
	fn http_request_start(
		&mut self,
		method: &str,
		uri: &str,
		meta: &[u8],
	) -> Result<HttpRequestId, ()> {
		self.inner.http_request_start(method, uri, meta)
	}
	fn http_request_add_header(
		&mut self,
		id: HttpRequestId,
		name: &str,
		value: &str,
	) -> Result<(), ()> {
		self.inner.http_request_add_header(id, name, value)
	}
	fn http_request_write_body(
		&mut self,
		id: HttpRequestId,
		chunk: &[u8],
		deadline: Option<Timestamp>,
	) -> Result<(), HttpError> {
		if self.down.load(Ordering::SeqCst) {
			return Err(HttpError::IoError);
		}
		self.inner.http_request_write_body(id, chunk, deadline)
	}
	fn http_response_wait(
		&mut self,
		ids: &[HttpRequestId],
		deadline: Option<Timestamp>,
	) -> Vec<HttpRequestStatus> {
		if self.down.load(Ordering::SeqCst) {
			return ids.iter().map(|_| HttpRequestStatus::IoError).collect();
		}
		self.inner.http_response_wait(ids, deadline)
	}
	fn http_response_headers(&mut self, id: HttpRequestId) -> Vec<(Vec<u8>, Vec<u8>)> {
		self.inner.http_response_headers(id)
	}
	fn http_response_read_body(
		&mut self,
		id: HttpRequestId,
		buffer: &mut [u8],
		deadline: Option<Timestamp>,
	) -> Result<usize, HttpError> {
		self.inner.http_response_read_body(id, buffer, deadline)
	}
	fn set_authorized_nodes(&mut self, nodes: Vec<OpaquePeerId>, authorized_only: bool) {
		self.inner.set_authorized_nodes(nodes, authorized_only)
	}
}
