//! The embedded light client against a real `playnet-node --dev`: it starts from the spec the
//! node serves, reads what the node's RPC says (balances, chunk records) through proofs, and
//! its transactions land on chain; a light client of another chain believes nothing the node
//! says, and one whose peer alters a storage value in its proofs does not take the value.

use anyhow::{ensure, Context, Result};
use playnet_chain_access::{
	accounts, key_from_uri,
	world::{DispatchOutcome, WorldChain, WorldConnection},
	Backend, ChainArgs, ChainSpec, Connection, Endpoint,
};
use playnet_primitives::{world::blocks::STONE, BlockEdit, ChunkCoord};
use playnet_tests::{peer_proxy::PeerProxy, within, NodeBuilder};
use std::{
	sync::Arc,
	time::{Duration, Instant},
};

/// Generous: the test runs on 2-core machines beside other builds.
const TEST_TIMEOUT: Duration = Duration::from_secs(240);
/// How long one read through the relaying peer may take while it relays honestly.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_light_client_of_a_dev_node_reads_and_writes_what_the_node_sees() -> Result<()> {
	within(TEST_TIMEOUT, "the light client test", async {
		let node = NodeBuilder::dev("light-dev").spawn().await?;
		let alice = key_from_uri("//Alice")?.public_key().0;
		// A light client starts from a finalized block (see `ChainSpec::from_node`): time it
		// from there, as a player joining a running chain would.
		node.wait_for_finalized(1, TEST_TIMEOUT).await?;

		let started = Instant::now();
		let args = ChainArgs { node: node.ws_url(), chain: Some("dev".into()), bootnode: vec![] };
		let endpoint = args.endpoint().await?;
		let spec_fetched = started.elapsed();
		let light = Arc::new(Connection::connect(&endpoint).await?);
		let synced = started.elapsed();
		ensure!(light.backend() == Backend::LightClient);
		let balance = accounts::balances(&light, &alice).await?;
		let first_balance = started.elapsed();

		let trusted = Connection::connect(&Endpoint::Node(node.ws_url())).await?;
		ensure!(light.genesis_hash() == trusted.genesis_hash(), "not the same chain");
		// Nothing moves Alice's balance here, so the two backends agree whatever block each
		// reads at.
		let said = accounts::balances(&trusted, &alice).await?;
		ensure!(balance == said, "the light client read {balance:?}, the node says {said:?}");
		ensure!(balance.free > 0, "Alice is endowed on the dev chain");

		// An edit signed and sent through the light client lands, and both read its record.
		let coord = ChunkCoord::new(0, 4, 0);
		let world = WorldConnection::new(light.clone(), key_from_uri("//Alice")?);
		let edit = BlockEdit { x: 1, y: 2, z: 3, block: STONE };
		let submission = world.submit_edits(coord, 0, vec![edit], now_ms()).await?;
		let outcome = submission.dispatch.await.context("the outcome")?;
		ensure!(outcome == DispatchOutcome::Queued, "the edit was not queued: {outcome:?}");
		let record = loop {
			// The light client reads at its finalized block, a little behind the node's best.
			if let Some(record) = world.chunk_record(coord).await? {
				break record;
			}
			tokio::time::sleep(Duration::from_millis(250)).await;
		};
		let first_record = started.elapsed();
		let trusted_world = WorldConnection::new(Arc::new(trusted), key_from_uri("//Ferdie")?);
		let said = trusted_world.chunk_record(coord).await?.context("the node has no record")?;
		ensure!(record == said, "the light client read {record:?}, the node says {said:?}");
		let chunk = world.chunk(coord).await?;
		ensure!(chunk.content_hash == record.content_hash, "not the recorded version's bytes");

		eprintln!(
			"light client: spec from the node in {} ms; {} at {} ms; first verified balance \
			 at {} ms; first chunk record (of an edit sent through it) at {} ms",
			spec_fetched.as_millis(),
			light.readiness(),
			synced.as_millis(),
			first_balance.as_millis(),
			first_record.as_millis()
		);
		Ok(())
	})
	.await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_light_client_believes_nothing_from_a_node_of_another_chain() -> Result<()> {
	within(TEST_TIMEOUT, "the wrong-chain test", async {
		let node = NodeBuilder::dev("light-wrong-chain").spawn().await?;
		// The local network's genesis, with the dev node as its only peer: the node's chain does
		// not start from that genesis, so the light client takes none of its blocks.
		let served = ChainSpec::from_node(&node.ws_url()).await?;
		let spec = ChainSpec::local()?.with_only_bootnodes(served.bootnodes())?;
		let endpoint = Endpoint::LightClient(spec);
		match Connection::connect_within(&endpoint, Duration::from_secs(15)).await {
			Ok(connection) => anyhow::bail!(
				"a light client of the local chain synced from a dev node: {}",
				connection.readiness()
			),
			Err(error) => {
				ensure!(error.to_string().contains("not synced"), "unexpected error: {error}")
			}
		}
		Ok(())
	})
	.await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_light_client_does_not_believe_a_peer_that_alters_a_storage_value() -> Result<()> {
	let started = Instant::now();
	// Where the test got to, on stderr: a timeout then says which step did not finish.
	let step = |what: &str| eprintln!("lying peer: {what} at {} ms", started.elapsed().as_millis());
	within(TEST_TIMEOUT, "the lying-peer test", async {
		let node = NodeBuilder::dev("light-lying-peer").spawn().await?;
		node.wait_for_finalized(1, TEST_TIMEOUT).await?;
		step("the node finalized #1");
		let alice = key_from_uri("//Alice")?.public_key().0;
		let trusted = Connection::connect(&Endpoint::Node(node.ws_url())).await?;
		// The light client's only peer is a relay to the node that can alter what it relays.
		let served = ChainSpec::from_node(&node.ws_url()).await?;
		let node_address = served.bootnodes().first().cloned().context("the node's address")?;
		let proxy = PeerProxy::start(&node_address, trusted.genesis_hash()).await?;
		let spec = served.with_only_bootnodes([proxy.address().to_string()])?;
		let light = Connection::connect(&Endpoint::LightClient(spec)).await?;
		step(&format!("the light client is {}", light.readiness()));

		// Relayed honestly, a read is what the node says.
		let honest = within(READ_TIMEOUT, "a read through the honest relay", async {
			Ok(accounts::balances(&light, &alice).await?)
		})
		.await?;
		step("the first read through the relay answered");
		let said = accounts::balances(&trusted, &alice).await?;
		ensure!(
			honest == said,
			"through the relay the light client read {honest:?}, the node says {said:?}"
		);

		// Now every proof carries a different free balance for Alice. A read at a newer
		// finalized block (nothing cached) must fail or never finish: never a balance.
		proxy.set_tampering(true);
		let finalized = node.finalized_number().await?;
		node.wait_for_finalized(finalized + 2, TEST_TIMEOUT).await?;
		step("tampering, two blocks later");
		let read =
			tokio::time::timeout(Duration::from_secs(20), accounts::balances(&light, &alice));
		match read.await {
			Ok(Ok(balances)) => anyhow::bail!(
				"the light client returned {balances:?} from altered proofs ({} altered)",
				proxy.tampered()
			),
			Ok(Err(error)) => println!("the altered read failed: {error}"),
			Err(_) => println!("the altered read gave no answer in 20 s"),
		}
		ensure!(
			proxy.tampered() > 0,
			"no proof was altered: the read did not go through the relay"
		);

		// Honest again, the relay's answers are read again: what failed was the altered proof.
		proxy.set_tampering(false);
		let again = within(READ_TIMEOUT, "a read through the honest relay again", async {
			Ok(accounts::balances(&light, &alice).await?)
		})
		.await?;
		step("honest again, a read answered");
		let said = accounts::balances(&trusted, &alice).await?;
		ensure!(again == said, "read {again:?} after the lies, the node says {said:?}");
		Ok(())
	})
	.await
}

fn now_ms() -> u64 {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.map(|d| d.as_millis() as u64)
		.unwrap_or_default()
}
