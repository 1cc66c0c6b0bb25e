//! Measures the world network on loopback, without a chain:
//!
//! - edit-to-peer latency over gossip: `--clients` peers (default 8) in one region, each
//!   delta published by one of them in turn and timed to every other's delivery (p50/p99);
//! - chunk fetch throughput: one peer fetching `--chunks` distinct worst-case chunks (default
//!   1000) by hash from `--seeders` peers (default 4), all fetches under way at once.
//!
//! `cargo run --release -p playnet-client --example p2p_bench -- [--clients 8] [--deltas 200]
//! [--seeders 4] [--chunks 400]`

use futures::future::join_all;
use playnet_client::{
	p2p::{ChunkSource, EditDelta, FetchError, Network, NetworkConfig, NetworkEvent, WorldMessage},
	region::RegionCoord,
};
use playnet_primitives::{
	world::{blocks::BLOCK_COUNT, encoding::encode_chunk},
	BlockEdit, Chunk, ChunkCoord, ContentHash, CHUNK_VOLUME,
};
use std::{
	collections::HashMap,
	sync::Arc,
	time::{Duration, Instant},
};
use tokio::sync::mpsc;

struct MapSource(HashMap<ContentHash, Vec<u8>>);

impl ChunkSource for MapSource {
	fn chunk_bytes(&self, hash: &ContentHash) -> Option<Vec<u8>> {
		self.0.get(hash).cloned()
	}
}

fn arg(name: &str, default: usize) -> usize {
	let args: Vec<String> = std::env::args().collect();
	args.iter()
		.position(|a| a == name)
		.and_then(|i| args.get(i + 1))
		.and_then(|v| v.parse().ok())
		.unwrap_or(default)
}

async fn peer(
	source: MapSource,
	bootstrap: Option<&Network>,
) -> (Network, mpsc::Receiver<NetworkEvent>) {
	let config = NetworkConfig {
		listen: vec!["/ip4/127.0.0.1/tcp/0".parse().expect("a multiaddr")],
		bootstrap: bootstrap.map(|b| vec![b.listen_addrs()[0].clone()]).unwrap_or_default(),
		gossip_heartbeat: Duration::from_millis(100),
		dht_refresh: Duration::from_secs(1),
		fetch_fanout: 1,
		..NetworkConfig::default()
	};
	Network::start(config, Arc::new(source)).await.expect("a peer starts")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
	let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
	sorted[at.min(sorted.len() - 1)]
}

