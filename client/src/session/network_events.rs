//! What peers say: deltas laid over chunks before the chain decides them, moves, chat and
//! withdrawn deltas.

use super::{announcements, loading::ensure_chunk, Inner, SessionEvent};
use crate::{
	chain::submission_id,
	p2p::{EditDelta, NetworkEvent, WorldMessage},
	world_state::{Overlay, OverlayError},
};
use libp2p::PeerId;
use std::{
	sync::{Arc, Weak},
	time::Instant,
};
use tokio::sync::mpsc;

pub(crate) async fn run(inner: Weak<Inner>, mut events: mpsc::Receiver<NetworkEvent>) {
	while let Some(event) = events.recv().await {
		let Some(inner) = inner.upgrade() else { return };
		match event {
			NetworkEvent::Gossip { author, message, .. } => on_message(&inner, author, message),
			NetworkEvent::PeerPenalised { peer, dropped, .. } => {
				inner.emit(SessionEvent::PeerPenalised { peer, dropped })
			}
			NetworkEvent::PeerDisconnected(peer) => {
				inner.state().peer_positions.remove(&peer);
			}
			_ => {}
		}
	}
}

fn on_message(inner: &Arc<Inner>, author: PeerId, message: WorldMessage) {
	match message {
		WorldMessage::Edits(delta) => {
			let laid = lay_delta(inner, author, &delta);
			if laid == Err(OverlayError::NotLoaded) {
				// Load the chunk first; the delta is laid over whatever version arrives.
				let inner = inner.clone();
				tokio::spawn(async move {
					if ensure_chunk(&inner, delta.coord).await.is_ok() {
						let _ = lay_delta(&inner, author, &delta);
					}
				});
			}
		}
		WorldMessage::Move(step) => {
			let position = step.position.map(|p| p >> 4);
			inner.state().peer_positions.insert(author, position);
		}
		WorldMessage::Chat(line) => {
			inner.emit(SessionEvent::Chat { from: author, text: line.text })
		}
		WorldMessage::Withdrawn(withdrawal) => {
			let mut state = inner.state();
			// Only the delta's own author may withdraw it (the network checked that the
			// withdrawal is signed by the account it names), and never an own overlay.
			let by_its_author = state
				.world
				.chunk(&withdrawal.coord)
				.and_then(|c| c.overlays().iter().find(|o| o.id == withdrawal.id))
				.is_some_and(|o| !o.own && o.author == withdrawal.author);
			if by_its_author {
				state.world.decide(&withdrawal.coord, &withdrawal.id);
			}
		}
		// A hint only: the chain's finalized events are the source of truth for versions.
		WorldMessage::ChunkVersion(announcement) => {
			announcements::on_announcement(inner, author, announcement)
		}
	}
}

fn lay_delta(inner: &Inner, author: PeerId, delta: &EditDelta) -> Result<(), OverlayError> {
	let id = submission_id(
		&delta.account,
		&delta.coord,
		delta.base_version,
		delta.timestamp_ms,
		&delta.edits,
	);
	let overlay = Overlay {
		id,
		author: delta.account,
		own: false,
		base_version: delta.base_version,
		edits: delta.edits.clone(),
		since: Instant::now(),
	};
	inner.state().world.lay(delta.coord, overlay)?;
	inner.emit(SessionEvent::DeltaApplied {
		from: author,
		coord: delta.coord,
		id,
		edits: delta.edits.len(),
	});
	Ok(())
}
