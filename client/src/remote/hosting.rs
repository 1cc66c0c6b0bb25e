//! The contributor's host (`playnet-render host`): it accepts the sessions the chain assigns
//! to its account, announces itself in the world's DHT ([`super::host_key`]), and serves each
//! session's player one stream: the view around the player's pose, rendered from the world
//! the host holds through the game client's own session ([`GameSession`]), hashed, signed
//! and encoded per frame ([`FrameProducer`]), for as long as the player keeps paying
//! ([`PaymentGuard`]). It settles the player's best receipt on chain every
//! [`HostOptions::settle_every`] and when the stream ends.
//!
//! Each line it prints on stdout starts with `event host` (for scripts): `accepted`,
//! `streaming`, `settled`, `ended`, `refused`.

use super::{
	host::{FrameProducer, PaymentGuard},
	host_key,
	wire::{
		hello_payload, read_message, scene_id, write_message, Pose, StreamedFrame, ToHost,
		ToPlayer, PROTOCOL,
	},
};
use crate::{
	play::render::View,
	session::{GameSession, Pose as WorldPose},
	view::view_coords,
	world_state::locate,
};
use futures::{AsyncReadExt, StreamExt};
use libp2p::{PeerId, StreamProtocol};
use playnet_chain_access::{
	sessions::{
		self, accept_session, follow_sessions, settle_receipt, Receipt, SessionId, SessionNotice,
		SessionPackage, SessionPhase,
	},
	subxt::utils::MultiSignature,
	AccountBytes, ChainError, Connection, Signer,
};
use playnet_primitives::{Hash32, SceneChunk};
use playnet_renderer::{Backend, RenderError, Renderer};
use std::{
	collections::HashSet,
	sync::{mpsc as std_mpsc, Arc, Mutex},
	time::Duration,
};
use subxt_signer::sr25519;
use thiserror::Error;
use tokio::sync::mpsc;

/// How long a player has to say which session a new stream is for.
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a host waits for a transaction to be in a block.
const TX_TIMEOUT: Duration = Duration::from_secs(60);
/// Messages from the player waiting for the stream's loop.
const INBOX: usize = 64;

/// How a host runs.
#[derive(Clone, Debug)]
pub struct HostOptions {
	/// Which path renders.
	pub backend: Backend,
	/// Threads of the CPU path.
	pub threads: Option<usize>,
	/// How often the best receipt is settled on chain while a stream runs.
	pub settle_every: Duration,
}

