//! `playnet-client play`: the game in a window.
//!
//! The world is drawn by the deterministic kernel (on a hardware GPU when there is one, else
//! on CPU threads at a lower resolution scaled up), so what the window shows is, pixel for
//! pixel, the frame anyone renders from the same chunks and camera (F2 writes that frame's
//! render spec and pixels). Over it, the overlay: status lines (the PGT balance read through
//! the chain connection, proof-checked on the light client; position; the chunk's confirmed
//! version; peers; frame time), chat, the block palette and other players.
//!
//! Controls: click to capture the mouse, then move to look; W A S D walk, Space jumps (or
//! rises when flying), Shift sinks, Ctrl sprints, F toggles flying; left click breaks the
//! block aimed at, right click places the selected block; 1-9 or the wheel choose the block;
//! T or Enter opens the chat; F1 hides the overlay; F2 writes a screenshot and its spec; Esc
//! releases the mouse.
//!
//! Played remotely (`play --remote`, cloud gaming), a contributor's machine renders the frames
//! instead ([`crate::remote::playing`]): the window sends the camera the player steers, shows
//! each streamed frame that passed the player's checks (its tile hashes, signature, pose and
//! spot checks), and ends the session when it closes. The body, its collisions, edits, chat
//! and the overlay are the same as when rendering here: the player's world session holds the
//! chunks around it either way (the spot checks re-render tiles from them).
//!
//! Edits go through the session as in the line mode: shown at once, gossiped, decided by the
//! chain and reconciled to its hash. Moves are sent to the region at most
//! [`MOVES_PER_SECOND`] times a second. The window prints `event ...` lines on stdout like the
//! line mode, for scripts.

pub mod hud;
pub mod player;
pub mod render;

use crate::{
	command::block_name,
	p2p::AccountBytes,
	remote::{
		player::Arrival,
		playing::{play_remote, RemoteOptions, RemoteScreen},
		wire,
	},
	session::{GameSession, PeerInfo, Pose},
	view::view_coords,
	world_state::locate,
};
use player::{Aim, Controls, Player};
use playnet_chain_access::{accounts, Connection, Signer};
use playnet_primitives::{world::blocks, BlockId, ChunkCoord};
use playnet_renderer::Backend;
use render::{Frame, RenderThread, View};
use std::{
	collections::{HashSet, VecDeque},
	num::NonZeroU32,
	path::PathBuf,
	rc::Rc,
	sync::{
		atomic::{AtomicBool, Ordering},
		mpsc, Arc, Mutex,
	},
	time::{Duration, Instant},
};
use winit::{
	application::ApplicationHandler,
	event::{DeviceEvent, ElementState, KeyEvent, MouseButton, MouseScrollDelta, WindowEvent},
	event_loop::{ActiveEventLoop, ControlFlow, EventLoop, EventLoopProxy},
	keyboard::{KeyCode, PhysicalKey},
	window::{CursorGrabMode, Window, WindowId},
};

/// Moves sent to the region per second, at most.
pub const MOVES_PER_SECOND: u32 = 5;
/// The shortest time between two edits (a held button does not flood the chain).
pub const EDIT_INTERVAL: Duration = Duration::from_millis(150);
/// Radians of turn per pixel of mouse motion.
const MOUSE_TURN: f64 = 0.0025;
/// How often the view is compared with what the session holds, besides on its events.
const VIEW_REFRESH: Duration = Duration::from_millis(500);
/// How often the balance and the peers are read.
const STATUS_REFRESH: Duration = Duration::from_secs(3);
/// How far from its position a player is moved to stand on dry ground when the game starts.
const SPAWN_SEARCH: i32 = 32;
/// How often the overlay is redrawn when no new frame comes.
const OVERLAY_REDRAW: Duration = Duration::from_millis(250);
/// Chat lines kept on screen, and for how long.
const CHAT_LINES: usize = 6;
const CHAT_TIME: Duration = Duration::from_secs(30);
/// The blocks of the palette, keys 1-9 and on.
const PALETTE: [BlockId; 12] = [
	blocks::STONE,
	blocks::DIRT,
	blocks::GRASS,
	blocks::SAND,
	blocks::WOOD,
	blocks::PLANKS,
	blocks::BRICK,
	blocks::COBBLESTONE,
	blocks::LAMP,
	blocks::LEAVES,
	blocks::SNOW,
	blocks::WATER,
];

/// How the window runs.
#[derive(Clone, Debug)]
pub struct PlayOptions {
	/// The window's inner size in pixels.
	pub size: (u32, u32),
	/// Window pixels per kernel pixel (`None`: 1 on a hardware GPU, 2 on the CPU path or a
	/// software adapter).
	pub scale: Option<u32>,
	/// Which path renders.
	pub backend: Backend,
	/// Threads of the CPU path (all cores when `None`).
	pub threads: Option<usize>,
	/// Where F2 writes screenshots and their specs.
	pub screenshots: PathBuf,
	/// Whether the balance is proof-checked (the light client) or the node's word.
	pub verified: bool,
}

