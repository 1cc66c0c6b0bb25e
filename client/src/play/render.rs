//! The window's frames: a snapshot of the chunks around the player as a kernel scene, and a
//! render thread that turns (scene, camera) into pixels on the GPU or CPU path, one frame in
//! flight at a time, always for the newest camera.

use crate::{
	session::GameSession,
	view::view_coords,
	world_state::{hash_of, locate},
};
use playnet_primitives::{
	world::blocks::{AIR, WATER},
	BlockId, CameraKeyframe, Chunk, ChunkCoord, RenderSpec, Scene, SceneChunk, KERNEL_VERSION,
};
use playnet_renderer::{Backend, Renderer};
use std::{
	collections::HashMap,
	sync::{mpsc, Arc},
	time::{Duration, Instant},
};

use super::player::Blocks;

/// The chunks around the player as the player sees them (undecided edits included), and the
/// scene the kernel renders from them.
pub struct View {
	/// The chunk the view is centred on.
	pub center: ChunkCoord,
	/// The scene's chunks with their content hashes, in spec order.
	pub scene_chunks: Vec<SceneChunk>,
	/// The chunks, for the body's collisions and aim.
	pub chunks: HashMap<ChunkCoord, Chunk>,
	/// The kernel's scene.
	pub scene: Scene,
	/// Distinguishes views, so the render thread uploads each scene once.
	pub id: u64,
}

impl View {
	/// The view around block position `position` from what `session` holds now, or `None` when
	/// it would equal `current` (same chunks, same contents). Chunks not loaded yet are left
	/// out of the scene (the kernel draws them as empty).
	pub fn capture(
		session: &GameSession,
		position: [i32; 3],
		current: Option<&View>,
		id: u64,
	) -> Result<Option<View>, String> {
		let center = locate(position).0;
		let chunks: Vec<(ChunkCoord, Chunk)> = {
			let state = session.inner().state();
			view_coords(position)
				.into_iter()
				.filter_map(|c| state.world.chunk(&c).map(|held| (c, held.view().clone())))
				.collect()
		};
		let scene_chunks: Vec<SceneChunk> = chunks
			.iter()
			.map(|(coord, chunk)| SceneChunk { coord: *coord, content_hash: hash_of(chunk) })
			.collect();
		if current.is_some_and(|v| v.center == center && v.scene_chunks == scene_chunks) {
			return Ok(None);
		}
		let refs: Vec<(ChunkCoord, &Chunk)> = chunks.iter().map(|(c, chunk)| (*c, chunk)).collect();
		let scene = Scene::from_chunks(&refs).map_err(|e| e.to_string())?;
		Ok(Some(View { center, scene_chunks, chunks: chunks.into_iter().collect(), scene, id }))
	}

	/// Whether every chunk of the view is loaded.
	pub fn complete(&self, position: [i32; 3]) -> bool {
		view_coords(position).iter().all(|c| self.chunks.contains_key(c))
	}

	/// The highest block in column (`x`, `z`) that is not air within the view, and whether it
	/// is water.
	pub fn surface(&self, x: i32, z: i32) -> Option<(i32, bool)> {
		let (bottom, top) = (self.scene.min_block()[1], self.scene.max_block()[1]);
		(bottom..=top).rev().find_map(|y| match self.block([x, y, z]) {
			None | Some(AIR) => None,
			Some(block) => Some((y, block == WATER)),
		})
	}

	/// The dry column nearest (`x`, `z`) within `radius` blocks, ring by ring: the column and
	/// the top of its highest block. A player is put there rather than under the sea.
	pub fn dry_ground(&self, x: i32, z: i32, radius: i32) -> Option<([i32; 2], i32)> {
		for ring in 0..=radius {
			for dx in -ring..=ring {
				for dz in -ring..=ring {
					if dx.abs().max(dz.abs()) != ring {
						continue;
					}
					if let Some((y, false)) = self.surface(x + dx, z + dz) {
						return Some(([x + dx, z + dz], y));
					}
				}
			}
		}
		None
	}
}

impl Blocks for View {
	fn block(&self, at: [i32; 3]) -> Option<BlockId> {
		let (coord, local) = locate(at);
		self.chunks.get(&coord)?.get(local[0], local[1], local[2])
	}
}