async fn gossip_latency(clients: usize, deltas: usize) {
	let region = RegionCoord::new(0, 0);
	let (first, first_events) = peer(MapSource(HashMap::new()), None).await;
	let mut peers = vec![(first, first_events)];
	for _ in 1..clients {
		let started = peer(MapSource(HashMap::new()), Some(&peers[0].0)).await;
		peers.push(started);
	}
	for (network, _) in &peers {
		network.subscribe(region).await.expect("subscribe");
	}
	// Let discovery connect everyone and the mesh form.
	let deadline = Instant::now() + Duration::from_secs(20);
	loop {
		let mut least = usize::MAX;
		for (network, _) in &peers {
			least = least.min(network.connected_peers().await.expect("peers").len());
		}
		if least >= clients.saturating_sub(1).min(6) || Instant::now() > deadline {
			break;
		}
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
	tokio::time::sleep(Duration::from_secs(3)).await;

	let (networks, receivers): (Vec<Network>, Vec<_>) = peers.into_iter().unzip();
	let sent: Arc<std::sync::Mutex<HashMap<u64, Instant>>> = Default::default();
	let (samples_tx, mut samples_rx) = mpsc::unbounded_channel();
	for mut events in receivers {
		let sent = sent.clone();
		let samples_tx = samples_tx.clone();
		tokio::spawn(async move {
			while let Some(event) = events.recv().await {
				if let NetworkEvent::Gossip { message: WorldMessage::Edits(delta), .. } = event {
					let now = Instant::now();
					if let Some(at) = sent.lock().unwrap().get(&delta.timestamp_ms) {
						let _ = samples_tx.send(now - *at);
					}
				}
			}
		});
	}
	drop(samples_tx);
	let mut failed = 0;
	// Deltas are signed as a player's are; the peers check each signature.
	let key = subxt_signer::sr25519::dev::alice();
	let world = NetworkConfig::default().world;
	for n in 0..deltas as u64 {
		let sender = &networks[n as usize % networks.len()];
		let delta = WorldMessage::Edits(
			EditDelta {
				account: [0; 32],
				coord: ChunkCoord::new(1, 4, 1),
				base_version: 0,
				edits: vec![BlockEdit { x: (n % 16) as u8, y: 0, z: 0, block: 1 }],
				// The sequence number, so receivers can find the send time.
				timestamp_ms: n,
				signature: [0; 64],
			}
			.signed(&key, &world),
		);
		sent.lock().unwrap().insert(n, Instant::now());
		if sender.publish(region, delta).await.is_err() {
			failed += 1;
		}
		tokio::time::sleep(Duration::from_millis(20)).await;
	}
	tokio::time::sleep(Duration::from_secs(2)).await;
	let mut samples = Vec::new();
	while let Ok(sample) = samples_rx.try_recv() {
		samples.push(sample);
	}
	samples.sort();
	let expected = (deltas - failed) * (clients - 1);
	if samples.is_empty() {
		println!("gossip: no delta arrived ({failed} publishes failed)");
		return;
	}
	println!(
		"gossip latency, {clients} clients, {deltas} deltas: delivered {}/{expected}, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
		samples.len(),
		percentile(&samples, 0.50).as_secs_f64() * 1e3,
		percentile(&samples, 0.99).as_secs_f64() * 1e3,
		samples.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
	);
}

/// A chunk whose encoding is as long as chunks get: no two neighbouring blocks alike.
fn worst_case_chunk(n: u64) -> Vec<u8> {
	let mut state = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
	let mut last = u16::MAX;
	let blocks = (0..CHUNK_VOLUME)
		.map(|_| {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			let mut block = (state % BLOCK_COUNT as u64) as u16;
			if block == last {
				block = (block + 1) % BLOCK_COUNT;
			}
			last = block;
			block
		})
		.collect();
	encode_chunk(&Chunk::from_blocks(blocks).expect("a full chunk"))
}

async fn fetch_throughput(seeders: usize, chunks: usize) {
	let all: HashMap<ContentHash, Vec<u8>> = (0..chunks as u64)
		.map(|n| {
			let bytes = worst_case_chunk(n);
			(ContentHash::of(&bytes), bytes)
		})
		.collect();
	let total_bytes: usize = all.values().map(Vec::len).sum();
	let mut seeding = Vec::new();
	for _ in 0..seeders {
		seeding.push(peer(MapSource(all.clone()), seeding.first().map(|(n, _)| n)).await);
	}
	let (fetcher, _events) = peer(MapSource(HashMap::new()), Some(&seeding[0].0)).await;
	for (seeder, _) in &seeding {
		let _ = fetcher.dial(seeder.listen_addrs()[0].clone()).await;
	}
	let deadline = Instant::now() + Duration::from_secs(20);
	while fetcher.connected_peers().await.expect("peers").len() < seeders
		&& Instant::now() < deadline
	{
		tokio::time::sleep(Duration::from_millis(100)).await;
	}
	let start = Instant::now();
	let results = join_all(all.keys().map(|hash| fetcher.fetch_chunk(*hash))).await;
	let elapsed = start.elapsed();
	let ok = results.iter().filter(|r| r.is_ok()).count();
	let fetched_bytes: usize = results.iter().flatten().map(Vec::len).sum();
	println!(
		"chunk fetch, {seeders} seeders, {chunks} chunks of {} bytes on average: {ok}/{chunks} in {:.2} s, {:.1} MiB/s, {:.0} chunks/s",
		total_bytes / chunks.max(1),
		elapsed.as_secs_f64(),
		fetched_bytes as f64 / (1 << 20) as f64 / elapsed.as_secs_f64(),
		ok as f64 / elapsed.as_secs_f64(),
	);
	// Why the failed fetches failed, summed over every peer each one asked.
	let (mut not_found, mut failed, mut bad, mut other) = (0, 0, 0, 0);
	for result in &results {
		match result {
			Ok(_) => {}
			Err(FetchError::Unavailable { not_found: n, failed: f, bad: b, .. }) => {
				not_found += n;
				failed += f;
				bad += b;
			}
			Err(_) => other += 1,
		}
	}
	if ok < chunks {
		println!(
			"  failed fetches' answers: {not_found} not found, {failed} failed, {bad} bad; {other} other errors"
		);
	}
}

#[tokio::main]
async fn main() {
	// RUST_LOG=playnet_client=debug shows why requests fail.
	tracing_subscriber::fmt()
		.with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
		.with_writer(std::io::stderr)
		.init();
	let clients = arg("--clients", 8).max(2);
	let deltas = arg("--deltas", 200).max(1);
	let seeders = arg("--seeders", 4).max(1);
	let chunks = arg("--chunks", 1000).max(1);
	gossip_latency(clients, deltas).await;
	fetch_throughput(seeders, chunks).await;
}