/// A session to play remotely in the window: a contributor renders, the window shows.
pub struct RemotePlay {
	/// The player's key: it opens the session and signs the receipts.
	pub signer: Signer,
	/// The session asked for; its size is the window's divided by the scale.
	pub options: RemoteOptions,
}

/// How long a closed window waits for its remote session to end on chain.
const ENDING_TIMEOUT: Duration = Duration::from_secs(120);

/// What the window's background tasks report to it.
enum Wake {
	/// A frame from the render thread, or from the contributor's stream.
	Frame(Result<Frame, String>),
	/// Something changed: session events, chunks loaded, status read.
	Changed,
	/// Remote play ended by itself (the play time asked for is over, or no contributor is
	/// left), or failed.
	RemoteEnded(Result<(), String>),
}

/// The window's side of remote play: the camera it asks for, and where frames and notices go.
struct Screen {
	pose: Mutex<Option<wire::Pose>>,
	proxy: Mutex<EventLoopProxy<Wake>>,
	notices: mpsc::Sender<String>,
	closed: AtomicBool,
}

impl Screen {
	fn wake(&self, wake: Wake) {
		if let Ok(proxy) = self.proxy.lock() {
			let _ = proxy.send_event(wake);
		}
	}
}

impl RemoteScreen for Screen {
	fn pose(&self) -> Option<wire::Pose> {
		*self.pose.lock().unwrap_or_else(|e| e.into_inner())
	}

	fn show(&self, arrival: &Arrival) {
		let Some(camera) = arrival.view.camera_path.first().copied() else { return };
		self.wake(Wake::Frame(Ok(Frame {
			view_id: 0,
			scene: arrival.view.scene.clone(),
			camera,
			width: arrival.view.width,
			height: arrival.view.height,
			pixels: arrival.pixels.clone(),
			took: Duration::from_millis(u64::from(arrival.latency_ms)),
		})));
	}

	fn notice(&self, text: String) {
		let _ = self.notices.send(text);
		self.wake(Wake::Changed);
	}

	fn closed(&self) -> bool {
		self.closed.load(Ordering::SeqCst)
	}
}

/// What the background tasks keep up to date for the overlay.
#[derive(Default)]
struct Status {
	balance: Option<Result<u128, String>>,
	peers: Vec<PeerInfo>,
}

/// Opens the window and runs the game until it is closed. `connection` and `account` are for
/// the balance on the overlay; `runtime` runs the session's work. With `remote`, a
/// contributor renders: the session opens when the window does and ends when it closes.
pub fn run(
	runtime: tokio::runtime::Handle,
	session: Arc<GameSession>,
	connection: Arc<Connection>,
	account: AccountBytes,
	options: PlayOptions,
	remote: Option<RemotePlay>,
) -> anyhow::Result<()> {
	let event_loop = EventLoop::<Wake>::with_user_event().build().map_err(|e| {
		let instead = match remote {
			Some(_) => {
				"`play --remote --headless` streams without one (`--frames-dir` keeps frames)"
			}
			None => "use the line mode",
		};
		anyhow::anyhow!(
			"cannot open a window ({e}); `play` needs a display (DISPLAY set, an X server or \
			 XWayland): without one, {instead}"
		)
	})?;
	let proxy = event_loop.create_proxy();
	let (notices, notice_rx) = mpsc::channel();
	let (renderer, screen, scale) = match remote {
		None => {
			let frame_proxy = proxy.clone();
			let renderer = RenderThread::start(options.backend, options.threads, move |frame| {
				let _ = frame_proxy.send_event(Wake::Frame(frame));
			})?;
			let scale = options.scale.unwrap_or(if renderer.is_gpu() { 1 } else { 2 });
			println!("event renderer {} scale={scale}", renderer.description());
			(Some(renderer), None, scale)
		}
		Some(remote) => {
			let scale = options.scale.unwrap_or(1);
			println!("event renderer remote scale={scale}");
			let screen = Arc::new(Screen {
				pose: Mutex::new(None),
				proxy: Mutex::new(proxy.clone()),
				notices: notices.clone(),
				closed: AtomicBool::new(false),
			});
			let mut remote_options = remote.options;
			remote_options.screen = Some(screen.clone());
			let (world, chain, ended) = (session.clone(), connection.clone(), screen.clone());
			let task = runtime.spawn(async move {
				let result = play_remote(&world, &chain, &remote.signer, remote_options).await;
				let result = result.map(|_| ()).map_err(|e| format!("remote play: {e}"));
				ended.wake(Wake::RemoteEnded(result.clone()));
				result
			});
			(None, Some((screen, task)), scale)
		}
	};
	let scale = scale.clamp(1, 16);

	let status = Arc::new(Mutex::new(Status::default()));
	let dirty = Arc::new(AtomicBool::new(true));
	runtime.spawn(watch_session(session.clone(), proxy.clone(), notices.clone(), dirty.clone()));
	runtime.spawn(read_status(session.clone(), connection, account, status.clone(), proxy.clone()));

	let start = session.pose();
	let mut app = App {
		runtime: runtime.clone(),
		session,
		proxy,
		options,
		scale,
		renderer,
		screen: screen.as_ref().map(|(screen, _)| screen.clone()),
		window: None,
		surface: None,
		in_flight: false,
		view: None,
		views: 0,
		view_checked: Instant::now(),
		dirty,
		loading: Arc::new(AtomicBool::new(false)),
		loaded_around: None,
		// The pose is the eye's block; the body stands below it, in the block's middle.
		player: Player::new(
			[
				start.position[0] as f64 + 0.5,
				start.position[1] as f64 + 0.5 - player::EYE,
				start.position[2] as f64 + 0.5,
			],
			(start.yaw_degrees as f64).to_radians(),
			(start.pitch_degrees as f64).to_radians(),
		),
		spawned: false,
		keys: HashSet::new(),
		captured: false,
		last_tick: Instant::now(),
		frame: None,
		fresh: false,
		last_present: Instant::now(),
		presents: VecDeque::new(),
		overlay_visible: true,
		selected: 0,
		chat: VecDeque::new(),
		typing: None,
		notices,
		notice_rx,
		status,
		moving: Arc::new(AtomicBool::new(false)),
		last_move: Instant::now() - Duration::from_secs(1),
		sent_pose: None,
		last_edit: Instant::now() - EDIT_INTERVAL,
		screenshots: 0,
		stats_since: Instant::now(),
		frames_since: 0,
		render_time: Duration::ZERO,
		error: None,
	};
	event_loop.set_control_flow(ControlFlow::Wait);
	let ran = event_loop.run_app(&mut app);
	// The window is gone: a remote session still running ends on chain now.
	if let Some((screen, task)) = screen {
		screen.closed.store(true, Ordering::SeqCst);
		if !task.is_finished() {
			eprintln!("playnet-client: ending the remote session");
		}
		// The timer is made inside the runtime (it needs its clock).
		match runtime.block_on(async { tokio::time::timeout(ENDING_TIMEOUT, task).await }) {
			Ok(Ok(Ok(()))) => {}
			Ok(Ok(Err(error))) => {
				app.error.get_or_insert(error);
			}
			Ok(Err(panic)) => {
				app.error.get_or_insert(format!("remote play stopped: {panic}"));
			}
			Err(_) => {
				app.error.get_or_insert(format!(
					"the remote session did not end within {ENDING_TIMEOUT:?}; it ends on chain \
					 when its contributor settles or its escrow runs out"
				));
			}
		}
	}
	ran?;
	match app.error {
		Some(error) => Err(anyhow::anyhow!(error)),
		None => Ok(()),
	}
}

