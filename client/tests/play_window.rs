//! The game's window under Xvfb: a player walks, looks down with the mouse and places a block
//! with scripted X input; the block lands on chain; and a screenshot of the window, read back
//! from the X server with the overlay hidden, equals pixel for pixel the frame the CPU
//! reference renders from the chain's chunks and the camera the window reports (F2).
//!
//! Set `PLAYNET_KEEP_SHOTS=1` to keep the window's screenshots (with and without the overlay);
//! the path is printed.

use anyhow::{bail, ensure, Context, Result};
use playnet_chain_access::{key_from_uri, Endpoint};
use playnet_client::{
	chain::{WorldChain, WorldConnection},
	world_state::{chunk_from_bytes, hash_of, locate},
};
use playnet_primitives::{
	render::{frame::render_frame, spec::MAX_PITCH},
	Chunk, ChunkCoord, RenderSpec, Scene,
};
use playnet_tests::{
	within,
	xvfb::{keysym, Xvfb},
	Node, NodeBuilder,
};
use std::{
	collections::HashMap,
	path::Path,
	process::Stdio,
	time::{Duration, Instant},
};
use tokio::{
	io::{AsyncBufReadExt, BufReader, Lines},
	process::{Child, ChildStdout, Command},
};

const TEST_TIMEOUT: Duration = Duration::from_secs(300);
/// The window, and the scale it renders at on the CPU path.
const WIDTH: u32 = 640;
const HEIGHT: u32 = 360;
const SCALE: u32 = 2;

/// The client's stdout, line by line, remembered for the failure message.
struct Output {
	lines: Lines<BufReader<ChildStdout>>,
	seen: Vec<String>,
}

impl Output {
	/// Waits for a line starting with `prefix` and containing every one of `words`.
	async fn expect(&mut self, prefix: &str, words: &[&str], timeout: Duration) -> Result<String> {
		let deadline = Instant::now() + timeout;
		loop {
			let left = deadline.saturating_duration_since(Instant::now());
			let line = match tokio::time::timeout(left, self.lines.next_line()).await {
				Ok(line) => line?.context("the client exited")?,
				Err(_) => bail!(
					"no line {prefix:?} with {words:?} within {timeout:?}; the client printed:\n{}",
					self.seen.join("\n")
				),
			};
			self.seen.push(line.clone());
			if line.starts_with(prefix) && words.iter().all(|w| line.contains(w)) {
				return Ok(line);
			}
		}
	}
}

/// Writes a window screenshot (`0x00RRGGBB` pixels) as a PNG.
fn write_screenshot(path: &Path, pixels: &[u32]) -> Result<()> {
	let rgba: Vec<u32> = pixels
		.iter()
		.map(|p| 0xff00_0000 | ((p & 0xff) << 16) | (p & 0xff00) | ((p >> 16) & 0xff))
		.collect();
	Ok(playnet_client::view::write_png(path, WIDTH, HEIGHT, &rgba)?)
}

/// The value of `key=value` in an event line.
fn field<'a>(line: &'a str, key: &str) -> Result<&'a str> {
	line.split_whitespace()
		.find_map(|word| word.strip_prefix(key)?.strip_prefix('='))
		.with_context(|| format!("no {key}= in {line:?}"))
}

