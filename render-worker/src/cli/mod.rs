//! The command line: arguments, and one module per group of subcommands.

mod host;
mod measure;
mod post;
mod render;
mod work;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use playnet_primitives::{demo::GeneratedTask, Hash32, RenderSpec, Scene};
use playnet_render::{
	backend::Backend,
	serve::{self, ServeConfig},
	JobRequest,
};
use std::path::PathBuf;

/// The longest wait between reconnection attempts.
const MAX_BACKOFF: std::time::Duration = std::time::Duration::from_secs(30);

/// Reconnecting to a node after lost connections, for the commands that follow one: waits of
/// 2, 4, 8... seconds up to [`MAX_BACKOFF`] between attempts, and an end after `max_attempts`
/// failed attempts in a row (0: never).
pub(crate) struct Reconnects {
	max_attempts: u32,
	failed: u32,
}

impl Reconnects {
	pub(crate) fn new(max_attempts: u32) -> Self {
		Reconnects { max_attempts, failed: 0 }
	}

	/// A connection that lasted `lasted` ended in `error` (worth retrying): waits before the
	/// next attempt, or returns the error once the attempts are spent.
	pub(crate) async fn wait(
		&mut self,
		lasted: std::time::Duration,
		error: anyhow::Error,
	) -> Result<()> {
		// A connection that worked a while before it was lost starts the count afresh.
		if lasted > MAX_BACKOFF * 2 {
			self.failed = 0;
		}
		self.failed += 1;
		if self.max_attempts > 0 && self.failed > self.max_attempts {
			return Err(error.context(format!("giving up after {} attempts", self.failed)));
		}
		let delay = std::time::Duration::from_secs(1 << self.failed.min(5)).min(MAX_BACKOFF);
		eprintln!("{error:#}; reconnecting in {} s", delay.as_secs());
		tokio::time::sleep(delay).await;
		Ok(())
	}
}

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
	/// Work for a chain with your own key: bond, take assigned tasks, render, commit and
	/// reveal, and print what it earns.
	Work(work::WorkArgs),
	/// Cloud gaming: offer this machine, accept the sessions the chain assigns to the
	/// account, and stream each player's view, paid per minute by the player's receipts.
	Host(host::HostArgs),
	/// Post a demo render task over the chain's world (once, or every N blocks) with a fee,
	/// and follow it to its settlement.
	Post(post::PostArgs),
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

/// The key an account signs with, for `work` and `post`.
#[derive(Args, Clone)]
pub(crate) struct KeyArgs {
	/// The account's key as a secret URI: `//Eve`, a mnemonic (optionally with a derivation
	/// path), or a 0x hex seed.
	#[arg(
		long,
		visible_alias = "key",
		conflicts_with = "key_file",
		required_unless_present = "key_file"
	)]
	suri: Option<String>,
	/// A file holding the secret URI (keeps it out of the process list and shell history).
	#[arg(long)]
	key_file: Option<PathBuf>,
}

impl KeyArgs {
	/// The secret URI, from the command line or the key file.
	fn secret_uri(&self) -> Result<String> {
		match (&self.suri, &self.key_file) {
			(Some(uri), _) => Ok(uri.clone()),
			(None, Some(path)) => std::fs::read_to_string(path)
				.map(|text| text.trim().to_owned())
				.with_context(|| format!("cannot read the key file {}", path.display())),
			(None, None) => bail!("give --suri or --key-file"),
		}
	}

	/// The key pair the secret URI names.
	pub(crate) fn keypair(&self) -> Result<subxt_signer::sr25519::Keypair> {
		Ok(playnet_chain_access::key_from_uri(&self.secret_uri()?)?)
	}
}

#[derive(Args, Clone)]
pub(crate) struct DemoArgs {
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
pub(crate) struct TaskArgs {
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
	/// The spec, its scene, and the id its frame hashes commit to (the request's result id,
	/// or the spec's id).
	pub(crate) fn load(&self) -> Result<(RenderSpec, Scene, Hash32)> {
		let (request, seed) = if self.demo {
			let d = &self.demo_args;
			let task = GeneratedTask::demo(d.seed, d.width, d.height, d.frames);
			let (spec, _) = task.build();
			(JobRequest { spec, chunks: Vec::new(), result_id: None }, Some(d.seed))
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
		let result_id = request.result_id.unwrap_or_else(|| request.spec.task_id());
		Ok((request.spec, scene, result_id))
	}
}

pub fn run(cli: Cli) -> Result<()> {
	match cli.command {
		Command::Render { task, out, no_png } => {
			render::render(cli.backend, cli.threads, &task, &out, no_png)
		}
		Command::Verify { task, result, root, tiles, samples, sample_seed } => {
			render::verify(&task, &result, root.as_deref(), &tiles, samples, sample_seed)
		}
		Command::Bench { width, height, frames, seed } => {
			measure::bench(cli.backend, cli.threads, width, height, frames, seed)
		}
		Command::Cost { width, height, frames, sample_frames, seed } => {
			measure::cost(cli.threads, width, height, frames, sample_frames, seed)
		}
		Command::Serve { listen, world_seed, max_body, max_jobs, max_job_pixels, max_finished } => {
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
		Command::Work(args) => work::work(cli.backend, cli.threads, args),
		Command::Post(args) => post::post(args),
		Command::Host(args) => host::host(cli.backend, cli.threads, args),
		Command::Spec { demo, out, with_chunks } => {
			let task = GeneratedTask::demo(demo.seed, demo.width, demo.height, demo.frames);
			let (spec, chunks) = task.build();
			let chunks = if with_chunks { chunks } else { Vec::new() };
			let request = JobRequest { spec, chunks, result_id: None };
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