struct App {
	runtime: tokio::runtime::Handle,
	session: Arc<GameSession>,
	proxy: EventLoopProxy<Wake>,
	options: PlayOptions,
	scale: u32,
	/// The render thread; `None` when a contributor renders (remote play).
	renderer: Option<RenderThread>,
	/// Remote play's side of the window.
	screen: Option<Arc<Screen>>,
	window: Option<Rc<Window>>,
	surface: Option<softbuffer::Surface<Rc<Window>, Rc<Window>>>,
	in_flight: bool,
	view: Option<Arc<View>>,
	views: u64,
	view_checked: Instant,
	dirty: Arc<AtomicBool>,
	loading: Arc<AtomicBool>,
	loaded_around: Option<ChunkCoord>,
	player: Player,
	spawned: bool,
	keys: HashSet<KeyCode>,
	captured: bool,
	last_tick: Instant,
	frame: Option<Frame>,
	/// Whether `frame` has not been shown yet.
	fresh: bool,
	last_present: Instant,
	presents: VecDeque<Instant>,
	overlay_visible: bool,
	selected: usize,
	chat: VecDeque<(Instant, String)>,
	typing: Option<String>,
	notices: mpsc::Sender<String>,
	notice_rx: mpsc::Receiver<String>,
	status: Arc<Mutex<Status>>,
	moving: Arc<AtomicBool>,
	last_move: Instant,
	sent_pose: Option<Pose>,
	last_edit: Instant,
	screenshots: u32,
	stats_since: Instant,
	frames_since: u32,
	render_time: Duration,
	error: Option<String>,
}

impl ApplicationHandler<Wake> for App {
	fn resumed(&mut self, event_loop: &ActiveEventLoop) {
		if self.window.is_some() {
			return;
		}
		let (width, height) = self.options.size;
		let attributes = Window::default_attributes()
			.with_title("Playnet")
			.with_inner_size(winit::dpi::PhysicalSize::new(width, height));
		let window = match event_loop.create_window(attributes) {
			Ok(window) => Rc::new(window),
			Err(e) => return self.fail(event_loop, format!("cannot create the window: {e}")),
		};
		let surface = softbuffer::Context::new(window.clone())
			.and_then(|context| softbuffer::Surface::new(&context, window.clone()));
		match surface {
			Ok(surface) => self.surface = Some(surface),
			Err(e) => return self.fail(event_loop, format!("cannot draw in the window: {e}")),
		}
		let size = window.inner_size();
		println!("event window id={} size={}x{}", u64::from(window.id()), size.width, size.height);
		window.focus_window();
		self.window = Some(window);
		self.last_tick = Instant::now();
	}

