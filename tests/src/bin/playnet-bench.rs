//! `playnet-bench`: how many transactions a `--dev` node includes per second, and how full its
//! blocks get. Run by hand, not in CI (it measures; it asserts nothing):
//!
//! ```text
//! ./scripts/build.sh
//! target/release/playnet-bench transfers
//! target/release/playnet-bench edits --edits-per-call 1
//! ```
//!
//! It starts its own `playnet-node --dev` on free loopback ports (a fresh chain, so runs are
//! comparable), signs bursts of transactions from the six endowed dev accounts with explicit
//! nonces, submits them all at once through `author_submitExtrinsic` (as a wallet would), and
//! follows the best chain until every one of them is in a block. It then prints, per block,
//! how many of its transactions the block holds and how full the block's normal-class weight
//! is, and the included transactions per second over the blocks that held them.

use anyhow::{bail, ensure, Context, Result};
use clap::{Parser, ValueEnum};
use playnet_tests::{Node, NodeBuilder};
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use subxt::config::DefaultExtrinsicParamsBuilder;
use subxt::dynamic::{self, Value};
use subxt::ext::futures::{stream, StreamExt};
use subxt::ext::scale_decode::{self, DecodeAsType};
use subxt::rpcs::rpc_params;
use subxt::transactions::Payload;
use subxt::utils::{AccountId32, MultiAddress};
use subxt::{OnlineClient, SubstrateConfig};
use subxt_signer::sr25519::{dev, Keypair};

/// The dev chain's slot: one block every 3 s.
const SLOT: Duration = Duration::from_secs(3);

/// How long the bench waits for the next of its transactions to be included.
const INCLUSION_TIMEOUT: Duration = Duration::from_secs(60);

/// How many `author_submitExtrinsic` requests are in flight at once.
const SUBMIT_CONCURRENCY: usize = 64;

/// The runtime's normal-class share of the block weight (75% of 1 s of ref time).
const MAX_NORMAL_REF_TIME: u64 = 750_000_000_000;

#[derive(Parser)]
#[command(about = "Included transactions per second and block fullness of a --dev playnet-node")]
struct Cli {
	/// What to submit.
	#[arg(value_enum)]
	workload: Workload,
	/// Transactions in all.
	#[arg(long, default_value_t = 12_000)]
	transactions: usize,
	/// Transactions signed and submitted per burst; the next burst is signed once every
	/// transaction of the last one is in a block. `edits` bursts must be included within the
	/// runtime's 30 s clock-skew bound of their client timestamps.
	#[arg(long, default_value_t = 6_000)]
	burst: usize,
	/// Block edits per `apply_edits` call (`edits` only; at most the runtime's 32).
	#[arg(long, default_value_t = 1)]
	edits_per_call: u8,
}

#[derive(Clone, Copy, ValueEnum)]
enum Workload {
	/// `Balances::transfer_keep_alive` of 1 milli-PGT to another dev account.
	Transfers,
	/// `World::apply_edits`: each sender edits its own chunk, one block position after another,
	/// so no edit conflicts with another.
	Edits,
}

/// One sender: a dev account, its next nonce, and (for edits) where it edits next.
struct Sender {
	keypair: Keypair,
	nonce: u64,
	/// The sender's chunks are at x = `chunk_x`, z = 0, y = 0..16.
	chunk_x: i32,
	/// Per chunk: the next untouched block position.
	positions: [u32; CHUNKS_PER_SENDER],
	/// Per chunk: its version before the current burst (the burst's base version).
	versions: [u32; CHUNKS_PER_SENDER],
	/// Per chunk: blocks edited in the current burst.
	burst_edits: [u32; CHUNKS_PER_SENDER],
	next_call: u64,
}

/// `System::BlockWeight`'s normal class, as far as the bench reads it.
#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct PerDispatchClass {
	normal: Weight,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct Weight {
	ref_time: u64,
}

/// What one block held of the bench's transactions.
struct BlockFill {
	number: u64,
	ours: usize,
	extrinsics: usize,
	bytes: usize,
	normal_ref_time: u64,
	/// `System::ExtrinsicFailed` events: included, but their call failed.
	failed: usize,
	/// `World` events by name (what became of the edits).
	world_events: BTreeMap<String, usize>,
}

