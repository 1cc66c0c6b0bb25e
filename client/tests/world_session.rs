//! Game sessions against a real `playnet-node --dev`: players on loopback exchanging edits
//! over gossip, converging on the chain's chunk hash, a late joiner fetching from peers,
//! invalid edits that change nothing, same-block races decided by inclusion order whatever the
//! client timestamps say, and edits in a claimed region.
//!
//! Each test starts its own node (killed when the test ends, pass or fail) and runs the
//! client sessions in-process, each with its own cache directory and peer identity.

use anyhow::{bail, ensure, Context, Result};
use playnet_chain_access::{key_from_uri, Endpoint};
use playnet_client::{
	cache::ChunkCache,
	chain::{BounceReason, RegionAction, SubmissionId, WorldChain, WorldConnection},
	p2p::NetworkConfig,
	region::RegionCoord,
	session::{now_ms, GameSession, Pose, SessionConfig, SessionError, SessionEvent, SetOptions},
	world_state::locate,
};
use playnet_primitives::{
	world::blocks::{BRICK, LAMP, STONE},
	ChunkCoord, ContentHash,
};
use playnet_tests::{Node, NodeBuilder};
use std::{future::Future, sync::Arc, time::Duration};
use tempfile::TempDir;
use tokio::sync::broadcast;

/// Generous: these run on 2-core machines beside other builds.
const TEST_TIMEOUT: Duration = Duration::from_secs(240);
/// The longest wait for one thing on the network (gossip, a fetch).
const NETWORK_TIMEOUT: Duration = Duration::from_secs(20);
/// The longest wait for the chain to decide a submission.
const CHAIN_TIMEOUT: Duration = Duration::from_secs(90);

/// Where every player stands: chunk (0, 4, 0), region (0, 0).
const HOME: [i32; 3] = [3, 70, 3];
/// The block the tests edit, in the same chunk.
const TARGET: [i32; 3] = [5, 70, 5];

struct Player {
	session: GameSession,
	_dir: TempDir,
}

impl Player {
	async fn join(node: &Node, suri: &str, bootstrap: &[&Player]) -> Result<Player> {
		let dir = tempfile::tempdir()?;
		let chain =
			WorldConnection::connect(&Endpoint::Node(node.ws_url()), key_from_uri(suri)?).await?;
		let cache = Arc::new(ChunkCache::open(dir.path(), 64 << 20)?);
		let network = NetworkConfig {
			listen: vec!["/ip4/127.0.0.1/tcp/0".parse()?],
			bootstrap: bootstrap
				.iter()
				.map(|p| p.session.network().listen_addrs()[0].clone())
				.collect(),
			gossip_heartbeat: Duration::from_millis(100),
			request_timeout: Duration::from_secs(5),
			dht_refresh: Duration::from_secs(1),
			..NetworkConfig::default()
		};
		let session = GameSession::start(
			Arc::new(chain),
			network,
			cache.clone(),
			cache,
			SessionConfig::default(),
		)
		.await?;
		session.goto(Pose { position: HOME, yaw_degrees: 45, pitch_degrees: -20 }).await?;
		Ok(Player { session, _dir: dir })
	}

	fn status(&self, coord: ChunkCoord) -> Result<(u32, ContentHash, ContentHash, usize)> {
		self.session.chunk_status(coord).context("the chunk is not loaded")
	}

	/// Waits until `count` peers are connected, then a little for the gossip mesh to form.
	async fn wait_for_peers(&self, count: usize) -> Result<()> {
		within(NETWORK_TIMEOUT, "peers connecting", async {
			while self.session.peers().await?.len() < count {
				tokio::time::sleep(Duration::from_millis(100)).await;
			}
			Ok(())
		})
		.await?;
		// Gossipsub grafts peers into the mesh on its heartbeat (100 ms here).
		tokio::time::sleep(Duration::from_millis(1500)).await;
		Ok(())
	}
}

