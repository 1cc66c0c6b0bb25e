//! `bench` and `cost`.

use anyhow::{bail, Context, Result};
use playnet_primitives::{
	demo::GeneratedTask,
	proof::tile::{render_tile, tile_rect},
	FrameCamera, Scene,
};
use playnet_render::{
	backend::{Backend, Renderer},
	cpu::CpuRenderer,
};
use std::time::Instant;

fn measure(label: &str, pixels: u64, run: impl FnOnce() -> Result<()>) -> Result<f64> {
	let started = Instant::now();
	run()?;
	let seconds = started.elapsed().as_secs_f64();
	let rate = pixels as f64 / seconds / 1e6;
	println!("{label:<28} {rate:10.3} Mpixels/s  ({seconds:.2} s)");
	Ok(rate)
}

pub fn bench(
	backend: Backend,
	threads: Option<usize>,
	width: u32,
	height: u32,
	frames: u32,
	seed: u64,
) -> Result<()> {
	if frames == 0 {
		bail!("--frames must be at least 1");
	}
	let (spec, chunks) = GeneratedTask::demo(seed, width, height, frames.max(2)).build();
	let scene = Scene::from_encoded(&spec, &chunks)?;
	let cameras: Vec<FrameCamera> =
		(0..frames).map(|f| FrameCamera::at_frame(&spec.camera_path, f, width, height)).collect();
	let pixels = width as u64 * height as u64 * frames as u64;
	println!("bench: {width}x{height}, {frames} frames of the demo scene (seed {seed})");

	let single = CpuRenderer::new(Some(1))?;
	let mut reference = Vec::new();
	let mut steps = 0u64;
	let cpu1 = measure("CPU reference, 1 thread", pixels, || {
		for camera in &cameras {
			let (frame, s) = single.render_rows(&scene, camera, 0..height);
			steps += s;
			reference.push(frame);
		}
		Ok(())
	})?;
	println!("  {:.1} ray steps per pixel", steps as f64 / pixels as f64);
	let multi = CpuRenderer::new(threads)?;
	let cpu_n = measure(&format!("CPU reference, {} threads", multi.threads()), pixels, || {
		for camera in &cameras {
			multi.render_rows(&scene, camera, 0..height);
		}
		Ok(())
	})?;
	println!("  multi-thread / single-thread: {:.2}x", cpu_n / cpu1);

	if backend == Backend::Cpu {
		return Ok(());
	}
	let gpu = match Renderer::new(Backend::Gpu, None) {
		Ok(gpu) => gpu,
		Err(error) if backend == Backend::Auto => {
			println!("GPU: {error}");
			return Ok(());
		}
		Err(error) => return Err(error.into()),
	};
	println!("{}", gpu.describe());
	let bound = gpu.bind(&scene)?;
	// A warm-up pass over every frame, which also checks them against the CPU reference:
	// pipeline compilation, uploads and the GPU's clocks rising are not part of the rate.
	for (camera, expected) in cameras.iter().zip(&reference) {
		if bound.render_frame(camera)? != *expected {
			bail!("GPU frames differ from the CPU reference");
		}
	}
	println!("  GPU frames are bit-identical to the CPU reference");
	// Timed passes keep no frame: holding each in fresh memory cost as much as rendering it
	// (first-touch page faults; 120 against 272 Mpixels/s on an H100 in a VM).
	let rate = measure("GPU (wgpu compute)", pixels, || {
		for camera in &cameras {
			bound.render_frame(camera)?;
		}
		Ok(())
	})?;
	println!("  GPU / CPU single-thread: {:.1}x", rate / cpu1);
	println!("  GPU / CPU multi-thread:  {:.1}x", rate / cpu_n);
	// What a task gets from this path (`render`, `serve`, `work`): frames and their tile hashes.
	let task = measure("GPU task (frames + tile hashes)", pixels, || {
		for camera in &cameras {
			let frame = bound.render_frame(camera)?;
			gpu.tile_hashes(&frame, width, height);
		}
		Ok(())
	})?;
	println!("  GPU task / CPU single-thread: {:.1}x", task / cpu1);
	Ok(())
}

pub fn cost(
	threads: Option<usize>,
	width: u32,
	height: u32,
	frames: u32,
	sample_frames: u32,
	seed: u64,
) -> Result<()> {
	let (spec, chunks) = GeneratedTask::demo(seed, width, height, frames).build();
	spec.validate()?;
	let scene = Scene::from_encoded(&spec, &chunks)?;
	let cpu = CpuRenderer::new(threads)?;
	let sample_frames = sample_frames.clamp(1, frames);
	let tiles = spec.tiles_per_frame();
	let mut frame_steps = 0u64;
	let mut max_tile_steps = 0u64;
	let mut tile_steps_total = 0u64;
	let mut tile_samples = 0u64;
	println!("cost: {width}x{height}, {frames} frames, {tiles} tiles per frame; sampling {sample_frames} frames");
	let started = Instant::now();
	for i in 0..sample_frames {
		let frame = (i as u64 * frames as u64 / sample_frames as u64) as u32;
		let camera = FrameCamera::at_frame(&spec.camera_path, frame, width, height);
		let (_, steps) = cpu.render_rows(&scene, &camera, 0..height);
		frame_steps += steps;
		for tile in 0..tiles {
			let rect = tile_rect(width, height, tile).context("tile out of range")?;
			let (_, s) = render_tile(&scene, &camera, rect);
			max_tile_steps = max_tile_steps.max(s);
			tile_steps_total += s;
			tile_samples += 1;
		}
	}
	let per_frame = frame_steps as f64 / sample_frames as f64;
	let task_steps = per_frame * frames as f64;
	let mean_tile = tile_steps_total as f64 / tile_samples as f64;
	println!("  measured in {:.1} s", started.elapsed().as_secs_f64());
	println!("  mean ray steps per frame:   {per_frame:.0}");
	println!("  task total (extrapolated):  {task_steps:.3e} ray steps");
	println!("  one tile, mean:             {mean_tile:.0} ray steps");
	println!("  one tile, worst sampled:    {max_tile_steps} ray steps (64x64 = 4096 pixels)");
	println!("  tile / task, mean:          1/{:.0}", task_steps / mean_tile);
	println!("  tile / task, worst:         1/{:.0}", task_steps / max_tile_steps.max(1) as f64);
	let bound = playnet_primitives::render::kernel::MAX_STEPS as f64 * 4096.0;
	println!(
		"  tile upper bound:           {bound:.0} ray steps (MAX_STEPS x 4096) = 1/{:.0} of the task",
		task_steps / bound
	);
	Ok(())
}