/// Why a host stopped or refused a stream.
#[derive(Debug, Error)]
pub enum HostError {
	/// The chain failed.
	#[error(transparent)]
	Chain(#[from] ChainError),
	/// The network failed.
	#[error("the network: {0}")]
	Network(String),
	/// A player's stream was refused.
	#[error("{0}")]
	Refused(String),
	/// The renderer failed.
	#[error(transparent)]
	Render(#[from] RenderError),
}

/// A running host.
pub struct Host {
	world: GameSession,
	connection: Arc<Connection>,
	signer: Arc<Signer>,
	genesis: [u8; 32],
	options: HostOptions,
	/// Sessions streamed since the host started: each is streamed once (a frame number is
	/// never reused within a session).
	streamed: Mutex<HashSet<SessionId>>,
}

impl Host {
	/// A host of `signer`'s offer on `connection`, holding the world through `world`.
	pub fn new(
		world: GameSession,
		connection: Arc<Connection>,
		signer: Signer,
		options: HostOptions,
	) -> Arc<Self> {
		let genesis = connection.genesis_hash();
		Arc::new(Host {
			world,
			connection,
			signer: Arc::new(signer),
			genesis,
			options,
			streamed: Mutex::new(HashSet::new()),
		})
	}

	/// Accepts sessions and serves their streams until the chain or the network fails.
	pub async fn run(self: Arc<Self>) -> Result<(), HostError> {
		let protocol = StreamProtocol::new(PROTOCOL);
		let mut incoming = self
			.world
			.network()
			.streams()
			.accept(protocol)
			.map_err(|e| HostError::Network(e.to_string()))?;
		self.world
			.network()
			.provide(&host_key(&self.signer.account()))
			.await
			.map_err(|e| HostError::Network(e.to_string()))?;
		let mut accepting = tokio::spawn(self.clone().accept_sessions());
		loop {
			tokio::select! {
				stream = incoming.next() => {
					let Some((peer, stream)) = stream else {
						return Err(HostError::Network("the stream listener closed".into()));
					};
					let host = self.clone();
					tokio::spawn(async move {
						if let Err(error) = host.clone().serve(peer, stream).await {
							println!("event host refused peer={peer} reason={error}");
						}
					});
				}
				ended = &mut accepting => {
					return match ended {
						Ok(result) => result,
						Err(e) => Err(HostError::Network(format!("the accepting task: {e}"))),
					};
				}
			}
		}
	}

	/// Accepts every session the chain proposes to this host's account, as primary or as the
	/// backup a player switched to.
	async fn accept_sessions(self: Arc<Self>) -> Result<(), HostError> {
		let me = self.signer.account();
		let mut blocks = follow_sessions(&self.connection).await?;
		while let Some(block) = blocks.next().await {
			for notice in block?.notices {
				let session = match notice {
					SessionNotice::Opened { session, contributor, .. } if contributor == me => {
						session
					}
					SessionNotice::Switched { session, to } if to == me => session,
					_ => continue,
				};
				let call = accept_session(&self.connection, session).await?;
				let accepted = self
					.signer
					.submit_and_wait(
						&self.connection,
						"Sessions::accept_session",
						&call,
						TX_TIMEOUT,
					)
					.await;
				match accepted {
					Ok(_) => println!("event host accepted session={session}"),
					Err(error) => eprintln!("accepting session {session}: {error}"),
				}
			}
		}
		Err(HostError::Chain(ChainError::Rpc {
			what: "following finalized blocks",
			reason: "the subscription ended".into(),
		}))
	}

	/// Checks a stream's hello: the session is active with this host as its current,
	/// accepted contributor, the package is the session's, and the player signed the hello
	/// for the peer that opened the stream (a hello replayed from another peer is refused).
	/// Returns the player and the package.
	async fn admit(
		&self,
		peer: PeerId,
		session: SessionId,
		package: &SessionPackage,
		signature: &[u8; 64],
	) -> Result<AccountBytes, HostError> {
		let refused =
			|reason: &str| Err(HostError::Refused(format!("session {session}: {reason}")));
		let Some(summary) = sessions::session(&self.connection, session).await? else {
			return refused("no such session");
		};
		if summary.phase != SessionPhase::Active {
			return refused("not active");
		}
		match summary.parts.last() {
			Some(part) if part.contributor == self.signer.account() && part.accepted => {}
			_ => return refused("this host is not its current contributor"),
		}
		if package.hash() != summary.package_hash {
			return refused("another package than the session's");
		}
		if !sr25519::verify(
			&sr25519::Signature(*signature),
			hello_payload(&self.genesis, session, &peer),
			&sr25519::PublicKey(summary.player),
		) {
			return refused("the hello is not signed by the session's player");
		}
		if !self.streamed.lock().unwrap_or_else(|p| p.into_inner()).insert(session) {
			return refused("already streamed by this host");
		}
		Ok(summary.player)
	}

	/// Serves one player's stream.
	async fn serve(self: Arc<Self>, peer: PeerId, stream: libp2p::Stream) -> Result<(), HostError> {
		let (mut reader, mut writer) = stream.split();
		let hello = tokio::time::timeout(HELLO_TIMEOUT, read_message::<_, ToHost>(&mut reader))
			.await
			.map_err(|_| HostError::Refused("no hello in time".into()))?
			.map_err(|e| HostError::Refused(e.to_string()))?;
		let ToHost::Hello { session, package, signature } = hello else {
			return Err(HostError::Refused("the stream did not start with a hello".into()));
		};
		let player = match self.admit(peer, session, &package, &signature).await {
			Ok(player) => player,
			Err(error) => {
				let reason = error.to_string();
				let _ = write_message(&mut writer, &ToPlayer::Refused { reason }).await;
				return Err(error);
			}
		};
		println!("event host streaming session={session} peer={peer}");
		let mut guard =
			PaymentGuard::new(session, self.genesis, player, self.signer.account(), package.fps);

		// The player's messages, read apart from the loop that writes frames.
		let (inbox, mut from_player) = mpsc::channel(INBOX);
		tokio::spawn(async move {
			while let Ok(message) = read_message::<_, ToHost>(&mut reader).await {
				if inbox.send(message).await.is_err() {
					break;
				}
			}
		});
		let renderer = RenderThread::start(
			self.options.clone(),
			FrameProducer::new(
				session,
				self.genesis,
				self.signer.keypair().clone(),
				package.width,
				package.height,
			),
		)?;
		let (done, mut rendered) = mpsc::channel::<Rendered>(2);
		let done = Arc::new(done);

		let mut wanted: Option<(u64, Pose)> = None;
		let mut rendering = false;
		let mut view: Option<Arc<View>> = None;
		let mut next_view_id = 0;
		let mut announced: Option<Hash32> = None;
		let mut loaded_center = None;
		let mut settle = tokio::time::interval(self.options.settle_every);
		settle.tick().await;
		let mut settled_ms = 0;
		// One settlement at a time, off the loop: frames keep flowing while it is included.
		let mut settling: Option<tokio::task::JoinHandle<u64>> = None;
		let end = loop {
			tokio::select! {
				message = from_player.recv() => match message {
					None => break "the player closed the stream".to_owned(),
					Some(ToHost::Input { seq, pose }) => wanted = Some((seq, pose)),
					Some(ToHost::Receipt { receipt, signature }) => {
						if let Err(fault) = guard.take(&receipt, signature) {
							eprintln!("session {session}: a receipt refused: {fault}");
						}
					}
					Some(ToHost::TileRequest { seq, tile }) => {
						renderer.tile(seq, tile, done.clone());
					}
					Some(ToHost::Hello { .. }) => break "a second hello".to_owned(),
				},
				Some(out) = rendered.recv() => match out {
					Rendered::Frame(result) => {
						rendering = false;
						let frame = match result {
							Ok(frame) => frame,
							Err(error) => break format!("rendering failed: {error}"),
						};
						if let Err(error) = write_message(&mut writer, &ToPlayer::Frame(frame)).await {
							break format!("sending a frame: {error}");
						}
						guard.sent();
					}
					Rendered::Tile { seq, tile, pixels } => {
						let message = ToPlayer::TilePixels { seq, tile, pixels };
						if let Err(error) = write_message(&mut writer, &message).await {
							break format!("sending a tile: {error}");
						}
					}
				},
				_ = settle.tick() => {
					if settling.as_ref().is_none_or(|task| task.is_finished()) {
						if let Some(task) = settling.take() {
							settled_ms = task.await.unwrap_or(settled_ms);
						}
						if let Some(best) = guard.best().cloned() {
							let host = self.clone();
							settling = Some(tokio::spawn(async move {
								host.settle(session, best, settled_ms).await
							}));
						}
					}
				}
			}
			if rendering || !guard.may_send() {
				continue;
			}
			let Some((input_seq, pose)) = wanted.take() else { continue };
			// The world around the pose: loaded in the background when the player enters
			// another chunk; frames show what the host holds meanwhile.
			let position = pose.position.map(|p| p >> 16);
			let center = locate(position).0;
			if loaded_center != Some(center) {
				loaded_center = Some(center);
				self.load_around(pose);
			}
			let held = {
				let state = self.world.inner().state();
				view_coords(position).iter().filter(|c| state.world.chunk(c).is_some()).count()
			};
			if held == 0 {
				// Nothing around the player is loaded yet: the next input tries again.
				continue;
			}
			match View::capture(&self.world, position, view.as_deref(), next_view_id) {
				Ok(Some(captured)) => {
					next_view_id += 1;
					view = Some(Arc::new(captured));
				}
				Ok(None) => {}
				Err(error) => break format!("capturing the view: {error}"),
			}
			let Some(current) = view.clone() else { continue };
			let id = scene_id(&current.scene_chunks);
			if announced != Some(id) {
				let chunks: Vec<SceneChunk> = current.scene_chunks.clone();
				if let Err(error) =
					write_message(&mut writer, &ToPlayer::Scene { id, chunks }).await
				{
					break format!("sending a scene: {error}");
				}
				announced = Some(id);
			}
			renderer.frame(current, id, input_seq, pose, done.clone());
			rendering = true;
		};
		if let Some(task) = settling.take() {
			settled_ms = task.await.unwrap_or(settled_ms);
		}
		if let Some(best) = guard.best().cloned() {
			settled_ms = self.settle(session, best, settled_ms).await;
		}
		println!(
			"event host ended session={session} frames={} served_ms={settled_ms} reason={end}",
			guard.frames_sent()
		);
		Ok(())
	}

	/// Loads the chunks of the view around `pose` into the world session, in the background.
	fn load_around(&self, pose: Pose) {
		let world = self.world.clone();
		let position = pose.position.map(|p| p >> 16);
		tokio::spawn(async move {
			let yaw_degrees = (i64::from(pose.yaw) * 360 / 65536) as i32;
			let pitch_degrees = (i64::from(pose.pitch) * 360 / 65536) as i32;
			let moved = WorldPose { position, yaw_degrees, pitch_degrees };
			if let Err(error) = world.goto(moved).await {
				tracing::warn!("following the player: {error}");
			}
			for coord in view_coords(position) {
				if let Err(error) = world.ensure_chunk(coord).await {
					tracing::debug!("loading chunk {coord:?}: {error}");
				}
			}
		});
	}

	/// Settles `best` (a receipt and the player's signature) when it covers more than
	/// `settled_ms`; returns what is settled now.
	async fn settle(
		&self,
		session: SessionId,
		best: (Receipt<AccountBytes>, [u8; 64]),
		settled_ms: u64,
	) -> u64 {
		let (receipt, signature) = best;
		if receipt.served_ms <= settled_ms {
			return settled_ms;
		}
		let signature = MultiSignature::Sr25519(signature);
		let result = async {
			let call = settle_receipt(&self.connection, &receipt, &signature).await?;
			self.signer
				.submit_and_wait(&self.connection, "Sessions::settle_receipt", &call, TX_TIMEOUT)
				.await
		}
		.await;
		match result {
			Ok(_) => {
				println!(
					"event host settled session={session} served_ms={} frames={}",
					receipt.served_ms, receipt.frames
				);
				receipt.served_ms
			}
			Err(error) => {
				eprintln!("settling session {session}: {error}");
				settled_ms
			}
		}
	}
}

/// What the render thread hands back.
enum Rendered {
	Frame(Result<StreamedFrame, String>),
	Tile { seq: u64, tile: u32, pixels: Vec<u32> },
}

enum Job {
	Frame { view: Arc<View>, scene_id: Hash32, input_seq: u64, pose: Pose },
	Tile { seq: u64, tile: u32 },
}

/// One stream's renderer on its own thread: frames one at a time, tiles of recent frames.
struct RenderThread {
	jobs: std_mpsc::Sender<(Job, Arc<mpsc::Sender<Rendered>>)>,
}

impl RenderThread {
	fn start(options: HostOptions, mut producer: FrameProducer) -> Result<Self, HostError> {
		let renderer = Renderer::new(options.backend, options.threads)?;
		let (jobs, incoming) = std_mpsc::channel::<(Job, Arc<mpsc::Sender<Rendered>>)>();
		std::thread::Builder::new()
			.name("host-render".into())
			.spawn(move || {
				let mut next = incoming.recv().ok();
				while let Some((job, reply)) = next.take() {
					let view = match job {
						Job::Tile { seq, tile } => {
							let pixels = producer.tile_pixels(seq, tile);
							if reply.blocking_send(Rendered::Tile { seq, tile, pixels }).is_err() {
								return;
							}
							next = incoming.recv().ok();
							continue;
						}
						Job::Frame { ref view, .. } => view.clone(),
					};
					// The scene is uploaded once and serves every frame until the view changes.
					let bound = match renderer.bind(&view.scene) {
						Ok(bound) => bound,
						Err(error) => {
							let _ = reply.blocking_send(Rendered::Frame(Err(error.to_string())));
							return;
						}
					};
					let views = producer.views(&view.scene_chunks);
					let mut current = Some((job, reply));
					while let Some((job, reply)) = current.take() {
						if matches!(&job, Job::Frame { view: asked, .. } if asked.id != view.id) {
							// Another view: its scene is bound first.
							next = Some((job, reply));
							break;
						}
						let out = match job {
							Job::Frame { scene_id, input_seq, pose, .. } => Rendered::Frame(
								producer
									.produce(&renderer, &bound, &views, scene_id, input_seq, pose)
									.map(|(frame, _)| frame)
									.map_err(|e| e.to_string()),
							),
							Job::Tile { seq, tile } => Rendered::Tile {
								seq,
								tile,
								pixels: producer.tile_pixels(seq, tile),
							},
						};
						if reply.blocking_send(out).is_err() {
							return;
						}
						current = incoming.recv().ok();
					}
				}
			})
			.map_err(|e| RenderError::Threads { threads: 1, reason: e.to_string() })?;
		Ok(RenderThread { jobs })
	}

	fn frame(
		&self,
		view: Arc<View>,
		scene_id: Hash32,
		input_seq: u64,
		pose: Pose,
		reply: Arc<mpsc::Sender<Rendered>>,
	) {
		let _ = self.jobs.send((Job::Frame { view, scene_id, input_seq, pose }, reply));
	}

	fn tile(&self, seq: u64, tile: u32, reply: Arc<mpsc::Sender<Rendered>>) {
		let _ = self.jobs.send((Job::Tile { seq, tile }, reply));
	}
}
