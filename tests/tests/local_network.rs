//! The four-validator network of the committed `chain-spec/local.json`, on loopback: BABE
//! produces blocks, GRANDPA finalizes them, finality survives one validator killed with
//! SIGKILL while it imports blocks (3 of 4 is more than 2/3), and the killed validator,
//! restarted on the database it left behind, opens it, catches up and agrees with the others
//! on every balance. With two of four down, blocks go on but finality stops (2 of 4 is not
//! more than 2/3) and nothing conflicting is finalized; it resumes when one of them returns.
//! Split into two halves, each half builds its own blocks and finalizes none of them; when the
//! partition heals, all four finalize one chain.
//!
//! The validators take only each other as peers (`--reserved-only`), on ports fixed for the
//! whole test, so the test can cut links (over JSON-RPC) and restart a validator where the
//! others look for it.

use anyhow::{ensure, Context, Result};
use playnet_tests::chain::{self, AtBlock, PGT};
use playnet_tests::node_key::{local_validator_node_key, peer_id};
use playnet_tests::{free_ports, local_chain_spec, within, Node, NodeBuilder};
use std::time::{Duration, Instant};
use subxt::rpcs::rpc_params;
use subxt::utils::{AccountId32, MultiAddress};
use subxt::{OnlineClient, SubstrateConfig};
use subxt_signer::sr25519::{dev, Keypair};

/// Each phase (start, finality without Dave, his catch-up, the stall at half) gets this long:
/// these are 2-core machines running four nodes.
const PHASE_TIMEOUT: Duration = Duration::from_secs(120);

/// Blocks GRANDPA must finalize to show that finality is live.
const FINALITY_PROOF_BLOCKS: u64 = 3;

/// Blocks the two remaining validators must build, finality standing still, to show that
/// finality has stopped (votes cast before the kill may still finalize a block or two first).
const STALL_PROOF_BLOCKS: u64 = 3;

const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// Validator `index` of the local spec: its dev keys (`--alice`, ...), node key and p2p port
/// (`ports[index]`, kept across restarts), taking only the other three as peers, so the test
/// can cut the network where it likes.
fn validator(index: u8, ports: &[u16; 4]) -> Result<NodeBuilder> {
	let name = VALIDATORS[usize::from(index)];
	let mut peers = Vec::new();
	for other in (0..4).filter(|other| *other != index) {
		peers.push(address(other, ports)?);
	}
	Ok(NodeBuilder::chain(format!("local-{name}"), local_chain_spec())
		.arg(format!("--{name}"))
		.args(["--node-key".to_owned(), local_validator_node_key(index)])
		.p2p_port(ports[usize::from(index)])
		// No slots for other peers either: litep2p keeps a peer removed from the reserved set
		// as an ordinary one while it has a free slot for it, even in reserved-only mode.
		.args(["--reserved-only", "--in-peers", "0", "--out-peers", "0", "--reserved-nodes"])
		.args(peers))
}

/// Validator `index`'s address: its port and the peer id of its node key.
fn address(index: u8, ports: &[u16; 4]) -> Result<String> {
	let peer = peer_id(&local_validator_node_key(index))?;
	Ok(format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer}", ports[usize::from(index)]))
}

/// Cuts or restores the link between `a` and `b` (each with its validator index): each
/// drops the other from its reserved peers, which disconnects them, or takes it back.
async fn link(a: (&Node, u8), b: (&Node, u8), ports: &[u16; 4], up: bool) -> Result<()> {
	for ((from, _), (to, index)) in [(a, b), (b, a)] {
		let result = if up {
			from.rpc()
				.request::<serde_json::Value>(
					"system_addReservedPeer",
					rpc_params![address(index, ports)?],
				)
				.await
		} else {
			let peer = peer_id(&local_validator_node_key(index))?;
			from.rpc()
				.request::<serde_json::Value>("system_removeReservedPeer", rpc_params![peer])
				.await
		};
		result
			.with_context(|| format!("{}: cannot change its link to {}", from.name(), to.name()))?;
	}
	Ok(())
}

