//! `playnet-client`: a Playnet player.
//!
//! Reaches the chain through a node's JSON-RPC or an embedded light client (`--chain`), joins
//! the world network, and then either opens the game's window (`playnet-client play`, see
//! [`playnet_client::play`]) or runs commands: one given on the command line
//! (`playnet-client set 1 70 2 stone`), or, without one, a line mode that reads commands from
//! stdin, one per line, and answers each with one line (`ok ...` or `error ...`). What happens
//! meanwhile (peers' edits, chat, the chain's decisions) is printed as `event ...` lines.

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
	play::PlayOptions,
	seeding::CappedSource,
	session::{GameSession, SessionConfig, SessionEvent},
	view::parse_size,
};
use playnet_renderer::Backend;
use std::{path::PathBuf, sync::Arc, time::Duration};
use tokio::io::AsyncBufReadExt;

/// A Playnet player: `play` opens the game's window.
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
	/// A command to run instead of the line mode, e.g. `set 1 70 2 stone`, or `play [OPTIONS]`
	/// for the window (`play --help` lists its options).
	#[arg(trailing_var_arg = true, allow_hyphen_values = true)]
	command: Vec<String>,
}

/// `playnet-client play`: the game's window.
#[derive(Parser, Debug)]
#[command(name = "play")]
struct PlayArgs {
	/// The window's size in pixels, WIDTHxHEIGHT.
	#[arg(long, default_value = "1280x720", value_parser = parse_size)]
	size: (u32, u32),
	/// Window pixels per rendered pixel (default: 1 on a hardware GPU, 2 on the CPU path or a
	/// software adapter such as lavapipe, 1 in remote play).
	#[arg(long)]
	render_scale: Option<u32>,
	/// Which path renders the world: the GPU when there is an adapter (auto), or one of them.
	#[arg(long, value_enum, default_value = "auto")]
	backend: Backend,
	/// Threads of the CPU path (default: every core).
	#[arg(long)]
	threads: Option<usize>,
	/// Where F2 writes screenshots and their render specs.
	#[arg(long, default_value = "playnet-screenshots")]
	screenshots: PathBuf,
	/// Play on a contributor's machine (cloud gaming): open a session with the best offer
	/// (and the next as backup), stream the view (--size divided by --render-scale, which is
	/// 1 here by default), pay per minute by receipts. The session ends when the window closes.
	#[arg(long)]
	remote: bool,
	/// Remote play without a window: the camera turns on the spot, frames go to --frames-dir.
	#[arg(long, requires = "remote")]
	headless: bool,
	/// Remote play: frames per second.
	#[arg(long, default_value_t = 30)]
	fps: u32,
	/// Remote play: the longest the session may run, in minutes (its escrow).
	#[arg(long, default_value_t = 10)]
	minutes: u32,
	/// Remote play: the latency bound from input to frame, in milliseconds.
	#[arg(long, default_value_t = 150)]
	max_latency_ms: u32,
	/// Remote play: the highest price per minute, in PGT.
	#[arg(long, default_value = "1")]
	max_price: String,
	/// Remote play: the contributor to ask (SS58 or 0x hex; default: the best offer).
	#[arg(long)]
	contributor: Option<String>,
	/// Remote play: the backup (default: the next best offer).
	#[arg(long)]
	backup: Option<String>,
	/// Remote play: how long to play, in seconds (default: 60 headless, until the window
	/// closes in the window).
	#[arg(long)]
	seconds: Option<u64>,
	/// Remote play: where to write one frame a second.
	#[arg(long, requires = "remote")]
	frames_dir: Option<PathBuf>,
	/// Remote play: the share of one core the spot checks may take.
	#[arg(long, default_value_t = 0.05)]
	spot_check_share: f64,
}

/// An account from SS58 or 0x hex.
fn parse_account(text: &str) -> anyhow::Result<playnet_chain_access::AccountBytes> {
	use std::str::FromStr;
	if let Some(hex_text) = text.strip_prefix("0x") {
		let bytes = hex::decode(hex_text).context("not hex")?;
		return bytes.try_into().map_err(|_| anyhow::anyhow!("{text}: not 32 bytes"));
	}
	Ok(playnet_chain_access::subxt::utils::AccountId32::from_str(text)
		.map_err(|e| anyhow::anyhow!("{text}: {e}"))?
		.0)
}

