//! What peers say: deltas laid over chunks before the chain decides them, moves, chat and
//! withdrawn deltas.

use super::{announcements, loading::ensure_chunk, now_ms, Inner, SessionEvent, OVERLAY_MAX_AGE};
use crate::{
	chain::submission_id,
	p2p::{EditDelta, NetworkEvent, WorldMessage},
	world_state::{Overlay, OverlayError},
};
use libp2p::PeerId;
use std::{
	sync::{Arc, Weak},
	time::{Duration, Instant},
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

/// How far ahead of this player's clock a delta's timestamp may be: the chain's own bound on
/// client timestamps (the runtime's `MaxClockSkew`).
pub(crate) const MAX_DELTA_LEAD: Duration = Duration::from_secs(30);

/// How old the delta stamped `timestamp_ms` is at `now_ms`, or `None` when it is too old to
/// show (older than [`OVERLAY_MAX_AGE`], when its overlay would already have expired) or
/// stamped too far ahead. A signed delta can be recorded and sent again by anyone: without
/// this, a peer could replay a player's old edit every time its overlay expired.
pub(crate) fn delta_age(timestamp_ms: u64, now_ms: u64) -> Option<Duration> {
	if timestamp_ms > now_ms.saturating_add(MAX_DELTA_LEAD.as_millis() as u64) {
		return None;
	}
	let age = Duration::from_millis(now_ms.saturating_sub(timestamp_ms));
	(age < OVERLAY_MAX_AGE).then_some(age)
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
	let age = delta_age(delta.timestamp_ms, now_ms()).ok_or(OverlayError::Stale)?;
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
		// It expires as old as its timestamp says, however late it arrived.
		since: Instant::now().checked_sub(age).unwrap_or_else(Instant::now),
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
