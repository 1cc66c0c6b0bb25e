//! `playnet-client`: a headless Playnet player.
//!
//! Reaches the chain through a node's JSON-RPC or an embedded light client (`--chain`), joins
//! the world network, and runs commands: one given on
//! the command line (`playnet-client set 1 70 2 stone`), or, without one, a line mode that
//! reads commands from stdin, one per line, and answers each with one line (`ok ...` or
//! `error ...`). What happens meanwhile (peers' edits, chat, the chain's decisions) is printed
//! as `event ...` lines.

use anyhow::Context;
use clap::Parser;
use libp2p::Multiaddr;
use playnet_chain_access::{key_from_uri, read_key_file, ChainArgs, Connection};
use playnet_client::{
	cache::ChunkCache,
	chain::WorldConnection,
	command::{self, Command},
	identity,
	p2p::{ChunkSource, NetworkConfig},
	seeding::CappedSource,
	session::{GameSession, SessionConfig, SessionEvent},
};
use std::{path::PathBuf, sync::Arc, time::Duration};
use tokio::io::AsyncBufReadExt;

/// A headless Playnet player.
///
/// Without a command, reads commands from stdin, one per line: goto x y z [yaw pitch],
/// set x y z block [base=N], get x y z, say text, peers, view [--out view.png] [--size WxH],
/// chunk x y z, wait [seconds], sleep ms, stats, whoami, help, quit.
#[derive(Parser, Debug)]
#[command(name = "playnet-client", version)]
struct Cli {
	/// Where the chain is: a node, or an embedded light client.
	#[command(flatten)]
	chain: ChainArgs,
	/// The player's key as a secret URI: //Alice, a mnemonic, or a 0x seed.
	#[arg(long, conflicts_with = "key_file")]
	suri: Option<String>,
	/// A file holding the player's secret URI (first line).
	#[arg(long)]
	key_file: Option<PathBuf>,
	/// Address to listen on for peers (repeatable).
	#[arg(long, default_value = "/ip4/0.0.0.0/tcp/0")]
	listen: Vec<Multiaddr>,
	/// A peer to bootstrap from, ending in /p2p/<peer id> (repeatable).
	#[arg(long)]
	bootstrap: Vec<Multiaddr>,
	/// Directory of the chunk cache and the peer identity (one per client).
	#[arg(long, default_value = "playnet-cache")]
	cache_dir: PathBuf,
	/// Size limit of the chunk cache, in MiB.
	#[arg(long, default_value_t = 256)]
	cache_mib: u64,
	/// Seeding bandwidth cap in KiB/s (0: no cap).
	#[arg(long, default_value_t = 0)]
	seed_kib_per_sec: u64,
	/// Regions watched around the player's (1: the 3x3 regions around it).
	#[arg(long, default_value_t = 1)]
	watch_radius: i32,
	/// After stdin ends, keep running (seeding, printing events) until Ctrl-C.
	#[arg(long)]
	stay: bool,
	/// A command to run instead of the line mode, e.g. `set 1 70 2 stone`.
	#[arg(trailing_var_arg = true, allow_hyphen_values = true)]
	command: Vec<String>,
}

#[tokio::main]
async fn main() {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| "warn,libp2p_kad=error,libp2p_gossipsub=error".into()),
		)
		.with_writer(std::io::stderr)
		.init();
	if let Err(error) = run(Cli::parse()).await {
		eprintln!("playnet-client: {error:#}");
		std::process::exit(1);
	}
}

