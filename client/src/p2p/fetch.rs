//! The chunk exchange: serving chunks from the [`ChunkSource`](super::ChunkSource) and
//! fetching them from several peers at once.
//!
//! A fetch asks up to `fetch_fanout` connected peers at a time. Every answer is checked, even
//! those arriving after the fetch completed, so a peer that sends bytes that are not the chunk
//! asked for is always caught and dropped. When an answer fails, the next untried peer is
//! asked; when no peer is left, the fetch fails with the tally of answers.

use super::{
	chunk_exchange::{ChunkRequest, ChunkResponse, RequestFrame, ResponseError},
	service::Service,
	FetchError, Offence,
};
use crate::chunk_bytes::verify_chunk_bytes;
use libp2p::{
	request_response::{self, OutboundRequestId},
	PeerId,
};
use playnet_primitives::ContentHash;
use std::collections::{HashMap, HashSet};
use tokio::sync::oneshot;

type FetchReply = oneshot::Sender<Result<Vec<u8>, FetchError>>;

/// Fetches in progress and the requests they sent.
#[derive(Default)]
pub(crate) struct Fetches {
	active: HashMap<ContentHash, Fetch>,
	/// Every request not yet answered, including those of finished fetches.
	requests: HashMap<OutboundRequestId, (ContentHash, PeerId)>,
	#[cfg(test)]
	raw: HashMap<OutboundRequestId, oneshot::Sender<Result<ChunkResponse, String>>>,
}

#[derive(Default)]
struct Fetch {
	waiters: Vec<FetchReply>,
	asked: HashSet<PeerId>,
	in_flight: usize,
	not_found: usize,
	failed: usize,
	bad: usize,
}

impl Service {
	pub fn start_fetch(&mut self, hash: ContentHash, reply: FetchReply) {
		let fetch = self.fetches.active.entry(hash).or_default();
		fetch.waiters.push(reply);
		// A second caller for the same chunk joins the fetch under way.
		if fetch.waiters.len() == 1 {
			self.ask_more(hash);
		}
	}

	/// Tops the fetch of `hash` up to the fanout with untried peers; ends it when none is
	/// left and nothing is in flight.
	fn ask_more(&mut self, hash: ContentHash) {
		let Some(fetch) = self.fetches.active.get_mut(&hash) else { return };
		let want = self.config.fetch_fanout.max(1).saturating_sub(fetch.in_flight);
		let mut candidates: Vec<PeerId> = self
			.swarm
			.connected_peers()
			.filter(|peer| !fetch.asked.contains(peer))
			.copied()
			.collect();
		// Start each chunk's fetch at a different peer, so that many fetches spread over
		// the seeders rather than all asking the same first one.
		if !candidates.is_empty() {
			let shift = hash.as_bytes()[0] as usize % candidates.len();
			candidates.rotate_left(shift);
		}
		candidates.truncate(want);
		for peer in candidates {
			let request = RequestFrame::Valid(ChunkRequest::ByHash(hash));
			let id = self.swarm.behaviour_mut().chunks.send_request(&peer, request);
			self.fetches.requests.insert(id, (hash, peer));
			fetch.asked.insert(peer);
			fetch.in_flight += 1;
		}
		if fetch.in_flight == 0 {
			let error = if fetch.asked.is_empty() {
				FetchError::NoPeers(hash)
			} else {
				FetchError::Unavailable {
					hash,
					not_found: fetch.not_found,
					failed: fetch.failed,
					bad: fetch.bad,
				}
			};
			self.finish(hash, Err(error));
		}
	}

	fn finish(&mut self, hash: ContentHash, result: Result<Vec<u8>, FetchError>) {
		if let Some(fetch) = self.fetches.active.remove(&hash) {
			for waiter in fetch.waiters {
				let _ = waiter.send(result.clone());
			}
		}
	}