	fn user_event(&mut self, event_loop: &ActiveEventLoop, event: Wake) {
		match event {
			Wake::Frame(Ok(frame)) => {
				self.in_flight = false;
				self.render_time = frame.took;
				self.frame = Some(frame);
				self.fresh = true;
				if let Some(window) = &self.window {
					window.request_redraw();
				}
			}
			Wake::Frame(Err(error)) => self.fail(event_loop, format!("rendering failed: {error}")),
			Wake::Changed => {}
			Wake::RemoteEnded(Ok(())) => event_loop.exit(),
			Wake::RemoteEnded(Err(error)) => self.fail(event_loop, error),
		}
	}

	fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
		match event {
			WindowEvent::CloseRequested => event_loop.exit(),
			WindowEvent::RedrawRequested => self.present(),
			WindowEvent::Resized(_) => {
				if let Some(window) = &self.window {
					window.request_redraw();
				}
			}
			WindowEvent::Focused(false) => {
				self.keys.clear();
				self.release_mouse();
			}
			WindowEvent::KeyboardInput { event, .. } => self.key(event_loop, event),
			WindowEvent::MouseInput { state: ElementState::Pressed, button, .. } => {
				self.click(button)
			}
			WindowEvent::MouseWheel { delta, .. } => {
				let steps = match delta {
					MouseScrollDelta::LineDelta(_, y) => y.signum() as i32,
					MouseScrollDelta::PixelDelta(p) => p.y.signum() as i32,
				};
				let count = PALETTE.len() as i32;
				self.selected = (self.selected as i32 - steps).rem_euclid(count) as usize;
			}
			_ => {}
		}
	}

	fn device_event(
		&mut self,
		_event_loop: &ActiveEventLoop,
		_device: winit::event::DeviceId,
		event: DeviceEvent,
	) {
		if let DeviceEvent::MouseMotion { delta: (dx, dy) } = event {
			if self.captured && self.typing.is_none() {
				self.player.look(dx * MOUSE_TURN, -dy * MOUSE_TURN);
			}
		}
	}

	fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
		let now = Instant::now();
		let dt = now.duration_since(self.last_tick).as_secs_f64();
		self.last_tick = now;
		while let Ok(notice) = self.notice_rx.try_recv() {
			// A notice repeated (the same failure again) refreshes its line instead of filling
			// the chat.
			match self.chat.back_mut() {
				Some((at, last)) if *last == notice => *at = now,
				_ => self.chat.push_back((now, notice)),
			}
		}
		while self.chat.len() > CHAT_LINES
			|| self.chat.front().is_some_and(|(at, _)| now.duration_since(*at) > CHAT_TIME)
		{
			self.chat.pop_front();
		}
		self.refresh_view(now);
		if let Some(view) = self.view.clone() {
			if !self.spawned {
				self.spawn(&view);
			}
			if self.spawned {
				let controls = self.controls();
				self.player.step(view.as_ref(), controls, dt);
			}
		}
		self.send_move(now);
		self.request_frame();
		// The overlay changes without new frames (balance, chat, typing): redraw it now and then.
		if self.overlay_visible && now.duration_since(self.last_present) > OVERLAY_REDRAW {
			if let Some(window) = &self.window {
				window.request_redraw();
			}
		}
		self.report(now);
		event_loop.set_control_flow(ControlFlow::WaitUntil(now + Duration::from_millis(8)));
	}
}

impl App {
	fn fail(&mut self, event_loop: &ActiveEventLoop, error: String) {
		self.error = Some(error);
		event_loop.exit();
	}

	/// Window pixels and kernel pixels: the frame is the window divided by the scale.
	fn frame_size(&self) -> Option<(u32, u32)> {
		let size = self.window.as_ref()?.inner_size();
		let width = (size.width / self.scale).clamp(1, playnet_primitives::render::spec::MAX_WIDTH);
		let height =
			(size.height / self.scale).clamp(1, playnet_primitives::render::spec::MAX_HEIGHT);
		// The kernel takes at most 4:1 either way.
		let width = width.min(height * 4);
		let height = height.min(width * 4);
		Some((width, height))
	}

	fn eye_block(&self) -> [i32; 3] {
		self.player.eye().map(|v| v.floor() as i32)
	}

