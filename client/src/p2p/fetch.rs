//! The chunk exchange: serving chunks from the [`ChunkSource`](super::ChunkSource) and
//! fetching them from several peers at once.
//!
//! A fetch asks up to `fetch_fanout` connected peers at a time: first those known to hold the
//! chunk ([`Providers`]), then the others. Every answer is checked, even those arriving after
//! the fetch completed, so a peer that sends bytes that are not the chunk asked for is always
//! caught and dropped. When an answer fails, the next untried peer is asked; when no peer is
//! left, the fetch fails with the tally of answers.
//!
//! No peer has more than [`MAX_REQUESTS_PER_PEER`] of this peer's requests at once: past the
//! request-response limit of streams per connection, requests fail on both sides without the
//! peer being at fault. A fetch whose untried peers are all that busy waits for a free slot.

use super::{
	behaviour::CHUNK_STREAMS_PER_CONNECTION,
	chunk_exchange::{ChunkRequest, ChunkResponse, RequestFrame, ResponseError},
	providers::Providers,
	service::Service,
	FetchError, Offence,
};
use crate::chunk_bytes::verify_chunk_bytes;
use libp2p::{
	request_response::{self, OutboundRequestId},
	PeerId,
};
use playnet_primitives::ContentHash;
use std::collections::{HashMap, HashSet, VecDeque};
use tokio::sync::oneshot;

/// This peer's requests in flight to one peer, at most: a third of the streams a connection
/// allows (85), leaving room for the peer's own requests to this one.
pub const MAX_REQUESTS_PER_PEER: usize = CHUNK_STREAMS_PER_CONNECTION / 3;

type FetchReply = oneshot::Sender<Result<Vec<u8>, FetchError>>;

/// Fetches in progress and the requests they sent.
#[derive(Default)]
pub(crate) struct Fetches {
	active: HashMap<ContentHash, Fetch>,
	/// Every request not yet answered, including those of finished fetches.
	requests: HashMap<OutboundRequestId, (ContentHash, PeerId)>,
	/// Requests in flight per peer.
	per_peer: HashMap<PeerId, usize>,
	/// Fetches waiting for a request slot, oldest first.
	stalled: VecDeque<ContentHash>,
	/// Peers known to hold chunks.
	pub providers: Providers,
	#[cfg(test)]
	raw: HashMap<OutboundRequestId, oneshot::Sender<Result<ChunkResponse, String>>>,
}

#[derive(Default)]
struct Fetch {
	waiters: Vec<FetchReply>,
	asked: HashSet<PeerId>,
	in_flight: usize,
	stalled: bool,
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

	/// Tops the fetch of `hash` up to the fanout with untried peers, known holders first;
	/// parks it when every untried peer is busy and nothing is in flight; ends it when no
	/// peer is left and nothing is in flight.
	fn ask_more(&mut self, hash: ContentHash) {
		let Fetches { active, requests, per_peer, stalled, providers, .. } = &mut self.fetches;
		let Some(fetch) = active.get_mut(&hash) else { return };
		let want = self.config.fetch_fanout.max(1).saturating_sub(fetch.in_flight);
		let untried: Vec<PeerId> = self
			.swarm
			.connected_peers()
			.filter(|peer| !fetch.asked.contains(peer))
			.copied()
			.collect();
		let holders: Vec<PeerId> =
			providers.holders(&hash).iter().filter(|p| untried.contains(p)).copied().collect();
		let mut others: Vec<PeerId> =
			untried.into_iter().filter(|peer| !holders.contains(peer)).collect();
		// Start each chunk's fetch at a different peer, so that many fetches spread over
		// the seeders rather than all asking the same first one.
		if !others.is_empty() {
			let shift = hash.as_bytes()[0] as usize % others.len();
			others.rotate_left(shift);
		}
		let mut busy = false;
		let mut chosen = Vec::new();
		for peer in holders.into_iter().chain(others) {
			if chosen.len() == want {
				break;
			}
			if per_peer.get(&peer).copied().unwrap_or(0) >= MAX_REQUESTS_PER_PEER {
				busy = true;
			} else {
				chosen.push(peer);
			}
		}
		for peer in chosen {
			let request = RequestFrame::Valid(ChunkRequest::ByHash(hash));
			let id = self.swarm.behaviour_mut().chunks.send_request(&peer, request);
			requests.insert(id, (hash, peer));
			*per_peer.entry(peer).or_default() += 1;
			fetch.asked.insert(peer);
			fetch.in_flight += 1;
		}
		if fetch.in_flight > 0 {
			return;
		}
		if busy {
			if !fetch.stalled {
				fetch.stalled = true;
				stalled.push_back(hash);
			}
			return;
		}
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

	/// Frees the request slot `peer` held and hands it to the oldest waiting fetch.
	fn release_slot(&mut self, peer: PeerId) {
		if let Some(count) = self.fetches.per_peer.get_mut(&peer) {
			*count -= 1;
			if *count == 0 {
				self.fetches.per_peer.remove(&peer);
			}
		}
		self.resume_stalled(1);
	}

	/// Lets waiting fetches, oldest first, ask again until `slots` of them sent a request or
	/// each was tried once.
	pub fn resume_stalled(&mut self, slots: usize) {
		let mut progressed = 0;
		for _ in 0..self.fetches.stalled.len() {
			if progressed == slots {
				break;
			}
			let Some(hash) = self.fetches.stalled.pop_front() else { break };
			let Some(fetch) = self.fetches.active.get_mut(&hash) else { continue };
			fetch.stalled = false;
			self.ask_more(hash);
			if self.fetches.active.get(&hash).is_some_and(|f| f.in_flight > 0) {
				progressed += 1;
			}
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
				self.release_slot(peer);
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
		self.release_slot(peer);
		let verdict = match &response {
			ChunkResponse::Found(bytes) => match verify_chunk_bytes(&hash, bytes) {
				Ok(()) => Ok(true),
				Err(e) => Err(e.to_string()),
			},
			ChunkResponse::NotFound => Ok(false),
			ChunkResponse::Rejected(error) => Err(format!("peer rejected our request: {error}")),
		};
		match &verdict {
			// It served the chunk: ask it first next time.
			Ok(true) => self.fetches.providers.record(hash, peer),
			Ok(false) => {}
			Err(reason) => {
				tracing::info!(%peer, %hash, "bad chunk answer: {reason}");
				self.penalise(peer, Offence::BadChunk);
			}
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
