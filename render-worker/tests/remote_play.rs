//! Cloud gaming end to end on loopback: a dev node, two `playnet-render host` processes (//Dave,
//! the cheaper, and //Ferdie, its backup) and one `playnet-client play --remote` player
//! (//Eve). The session opens with Dave, frames flow and pass the player's checks, Dave's
//! receipts are settled; Dave is killed (SIGKILL), the player moves the session to Ferdie and
//! play goes on; the session ends and its dues are fixed exactly: escrow = due + refund, each
//! contributor owed its rate times the play its settled receipt covers.
//!
//! The player reaches Dave through a loopback proxy that, for a second, delays Dave's bytes
//! past the session's latency bound: play pauses (the late frames are shown, not paid), goes
//! on with Dave after it, and Dave's settled receipt covers none of the gap.
//!
//! A second test plays in the game's window under Xvfb (the first plays `--headless`): the
//! window shows the host's frames of the camera its player steers, equal to the CPU
//! reference's, and closing it ends the session.

use anyhow::{bail, ensure, Context, Result};
use playnet_chain_access::{
	accounts::parse_pgt,
	key_from_uri,
	sessions::{self, SessionPhase},
	subxt::dynamic,
	Connection, Endpoint, Signer,
};
use playnet_primitives::session::payment;
use playnet_tests::{within, NodeBuilder};
use std::{
	path::PathBuf,
	process::Stdio,
	sync::Arc,
	time::{Duration, Instant},
};
use tokio::{
	io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
	net::{TcpListener, TcpStream},
	process::{Child, Command},
	sync::mpsc,
};

const TEST_TIMEOUT: Duration = Duration::from_secs(600);
const PGT: u128 = 1_000_000_000_000;
const IN_BLOCK: Duration = Duration::from_secs(60);
/// The session's latency bound, input to frame.
const MAX_LATENCY: Duration = Duration::from_millis(500);
/// How long the proxy holds Dave's bytes back, and for how long it does: every frame of that
/// stretch comes past the bound, and the stream has no frame in time for about the sum, 1.5 s:
/// half the player's 3 s stall limit, so it pauses rather than leaves Dave even when a loaded
/// machine delays the player's reading by a second.
const HELD_BACK: Duration = Duration::from_millis(1_000);
const HOLDING_FOR: Duration = Duration::from_millis(500);

/// A program under test: its stdout lines as they come, its stderr in a file.
struct Program {
	name: &'static str,
	child: Child,
	lines: mpsc::UnboundedReceiver<String>,
	seen: Vec<String>,
	stderr: PathBuf,
}

impl Program {
	fn spawn(name: &'static str, mut command: Command, dir: &std::path::Path) -> Result<Program> {
		let stderr = dir.join(format!("{name}.stderr"));
		let mut child = command
			.stdout(Stdio::piped())
			.stderr(std::fs::File::create(&stderr)?)
			.kill_on_drop(true)
			.spawn()
			.with_context(|| format!("starting {name}"))?;
		let mut stdout = BufReader::new(child.stdout.take().context("stdout")?).lines();
		let (sender, lines) = mpsc::unbounded_channel();
		tokio::spawn(async move {
			while let Ok(Some(line)) = stdout.next_line().await {
				if sender.send(line).is_err() {
					break;
				}
			}
		});
		Ok(Program { name, child, lines, seen: Vec::new(), stderr })
	}

	/// Waits for the first line containing `wanted`.
	async fn expect(&mut self, wanted: &str, timeout: Duration) -> Result<String> {
		let found = tokio::time::timeout(timeout, async {
			while let Some(line) = self.lines.recv().await {
				self.seen.push(line.clone());
				if line.contains(wanted) {
					return Some(line);
				}
			}
			None
		})
		.await;
		match found {
			Ok(Some(line)) => Ok(line),
			_ => bail!(
				"{} printed no {wanted:?} within {timeout:?}; stdout: {:#?}\nstderr: {}",
				self.name,
				self.seen,
				std::fs::read_to_string(&self.stderr).unwrap_or_default()
			),
		}
	}

