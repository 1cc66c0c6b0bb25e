//! Proof of contribution on the four-validator network of the committed local spec: accounts
//! that run a validator node, bond and register its session keys become validators at the
//! session after next, ranked by stake x reputation, and the chain goes on producing and
//! finalizing blocks with the new set of six. A light client started from the committed spec
//! reads what the nodes say and follows finality across the change of set.

use anyhow::{bail, ensure, Context, Result};
use playnet_chain_access::{accounts, ChainSpec, Connection, Endpoint};
use playnet_tests::chain::{self, PGT};
use playnet_tests::node_key::{local_validator_node_key, peer_id};
use playnet_tests::{local_chain_spec, within, Node, NodeBuilder};
use serde_json::Value as Json;
use std::time::{Duration, Instant};
use subxt::dynamic::{self, Value};
use subxt::utils::AccountId32;
use subxt_signer::sr25519::{dev, Keypair};

const VALIDATORS: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// What the local spec bonds for each genesis validator.
const GENESIS_BOND: u128 = 10_000 * PGT;

/// A new set is queued at one session change and takes over at the next: with 2-minute
/// sessions that is at most 4 minutes after the bond, plus slack for a loaded 2-core machine.
const NEW_SET_TIMEOUT: Duration = Duration::from_secs(420);

const BLOCK_TIMEOUT: Duration = Duration::from_secs(120);

fn validator(index: u8, bootnode: Option<&str>) -> NodeBuilder {
	let name = VALIDATORS[usize::from(index)];
	let builder = NodeBuilder::chain(format!("poc-{name}"), local_chain_spec())
		.arg(format!("--{name}"))
		.args(["--node-key".to_owned(), local_validator_node_key(index)]);
	match bootnode {
		Some(address) => builder.args(["--bootnodes", address]),
		None => builder,
	}
}

fn account_of(keypair: &Keypair) -> AccountId32 {
	keypair.public_key().to_account_id()
}

/// Signs `call` with `signer`, submits it through `node` and waits until it is finalized and
/// succeeded.
async fn submit(
	node: &Node,
	signer: &Keypair,
	call: &subxt::transactions::DynamicPayload<Vec<Value>>,
) -> Result<()> {
	let api = node.client().await?;
	within(BLOCK_TIMEOUT, "a transaction's way to finality", async {
		let progress = api.tx().await?.sign_and_submit_then_watch_default(call, signer).await?;
		progress.wait_for_finalized().await?.wait_for_success().await?;
		Ok(())
	})
	.await
}

/// Makes `who` a candidate: bonds `amount`, has `keystore_node` generate session keys with a
/// proof of ownership for `who`, and registers them on chain.
async fn become_candidate(keystore_node: &Node, who: &Keypair, amount: u128) -> Result<()> {
	submit(keystore_node, who, &dynamic::tx("Stake", "bond", vec![Value::u128(amount)]))
		.await
		.context("Stake::bond failed")?;

	let owner = format!("0x{}", hex::encode(account_of(who).0));
	let generated =
		keystore_node.request("author_rotateKeysWithOwner", vec![Json::String(owner)]).await?;
	let keys = hex_field(&generated, "keys")?;
	let proof = hex_field(&generated, "proof")?;
	ensure!(keys.len() == 64, "expected a BABE and a GRANDPA key (64 bytes), got {}", keys.len());
	let session_keys = Value::named_composite([
		("babe", Value::from_bytes(&keys[..32])),
		("grandpa", Value::from_bytes(&keys[32..])),
	]);
	submit(
		keystore_node,
		who,
		&dynamic::tx("Session", "set_keys", vec![session_keys, Value::from_bytes(&proof)]),
	)
	.await
	.context("Session::set_keys failed")
}

fn hex_field(answer: &Json, field: &str) -> Result<Vec<u8>> {
	let text = answer[field].as_str().with_context(|| format!("no `{field}` in {answer}"))?;
	Ok(hex::decode(text.trim_start_matches("0x"))?)
}

/// `Session::Validators` at the node's last finalized block.
async fn finalized_validators(node: &Node) -> Result<Vec<AccountId32>> {
	let api = node.client().await?;
	let at = api.at_block(node.finalized_number().await?).await?;
	let address = dynamic::storage::<(), Vec<AccountId32>>("Session", "Validators");
	Ok(at.storage().fetch(address, ()).await?.decode()?)
}