#[tokio::main]
async fn main() -> Result<()> {
	let cli = Cli::parse();
	ensure!(cli.transactions > 0 && cli.burst > 0, "--transactions and --burst must be positive");
	ensure!(
		(1..=32).contains(&cli.edits_per_call),
		"--edits-per-call must be within 1..=32 (the runtime's MaxEditsPerCall)"
	);

	let node = NodeBuilder::dev("bench")
		.args(["--pool-limit", "65536", "--pool-kbytes", "262144"])
		.spawn()
		.await?;
	node.wait_for_best(1, Duration::from_secs(120)).await?;
	let api = node.client().await?;
	println!("node: {} (log {})", node.ws_url(), node.log_path().display());

	let keypairs =
		[dev::alice(), dev::bob(), dev::charlie(), dev::dave(), dev::eve(), dev::ferdie()];
	let mut senders = Vec::new();
	for (index, keypair) in keypairs.into_iter().enumerate() {
		let account = keypair.public_key().to_account_id();
		let nonce =
			node.request("system_accountNextIndex", vec![account.to_string().into()]).await?;
		let nonce = nonce.as_u64().context("system_accountNextIndex did not answer a number")?;
		senders.push(Sender {
			keypair,
			nonce,
			chunk_x: 100 + index as i32,
			positions: [0; CHUNKS_PER_SENDER],
			versions: [0; CHUNKS_PER_SENDER],
			burst_edits: [0; CHUNKS_PER_SENDER],
			next_call: 0,
		});
	}
	let accounts: Vec<AccountId32> =
		senders.iter().map(|sender| sender.keypair.public_key().to_account_id()).collect();

	let mut fills = Vec::new();
	let mut best_seen = node.best_number().await?;
	let started = Instant::now();
	let mut remaining = cli.transactions;
	while remaining > 0 {
		let burst = remaining.min(cli.burst);
		if let Workload::Edits = cli.workload {
			read_chunk_versions(&api, &mut senders, best_seen).await?;
		}
		let signing = Instant::now();
		let signed =
			sign_burst(&api, &mut senders, &accounts, cli.workload, cli.edits_per_call, burst)
				.await?;
		println!("signed {burst} transactions in {:.1} s", signing.elapsed().as_secs_f64());
		let submitting = Instant::now();
		submit_all(&node, &signed).await?;
		println!("submitted {burst} transactions in {:.1} s", submitting.elapsed().as_secs_f64());
		let mut pending: HashSet<String> = signed.into_iter().collect();
		best_seen = follow_until_included(&node, &api, &mut pending, best_seen, &mut fills).await?;
		remaining -= burst;
	}
	let elapsed = started.elapsed();

	let proposing = proposing_times(&std::fs::read_to_string(node.log_path())?);
	report(&cli, &fills, &proposing, elapsed);
	Ok(())
}

/// Signs `count` transactions round robin over the senders, with explicit nonces.
async fn sign_burst(
	api: &OnlineClient<SubstrateConfig>,
	senders: &mut [Sender],
	accounts: &[AccountId32],
	workload: Workload,
	edits_per_call: u8,
	count: usize,
) -> Result<Vec<String>> {
	let transactions = api.tx().await?;
	let client_timestamp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as u64;
	let mut signed = Vec::with_capacity(count);
	for index in 0..count {
		let sender_count = senders.len();
		let sender = &mut senders[index % sender_count];
		let params = DefaultExtrinsicParamsBuilder::<SubstrateConfig>::new()
			.immortal()
			.nonce(sender.nonce)
			.build();
		let extrinsic = match workload {
			Workload::Transfers => {
				let dest = accounts[(index + 1) % accounts.len()];
				let call = dynamic::tx(
					"Balances",
					"transfer_keep_alive",
					(MultiAddress::<AccountId32, ()>::Id(dest), 1_000_000_000u128),
				);
				transactions
					.create_signable_offline(&call, params)
					.context("cannot build a transaction")?
					.sign(&sender.keypair)
					.context("cannot sign a transaction")?
					.into_encoded()
			}
			Workload::Edits => {
				let call = apply_edits_call(sender, edits_per_call, client_timestamp)?;
				transactions
					.create_signable_offline(&call, params)
					.context("cannot build a transaction")?
					.sign(&sender.keypair)
					.context("cannot sign a transaction")?
					.into_encoded()
			}
		};
		sender.nonce += 1;
		signed.push(format!("0x{}", hex::encode(extrinsic)));
	}
	Ok(signed)
}

/// Block positions in a chunk (16 x 16 x 16).
const CHUNK_BLOCKS: u32 = 4096;

/// Chunks each sender edits, stacked at y = 0..16 (inside the world's height bounds).
const CHUNKS_PER_SENDER: usize = 16;

/// A chunk tracks the last 256 changed blocks (the runtime's `MaxTrackedChanges`); a burst edits
/// at most that many blocks of one chunk, so its base version never falls behind the log.
const MAX_EDITS_PER_CHUNK_PER_BURST: u32 = 256;

/// `World::Chunks`, as far as the bench reads it.
#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct ChunkRecord {
	version: u32,
}

fn chunk_coord(sender: &Sender, chunk: usize) -> Value {
	Value::named_composite([
		("x", Value::i128(i128::from(sender.chunk_x))),
		("y", Value::i128(chunk as i128)),
		("z", Value::i128(0)),
	])
}