/// What `play --remote` asks for: the window's size divided by `scale`.
fn remote_options(
	play: &PlayArgs,
	scale: u32,
) -> anyhow::Result<playnet_client::remote::playing::RemoteOptions> {
	let play_for = match (play.seconds, play.headless) {
		(Some(seconds), _) => Duration::from_secs(seconds),
		(None, true) => Duration::from_secs(60),
		(None, false) => Duration::MAX,
	};
	Ok(playnet_client::remote::playing::RemoteOptions {
		width: (play.size.0 / scale).max(1),
		height: (play.size.1 / scale).max(1),
		fps: play.fps,
		max_minutes: play.minutes,
		max_latency_ms: play.max_latency_ms,
		max_price_per_minute: playnet_chain_access::accounts::parse_pgt(&play.max_price)
			.with_context(|| format!("--max-price {:?} is not an amount of PGT", play.max_price))?,
		contributor: play.contributor.as_deref().map(parse_account).transpose()?,
		backup: play.backup.as_deref().map(parse_account).transpose()?,
		spot_check_share: play.spot_check_share,
		play_for,
		frames_dir: play.frames_dir.clone(),
		screen: None,
	})
}

/// `play --remote --headless`: a cloud-gaming session without a window.
async fn run_remote(cli: &Cli, play: PlayArgs) -> anyhow::Result<()> {
	let options = remote_options(&play, 1)?;
	let started = start(cli).await?;
	print_ready(&started.session);
	let signer = playnet_chain_access::Signer::new(player_key(cli)?);
	playnet_client::remote::playing::play_remote(
		&started.session,
		&started.connection,
		&signer,
		options,
	)
	.await?;
	Ok(())
}

fn player_key(cli: &Cli) -> anyhow::Result<subxt_signer::sr25519::Keypair> {
	Ok(match (&cli.suri, &cli.key_file) {
		(Some(uri), _) => key_from_uri(uri)?,
		(None, Some(path)) => read_key_file(path)?,
		(None, None) => anyhow::bail!("no player key: pass --suri //Alice or --key-file <file>"),
	})
}

fn main() {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
				"warn,libp2p_kad=error,libp2p_gossipsub=error,winit=error".into()
			}),
		)
		.with_writer(std::io::stderr)
		.init();
	let cli = Cli::parse();
	// `play`'s options are checked before anything connects.
	let play = match cli.command.first().map(String::as_str) {
		Some("play") => Some(PlayArgs::parse_from(&cli.command)),
		_ => None,
	};
	let result =
		tokio::runtime::Runtime::new().context("starting the async runtime").and_then(|runtime| {
			match play {
				// The window runs on this thread (some platforms insist); the session on the runtime.
				Some(play) if play.headless => runtime.block_on(run_remote(&cli, play)),
				Some(play) => run_window(&runtime, &cli, play),
				None => runtime.block_on(run(cli)),
			}
		});
	if let Err(error) = result {
		eprintln!("playnet-client: {error:#}");
		std::process::exit(1);
	}
}

fn run_window(runtime: &tokio::runtime::Runtime, cli: &Cli, play: PlayArgs) -> anyhow::Result<()> {
	// Checked before anything connects.
	let remote = match play.remote {
		true => {
			let scale = play.render_scale.unwrap_or(1).clamp(1, 16);
			Some(playnet_client::play::RemotePlay {
				signer: playnet_chain_access::Signer::new(player_key(cli)?),
				options: remote_options(&play, scale)?,
			})
		}
		false => None,
	};
	let started = runtime.block_on(start(cli))?;
	let session = Arc::new(started.session);
	print_ready(&session);
	runtime.spawn(print_events(session.subscribe()));
	let options = PlayOptions {
		size: play.size,
		scale: play.render_scale,
		backend: play.backend,
		threads: play.threads,
		screenshots: play.screenshots,
		verified: started.connection.backend() == playnet_chain_access::Backend::LightClient,
	};
	playnet_client::play::run(
		runtime.handle().clone(),
		session,
		started.connection,
		started.account,
		options,
		remote,
	)
}

/// A session, and the chain connection under it.
struct Started {
	session: GameSession,
	connection: Arc<Connection>,
	account: playnet_chain_access::AccountBytes,
}

async fn start(cli: &Cli) -> anyhow::Result<Started> {
	let key = player_key(cli)?;
	let account = key.public_key().0;
	let endpoint = cli.chain.endpoint().await?;
	let connection = Arc::new(Connection::connect(&endpoint).await?);
	eprintln!("playnet-client: {}", connection.readiness());
	let chain = WorldConnection::new(connection.clone(), key);
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
	Ok(Started { session, connection, account })
}

fn print_ready(session: &GameSession) {
	let addrs: Vec<String> =
		session.network().listen_addrs().iter().map(|a| a.to_string()).collect();
	println!(
		"ready peer={} seed={} addrs={}",
		session.network().peer_id(),
		session.seed(),
		addrs.join(",")
	);
}

async fn run(cli: Cli) -> anyhow::Result<()> {
	let session = start(&cli).await?.session;
	print_ready(&session);
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
