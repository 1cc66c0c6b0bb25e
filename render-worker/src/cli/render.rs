//! `render` and `verify`.

use super::TaskArgs;
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use playnet_primitives::{Hash32, RenderSpec, Scene, TaskResult};
use playnet_render::{
	backend::{Backend, Renderer},
	cpu::thread_count,
	error::JobError,
	frames::write_png,
	task::render_task,
	verify::{check_tile, sample_tiles, ClaimedResult},
};
use std::{
	path::Path,
	sync::{
		atomic::{AtomicBool, Ordering},
		mpsc, Mutex,
	},
	time::Instant,
};

fn progress(frames: u32) -> ProgressBar {
	let bar = ProgressBar::new(frames as u64);
	bar.set_style(
		ProgressStyle::with_template(
			"{elapsed_precise} [{bar:40}] {pos}/{len} frames {per_sec} eta {eta}",
		)
		.unwrap_or_else(|_| ProgressStyle::default_bar())
		.progress_chars("=> "),
	);
	bar
}

pub fn render(
	backend: Backend,
	threads: Option<usize>,
	task: &TaskArgs,
	out: &std::path::Path,
	no_png: bool,
) -> Result<()> {
	let (spec, scene, result_id) = task.load()?;
	std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
	let renderer = Renderer::new(backend, threads)?;
	eprintln!(
		"rendering {}x{} x {} frames with {}",
		spec.width,
		spec.height,
		spec.frame_count,
		renderer.describe()
	);
	let bar = progress(spec.frame_count);
	let started = Instant::now();
	let result = if no_png {
		render_task(&renderer, &spec, result_id, &scene, |_, _| {
			bar.inc(1);
			true
		})?
	} else {
		render_writing_pngs(&renderer, &spec, result_id, &scene, out, threads, &bar)?
	};
	bar.finish_and_clear();
	let Some(result) = result else { bail!("rendering stopped") };
	let seconds = started.elapsed().as_secs_f64();
	let pixels = spec.width as f64 * spec.height as f64 * spec.frame_count as f64;
	println!("task_id {}", result.task_id);
	for (frame, hash) in result.frame_hashes.iter().enumerate() {
		println!("frame {frame:5} {hash}");
	}
	println!("result_root {}", result.root);
	eprintln!("{:.2} s, {:.2} Mpixels/s", seconds, pixels / seconds / 1e6);
	let claimed = ClaimedResult::from(&result);
	let path = out.join("result.json");
	std::fs::write(&path, serde_json::to_vec_pretty(&claimed)?)
		.with_context(|| format!("cannot write {}", path.display()))?;
	Ok(())
}

/// Renders the task while writer threads (as many as `threads` allows) encode and write each
/// frame as `frame_NNNNN.png`, so that the renderer never waits for an encoder. Stops at the
/// first frame that cannot be written and returns its error.
fn render_writing_pngs(
	renderer: &Renderer,
	spec: &RenderSpec,
	result_id: Hash32,
	scene: &Scene,
	out: &Path,
	threads: Option<usize>,
	bar: &ProgressBar,
) -> Result<Option<TaskResult>> {
	let writers = thread_count(threads).max(1);
	// Frames waiting for a writer, at most: bounds the memory held to a few frames a writer.
	let (frames, queue) = mpsc::sync_channel::<(u32, Vec<u32>)>(writers * 2);
	let queue = Mutex::new(queue);
	let failure: Mutex<Option<JobError>> = Mutex::new(None);
	let failed = AtomicBool::new(false);
	let result = std::thread::scope(|scope| {
		for _ in 0..writers {
			scope.spawn(|| loop {
				let next = queue.lock().expect("writer queue").recv();
				let Ok((frame, pixels)) = next else { return };
				let path = out.join(format!("frame_{frame:05}.png"));
				match write_png(&path, spec.width, spec.height, &pixels) {
					Ok(()) => bar.inc(1),
					Err(error) => {
						failed.store(true, Ordering::Relaxed);
						failure.lock().expect("failure").get_or_insert(error);
					}
				}
			});
		}
		let result = render_task(renderer, spec, result_id, scene, |frame, pixels| {
			!failed.load(Ordering::Relaxed) && frames.send((frame, pixels.to_vec())).is_ok()
		});
		// Writers finish the frames queued, then see the queue closed.
		drop(frames);
		result
	});
	if let Some(error) = failure.into_inner().expect("failure") {
		return Err(error.into());
	}
	Ok(result?)
}

pub fn verify(
	task: &TaskArgs,
	result: &std::path::Path,
	root: Option<&str>,
	tiles: &[String],
	samples: u32,
	sample_seed: u64,
) -> Result<()> {
	let (spec, scene, result_id) = task.load()?;
	let bytes =
		std::fs::read(result).with_context(|| format!("cannot read {}", result.display()))?;
	let claimed: ClaimedResult = serde_json::from_slice(&bytes).context("bad result file")?;
	let root = match root {
		Some(text) => Hash32::from_hex(text).context("--root must be 64 hex digits")?,
		None => claimed.root,
	};
	let mut chosen = Vec::new();
	for item in tiles {
		let (frame, tile) = item.split_once(':').context("tiles are FRAME:TILE")?;
		chosen.push((frame.trim().parse()?, tile.trim().parse()?));
	}
	chosen.extend(sample_tiles(&spec, samples, sample_seed));
	if chosen.is_empty() {
		bail!("no tiles to check: give --tiles or --samples");
	}
	let mut failures = 0;
	for (frame, tile) in chosen {
		let started = Instant::now();
		let outcome = claimed
			.tile_proof(frame, tile)
			.and_then(|proof| check_tile(&spec, &result_id, &scene, &proof, &root));
		match outcome {
			Ok(steps) => println!(
				"ok   frame {frame} tile {tile}: {steps} ray steps, {:.1} ms",
				started.elapsed().as_secs_f64() * 1e3
			),
			Err(error) => {
				failures += 1;
				println!("FAIL {error}");
			}
		}
	}
	if failures > 0 {
		bail!("{failures} tiles do not match root {root}");
	}
	println!("all tiles match root {root}");
	Ok(())
}
