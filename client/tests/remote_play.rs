//! A cheating contributor against a real `playnet-node --dev`: its host streams honest frames,
//! then paints one tile of every frame and signs the hashes of what it sends. The player
//! (`remote::playing`, in-process) shows those frames (they pass checks 1-4), catches the
//! painted tile with a spot check, settles its receipt and proves the tile wrong on chain:
//! the contributor's part is disputed, a quarter of its bond slashed, and the player pays it
//! nothing.

use anyhow::{bail, ensure, Context, Result};
use futures::{AsyncReadExt, StreamExt};
use libp2p::StreamProtocol;
use playnet_chain_access::{
	accounts, key_from_uri,
	sessions::{self, publish_offer, Resources},
	subxt::dynamic,
	Connection, Endpoint, Signer,
};
use playnet_client::{
	cache::ChunkCache,
	chain::WorldConnection,
	p2p::NetworkConfig,
	play::render::View,
	remote::{
		host::FrameProducer,
		host_key,
		playing::{play_remote, RemoteOptions},
		wire::{read_message, scene_id, write_message, ToHost, ToPlayer, PROTOCOL},
	},
	session::{GameSession, SessionConfig},
	view::view_coords,
};
use playnet_primitives::{proof::tile::tile_rect, Hash32, KERNEL_VERSION};
use playnet_renderer::{Backend, Renderer};
use playnet_tests::{within, NodeBuilder};
use std::{sync::Arc, time::Duration};
use tempfile::TempDir;

const TEST_TIMEOUT: Duration = Duration::from_secs(420);
const PGT: u128 = 1_000_000_000_000;
const IN_BLOCK: Duration = Duration::from_secs(60);
/// The first frame the host paints.
const PAINT_FROM: u64 = 6;

async fn world(
	ws: &str,
	suri: &str,
	bootstrap: Option<&GameSession>,
) -> Result<(GameSession, TempDir)> {
	let dir = tempfile::tempdir()?;
	let chain =
		WorldConnection::connect(&Endpoint::Node(ws.to_owned()), key_from_uri(suri)?).await?;
	let cache = Arc::new(ChunkCache::open(dir.path(), 64 << 20)?);
	let network = NetworkConfig {
		listen: vec!["/ip4/127.0.0.1/tcp/0".parse()?],
		bootstrap: bootstrap.map(|b| b.network().listen_addrs()[0].clone()).into_iter().collect(),
		gossip_heartbeat: Duration::from_millis(100),
		request_timeout: Duration::from_secs(5),
		dht_refresh: Duration::from_secs(1),
		..NetworkConfig::default()
	};
	let session = GameSession::start(
		Arc::new(chain),
		network,
		cache.clone(),
		cache,
		SessionConfig::default(),
	)
	.await?;
	Ok((session, dir))
}

/// Serves one stream: honest frames up to [`PAINT_FROM`], then tile 1 painted magenta in
/// every frame, each signed as it is sent.
async fn painting_host(world: GameSession, signer: Signer, genesis: [u8; 32]) -> Result<()> {
	let mut incoming =
		world.network().streams().accept(StreamProtocol::new(PROTOCOL)).context("accepting")?;
	world.network().provide(&host_key(&signer.account())).await?;
	let (_, stream) = incoming.next().await.context("no stream")?;
	let (mut reader, mut writer) = stream.split();
	let ToHost::Hello { session, package, .. } = read_message(&mut reader).await? else {
		bail!("no hello");
	};
	let renderer = Renderer::new(Backend::Cpu, Some(1))?;
	let (width, height) = (package.width, package.height);
	let mut producer =
		FrameProducer::new(session, genesis, signer.keypair().clone(), width, height);
	let mut announced = None;
	while let Ok(message) = read_message::<_, ToHost>(&mut reader).await {
		let ToHost::Input { seq, pose } = message else { continue };
		let position = pose.position.map(|p| p >> 16);
		for coord in view_coords(position) {
			world.ensure_chunk(coord).await?;
		}
		let view = View::capture(&world, position, None, 0)
			.map_err(anyhow::Error::msg)?
			.context("a view")?;
		let id = scene_id(&view.scene_chunks);
		if announced != Some(id) {
			let chunks = view.scene_chunks.clone();
			write_message(&mut writer, &ToPlayer::Scene { id, chunks }).await?;
			announced = Some(id);
		}
		let views = producer.views(&view.scene_chunks);
		let mut pixels = renderer.bind(&view.scene)?.render_frame(&views.camera(pose))?;
		if producer.next_seq() >= PAINT_FROM {
			let rect = tile_rect(width, height, 1).context("tile 1")?;
			for y in rect.y..rect.y + rect.height {
				for x in rect.x..rect.x + rect.width {
					pixels[(y * width + x) as usize] = 0xffff_00ff;
				}
			}
		}
		let (frame, _) = producer.seal(&renderer, &pixels, id, views.task_id(pose), seq, pose);
		if write_message(&mut writer, &ToPlayer::Frame(frame)).await.is_err() {
			break;
		}
	}
	Ok(())
}