	/// Loads the chunks around the player when it enters a new chunk, and recaptures the view
	/// when the session's chunks changed.
	fn refresh_view(&mut self, now: Instant) {
		let eye = self.eye_block();
		let center = locate(eye).0;
		if self.loaded_around != Some(center) && !self.loading.swap(true, Ordering::SeqCst) {
			self.loaded_around = Some(center);
			let (session, loading, dirty, proxy) = (
				self.session.clone(),
				self.loading.clone(),
				self.dirty.clone(),
				self.proxy.clone(),
			);
			let notices = self.notices.clone();
			self.runtime.spawn(async move {
				let mut coords = view_coords(eye);
				coords.sort_by_key(|c| (c.x - center.x).abs().max((c.z - center.z).abs()));
				for coord in coords {
					if let Err(e) = session.ensure_chunk(coord).await {
						let _ = notices.send(format!("cannot load chunk {coord:?}: {e}"));
					}
					dirty.store(true, Ordering::SeqCst);
					let _ = proxy.send_event(Wake::Changed);
				}
				loading.store(false, Ordering::SeqCst);
				let _ = proxy.send_event(Wake::Changed);
			});
		}
		let moved = self.view.as_ref().is_some_and(|v| v.center != center);
		if !(self.dirty.swap(false, Ordering::SeqCst)
			|| moved || now.duration_since(self.view_checked) > VIEW_REFRESH)
		{
			return;
		}
		self.view_checked = now;
		self.views += 1;
		match View::capture(&self.session, eye, self.view.as_deref(), self.views) {
			Ok(Some(view)) => self.view = Some(Arc::new(view)),
			Ok(None) => {}
			Err(e) => {
				let _ = self.notices.send(format!("cannot build the scene: {e}"));
			}
		}
	}

	/// Puts the player on the ground of its column once the chunks around it are loaded.
	fn spawn(&mut self, view: &View) {
		let eye = self.eye_block();
		if !view.complete(eye) || self.loading.load(Ordering::SeqCst) {
			return;
		}
		let [x, _, z] = self.player.position.map(|v| v.floor() as i32);
		// On the nearest dry ground within the loaded chunks, else where the player is (in the
		// water, or in the air with flying on when the column is empty).
		match view.dry_ground(x, z, SPAWN_SEARCH) {
			Some(([x, z], top)) => {
				self.player.position = [x as f64 + 0.5, top as f64 + 1.0, z as f64 + 0.5];
			}
			None => match view.surface(x, z) {
				Some((top, _)) if (top as f64) < self.player.position[1] + 2.0 => {
					self.player.position[1] = top as f64 + 1.0;
				}
				Some(_) => self.player.settle(view, 64),
				None => self.player.flying = true,
			},
		}
		self.player.velocity = [0.0; 3];
		self.spawned = true;
		let p = self.player.position;
		println!("event spawned x={:.3} y={:.3} z={:.3}", p[0], p[1], p[2]);
	}

	fn controls(&self) -> Controls {
		if self.typing.is_some() {
			return Controls::default();
		}
		let held = |key| self.keys.contains(&key) as i32 as f64;
		Controls {
			forward: held(KeyCode::KeyW) - held(KeyCode::KeyS),
			right: held(KeyCode::KeyD) - held(KeyCode::KeyA),
			up: self.keys.contains(&KeyCode::Space),
			down: self.keys.contains(&KeyCode::ShiftLeft)
				|| self.keys.contains(&KeyCode::ShiftRight),
			sprint: self.keys.contains(&KeyCode::ControlLeft),
		}
	}

	/// Tells the region where the player is, at most [`MOVES_PER_SECOND`] times a second and
	/// only when the pose changed.
	fn send_move(&mut self, now: Instant) {
		if !self.spawned
			|| now.duration_since(self.last_move) < Duration::from_secs(1) / MOVES_PER_SECOND
		{
			return;
		}
		let pose = Pose {
			position: self.eye_block(),
			yaw_degrees: self.player.yaw.to_degrees().round() as i32,
			pitch_degrees: self.player.pitch.to_degrees().round().clamp(-89.0, 89.0) as i32,
		};
		// Outside the world (flown past its edge or top) there is no region to tell.
		if !locate(pose.position).0.in_world()
			|| self.sent_pose == Some(pose)
			|| self.moving.swap(true, Ordering::SeqCst)
		{
			return;
		}
		self.last_move = now;
		self.sent_pose = Some(pose);
		let (session, moving, notices) =
			(self.session.clone(), self.moving.clone(), self.notices.clone());
		self.runtime.spawn(async move {
			if let Err(e) = session.goto(pose).await {
				let _ = notices.send(format!("cannot move: {e}"));
			}
			moving.store(false, Ordering::SeqCst);
		});
	}

	fn request_frame(&mut self) {
		// Remote play: the contributor renders whatever camera the window asks for last.
		if let Some(screen) = &self.screen {
			let camera = self.player.camera();
			let pose =
				wire::Pose { position: camera.position, yaw: camera.yaw, pitch: camera.pitch };
			*screen.pose.lock().unwrap_or_else(|e| e.into_inner()) = Some(pose);
			return;
		}
		let Some(renderer) = &self.renderer else { return };
		if self.in_flight {
			return;
		}
		let (Some(view), Some((width, height))) = (self.view.clone(), self.frame_size()) else {
			return;
		};
		let camera = self.player.camera();
		// Nothing changed since the shown frame: no work until something does.
		if self.frame.as_ref().is_some_and(|f| {
			f.view_id == view.id && f.camera == camera && (f.width, f.height) == (width, height)
		}) {
			return;
		}
		self.in_flight = renderer.request(view, camera, width, height);
	}

