use super::*;
use crate::{
	p2p::{GossipView, PlayerMove, WorldMessage},
	region::RegionCoord,
};
use std::collections::HashSet;

/// Where peers tell each other their positions: region (0, 0), blocks 0 to 63.
const POSITIONS: RegionCoord = RegionCoord { x: 0, z: 0 };
/// The player's position, in blocks.
const PLAYER_AT: [i32; 3] = [8, 64, 8];

fn move_to(position: [i32; 3]) -> WorldMessage {
	WorldMessage::Move(PlayerMove {
		position: position.map(|p| p * 16),
		yaw: 0,
		pitch: 0,
		timestamp_ms: 1,
	})
}

/// Starts one peer per spot, then the player (mesh size `mesh`, dialling them all) at
/// [`PLAYER_AT`]; each peer tells the player where it stands.
async fn gather(spots: &[[i32; 3]], mesh: usize) -> (Peer, Vec<Peer>) {
	let mut others = Vec::new();
	for _ in spots {
		others.push(Peer::start(MapSource::default(), &[]).await);
	}
	let bootstrap: Vec<&Peer> = others.iter().collect();
	let mut player =
		Peer::start_with(MapSource::default(), &bootstrap, |c| c.gossip_mesh = mesh).await;
	player.network.set_position(PLAYER_AT).await.unwrap();
	player.network.subscribe(POSITIONS).await.unwrap();
	for other in &others {
		other.network.subscribe(POSITIONS).await.unwrap();
	}
	let ids: Vec<PeerId> = others.iter().map(Peer::id).collect();
	player.expect_joined(POSITIONS, &ids).await;
	let player_id = player.id();
	for (other, spot) in others.iter_mut().zip(spots) {
		other.expect_joined(POSITIONS, &[player_id]).await;
		other.network.publish(POSITIONS, move_to(*spot)).await.unwrap();
	}
	let mut unheard: HashSet<PeerId> = ids.into_iter().collect();
	while !unheard.is_empty() {
		let author = player
			.expect("a move", |e| match e {
				NetworkEvent::Gossip { author, message: WorldMessage::Move(_), .. } => {
					Some(*author)
				}
				_ => None,
			})
			.await;
		unheard.remove(&author);
	}
	(player, others)
}

async fn gossip_view(player: &Peer, region: RegionCoord) -> GossipView {
	player.command(|reply| Command::GossipView(region, reply)).await
}

#[tokio::test]
async fn a_nearer_peer_scores_higher_than_a_farther_one_and_neither_below_zero() {
	// Two blocks and 52 blocks from the player.
	let (player, others) = gather(&[[10, 64, 10], [60, 64, 60]], 6).await;
	let (near, far) = (others[0].id(), others[1].id());
	let view = gossip_view(&player, POSITIONS).await;
	assert!(view.scores[&near] > view.scores[&far], "{view:?}");
	// Far is a preference, not a punishment: its move arrived, and it scores no less than a
	// peer whose position nobody knows.
	assert!(view.scores[&far] > 0.0, "{view:?}");
}

#[tokio::test]
async fn the_mesh_keeps_the_nearest_peers_when_more_peers_join_than_it_holds() {
	let near_spots = [[10, 64, 10], [6, 64, 6]];
	let far_spots = [[60, 64, 60], [60, 64, 2], [2, 64, 60], [50, 64, 50], [40, 64, 60]];
	let spots: Vec<[i32; 3]> = near_spots.iter().chain(&far_spots).copied().collect();
	// A mesh of 2 (1 to 4 peers) for seven peers in the region.
	let (player, mut others) = gather(&spots, 2).await;
	let near: HashSet<PeerId> = others[..2].iter().map(Peer::id).collect();

	// A region joined once every position is known. The player joins first, so every peer
	// grafts it on joining: the player's mesh overflows and keeps its two best-scored peers.
	let deltas = RegionCoord::new(5, 5);
	player.network.subscribe(deltas).await.unwrap();
	let player_id = player.id();
	for other in &mut others {
		other.expect_joined(deltas, &[player_id]).await;
		other.network.subscribe(deltas).await.unwrap();
	}

	// The mesh settles over a few heartbeats (100 ms each here).
	let settled = async {
		loop {
			let view = gossip_view(&player, deltas).await;
			if view.mesh.iter().copied().collect::<HashSet<_>>() == near {
				return view;
			}
			tokio::time::sleep(Duration::from_millis(100)).await;
		}
	};
	let view = tokio::time::timeout(TIMEOUT, settled).await.unwrap_or_else(|_| {
		panic!("the mesh never became the near peers {near:?} within {TIMEOUT:?}")
	});
	// Every far peer still scores above zero: in the region, just not preferred.
	assert!(view.scores.values().all(|score| *score > 0.0), "{view:?}");
}