async fn within<T>(
	timeout: Duration,
	what: &str,
	future: impl Future<Output = Result<T>>,
) -> Result<T> {
	match tokio::time::timeout(timeout, future).await {
		Ok(result) => result,
		Err(_) => bail!("{what} did not happen within {timeout:?}"),
	}
}

/// Waits for the first event that `wanted` maps to `Some`.
async fn expect_event<T>(
	events: &mut broadcast::Receiver<SessionEvent>,
	timeout: Duration,
	what: &str,
	mut wanted: impl FnMut(&SessionEvent) -> Option<T>,
) -> Result<T> {
	within(timeout, what, async {
		loop {
			let event = events.recv().await?;
			if let Some(found) = wanted(&event) {
				return Ok(found);
			}
		}
	})
	.await
}

/// How the chain decided one of a player's submissions.
#[derive(Clone, PartialEq, Eq, Debug)]
enum Decision {
	Applied,
	Bounced(BounceReason),
	Refused(String),
}

async fn decision(
	events: &mut broadcast::Receiver<SessionEvent>,
	id: SubmissionId,
	who: &str,
) -> Result<Decision> {
	expect_event(events, CHAIN_TIMEOUT, &format!("{who}'s submission decided"), |e| match e {
		SessionEvent::Applied { id: at, .. } if *at == id => Some(Decision::Applied),
		SessionEvent::Bounced { id: at, reason, .. } if *at == id => {
			Some(Decision::Bounced(*reason))
		}
		SessionEvent::Refused { id: at, reason, .. } if *at == id => {
			Some(Decision::Refused(reason.clone()))
		}
		_ => None,
	})
	.await
}

/// Waits until every player holds the chain's finalized version of `coord`, with nothing of
/// its own or its peers' left undecided.
async fn converged(
	players: &[&Player],
	observer: &WorldConnection,
	coord: ChunkCoord,
) -> Result<()> {
	within(CHAIN_TIMEOUT, "the players converging on the chain's chunk", async {
		loop {
			let version = observer.chunk_record(coord).await?.map_or(0, |r| r.version);
			let mut all = true;
			for player in players {
				let (held, _, _, pending) = player.status(coord)?;
				all &= held == version && pending == 0;
			}
			if all {
				return Ok(());
			}
			tokio::time::sleep(Duration::from_millis(100)).await;
		}
	})
	.await
}

/// A race as the chain decided it.
struct Race {
	/// How the chain decided A's and B's submissions.
	decided: (Decision, Decision),
	/// The client timestamps A and B sent.
	stamped: (u64, u64),
}

/// A sets the target block, and as soon as its transaction is in the node's pool, B sets it
/// too on the same base version, stamped `b_earlier_ms` before A; then both wait until they
/// hold the chain's outcome. When the two land in different chain blocks (the later one is
/// then refused as a conflict, not raced), they race again, three times at most.
async fn race(
	a: &Player,
	b: &Player,
	observer: &WorldConnection,
	(a_block, b_block): (u16, u16),
	b_earlier_ms: u64,
) -> Result<Race> {
	let (coord, _) = locate(TARGET);
	let conflict = |d: &Decision| matches!(d, Decision::Refused(r) if r.contains("EditConflict"));
	for _ in 0..3 {
		let mut a_events = a.session.subscribe();
		let mut b_events = b.session.subscribe();
		let a_at = now_ms();
		let b_at = a_at - b_earlier_ms;
		let at = |ms: u64| SetOptions { timestamp_ms: Some(ms), ..Default::default() };
		let a_set = a.session.set_with(TARGET, a_block, at(a_at)).await?;
		let b_set = b.session.set_with(TARGET, b_block, at(b_at)).await?;
		ensure!(a_set.base_version == b_set.base_version, "A and B raced on different versions");
		let decided = (
			decision(&mut a_events, a_set.id, "A").await?,
			decision(&mut b_events, b_set.id, "B").await?,
		);
		converged(&[a, b], observer, coord).await?;
		if !conflict(&decided.0) && !conflict(&decided.1) {
			return Ok(Race { decided, stamped: (a_at, b_at) });
		}
	}
	bail!("three races in a row landed in different chain blocks")
}

