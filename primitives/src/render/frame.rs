//! Whole frames with the CPU reference, one thread: what the render worker parallelises.

use super::{camera::FrameCamera, kernel::render_pixel, scene::Scene, spec::RenderSpec};
use alloc::vec::Vec;

/// A rendered frame: `width * height` RGBA8 pixels row-major, and the DDA steps taken.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FramePixels {
	/// The pixels, row-major from the top left.
	pub pixels: Vec<u32>,
	/// Total DDA steps of every pixel's ray.
	pub steps: u64,
}

/// Renders rows `rows` of frame `frame` of `spec` into `out` (which holds exactly those rows)
/// and returns the DDA steps taken.
pub fn render_rows(
	scene: &Scene,
	camera: &FrameCamera,
	rows: core::ops::Range<u32>,
	out: &mut [u32],
) -> u64 {
	let width = camera.width;
	let mut steps = 0u64;
	for (i, pixel) in out.iter_mut().enumerate() {
		let x = i as u32 % width;
		let y = rows.start + i as u32 / width;
		let result = render_pixel(scene, camera, x, y);
		*pixel = result.rgba;
		steps += result.steps as u64;
	}
	steps
}

/// Renders frame `frame` of `spec` (which must be valid).
pub fn render_frame(scene: &Scene, spec: &RenderSpec, frame: u32) -> FramePixels {
	let camera = FrameCamera::at_frame(&spec.camera_path, frame, spec.width, spec.height);
	let mut pixels = alloc::vec![0u32; (spec.width * spec.height) as usize];
	let steps = render_rows(scene, &camera, 0..spec.height, &mut pixels);
	FramePixels { pixels, steps }
}
