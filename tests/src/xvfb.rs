//! A virtual X display for testing windows: an `Xvfb` server on a free display number, input
//! through the XTEST extension (keys, buttons, pointer motion as a person makes them) and
//! screenshots of a window's pixels read back from the server.

use anyhow::{bail, ensure, Context, Result};
use std::{
	path::Path,
	process::{Child, Command, Stdio},
	thread::sleep,
	time::{Duration, Instant},
};
use x11rb::{
	connection::Connection,
	protocol::{
		xproto::{ConnectionExt as _, ImageFormat, InputFocus, Window},
		xtest::ConnectionExt as _,
	},
	rust_connection::RustConnection,
	wrapper::ConnectionExt as _,
	CURRENT_TIME,
};

/// X keysyms the tests press.
pub mod keysym {
	/// `w`.
	pub const W: u32 = 0x77;
	/// `a`.
	pub const A: u32 = 0x61;
	/// `s`.
	pub const S: u32 = 0x73;
	/// `d`.
	pub const D: u32 = 0x64;
	/// `t`.
	pub const T: u32 = 0x74;
	/// `f`.
	pub const F: u32 = 0x66;
	/// The space bar.
	pub const SPACE: u32 = 0x20;
	/// Return.
	pub const RETURN: u32 = 0xff0d;
	/// Escape.
	pub const ESCAPE: u32 = 0xff1b;
	/// F1.
	pub const F1: u32 = 0xffbe;
	/// F2.
	pub const F2: u32 = 0xffbf;
	/// The digit 1 (digits follow in order).
	pub const DIGIT_1: u32 = 0x31;
}

const KEY_PRESS: u8 = 2;
const KEY_RELEASE: u8 = 3;
const BUTTON_PRESS: u8 = 4;
const BUTTON_RELEASE: u8 = 5;
const MOTION: u8 = 6;

/// A running `Xvfb` and a connection to it; the server is killed when this is dropped.
pub struct Xvfb {
	server: Child,
	display: String,
	connection: RustConnection,
	root: Window,
}

impl Xvfb {
	/// Starts `Xvfb` with one screen of `width` x `height` at 24 bits on the first free display
	/// number from 90, and connects to it.
	pub fn start(width: u32, height: u32) -> Result<Self> {
		let number = (90..190)
			.find(|n| {
				!Path::new(&format!("/tmp/.X{n}-lock")).exists()
					&& !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
			})
			.context("no free X display number in 90..190")?;
		let display = format!(":{number}");
		let server = Command::new("Xvfb")
			.args([&display, "-screen", "0", &format!("{width}x{height}x24"), "-nolisten", "tcp"])
			.stdin(Stdio::null())
			.stdout(Stdio::null())
			.stderr(Stdio::null())
			.spawn()
			.context("starting Xvfb (scripts/setup.sh installs it: Debian's package xvfb)")?;
		let mut server = KillOnDrop(Some(server));
		let deadline = Instant::now() + Duration::from_secs(20);
		let (connection, screen) = loop {
			match RustConnection::connect(Some(&display)) {
				Ok(connected) => break connected,
				Err(e) if Instant::now() > deadline => {
					bail!("Xvfb on {display} did not accept a connection in 20 s: {e}")
				}
				Err(_) => sleep(Duration::from_millis(50)),
			}
		};
		let root = connection.setup().roots[screen].root;
		connection
			.xtest_get_version(2, 2)
			.context("asking for XTEST")?
			.reply()
			.context("Xvfb has no XTEST extension")?;
		// No pointer acceleration: a scripted motion of N pixels is N pixels.
		connection.change_pointer_control(1, 1, 0, true, true)?.check()?;
		Ok(Xvfb { server: server.0.take().expect("spawned"), display, connection, root })
	}

	/// The `DISPLAY` value of the server.
	pub fn display(&self) -> &str {
		&self.display
	}

	/// Gives `window` the keyboard focus.
	pub fn focus(&self, window: u32) -> Result<()> {
		self.connection.set_input_focus(InputFocus::PARENT, window, CURRENT_TIME)?;
		self.connection.sync()?;
		Ok(())
	}

