//! `playnet-client`: a headless Playnet peer.
//!
//! For now it joins the world network, seeds chunks from its cache, and logs what happens on
//! the regions it watches. Chain access and the line mode come next.

use anyhow::Context;
use clap::Parser;
use libp2p::Multiaddr;
use playnet_client::{
	cache::ChunkCache,
	p2p::{Network, NetworkConfig, NetworkEvent},
	region::RegionCoord,
};
use std::{path::PathBuf, sync::Arc};

/// A headless Playnet peer.
#[derive(Parser, Debug)]
#[command(name = "playnet-client", version)]
struct Cli {
	/// Address to listen on (repeatable).
	#[arg(long, default_value = "/ip4/0.0.0.0/tcp/0")]
	listen: Vec<Multiaddr>,
	/// Peer to bootstrap from, ending in /p2p/<peer id> (repeatable).
	#[arg(long)]
	bootstrap: Vec<Multiaddr>,
	/// Directory of the chunk cache.
	#[arg(long, default_value = "playnet-cache")]
	cache_dir: PathBuf,
	/// Size limit of the chunk cache, in MiB.
	#[arg(long, default_value_t = 256)]
	cache_mib: u64,
	/// Region to watch, as x,z (repeatable).
	#[arg(long, allow_hyphen_values = true)]
	region: Vec<RegionCoord>,
}

#[tokio::main]
async fn main() {
	tracing_subscriber::fmt()
		.with_env_filter(
			tracing_subscriber::EnvFilter::try_from_default_env()
				.unwrap_or_else(|_| "info,libp2p_kad=error".into()),
		)
		.with_writer(std::io::stderr)
		.init();
	if let Err(error) = run(Cli::parse()).await {
		eprintln!("playnet-client: {error:#}");
		std::process::exit(1);
	}
}

async fn run(cli: Cli) -> anyhow::Result<()> {
	let cache = ChunkCache::open(&cli.cache_dir, cli.cache_mib.saturating_mul(1 << 20))
		.context("opening the chunk cache")?;
	let config =
		NetworkConfig { listen: cli.listen, bootstrap: cli.bootstrap, ..NetworkConfig::default() };
	let (network, mut events) =
		Network::start(config, Arc::new(cache)).await.context("starting the network")?;
	// The addresses others pass to --bootstrap.
	println!("peer {}", network.peer_id());
	for addr in network.listen_addrs() {
		println!("bootstrap-address {addr}");
	}
	for region in cli.region {
		network.subscribe(region).await.context("joining a region")?;
	}
	loop {
		tokio::select! {
			event = events.recv() => match event {
				Some(event) => print_event(&event),
				None => anyhow::bail!("the network stopped"),
			},
			_ = tokio::signal::ctrl_c() => return Ok(()),
		}
	}
}

fn print_event(event: &NetworkEvent) {
	match event {
		NetworkEvent::Listening(addr) => println!("listening {addr}"),
		NetworkEvent::PeerConnected(peer) => println!("connected {peer}"),
		NetworkEvent::PeerDisconnected(peer) => println!("disconnected {peer}"),
		NetworkEvent::PeerSubscribed { peer, region } => println!("joined {region} {peer}"),
		NetworkEvent::Gossip { author, region, message, .. } => {
			println!("gossip {region} {author} {message:?}")
		}
		NetworkEvent::PeerPenalised { peer, offence, strikes, dropped } => {
			println!("penalised {peer} {offence:?} strikes={strikes} dropped={dropped}")
		}
	}
}
