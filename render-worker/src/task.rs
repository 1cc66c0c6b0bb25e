//! Rendering a whole task: every frame, its tile hashes, the frame hashes and the result root.

use crate::{backend::Renderer, error::RenderError};
use playnet_primitives::{FrameCamera, Hash32, RenderSpec, Scene, TaskResult};

/// Renders every frame of `spec` (which must be valid) over `scene`; the frame hashes commit
/// to `result_id` (the task's result id on chain, or the spec's id for a spec rendered outside
/// a task). `on_frame` sees each frame's pixels as they finish (to write PNGs, report progress,
/// or stop early by returning `false`). Returns `None` if stopped.
pub fn render_task(
	renderer: &Renderer,
	spec: &RenderSpec,
	result_id: Hash32,
	scene: &Scene,
	mut on_frame: impl FnMut(u32, &[u32]) -> bool,
) -> Result<Option<TaskResult>, RenderError> {
	let bound = renderer.bind(scene)?;
	let mut tile_hashes = Vec::with_capacity(spec.frame_count as usize);
	for frame in 0..spec.frame_count {
		let camera = FrameCamera::at_frame(&spec.camera_path, frame, spec.width, spec.height);
		let pixels = bound.render_frame(&camera)?;
		tile_hashes.push(renderer.tile_hashes(&pixels, spec.width, spec.height));
		if !on_frame(frame, &pixels) {
			return Ok(None);
		}
	}
	Ok(Some(TaskResult::new(result_id, tile_hashes)))
}

/// Renders frame `frame` of `spec` over `scene` alone and returns its tile hashes: what a
/// signer publishes when the frame is challenged.
pub fn render_frame_tiles(
	renderer: &Renderer,
	spec: &RenderSpec,
	scene: &Scene,
	frame: u32,
) -> Result<Vec<Hash32>, RenderError> {
	let bound = renderer.bind(scene)?;
	let camera = FrameCamera::at_frame(&spec.camera_path, frame, spec.width, spec.height);
	let pixels = bound.render_frame(&camera)?;
	Ok(renderer.tile_hashes(&pixels, spec.width, spec.height))
}