/// Starts `playnet-client play` for //Alice on the CPU path in a `size` window on `display`.
fn start_client(
	node: &Node,
	display: &Xvfb,
	dir: &Path,
	size: (u32, u32),
	scale: u32,
	backend: &str,
) -> Result<(Child, Output)> {
	let mut client = Command::new(env!("CARGO_BIN_EXE_playnet-client"))
		.args(["--node", &node.ws_url(), "--suri", "//Alice", "--listen", "/ip4/127.0.0.1/tcp/0"])
		.arg("--cache-dir")
		.arg(dir.join("cache"))
		.args(["play", "--size", &format!("{}x{}", size.0, size.1), "--backend", backend])
		.args(["--render-scale", &scale.to_string(), "--threads", "2", "--screenshots"])
		.arg(dir.join("shots"))
		.env("DISPLAY", display.display())
		.stdin(Stdio::null())
		.stdout(Stdio::piped())
		.stderr(Stdio::inherit())
		.kill_on_drop(true)
		.spawn()?;
	let lines = BufReader::new(client.stdout.take().context("stdout")?).lines();
	Ok((client, Output { lines, seen: Vec::new() }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scripted_player_walks_places_a_block_on_chain_and_the_window_shows_the_kernels_frame(
) -> Result<()> {
	within(TEST_TIMEOUT, "the window test", async {
		let node = NodeBuilder::dev("play-window").spawn().await?;
		let display = Xvfb::start(1024, 768)?;
		let dir = tempfile::tempdir()?;
		let (mut client, mut out) =
			start_client(&node, &display, dir.path(), (WIDTH, HEIGHT), SCALE, "cpu")?;

		let line = out.expect("event window", &[], Duration::from_secs(120)).await?;
		let window: u32 = field(&line, "id")?.parse()?;
		let spawned = out.expect("event spawned", &[], Duration::from_secs(120)).await?;
		let start: Vec<f64> = ["x", "y", "z"]
			.iter()
			.map(|k| field(&spawned, k)?.parse().map_err(Into::into))
			.collect::<Result<_>>()?;

		// Focus, pointer in the middle; the first click captures the mouse.
		display.focus(window)?;
		display.pointer_to(WIDTH as i16 / 2, HEIGHT as i16 / 2)?;
		display.click(1)?;
		tokio::time::sleep(Duration::from_millis(300)).await;
		// Fly (F) up five blocks (Space) and six forward (W), over whatever stands there; land
		// (F again, falling), rise two blocks and look straight down with the mouse: the block
		// below is in reach wherever the flight ended.
		display.tap(keysym::F, Duration::from_millis(50))?;
		display.hold(keysym::SPACE, Duration::from_millis(500)).await?;
		display.hold(keysym::W, Duration::from_millis(600)).await?;
		display.tap(keysym::F, Duration::from_millis(50))?;
		tokio::time::sleep(Duration::from_millis(2000)).await;
		display.tap(keysym::F, Duration::from_millis(50))?;
		display.hold(keysym::SPACE, Duration::from_millis(200)).await?;
		for _ in 0..20 {
			display.pointer_by(0, 40)?;
			tokio::time::sleep(Duration::from_millis(20)).await;
		}
		// Choose brick (key 7) and place it with the right button.
		display.tap(keysym::DIGIT_1 + 6, Duration::from_millis(50))?;
		tokio::time::sleep(Duration::from_millis(300)).await;
		display.click(3)?;
		let set = out.expect("event set ", &["id=12"], Duration::from_secs(30)).await?;
		let submission = field(&set, "submission")?.to_string();
		let block: Vec<i32> = field(&set, "block")?
			.split(',')
			.map(|v| v.parse().map_err(Into::into))
			.collect::<Result<_>>()?;
		let applied = out
			.expect(
				"event applied",
				&[&format!("submission={submission}")],
				Duration::from_secs(90),
			)
			.await?;
		let version: u32 = field(&applied, "version")?.parse()?;

		// On chain: the chunk's record is at that version and holds the brick.
		let chain =
			WorldConnection::connect(&Endpoint::Node(node.ws_url()), key_from_uri("//Bob")?)
				.await?;
		let block = [block[0], block[1], block[2]];
		let (coord, local) = locate(block);
		let on_chain = chain.chunk(coord).await?;
		ensure!(on_chain.version == version, "the chain holds version {}", on_chain.version);
		let chunk = chunk_from_bytes(&on_chain.bytes).context("the chain's chunk decodes")?;
		ensure!(
			chunk.get(local[0], local[1], local[2]) == Some(12),
			"no brick at {block:?} on chain"
		);

		// Hide the overlay, let a frame be shown, and write the shown frame's spec.
		display.tap(keysym::F1, Duration::from_millis(50))?;
		tokio::time::sleep(Duration::from_millis(800)).await;
		display.tap(keysym::F2, Duration::from_millis(50))?;
		let shot =
			out.expect("event screenshot", &["overlay=false"], Duration::from_secs(10)).await?;
		let (width, height, pixels) = display.screenshot(window)?;
		ensure!((width, height) == (WIDTH, HEIGHT), "the window is {width}x{height}");
		let spec: RenderSpec = serde_json::from_slice(&std::fs::read(field(&shot, "spec")?)?)?;
		spec.validate()?;
		ensure!((spec.width, spec.height) == (WIDTH / SCALE, HEIGHT / SCALE));

		// The camera moved forward from the spawn point and looks straight down (the start pose
		// looks down 20 degrees).
		let camera = spec.camera_path[0];
		let moved = ((camera.position[0] as f64 / 65536.0 - start[0]).powi(2)
			+ (camera.position[2] as f64 / 65536.0 - start[2]).powi(2))
		.sqrt();
		ensure!(moved > 1.0, "the player moved only {moved:.2} blocks from {start:?}");
		ensure!(camera.pitch == -MAX_PITCH, "the mouse did not turn the view down: {camera:?}");

		// The scene from the chain's own chunks, each equal to what the window rendered.
		let mut chunks: HashMap<ChunkCoord, Chunk> = HashMap::new();
		for scene_chunk in &spec.scene {
			let held = chain.chunk(scene_chunk.coord).await?;
			let chunk = chunk_from_bytes(&held.bytes).context("a chain chunk decodes")?;
			ensure!(
				hash_of(&chunk) == scene_chunk.content_hash,
				"the window drew chunk {:?} unlike the chain's",
				scene_chunk.coord
			);
			chunks.insert(scene_chunk.coord, chunk);
		}
		ensure!(chunks.contains_key(&coord), "the edited chunk is not in view");
		let refs: Vec<(ChunkCoord, &Chunk)> =
			spec.scene.iter().map(|s| (s.coord, &chunks[&s.coord])).collect();
		let frame = render_frame(&Scene::from_chunks(&refs)?, &spec, 0).pixels;
		let mut differing = 0;
		for y in 0..HEIGHT {
			for x in 0..WIDTH {
				let p = frame[((y / SCALE) * spec.width + x / SCALE) as usize];
				let expected = ((p & 0xff) << 16) | (p & 0xff00) | ((p >> 16) & 0xff);
				if pixels[(y * WIDTH + x) as usize] != expected {
					differing += 1;
				}
			}
		}
		if differing > 0 {
			let kept = dir.keep();
			write_screenshot(&kept.join("window.png"), &pixels)?;
			bail!(
				"{differing} of {} window pixels differ from the kernel's frame (window.png and \
				 the shot are in {})",
				WIDTH * HEIGHT,
				kept.display()
			);
		}

		// With the overlay back, the window shows more than the frame (status, palette).
		display.tap(keysym::F1, Duration::from_millis(50))?;
		tokio::time::sleep(Duration::from_millis(800)).await;
		let (_, _, with_overlay) = display.screenshot(window)?;
		ensure!(with_overlay != pixels, "the overlay does not show");
		if std::env::var_os("PLAYNET_KEEP_SHOTS").is_some() {
			let kept = dir.keep();
			write_screenshot(&kept.join("window.png"), &pixels)?;
			write_screenshot(&kept.join("window-overlay.png"), &with_overlay)?;
			println!("screenshots kept in {}", kept.display());
		}

		client.start_kill()?;
		Ok(())
	})
	.await
}

/// Measures the window (run by hand: `--ignored --nocapture`): frames per second while the
/// mouse turns the view, at 640x360 and 1280x720 on the CPU path with every rendered pixel
/// shown (`--render-scale 1`) and at half resolution (its default), then on the GPU path
/// (whatever adapter there is: lavapipe on a machine without a GPU), and the client's memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn measure_the_window() -> Result<()> {
	let node = NodeBuilder::dev("play-measure").spawn().await?;
	let display = Xvfb::start(1400, 900)?;
	let runs = [
		((640, 360), 1, "cpu"),
		((640, 360), 2, "cpu"),
		((1280, 720), 1, "cpu"),
		((1280, 720), 2, "cpu"),
		((640, 360), 2, "gpu"),
		((1280, 720), 2, "gpu"),
	];
	for (size, scale, backend) in runs {
		let dir = tempfile::tempdir()?;
		let (mut client, mut out) =
			start_client(&node, &display, dir.path(), size, scale, backend)?;
		let line = out.expect("event window", &[], Duration::from_secs(120)).await?;
		let window: u32 = field(&line, "id")?.parse()?;
		out.expect("event spawned", &[], Duration::from_secs(120)).await?;
		display.focus(window)?;
		display.pointer_to(size.0 as i16 / 2, size.1 as i16 / 2)?;
		display.click(1)?;
		// Turn for 16 s; the window reports its rate every 5 s.
		let turning = async {
			let until = Instant::now() + Duration::from_secs(16);
			while Instant::now() < until {
				display.pointer_by(4, 0)?;
				tokio::time::sleep(Duration::from_millis(10)).await;
			}
			Ok::<_, anyhow::Error>(())
		};
		let reading = async {
			let mut rates = Vec::new();
			for _ in 0..3 {
				rates.push(out.expect("event fps", &[], Duration::from_secs(20)).await?);
			}
			Ok::<_, anyhow::Error>(rates)
		};
		let (turned, rates) = tokio::join!(turning, reading);
		turned?;
		let rates = rates?;
		let pid = client.id().context("the client's pid")?;
		let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
		let memory: Vec<String> = status
			.lines()
			.filter(|l| l.starts_with("VmRSS") || l.starts_with("VmHWM"))
			.map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
			.collect();
		println!(
			"window {}x{} scale {scale} {backend}: {}; {}",
			size.0,
			size.1,
			rates.last().map(String::as_str).unwrap_or(""),
			memory.join(", ")
		);
		client.start_kill()?;
		client.wait().await?;
	}
	Ok(())
}
