//! Cheating contributors against a real `playnet-node --dev`, each host in-process streaming
//! to a player (`remote::playing`, in-process) that spot-checks every frame:
//!
//! - a host that streams honest frames, then paints one tile of every frame and signs the
//!   hashes of what it sends: the player shows those frames (they pass checks 1-4), catches
//!   the painted tile with a spot check, settles its receipt and proves the tile wrong on
//!   chain: the contributor's part is disputed, a quarter of its bond slashed, and the player
//!   pays it nothing;
//! - a host that streams honest frames, then frames of a world of its own (one chunk of the
//!   scene replaced by one nobody holds, so no spot check can run): the player never finds
//!   that scene in its world, pays none of its frames and leaves the host.

use anyhow::{bail, ensure, Context, Result};
use codec::Decode;
use futures::{AsyncReadExt, StreamExt};
use libp2p::StreamProtocol;
use playnet_chain_access::{
	accounts, key_from_uri,
	sessions::{self, publish_offer, Receipt, Resources},
	subxt::dynamic,
	AccountBytes, Connection, Endpoint, Signer,
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
use std::{
	sync::Arc,
	time::{Duration, Instant},
};
use tempfile::TempDir;

const TEST_TIMEOUT: Duration = Duration::from_secs(420);
const PGT: u128 = 1_000_000_000_000;
const IN_BLOCK: Duration = Duration::from_secs(60);
/// The first frame the host cheats in.
const CHEAT_FROM: u64 = 6;

/// How the host cheats from frame [`CHEAT_FROM`] on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cheat {
	/// Tile 1 painted magenta in every frame.
	PaintTile,
	/// Frames of a scene whose first chunk nobody holds (rendered from the real chunks, which
	/// no check could tell).
	ForgeScene,
	/// Frames of the player's view announced as the scene eight chunks east of it: chunks the
	/// player never asked to see, which it would otherwise have to look for.
	FarScene,
}

/// What the host saw of its stream.
#[derive(Debug, Default)]
struct HostReport {
	/// Frames sent.
	sent: u64,
	/// Frames sent of a forged or far scene.
	forged: u64,
	/// The most frames a receipt from the player covered.
	receipted: u32,
}

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