#[tokio::test]
async fn a_host_that_paints_a_tile_is_caught_disputed_and_slashed() -> Result<()> {
	within(TEST_TIMEOUT, "the cheating host test", async {
		let node = NodeBuilder::dev("remote-play-cheat").spawn().await?;
		let ws = node.ws_url();
		let connection = Connection::connect(&Endpoint::Node(ws.clone())).await?;
		let genesis = connection.genesis_hash();
		let dave = Signer::new(key_from_uri("//Dave")?);
		let bond = dynamic::tx("Stake", "bond", (100 * PGT,));
		dave.submit_and_wait(&connection, "Stake::bond", &bond, IN_BLOCK).await?;
		let resources = Resources {
			kernel_version: KERNEL_VERSION,
			max_width: 320,
			max_height: 180,
			max_fps: 30,
		};
		let offer = publish_offer(&connection, Hash32::of(b"a painter"), resources, PGT).await?;
		let published =
			dave.submit_and_wait(&connection, "Sessions::publish_offer", &offer, IN_BLOCK).await?;
		node.wait_for_finalized(published.block_number, IN_BLOCK).await?;
		let held_before = accounts::balances(&connection, &dave.account()).await?.reserved;

		let (host_world, _host_dir) = world(&ws, "//Dave", None).await?;
		let (player_world, _player_dir) = world(&ws, "//Eve", Some(&host_world)).await?;
		let host =
			tokio::spawn(painting_host(host_world, Signer::new(key_from_uri("//Dave")?), genesis));

		// Dave accepts the session the player opens.
		let player = Signer::new(key_from_uri("//Eve")?);
		let options = RemoteOptions {
			width: 128,
			height: 64,
			fps: 10,
			max_minutes: 2,
			max_latency_ms: 2_000,
			max_price_per_minute: PGT,
			contributor: Some(dave.account()),
			backup: None,
			// Every frame checked: the painted one is caught at once.
			spot_check_share: 1.0,
			play_for: Duration::from_secs(30),
			frames_dir: None,
		};
		let playing = play_remote(&player_world, &connection, &player, options);
		let accepting = async {
			loop {
				for id in 0..4 {
					if let Some(summary) = sessions::session(&connection, id).await? {
						if summary
							.parts
							.iter()
							.any(|p| p.contributor == dave.account() && !p.accepted)
						{
							let call = sessions::accept_session(&connection, id).await?;
							dave.submit_and_wait(
								&connection,
								"Sessions::accept_session",
								&call,
								IN_BLOCK,
							)
							.await?;
							return anyhow::Ok(id);
						}
					}
				}
				tokio::time::sleep(Duration::from_millis(500)).await;
			}
		};
		let (played, accepted) = tokio::join!(playing, accepting);
		let session = played?;
		ensure!(accepted? == session);
		host.abort();

		// Once finalized: Dave's part is disputed and a quarter of his bond is gone.
		let disputed = async {
			loop {
				let summary =
					sessions::session(&connection, session).await?.context("the session")?;
				if summary.parts.iter().all(|p| p.disputed) {
					return anyhow::Ok(());
				}
				tokio::time::sleep(Duration::from_secs(1)).await;
			}
		};
		within(IN_BLOCK, "the dispute finalized", disputed).await?;
		let held_after = accounts::balances(&connection, &dave.account()).await?.reserved;
		ensure!(
			held_after <= held_before - 25 * PGT,
			"a quarter of the bond is slashed: {held_before} -> {held_after}"
		);
		Ok(())
	})
	.await
}