	pub fn on_chunk_exchange(
		&mut self,
		event: request_response::Event<RequestFrame, ChunkResponse>,
	) {
		use request_response::{Event, Message};
		match event {
			Event::Message { peer, message: Message::Request { request, channel, .. }, .. } => {
				let response = match request {
					RequestFrame::Valid(ChunkRequest::ByHash(hash)) => {
						match self.source.chunk_bytes(&hash) {
							Some(bytes) => ChunkResponse::Found(bytes),
							None => ChunkResponse::NotFound,
						}
					}
					RequestFrame::Invalid(error) => {
						self.penalise(peer, Offence::BadRequest);
						ChunkResponse::Rejected(error)
					}
					#[cfg(test)]
					RequestFrame::Raw(_) => ChunkResponse::Rejected(super::RequestError::Malformed),
				};
				// Fails only when the peer has gone or the request timed out.
				let _ = self.swarm.behaviour_mut().chunks.send_response(channel, response);
			}
			Event::Message {
				peer, message: Message::Response { request_id, response }, ..
			} => self.on_response(request_id, peer, response),
			Event::OutboundFailure { peer, request_id, error, .. } => {
				#[cfg(test)]
				if let Some(reply) = self.fetches.raw.remove(&request_id) {
					let _ = reply.send(Err(error.to_string()));
					return;
				}
				let breach = match &error {
					request_response::OutboundFailure::Io(io) => ResponseError::from_io(io),
					_ => None,
				};
				tracing::debug!(%peer, "chunk request failed: {error}");
				let Some((hash, _)) = self.fetches.requests.remove(&request_id) else { return };
				if breach.is_some() {
					self.penalise(peer, Offence::BadChunk);
				}
				if let Some(fetch) = self.fetches.active.get_mut(&hash) {
					fetch.in_flight -= 1;
					match breach {
						Some(_) => fetch.bad += 1,
						None => fetch.failed += 1,
					}
					self.ask_more(hash);
				}
			}
			Event::InboundFailure { peer, error, .. } => {
				tracing::debug!(%peer, "answering a chunk request failed: {error}");
			}
			Event::ResponseSent { .. } => {}
		}
	}

	fn on_response(
		&mut self,
		request_id: OutboundRequestId,
		peer: PeerId,
		response: ChunkResponse,
	) {
		#[cfg(test)]
		if let Some(reply) = self.fetches.raw.remove(&request_id) {
			let _ = reply.send(Ok(response));
			return;
		}
		let Some((hash, _)) = self.fetches.requests.remove(&request_id) else { return };
		let verdict = match &response {
			ChunkResponse::Found(bytes) => match verify_chunk_bytes(&hash, bytes) {
				Ok(()) => Ok(true),
				Err(e) => Err(e.to_string()),
			},
			ChunkResponse::NotFound => Ok(false),
			ChunkResponse::Rejected(error) => Err(format!("peer rejected our request: {error}")),
		};
		if let Err(reason) = &verdict {
			tracing::info!(%peer, %hash, "bad chunk answer: {reason}");
			self.penalise(peer, Offence::BadChunk);
		}
		// Late answers to a finished fetch end here, checked and, if bad, penalised.
		let Some(fetch) = self.fetches.active.get_mut(&hash) else { return };
		fetch.in_flight -= 1;
		match (verdict, response) {
			(Ok(true), ChunkResponse::Found(bytes)) => self.finish(hash, Ok(bytes)),
			(Ok(_), _) => {
				fetch.not_found += 1;
				self.ask_more(hash);
			}
			(Err(_), _) => {
				fetch.bad += 1;
				self.ask_more(hash);
			}
		}
	}

	#[cfg(test)]
	pub fn send_raw_request(
		&mut self,
		peer: PeerId,
		bytes: Vec<u8>,
		reply: oneshot::Sender<Result<ChunkResponse, String>>,
	) {
		let id = self.swarm.behaviour_mut().chunks.send_request(&peer, RequestFrame::Raw(bytes));
		self.fetches.raw.insert(id, reply);
	}
}
