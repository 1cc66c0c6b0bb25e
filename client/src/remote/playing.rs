//! `playnet-client play --remote`: the player's side of a cloud-gaming session, end to end.
//!
//! 1. Finds offers through the chain's `SessionsApi` (ranked by reputation per price), opens
//!    a session with the best one and the next as its backup, and waits for the accept.
//! 2. Finds the contributor's host in the world's DHT ([`super::host_key`]) and opens a
//!    remote-play stream to it, with a hello the player signs.
//! 3. Sends an input every frame interval, takes each frame through [`PlayerStream`] (checks,
//!    latency, receipts), looks for each announced scene in its own world session (a frame is
//!    paid only once its scene is found there: [`SCENE_GRACE`], [`super::player`]),
//!    spot-checks the drawn tiles off the async threads with those chunk bytes, and sends a
//!    signed receipt every second.
//! 4. When the contributor stalls (no frame in time for [`STALL_AFTER`], or for
//!    [`FIRST_FRAME_AFTER`] before the first), refuses the stream, announces a scene that is
//!    not the player's world or not the view from a pose it asked for (so a host can make the
//!    player look for one view's chunks at a time, around the player), or fails a check,
//!    moves the session to the backup and goes on there; a frame that failed its spot check
//!    is disputed on chain once the receipt covering it is settled (the player settles it
//!    itself when the host did not).
//! 5. Ends the session after the play time asked for.
//!
//! In the game's window ([`crate::play`]), the player steers the camera and every frame that
//! passed its checks is shown ([`RemoteScreen`]); headless, the camera turns on the spot and
//! frames go to a folder (one PNG a second). Each line it prints on stdout starts with
//! `event remote` (for scripts).

use super::{
	host_key,
	player::{quantile, Arrival, PlayerStream, SpotCheck, SpotCheckPolicy, StreamTerms},
	wire::{
		hello_payload, read_message, scene_id, write_message, Pose, ToHost, ToPlayer, PROTOCOL,
	},
};
use crate::{session::GameSession, view::write_png, world_state::hash_of};
use futures::{AsyncReadExt, StreamExt};
use libp2p::StreamProtocol;
use playnet_chain_access::{
	sessions::{
		self, dispute_frame, end_session, find_offers, open_session, opened_session,
		settle_receipt, switch_to_backup, OfferQuery, SessionId, SessionPackage, SessionPhase,
	},
	subxt::utils::MultiSignature,
	AccountBytes, ChainError, Connection, Signer,
};
use playnet_primitives::{world::encoding::encode_chunk, Hash32, SceneChunk};
use std::{
	path::PathBuf,
	sync::Arc,
	time::{Duration, Instant},
};
use thiserror::Error;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

/// A contributor that sends no frame in time for this long has stalled.
pub const STALL_AFTER: Duration = Duration::from_secs(3);
/// How long a contributor has for its first frame (it loads the world around the player).
pub const FIRST_FRAME_AFTER: Duration = Duration::from_secs(30);
/// How long a player looks for a contributor's host in the DHT.
const FIND_HOST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a transaction may take to be in a block.
const TX_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a contributor has to accept, at most (the chain's deadline is shorter).
const ACCEPT_TIMEOUT: Duration = Duration::from_secs(180);

/// What the player asks for.
#[derive(Clone, Debug)]
pub struct RemoteOptions {
	/// Frame size.
	pub width: u32,
	/// Frame height.
	pub height: u32,
	/// Frames per second.
	pub fps: u32,
	/// The longest the session may run, in minutes (its escrow).
	pub max_minutes: u32,
	/// The latency bound, input to frame.
	pub max_latency_ms: u32,
	/// The highest price per minute the player pays.
	pub max_price_per_minute: u128,
	/// A contributor to ask (default: the best offer).
	pub contributor: Option<AccountBytes>,
	/// A backup to ask (default: the next best offer; none when there is none).
	pub backup: Option<AccountBytes>,
	/// The share of one core spot checks may take.
	pub spot_check_share: f64,
	/// How long to play.
	pub play_for: Duration,
	/// Where to write one frame a second.
	pub frames_dir: Option<PathBuf>,
	/// The window that steers the camera and shows the frames (`None`: headless).
	pub screen: Option<Arc<dyn RemoteScreen>>,
}

/// The window a player plays a remote session in: it steers the camera, shows the frames
/// and ends the play when it closes.
pub trait RemoteScreen: Send + Sync {
	/// The pose the player wants now; `None` until the window has one (before the player
	/// stands in the world), when the player's pose in its world session is taken.
	fn pose(&self) -> Option<Pose>;
	/// A frame that passed the stream's checks (in time or not).
	fn show(&self, frame: &Arrival);
	/// Something the player should read: the session opened, a contributor failed, ...
	fn notice(&self, text: String);
	/// Whether the window closed: the play ends and the session with it.
	fn closed(&self) -> bool;
}

impl std::fmt::Debug for dyn RemoteScreen {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.write_str("RemoteScreen")
	}
}

