//! Offchain externalities over `TestOffchainExt` whose render worker can be switched off or
//! answer with a status other than 200.

use polkadot_sdk::sp_core::{
	offchain::{
		testing::TestOffchainExt, Externalities, HttpError, HttpRequestId, HttpRequestStatus,
		OpaqueNetworkState, Timestamp,
	},
	OpaquePeerId,
};
use std::{
	collections::HashMap,
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc, Mutex,
	},
};

/// Offchain externalities whose HTTP requests fail while `down` is set (a render worker that
/// is not running: the node's HTTP client reports an I/O error), and whose requests listed in
/// `statuses` get that status instead of `TestOffchainExt`'s 200.
#[derive(Clone)]
pub struct SwitchableOffchain {
	pub inner: TestOffchainExt,
	pub down: Arc<AtomicBool>,
	/// `(method, uri, status)` of requests still to come, each used once.
	pub statuses: Arc<Mutex<Vec<(String, String, u16)>>>,
	/// The status of each started request that gets one from `statuses`.
	pub started: Arc<Mutex<HashMap<HttpRequestId, u16>>>,
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
		let id = self.inner.http_request_start(method, uri, meta)?;
		let mut statuses = self.statuses.lock().unwrap();
		let planned = statuses.iter().position(|(m, u, _)| m == method && u == uri);
		let mut started = self.started.lock().unwrap();
		// `TestOffchainExt` reuses the ids of finished requests.
		match planned.map(|at| statuses.remove(at)) {
			Some((_, _, status)) => started.insert(id, status),
			None => started.remove(&id),
		};
		Ok(id)
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
		let started = self.started.lock().unwrap();
		self.inner
			.http_response_wait(ids, deadline)
			.into_iter()
			.zip(ids)
			.map(|(status, id)| match (status, started.get(id)) {
				(HttpRequestStatus::Finished(200), Some(planned)) => {
					HttpRequestStatus::Finished(*planned)
				}
				(status, _) => status,
			})
			.collect()
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