	/// Shows the newest frame, scaled up, with the overlay (on black before the first frame).
	fn present(&mut self) {
		let overlay = self.overlay_visible.then(|| self.overlay());
		let (Some(window), Some(surface)) = (self.window.clone(), self.surface.as_mut()) else {
			return;
		};
		let size = window.inner_size();
		let (Some(width), Some(height)) =
			(NonZeroU32::new(size.width), NonZeroU32::new(size.height))
		else {
			return;
		};
		if surface.resize(width, height).is_err() {
			return;
		}
		let Ok(mut buffer) = surface.buffer_mut() else { return };
		let (w, h, scale) = (size.width as usize, size.height as usize, self.scale as usize);
		let empty = Vec::new();
		let (fw, fh, pixels) = match &self.frame {
			Some(frame) => (frame.width as usize, frame.height as usize, &frame.pixels),
			None => (0, 0, &empty),
		};
		for y in 0..h {
			let row = &mut buffer[y * w..(y + 1) * w];
			let source_y = y / scale;
			if source_y >= fh {
				row.fill(0);
				continue;
			}
			let source = &pixels[source_y * fw..(source_y + 1) * fw];
			for (x, out) in row.iter_mut().enumerate() {
				*out = match source.get(x / scale) {
					// The kernel's 0xAABBGGRR to the surface's 0x00RRGGBB.
					Some(p) => ((p & 0xff) << 16) | (p & 0xff00) | ((p >> 16) & 0xff),
					None => 0,
				};
			}
		}
		if let Some(overlay) = overlay {
			hud::draw(&mut hud::Canvas::new(&mut buffer, size.width, size.height), &overlay);
		}
		if buffer.present().is_ok() {
			let now = Instant::now();
			self.last_present = now;
			// Frames per second count new frames, not the overlay's redraws.
			if std::mem::take(&mut self.fresh) {
				self.presents.push_back(now);
				while self.presents.len() > 30 {
					self.presents.pop_front();
				}
				self.frames_since += 1;
			}
		}
	}

	/// Frames per second over the last presents.
	fn fps(&self) -> f64 {
		match (self.presents.front(), self.presents.back()) {
			(Some(first), Some(last)) if self.presents.len() > 1 => {
				(self.presents.len() - 1) as f64 / last.duration_since(*first).as_secs_f64()
			}
			_ => 0.0,
		}
	}

	fn overlay(&self) -> hud::Overlay {
		let p = self.player.position;
		let eye = self.eye_block();
		let (coord, _) = locate(eye);
		let status = self.status.lock().map(|s| (s.balance.clone(), s.peers.clone()));
		let (balance, peers) = status.unwrap_or((None, Vec::new()));
		let balance = match balance {
			None => "PGT: reading...".to_string(),
			Some(Ok(free)) => format!(
				"{} ({})",
				accounts::format_pgt(free),
				if self.options.verified { "light client, proof-checked" } else { "node" }
			),
			Some(Err(e)) => format!("PGT: {e}"),
		};
		let feet = p.map(|v| v.floor() as i32);
		let chunk = match self.session.chunk_status(locate(feet).0) {
			Some((version, _, _, 0)) => {
				format!("chunk {},{},{} v{version}", coord.x, coord.y, coord.z)
			}
			Some((version, _, _, pending)) => {
				format!(
					"chunk {},{},{} v{version} ({pending} undecided)",
					coord.x, coord.y, coord.z
				)
			}
			None => format!("chunk {},{},{} loading", coord.x, coord.y, coord.z),
		};
		let frame_ms = match self.fps() {
			fps if fps > 0.0 => format!("{:.0} ms/frame ({fps:.1} fps)", 1000.0 / fps),
			_ => "-".into(),
		};
		let status = vec![
			balance,
			format!(
				"x {:.1} y {:.1} z {:.1}  facing {:.0}{}",
				p[0],
				p[1],
				p[2],
				self.player.yaw.to_degrees(),
				if self.player.flying { "  flying" } else { "" }
			),
			chunk,
			format!("peers {}", peers.len()),
			format!(
				"{frame_ms}  {} {} ms  {}",
				if self.screen.is_some() { "streamed, latency" } else { "render" },
				self.render_time.as_millis(),
				self.frame
					.as_ref()
					.map(|f| format!("{}x{}", f.width, f.height))
					.unwrap_or_default()
			),
		];
		let markers = self.markers(&peers);
		let hint = if !self.spawned {
			Some("loading the world...".to_string())
		} else if self.screen.is_some() && self.frame.is_none() {
			Some("waiting for the contributor's frames...".to_string())
		} else if !self.captured {
			Some("click to play".to_string())
		} else {
			None
		};
		let block = PALETTE[self.selected];
		hud::Overlay {
			status,
			chat: self.chat.iter().map(|(_, text)| text.clone()).collect(),
			typing: self.typing.clone(),
			palette: PALETTE.to_vec(),
			selected: self.selected,
			selected_name: block_name(block).unwrap_or("?").to_string(),
			markers,
			hint,
		}
	}