/// Why remote play failed.
#[derive(Debug, Error)]
pub enum RemoteError {
	/// The chain failed or refused a call.
	#[error(transparent)]
	Chain(#[from] ChainError),
	/// No offer serves what the player asks.
	#[error("no contributor offers {0}")]
	NoOffer(String),
	/// The package is not valid.
	#[error("the session's package: {0}")]
	Package(String),
	/// The contributor did not accept in time.
	#[error("session {0} was not accepted in time")]
	NotAccepted(SessionId),
	/// The operating system gave no randomness for spot checks.
	#[error("no randomness for spot checks: {0}")]
	Random(String),
}

/// How one contributor's stream ended.
#[derive(Debug)]
enum StreamEnd {
	/// The play time is over.
	Done,
	/// The contributor stalled, refused, or the stream failed.
	Failed(String),
	/// A frame failed its spot check: its number.
	Cheated(u64),
}

/// Plays a remote session: see the module's docs. Returns the session.
pub async fn play_remote(
	world: &GameSession,
	connection: &Connection,
	signer: &Signer,
	options: RemoteOptions,
) -> Result<SessionId, RemoteError> {
	let genesis = connection.genesis_hash();
	let package = SessionPackage {
		world: Hash32(genesis),
		width: options.width,
		height: options.height,
		fps: options.fps,
		max_minutes: options.max_minutes,
		max_latency_ms: options.max_latency_ms,
	};
	package.validate().map_err(|e| RemoteError::Package(e.to_string()))?;
	let (primary, backup) = choose(connection, signer.account(), &options).await?;
	let call =
		open_session(connection, primary, backup, package, options.max_price_per_minute).await?;
	let opened =
		signer.submit_and_wait(connection, "Sessions::open_session", &call, TX_TIMEOUT).await?;
	let session = opened_session(&opened.events)?;
	println!(
		"event remote opened session={session} contributor={} backup={}",
		hex::encode(primary),
		backup.map(hex::encode).unwrap_or_else(|| "none".into())
	);
	notify(
		&options,
		format!(
			"session {session} opened with {}{}",
			short(&primary),
			backup.map(|b| format!(", backup {}", short(&b))).unwrap_or_default()
		),
	);

	// Play time counts while frames stream, not while a contributor is found or accepts.
	let mut played = Duration::ZERO;
	let mut contributors = vec![primary];
	contributors.extend(backup);
	for (turn, contributor) in contributors.iter().enumerate() {
		if turn > 0 {
			let call = switch_to_backup(connection, session).await?;
			signer
				.submit_and_wait(connection, "Sessions::switch_to_backup", &call, TX_TIMEOUT)
				.await?;
			println!("event remote switched session={session} to={}", hex::encode(contributor));
			notify(&options, format!("moved to the backup {}", short(contributor)));
		}
		if !wait_accepted(connection, session, contributor, &options).await? {
			break;
		}
		let left = options.play_for.saturating_sub(played);
		let (end, stream, streamed) =
			stream_from(world, signer, genesis, session, package, *contributor, &options, left)
				.await?;
		played += streamed;
		let how = match &end {
			StreamEnd::Done => "done".to_owned(),
			StreamEnd::Failed(reason) => format!("failed reason={reason}"),
			StreamEnd::Cheated(seq) => format!("cheated seq={seq}"),
		};
		println!("event remote stream-ended contributor={} {how}", hex::encode(contributor));
		if !matches!(end, StreamEnd::Done) {
			notify(&options, format!("{}: {how}", short(contributor)));
		}
		if let Some(stream) = &stream {
			report(stream);
		}
		match end {
			StreamEnd::Done => break,
			StreamEnd::Failed(_) => continue,
			StreamEnd::Cheated(seq) => {
				// Proven on chain before the backup takes over.
				if let Some(stream) = stream {
					dispute(world, connection, signer, session, *contributor, &stream, seq).await;
				}
			}
		}
	}
	notify(&options, format!("ending session {session}"));
	let call = end_session(connection, session).await?;
	signer.submit_and_wait(connection, "Sessions::end_session", &call, TX_TIMEOUT).await?;
	println!("event remote ended session={session}");
	Ok(session)
}

/// Tells the window, if any.
fn notify(options: &RemoteOptions, text: String) {
	if let Some(screen) = &options.screen {
		screen.notice(text);
	}
}

/// Whether the window closed.
fn closed(options: &RemoteOptions) -> bool {
	options.screen.as_ref().is_some_and(|screen| screen.closed())
}

/// An account's first bytes, for people.
fn short(account: &AccountBytes) -> String {
	format!("0x{}..", hex::encode(&account[..4]))
}

/// The contributor and backup: those asked for, else the best two offers for the package.
async fn choose(
	connection: &Connection,
	me: AccountBytes,
	options: &RemoteOptions,
) -> Result<(AccountBytes, Option<AccountBytes>), RemoteError> {
	let query = OfferQuery {
		width: options.width,
		height: options.height,
		fps: options.fps,
		max_price_per_minute: options.max_price_per_minute,
		limit: 16,
	};
	let offers: Vec<AccountBytes> = find_offers(connection, query)
		.await?
		.into_iter()
		.map(|offer| offer.contributor)
		.filter(|contributor| *contributor != me)
		.collect();
	let primary = match options.contributor {
		Some(contributor) => contributor,
		None => *offers.first().ok_or_else(|| {
			RemoteError::NoOffer(format!(
				"{}x{} at {} fps for at most {} a minute",
				options.width, options.height, options.fps, options.max_price_per_minute
			))
		})?,
	};
	let backup = options.backup.or_else(|| offers.iter().copied().find(|c| *c != primary));
	Ok((primary, backup))
}

/// Waits until `contributor` accepted `session`: true, or false when the window closed first.
async fn wait_accepted(
	connection: &Connection,
	session: SessionId,
	contributor: &AccountBytes,
	options: &RemoteOptions,
) -> Result<bool, RemoteError> {
	let deadline = Instant::now() + ACCEPT_TIMEOUT;
	// Reads are at the finalized block, which may not hold the session yet; once it did, a
	// session that is gone has ended.
	let mut seen = false;
	loop {
		match sessions::session(connection, session).await? {
			Some(summary) => {
				seen = true;
				let current = summary.parts.last();
				let ours = current.is_some_and(|part| part.contributor == *contributor);
				if summary.phase == SessionPhase::Active
					&& ours && current.is_some_and(|part| part.accepted)
				{
					return Ok(true);
				}
				if summary.phase != SessionPhase::Proposed && summary.phase != SessionPhase::Active
				{
					return Err(RemoteError::NotAccepted(session));
				}
			}
			None if seen => return Err(RemoteError::NotAccepted(session)),
			None => {}
		}
		if closed(options) {
			return Ok(false);
		}
		if Instant::now() > deadline {
			return Err(RemoteError::NotAccepted(session));
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

/// Streams from one contributor for at most `play_for`.
#[allow(clippy::too_many_arguments)]
async fn stream_from(
	world: &GameSession,
	signer: &Signer,
	genesis: [u8; 32],
	session: SessionId,
	package: SessionPackage,
	contributor: AccountBytes,
	options: &RemoteOptions,
	play_for: Duration,
) -> Result<(StreamEnd, Option<PlayerStream>, Duration), RemoteError> {
	let network = world.network();
	let key = host_key(&contributor);
	let searching = Instant::now();
	let host = loop {
		match network.find_providers(&key).await {
			Ok(found) if !found.is_empty() => break found[0],
			Ok(_) if closed(options) => return Ok((StreamEnd::Done, None, Duration::ZERO)),
			Ok(_) if searching.elapsed() < FIND_HOST_TIMEOUT => {
				tokio::time::sleep(Duration::from_millis(500)).await
			}
			Ok(_) => {
				let end = StreamEnd::Failed("the host is not in the DHT".into());
				return Ok((end, None, Duration::ZERO));
			}
			Err(error) => return Ok((StreamEnd::Failed(error.to_string()), None, Duration::ZERO)),
		}
	};
	let stream = match network.streams().open_stream(host, StreamProtocol::new(PROTOCOL)).await {
		Ok(stream) => stream,
		Err(error) => {
			let end = StreamEnd::Failed(format!("opening a stream: {error}"));
			return Ok((end, None, Duration::ZERO));
		}
	};
	let (mut reader, mut writer) = stream.split();
	let hello = hello_payload(&genesis, session, &network.peer_id());
	let signature = signer.keypair().sign(&hello).0;
	if let Err(error) =
		write_message(&mut writer, &ToHost::Hello { session, package, signature }).await
	{
		let end = StreamEnd::Failed(format!("saying hello: {error}"));
		return Ok((end, None, Duration::ZERO));
	}
	println!("event remote streaming session={session} host={host}");
	notify(options, format!("streaming from {}", short(&contributor)));

	let (inbox, mut from_host) = mpsc::channel(8);
	tokio::spawn(async move {
		loop {
			let message = read_message::<_, ToPlayer>(&mut reader).await;
			let end = message.is_err();
			if inbox.send(message).await.is_err() || end {
				break;
			}
		}
	});
	// Spot checks within the share of one core: a tile costs about 5 ms on this kind of CPU.
	let one_in = SpotCheckPolicy::one_in_for(
		package.fps,
		Duration::from_millis(5),
		options.spot_check_share,
	);
	let policy = SpotCheckPolicy::new(one_in).map_err(|e| RemoteError::Random(e.to_string()))?;
	let terms = StreamTerms {
		session,
		genesis,
		contributor,
		width: package.width,
		height: package.height,
		fps: package.fps,
		max_latency_ms: package.max_latency_ms,
	};
	let mut stream = PlayerStream::new(terms, policy);
	// Spot checks end as (frame, whether the tile came out wrong).
	let (checked, mut spot_results) = mpsc::channel::<(u64, bool)>(64);
	// One spot check at a time: a draw while one runs is let go (the CPU share stays bounded
	// when tiles take longer than planned).
	let checking = Arc::new(Semaphore::new(1));
	// Each announced scene is looked for in the player's world as soon as it is announced;
	// its frames are paid once it is found there.
	let loads = Arc::new(SceneLoads::new(world.clone()));
	let (vouching, mut vouched) = mpsc::channel::<(Hash32, Result<(), String>)>(SCENES_QUEUED);

	let mut inputs = tokio::time::interval(Duration::from_millis(1_000 / u64::from(package.fps)));
	let mut receipts = tokio::time::interval(Duration::from_secs(1));
	let started = Instant::now();
	let mut last_good = Instant::now();
	let mut stall_after = FIRST_FRAME_AFTER;
	let mut last_png = None::<Instant>;
	let mut tick = 0u64;
	let end = loop {
		tokio::select! {
			_ = inputs.tick() => {
				if started.elapsed() >= play_for || closed(options) {
					break StreamEnd::Done;
				}
				if last_good.elapsed() > stall_after {
					break StreamEnd::Failed("no frame in time".into());
				}
				tick += 1;
				let pose = match &options.screen {
					Some(screen) => screen.pose().unwrap_or_else(|| world_pose(world, 0)),
					None => scripted_pose(world, tick, package.fps),
				};
				let input = stream.input(pose, Instant::now());
				if let Err(error) = write_message(&mut writer, &input).await {
					break StreamEnd::Failed(format!("sending an input: {error}"));
				}
			}
			_ = receipts.tick() => {
				if let Some(receipt) = stream.receipt_message(signer.keypair()) {
					if let Err(error) = write_message(&mut writer, &receipt).await {
						break StreamEnd::Failed(format!("sending a receipt: {error}"));
					}
				}
			}
			Some((id, found)) = vouched.recv() => match found {
				Ok(()) => {
					stream.vouch(id);
					run_spot_checks(&mut stream, &loads, &checking, &checked);
				}
				Err(reason) => {
					stream.refuse(id);
					println!("event remote scene-refused scene={id} reason={reason}");
					break StreamEnd::Failed(format!("its scene is not the world's: {reason}"));
				}
			},
			Some((seq, failed)) = spot_results.recv() => {
				if !failed {
					stream.forget_check(seq);
				} else {
					stream.spot_check_failed();
					println!("event remote spot-check-failed seq={seq}");
					break StreamEnd::Cheated(seq);
				}
			}
			message = from_host.recv() => match message {
				None | Some(Err(_)) => break StreamEnd::Failed("the stream closed".into()),
				Some(Ok(ToPlayer::Refused { reason })) => break StreamEnd::Failed(format!("refused: {reason}")),
				Some(Ok(ToPlayer::Scene { id, chunks })) => {
					if let Err(fault) = stream.scene_in_view(id, &chunks) {
						println!("event remote scene-refused scene={id} reason={fault}");
						break StreamEnd::Failed(fault.to_string());
					}
					if let Err(fault) = stream.scene(id, chunks.clone()) {
						break StreamEnd::Failed(fault.to_string());
					}
					if let Some(passed_over) = loads.announced(id, chunks, vouching.clone()) {
						stream.pass_over(passed_over);
						println!("event remote scene-passed-over scene={passed_over}");
					}
				}
				Some(Ok(ToPlayer::TilePixels { .. })) => {}
				Some(Ok(ToPlayer::Frame(frame))) => match stream.frame(&frame, Instant::now()) {
					Ok(arrival) => {
						if arrival.in_time {
							last_good = Instant::now();
							stall_after = STALL_AFTER;
						}
						run_spot_checks(&mut stream, &loads, &checking, &checked);
						if let Some(screen) = &options.screen {
							screen.show(&arrival);
						}
						if let Some(dir) = &options.frames_dir {
							if last_png.is_none_or(|at| at.elapsed() >= Duration::from_secs(1)) {
								last_png = Some(Instant::now());
								write_frame(dir, &arrival, package.width, package.height);
							}
						}
					}
					Err(fault) => {
						println!("event remote bad-frame seq={} fault={fault}", frame.seq);
						if matches!(fault, super::player::StreamFault::Frame(_)) {
							break StreamEnd::Failed(fault.to_string());
						}
					}
				},
			}
		}
	};
	// The last receipt, so the contributor can settle all it served.
	if let Some(receipt) = stream.receipt_message(signer.keypair()) {
		let _ = write_message(&mut writer, &receipt).await;
	}
	let _ = futures::AsyncWriteExt::close(&mut writer).await;
	Ok((end, Some(stream), started.elapsed()))
}

/// The pose of input `tick`: the player's own pose in its world session, turning a full
/// circle every 20 seconds (headless play has nobody at the controls).
fn scripted_pose(world: &GameSession, tick: u64, fps: u32) -> Pose {
	let turn = (tick * 65_536 / (20 * u64::from(fps.max(1)))) % 65_536;
	world_pose(world, turn as i32)
}

/// The player's pose in its world session (the middle of its block), turned by `turn`.
fn world_pose(world: &GameSession, turn: i32) -> Pose {
	let pose = world.pose();
	Pose {
		position: pose.position.map(|p| (p << 16) + (1 << 15)),
		yaw: crate::session::degrees_to_turn(pose.yaw_degrees).wrapping_add(turn),
		pitch: crate::session::degrees_to_turn(pose.pitch_degrees.clamp(-89, 89)),
	}
}

/// Starts the spot checks drawn for the frames just paid, one at a time off the async
/// threads: a draw while one runs is let go (the CPU share stays bounded when tiles take longer
/// than planned).
fn run_spot_checks(
	stream: &mut PlayerStream,
	loads: &Arc<SceneLoads>,
	checking: &Arc<Semaphore>,
	results: &mpsc::Sender<(u64, bool)>,
) {
	for check in stream.take_spot_checks() {
		match checking.clone().try_acquire_owned() {
			Ok(permit) => spawn_spot_check(loads.clone(), check, results.clone(), permit),
			Err(_) => stream.forget_check(check.seq),
		}
	}
}

/// Runs a spot check off the async threads with the player's own bytes of the scene.
fn spawn_spot_check(
	loads: Arc<SceneLoads>,
	check: SpotCheck,
	results: mpsc::Sender<(u64, bool)>,
	permit: OwnedSemaphorePermit,
) {
	tokio::spawn(async move {
		let _running = permit;
		let seq = check.seq;
		let failed = match loads.bytes(check.scene()).await {
			Some(chunks) => match tokio::task::spawn_blocking(move || check.run(&chunks)).await {
				Ok(Ok(result)) => result.is_err(),
				// The bytes did not make the scene, or the check panicked: undecided.
				_ => false,
			},
			None => {
				println!("event remote spot-check-skipped seq={seq} reason=unknown-chunks");
				false
			}
		};
		let _ = results.send((seq, failed)).await;
	});
}

/// How many announced scenes' bytes a player keeps for its spot checks: frames in flight and
/// checks running may name the ones before the latest.
const SCENES_LOADED: usize = 4;

/// How many announced scenes may wait to be looked for in the player's world, beside the one
/// being looked for; past that the oldest waiting is passed over (its frames go unpaid).
const SCENES_QUEUED: usize = 8;

/// How long a player waits for its world to hold an announced scene's chunk versions (catching
/// up with the chain and its peers' edits) once it holds the chunks, before it refuses the
/// scene.
pub const SCENE_GRACE: Duration = Duration::from_secs(3);

/// How long a player tries to load an announced scene's chunks into its world (the chain or
/// its peers slow, a loaded machine) before it refuses the scene.
pub const SCENE_LOAD_LIMIT: Duration = Duration::from_secs(30);

/// Why the player's world does not give a scene chunk's bytes.
enum Missing {
	/// The chunk could not be loaded (yet).
	Load(String),
	/// The world holds another version of the chunk.
	Other(String),
}

impl Missing {
	fn reason(self) -> String {
		match self {
			Missing::Load(reason) | Missing::Other(reason) => reason,
		}
	}
}

/// The scenes the host announced, looked for in the player's own world one at a time in the
/// order announced: a scene found there is vouched for (its frames are paid, see
/// [`super::player`]) and its bytes kept for the spot checks; one not found within
/// [`SCENE_GRACE`] of holding its chunks (or whose chunks do not load within
/// [`SCENE_LOAD_LIMIT`]) is refused, and the contributor with it.
///
/// Scenes announced faster than they are looked for (a host still loading the view, a burst
/// after the network held the stream back) wait, at most [`SCENES_QUEUED`] of them; past that
/// the oldest waiting is passed over: its frames are not paid, and the latest scene, the one
/// the host streams now, is looked for next. So a host that announces scenes nonstop costs
/// the player one lookup at a time, of one view's chunks (see
/// [`PlayerStream::scene_in_view`]), and is paid only for the scenes looked for.
struct SceneLoads {
	world: GameSession,
	/// The bytes of the latest scenes vouched for, oldest first.
	kept: std::sync::Mutex<std::collections::VecDeque<(Hash32, Arc<Vec<Vec<u8>>>)>>,
	/// The scenes waiting to be looked for, oldest first, and whether a lookup runs.
	queue: std::sync::Mutex<(std::collections::VecDeque<(Hash32, Vec<SceneChunk>)>, bool)>,
}

impl SceneLoads {
	fn new(world: GameSession) -> Self {
		SceneLoads { world, kept: Default::default(), queue: Default::default() }
	}

	/// The kept bytes of scene `id`.
	fn kept(&self, id: &Hash32) -> Option<Arc<Vec<Vec<u8>>>> {
		let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
		kept.iter().find(|(kept, _)| kept == id).map(|(_, bytes)| bytes.clone())
	}

	fn keep(&self, id: Hash32, bytes: Arc<Vec<Vec<u8>>>) {
		let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
		kept.retain(|(kept, _)| *kept != id);
		kept.push_back((id, bytes));
		while kept.len() > SCENES_LOADED {
			kept.pop_front();
		}
	}

	/// The host announced scene `id` (checked against `chunks` by the stream): it is looked
	/// for after those waiting, and the answer sent to `vouching`. Returns the scene passed
	/// over to make room, if one was.
	fn announced(
		self: &Arc<Self>,
		id: Hash32,
		chunks: Vec<SceneChunk>,
		vouching: mpsc::Sender<(Hash32, Result<(), String>)>,
	) -> Option<Hash32> {
		let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
		let (waiting, running) = &mut *queue;
		if waiting.iter().any(|(known, _)| *known == id) {
			return None;
		}
		waiting.push_back((id, chunks));
		let passed_over = match waiting.len() > SCENES_QUEUED {
			true => waiting.pop_front().map(|(id, _)| id),
			false => None,
		};
		if !*running {
			*running = true;
			let loads = self.clone();
			tokio::spawn(async move { loads.look_for_each(vouching).await });
		}
		passed_over
	}

	/// Looks for the waiting scenes one at a time, oldest first, until none waits.
	async fn look_for_each(&self, vouching: mpsc::Sender<(Hash32, Result<(), String>)>) {
		loop {
			let next = {
				let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
				let next = queue.0.pop_front();
				queue.1 = next.is_some();
				next
			};
			let Some((id, chunks)) = next else { return };
			let found = self.look_for(id, &chunks).await;
			if vouching.send((id, found)).await.is_err() {
				return;
			}
		}
	}

	/// Looks for scene `id` in the player's world: for up to [`SCENE_GRACE`] once its chunks
	/// are loaded, [`SCENE_LOAD_LIMIT`] in all.
	async fn look_for(&self, id: Hash32, chunks: &[SceneChunk]) -> Result<(), String> {
		if self.kept(&id).is_some() {
			return Ok(());
		}
		let started = Instant::now();
		let mut mismatched_since = None::<Instant>;
		loop {
			match own_bytes(&self.world, chunks).await {
				Ok(bytes) => {
					self.keep(id, Arc::new(bytes));
					return Ok(());
				}
				Err(Missing::Other(reason))
					if mismatched_since.get_or_insert_with(Instant::now).elapsed()
						>= SCENE_GRACE =>
				{
					return Err(reason)
				}
				Err(missing) if started.elapsed() >= SCENE_LOAD_LIMIT => {
					return Err(missing.reason())
				}
				Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
			}
		}
	}

	/// The bytes of a scene vouched for, for a spot check: kept, else from the player's world
	/// again, else (the world moved on since) from its cache or peers by hash; `None` when
	/// they are nowhere.
	async fn bytes(&self, scene: &[SceneChunk]) -> Option<Arc<Vec<Vec<u8>>>> {
		let id = scene_id(scene);
		if let Some(bytes) = self.kept(&id) {
			return Some(bytes);
		}
		let bytes = match own_bytes(&self.world, scene).await {
			Ok(bytes) => bytes,
			Err(_) => scene_bytes(&self.world, scene).await?,
		};
		let bytes = Arc::new(bytes);
		self.keep(id, bytes.clone());
		Some(bytes)
	}
}

/// The canonical bytes of every chunk of `scene` as the player's own world holds it (a few
/// chunks at a time), or why some chunk is not there.
async fn own_bytes(world: &GameSession, scene: &[SceneChunk]) -> Result<Vec<Vec<u8>>, Missing> {
	futures::stream::iter(scene.iter().cloned())
		.map(|chunk| async move { own_chunk(world, &chunk).await })
		.buffered(16)
		.collect::<Vec<Result<Vec<u8>, Missing>>>()
		.await
		.into_iter()
		.collect()
}

/// The canonical bytes of `chunk` when the player's world holds it (loaded from the chain's
/// record when it was not): its confirmed version, or its view with undecided edits.
async fn own_chunk(world: &GameSession, chunk: &SceneChunk) -> Result<Vec<u8>, Missing> {
	let coord = chunk.coord;
	let place = format!("chunk {},{},{}", coord.x, coord.y, coord.z);
	world.ensure_chunk(coord).await.map_err(|error| Missing::Load(format!("{place}: {error}")))?;
	let state = world.inner().state();
	let held =
		state.world.chunk(&coord).ok_or_else(|| Missing::Load(format!("{place} is not loaded")))?;
	let found = [held.view(), held.confirmed()]
		.into_iter()
		.find(|c| hash_of(c) == chunk.content_hash)
		.map(encode_chunk);
	found.ok_or_else(|| {
		Missing::Other(format!(
			"{place} is {} in the scene, {} in this player's world",
			chunk.content_hash,
			hash_of(held.confirmed())
		))
	})
}

/// The canonical bytes of every chunk of `scene` for a dispute or a spot check (a few chunks
/// at a time): the player's world's when their hashes match, else its cache, else peers by
/// hash (whatever their source, the bytes hash to the scene's). `None` when a chunk is nowhere.
pub async fn scene_bytes(world: &GameSession, scene: &[SceneChunk]) -> Option<Vec<Vec<u8>>> {
	futures::stream::iter(scene.iter().cloned())
		.map(|chunk| async move { chunk_bytes(world, &chunk).await })
		.buffered(16)
		.collect::<Vec<Option<Vec<u8>>>>()
		.await
		.into_iter()
		.collect()
}

/// The canonical bytes of `chunk`: the chunk the player's world holds (loaded from the
/// chain's record first when it is not held) when its hash matches (its confirmed version,
/// or its view with pending edits), else the cache, else peers by hash.
async fn chunk_bytes(world: &GameSession, chunk: &SceneChunk) -> Option<Vec<u8>> {
	if let Ok(bytes) = own_chunk(world, chunk).await {
		return Some(bytes);
	}
	match world.cache().get(&chunk.content_hash) {
		Ok(Some(found)) => Some(found),
		_ => world.network().fetch_chunk(chunk.content_hash).await.ok(),
	}
}

fn write_frame(dir: &std::path::Path, arrival: &Arrival, width: u32, height: u32) {
	let path = dir.join(format!("frame_{:06}.png", arrival.seq));
	if let Err(error) =
		std::fs::create_dir_all(dir).and_then(|_| write_png(&path, width, height, &arrival.pixels))
	{
		eprintln!("writing {}: {error}", path.display());
	}
}

fn report(stream: &PlayerStream) {
	let latencies = stream.latencies();
	let receipt = stream.book().receipt();
	println!(
		"event remote stats frames={} paid={} served_ms={} p50_ms={} p99_ms={}",
		latencies.len(),
		stream.book().frames(),
		receipt.map_or(0, |r| r.served_ms),
		quantile(latencies, 0.5).unwrap_or(0),
		quantile(latencies, 0.99).unwrap_or(0),
	);
}

/// Disputes frame `seq` of `contributor`'s stream: settles the player's receipt when the one
/// on chain does not cover the frame, then proves the tile wrong.
async fn dispute(
	world: &GameSession,
	connection: &Connection,
	signer: &Signer,
	session: SessionId,
	contributor: AccountBytes,
	stream: &PlayerStream,
	seq: u64,
) {
	let result: Result<(), String> = async {
		let Some(receipt) = stream.book().receipt() else { return Err("nothing receipted".into()) };
		let settled = sessions::session(connection, session)
			.await
			.map_err(|e| e.to_string())?
			.and_then(|s| s.parts.into_iter().find(|p| p.contributor == contributor))
			.map_or(0, |part| part.frames);
		let mut frames = settled;
		if stream.dispute(seq, frames).is_none() {
			let signature =
				signer.keypair().sign(&receipt.signing_payload(&stream.terms().genesis));
			let call = settle_receipt(connection, &receipt, &MultiSignature::Sr25519(signature.0))
				.await
				.map_err(|e| e.to_string())?;
			signer
				.submit_and_wait(connection, "Sessions::settle_receipt", &call, TX_TIMEOUT)
				.await
				.map_err(|e| e.to_string())?;
			frames = receipt.frames;
		}
		let evidence = stream.dispute(seq, frames).ok_or("the frame's evidence is gone")?;
		let chunks = scene_bytes(world, &evidence.view.scene)
			.await
			.ok_or("the scene's chunks are not in this player's world")?;
		let call = dispute_frame(connection, session, contributor, &evidence, &chunks)
			.await
			.map_err(|e| e.to_string())?;
		signer
			.submit_and_wait(connection, "Sessions::dispute_frame", &call, TX_TIMEOUT)
			.await
			.map_err(|e| e.to_string())?;
		Ok(())
	}
	.await;
	match result {
		Ok(()) => println!("event remote disputed session={session} seq={seq}"),
		Err(error) => {
			println!("event remote dispute-failed session={session} seq={seq} reason={error}")
		}
	}
}
