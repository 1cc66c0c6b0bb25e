//! World networks: peers of different chains share no gossip topic and no DHT.

use super::*;
use crate::{
	p2p::{
		region_topic, topic_region, valid_world, world_of_genesis, ChatLine, NetworkError,
		WorldMessage,
	},
	region::RegionCoord,
};

#[test]
fn a_region_topic_belongs_to_one_world() {
	let region = RegionCoord::new(-3, 7);
	let ours = region_topic("0a1b2c3d4e5f6071", region);
	assert_eq!(topic_region("0a1b2c3d4e5f6071", &ours.hash()), Some(region));
	// Another world's topic for the same region, and one whose name starts like ours.
	for other in ["ffffffffffffffff", "0a1b2c3d4e5f60", "0a1b2c3d4e5f607199"] {
		let theirs = region_topic(other, region);
		assert_ne!(theirs.hash(), ours.hash());
		assert_eq!(topic_region("0a1b2c3d4e5f6071", &theirs.hash()), None, "{other}");
	}
}

#[test]
fn a_chains_world_is_named_by_its_genesis_hash() {
	let mut genesis = [0u8; 32];
	genesis[0] = 0xab;
	genesis[7] = 0x01;
	assert_eq!(world_of_genesis(&genesis), "ab00000000000001");
	genesis[8] = 0xff;
	assert_eq!(world_of_genesis(&genesis), "ab00000000000001", "the first 8 bytes");
	assert!(valid_world(&world_of_genesis(&genesis)));
}

#[tokio::test]
async fn a_world_name_that_cannot_be_a_topic_is_refused() {
	for world in ["", "a/b", "a b", "é", &"x".repeat(65)] {
		let config = NetworkConfig {
			listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
			world: world.to_owned(),
			..NetworkConfig::default()
		};
		let started = Network::start(config, Arc::new(MapSource::default())).await;
		assert!(matches!(started, Err(NetworkError::Build(_))), "{world:?}");
	}
}

#[tokio::test]
async fn gossip_stays_within_its_world() {
	let world = |name: &'static str| move |c: &mut NetworkConfig| c.world = name.to_owned();
	let mut a = Peer::start_with(MapSource::default(), &[], world("aaaa")).await;
	// B belongs to another chain but dials A; C belongs to A's.
	let mut b = Peer::start_with(MapSource::default(), &[&a], world("bbbb")).await;
	let mut c = Peer::start_with(MapSource::default(), &[&a], world("aaaa")).await;
	let region = RegionCoord::new(0, 0);
	for peer in [&a, &b, &c] {
		peer.network.subscribe(region).await.unwrap();
	}
	a.expect_joined(region, &[c.id()]).await;

	let hello = WorldMessage::Chat(ChatLine { text: "hello".to_owned(), timestamp_ms: 1 });
	a.network.publish(region, hello.clone()).await.unwrap();
	let got = c
		.expect("A's chat", |e| match e {
			NetworkEvent::Gossip { message, .. } => Some(message.clone()),
			_ => None,
		})
		.await;
	assert_eq!(got, hello);
	// B, connected to A all along, hears nothing from A's world.
	let heard = tokio::time::timeout(Duration::from_millis(500), async {
		loop {
			match b.events.recv().await {
				Some(NetworkEvent::Gossip { message, .. }) => return Some(message),
				Some(_) => continue,
				None => return None,
			}
		}
	})
	.await;
	assert!(matches!(heard, Err(_) | Ok(None)), "B heard {heard:?}");
	assert!(b.connected_peers().await.contains(&a.id()), "B is still connected to A");
}