	/// Other players where their last move put them, if in front of the camera and not
	/// behind a block.
	fn markers(&self, peers: &[PeerInfo]) -> Vec<hud::Marker> {
		let (Some(window), Some(view)) = (&self.window, &self.view) else { return Vec::new() };
		let size = window.inner_size();
		let eye = self.player.eye();
		peers
			.iter()
			.filter_map(|peer| {
				let at = peer.position?;
				// A move carries the block of the player's eye; the feet are below the eye.
				let feet =
					[at[0] as f64 + 0.5, at[1] as f64 + 0.5 - player::EYE, at[2] as f64 + 0.5];
				let (x, y, scale) = self.player.project(feet, size.width, size.height)?;
				// Hidden behind a block: the line from the eye to the other's head is blocked.
				let head = [feet[0], feet[1] + player::HEIGHT, feet[2]];
				let to_head = [head[0] - eye[0], head[1] - eye[1], head[2] - eye[2]];
				let length = to_head.iter().map(|v| v * v).sum::<f64>().sqrt();
				let dir = to_head.map(|v| v / length);
				if player::aim(view.as_ref(), eye, dir, length - 0.5).is_some() {
					return None;
				}
				let name = peer.peer.to_base58();
				Some(hud::Marker {
					x: x as i32,
					y: y as i32,
					height: (player::HEIGHT * scale) as i32,
					name: name[name.len().saturating_sub(6)..].to_string(),
				})
			})
			.collect()
	}

	fn key(&mut self, event_loop: &ActiveEventLoop, event: KeyEvent) {
		let PhysicalKey::Code(code) = event.physical_key else { return };
		if event.state == ElementState::Released {
			self.keys.remove(&code);
			return;
		}
		if let Some(typing) = &mut self.typing {
			match code {
				KeyCode::Escape => self.typing = None,
				KeyCode::Enter | KeyCode::NumpadEnter => {
					let text = self.typing.take().unwrap_or_default();
					let text = text.trim().to_string();
					if !text.is_empty() {
						let (session, notices) = (self.session.clone(), self.notices.clone());
						self.runtime.spawn(async move {
							match session.say(&text).await {
								Ok(()) => {
									let _ = notices.send(format!("me: {text}"));
								}
								Err(e) => {
									let _ = notices.send(format!("chat not sent: {e}"));
								}
							}
						});
					}
				}
				KeyCode::Backspace => {
					typing.pop();
				}
				_ => {
					if let Some(text) = &event.text {
						if typing.chars().count() < 200 {
							typing.extend(text.chars().filter(|c| !c.is_control()));
						}
					}
				}
			}
			return;
		}
		if event.repeat {
			return;
		}
		self.keys.insert(code);
		match code {
			KeyCode::Escape => {
				if self.captured {
					self.release_mouse();
				} else {
					event_loop.exit();
				}
			}
			KeyCode::KeyF => self.player.flying = !self.player.flying,
			KeyCode::KeyT | KeyCode::Enter => {
				self.typing = Some(String::new());
				self.keys.clear();
			}
			KeyCode::F1 => {
				self.overlay_visible = !self.overlay_visible;
				if let Some(window) = &self.window {
					window.request_redraw();
				}
			}
			KeyCode::F2 => self.screenshot(),
			_ => {
				let digits = [
					KeyCode::Digit1,
					KeyCode::Digit2,
					KeyCode::Digit3,
					KeyCode::Digit4,
					KeyCode::Digit5,
					KeyCode::Digit6,
					KeyCode::Digit7,
					KeyCode::Digit8,
					KeyCode::Digit9,
				];
				if let Some(index) = digits.iter().position(|d| *d == code) {
					self.selected = index.min(PALETTE.len() - 1);
				}
			}
		}
	}

	fn capture_mouse(&mut self) {
		let Some(window) = &self.window else { return };
		// X11 confines rather than locks; raw motion keeps coming at the edge either way.
		let _ = window
			.set_cursor_grab(CursorGrabMode::Locked)
			.or_else(|_| window.set_cursor_grab(CursorGrabMode::Confined));
		window.set_cursor_visible(false);
		self.captured = true;
	}

	fn release_mouse(&mut self) {
		if let Some(window) = &self.window {
			let _ = window.set_cursor_grab(CursorGrabMode::None);
			window.set_cursor_visible(true);
		}
		self.captured = false;
	}