	/// The lines printed so far, those not waited for included.
	fn printed(&mut self) -> &[String] {
		while let Ok(line) = self.lines.try_recv() {
			self.seen.push(line);
		}
		&self.seen
	}
}

/// A loopback TCP proxy in front of a host: the player reaches the host through it, and the
/// test can hold the host's bytes back for a while, as a congested network would.
struct DelayingProxy {
	port: u16,
	delay: Arc<std::sync::Mutex<Option<Duration>>>,
}

impl DelayingProxy {
	/// A proxy to `127.0.0.1:target`, passing bytes through until told to delay them.
	async fn start(target: u16) -> Result<DelayingProxy> {
		let listener = TcpListener::bind("127.0.0.1:0").await?;
		let port = listener.local_addr()?.port();
		let delay = Arc::new(std::sync::Mutex::new(None::<Duration>));
		let delays = delay.clone();
		tokio::spawn(async move {
			while let Ok((player, _)) = listener.accept().await {
				let Ok(host) = TcpStream::connect(("127.0.0.1", target)).await else { continue };
				let (mut player_read, player_write) = player.into_split();
				let (host_read, mut host_write) = host.into_split();
				tokio::spawn(async move {
					let _ = tokio::io::copy(&mut player_read, &mut host_write).await;
				});
				tokio::spawn(delayed_copy(host_read, player_write, delays.clone()));
			}
		});
		Ok(DelayingProxy { port, delay })
	}

	/// From now on every byte from the host reaches the player `delay` late (`None`: on
	/// time again; bytes already held keep their order).
	fn set_delay(&self, delay: Option<Duration>) {
		*self.delay.lock().unwrap() = delay;
	}
}

/// Copies `from` to `to`, each read forwarded at its read time plus the delay set then.
async fn delayed_copy(
	mut from: tokio::net::tcp::OwnedReadHalf,
	mut to: tokio::net::tcp::OwnedWriteHalf,
	delay: Arc<std::sync::Mutex<Option<Duration>>>,
) {
	let (held, mut release) = mpsc::unbounded_channel::<(tokio::time::Instant, Vec<u8>)>();
	tokio::spawn(async move {
		while let Some((at, bytes)) = release.recv().await {
			tokio::time::sleep_until(at).await;
			if to.write_all(&bytes).await.is_err() {
				break;
			}
		}
		let _ = to.shutdown().await;
	});
	let mut buffer = vec![0u8; 64 * 1024];
	loop {
		match from.read(&mut buffer).await {
			Ok(0) | Err(_) => break,
			Ok(read) => {
				let delay = delay.lock().unwrap().unwrap_or_default();
				let at = tokio::time::Instant::now() + delay;
				if held.send((at, buffer[..read].to_vec())).is_err() {
					break;
				}
			}
		}
	}
}

/// A field `name=value` of an event line.
fn field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
	line.split_whitespace().find_map(|word| word.strip_prefix(name)?.strip_prefix('='))
}

/// The client binary, built beside the render worker's.
fn client_binary() -> Result<PathBuf> {
	let exe = PathBuf::from(env!("CARGO_BIN_EXE_playnet-render"));
	let client = exe.with_file_name(format!("playnet-client{}", std::env::consts::EXE_SUFFIX));
	ensure!(client.is_file(), "{} is missing: build it with ./scripts/build.sh", client.display());
	Ok(client)
}

fn host(ws: &str, suri: &str, price: &str, dir: &std::path::Path, bootstrap: &[&str]) -> Command {
	let mut command = Command::new(env!("CARGO_BIN_EXE_playnet-render"));
	command
		.args(["--backend", "cpu", "--threads", "1", "host", "--node", ws, "--suri", suri])
		.args(["--price", price, "--max-size", "320x180", "--max-fps", "30"])
		.args(["--listen", "/ip4/127.0.0.1/tcp/0", "--settle-every", "4"])
		.arg("--cache-dir")
		.arg(dir.join(suri.trim_start_matches('/')));
	for peer in bootstrap {
		command.args(["--bootstrap", peer]);
	}
	command
}