/// Reads the current version of every chunk the senders edit: the next burst's base versions.
async fn read_chunk_versions(
	api: &OnlineClient<SubstrateConfig>,
	senders: &mut [Sender],
	best: u64,
) -> Result<()> {
	let at = api.at_block(best).await?;
	for sender in senders.iter_mut() {
		for chunk in 0..CHUNKS_PER_SENDER {
			let address = dynamic::storage::<(Value,), ChunkRecord>("World", "Chunks");
			let record = at.storage().try_fetch(address, (chunk_coord(sender, chunk),)).await?;
			sender.versions[chunk] = match record {
				Some(record) => record.decode()?.version,
				None => 0,
			};
			sender.burst_edits[chunk] = 0;
		}
	}
	Ok(())
}

/// The next `apply_edits` of `sender`: `edits_per_call` block positions of one of its chunks
/// (round robin) that no earlier call of this run touched, set to stone or dirt, based on the
/// chunk's version before the burst. Blocks nobody changed since the base version never
/// conflict, so every call applies.
fn apply_edits_call(
	sender: &mut Sender,
	edits_per_call: u8,
	client_timestamp: u64,
) -> Result<impl Payload> {
	let count = u32::from(edits_per_call);
	let chunk = (sender.next_call % CHUNKS_PER_SENDER as u64) as usize;
	sender.next_call += 1;
	let first = sender.positions[chunk];
	ensure!(
		first + count <= CHUNK_BLOCKS,
		"the bench ran out of fresh block positions: ask for fewer transactions"
	);
	ensure!(
		sender.burst_edits[chunk] + count <= MAX_EDITS_PER_CHUNK_PER_BURST,
		"a burst would edit more than {MAX_EDITS_PER_CHUNK_PER_BURST} blocks of one chunk: use a smaller --burst"
	);
	sender.positions[chunk] += count;
	sender.burst_edits[chunk] += count;
	let edits = (first..first + count).map(|block| {
		Value::named_composite([
			("x", Value::u128(u128::from(block % 16))),
			("y", Value::u128(u128::from(block / 16 % 16))),
			("z", Value::u128(u128::from(block / 256))),
			("block", Value::u128(u128::from(1 + block % 2))),
		])
	});
	Ok(dynamic::tx(
		"World",
		"apply_edits",
		vec![
			chunk_coord(sender, chunk),
			Value::u128(u128::from(sender.versions[chunk])),
			Value::unnamed_composite(edits),
			Value::u128(u128::from(client_timestamp)),
		],
	))
}

/// Submits every transaction through `author_submitExtrinsic`; fails on the first refusal.
async fn submit_all(node: &Node, signed: &[String]) -> Result<()> {
	let rpc = node.rpc();
	let results: Vec<_> = stream::iter(signed.iter())
		.map(|hex| async move {
			rpc.request::<Json>("author_submitExtrinsic", rpc_params![hex.as_str()]).await
		})
		.buffer_unordered(SUBMIT_CONCURRENCY)
		.collect()
		.await;
	for result in results {
		result.context("the node refused a transaction")?;
	}
	Ok(())
}

/// Follows the best chain from `best_seen` until every transaction in `pending` is in a block;
/// records each new block's fill. Returns the last block number read.
async fn follow_until_included(
	node: &Node,
	api: &OnlineClient<SubstrateConfig>,
	pending: &mut HashSet<String>,
	mut best_seen: u64,
	fills: &mut Vec<BlockFill>,
) -> Result<u64> {
	let mut last_progress = Instant::now();
	while !pending.is_empty() {
		if last_progress.elapsed() > INCLUSION_TIMEOUT {
			bail!(
				"{} transactions were not included within {INCLUSION_TIMEOUT:?}; node log: {}",
				pending.len(),
				node.log_path().display()
			);
		}
		let best = node.best_number().await?;
		if best <= best_seen {
			tokio::time::sleep(Duration::from_millis(250)).await;
			continue;
		}
		for number in best_seen + 1..=best {
			let hash = node.block_hash(number).await?.context("a best block has no hash")?;
			let block = node.request("chain_getBlock", vec![hash.clone().into()]).await?;
			let extrinsics = block["block"]["extrinsics"]
				.as_array()
				.context("chain_getBlock answered no extrinsics")?;
			let mut fill = BlockFill {
				number,
				ours: 0,
				extrinsics: extrinsics.len(),
				bytes: 0,
				normal_ref_time: 0,
				failed: 0,
				world_events: BTreeMap::new(),
			};
			for extrinsic in extrinsics {
				let hex = extrinsic.as_str().context("an extrinsic is not a hex string")?;
				fill.bytes += hex.len().saturating_sub(2) / 2;
				if pending.remove(hex) {
					fill.ours += 1;
				}
			}
			let at = api.at_block(number).await?;
			let weight = at
				.storage()
				.fetch(dynamic::storage::<(), PerDispatchClass>("System", "BlockWeight"), ())
				.await?
				.decode()?;
			fill.normal_ref_time = weight.normal.ref_time;
			for event in at.events().fetch().await?.iter() {
				let event = event?;
				match (event.pallet_name(), event.event_name()) {
					("System", "ExtrinsicFailed") => fill.failed += 1,
					("World", name) => *fill.world_events.entry(name.to_owned()).or_default() += 1,
					_ => {}
				}
			}
			if fill.ours > 0 {
				last_progress = Instant::now();
			}
			println!(
				"block #{number}: {} of ours ({} failed; {} extrinsics, {} bytes), normal weight {:.1}%",
				fill.ours,
				fill.failed,
				fill.extrinsics,
				fill.bytes,
				percent(fill.normal_ref_time, MAX_NORMAL_REF_TIME)
			);
			fills.push(fill);
		}
		best_seen = best;
	}
	Ok(best_seen)
}

