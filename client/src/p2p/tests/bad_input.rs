use super::*;
use crate::{
	p2p::{
		chunk_exchange::MAX_REQUEST_BYTES, flood::ALLOWANCES, ChatLine, ChunkRequest,
		ChunkResponse, EditDelta, EditWithdrawal, Offence, PlayerMove, RequestError, WorldMessage,
	},
	region::RegionCoord,
};
use codec::Encode;
use playnet_primitives::{world::blocks::BRICK, BlockEdit, ChunkCoord, ContentHash};
use subxt_signer::sr25519::dev;

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
		signature: [0; 64],
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
async fn a_delta_in_someone_elses_name_is_neither_delivered_nor_forwarded() {
	let mut liar = Peer::start(MapSource::default(), &[]).await;
	let mut relay = Peer::start(MapSource::default(), &[&liar]).await;
	let mut player = Peer::start(MapSource::default(), &[&relay]).await;
	let region = RegionCoord::new(0, 0);
	for peer in [&liar, &relay, &player] {
		peer.network.subscribe(region).await.unwrap();
	}
	let (relay_id, player_id) = (relay.id(), player.id());
	liar.expect("the relay joining", |e| {
		matches!(e, NetworkEvent::PeerSubscribed { peer, .. } if *peer == relay_id).then_some(())
	})
	.await;
	relay
		.expect("the player joining", |e| {
			matches!(e, NetworkEvent::PeerSubscribed { peer, .. } if *peer == player_id)
				.then_some(())
		})
		.await;

	// The liar signs with its own key a delta that names Alice, and withdraws Alice's
	// delta in her name.
	let (alice, liar_key) = (dev::alice(), dev::eve());
	let honest = EditDelta {
		account: [0; 32],
		coord: ChunkCoord::new(1, 4, 1),
		base_version: 0,
		edits: vec![BlockEdit { x: 0, y: 0, z: 0, block: BRICK }],
		timestamp_ms: 0,
		signature: [0; 64],
	}
	.signed(&alice, "local");
	let forged =
		EditDelta { account: alice.public_key().0, ..honest.clone().signed(&liar_key, "local") };
	let mut withdrawal = EditWithdrawal {
		coord: honest.coord,
		id: ContentHash::of(b"alice's submission"),
		author: alice.public_key().0,
		signature: [0; 64],
	};
	withdrawal.signature = liar_key.sign(&withdrawal.signing_payload("local")).0;
	let liar_id = liar.id();
	for (strikes, message) in
		[WorldMessage::Edits(forged), WorldMessage::Withdrawn(withdrawal)].into_iter().enumerate()
	{
		let bytes = message.encode();
		liar.command(|reply| Command::PublishRaw(region, bytes, reply)).await.unwrap();
		relay
			.expect("a penalty", |e| match e {
				NetworkEvent::Gossip { .. } => panic!("a forged message was delivered: {e:?}"),
				NetworkEvent::PeerPenalised { peer, offence, strikes: s, .. }
					if *peer == liar_id =>
				{
					assert_eq!(*offence, Offence::MalformedGossip);
					assert_eq!(*s, strikes as u32 + 1);
					Some(())
				}
				_ => None,
			})
			.await;
	}
	// Alice's own delta passes, and is the first gossip the player gets: the forged ones
	// were not forwarded.
	liar.network.publish(region, WorldMessage::Edits(honest.clone())).await.unwrap();
	let got = player
		.expect("Alice's delta", |e| match e {
			NetworkEvent::Gossip { message, .. } => Some(message.clone()),
			_ => None,
		})
		.await;
	assert_eq!(got, WorldMessage::Edits(honest));
}

#[tokio::test]
async fn a_peer_that_floods_valid_messages_is_cut_off_and_dropped() {
	let mut flooder = Peer::start(MapSource::default(), &[]).await;
	let mut victim = Peer::start(MapSource::default(), &[&flooder]).await;
	let region = RegionCoord::new(0, 0);
	flooder.network.subscribe(region).await.unwrap();
	victim.network.subscribe(region).await.unwrap();
	let victim_id = victim.id();
	flooder
		.expect("the victim joining", |e| {
			matches!(e, NetworkEvent::PeerSubscribed { peer, .. } if *peer == victim_id)
				.then_some(())
		})
		.await;

	// Valid moves, each its own, four times as many at once as a player may send.
	let burst = ALLOWANCES[0].burst as usize;
	for n in 0..burst * 4 {
		let step = PlayerMove {
			position: [16 * 16, 64 * 16, 16 * 16],
			yaw: 0,
			pitch: 0,
			timestamp_ms: n as u64,
		};
		// Once the victim drops the flooder, it has nobody left to publish to.
		if flooder.network.publish(region, WorldMessage::Move(step)).await.is_err() {
			break;
		}
	}
	let flooder_id = flooder.id();
	let mut delivered = 0;
	let strikes = victim
		.expect("the flooder dropped", |e| match e {
			NetworkEvent::Gossip { author, .. } if *author == flooder_id => {
				delivered += 1;
				None
			}
			NetworkEvent::PeerPenalised { peer, offence, strikes, dropped: true }
				if *peer == flooder_id =>
			{
				assert_eq!(*offence, Offence::Flooding);
				Some(*strikes)
			}
			_ => None,
		})
		.await;
	assert_eq!(strikes, 3);
	// The burst, and what the rate added while the flood arrived.
	assert!(delivered >= burst && delivered <= burst + 2, "{delivered} of {} delivered", burst * 4);
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