/// Bonds 100 PGT for `suri`: a host must be a bonded contributor.
async fn bond(connection: &Connection, suri: &str) -> Result<()> {
	let signer = Signer::new(key_from_uri(suri)?);
	let bond = dynamic::tx("Stake", "bond", (100 * PGT,));
	signer.submit_and_wait(connection, "Stake::bond", &bond, IN_BLOCK).await?;
	Ok(())
}

/// Starts `suri`'s host and waits until it is ready: the program and its first address.
async fn start_host(
	name: &'static str,
	ws: &str,
	suri: &str,
	price: &str,
	dir: &std::path::Path,
	bootstrap: &[&str],
) -> Result<(Program, String)> {
	let mut program = Program::spawn(name, host(ws, suri, price, dir, bootstrap), dir)?;
	let ready = program.expect("ready peer=", IN_BLOCK).await?;
	let addr = field(&ready, "addrs").context("addrs")?.split(',').next().unwrap().to_owned();
	Ok((program, addr))
}

#[tokio::test]
async fn a_session_streams_moves_to_the_backup_when_its_host_dies_and_settles_exactly() -> Result<()>
{
	within(TEST_TIMEOUT, "the remote-play test", async {
		let dir = tempfile::tempdir()?;
		let node = NodeBuilder::dev("remote-play").spawn().await?;
		let ws = node.ws_url();
		let connection = Connection::connect(&Endpoint::Node(ws.clone())).await?;
		for suri in ["//Dave", "//Ferdie"] {
			bond(&connection, suri).await?;
		}

		let (mut dave, dave_addr) =
			start_host("dave", &ws, "//Dave", "0.5", dir.path(), &[]).await?;
		// The player's way to Dave: /ip4/127.0.0.1/tcp/<port>/p2p/<peer> through the proxy.
		let parts: Vec<&str> = dave_addr.split('/').collect();
		ensure!(parts.len() == 7 && parts[1] == "ip4" && parts[3] == "tcp", "{dave_addr}");
		let proxy = DelayingProxy::start(parts[4].parse()?).await?;
		let dave_via_proxy = format!("/ip4/127.0.0.1/tcp/{}/p2p/{}", proxy.port, parts[6]);
		let (mut ferdie, ferdie_addr) =
			start_host("ferdie", &ws, "//Ferdie", "1", dir.path(), &[&dave_addr]).await?;
		// The offers are read at the finalized block.
		node.wait_for_finalized(node.best_number().await?, IN_BLOCK).await?;

		let frames = dir.path().join("frames");
		let mut player = Command::new(client_binary()?);
		player
			.args(["--node", &ws, "--suri", "//Eve", "--listen", "/ip4/127.0.0.1/tcp/0"])
			.args(["--bootstrap", &dave_via_proxy, "--bootstrap", &ferdie_addr])
			.arg("--cache-dir")
			.arg(dir.path().join("eve"))
			.args(["play", "--remote", "--headless", "--size", "160x96", "--fps", "10"])
			.args(["--minutes", "2"])
			.args(["--max-latency-ms", &MAX_LATENCY.as_millis().to_string()])
			.args(["--max-price", "1", "--seconds", "20"])
			.arg("--frames-dir")
			.arg(&frames);
		let mut player = Program::spawn("player", player, dir.path())?;
		let opened = player.expect("event remote opened", Duration::from_secs(120)).await?;
		let session: u64 = field(&opened, "session").context("session")?.parse()?;
		let dave_hex = hex::encode(key_from_uri("//Dave")?.public_key().0);
		ensure!(field(&opened, "contributor") == Some(dave_hex.as_str()), "{opened}");
		player.expect("event remote streaming", Duration::from_secs(120)).await?;
		let streaming = Instant::now();
		let settled = format!("event host settled session={session}");
		dave.expect(&settled, Duration::from_secs(120)).await?;

		// The network to Dave slows past the bound for a while, then recovers; Dave streams
		// and settles on after the pause.
		proxy.set_delay(Some(HELD_BACK));
		tokio::time::sleep(HOLDING_FOR).await;
		proxy.set_delay(None);
		let resumed = Instant::now();
		let after = loop {
			let line = match dave.expect(&settled, Duration::from_secs(60)).await {
				Ok(line) => line,
				Err(error) => bail!("{error:#}\nthe player printed: {:#?}", player.printed()),
			};
			if resumed.elapsed() > HELD_BACK + Duration::from_secs(1) {
				break line;
			}
		};
		ensure!(
			!player.printed().iter().any(|line| line.contains("event remote stream-ended")),
			"the pause ended the stream: {:#?}",
			player.printed()
		);

		// Dave dies mid-stream; Ferdie takes over.
		dave.child.start_kill()?;
		let dave_streamed = streaming.elapsed();
		player.expect("event remote switched", Duration::from_secs(60)).await?;
		let dave_stats = player
			.printed()
			.iter()
			.find(|line| line.contains("event remote stats"))
			.cloned()
			.context("the stats of Dave's stream")?;
		eprintln!("Dave's stream (with the delayed second): {dave_stats}");
		let count = |name: &str| -> Result<u64> {
			Ok(field(&dave_stats, name).context("a field")?.parse()?)
		};
		ensure!(
			count("frames")? - count("paid")? >= 5,
			"the frames of the delayed second came late and were not paid: {dave_stats}"
		);
		ferdie.expect(&format!("event host accepted session={session}"), IN_BLOCK).await?;
		player.expect("event remote streaming", Duration::from_secs(120)).await?;
		let stats = player.expect("event remote stats", Duration::from_secs(120)).await?;
		eprintln!("Ferdie's stream: {stats}");
		let ended = player.expect("event remote ended", Duration::from_secs(120)).await?;
		ferdie.expect(&format!("event host ended session={session}"), IN_BLOCK).await?;
		ensure!(field(&ended, "session") == Some(session.to_string().as_str()), "{ended}");
		let shown = std::fs::read_dir(&frames)?.count();
		ensure!(shown >= 5, "only {shown} frames written: {stats}");

		// The dues, once fixed: each part its rate times what its receipt covers.
		let summary = loop {
			let summary = sessions::session(&connection, session).await?.context("the session")?;
			if summary.phase == SessionPhase::Settled {
				break summary;
			}
			tokio::time::sleep(Duration::from_secs(3)).await;
		};
		ensure!(summary.parts.len() == 2, "{summary:?}");
		let (first, second) = (&summary.parts[0], &summary.parts[1]);
		ensure!(
			first.served_ms > 0 && second.served_ms > 0,
			"both were paid for play: {summary:?}"
		);
		ensure!(first.rate == parse_pgt("0.5").unwrap() && second.rate == PGT, "{summary:?}");
		// Dave was paid for his stream less the pause: no frame in time came for at least
		// the time the proxy held bytes back, and a frame after a gap adds two intervals.
		let settled_after: u64 = field(&after, "served_ms").context("served_ms")?.parse()?;
		ensure!(
			first.served_ms >= settled_after,
			"the settlement after the pause stands: {summary:?} {after}"
		);
		ensure!(
			Duration::from_millis(first.served_ms) + HOLDING_FOR <= dave_streamed,
			"Dave was paid {} ms of a {dave_streamed:?} stream with a {HOLDING_FOR:?} pause",
			first.served_ms
		);
		let due = payment(first.rate, first.served_ms) + payment(second.rate, second.served_ms);
		ensure!(summary.escrow == due, "the escrow kept is exactly the dues: {summary:?} {due}");
		Ok(())
	})
	.await
}

