//! A cloud-gaming session on a real `playnet-node --dev`, through the calls and signatures of
//! `playnet_chain_access::sessions`: a contributor bonds and offers, a player finds the offer
//! and opens a session, the contributor accepts and settles the player's sr25519-signed
//! receipt, and when the session ends the chain refunds exactly what the receipt does not
//! cover and holds the rest for the dispute window. A receipt the player did not sign is
//! refused on chain and changes nothing.

use anyhow::{ensure, Context, Result};
use playnet_chain_access::{
	accounts, key_from_uri,
	sessions::{self, OfferQuery, Receipt, Resources, SessionPackage, SessionPhase},
	subxt::dynamic,
	ChainError, Connection, Endpoint, Signer,
};
use playnet_primitives::{Hash32, KERNEL_VERSION};
use playnet_tests::{chain::PGT, within, NodeBuilder};
use std::time::Duration;

/// Generous: the test runs on 2-core machines beside other builds; the close period alone is
/// a minute of blocks.
const TEST_TIMEOUT: Duration = Duration::from_secs(300);
const IN_BLOCK: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_opens_settles_a_signed_receipt_and_refunds_exactly_the_rest() -> Result<()> {
	within(TEST_TIMEOUT, "the session test", async {
		let node = NodeBuilder::dev("sessions-chain").spawn().await?;
		let connection = Connection::connect(&Endpoint::Node(node.ws_url())).await?;
		let genesis = connection.genesis_hash();
		let host = Signer::new(key_from_uri("//Dave")?);
		let player = Signer::new(key_from_uri("//Eve")?);

		// The contributor bonds and offers 1 PGT a minute for up to 1280x720 at 60 fps.
		let bond = dynamic::tx("Stake", "bond", (100 * PGT,));
		host.submit_and_wait(&connection, "Stake::bond", &bond, IN_BLOCK).await?;
		let resources = Resources {
			kernel_version: KERNEL_VERSION,
			max_width: 1280,
			max_height: 720,
			max_fps: 60,
		};
		let offer =
			sessions::publish_offer(&connection, Hash32::of(b"test machine"), resources, PGT)
				.await?;
		let published =
			host.submit_and_wait(&connection, "Sessions::publish_offer", &offer, IN_BLOCK).await?;
		// Reads are at the finalized block.
		node.wait_for_finalized(published.block_number, TEST_TIMEOUT).await?;

		// The player finds it.
		let query =
			OfferQuery { width: 640, height: 360, fps: 30, max_price_per_minute: PGT, limit: 8 };
		let found = sessions::find_offers(&connection, query).await?;
		ensure!(
			found.iter().any(|offer| offer.contributor == host.account()
				&& offer.price_per_minute == PGT
				&& offer.resources == resources),
			"the offer is not found: {found:?}"
		);

		// A 5-minute session: 5 PGT held.
		let package = SessionPackage {
			world: Hash32(genesis),
			width: 640,
			height: 360,
			fps: 30,
			max_minutes: 5,
			max_latency_ms: 100,
		};
		let before = accounts::balances(&connection, &player.account()).await?;
		let open = sessions::open_session(&connection, host.account(), None, package, PGT).await?;
		let opened =
			player.submit_and_wait(&connection, "Sessions::open_session", &open, IN_BLOCK).await?;
		let id = sessions::opened_session(&opened.events)?;
		let accept = sessions::accept_session(&connection, id).await?;
		let accepted = host
			.submit_and_wait(&connection, "Sessions::accept_session", &accept, IN_BLOCK)
			.await?;
		node.wait_for_finalized(accepted.block_number, TEST_TIMEOUT).await?;
		let state = sessions::session(&connection, id).await?.context("the session is open")?;
		ensure!(state.phase == SessionPhase::Active, "not active: {state:?}");
		ensure!(state.escrow == 5 * PGT, "escrow {}", state.escrow);
		ensure!(state.package_hash == package.hash(), "the package hash is not stamped");

		// A receipt signed by the contributor itself is refused on chain.
		let receipt = Receipt {
			session: id,
			contributor: host.account(),
			served_ms: 90_000,
			frames: 2_700,
			frame_root: Hash32::of(b"frames"),
			latency_ms: 35,
		};
		let forged = sessions::sign_receipt(host.keypair(), &genesis, &receipt);
		let call = sessions::settle_receipt(&connection, &receipt, &forged).await?;
		match host.submit_and_wait(&connection, "Sessions::settle_receipt", &call, IN_BLOCK).await {
			Err(ChainError::Dispatch { error, .. }) => {
				ensure!(error.contains("BadSignature"), "unexpected error: {error}")
			}
			other => anyhow::bail!("a forged receipt was not refused: {:?}", other.map(|_| ())),
		}
		node.wait_for_finalized(node.best_number().await?, TEST_TIMEOUT).await?;
		let state = sessions::session(&connection, id).await?.context("open")?;
		ensure!(state.parts[0].served_ms == 0, "the forged receipt changed the session");

		// The player's own signature of 90 seconds: 1.5 PGT owed.
		let signature = sessions::sign_receipt(player.keypair(), &genesis, &receipt);
		let call = sessions::settle_receipt(&connection, &receipt, &signature).await?;
		host.submit_and_wait(&connection, "Sessions::settle_receipt", &call, IN_BLOCK).await?;
		let end = sessions::end_session(&connection, id).await?;
		let ended =
			player.submit_and_wait(&connection, "Sessions::end_session", &end, IN_BLOCK).await?;
		node.wait_for_finalized(ended.block_number, TEST_TIMEOUT).await?;

		// After the close period the dues are fixed: 3.5 PGT back, 1.5 PGT held for disputes.
		let state = sessions::session(&connection, id).await?.context("closing")?;
		ensure!(state.phase == SessionPhase::Closing, "not closing: {state:?}");
		node.wait_for_finalized(state.deadline + 1, TEST_TIMEOUT).await?;
		let state = sessions::session(&connection, id).await?.context("settled")?;
		ensure!(state.phase == SessionPhase::Settled, "not settled: {state:?}");
		ensure!(state.escrow == 1_500 * PGT / 1_000, "held {}", state.escrow);
		let after = accounts::balances(&connection, &player.account()).await?;
		// The player paid transaction fees for two calls too: its free balance fell by 1.5 PGT
		// held plus those fees, and exactly 1.5 PGT more is reserved than before.
		ensure!(
			after.reserved == before.reserved + 1_500 * PGT / 1_000,
			"reserved {} -> {}",
			before.reserved,
			after.reserved
		);
		let fees = before.free - after.free - 1_500 * PGT / 1_000;
		ensure!(fees < PGT / 10, "the player lost {fees} more than the due");
		Ok(())
	})
	.await
}
