use super::*;
use crate::p2p::{FetchError, Offence};

#[tokio::test]
async fn a_chunk_is_fetched_by_hash_from_a_peer_that_has_it() {
	let (hash, bytes) = filled_chunk(3);
	let seeder = Peer::start(MapSource(HashMap::from([(hash, bytes.clone())])), &[]).await;
	let mut player = Peer::start(MapSource::default(), &[&seeder]).await;
	player.expect_connected(seeder.id()).await;
	assert_eq!(player.network.fetch_chunk(hash).await, Ok(bytes));
}

#[tokio::test]
async fn a_peer_serving_corrupted_bytes_is_dropped_and_the_fetch_completes_from_another() {
	let (hash, bytes) = filled_chunk(3);
	let honest = Peer::start(MapSource(HashMap::from([(hash, bytes.clone())])), &[]).await;
	// The liar answers with another chunk's (canonical) bytes.
	let liar = Peer::start(MapSource(HashMap::from([(hash, filled_chunk(4).1)])), &[]).await;
	let mut player = Peer::start(MapSource::default(), &[&honest, &liar]).await;
	let liar_id = liar.id();
	player.expect_connected(honest.id()).await;
	player.expect_connected(liar_id).await;

	// Both are asked at once; whichever answers first, only the honest bytes are returned.
	assert_eq!(player.network.fetch_chunk(hash).await, Ok(bytes));
	player
		.expect("the liar dropped", |e| match e {
			NetworkEvent::PeerPenalised {
				peer, offence: Offence::BadChunk, dropped: true, ..
			} if *peer == liar_id => Some(()),
			_ => None,
		})
		.await;
	player
		.expect("the liar disconnected", |e| {
			matches!(e, NetworkEvent::PeerDisconnected(p) if *p == liar_id).then_some(())
		})
		.await;
	assert!(!player.connected_peers().await.contains(&liar_id));
	// A dropped peer may not come back.
	liar.network.dial(player.addr()).await.unwrap();
	tokio::time::sleep(Duration::from_millis(500)).await;
	assert!(!player.connected_peers().await.contains(&liar_id));
}

#[tokio::test]
async fn garbage_from_the_only_peer_is_never_returned() {
	let (hash, _) = filled_chunk(3);
	let liar = Peer::start(MapSource(HashMap::from([(hash, vec![0xde, 0xad])])), &[]).await;
	let mut player = Peer::start(MapSource::default(), &[&liar]).await;
	player.expect_connected(liar.id()).await;
	assert_eq!(
		player.network.fetch_chunk(hash).await,
		Err(FetchError::Unavailable { hash, not_found: 0, failed: 0, bad: 1 })
	);
}

#[tokio::test]
async fn an_unknown_hash_ends_the_fetch_with_not_found() {
	let (hash, _) = filled_chunk(3);
	let seeder = Peer::start(MapSource::default(), &[]).await;
	let mut player = Peer::start(MapSource::default(), &[&seeder]).await;
	player.expect_connected(seeder.id()).await;
	assert_eq!(
		player.network.fetch_chunk(hash).await,
		Err(FetchError::Unavailable { hash, not_found: 1, failed: 0, bad: 0 })
	);
}

#[tokio::test]
async fn a_fetch_without_peers_fails_at_once() {
	let (hash, _) = filled_chunk(3);
	let player = Peer::start(MapSource::default(), &[]).await;
	assert_eq!(player.network.fetch_chunk(hash).await, Err(FetchError::NoPeers(hash)));
}

#[tokio::test]
async fn every_fetch_completes_when_far_more_are_under_way_than_a_connection_carries() {
	// Three times the streams one connection runs at once, all asked of one seeder together.
	let count = 3 * crate::p2p::behaviour::CHUNK_STREAMS_PER_CONNECTION as u32;
	let chunks: HashMap<_, _> = (0..count).map(distinct_chunk).collect();
	let seeder = Peer::start(MapSource(chunks.clone()), &[]).await;
	let mut player = Peer::start(MapSource::default(), &[&seeder]).await;
	player.expect_connected(seeder.id()).await;

	let fetches = chunks.keys().map(|hash| player.network.fetch_chunk(*hash));
	let results = futures::future::join_all(fetches).await;
	for (hash, result) in chunks.keys().zip(results) {
		assert_eq!(result.as_ref(), Ok(&chunks[hash]), "chunk {hash}");
	}
}