fn percent(part: u64, whole: u64) -> f64 {
	part as f64 * 100.0 / whole as f64
}

/// Block number -> milliseconds the node's proposer took to build it, from the node's log lines
/// `Prepared block for proposing at N (T ms) ...`: what the block really cost this machine, as
/// against the weight the runtime charged for it.
fn proposing_times(log: &str) -> BTreeMap<u64, u64> {
	const MARKER: &str = "Prepared block for proposing at ";
	let mut times = BTreeMap::new();
	for line in log.lines() {
		let Some((_, rest)) = line.split_once(MARKER) else { continue };
		let Some((number, rest)) = rest.split_once(" (") else { continue };
		let Some((millis, _)) = rest.split_once(" ms)") else { continue };
		if let (Ok(number), Ok(millis)) = (number.parse(), millis.parse()) {
			times.insert(number, millis);
		}
	}
	times
}

fn report(cli: &Cli, fills: &[BlockFill], proposing: &BTreeMap<u64, u64>, elapsed: Duration) {
	let used: Vec<&BlockFill> = fills.iter().filter(|fill| fill.ours > 0).collect();
	let (Some(first), Some(last)) = (used.first(), used.last()) else {
		println!("no block held any of the bench's transactions");
		return;
	};
	let blocks = last.number - first.number + 1;
	let included: usize = used.iter().map(|fill| fill.ours).sum();
	let per_second = included as f64 / (blocks as f64 * SLOT.as_secs_f64());
	let peak = used.iter().map(|fill| fill.ours).max().unwrap_or(0);
	let peak_weight = used.iter().map(|fill| fill.normal_ref_time).max().unwrap_or(0);
	let mean_weight =
		used.iter().map(|fill| fill.normal_ref_time as f64).sum::<f64>() / used.len() as f64;
	let unit = match cli.workload {
		Workload::Transfers => "transfers".to_owned(),
		Workload::Edits => format!("apply_edits calls of {} edit(s)", cli.edits_per_call),
	};
	println!();
	println!(
		"{included} {unit} in blocks #{}..=#{} ({blocks} blocks of 3 s)",
		first.number, last.number
	);
	println!("included per second: {per_second:.1} (peak {peak} in one block)");
	if let Workload::Edits = cli.workload {
		println!("block edits per second: {:.1}", per_second * f64::from(cli.edits_per_call));
	}
	println!(
		"normal-class weight: mean {:.1}%, peak {:.1}% of the {} ms a block allows",
		mean_weight * 100.0 / MAX_NORMAL_REF_TIME as f64,
		percent(peak_weight, MAX_NORMAL_REF_TIME),
		MAX_NORMAL_REF_TIME / 1_000_000_000
	);
	let full: Vec<u64> = used
		.iter()
		.filter(|fill| fill.normal_ref_time * 10 >= MAX_NORMAL_REF_TIME * 9)
		.filter_map(|fill| proposing.get(&fill.number).copied())
		.collect();
	if let Some(max) = full.iter().max() {
		println!(
			"building a block at >= 90% normal weight took this node {:.0} ms on average, {max} ms at most \
			 (the runtime charges 750 ms of reference-machine time for it)",
			full.iter().sum::<u64>() as f64 / full.len() as f64
		);
	}
	let failed: usize = fills.iter().map(|fill| fill.failed).sum();
	println!("failed calls (System::ExtrinsicFailed): {failed}");
	let mut world_events = BTreeMap::<&str, usize>::new();
	for fill in fills {
		for (name, count) in &fill.world_events {
			*world_events.entry(name).or_default() += count;
		}
	}
	if !world_events.is_empty() {
		println!("World events: {world_events:?}");
	}
	println!("wall time: {:.1} s", elapsed.as_secs_f64());
}
