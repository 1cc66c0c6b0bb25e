//! The task that owns the swarm: it runs commands from [`Network`] handles and turns swarm
//! events into [`NetworkEvent`]s. Gossip is handled in `gossip.rs`, chunk exchange in
//! `fetch.rs`.

use super::{
	behaviour::{WorldBehaviour, WorldBehaviourEvent},
	fetch::Fetches,
	offences::{Offence, OffenceLedger},
	proximity::Positions,
	ChunkSource, Command, Network, NetworkConfig, NetworkError, NetworkEvent,
};
use futures::StreamExt;
use libp2p::{
	identify, identity::Keypair, kad, multiaddr::Protocol, noise, swarm::SwarmEvent, tcp, yamux,
	Multiaddr, PeerId, Swarm,
};
use std::{collections::HashMap, sync::Arc, time::Duration};
use tokio::sync::{mpsc, oneshot};

/// Commands waiting for the task; handles wait when it is full.
const COMMAND_QUEUE: usize = 256;
/// Events waiting for the application; past this, events are dropped with a warning rather
/// than stall the network.
const EVENT_QUEUE: usize = 4096;
/// How long to wait for the listeners' first addresses at start.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct Service {
	pub swarm: Swarm<WorldBehaviour>,
	pub config: NetworkConfig,
	pub source: Arc<dyn ChunkSource>,
	pub offences: OffenceLedger,
	pub floods: super::flood::FloodGuard,
	pub fetches: Fetches,
	pub positions: Positions,
	/// Provider lookups in flight: who waits, and the providers found so far.
	provider_queries: HashMap<kad::QueryId, oneshot::Sender<Vec<PeerId>>>,
	events: mpsc::Sender<NetworkEvent>,
	dropped_events: u64,
}

pub(crate) async fn start(
	config: NetworkConfig,
	source: Arc<dyn ChunkSource>,
) -> Result<(Network, mpsc::Receiver<NetworkEvent>), NetworkError> {
	if !super::valid_world(&config.world) {
		return Err(NetworkError::Build(format!(
			"world {:?}: use 1 to 64 ASCII letters, digits, '-' and '_'",
			config.world
		)));
	}
	let key = config.keypair.clone().unwrap_or_else(Keypair::generate_ed25519);
	let behaviour_config = config.clone();
	let mut swarm = libp2p::SwarmBuilder::with_existing_identity(key)
		.with_tokio()
		.with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
		.map_err(|e| NetworkError::Build(e.to_string()))?
		.with_behaviour(|key| {
			WorldBehaviour::new(key, &behaviour_config)
				.map_err(Box::<dyn std::error::Error + Send + Sync>::from)
		})
		.map_err(|e| NetworkError::Build(e.to_string()))?
		// Gossip keeps its connections busy; idle ones are worth keeping for chunk fetches.
		.with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(300)))
		.build();
	let peer_id = *swarm.local_peer_id();
	let streams = swarm.behaviour().remote.new_control();

	let mut listeners = Vec::new();
	for addr in &config.listen {
		let id = swarm
			.listen_on(addr.clone())
			.map_err(|e| NetworkError::Listen { addr: addr.clone(), reason: e.to_string() })?;
		listeners.push((id, addr.clone()));
	}
	let (events, event_receiver) = mpsc::channel(EVENT_QUEUE);
	let mut service = Service {
		swarm,
		offences: OffenceLedger::new(config.max_strikes),
		floods: Default::default(),
		fetches: Fetches::default(),
		positions: Positions::default(),
		provider_queries: HashMap::new(),
		config,
		source,
		events,
		dropped_events: 0,
	};

	// Wait until every listener has an address, so that callers can hand them out.
	let mut listen_addrs = Vec::new();
	let mut waiting: Vec<_> = listeners.iter().map(|(id, _)| *id).collect();
	let deadline = tokio::time::Instant::now() + LISTEN_TIMEOUT;
	while !waiting.is_empty() {
		let event = tokio::time::timeout_at(deadline, service.swarm.select_next_some()).await;
		match event {
			Ok(SwarmEvent::NewListenAddr { listener_id, address }) => {
				waiting.retain(|id| *id != listener_id);
				listen_addrs.push(address.clone().with(Protocol::P2p(peer_id)));
				service.on_swarm_event(SwarmEvent::NewListenAddr { listener_id, address });
			}
			Ok(SwarmEvent::ListenerClosed { listener_id, reason, .. }) => {
				let addr = listeners.iter().find(|(id, _)| *id == listener_id).map(|(_, a)| a);
				return Err(NetworkError::Listen {
					addr: addr.cloned().unwrap_or_else(Multiaddr::empty),
					reason: format!("listener closed: {reason:?}"),
				});
			}
			Ok(other) => service.on_swarm_event(other),
			Err(_) => {
				return Err(NetworkError::Build("no listen address within 10 s".into()));
			}
		}
	}

	for addr in service.config.bootstrap.clone() {
		let Some(Protocol::P2p(peer)) = addr.iter().last() else {
			return Err(NetworkError::BootstrapWithoutPeerId(addr));
		};
		let mut transport_addr = addr.clone();
		transport_addr.pop();
		service.swarm.behaviour_mut().kademlia.add_address(&peer, transport_addr);
		if let Err(e) = service.swarm.dial(addr.clone()) {
			tracing::warn!(%addr, "dialling bootstrap peer: {e}");
		}
	}
	if !service.config.bootstrap.is_empty() {
		// Fails only without known peers, which the loop above rules out.
		let _ = service.swarm.behaviour_mut().kademlia.bootstrap();
	}

	let (commands, command_receiver) = mpsc::channel(COMMAND_QUEUE);
	tokio::spawn(service.run(command_receiver));
	Ok((Network { peer_id, listen_addrs, commands, streams }, event_receiver))
}

