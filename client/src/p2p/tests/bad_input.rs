use super::*;
use crate::{
	p2p::{
		chunk_exchange::MAX_REQUEST_BYTES, ChatLine, ChunkRequest, ChunkResponse, EditDelta,
		Offence, RequestError, WorldMessage,
	},
	region::RegionCoord,
};
use codec::Encode;
use playnet_primitives::{world::blocks::BRICK, BlockEdit, ChunkCoord};

#[tokio::test]
async fn malformed_gossip_is_rejected_and_a_repeat_offender_is_dropped() {
	let mut offender = Peer::start(MapSource::default(), &[]).await;
	let mut victim = Peer::start(MapSource::default(), &[&offender]).await;
	let region = RegionCoord::new(0, 0);
	offender.network.subscribe(region).await.unwrap();
	victim.network.subscribe(region).await.unwrap();
	let victim_id = victim.id();
	offender
		.expect("the victim joining", |e| {
			matches!(e, NetworkEvent::PeerSubscribed { peer, .. } if *peer == victim_id)
				.then_some(())
		})
		.await;

	let wrong_region = WorldMessage::Edits(EditDelta {
		account: [1; 32],
		coord: ChunkCoord::new(40, 0, 0),
		base_version: 0,
		edits: vec![BlockEdit { x: 0, y: 0, z: 0, block: BRICK }],
		timestamp_ms: 0,
	});
	let too_long = WorldMessage::Chat(ChatLine { text: "x".repeat(1000), timestamp_ms: 0 });
	let bad_messages = [vec![0xff, 0x00, 0x13], wrong_region.encode(), too_long.encode()];
	let offender_id = offender.id();
	for (n, bytes) in bad_messages.into_iter().enumerate() {
		offender.command(|reply| Command::PublishRaw(region, bytes, reply)).await.unwrap();
		let strikes = n as u32 + 1;
		let dropped = victim
			.expect("a penalty", |e| match e {
				NetworkEvent::Gossip { .. } => panic!("malformed gossip was delivered: {e:?}"),
				NetworkEvent::PeerPenalised { peer, offence, strikes: s, dropped }
					if *peer == offender_id =>
				{
					assert_eq!(*offence, Offence::MalformedGossip);
					assert_eq!(*s, strikes);
					Some(*dropped)
				}
				_ => None,
			})
			.await;
		assert_eq!(dropped, strikes == 3, "dropped after {strikes} strikes");
	}
	victim
		.expect("the offender disconnected", |e| {
			matches!(e, NetworkEvent::PeerDisconnected(p) if *p == offender_id).then_some(())
		})
		.await;
}

#[tokio::test]
async fn an_oversized_chunk_request_is_rejected_and_counted() {
	let mut server = Peer::start(MapSource::default(), &[]).await;
	let mut client = Peer::start(MapSource::default(), &[&server]).await;
	let server_id = server.id();
	client.expect_connected(server_id).await;

	const { assert!(1000 > MAX_REQUEST_BYTES) };
	let bytes = vec![0u8; 1000];
	let response =
		client.command(|reply| Command::RawRequest(server_id, bytes, reply)).await.unwrap();
	assert_eq!(response, ChunkResponse::Rejected(RequestError::TooLarge(1000)));
	let client_id = client.id();
	let penalty = server
		.expect("a penalty", |e| match e {
			NetworkEvent::PeerPenalised { peer, offence, strikes, dropped }
				if *peer == client_id =>
			{
				Some((*offence, *strikes, *dropped))
			}
			_ => None,
		})
		.await;
	assert_eq!(penalty, (Offence::BadRequest, 1, false));
}

#[tokio::test]
async fn a_malformed_chunk_request_is_rejected() {
	let server = Peer::start(MapSource::default(), &[]).await;
	let mut client = Peer::start(MapSource::default(), &[&server]).await;
	let server_id = server.id();
	client.expect_connected(server_id).await;
	let response =
		client.command(|reply| Command::RawRequest(server_id, vec![9, 9, 9], reply)).await.unwrap();
	assert_eq!(response, ChunkResponse::Rejected(RequestError::Malformed));
}

#[tokio::test]
async fn an_unknown_hash_is_answered_not_found() {
	let server = Peer::start(MapSource::default(), &[]).await;
	let mut client = Peer::start(MapSource::default(), &[&server]).await;
	let server_id = server.id();
	client.expect_connected(server_id).await;
	let request = ChunkRequest::ByHash(filled_chunk(1).0).encode();
	let response =
		client.command(|reply| Command::RawRequest(server_id, request, reply)).await.unwrap();
	assert_eq!(response, ChunkResponse::NotFound);
}