/// The player's window under Xvfb (`play --remote`): the frames it shows come from the host,
/// for the camera the player steers with the mouse, and equal pixel for pixel what the CPU
/// reference renders from the chain's chunks and the frame's camera (F2 writes the shown
/// frame's view spec); closing the window ends the session on chain.
#[tokio::test]
async fn the_window_streams_the_view_its_player_steers_and_ends_the_session_when_closed(
) -> Result<()> {
	use playnet_chain_access::world::WorldChain;
	use playnet_client::{
		chain::WorldConnection,
		world_state::{chunk_from_bytes, hash_of},
	};
	use playnet_primitives::{render::frame::render_frame, Chunk, ChunkCoord, RenderSpec, Scene};
	use playnet_tests::xvfb::{keysym, Xvfb};
	use std::collections::HashMap;

	const WIDTH: u32 = 320;
	const HEIGHT: u32 = 180;

	/// F2, with the window's pixels read back from the X server before and after: the view
	/// spec of the shown frame and the pixels, once two reads agree (a frame may come between).
	async fn shown_frame(
		player: &mut Program,
		display: &Xvfb,
		window: u32,
	) -> Result<(RenderSpec, Vec<u32>)> {
		for _ in 0..5 {
			let (_, _, before) = display.screenshot(window)?;
			display.tap(keysym::F2, Duration::from_millis(50))?;
			let shot = player.expect("event screenshot", Duration::from_secs(10)).await?;
			let (width, height, after) = display.screenshot(window)?;
			ensure!((width, height) == (WIDTH, HEIGHT), "the window is {width}x{height}");
			if before == after {
				let spec = std::fs::read(field(&shot, "spec").context("spec")?)?;
				return Ok((serde_json::from_slice(&spec)?, after));
			}
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
		bail!("the window never held one frame for the length of a screenshot")
	}

	/// How many of the window's pixels (`0x00RRGGBB`) differ from the CPU reference's frame of
	/// `spec`, rendered from the chain's chunks (each checked against the spec's hash).
	async fn differing(
		chain: &WorldConnection,
		spec: &RenderSpec,
		window: &[u32],
	) -> Result<usize> {
		spec.validate()?;
		ensure!((spec.width, spec.height) == (WIDTH, HEIGHT), "{}x{}", spec.width, spec.height);
		let mut chunks: HashMap<ChunkCoord, Chunk> = HashMap::new();
		for scene_chunk in &spec.scene {
			let held = chain.chunk(scene_chunk.coord).await?;
			let chunk = chunk_from_bytes(&held.bytes).context("a chain chunk decodes")?;
			ensure!(
				hash_of(&chunk) == scene_chunk.content_hash,
				"the host drew chunk {:?} unlike the chain's",
				scene_chunk.coord
			);
			chunks.insert(scene_chunk.coord, chunk);
		}
		let refs: Vec<(ChunkCoord, &Chunk)> =
			spec.scene.iter().map(|s| (s.coord, &chunks[&s.coord])).collect();
		let frame = render_frame(&Scene::from_chunks(&refs)?, spec, 0).pixels;
		Ok(frame
			.iter()
			.zip(window)
			.filter(|(p, shown)| {
				((*p & 0xff) << 16) | (*p & 0xff00) | ((*p >> 16) & 0xff) != **shown
			})
			.count())
	}

	within(TEST_TIMEOUT, "the remote window test", async {
		let dir = tempfile::tempdir()?;
		let node = NodeBuilder::dev("remote-window").spawn().await?;
		let ws = node.ws_url();
		let connection = Connection::connect(&Endpoint::Node(ws.clone())).await?;
		bond(&connection, "//Dave").await?;
		let (mut dave, dave_addr) =
			start_host("dave", &ws, "//Dave", "0.5", dir.path(), &[]).await?;
		node.wait_for_finalized(node.best_number().await?, IN_BLOCK).await?;

		let display = Xvfb::start(800, 600)?;
		let mut player = Command::new(client_binary()?);
		player
			.args(["--node", &ws, "--suri", "//Eve", "--listen", "/ip4/127.0.0.1/tcp/0"])
			.args(["--bootstrap", &dave_addr])
			.arg("--cache-dir")
			.arg(dir.path().join("eve"))
			.args(["play", "--remote", "--size", &format!("{WIDTH}x{HEIGHT}"), "--fps", "10"])
			.args(["--minutes", "2", "--max-price", "1", "--screenshots"])
			.arg(dir.path().join("shots"))
			.env("DISPLAY", display.display());
		let mut player = Program::spawn("player", player, dir.path())?;
		let line = player.expect("event window", Duration::from_secs(120)).await?;
		let window: u32 = field(&line, "id").context("id")?.parse()?;
		let opened = player.expect("event remote opened", Duration::from_secs(120)).await?;
		let session: u64 = field(&opened, "session").context("session")?.parse()?;
		player.expect("event remote streaming", Duration::from_secs(120)).await?;
		// The player stands in its world before or after the stream starts.
		if !player.printed().iter().any(|line| line.starts_with("event spawned")) {
			player.expect("event spawned", Duration::from_secs(120)).await?;
		}
		display.focus(window)?;
		display.pointer_to(WIDTH as i16 / 2, HEIGHT as i16 / 2)?;
		display.click(1)?;
		// The overlay off: the window shows the streamed frame alone.
		display.tap(keysym::F1, Duration::from_millis(50))?;
		tokio::time::sleep(Duration::from_secs(2)).await;

		let chain =
			WorldConnection::connect(&Endpoint::Node(ws.clone()), key_from_uri("//Bob")?).await?;
		let (first, pixels) = shown_frame(&mut player, &display, window).await?;
		let wrong = differing(&chain, &first, &pixels).await?;
		ensure!(wrong == 0, "{wrong} window pixels differ from the reference's frame of {first:?}");

		// The mouse turns the view (400 pixels: a radian or more); the host renders the turned
		// camera.
		for _ in 0..10 {
			display.pointer_by(40, 0)?;
			tokio::time::sleep(Duration::from_millis(20)).await;
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
		let (turned, pixels) = shown_frame(&mut player, &display, window).await?;
		let wrong = differing(&chain, &turned, &pixels).await?;
		ensure!(
			wrong == 0,
			"{wrong} window pixels differ from the reference's frame of {turned:?}"
		);
		let (before, after) = (first.camera_path[0], turned.camera_path[0]);
		let turn = (after.yaw - before.yaw).rem_euclid(65_536);
		let turn = turn.min(65_536 - turn);
		ensure!(
			turn >= 4_000,
			"the mouse turned the host's camera by {turn}/65536: {before:?} to {after:?}"
		);

		// Closing the window (Esc frees the mouse, Esc again closes) ends the session.
		display.tap(keysym::ESCAPE, Duration::from_millis(50))?;
		tokio::time::sleep(Duration::from_millis(300)).await;
		display.tap(keysym::ESCAPE, Duration::from_millis(50))?;
		let ended = player.expect("event remote ended", IN_BLOCK).await?;
		ensure!(field(&ended, "session") == Some(session.to_string().as_str()), "{ended}");
		let status = tokio::time::timeout(IN_BLOCK, player.child.wait()).await??;
		ensure!(status.success(), "the client exited with {status}");
		dave.expect(&format!("event host ended session={session}"), IN_BLOCK).await?;
		// Read at the finalized block: the end is there a block or two later.
		let deadline = Instant::now() + IN_BLOCK;
		loop {
			let summary = sessions::session(&connection, session).await?.context("the session")?;
			if matches!(summary.phase, SessionPhase::Closing | SessionPhase::Settled) {
				break;
			}
			ensure!(Instant::now() < deadline, "the session did not end: {summary:?}");
			tokio::time::sleep(Duration::from_secs(1)).await;
		}
		Ok(())
	})
	.await
}
