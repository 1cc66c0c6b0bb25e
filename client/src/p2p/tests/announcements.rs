use super::*;
use crate::{
	p2p::{ChunkAnnouncement, Offence, WorldMessage},
	region::RegionCoord,
};
use codec::Encode;
use playnet_primitives::ChunkCoord;
use std::sync::{
	atomic::{AtomicUsize, Ordering},
	Arc,
};

/// A source with no chunks that counts the requests it answers.
#[derive(Clone, Default)]
struct CountingSource(Arc<AtomicUsize>);

impl ChunkSource for CountingSource {
	fn chunk_bytes(&self, _: &ContentHash) -> Option<Vec<u8>> {
		self.0.fetch_add(1, Ordering::SeqCst);
		None
	}
}

fn announcement(coord: ChunkCoord, hash: ContentHash) -> WorldMessage {
	WorldMessage::ChunkVersion(ChunkAnnouncement {
		coord,
		version: 3,
		timestamp_ms: 1_700_000_000_000,
		hash,
	})
}

async fn holders(peer: &Peer, hash: ContentHash) -> Vec<PeerId> {
	peer.command(|reply| Command::Holders(hash, reply)).await
}

#[tokio::test]
async fn a_fetch_asks_the_peer_that_announced_the_chunk_first() {
	let (hash, bytes) = filled_chunk(5);
	let region = RegionCoord::new(0, 0);
	let holder = Peer::start(MapSource(HashMap::from([(hash, bytes.clone())])), &[]).await;
	let mut others = Vec::new();
	for _ in 0..6 {
		let asked = CountingSource::default();
		others.push((Peer::start(asked.clone(), &[]).await, asked));
	}
	let mut bootstrap = vec![&holder];
	bootstrap.extend(others.iter().map(|(peer, _)| peer));
	// One peer at a time: the first asked is the only one asked when it has the chunk.
	let mut player =
		Peer::start_with(MapSource::default(), &bootstrap, |c| c.fetch_fanout = 1).await;
	for peer in &bootstrap {
		player.expect_connected(peer.id()).await;
	}
	player.network.subscribe(region).await.unwrap();
	holder.network.subscribe(region).await.unwrap();
	player.expect_joined(region, &[holder.id()]).await;

	holder.network.publish(region, announcement(ChunkCoord::new(1, 4, 2), hash)).await.unwrap();
	let holder_id = holder.id();
	player
		.expect("the announcement", |e| match e {
			NetworkEvent::Gossip { author, message: WorldMessage::ChunkVersion(a), .. }
				if *author == holder_id && a.hash == hash =>
			{
				Some(())
			}
			_ => None,
		})
		.await;
	assert_eq!(holders(&player, hash).await, [holder_id]);

	assert_eq!(player.network.fetch_chunk(hash).await, Ok(bytes));
	for (_, asked) in &others {
		assert_eq!(asked.0.load(Ordering::SeqCst), 0, "a peer that never announced was asked");
	}
}

#[tokio::test]
async fn a_rejected_announcement_records_no_holder_and_costs_a_strike() {
	let (hash, _) = filled_chunk(5);
	let region = RegionCoord::new(0, 0);
	let mut offender = Peer::start(MapSource::default(), &[]).await;
	let mut player = Peer::start(MapSource::default(), &[&offender]).await;
	offender.network.subscribe(region).await.unwrap();
	player.network.subscribe(region).await.unwrap();
	offender.expect_joined(region, &[player.id()]).await;

	// Chunk (8, 4, 0) is in region (2, 0); chunk (0, 4, 100000) is outside the world; the
	// last is cut short.
	let truncated = announcement(ChunkCoord::new(0, 4, 0), hash).encode()[..20].to_vec();
	let bad = [
		announcement(ChunkCoord::new(8, 4, 0), hash).encode(),
		announcement(ChunkCoord::new(0, 4, 100_000), hash).encode(),
		truncated,
	];
	let offender_id = offender.id();
	for (n, bytes) in bad.into_iter().enumerate() {
		offender.command(|reply| Command::PublishRaw(region, bytes, reply)).await.unwrap();
		let strikes = player
			.expect("a penalty", |e| match e {
				NetworkEvent::Gossip { .. } => panic!("a bad announcement was delivered: {e:?}"),
				NetworkEvent::PeerPenalised {
					peer,
					offence: Offence::MalformedGossip,
					strikes,
					..
				} if *peer == offender_id => Some(*strikes),
				_ => None,
			})
			.await;
		assert_eq!(strikes, n as u32 + 1);
	}
	assert_eq!(holders(&player, hash).await, []);
}