/// Serves one stream: honest frames up to [`CHEAT_FROM`], then `cheat`, each frame signed as
/// it is sent.
async fn cheating_host(
	world: GameSession,
	signer: Signer,
	genesis: [u8; 32],
	cheat: Cheat,
) -> Result<HostReport> {
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
	let mut report = HostReport::default();
	while let Ok(message) = read_message::<_, ToHost>(&mut reader).await {
		let (seq, pose) = match message {
			ToHost::Input { seq, pose } => (seq, pose),
			ToHost::Receipt { receipt, .. } => {
				let receipt = Receipt::<AccountBytes>::decode(&mut &receipt[..])?;
				report.receipted = report.receipted.max(receipt.frames);
				continue;
			}
			_ => continue,
		};
		let cheating = producer.next_seq() >= CHEAT_FROM;
		let position = pose.position.map(|p| p >> 16);
		for coord in view_coords(position) {
			world.ensure_chunk(coord).await?;
		}
		let view = View::capture(&world, position, None, 0)
			.map_err(anyhow::Error::msg)?
			.context("a view")?;
		let mut chunks = view.scene_chunks.clone();
		if cheating && cheat == Cheat::ForgeScene {
			chunks[0].content_hash = Hash32::of(b"a chunk nobody holds");
			report.forged += 1;
		}
		if cheating && cheat == Cheat::FarScene {
			for chunk in &mut chunks {
				chunk.coord.x += 8;
			}
			report.forged += 1;
		}
		let id = scene_id(&chunks);
		if announced != Some(id) {
			write_message(&mut writer, &ToPlayer::Scene { id, chunks: chunks.clone() }).await?;
			announced = Some(id);
		}
		let views = producer.views(&chunks);
		let mut pixels = renderer.bind(&view.scene)?.render_frame(&views.camera(pose))?;
		if cheating && cheat == Cheat::PaintTile {
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
		report.sent += 1;
	}
	Ok(report)
}

/// A played session: the node, Dave's bond before it, the session, and Dave's host.
struct Played {
	/// Bound by name in the tests: the node lives as long as they do.
	_node: playnet_tests::Node,
	connection: Connection,
	dave: Signer,
	held_before: u128,
	session: u64,
	host: tokio::task::JoinHandle<Result<HostReport>>,
}

/// A dev node; Dave bonded, his offer published and his host cheating as told; Eve plays
/// against it, every frame spot-checked, until the stream ends (no backup).
async fn play_against(name: &str, cheat: Cheat) -> Result<Played> {
	let node = NodeBuilder::dev(name).spawn().await?;
	let ws = node.ws_url();
	let connection = Connection::connect(&Endpoint::Node(ws.clone())).await?;
	let genesis = connection.genesis_hash();
	let dave = Signer::new(key_from_uri("//Dave")?);
	let bond = dynamic::tx("Stake", "bond", (100 * PGT,));
	dave.submit_and_wait(&connection, "Stake::bond", &bond, IN_BLOCK).await?;
	let resources =
		Resources { kernel_version: KERNEL_VERSION, max_width: 320, max_height: 180, max_fps: 30 };
	let offer = publish_offer(&connection, Hash32::of(b"a cheat"), resources, PGT).await?;
	let published =
		dave.submit_and_wait(&connection, "Sessions::publish_offer", &offer, IN_BLOCK).await?;
	node.wait_for_finalized(published.block_number, IN_BLOCK).await?;
	let held_before = accounts::balances(&connection, &dave.account()).await?.reserved;

	let (host_world, _host_dir) = world(&ws, "//Dave", None).await?;
	let (player_world, _player_dir) = world(&ws, "//Eve", Some(&host_world)).await?;
	let host = tokio::spawn(cheating_host(
		host_world,
		Signer::new(key_from_uri("//Dave")?),
		genesis,
		cheat,
	));

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
		// Every frame checked: a wrong tile is caught at once.
		spot_check_share: 1.0,
		play_for: Duration::from_secs(30),
		frames_dir: None,
		screen: None,
	};
	let playing = play_remote(&player_world, &connection, &player, options);
	let accepting = async {
		loop {
			for id in 0..4 {
				if let Some(summary) = sessions::session(&connection, id).await? {
					if summary.parts.iter().any(|p| p.contributor == dave.account() && !p.accepted)
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
	Ok(Played { _node: node, connection, dave, held_before, session, host })
}

// Two workers: the host renders on the async threads, and must not hold up the player's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_paints_a_tile_is_caught_disputed_and_slashed() -> Result<()> {
	within(TEST_TIMEOUT, "the painting host test", async {
		let Played { _node, connection, dave, held_before, session, host } =
			play_against("remote-play-paint", Cheat::PaintTile).await?;
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

/// No receipt from the player and no payment on chain covers a frame past the honest ones.
async fn only_honest_frames_paid(
	report: &HostReport,
	connection: &Connection,
	dave: &Signer,
	session: u64,
) -> Result<()> {
	ensure!(
		u64::from(report.receipted) <= CHEAT_FROM,
		"only the honest frames are receipted: {report:?}"
	);
	let summary = sessions::session(connection, session).await?.context("the session")?;
	let part = summary.parts.iter().find(|p| p.contributor == dave.account());
	ensure!(
		part.is_none_or(|p| u64::from(p.frames) <= CHEAT_FROM),
		"the chain pays no frame past the honest ones: {summary:?}"
	);
	Ok(())
}

// Two workers: the host renders on the async threads, and must not hold up the player's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_renders_a_world_of_its_own_is_not_paid_for_it() -> Result<()> {
	within(TEST_TIMEOUT, "the forging host test", async {
		let started = Instant::now();
		let Played { _node, connection, dave, session, host, .. } =
			play_against("remote-play-forge", Cheat::ForgeScene).await?;
		let played = started.elapsed();
		let report = tokio::time::timeout(IN_BLOCK, host).await???;
		eprintln!("the forging host: {report:?}, played for {played:?}");
		// The forged scene's frames came (in time: the bound is 2 s), none was paid, and the
		// player left well before its 30 s of play.
		ensure!(report.forged >= 10, "the host streamed its own world: {report:?}");
		only_honest_frames_paid(&report, &connection, &dave, session).await
	})
	.await
}

// Two workers: the host renders on the async threads, and must not hold up the player's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_announces_a_scene_away_from_the_player_is_left_at_once() -> Result<()> {
	within(TEST_TIMEOUT, "the far-scene host test", async {
		let Played { _node, connection, dave, session, host, .. } =
			play_against("remote-play-far", Cheat::FarScene).await?;
		let report = tokio::time::timeout(IN_BLOCK, host).await???;
		eprintln!("the far-scene host: {report:?}");
		// The player refused the scene when it was announced, before looking for any of its
		// chunks, and left: staying for its 30 s of play at 10 fps would be some 300 frames
		// (the host still answers the inputs it had queued when the player left).
		ensure!(report.forged >= 1, "the host never announced its far scene: {report:?}");
		ensure!(report.sent < 100, "the player stayed: {report:?}");
		only_honest_frames_paid(&report, &connection, &dave, session).await
	})
	.await
}
