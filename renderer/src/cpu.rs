//! The CPU path: the reference kernel from `playnet-primitives`, rows spread over a rayon pool.

use crate::RenderError;
use playnet_primitives::{render::frame::render_rows, FrameCamera, Scene};
use rayon::prelude::*;

/// Rows per parallel work item.
const ROWS_PER_BAND: u32 = 4;

/// The threads `--threads` asks for: `threads`, or every core when `None`.
pub fn thread_count(threads: Option<usize>) -> usize {
	threads.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
}

/// A pool of `threads` threads (all cores when `None`) named `name-N`.
pub(crate) fn thread_pool(
	threads: Option<usize>,
	name: &'static str,
) -> Result<rayon::ThreadPool, RenderError> {
	let threads = thread_count(threads);
	rayon::ThreadPoolBuilder::new()
		.num_threads(threads)
		.thread_name(move |i| format!("{name}-{i}"))
		.build()
		.map_err(|e| RenderError::Threads { threads, reason: e.to_string() })
}

/// A pool of CPU render threads.
pub struct CpuRenderer {
	pool: rayon::ThreadPool,
	threads: usize,
}

impl CpuRenderer {
	/// A renderer on `threads` threads (all cores when `None`).
	pub fn new(threads: Option<usize>) -> Result<Self, RenderError> {
		let pool = thread_pool(threads, "render")?;
		Ok(CpuRenderer { threads: pool.current_num_threads(), pool })
	}

	/// The pool.
	pub(crate) fn pool(&self) -> &rayon::ThreadPool {
		&self.pool
	}

	/// Threads in the pool.
	pub fn threads(&self) -> usize {
		self.threads
	}

	/// Renders rows `rows` of the frame seen by `camera`; returns them row-major and the DDA
	/// steps taken.
	pub fn render_rows(
		&self,
		scene: &Scene,
		camera: &FrameCamera,
		rows: std::ops::Range<u32>,
	) -> (Vec<u32>, u64) {
		let width = camera.width as usize;
		let mut pixels = vec![0u32; width * rows.len()];
		let start = rows.start;
		let steps = self.pool.install(|| {
			pixels
				.par_chunks_mut(width * ROWS_PER_BAND as usize)
				.enumerate()
				.map(|(band, out)| {
					let first = start + band as u32 * ROWS_PER_BAND;
					let count = (out.len() / width) as u32;
					render_rows(scene, camera, first..first + count, out)
				})
				.sum()
		});
		(pixels, steps)
	}
}