	fn click(&mut self, button: MouseButton) {
		if !self.captured {
			self.capture_mouse();
			return;
		}
		let Some(view) = &self.view else { return };
		if !self.spawned || self.last_edit.elapsed() < EDIT_INTERVAL {
			return;
		}
		let Some(Aim { block, before }) =
			player::aim(view.as_ref(), self.player.eye(), self.player.forward(), player::REACH)
		else {
			return;
		};
		let (at, id) = match button {
			MouseButton::Left => (block, blocks::AIR),
			MouseButton::Right if !self.player.overlaps(before) => (before, PALETTE[self.selected]),
			_ => return,
		};
		self.last_edit = Instant::now();
		let (session, notices, dirty, proxy) =
			(self.session.clone(), self.notices.clone(), self.dirty.clone(), self.proxy.clone());
		self.runtime.spawn(async move {
			let place = format!("{},{},{}", at[0], at[1], at[2]);
			match session.set(at, id).await {
				Ok(outcome) => println!(
					"event set block={place} id={id} chunk={} base={} submission={}",
					crate::command::coord_text(&outcome.coord),
					outcome.base_version,
					outcome.id
				),
				Err(e) => {
					println!("event set-failed block={place} id={id} {e}");
					let _ = notices.send(format!("cannot set {place}: {e}"));
				}
			}
			dirty.store(true, Ordering::SeqCst);
			let _ = proxy.send_event(Wake::Changed);
		});
	}

	/// F2: the shown frame as a PNG and its render spec as JSON, side by side.
	fn screenshot(&mut self) {
		let Some(frame) = &self.frame else { return };
		self.screenshots += 1;
		let dir = &self.options.screenshots;
		let stem = format!("playnet-{}-{}", std::process::id(), self.screenshots);
		let png = dir.join(format!("{stem}.png"));
		let spec = dir.join(format!("{stem}.json"));
		let written = std::fs::create_dir_all(dir)
			.and_then(|_| crate::view::write_png(&png, frame.width, frame.height, &frame.pixels))
			.and_then(|_| {
				let json =
					serde_json::to_vec_pretty(&frame.spec()).map_err(std::io::Error::other)?;
				std::fs::write(&spec, json)
			});
		match written {
			Ok(()) => {
				println!(
					"event screenshot png={} spec={} scale={} overlay={}",
					png.display(),
					spec.display(),
					self.scale,
					self.overlay_visible
				);
				let _ = self.notices.send(format!("screenshot {}", png.display()));
			}
			Err(e) => {
				let _ = self.notices.send(format!("cannot write the screenshot: {e}"));
			}
		}
	}

	/// Every five seconds, the frame rate on stdout (for scripts and measurements).
	fn report(&mut self, now: Instant) {
		let elapsed = now.duration_since(self.stats_since);
		if elapsed < Duration::from_secs(5) {
			return;
		}
		if let Some(frame) = &self.frame {
			println!(
				"event fps={:.1} frame={}x{} render_ms={}",
				self.frames_since as f64 / elapsed.as_secs_f64(),
				frame.width,
				frame.height,
				self.render_time.as_millis()
			);
		}
		self.stats_since = now;
		self.frames_since = 0;
	}
}

/// Forwards the session's events to the window: chat and the chain's decisions as notices,
/// and any change to chunks as a reason to recapture the view.
async fn watch_session(
	session: Arc<GameSession>,
	proxy: EventLoopProxy<Wake>,
	notices: mpsc::Sender<String>,
	dirty: Arc<AtomicBool>,
) {
	use crate::session::SessionEvent;
	use tokio::sync::broadcast::error::RecvError;
	let mut events = session.subscribe();
	loop {
		let event = match events.recv().await {
			Ok(event) => event,
			Err(RecvError::Lagged(_)) => {
				dirty.store(true, Ordering::SeqCst);
				continue;
			}
			Err(RecvError::Closed) => return,
		};
		let notice = match &event {
			SessionEvent::Chat { from, text } => {
				let from = from.to_string();
				Some(format!("{}: {text}", &from[from.len().saturating_sub(6)..]))
			}
			SessionEvent::Applied { coord, version, .. } => {
				Some(format!("edit applied: chunk {},{},{} v{version}", coord.x, coord.y, coord.z))
			}
			SessionEvent::Bounced { reason, .. } => Some(format!("edit bounced: {reason:?}")),
			SessionEvent::Refused { reason, .. } => Some(format!("edit refused: {reason}")),
			_ => None,
		};
		if let Some(notice) = notice {
			let _ = notices.send(notice);
		}
		dirty.store(true, Ordering::SeqCst);
		if proxy.send_event(Wake::Changed).is_err() {
			return;
		}
	}
}

/// Reads the balance (through the chain connection: proof-checked on the light client) and
/// the peers, every [`STATUS_REFRESH`].
async fn read_status(
	session: Arc<GameSession>,
	connection: Arc<Connection>,
	account: AccountBytes,
	status: Arc<Mutex<Status>>,
	proxy: EventLoopProxy<Wake>,
) {
	loop {
		let balance = accounts::balances(&connection, &account)
			.await
			.map(|b| b.free)
			.map_err(|e| e.to_string());
		let peers = session.peers().await.unwrap_or_default();
		if let Ok(mut status) = status.lock() {
			status.balance = Some(balance);
			status.peers = peers;
		}
		if proxy.send_event(Wake::Changed).is_err() {
			return;
		}
		tokio::time::sleep(STATUS_REFRESH).await;
	}
}
