//! `work`: the standalone worker, reconnecting after lost connections.

use super::{KeyArgs, Reconnects};
use anyhow::{Context, Result};
use clap::Args;
use playnet_render::{
	backend::{Backend, Renderer},
	work::{
		chain::RenderChain,
		report::parse_pgt,
		rpc::{Follow, RpcRenderChain},
		state::StateDir,
		WorkConfig, Worker,
	},
};
use std::{path::PathBuf, sync::Arc};

#[derive(Args)]
pub struct WorkArgs {
	/// Where the chain is: a node, or an embedded light client (`--chain`).
	#[command(flatten)]
	chain: playnet_chain_access::ChainArgs,
	#[command(flatten)]
	key: KeyArgs,
	/// Bond up to this many PGT before working (nothing is added if as much is bonded).
	#[arg(long)]
	bond: Option<String>,
	/// Which blocks to follow.
	#[arg(long, value_enum, default_value = "finalized")]
	follow: Follow,
	/// Where task records (root and salt per task) are kept; one directory per chain and
	/// account is made under it. Default: $XDG_DATA_HOME/playnet-render/work, else
	/// ~/.local/share/playnet-render/work.
	#[arg(long)]
	state_dir: Option<PathBuf>,
	/// Exit after this many of the worker's tasks have ended (settled or refunded).
	#[arg(long)]
	tasks: Option<u64>,
	/// Give up after this many connection attempts in a row fail (0: never).
	#[arg(long, default_value_t = 0)]
	max_reconnects: u32,
}

fn default_state_dir() -> PathBuf {
	if let Some(data) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
		return PathBuf::from(data).join("playnet-render").join("work");
	}
	match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
		Some(home) => PathBuf::from(home).join(".local/share/playnet-render/work"),
		None => PathBuf::from(".playnet-render/work"),
	}
}

pub fn work(backend: Backend, threads: Option<usize>, args: WorkArgs) -> Result<()> {
	let bond = match &args.bond {
		Some(text) => Some(
			parse_pgt(text).with_context(|| format!("--bond {text:?} is not an amount of PGT"))?,
		),
		None => None,
	};
	let keypair = args.key.keypair()?;
	let renderer = Arc::new(Renderer::new(backend, threads)?);
	let config = WorkConfig { bond, stop_after: args.tasks };
	let base = args.state_dir.clone().unwrap_or_else(default_state_dir);
	let runtime = tokio::runtime::Runtime::new()?;
	runtime.block_on(async {
		tokio::select! {
			result = work_until_done(&args, keypair, renderer, config, base) => result,
			_ = tokio::signal::ctrl_c() => {
				eprintln!("interrupted; task records are kept for the next start");
				Ok(())
			}
		}
	})
}

async fn work_until_done(
	args: &WorkArgs,
	keypair: subxt_signer::sr25519::Keypair,
	renderer: Arc<Renderer>,
	config: WorkConfig,
	base: PathBuf,
) -> Result<()> {
	let mut reconnects = Reconnects::new(args.max_reconnects);
	loop {
		let started = std::time::Instant::now();
		let outcome = async {
			let chain = RpcRenderChain::connect(
				&args.chain.endpoint().await?,
				keypair.clone(),
				args.follow,
			)
			.await?;
			let state = StateDir::for_worker(&base, &chain.genesis_hash(), &chain.account())?;
			let mut worker = Worker::new(chain, renderer.clone(), state, config.clone(), |event| {
				println!("{event}")
			});
			worker.run().await
		}
		.await;
		let error = match outcome {
			Ok(ended) => {
				println!("done: {ended} tasks ended");
				return Ok(());
			}
			Err(error) if error.is_transient() => error,
			Err(error) => return Err(error.into()),
		};
		reconnects.wait(started.elapsed(), error.into()).await?;
	}
}