/// A and B on a dev node, both holding the target chunk and connected to each other.
async fn two_players(node: &Node) -> Result<(Player, Player)> {
	let a = Player::join(node, "//Alice", &[]).await?;
	let b = Player::join(node, "//Bob", &[&a]).await?;
	a.session.get(TARGET).await?;
	b.session.get(TARGET).await?;
	a.wait_for_peers(1).await?;
	b.wait_for_peers(1).await?;
	Ok((a, b))
}

async fn chain_observer(node: &Node) -> Result<WorldConnection> {
	Ok(WorldConnection::connect(&Endpoint::Node(node.ws_url()), key_from_uri("//Ferdie")?).await?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_edit_reaches_peers_before_finality_and_everyone_converges_on_the_chains_hash(
) -> Result<()> {
	let node = NodeBuilder::dev("client-edit-flow").spawn().await?;
	within(TEST_TIMEOUT, "the edit flow", async {
		let observer = chain_observer(&node).await?;
		let (coord, _) = locate(TARGET);
		let a = Player::join(&node, "//Alice", &[]).await?;
		let b = Player::join(&node, "//Bob", &[&a]).await?;
		let c = Player::join(&node, "//Charlie", &[&a]).await?;
		for player in [&a, &b, &c] {
			player.session.get(TARGET).await?;
		}
		a.wait_for_peers(2).await?;
		b.wait_for_peers(2).await?;
		c.wait_for_peers(2).await?;
		let before = observer.chunk_record(coord).await?;

		let mut b_events = b.session.subscribe();
		let mut c_events = c.session.subscribe();
		let mut a_events = a.session.subscribe();
		let set = a.session.set(TARGET, BRICK).await?;
		ensure!(set.gossiped, "A had peers in the region but did not gossip");
		for (name, events) in [("B", &mut b_events), ("C", &mut c_events)] {
			expect_event(events, NETWORK_TIMEOUT, &format!("{name} applying A's delta"), |e| {
				matches!(e, SessionEvent::DeltaApplied { id, .. } if *id == set.id).then_some(())
			})
			.await?;
		}
		// Both see the brick while the chain has not finalized it yet.
		let finalized = observer.chunk_record(coord).await?;
		assert_eq!(finalized, before, "the chain finalized the edit before peers saw the delta");
		assert_eq!(b.session.get(TARGET).await?.0, BRICK);
		assert_eq!(c.session.get(TARGET).await?.0, BRICK);

		let version = expect_event(&mut a_events, CHAIN_TIMEOUT, "A's edit applied", |e| match e {
			SessionEvent::Applied { id, version, .. } if *id == set.id => Some(*version),
			_ => None,
		})
		.await?;
		for (name, events) in [("B", &mut b_events), ("C", &mut c_events)] {
			expect_event(events, CHAIN_TIMEOUT, &format!("{name} confirming the chunk"), |e| {
				matches!(e, SessionEvent::ChunkConfirmed { coord: at, version: v, .. }
					if *at == coord && *v >= version)
				.then_some(())
			})
			.await?;
		}
		let record = observer.chunk_record(coord).await?.context("the chunk has no record")?;
		assert_eq!(record.version, version);
		for (name, player) in [("A", &a), ("B", &b), ("C", &c)] {
			let (held, confirmed, seen, pending) = player.status(coord)?;
			assert_eq!(held, record.version, "{name}'s version");
			assert_eq!(confirmed, record.content_hash, "{name}'s confirmed hash is the chain's");
			assert_eq!(seen, record.content_hash, "{name} sees the chain's chunk");
			assert_eq!(pending, 0, "{name} has nothing left undecided");
			assert!(player.session.cache().contains(&record.content_hash), "{name} seeds it");
		}

		// D joins late: it has never seen the chunk and fetches it from peers.
		let d = Player::join(&node, "//Dave", &[&a]).await?;
		d.wait_for_peers(1).await?;
		let (block, held, _) = d.session.get(TARGET).await?;
		assert_eq!((block, held), (BRICK, record.version));
		let (_, confirmed, _, _) = d.status(coord)?;
		assert_eq!(confirmed, record.content_hash);
		let [_, _, from_peers, from_node, _] = d.session.counters().snapshot();
		assert_eq!((from_peers, from_node), (1, 0), "D fetched the chunk from peers, not the node");
		Ok(())
	})
	.await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn invalid_edits_get_a_clear_error_and_change_nothing_in_any_cache() -> Result<()> {
	let node = NodeBuilder::dev("client-invalid-edits").spawn().await?;
	within(TEST_TIMEOUT, "the invalid edits", async {
		let observer = chain_observer(&node).await?;
		let (coord, _) = locate(TARGET);
		let (a, b) = two_players(&node).await?;

		// Two versions of the target block, so that an edit on version 1 is stale.
		for block in [BRICK, STONE] {
			a.session.set(TARGET, block).await?;
			a.session.settle(CHAIN_TIMEOUT).await?;
		}
		let record = observer.chunk_record(coord).await?.context("no record")?;
		within(CHAIN_TIMEOUT, "B confirming version 2", async {
			while b.status(coord)?.0 < record.version {
				tokio::time::sleep(Duration::from_millis(100)).await;
			}
			Ok(())
		})
		.await?;
		let snapshot = |p: &Player| -> Result<_> {
			Ok((
				p.status(coord)?,
				p.session.cache().hashes_by_recency().len(),
				p.session.cache().used(),
			))
		};
		let a_before = snapshot(&a)?;
		let b_before = snapshot(&b)?;
		let mut b_events = b.session.subscribe();

		match a.session.set(TARGET, 999).await {
			Err(SessionError::UnknownBlock(999)) => {}
			other => bail!("an unknown block id: expected UnknownBlock, got {other:?}"),
		}
		match a.session.set([5, 900, 5], STONE).await {
			Err(SessionError::OutOfBounds(_)) => {}
			other => bail!("a block above the world: expected OutOfBounds, got {other:?}"),
		}
		let mut a_events = a.session.subscribe();
		let stale = a
			.session
			.set_with(TARGET, LAMP, SetOptions { base_version: Some(1), ..Default::default() })
			.await?;
		let reason =
			expect_event(&mut a_events, CHAIN_TIMEOUT, "the stale edit refused", |e| match e {
				SessionEvent::Refused { id, reason, .. } if *id == stale.id => Some(reason.clone()),
				_ => None,
			})
			.await?;
		assert!(reason.contains("EditConflict"), "the chain's reason: {reason}");

		// B had laid the delta; the withdrawal lifts it.
		within(NETWORK_TIMEOUT, "B dropping the withdrawn delta", async {
			while b.status(coord)?.3 != 0 {
				tokio::time::sleep(Duration::from_millis(100)).await;
			}
			Ok(())
		})
		.await?;
		assert_eq!(a.session.get(TARGET).await?.0, STONE);
		assert_eq!(b.session.get(TARGET).await?.0, STONE);
		assert_eq!(snapshot(&a)?, a_before, "A's chunk and cache are unchanged");
		assert_eq!(snapshot(&b)?, b_before, "B's chunk and cache are unchanged");
		assert_eq!(observer.chunk_record(coord).await?, Some(record), "the chain is unchanged");
		// Nothing of the invalid edits reached B.
		while let Ok(event) = b_events.try_recv() {
			if let SessionEvent::DeltaApplied { id, .. } = event {
				ensure!(id == stale.id, "B applied a delta of an invalid edit");
			}
		}
		Ok(())
	})
	.await
}

/// The attack on "the earlier client timestamp wins": B stamps its edit as early as the chain
/// accepts, 25 s before A's, and would win every race. The chain decides by inclusion order:
/// A's edit reached the pool first, so it wins, and both players are told.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_same_block_race_goes_to_the_edit_included_first_however_early_the_other_is_stamped(
) -> Result<()> {
	let node = NodeBuilder::dev("client-race").spawn().await?;
	within(TEST_TIMEOUT, "the race", async {
		let observer = chain_observer(&node).await?;
		let (coord, _) = locate(TARGET);
		let (a, b) = two_players(&node).await?;

		let race = race(&a, &b, &observer, (LAMP, BRICK), 25_000).await?;
		assert!(race.stamped.1 < race.stamped.0, "B claimed the earlier time");
		assert_eq!(
			race.decided,
			(Decision::Applied, Decision::Bounced(BounceReason::EarlierEditWon))
		);
		let won = observer.chunk_record(coord).await?.context("no record after the race")?;
		assert_eq!(a.session.get(TARGET).await?.0, LAMP);
		assert_eq!(b.session.get(TARGET).await?.0, LAMP, "B shows the winner's block");
		for (name, player) in [("A", &a), ("B", &b)] {
			let (held, confirmed, seen, _) = player.status(coord)?;
			assert_eq!(
				(held, confirmed, seen),
				(won.version, won.content_hash, won.content_hash),
				"{name}"
			);
		}
		Ok(())
	})
	.await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn edits_in_a_claimed_region_are_refused_until_the_owner_allows_them() -> Result<()> {
	let node = NodeBuilder::dev("client-claims").spawn().await?;
	within(TEST_TIMEOUT, "the claims", async {
		let observer = chain_observer(&node).await?;
		let (coord, _) = locate(TARGET);
		let region = RegionCoord::of(&coord);
		let (a, b) = two_players(&node).await?;

		a.session.region(RegionAction::Claim(region)).await?;
		match b.session.region(RegionAction::Claim(region)).await {
			Err(SessionError::Refused(reason)) if reason.contains("RegionAlreadyClaimed") => {}
			other => {
				bail!("claiming a claimed region: expected RegionAlreadyClaimed, got {other:?}")
			}
		}
		match b.session.region(RegionAction::Release(region)).await {
			Err(SessionError::Refused(reason)) if reason.contains("NotRegionOwner") => {}
			other => bail!("releasing another's region: expected NotRegionOwner, got {other:?}"),
		}

		// B edits inside A's region: refused, undone, and nothing changed anywhere.
		let before = observer.chunk_record(coord).await?;
		let a_before = (a.status(coord)?, a.session.cache().used());
		let b_before = (b.status(coord)?, b.session.cache().used());
		let mut b_events = b.session.subscribe();
		let outside = b.session.set(TARGET, BRICK).await?;
		match decision(&mut b_events, outside.id, "B").await? {
			Decision::Refused(reason) if reason.contains("NotAllowedInRegion") => {}
			other => {
				bail!("an edit in another's region: expected NotAllowedInRegion, got {other:?}")
			}
		}
		converged(&[&a, &b], &observer, coord).await?;
		assert_eq!(observer.chunk_record(coord).await?, before, "the chain is unchanged");
		assert_eq!((a.status(coord)?, a.session.cache().used()), a_before, "A is unchanged");
		assert_eq!((b.status(coord)?, b.session.cache().used()), b_before, "B is unchanged");
		assert_ne!(b.session.get(TARGET).await?.0, BRICK);

		// Once A allows B, the same edit goes through.
		let bob = key_from_uri("//Bob")?.public_key().0;
		a.session.region(RegionAction::Allow(region, bob)).await?;
		let allowed = b.session.set(TARGET, BRICK).await?;
		assert_eq!(decision(&mut b_events, allowed.id, "B").await?, Decision::Applied);
		converged(&[&a, &b], &observer, coord).await?;
		assert_eq!(a.session.get(TARGET).await?.0, BRICK);

		a.session.region(RegionAction::Disallow(region, bob)).await?;
		a.session.region(RegionAction::Release(region)).await?;
		match a.session.region(RegionAction::Release(region)).await {
			Err(SessionError::Refused(reason)) if reason.contains("RegionNotClaimed") => {}
			other => bail!("releasing twice: expected RegionNotClaimed, got {other:?}"),
		}
		Ok(())
	})
	.await
}
