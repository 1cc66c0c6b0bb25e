//! Remote play's discovery and streams: a contributor's host announces itself in the world's
//! DHT under its account, a player finds it there and opens a remote-play stream to it.

use super::{MapSource, Peer, TIMEOUT};
use crate::remote::{
	host_key,
	wire::{read_message, write_message, ToHost, PROTOCOL},
};
use futures::StreamExt;
use libp2p::StreamProtocol;
use playnet_chain_access::sessions::SessionPackage;
use playnet_primitives::Hash32;
use std::time::Instant;

#[tokio::test]
async fn a_player_finds_a_host_by_its_account_and_opens_a_stream_to_it() {
	let hub = Peer::start(MapSource::default(), &[]).await;
	let host = Peer::start(MapSource::default(), &[&hub]).await;
	let player = Peer::start(MapSource::default(), &[&hub]).await;
	let contributor = [7u8; 32];
	let protocol = StreamProtocol::new(PROTOCOL);
	let mut incoming = host.network.streams().accept(protocol.clone()).expect("first to accept");
	host.network.provide(&host_key(&contributor)).await.expect("announced");

	// The record reaches the DHT in the background: ask until it is found.
	let started = Instant::now();
	let found = loop {
		let found = player.network.find_providers(&host_key(&contributor)).await.expect("running");
		if !found.is_empty() {
			break found;
		}
		assert!(started.elapsed() < TIMEOUT, "the host was never found");
		tokio::time::sleep(std::time::Duration::from_millis(100)).await;
	};
	assert_eq!(found, vec![host.id()]);
	// Nobody provides another account's key.
	assert!(player.network.find_providers(&host_key(&[8; 32])).await.expect("running").is_empty());

	let mut stream =
		player.network.streams().open_stream(host.id(), protocol).await.expect("a stream");
	let package = SessionPackage {
		world: Hash32([2; 32]),
		width: 64,
		height: 64,
		fps: 30,
		max_minutes: 1,
		max_latency_ms: 100,
	};
	let hello = ToHost::Hello { session: 3, package, signature: [1; 64] };
	write_message(&mut stream, &hello).await.expect("sent");
	let (from, mut accepted) =
		tokio::time::timeout(TIMEOUT, incoming.next()).await.expect("in time").expect("a stream");
	assert_eq!(from, player.id());
	assert_eq!(read_message::<_, ToHost>(&mut accepted).await.expect("read"), hello);
}
