use super::*;
use crate::{
	p2p::{ChatLine, EditDelta, WorldMessage},
	region::RegionCoord,
};
use playnet_primitives::{world::blocks::BRICK, BlockEdit, ChunkCoord};

#[tokio::test]
async fn an_edit_delta_reaches_a_peer_in_the_region() {
	let mut a = Peer::start(MapSource::default(), &[]).await;
	let mut b = Peer::start(MapSource::default(), &[&a]).await;
	let region = RegionCoord::new(0, 1);
	a.network.subscribe(region).await.unwrap();
	b.network.subscribe(region).await.unwrap();
	let b_id = b.id();
	a.expect("B joining the region", |e| {
		matches!(e, NetworkEvent::PeerSubscribed { peer, region: r } if *peer == b_id && *r == region)
			.then_some(())
	})
	.await;

	let delta = WorldMessage::Edits(
		EditDelta {
			account: [1; 32],
			coord: ChunkCoord::new(2, 4, 5),
			base_version: 7,
			edits: vec![BlockEdit { x: 1, y: 2, z: 3, block: BRICK }],
			timestamp_ms: 1_700_000_000_000,
			signature: [0; 64],
		}
		.signed(&subxt_signer::sr25519::dev::alice(), "local"),
	);
	a.network.publish(region, delta.clone()).await.unwrap();

	let a_id = a.id();
	let (author, got) = b
		.expect("the delta", |e| match e {
			NetworkEvent::Gossip { author, region: r, message, .. } if *r == region => {
				Some((*author, message.clone()))
			}
			_ => None,
		})
		.await;
	assert_eq!(author, a_id);
	assert_eq!(got, delta);
}

#[tokio::test]
async fn peers_found_through_the_dht_connect_and_gossip_reaches_them() {
	let mut hub = Peer::start(MapSource::default(), &[]).await;
	let mut b = Peer::start(MapSource::default(), &[&hub]).await;
	let b_id = b.id();
	hub.expect_connected(b_id).await;
	let mut c = Peer::start(MapSource::default(), &[&hub]).await;
	let c_id = c.id();
	// B and C only know the hub; the DHT walks introduce them.
	b.expect_connected(c_id).await;

	let region = RegionCoord::new(-1, 0);
	b.network.subscribe(region).await.unwrap();
	c.network.subscribe(region).await.unwrap();
	b.expect("C joining the region", |e| {
		matches!(e, NetworkEvent::PeerSubscribed { peer, .. } if *peer == c_id).then_some(())
	})
	.await;
	let line = WorldMessage::Chat(ChatLine { text: "hello".into(), timestamp_ms: 1 });
	b.network.publish(region, line.clone()).await.unwrap();
	let got = c
		.expect("the chat line", |e| match e {
			NetworkEvent::Gossip { author, message, .. } if *author == b_id => {
				Some(message.clone())
			}
			_ => None,
		})
		.await;
	assert_eq!(got, line);
}

#[tokio::test]
async fn a_message_breaking_the_rules_is_not_published() {
	let a = Peer::start(MapSource::default(), &[]).await;
	let region = RegionCoord::new(0, 0);
	a.network.subscribe(region).await.unwrap();
	// Chunk (8, 0, 0) is in region (2, 0), not (0, 0).
	let delta = WorldMessage::Edits(EditDelta {
		account: [1; 32],
		coord: ChunkCoord::new(8, 0, 0),
		base_version: 0,
		edits: vec![BlockEdit { x: 0, y: 0, z: 0, block: BRICK }],
		timestamp_ms: 0,
		signature: [0; 64],
	});
	let result = a.network.publish(region, delta).await;
	assert!(matches!(result, Err(crate::p2p::PublishError::Invalid(_))), "{result:?}");
}