#[tokio::test]
async fn bonded_contributors_with_session_keys_become_validators_ranked_by_stake() -> Result<()> {
	let alice = validator(0, None).spawn().await?;
	let bootnode = alice.p2p_address(&peer_id(&local_validator_node_key(0))?);
	let bob = validator(1, Some(&bootnode)).spawn().await?;
	let charlie = validator(2, Some(&bootnode)).spawn().await?;
	let dave = validator(3, Some(&bootnode)).spawn().await?;
	for node in [&alice, &bob, &charlie, &dave] {
		node.wait_for_finalized(1, BLOCK_TIMEOUT).await?;
	}
	let mut genesis_set: Vec<AccountId32> =
		[dev::alice(), dev::bob(), dev::charlie(), dev::dave()].iter().map(account_of).collect();
	genesis_set.sort();
	assert_eq!(finalized_validators(&alice).await?, genesis_set);

	// A light client of the committed spec, with Alice's node as its peer (the spec's
	// bootnodes are on the fixed ports, the test's nodes on free ones), reads what the node's
	// RPC says.
	let spec = ChainSpec::local()?.with_only_bootnodes([bootnode.clone()])?;
	let light = Connection::connect(&Endpoint::LightClient(spec)).await?;
	let alice_account = account_of(&dev::alice()).0;
	let verified = accounts::balances(&light, &alice_account).await?;
	let trusted = Connection::connect(&Endpoint::Node(alice.ws_url())).await?;
	ensure!(
		verified == accounts::balances(&trusted, &alice_account).await?,
		"the light client read {verified:?} for Alice"
	);
	ensure!(verified.reserved >= GENESIS_BOND, "Alice's genesis bond is held: {verified:?}");

	// Ferdie and Eve run validator nodes of their own: a GRANDPA voter votes with one key, so
	// every validator needs its own node, or more than a third of the set is silent and
	// finality stops.
	// Node keys 0x..05 and 0x..06: the next ones after the four of the local spec.
	let ferdie_node = NodeBuilder::chain("poc-ferdie", local_chain_spec())
		.args(["--validator", "--bootnodes", &bootnode])
		.args(["--node-key".to_owned(), local_validator_node_key(4)])
		.spawn()
		.await?;
	let eve_node = NodeBuilder::chain("poc-eve", local_chain_spec())
		.args(["--validator", "--bootnodes", &bootnode])
		.args(["--node-key".to_owned(), local_validator_node_key(5)])
		.spawn()
		.await?;
	let synced = alice.finalized_number().await?;
	for node in [&ferdie_node, &eve_node] {
		node.wait_for_finalized(synced, BLOCK_TIMEOUT).await?;
	}

	// Ferdie bonds twice a genesis validator's stake, Eve half of it; each registers session
	// keys that its own node generated.
	let (ferdie, eve) = (dev::ferdie(), dev::eve());
	become_candidate(&ferdie_node, &ferdie, 2 * GENESIS_BOND).await?;
	become_candidate(&eve_node, &eve, GENESIS_BOND / 2).await?;

	// Same reputation for everyone (no render work yet): the ranking is by stake, ties by
	// account id. Ferdie first, the four genesis validators, then Eve.
	let mut expected = vec![account_of(&ferdie)];
	expected.extend(genesis_set.iter().cloned());
	expected.push(account_of(&eve));

	let started = Instant::now();
	loop {
		let current = finalized_validators(&alice).await?;
		if current == expected {
			break;
		}
		if started.elapsed() > NEW_SET_TIMEOUT {
			bail!(
				"the validator set did not become {expected:?} within {NEW_SET_TIMEOUT:?}; it is \
				 {current:?}\nAlice's log:\n{}",
				alice.log_tail(30)
			);
		}
		tokio::time::sleep(Duration::from_secs(3)).await;
	}

	// The new set keeps the chain live: blocks are still produced and finalized.
	let finalized = alice.finalized_number().await?;
	for node in [&alice, &bob, &charlie, &dave, &ferdie_node, &eve_node] {
		node.wait_for_finalized(finalized + 3, BLOCK_TIMEOUT)
			.await
			.with_context(|| format!("{} stopped finalizing under the new set", node.name()))?;
	}
	// The light client follows finality across the change of set (smoldot had trouble with
	// GRANDPA authority-set changes: smoldot-archive#2148).
	let target = alice.finalized_number().await?;
	let started = Instant::now();
	loop {
		let seen = light.api().at_current_block().await?.block_number();
		if seen >= target {
			eprintln!(
				"light client: finalized #{seen} under the new set {} ms after the nodes",
				started.elapsed().as_millis()
			);
			break;
		}
		if started.elapsed() > BLOCK_TIMEOUT {
			bail!("the light client is stuck at finalized #{seen}, the nodes are at #{target}");
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}

	let api = alice.client().await?;
	let at = api.at_block(alice.finalized_number().await?).await?;
	let ferdie_account = chain::account(&at, &account_of(&ferdie)).await?;
	assert_eq!(ferdie_account.data.reserved, 2 * GENESIS_BOND + PGT, "bond plus key deposit");
	Ok(())
}
