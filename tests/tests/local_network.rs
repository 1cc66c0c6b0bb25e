//! The four-validator network of the committed `chain-spec/local.json`, on loopback: BABE
//! produces blocks, GRANDPA finalizes them, finality survives one validator killed with
//! SIGKILL while it imports blocks (3 of 4 is more than 2/3), and the killed validator,
//! restarted on the database it left behind, opens it, catches up and agrees with the others
//! on every balance.

use anyhow::{ensure, Context, Result};
use playnet_tests::chain::{self, AtBlock, PGT};
use playnet_tests::node_key::{local_validator_node_key, peer_id};
use playnet_tests::{local_chain_spec, within, Node, NodeBuilder};
use std::time::{Duration, Instant};
use subxt::utils::{AccountId32, MultiAddress};
use subxt::{OnlineClient, SubstrateConfig};
use subxt_signer::sr25519::{dev, Keypair};

/// Each phase (start, finality without Dave, Dave's catch-up) gets this long: these are
/// 2-core machines running four nodes.
const PHASE_TIMEOUT: Duration = Duration::from_secs(120);

/// Blocks GRANDPA must finalize to show that finality is live.
const FINALITY_PROOF_BLOCKS: u64 = 3;

const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// Validator `index` of the local spec: its dev keys (`--alice`, ...) and node key, dialing
/// `bootnode` (Alice) unless it is Alice.
fn validator(index: u8, bootnode: Option<&str>) -> NodeBuilder {
	let name = VALIDATORS[usize::from(index)];
	let builder = NodeBuilder::chain(format!("local-{name}"), local_chain_spec())
		.arg(format!("--{name}"))
		.args(["--node-key".to_owned(), local_validator_node_key(index)]);
	match bootnode {
		Some(address) => builder.args(["--bootnodes", address]),
		None => builder,
	}
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

async fn wait_all_finalized(nodes: &[&Node], number: u64) -> Result<()> {
	for node in nodes {
		node.wait_for_finalized(number, PHASE_TIMEOUT).await?;
	}
	Ok(())
}

#[tokio::test]
async fn four_validators_finalize_survive_a_kill_and_resync_a_restart() -> Result<()> {
	let spec = local_chain_spec();
	ensure!(
		spec.is_file(),
		"{} is missing: generate it with ./scripts/build-spec.sh",
		spec.display()
	);

	// Start: Alice first, the others dial her.
	let alice = validator(0, None).spawn().await?;
	let bootnode = alice.p2p_address(&peer_id(&local_validator_node_key(0))?);
	let bob = validator(1, Some(&bootnode)).spawn().await?;
	let charlie = validator(2, Some(&bootnode)).spawn().await?;
	let dave_database = tempfile::tempdir().context("cannot create Dave's base path")?;
	let dave_builder = validator(3, Some(&bootnode)).base_path(dave_database.path());
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