	/// The keycode that types `keysym` on the server's keymap.
	fn keycode(&self, keysym: u32) -> Result<u8> {
		let setup = self.connection.setup();
		let (min, max) = (setup.min_keycode, setup.max_keycode);
		let map = self.connection.get_keyboard_mapping(min, max - min + 1)?.reply()?;
		let per = map.keysyms_per_keycode as usize;
		map.keysyms
			.chunks(per.max(1))
			.position(|syms| syms.contains(&keysym))
			.map(|i| min + i as u8)
			.with_context(|| format!("no keycode types keysym {keysym:#x}"))
	}

	fn fake(&self, kind: u8, detail: u8, x: i16, y: i16) -> Result<()> {
		self.connection.xtest_fake_input(kind, detail, CURRENT_TIME, self.root, x, y, 0)?;
		self.connection.sync()?;
		Ok(())
	}

	/// Presses the key typing `keysym` and holds it down.
	pub fn key_down(&self, keysym: u32) -> Result<()> {
		self.fake(KEY_PRESS, self.keycode(keysym)?, 0, 0)
	}

	/// Releases the key typing `keysym`.
	pub fn key_up(&self, keysym: u32) -> Result<()> {
		self.fake(KEY_RELEASE, self.keycode(keysym)?, 0, 0)
	}

	/// Presses and releases a key, holding it for `hold`.
	pub fn tap(&self, keysym: u32, hold: Duration) -> Result<()> {
		self.key_down(keysym)?;
		sleep(hold);
		self.key_up(keysym)
	}

	/// Holds the key typing `keysym` down for `hold` without blocking the async runtime.
	pub async fn hold(&self, keysym: u32, hold: Duration) -> Result<()> {
		self.key_down(keysym)?;
		tokio::time::sleep(hold).await;
		self.key_up(keysym)
	}

	/// Moves the pointer to (`x`, `y`) on the screen.
	pub fn pointer_to(&self, x: i16, y: i16) -> Result<()> {
		self.fake(MOTION, 0, x, y)
	}

	/// Moves the pointer by (`dx`, `dy`), as a mouse does.
	pub fn pointer_by(&self, dx: i16, dy: i16) -> Result<()> {
		self.fake(MOTION, 1, dx, dy)
	}

	/// Clicks mouse button `button` (1 left, 2 middle, 3 right).
	pub fn click(&self, button: u8) -> Result<()> {
		self.fake(BUTTON_PRESS, button, 0, 0)?;
		sleep(Duration::from_millis(30));
		self.fake(BUTTON_RELEASE, button, 0, 0)
	}

	/// `window`'s size and pixels as the server holds them: `0x00RRGGBB`, row-major.
	pub fn screenshot(&self, window: u32) -> Result<(u32, u32, Vec<u32>)> {
		let geometry = self.connection.get_geometry(window)?.reply()?;
		let (width, height) = (geometry.width, geometry.height);
		let image = self
			.connection
			.get_image(ImageFormat::Z_PIXMAP, window, 0, 0, width, height, !0)?
			.reply()
			.context("reading the window's pixels")?;
		ensure!(image.depth == 24, "the window's depth is {}, not 24", image.depth);
		let expected = width as usize * height as usize * 4;
		ensure!(
			image.data.len() == expected,
			"the image holds {} bytes, not {expected} (32 bits per pixel)",
			image.data.len()
		);
		// 32 bits per pixel, least significant byte first: blue, green, red, padding.
		let pixels =
			image.data.chunks_exact(4).map(|p| u32::from_le_bytes([p[0], p[1], p[2], 0])).collect();
		Ok((width as u32, height as u32, pixels))
	}
}

impl Drop for Xvfb {
	fn drop(&mut self) {
		let _ = self.server.kill();
		let _ = self.server.wait();
	}
}

/// A child killed if startup fails half way.
struct KillOnDrop(Option<Child>);

impl Drop for KillOnDrop {
	fn drop(&mut self) {
		if let Some(child) = &mut self.0 {
			let _ = child.kill();
			let _ = child.wait();
		}
	}
}