impl Service {
	async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
		loop {
			tokio::select! {
				command = commands.recv() => match command {
					Some(command) => self.on_command(command),
					// Every handle is gone.
					None => break,
				},
				event = self.swarm.select_next_some() => self.on_swarm_event(event),
			}
		}
		tracing::debug!("network task stopped");
	}

	pub fn emit(&mut self, event: NetworkEvent) {
		if self.events.try_send(event).is_err() {
			self.dropped_events += 1;
			if self.dropped_events.is_power_of_two() {
				tracing::warn!(
					dropped = self.dropped_events,
					"network events dropped: nobody reads them"
				);
			}
		}
	}

	fn on_command(&mut self, command: Command) {
		match command {
			Command::Dial(addr, reply) => {
				let _ = reply.send(self.swarm.dial(addr).map_err(|e| e.to_string()));
			}
			Command::Subscribe(region, reply) => {
				let result = self.subscribe(region);
				let _ = reply.send(result);
			}
			Command::Unsubscribe(region, reply) => {
				self.unsubscribe(region);
				let _ = reply.send(());
			}
			Command::Publish(region, message, reply) => {
				let _ = reply.send(self.publish(region, &message));
			}
			Command::Fetch(hash, reply) => self.start_fetch(hash, reply),
			Command::Provide(key, reply) => {
				let kademlia = &mut self.swarm.behaviour_mut().kademlia;
				let _ =
					reply.send(kademlia.start_providing(key).map(drop).map_err(|e| e.to_string()));
			}
			Command::FindProviders(key, reply) => {
				let id = self.swarm.behaviour_mut().kademlia.get_providers(key);
				self.provider_queries.insert(id, reply);
			}
			Command::ConnectedPeers(reply) => {
				let _ = reply.send(self.swarm.connected_peers().copied().collect());
			}
			Command::SetPosition(position) => {
				for (peer, score) in self.positions.set_own(position) {
					self.swarm.behaviour_mut().gossipsub.set_application_score(&peer, score);
				}
			}
			#[cfg(test)]
			Command::GossipView(region, reply) => {
				let gossipsub = &self.swarm.behaviour().gossipsub;
				let topic = super::region_topic(&self.config.world, region).hash();
				let _ = reply.send(super::GossipView {
					mesh: gossipsub.mesh_peers(&topic).copied().collect(),
					scores: self
						.swarm
						.connected_peers()
						.filter_map(|peer| Some((*peer, gossipsub.peer_score(peer)?)))
						.collect(),
				});
			}
			#[cfg(test)]
			Command::Holders(hash, reply) => {
				let _ = reply.send(self.fetches.providers.holders(&hash).to_vec());
			}
			#[cfg(test)]
			Command::PublishRaw(region, bytes, reply) => {
				let _ = reply.send(self.publish_bytes(region, bytes));
			}
			#[cfg(test)]
			Command::RawRequest(peer, bytes, reply) => self.send_raw_request(peer, bytes, reply),
		}
	}

	/// Counts an offence against `peer` and drops it at the strike limit: its connections
	/// close and it may not connect again.
	pub fn penalise(&mut self, peer: PeerId, offence: Offence) {
		let (strikes, dropped) = self.offences.record(peer, offence);
		tracing::info!(%peer, ?offence, strikes, dropped, "peer penalised");
		if dropped {
			let behaviour = self.swarm.behaviour_mut();
			behaviour.blocked.block_peer(peer);
			behaviour.kademlia.remove_peer(&peer);
			self.fetches.providers.forget_peer(&peer);
		}
		self.emit(NetworkEvent::PeerPenalised { peer, offence, strikes, dropped });
	}

	/// A provider lookup progressed: the first providers found answer it (and end it); a
	/// lookup that ends without any answers with none.
	fn on_providers(&mut self, id: kad::QueryId, result: kad::GetProvidersResult, last: bool) {
		let found = match result {
			Ok(kad::GetProvidersOk::FoundProviders { providers, .. }) => {
				providers.into_iter().collect::<Vec<_>>()
			}
			Ok(kad::GetProvidersOk::FinishedWithNoAdditionalRecord { .. }) => Vec::new(),
			Err(error) => {
				tracing::debug!("provider lookup: {error}");
				Vec::new()
			}
		};
		if found.is_empty() && !last {
			return;
		}
		if let Some(reply) = self.provider_queries.remove(&id) {
			let _ = reply.send(found);
		}
		if !last {
			if let Some(mut query) = self.swarm.behaviour_mut().kademlia.query_mut(&id) {
				query.finish();
			}
		}
	}

	pub fn on_swarm_event(&mut self, event: SwarmEvent<WorldBehaviourEvent>) {
		match event {
			SwarmEvent::NewListenAddr { address, .. } => {
				tracing::info!(%address, "listening");
				self.emit(NetworkEvent::Listening(address));
			}
			SwarmEvent::ConnectionEstablished { peer_id, num_established, .. }
				if num_established.get() == 1 =>
			{
				// A new peer has free request slots for fetches waiting on busy ones.
				self.resume_stalled(super::fetch::MAX_REQUESTS_PER_PEER);
				self.emit(NetworkEvent::PeerConnected(peer_id));
			}
			SwarmEvent::ConnectionClosed { peer_id, num_established: 0, .. } => {
				self.positions.forget(&peer_id);
				self.emit(NetworkEvent::PeerDisconnected(peer_id));
			}
			SwarmEvent::Behaviour(WorldBehaviourEvent::Gossipsub(event)) => self.on_gossip(event),
			SwarmEvent::Behaviour(WorldBehaviourEvent::Chunks(event)) => {
				self.on_chunk_exchange(event)
			}
			SwarmEvent::Behaviour(WorldBehaviourEvent::Identify(identify::Event::Received {
				peer_id,
				info,
				..
			})) if info
				.protocols
				.contains(&super::behaviour::kademlia_protocol(&self.config.world)) =>
			{
				// Peers learn each other's listen addresses here; the DHT spreads them.
				for addr in info.listen_addrs {
					self.swarm.behaviour_mut().kademlia.add_address(&peer_id, addr);
				}
			}
			SwarmEvent::Behaviour(WorldBehaviourEvent::Kademlia(kad::Event::RoutingUpdated {
				peer,
				..
			})) => {
				// Gossip only reaches connected peers: connect to what the DHT finds.
				let connected = self.swarm.connected_peers().count();
				if !self.swarm.is_connected(&peer) && connected < self.config.max_peers {
					if let Err(e) = self.swarm.dial(peer) {
						tracing::debug!(%peer, "dialling a discovered peer: {e}");
					}
				}
			}
			SwarmEvent::Behaviour(WorldBehaviourEvent::Kademlia(
				kad::Event::OutboundQueryProgressed {
					id,
					result: kad::QueryResult::GetProviders(result),
					step,
					..
				},
			)) => self.on_providers(id, result, step.last),
			SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
				tracing::debug!(?peer_id, "outgoing connection failed: {error}");
			}
			_ => {}
		}
	}
}
