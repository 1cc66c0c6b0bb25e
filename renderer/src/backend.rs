//! Choosing between the GPU and CPU paths.

use crate::{
	cpu::{thread_pool, CpuRenderer},
	gpu::{GpuRenderer, GpuScene},
	RenderError,
};
use playnet_primitives::{
	proof::tile::{frame_tile_hash, tile_count},
	FrameCamera, Hash32, Scene,
};
use rayon::prelude::*;

/// Which path renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
	/// The CPU reference on a thread pool.
	Cpu,
	/// The wgpu compute path; fails when there is no adapter.
	Gpu,
	/// The GPU when an adapter exists (lavapipe counts), else the CPU.
	Auto,
}

enum Engine {
	Cpu(CpuRenderer),
	/// The GPU, and the threads (as many as `threads` allows) that hash its frames' tiles.
	Gpu(GpuRenderer, rayon::ThreadPool),
}

/// A renderer on the chosen path.
pub struct Renderer {
	engine: Engine,
}

impl Renderer {
	/// A renderer for `backend`; `threads` limits the CPU path. With [`Backend::Auto`] and no
	/// adapter, logs a warning saying so and uses the CPU.
	pub fn new(backend: Backend, threads: Option<usize>) -> Result<Self, RenderError> {
		let engine = match backend {
			Backend::Cpu => Engine::Cpu(CpuRenderer::new(threads)?),
			Backend::Gpu => Engine::Gpu(GpuRenderer::new()?, thread_pool(threads, "hash")?),
			Backend::Auto => match GpuRenderer::new() {
				Ok(gpu) => Engine::Gpu(gpu, thread_pool(threads, "hash")?),
				Err(error) => {
					tracing::warn!("{error}; falling back to the CPU path");
					Engine::Cpu(CpuRenderer::new(threads)?)
				}
			},
		};
		Ok(Renderer { engine })
	}

	/// Whether this is the GPU path.
	pub fn is_gpu(&self) -> bool {
		matches!(self.engine, Engine::Gpu(..))
	}

	/// Whether this is the GPU path on an adapter that is itself software on the CPU
	/// (lavapipe, llvmpipe, SwiftShader): as slow as the CPU path, or slower.
	pub fn is_software_gpu(&self) -> bool {
		matches!(&self.engine, Engine::Gpu(gpu, _) if gpu.adapter().device_type == "Cpu")
	}

	/// A one-line description: the adapter or the thread count.
	pub fn describe(&self) -> String {
		match &self.engine {
			Engine::Cpu(cpu) => format!("CPU reference, {} threads", cpu.threads()),
			Engine::Gpu(gpu, _) => format!("GPU: {}", gpu.adapter()),
		}
	}

	/// The hashes of every tile of a rendered frame (`width * height` pixels, row-major),
	/// tiles hashed in parallel on the path's threads.
	pub fn tile_hashes(&self, pixels: &[u32], width: u32, height: u32) -> Vec<Hash32> {
		let pool = match &self.engine {
			Engine::Cpu(cpu) => cpu.pool(),
			Engine::Gpu(_, hashers) => hashers,
		};
		pool.install(|| {
			(0..tile_count(width, height))
				.into_par_iter()
				.map(|tile| {
					frame_tile_hash(pixels, width, height, tile).expect("tile within the frame")
				})
				.collect()
		})
	}

	/// Prepares `scene` (uploads it to the GPU) for rendering frames.
	pub fn bind<'a>(&'a self, scene: &'a Scene) -> Result<BoundScene<'a>, RenderError> {
		Ok(match &self.engine {
			Engine::Cpu(cpu) => BoundScene::Cpu(cpu, scene),
			Engine::Gpu(gpu, _) => BoundScene::Gpu(gpu.bind(scene)?),
		})
	}
}

/// A scene ready to render on one path.
pub enum BoundScene<'a> {
	/// On the CPU.
	Cpu(&'a CpuRenderer, &'a Scene),
	/// On the GPU.
	Gpu(GpuScene<'a>),
}

impl BoundScene<'_> {
	/// Renders the whole frame seen by `camera`, row-major RGBA8.
	pub fn render_frame(&self, camera: &FrameCamera) -> Result<Vec<u32>, RenderError> {
		match self {
			BoundScene::Cpu(cpu, scene) => Ok(cpu.render_rows(scene, camera, 0..camera.height).0),
			BoundScene::Gpu(gpu) => gpu.render_rows(camera, 0..camera.height),
		}
	}
}
