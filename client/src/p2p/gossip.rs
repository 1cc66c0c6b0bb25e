//! Region topics: joining, publishing, and the check every arriving message passes.

use super::{
	region_topic, service::Service, topic_region, NetworkEvent, Offence, PublishError, WorldMessage,
};
use crate::region::RegionCoord;
use libp2p::{
	gossipsub::{self, MessageAcceptance},
	PeerId,
};
use std::time::Instant;

impl Service {
	pub fn subscribe(&mut self, region: RegionCoord) -> Result<(), String> {
		self.swarm
			.behaviour_mut()
			.gossipsub
			.subscribe(&region_topic(&self.config.world, region))
			.map(|_| ())
			.map_err(|e| e.to_string())
	}

	pub fn unsubscribe(&mut self, region: RegionCoord) {
		self.swarm.behaviour_mut().gossipsub.unsubscribe(&region_topic(&self.config.world, region));
	}

	pub fn publish(
		&mut self,
		region: RegionCoord,
		message: &WorldMessage,
	) -> Result<(), PublishError> {
		let bytes = message.to_gossip(region)?;
		self.publish_bytes(region, bytes)
	}

	pub fn publish_bytes(
		&mut self,
		region: RegionCoord,
		bytes: Vec<u8>,
	) -> Result<(), PublishError> {
		self.swarm
			.behaviour_mut()
			.gossipsub
			.publish(region_topic(&self.config.world, region), bytes)
			.map(|_| ())
			.map_err(|e| PublishError::Gossip(e.to_string()))
	}

	/// What the network itself takes from a checked message: where its author is (proximity)
	/// and which chunk it holds (asked first when fetching that chunk). Both are hints that
	/// change no confirmed state.
	fn learn_from(&mut self, author: PeerId, message: &WorldMessage) {
		match message {
			// Only connected peers are scored; the others cannot be in a mesh.
			WorldMessage::Move(step) if self.swarm.is_connected(&author) => {
				let position = step.position.map(|p| p >> 4);
				let score = self.positions.set_peer(author, position);
				self.swarm.behaviour_mut().gossipsub.set_application_score(&author, score);
			}
			WorldMessage::ChunkVersion(announcement) => {
				self.fetches.providers.record(announcement.hash, author);
			}
			_ => {}
		}
	}

	pub fn on_gossip(&mut self, event: gossipsub::Event) {
		match event {
			gossipsub::Event::Message { propagation_source, message_id, message } => {
				// Strict validation: every delivered message is signed by its source.
				let author = message.source.unwrap_or(propagation_source);
				let checked = topic_region(&self.config.world, &message.topic)
					.ok_or_else(|| format!("unknown topic {}", message.topic))
					.and_then(|region| {
						WorldMessage::from_gossip(&message.data, region, &self.config.world)
							.map(|decoded| (region, decoded))
							.map_err(|e| e.to_string())
					});
				let admitted = checked
					.as_ref()
					.is_ok_and(|(_, decoded)| self.floods.admit(author, decoded, Instant::now()));
				let acceptance = match &checked {
					Ok(_) if admitted => MessageAcceptance::Accept,
					// Valid, but past its author's allowance: not forwarded, and no fault of
					// a peer that forwarded it.
					Ok(_) => MessageAcceptance::Ignore,
					Err(_) => MessageAcceptance::Reject,
				};
				self.swarm.behaviour_mut().gossipsub.report_message_validation_result(
					&message_id,
					&propagation_source,
					acceptance,
				);
				match checked {
					Ok((region, decoded)) if admitted => {
						self.learn_from(author, &decoded);
						self.emit(NetworkEvent::Gossip {
							author,
							via: propagation_source,
							region,
							message: decoded,
						})
					}
					Ok(_) => {
						tracing::debug!(peer = %author, "gossip past its author's allowance");
						// The author's own connection floods: a forwarder is not at fault.
						if author == propagation_source {
							self.penalise(author, Offence::Flooding);
						}
					}
					Err(reason) => {
						tracing::debug!(peer = %propagation_source, "gossip rejected: {reason}");
						// The peer that passed it on is the one penalised: an honest peer
						// checks before forwarding, so it would never pass this on.
						self.penalise(propagation_source, Offence::MalformedGossip);
					}
				}
			}
			gossipsub::Event::Subscribed { peer_id, topic } => {
				if let Some(region) = topic_region(&self.config.world, &topic) {
					self.emit(NetworkEvent::PeerSubscribed { peer: peer_id, region });
				}
			}
			_ => {}
		}
	}
}