async fn start(cli: &Cli) -> anyhow::Result<GameSession> {
	let key = match (&cli.suri, &cli.key_file) {
		(Some(uri), _) => key_from_uri(uri)?,
		(None, Some(path)) => read_key_file(path)?,
		(None, None) => anyhow::bail!("no player key: pass --suri //Alice or --key-file <file>"),
	};
	let endpoint = cli.chain.endpoint().await?;
	let connection = Connection::connect(&endpoint).await?;
	eprintln!("playnet-client: {}", connection.readiness());
	let chain = WorldConnection::new(Arc::new(connection), key);
	let cache = Arc::new(
		ChunkCache::open(&cli.cache_dir, cli.cache_mib.saturating_mul(1 << 20))
			.context("opening the chunk cache")?,
	);
	let keypair = identity::load_or_create(&cli.cache_dir)?;
	let source: Arc<dyn ChunkSource> = match cli.seed_kib_per_sec {
		0 => cache.clone(),
		kib => Arc::new(CappedSource::new(cache.clone(), kib.saturating_mul(1024))),
	};
	let network = NetworkConfig {
		keypair: Some(keypair),
		listen: cli.listen.clone(),
		bootstrap: cli.bootstrap.clone(),
		..NetworkConfig::default()
	};
	let config = SessionConfig { watch_radius: cli.watch_radius };
	let session = GameSession::start(Arc::new(chain), network, cache, source, config)
		.await
		.context("starting the session")?;
	Ok(session)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
	let session = start(&cli).await?;
	let addrs: Vec<String> =
		session.network().listen_addrs().iter().map(|a| a.to_string()).collect();
	println!(
		"ready peer={} seed={} addrs={}",
		session.network().peer_id(),
		session.seed(),
		addrs.join(",")
	);
	tokio::spawn(print_events(session.subscribe()));

	if !cli.command.is_empty() {
		let line = cli.command.join(" ");
		let command = Command::parse(&line).map_err(anyhow::Error::msg)?.context("no command")?;
		let ok = run_line(&session, &command).await;
		if matches!(command, Command::Set { .. }) && ok {
			// A one-shot edit is only done when the chain has decided it.
			run_line(&session, &Command::Wait(Duration::from_secs(120))).await;
		}
		anyhow::ensure!(ok, "the command failed");
		return Ok(());
	}

	let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
	loop {
		let line = tokio::select! {
			line = lines.next_line() => line.context("reading stdin")?,
			_ = tokio::signal::ctrl_c() => return Ok(()),
		};
		let Some(line) = line else { break };
		match Command::parse(&line) {
			Ok(None) => {}
			Ok(Some(Command::Quit)) => return Ok(()),
			Ok(Some(command)) => {
				run_line(&session, &command).await;
			}
			Err(e) => println!("error: {e}"),
		}
	}
	if cli.stay {
		println!("event stdin-closed staying");
		tokio::signal::ctrl_c().await.ok();
	}
	Ok(())
}

/// Runs one command and prints its result line; returns whether it succeeded.
async fn run_line(session: &GameSession, command: &Command) -> bool {
	match command::run(session, command).await {
		Ok(result) => {
			println!("ok {} {result}", command.name());
			true
		}
		Err(e) => {
			println!("error {}: {e}", command.name());
			false
		}
	}
}

async fn print_events(mut events: tokio::sync::broadcast::Receiver<SessionEvent>) {
	use tokio::sync::broadcast::error::RecvError;
	loop {
		let event = match events.recv().await {
			Ok(event) => event,
			Err(RecvError::Lagged(missed)) => {
				println!("event missed {missed}");
				continue;
			}
			Err(RecvError::Closed) => return,
		};
		let c = |coord: &playnet_primitives::ChunkCoord| command::coord_text(coord);
		match event {
			SessionEvent::DeltaApplied { from, coord, id, edits } => {
				println!(
					"event delta chunk={} edits={edits} from={from} submission={id}",
					c(&coord)
				)
			}
			SessionEvent::Chat { from, text } => println!("event chat from={from} {text}"),
			SessionEvent::Applied { id, coord, version } => {
				println!("event applied chunk={} version={version} submission={id}", c(&coord))
			}
			SessionEvent::Bounced { id, coord, reason } => {
				println!("event bounced chunk={} reason={reason:?} submission={id}", c(&coord))
			}
			SessionEvent::Refused { id, coord, reason } => {
				println!("event refused chunk={} reason={reason} submission={id}", c(&coord))
			}
			SessionEvent::ChunkConfirmed { coord, version, hash, origin } => println!(
				"event confirmed chunk={} version={version} hash={hash} from={origin}",
				c(&coord)
			),
			SessionEvent::ChunkPrefetched { coord, version, hash, from } => println!(
				"event prefetched chunk={} version={version} hash={hash} from={from}",
				c(&coord)
			),
			SessionEvent::PeerPenalised { peer, dropped } => {
				println!("event penalised peer={peer} dropped={dropped}")
			}
		}
	}
}