/// A frame to show: made by the render thread, or streamed by a contributor.
pub struct Frame {
	/// The [`View::id`] it was rendered from (0 for a streamed frame).
	pub view_id: u64,
	/// The chunks of its scene, with their content hashes, in spec order.
	pub scene: Vec<SceneChunk>,
	/// The camera.
	pub camera: CameraKeyframe,
	/// Width in pixels.
	pub width: u32,
	/// Height in pixels.
	pub height: u32,
	/// RGBA8 pixels as the kernel writes them (`0xAABBGGRR`), row-major from the top left.
	pub pixels: Vec<u32>,
	/// How long the render took (a streamed frame: from the input to the frame).
	pub took: Duration,
}

impl Frame {
	/// The render spec of this frame: anyone holding the chunks renders the same pixels from
	/// it (and it can be posted as a render task once its chunks are on chain).
	pub fn spec(&self) -> RenderSpec {
		RenderSpec {
			kernel_version: KERNEL_VERSION,
			width: self.width,
			height: self.height,
			frame_count: 1,
			scene: self.scene.clone(),
			camera_path: vec![self.camera],
		}
	}
}

struct Request {
	view: Arc<View>,
	camera: CameraKeyframe,
	width: u32,
	height: u32,
}

/// The render thread.
pub struct RenderThread {
	requests: mpsc::Sender<Request>,
	description: String,
	gpu: bool,
}

impl RenderThread {
	/// Starts a renderer on `backend` (`threads` limits the CPU path) on its own thread;
	/// `deliver` gets each frame, or why it failed.
	pub fn start(
		backend: Backend,
		threads: Option<usize>,
		deliver: impl Fn(Result<Frame, String>) + Send + 'static,
	) -> Result<Self, playnet_renderer::RenderError> {
		let mut renderer = Renderer::new(backend, threads)?;
		// A software adapter is slower than the CPU path itself (lavapipe here: 69 against 91
		// frames per second at 320x180, 31 against 35 at 640x360): auto takes the CPU then.
		if backend == Backend::Auto && renderer.is_software_gpu() {
			renderer = Renderer::new(Backend::Cpu, threads)?;
		}
		let description = renderer.describe();
		let gpu = renderer.is_gpu() && !renderer.is_software_gpu();
		let (requests, incoming) = mpsc::channel::<Request>();
		std::thread::Builder::new()
			.name("play-render".into())
			.spawn(move || serve(renderer, incoming, deliver))
			.map_err(|e| playnet_renderer::RenderError::Threads {
				threads: 1,
				reason: e.to_string(),
			})?;
		Ok(RenderThread { requests, description, gpu })
	}

	/// The path, in words.
	pub fn description(&self) -> &str {
		&self.description
	}

	/// Whether frames come from a hardware GPU (not a software adapter such as lavapipe).
	pub fn is_gpu(&self) -> bool {
		self.gpu
	}

	/// Asks for a frame of `view` from `camera`; false when the thread is gone.
	pub fn request(
		&self,
		view: Arc<View>,
		camera: CameraKeyframe,
		width: u32,
		height: u32,
	) -> bool {
		self.requests.send(Request { view, camera, width, height }).is_ok()
	}
}

/// The newest request waiting, or `None` when the window is gone.
fn newest(incoming: &mpsc::Receiver<Request>) -> Option<Request> {
	let mut request = incoming.recv().ok()?;
	while let Ok(newer) = incoming.try_recv() {
		request = newer;
	}
	Some(request)
}

fn serve(
	renderer: Renderer,
	incoming: mpsc::Receiver<Request>,
	deliver: impl Fn(Result<Frame, String>),
) {
	let Some(mut request) = newest(&incoming) else { return };
	loop {
		let view = request.view.clone();
		// The scene is uploaded once and serves every frame until the view changes.
		let bound = match renderer.bind(&view.scene) {
			Ok(bound) => bound,
			Err(e) => {
				deliver(Err(e.to_string()));
				return;
			}
		};
		loop {
			let started = Instant::now();
			let camera = playnet_primitives::FrameCamera::at_frame(
				std::slice::from_ref(&request.camera),
				0,
				request.width,
				request.height,
			);
			match bound.render_frame(&camera) {
				Ok(pixels) => deliver(Ok(Frame {
					view_id: view.id,
					scene: view.scene_chunks.clone(),
					camera: request.camera,
					width: request.width,
					height: request.height,
					pixels,
					took: started.elapsed(),
				})),
				Err(e) => {
					deliver(Err(e.to_string()));
					return;
				}
			}
			let Some(next) = newest(&incoming) else { return };
			request = next;
			if request.view.id != view.id {
				break;
			}
		}
	}
}
