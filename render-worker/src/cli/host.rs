//! `host`: cloud gaming for the contributor. Publishes (or updates) the account's offer,
//! joins the world as a peer of the game's network (the game client's own session: chunks
//! from peers, the cache and the chain), accepts the sessions the chain assigns to the
//! account, and streams each player's view (`playnet_client::remote::hosting`).

use super::KeyArgs;
use anyhow::{Context, Result};
use clap::Args;
use libp2p::Multiaddr;
use playnet_chain_access::{
	accounts::parse_pgt,
	sessions::{publish_offer, Resources},
	ChainArgs, Connection, Signer,
};
use playnet_client::{
	cache::ChunkCache,
	chain::WorldConnection,
	identity,
	p2p::{ChunkSource, NetworkConfig},
	remote::hosting::{Host, HostOptions},
	session::{GameSession, SessionConfig},
	view::parse_size,
};
use playnet_primitives::{Hash32, KERNEL_VERSION};
use playnet_render::backend::{Backend, Renderer};
use std::{path::PathBuf, sync::Arc, time::Duration};

#[derive(Args)]
pub struct HostArgs {
	/// Where the chain is: a node, or an embedded light client (`--chain`).
	#[command(flatten)]
	chain: ChainArgs,
	#[command(flatten)]
	key: KeyArgs,
	/// The price of a minute of play, in PGT.
	#[arg(long, default_value = "0.1")]
	price: String,
	/// The largest frame this host streams, WIDTHxHEIGHT.
	#[arg(long, default_value = "1280x720", value_parser = parse_size)]
	max_size: (u32, u32),
	/// The highest frame rate this host streams.
	#[arg(long, default_value_t = 60)]
	max_fps: u32,
	/// Address to listen on for players and world peers (repeatable).
	#[arg(long, default_value = "/ip4/0.0.0.0/tcp/0")]
	listen: Vec<Multiaddr>,
	/// A world peer to bootstrap from, ending in /p2p/<peer id> (repeatable).
	#[arg(long)]
	bootstrap: Vec<Multiaddr>,
	/// Directory of the host's chunk cache and peer identity.
	#[arg(long, default_value = "playnet-host-cache")]
	cache_dir: PathBuf,
	/// Size limit of the chunk cache, in MiB.
	#[arg(long, default_value_t = 256)]
	cache_mib: u64,
	/// Seconds between settlements of a stream's best receipt.
	#[arg(long, default_value_t = 30)]
	settle_every: u64,
}

/// What a host commits to, and the hash of what it runs: the kernel version and the
/// renderer's description (the adapter, or the CPU threads).
fn resources(args: &HostArgs, renderer: &Renderer) -> (Resources, Hash32) {
	let resources = Resources {
		kernel_version: KERNEL_VERSION,
		max_width: args.max_size.0,
		max_height: args.max_size.1,
		max_fps: args.max_fps,
	};
	let machine = format!("kernel {KERNEL_VERSION}; {}", renderer.describe());
	(resources, Hash32::of(machine.as_bytes()))
}

pub fn host(backend: Backend, threads: Option<usize>, args: HostArgs) -> Result<()> {
	let price = parse_pgt(&args.price)
		.with_context(|| format!("--price {:?} is not an amount of PGT", args.price))?;
	let keypair = args.key.keypair()?;
	// The renderer is made here once to describe the machine; each stream makes its own.
	let (resources, resource_hash) = resources(&args, &Renderer::new(backend, threads)?);
	resources.validate().map_err(|e| anyhow::anyhow!("the host's limits: {e}"))?;
	let runtime = tokio::runtime::Runtime::new()?;
	runtime.block_on(async {
		let endpoint = args.chain.endpoint().await?;
		let connection = Arc::new(Connection::connect(&endpoint).await?);
		let signer = Signer::new(keypair.clone());
		let offer = publish_offer(&connection, resource_hash, resources, price).await?;
		signer
			.submit_and_wait(&connection, "Sessions::publish_offer", &offer, Duration::from_secs(60))
			.await
			.context("publishing the offer (is the account a bonded contributor? bond with `playnet-render work --bond`)")?;
		println!(
			"event host offer price={} max={}x{}@{} resources={resource_hash}",
			args.price, resources.max_width, resources.max_height, resources.max_fps
		);

		let world = WorldConnection::new(connection.clone(), keypair);
		let cache = Arc::new(
			ChunkCache::open(&args.cache_dir, args.cache_mib.saturating_mul(1 << 20))
				.context("opening the chunk cache")?,
		);
		let network = NetworkConfig {
			keypair: Some(identity::load_or_create(&args.cache_dir)?),
			listen: args.listen.clone(),
			bootstrap: args.bootstrap.clone(),
			..NetworkConfig::default()
		};
		let source: Arc<dyn ChunkSource> = cache.clone();
		let session = GameSession::start(
			Arc::new(world),
			network,
			cache,
			source,
			SessionConfig::default(),
		)
		.await
		.context("joining the world")?;
		let addrs: Vec<String> =
			session.network().listen_addrs().iter().map(|a| a.to_string()).collect();
		println!(
			"ready peer={} account={} addrs={}",
			session.network().peer_id(),
			hex::encode(signer.account()),
			addrs.join(",")
		);
		let options = HostOptions {
			backend,
			threads,
			settle_every: Duration::from_secs(args.settle_every.max(1)),
		};
		let host = Host::new(session, connection, signer, options);
		tokio::select! {
			result = host.run() => result.map_err(anyhow::Error::from),
			_ = tokio::signal::ctrl_c() => Ok(()),
		}
	})
}
