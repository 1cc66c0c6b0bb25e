//! The command line.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use playnet_primitives::{
    demo::GeneratedTask,
    proof::tile::{render_tile, tile_rect},
    FrameCamera, Hash32, RenderSpec, Scene,
};
use playnet_render::{
    backend::{Backend, Renderer},
    cpu::CpuRenderer,
    frames::write_png,
    serve::{self, ServeConfig},
    task::render_task,
    verify::{check_tile, sample_tiles, ClaimedResult},
    JobRequest,
};
use std::{path::PathBuf, time::Instant};

/// Playnet's render worker.
#[derive(Parser)]
#[command(name = "playnet-render", version, about)]
pub struct Cli {
    /// Which path renders: the GPU (wgpu), the CPU reference, or the GPU if there is one.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    backend: Backend,
    /// CPU threads to use (default: all cores).
    #[arg(long, global = true)]
    threads: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a task: PNG frames, frame hashes and the result root.
    Render {
        #[command(flatten)]
        task: TaskArgs,
        /// Where to write frame_NNNNN.png and result.json.
        #[arg(long)]
        out: PathBuf,
        /// Skip writing PNG files.
        #[arg(long)]
        no_png: bool,
    },
    /// Re-render chosen tiles with the CPU reference and check them against a claimed result.
    Verify {
        #[command(flatten)]
        task: TaskArgs,
        /// The claimed result (result.json from `render`, or the same fields from the API).
        #[arg(long)]
        result: PathBuf,
        /// Check against this root instead of the one in the result file.
        #[arg(long)]
        root: Option<String>,
        /// Tiles to check as FRAME:TILE, comma separated.
        #[arg(long, value_delimiter = ',')]
        tiles: Vec<String>,
        /// Also check this many tiles chosen from --sample-seed.
        #[arg(long, default_value_t = 4)]
        samples: u32,
        /// Seed of the tile sample.
        #[arg(long, default_value_t = 0)]
        sample_seed: u64,
    },
    /// Mpixels/s of the CPU reference on one thread, on all threads, and of the GPU path.
    Bench {
        #[arg(long, default_value_t = 1280)]
        width: u32,
        #[arg(long, default_value_t = 720)]
        height: u32,
        /// Frames per measurement.
        #[arg(long, default_value_t = 2)]
        frames: u32,
        /// World seed of the demo scene.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Cost of one-tile verification against rendering a whole task, in DDA steps.
    Cost {
        #[arg(long, default_value_t = 1920)]
        width: u32,
        #[arg(long, default_value_t = 1080)]
        height: u32,
        #[arg(long, default_value_t = 600)]
        frames: u32,
        /// Frames actually rendered (evenly spread); the rest is extrapolated.
        #[arg(long, default_value_t = 6)]
        sample_frames: u32,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Serve the localhost HTTP API for the node's offchain worker.
    Serve {
        /// Address to listen on; keep it on localhost.
        #[arg(long, default_value = "127.0.0.1:9955")]
        listen: std::net::SocketAddr,
        /// World seed for generating chunks a request does not supply.
        #[arg(long)]
        world_seed: Option<u64>,
        /// Largest request body in bytes.
        #[arg(long, default_value_t = 16 << 20)]
        max_body: usize,
        /// Most jobs queued or running at once.
        #[arg(long, default_value_t = 8)]
        max_jobs: usize,
        /// Most pixels (width x height x frames) per job.
        #[arg(long, default_value_t = 1920 * 1080 * 600)]
        max_job_pixels: u64,
        /// Most finished jobs kept for queries (the oldest are forgotten first).
        #[arg(long, default_value_t = 64)]
        max_finished: usize,
    },
    /// Write a demo request (JSON) to use with --spec or POST /jobs.
    Spec {
        #[command(flatten)]
        demo: DemoArgs,
        /// Output file (.json, or .scale for SCALE).
        #[arg(long)]
        out: PathBuf,
        /// Include every chunk's bytes (otherwise the worker needs --world-seed).
        #[arg(long)]
        with_chunks: bool,
    },
}

#[derive(Args, Clone)]
struct DemoArgs {
    /// World seed of the demo scene.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    #[arg(long, default_value_t = 640)]
    width: u32,
    #[arg(long, default_value_t = 360)]
    height: u32,
    #[arg(long, default_value_t = 8)]
    frames: u32,
}

#[derive(Args, Clone)]
struct TaskArgs {
    /// A request file: JSON ({"spec":..,"chunks":[hex..]}), or SCALE if it ends in .scale.
    #[arg(long, conflicts_with = "demo", required_unless_present = "demo")]
    spec: Option<PathBuf>,
    /// Use the demo scene instead.
    #[arg(long)]
    demo: bool,
    #[command(flatten)]
    demo_args: DemoArgs,
    /// World seed for generating chunks the request does not supply.
    #[arg(long)]
    world_seed: Option<u64>,
}

impl TaskArgs {
    fn load(&self) -> Result<(RenderSpec, Scene)> {
        let (request, seed) = if self.demo {
            let d = &self.demo_args;
            let task = GeneratedTask::demo(d.seed, d.width, d.height, d.frames);
            let (spec, _) = task.build();
            (
                JobRequest {
                    spec,
                    chunks: Vec::new(),
                },
                Some(d.seed),
            )
        } else {
            let path = self.spec.as_ref().context("--spec or --demo is required")?;
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let request = if path.extension().is_some_and(|e| e == "scale") {
                JobRequest::from_scale(&bytes)?
            } else {
                JobRequest::from_json(&bytes)?
            };
            (request, self.world_seed)
        };
        let scene = request.scene(seed)?;
        Ok((request.spec, scene))
    }
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Render { task, out, no_png } => {
            render(cli.backend, cli.threads, &task, &out, no_png)
        }
        Command::Verify {
            task,
            result,
            root,
            tiles,
            samples,
            sample_seed,
        } => verify(
            &task,
            &result,
            root.as_deref(),
            &tiles,
            samples,
            sample_seed,
        ),
        Command::Bench {
            width,
            height,
            frames,
            seed,
        } => bench(cli.backend, cli.threads, width, height, frames, seed),
        Command::Cost {
            width,
            height,
            frames,
            sample_frames,
            seed,
        } => cost(cli.threads, width, height, frames, sample_frames, seed),
        Command::Serve {
            listen,
            world_seed,
            max_body,
            max_jobs,
            max_job_pixels,
            max_finished,
        } => {
            if !listen.ip().is_loopback() {
                tracing::warn!("listening on {listen}, which is not a loopback address");
            }
            let config = ServeConfig {
                max_body,
                max_pending: max_jobs,
                max_job_pixels,
                max_finished,
                world_seed,
            };
            let state = serve::ApiState::start(cli.backend, cli.threads, config)?;
            tracing::info!("rendering with {}", state.jobs().renderer());
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(serve::serve(listen, state))?;
            Ok(())
        }
        Command::Spec {
            demo,
            out,
            with_chunks,
        } => {
            let task = GeneratedTask::demo(demo.seed, demo.width, demo.height, demo.frames);
            let (spec, chunks) = task.build();
            let request = JobRequest {
                spec,
                chunks: if with_chunks { chunks } else { Vec::new() },
            };
            let bytes = if out.extension().is_some_and(|e| e == "scale") {
                codec::Encode::encode(&request)
            } else {
                serde_json::to_vec_pretty(&request.to_json())?
            };
            std::fs::write(&out, bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!("task_id {}", request.spec.task_id());
            Ok(())
        }
    }
}

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

fn render(
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
    let Some(result) = result else {
        bail!("rendering stopped")
    };
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

fn verify(
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

fn measure(label: &str, pixels: u64, run: impl FnOnce() -> Result<()>) -> Result<f64> {
    let started = Instant::now();
    run()?;
    let seconds = started.elapsed().as_secs_f64();
    let rate = pixels as f64 / seconds / 1e6;
    println!("{label:<28} {rate:10.3} Mpixels/s  ({seconds:.2} s)");
    Ok(rate)
}

fn bench(
    backend: Backend,
    threads: Option<usize>,
    width: u32,
    height: u32,
    frames: u32,
    seed: u64,
) -> Result<()> {
    let (spec, chunks) = GeneratedTask::demo(seed, width, height, frames.max(2)).build();
    let scene = Scene::from_encoded(&spec, &chunks)?;
    let cameras: Vec<FrameCamera> = (0..frames)
        .map(|f| FrameCamera::at_frame(&spec.camera_path, f, width, height))
        .collect();
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
    let cpu_n = measure(
        &format!("CPU reference, {} threads", multi.threads()),
        pixels,
        || {
            for camera in &cameras {
                multi.render_rows(&scene, camera, 0..height);
            }
            Ok(())
        },
    )?;
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
    // One warm-up frame: pipeline compilation and uploads are not part of the rate.
    bound.render_frame(&cameras[0])?;
    let mut gpu_frames = Vec::new();
    let rate = measure("GPU (wgpu compute)", pixels, || {
        for camera in &cameras {
            gpu_frames.push(bound.render_frame(camera)?);
        }
        Ok(())
    })?;
    println!("  GPU / CPU single-thread: {:.1}x", rate / cpu1);
    println!("  GPU / CPU multi-thread:  {:.1}x", rate / cpu_n);
    if gpu_frames == reference {
        println!("  GPU frames are bit-identical to the CPU reference");
    } else {
        bail!("GPU frames differ from the CPU reference");
    }
    Ok(())
}

fn cost(
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
    println!(
        "  tile / task, mean:          1/{:.0}",
        task_steps / mean_tile
    );
    println!(
        "  tile / task, worst:         1/{:.0}",
        task_steps / max_tile_steps.max(1) as f64
    );
    let bound = playnet_primitives::render::kernel::MAX_STEPS as f64 * 4096.0;
    println!(
		"  tile upper bound:           {bound:.0} ray steps (MAX_STEPS x 4096) = 1/{:.0} of the task",
		task_steps / bound
	);
    Ok(())
}