fn dev_accounts() -> [(&'static str, Keypair); 6] {
	[
		("Alice", dev::alice()),
		("Bob", dev::bob()),
		("Charlie", dev::charlie()),
		("Dave", dev::dave()),
		("Eve", dev::eve()),
		("Ferdie", dev::ferdie()),
	]
}

/// Every dev account's free balance, the treasury's and the total issuance, at one block.
#[derive(Debug, PartialEq, Eq)]
struct Balances(Vec<(&'static str, u128)>);

impl Balances {
	async fn at(at: &AtBlock) -> Result<Self> {
		let mut balances = Vec::new();
		for (name, keypair) in dev_accounts() {
			let account = keypair.public_key().to_account_id();
			balances.push((name, chain::free_balance(at, &account).await?));
		}
		let treasury = chain::free_balance(at, &chain::treasury_account()).await?;
		balances.push(("treasury", treasury));
		balances.push(("total issuance", chain::total_issuance(at).await?));
		Ok(Balances(balances))
	}

	fn of(&self, name: &str) -> Option<u128> {
		self.0.iter().find(|(account, _)| *account == name).map(|(_, balance)| *balance)
	}
}

/// Reads the balances at finalized block `number` on `node`, with the block's hash.
async fn balances_at(node: &Node, number: u64) -> Result<(String, Balances)> {
	let api = node.client().await?;
	let at = api
		.at_block(number)
		.await
		.with_context(|| format!("{} has no block #{number}", node.name()))?;
	let hash = format!("{:?}", at.block_hash());
	Ok((hash, Balances::at(&at).await?))
}

/// Checks that `others` have `reference`'s block at every height in `numbers` (all of them
/// finalized on `reference`).
async fn one_chain(
	reference: &Node,
	others: &[&Node],
	numbers: std::ops::RangeInclusive<u64>,
) -> Result<()> {
	for number in numbers {
		let hash = reference.block_hash(number).await?;
		ensure!(hash.is_some(), "{} has no finalized block #{number}", reference.name());
		for node in others {
			let theirs = node.block_hash(number).await?;
			ensure!(
				theirs == hash,
				"{} has {theirs:?} at #{number}, {} {hash:?}",
				node.name(),
				reference.name()
			);
		}
	}
	Ok(())
}

async fn wait_all_finalized(nodes: &[&Node], number: u64) -> Result<()> {
	for node in nodes {
		node.wait_for_finalized(number, PHASE_TIMEOUT).await?;
	}
	Ok(())
}

#[tokio::test]
async fn four_validators_survive_a_kill_two_down_and_a_partition_and_finalize_one_chain(
) -> Result<()> {
	let spec = local_chain_spec();
	ensure!(
		spec.is_file(),
		"{} is missing: generate it with ./scripts/build-spec.sh",
		spec.display()
	);

	// Start: four validators, each connected to the other three.
	let ports = free_ports::<4>()?;
	let alice = validator(0, &ports)?.spawn().await?;
	let bob = validator(1, &ports)?.spawn().await?;
	let charlie_database = tempfile::tempdir().context("cannot create Charlie's base path")?;
	let charlie_builder = validator(2, &ports)?.base_path(charlie_database.path());
	let charlie = charlie_builder.spawn().await?;
	let dave_database = tempfile::tempdir().context("cannot create Dave's base path")?;
	let dave_builder = validator(3, &ports)?.base_path(dave_database.path());
	let dave = dave_builder.spawn().await?;

	// Phase 1: all four produce blocks and GRANDPA finalizes them.
	wait_all_finalized(&[&alice, &bob, &charlie, &dave], FINALITY_PROOF_BLOCKS)
		.await
		.context("phase 1: the four validators did not finalize")?;
	let dave_last_finalized = dave.finalized_number().await?;
	let (hash_before_stop, balances_before_stop) = balances_at(&dave, dave_last_finalized).await?;

	// Phase 2: Dave is killed the moment he imports a new block, his database mid-write;
	// Alice, Bob and Charlie (3 of 4) keep finalizing, and a transfer goes through that Dave
	// has not seen.
	let dave_best = dave.best_number().await?;
	dave.wait_for_best(dave_best + 1, PHASE_TIMEOUT).await?;
	dave.kill();
	let killed_at = Instant::now();
	drop(dave);
	let finalized_without_dave = alice.finalized_number().await?;
	alice
		.wait_for_finalized(finalized_without_dave + 1, PHASE_TIMEOUT)
		.await
		.context("phase 2: finality stopped when Dave was killed")?;
	eprintln!(
		"finality: the next block finalized {} ms after Dave was killed",
		killed_at.elapsed().as_millis()
	);
	let eve = dev::eve().public_key().to_account_id();
	transfer(&alice, &dev::bob(), &eve, 3 * PGT)
		.await
		.context("phase 2: a transfer without Dave failed")?;
	wait_all_finalized(&[&alice, &bob, &charlie], finalized_without_dave + FINALITY_PROOF_BLOCKS)
		.await
		.context("phase 2: finality stopped when Dave was killed")?;

	// Phase 3: Dave restarts on the database he was killed on and catches up to the others'
	// finality.
	let restarted_at = Instant::now();
	let dave = dave_builder.spawn().await.context("phase 3: Dave did not restart")?;
	let target = alice.finalized_number().await?;
	dave.wait_for_finalized(target, PHASE_TIMEOUT)
		.await
		.context("phase 3: Dave did not catch up with the others' finalized block")?;
	eprintln!(
		"recovery: Dave, restarted after SIGKILL, reached finalized #{target} in {} ms",
		restarted_at.elapsed().as_millis()
	);

	// His database kept what it had: the same block and balances as before the stop.
	let (hash_after_restart, balances_after_restart) =
		balances_at(&dave, dave_last_finalized).await?;
	assert_eq!(
		hash_after_restart, hash_before_stop,
		"Dave's block #{dave_last_finalized} changed across the restart"
	);
	assert_eq!(
		balances_after_restart, balances_before_stop,
		"Dave's balances at #{dave_last_finalized} changed across the restart"
	);

	// And he agrees with Alice at the others' finalized block, transfer included.
	let (dave_hash, dave_balances) = balances_at(&dave, target).await?;
	let (alice_hash, alice_balances) = balances_at(&alice, target).await?;
	assert_eq!(dave_hash, alice_hash, "Dave and Alice finalized different blocks #{target}");
	assert_eq!(dave_balances, alice_balances, "Dave and Alice disagree on balances at #{target}");
	let eve_before = balances_before_stop.of("Eve").context("no Eve balance")?;
	assert_eq!(
		dave_balances.of("Eve"),
		Some(eve_before + 3 * PGT),
		"Dave synced the transfer made while he was down"
	);

	// Phase 4: Charlie and Dave go down. Alice and Bob build blocks in their slots, but 2 of 4
	// is not more than 2/3: once the votes cast before the kill are counted, nothing more is
	// finalized.
	charlie.kill();
	dave.kill();
	let halved_at = Instant::now();
	drop((charlie, dave));
	let best = alice.best_number().await?;
	alice.wait_for_best(best + STALL_PROOF_BLOCKS, PHASE_TIMEOUT).await?;
	let stalled = alice.finalized_number().await?;
	let best = alice.best_number().await?;
	alice
		.wait_for_best(best + STALL_PROOF_BLOCKS, PHASE_TIMEOUT)
		.await
		.context("phase 4: Alice and Bob stopped building blocks")?;
	for node in [&alice, &bob] {
		let finalized = node.finalized_number().await?;
		ensure!(
			finalized <= stalled,
			"phase 4: {} finalized #{finalized} with two of four validators down (#{stalled} \
			 when the stall was first seen)",
			node.name()
		);
	}

	// Charlie returns on his database: Alice, Bob and Charlie are 3 of 4 again and finality
	// resumes past the blocks built without it.
	let returned_at = Instant::now();
	let charlie = charlie_builder.spawn().await.context("phase 4: Charlie did not restart")?;
	let best = alice.best_number().await?;
	wait_all_finalized(&[&alice, &bob, &charlie], best + 1)
		.await
		.context("phase 4: finality did not resume when Charlie returned")?;
	eprintln!(
		"two of four down: finality stood at #{stalled} while {} blocks were built; it \
		 resumed {} ms after Charlie was restarted ({} ms after the two went down)",
		best - stalled,
		returned_at.elapsed().as_millis(),
		halved_at.elapsed().as_millis()
	);

	// One chain: every block finalized before, during and after the stall is the same block
	// on all three.
	one_chain(&alice, &[&bob, &charlie], dave_last_finalized..=best + 1)
		.await
		.context("phase 4: after the stall")?;

	// Phase 5: Dave returns too, then a partition splits the four: Alice and Bob apart from
	// Charlie and Dave. Each half builds blocks of its own, and neither, with 2 of 4 votes,
	// finalizes them.
	let dave = dave_builder.spawn().await.context("phase 5: Dave did not restart")?;
	let all = [&alice, &bob, &charlie, &dave];
	let best = alice.best_number().await?;
	wait_all_finalized(&all, best).await.context("phase 5: Dave did not catch up")?;
	let across = [
		((&alice, 0), (&charlie, 2)),
		((&alice, 0), (&dave, 3)),
		((&bob, 1), (&charlie, 2)),
		((&bob, 1), (&dave, 3)),
	];
	for (ours, theirs) in across {
		link(ours, theirs, &ports, false).await?;
	}
	let split_at = Instant::now();
	let mut finalized_at_split = 0;
	for node in all {
		finalized_at_split = finalized_at_split.max(node.finalized_number().await?);
	}
	for node in [&alice, &charlie] {
		let best = node.best_number().await?;
		node.wait_for_best(best + STALL_PROOF_BLOCKS, PHASE_TIMEOUT)
			.await
			.with_context(|| format!("phase 5: {}'s half built no blocks", node.name()))?;
	}
	let height = alice.best_number().await?.min(charlie.best_number().await?);
	let (ours, theirs) = (alice.block_hash(height).await?, charlie.block_hash(height).await?);
	ensure!(
		ours != theirs,
		"phase 5: both halves have {ours:?} at #{height}: the partition did not hold"
	);

	// The partition heals: the four settle on one chain and finalize past both halves'
	// blocks, and every block any of them finalized is on it.
	let healed_at = Instant::now();
	let split_for = split_at.elapsed();
	for (ours, theirs) in across {
		link(ours, theirs, &ports, true).await?;
	}
	let top = alice.best_number().await?.max(charlie.best_number().await?);
	wait_all_finalized(&all, top + 1)
		.await
		.context("phase 5: finality did not resume when the partition healed")?;
	eprintln!(
		"partition: split for {} ms, each half building its own blocks past #{height}; the \
		 four finalized one chain past #{top} {} ms after it healed",
		split_for.as_millis(),
		healed_at.elapsed().as_millis()
	);
	one_chain(&alice, &[&bob, &charlie, &dave], finalized_at_split.saturating_sub(1)..=top + 1)
		.await
		.context("phase 5: after the partition")?;

	Ok(())
}

/// Transfers `amount` from `from` to `dest` through `node` and waits until it is finalized.
async fn transfer(node: &Node, from: &Keypair, dest: &AccountId32, amount: u128) -> Result<()> {
	let api: OnlineClient<SubstrateConfig> = node.client().await?;
	let call = subxt::dynamic::tx(
		"Balances",
		"transfer_keep_alive",
		(MultiAddress::<AccountId32, ()>::Id(*dest), amount),
	);
	within(PHASE_TIMEOUT, "a transfer's way to finality", async {
		api.tx()
			.await?
			.sign_and_submit_then_watch_default(&call, from)
			.await?
			.wait_for_finalized_success()
			.await?;
		Ok(())
	})
	.await
}
