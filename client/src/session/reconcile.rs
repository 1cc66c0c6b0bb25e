//! Following the chain: each finalized block's world events decide overlays and move chunks
//! to the chain's versions.

use super::{
	announcements::announce,
	loading::{fetch_confirmed, keep_chunk, ChunkOrigin},
	Inner, SessionEvent,
};
use crate::{
	chain::{FinalizedWorldBlock, SubmissionId, WorldEvent, WorldEventStream},
	world_state::hash_of,
};
use futures::StreamExt;
use playnet_primitives::ChunkCoord;
use std::{collections::HashMap, sync::Weak};

pub(crate) async fn run(inner: Weak<Inner>, mut blocks: WorldEventStream) {
	while let Some(block) = blocks.next().await {
		let Some(inner) = inner.upgrade() else { return };
		match block {
			Ok(block) => on_block(&inner, block).await,
			Err(e) => tracing::warn!("following the chain: {e}"),
		}
	}
	tracing::warn!("the chain's finalized block stream ended");
}

async fn on_block(inner: &Inner, block: FinalizedWorldBlock) {
	// The submissions the block applied, per chunk, in the order it applied them.
	let mut applied: HashMap<ChunkCoord, Vec<SubmissionId>> = HashMap::new();
	let mut decided = Vec::new();
	for event in &block.events {
		match event {
			WorldEvent::EditsApplied { id, coord, version, .. } => {
				applied.entry(*coord).or_default().push(*id);
				decided.push((*coord, *id));
				if inner.state().own_pending.remove(id).is_some() {
					inner.emit(SessionEvent::Applied { id: *id, coord: *coord, version: *version });
				}
			}
			WorldEvent::EditsBounced { id, coord, reason, .. } => {
				decided.push((*coord, *id));
				if inner.state().own_pending.remove(id).is_some() {
					inner.emit(SessionEvent::Bounced { id: *id, coord: *coord, reason: *reason });
				}
			}
			WorldEvent::EditsQueued { .. } | WorldEvent::ChunkUpdated { .. } => {}
		}
	}
	for event in &block.events {
		let WorldEvent::ChunkUpdated { coord, version, content_hash } = event else { continue };
		let (held_version, candidates) = {
			let state = inner.state();
			match state.world.chunk(coord) {
				// Not held: it is read from the chain when the player needs it.
				None => continue,
				Some(held) => (
					held.version(),
					state.world.candidates(coord, applied.get(coord).map_or(&[][..], |v| v)),
				),
			}
		};
		if held_version >= *version {
			continue;
		}
		let rebuilt = candidates.into_iter().find(|chunk| hash_of(chunk) == *content_hash);
		let confirmed = match rebuilt {
			Some(chunk) => {
				keep_chunk(inner, *content_hash, &chunk);
				Ok((*version, *content_hash, chunk, ChunkOrigin::Local))
			}
			None => fetch_confirmed(inner, *coord, *version, *content_hash).await,
		};
		match confirmed {
			Ok((version, hash, chunk, origin)) => {
				inner.counters.count(origin);
				{
					let mut state = inner.state();
					for (at, id) in decided.iter().filter(|(at, _)| at == coord) {
						state.world.decide(at, id);
					}
					state.world.confirm(*coord, version, hash, chunk);
				}
				inner.emit(SessionEvent::ChunkConfirmed { coord: *coord, version, hash, origin });
				announce(inner, *coord, version, hash).await;
			}
			Err(e) => tracing::warn!(?coord, "cannot reconcile to version {version}: {e}"),
		}
	}
	// Bounced submissions, and those of chunks not held, are decided all the same.
	let mut state = inner.state();
	for (coord, id) in &decided {
		state.world.decide(coord, id);
	}
}
