//! `render` and `verify`.

use super::TaskArgs;
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use playnet_primitives::Hash32;
use playnet_render::{
	backend::{Backend, Renderer},
	frames::write_png,
	task::render_task,
	verify::{check_tile, sample_tiles, ClaimedResult},
};
use std::time::Instant;

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
	let (spec, scene) = task.load()?;
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
	let mut write_error = None;
	let started = Instant::now();
	let result = render_task(&renderer, &spec, &scene, |frame, pixels| {
		if !no_png {
			let path = out.join(format!("frame_{frame:05}.png"));
			if let Err(e) = write_png(&path, spec.width, spec.height, pixels) {
				write_error = Some(e);
				return false;
			}
		}
		bar.inc(1);
		true
	})?;
	bar.finish_and_clear();
	if let Some(error) = write_error {
		return Err(error.into());
	}
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

pub fn verify(
	task: &TaskArgs,
	result: &std::path::Path,
	root: Option<&str>,
	tiles: &[String],
	samples: u32,
	sample_seed: u64,
) -> Result<()> {
	let (spec, scene) = task.load()?;
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
			.and_then(|proof| check_tile(&spec, &scene, &proof, &root));
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
