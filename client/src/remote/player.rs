//! The player's side of a stream: the inputs it sends, the frames it takes (checked, timed,
//! receipted), the random spot checks that keep a contributor honest, and the evidence of a
//! frame that failed one, for a dispute on chain.
//!
//! What a contributor can get away with: every shown frame passes checks 1-4 of
//! [`super::checks`], so it is exactly the tiles the contributor signed; a frame for a pose the
//! player did not ask for, for an input it already answered, or later than the session's
//! latency bound is shown but not paid. A wrong tile is caught with the probability of a spot
//! check (one frame in [`SpotCheckPolicy::one_in`], one tile of it, drawn from the operating
//! system's randomness after the frame is signed, so the contributor cannot know which); once
//! caught, the signed frame under the player's receipt loses the contributor all its due and a
//! slash ([`PlayerStream::dispute`]). A contributor that corrupts a share `f` of all tiles is
//! caught within about `one_in / f` frames; one that corrupts a single tile once risks the
//! whole session's pay and its bond for one frame's picture.
//!
//! A spot check proves a tile right or wrong *for the scene the contributor announced*, so the
//! scene itself must be the world's: a frame is paid only once the player vouched for its
//! scene ([`PlayerStream::vouch`]), that is found every chunk of it, by content hash, in its own
//! world (the chain's confirmed version, or its view with undecided edits). Without that, a
//! contributor could announce chunks of its own making (empty ones, cheap to render, served to
//! the player by itself) or chunks nobody holds (no spot check can run) and be paid for frames
//! of a world that is not the game's. Frames in time wait for their scene's vouching in arrival
//! order (an honest contributor loses nothing to it) and are dropped unpaid when it is refused
//! ([`PlayerStream::refuse`]).

use super::{
	checks::{FrameFault, FrameVerifier},
	receipts::ReceiptBook,
	wire::{Pose, StreamedFrame, ToHost},
};
use codec::Encode;
use playnet_chain_access::{
	sessions::{sign_receipt, FrameDispute, SessionId},
	subxt::utils::MultiSignature,
	AccountBytes,
};
use playnet_primitives::{
	proof::{
		merkle::merkle_proof,
		tile::{render_tile, tile_count, tile_hash, tile_rect, TileProof},
	},
	FrameCamera, Hash32, RenderSpec, Scene, SceneChunk,
};
use std::{
	collections::VecDeque,
	time::{Duration, Instant},
};
use subxt_signer::sr25519::Keypair;
use thiserror::Error;

/// Inputs a player keeps waiting for their frame; older ones are forgotten (their frames, if
/// they ever come, are not paid).
pub const INPUTS_IN_FLIGHT: usize = 256;

/// Spot-checked frames whose evidence a player keeps for a dispute (the oldest go first; a
/// player forgets a check's evidence when it passes or is not run: [`PlayerStream::forget_check`]).
pub const DRAWN_FRAMES_KEPT: usize = 64;

/// Which frames and tiles a player re-renders itself: one frame in `one_in`, one tile of it,
/// drawn with xorshift64* from a seed the operating system gives (the contributor cannot
/// predict it).
#[derive(Clone, Debug)]
pub struct SpotCheckPolicy {
	state: u64,
	one_in: u32,
}

impl SpotCheckPolicy {
	/// One frame in `one_in` (at least 1), seeded from the operating system.
	pub fn new(one_in: u32) -> Result<Self, getrandom::Error> {
		let mut seed = [0u8; 8];
		getrandom::fill(&mut seed)?;
		Ok(Self::seeded(u64::from_le_bytes(seed), one_in))
	}

	/// One frame in `one_in`, from `seed` (tests).
	pub fn seeded(seed: u64, one_in: u32) -> Self {
		// xorshift's state must not be zero.
		SpotCheckPolicy { state: seed | 1, one_in: one_in.max(1) }
	}

	/// The `one_in` that keeps spot checks within `share` of one core at `fps` frames per
	/// second when a tile takes `tile_cost` to render.
	pub fn one_in_for(fps: u32, tile_cost: Duration, share: f64) -> u32 {
		let per_second = f64::from(fps.max(1)) * tile_cost.as_secs_f64();
		(per_second / share.max(1e-6)).ceil().clamp(1.0, f64::from(u32::MAX)) as u32
	}

	/// How often it draws: one frame in this many.
	pub fn one_in(&self) -> u32 {
		self.one_in
	}

	fn next(&mut self) -> u64 {
		self.state ^= self.state >> 12;
		self.state ^= self.state << 25;
		self.state ^= self.state >> 27;
		self.state.wrapping_mul(0x2545_f491_4f6c_dd1d)
	}

	/// Whether this frame is checked, and which of its `tiles` tiles.
	pub fn draw(&mut self, tiles: u32) -> Option<u32> {
		let roll = self.next();
		if roll % u64::from(self.one_in) != 0 || tiles == 0 {
			return None;
		}
		Some((self.next() % u64::from(tiles)) as u32)
	}
}

/// Why a frame from the stream is not paid for.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum StreamFault {
	/// It failed checks 1-4 (or its spot check).
	#[error(transparent)]
	Frame(#[from] FrameFault),
	/// It answers an input the player did not send, or one it no longer waits for.
	#[error("frame {seq} answers input {input}, which is not waiting for a frame")]
	UnknownInput {
		/// The frame.
		seq: u64,
		/// The input it names.
		input: u64,
	},
	/// It shows another pose than the input asked for.
	#[error("frame {seq} shows another pose than input {input} asked for")]
	WrongPose {
		/// The frame.
		seq: u64,
		/// The input.
		input: u64,
	},
	/// A frame number or input already answered came again.
	#[error("frame {seq} repeats a frame or an input already answered")]
	Replayed {
		/// The frame.
		seq: u64,
	},
	/// A spot check failed earlier: the contributor is not paid for anything more.
	#[error("the contributor failed a spot check; its frames are no longer taken")]
	Failed,
	/// An announced scene is not the view from any pose the player asked for lately: it
	/// names chunks that view does not show.
	#[error("scene {scene} is not the view from any recent input's pose")]
	SceneOutOfView {
		/// The scene.
		scene: Hash32,
	},
}

/// A frame that passed checks 1-4 and answers an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrival {
	/// The frame.
	pub seq: u64,
	/// The scene it was rendered from.
	pub scene: Hash32,
	/// Its pixels, row-major RGBA8.
	pub pixels: Vec<u32>,
	/// The view it shows (scene and camera): anyone holding the chunks renders these pixels
	/// from it.
	pub view: RenderSpec,
	/// Input to frame, in milliseconds.
	pub latency_ms: u32,
	/// Whether it came within the session's latency bound, and so is paid once its scene is
	/// vouched for.
	pub in_time: bool,
}

/// Whether the player found an announced scene in its own world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
	/// Not decided yet: its frames wait.
	Pending,
	/// Every chunk is the player's world: its frames are paid.
	Vouched,
	/// Some chunk is not: its frames are not paid.
	Refused,
}

/// How many announced scenes a stream remembers the standing of; a frame waiting for a scene
/// forgotten is not paid.
pub const SCENES_STANDING: usize = 16;

/// A frame that came in time, waiting for its scene to be vouched for.
#[derive(Clone, Debug)]
struct Waiting {
	seq: u64,
	scene: Hash32,
	frame_hash: Hash32,
	latency_ms: u32,
	/// When it came, on the stream's clock.
	at_ms: u64,
	view: RenderSpec,
	tile_hashes: Vec<Hash32>,
	signature: [u8; 64],
}

/// One tile of a frame to re-render with the CPU reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpotCheck {
	/// The frame.
	pub seq: u64,
	/// Its view.
	pub view: RenderSpec,
	/// The tile.
	pub tile: u32,
	/// The tile hash the contributor signed.
	pub claimed: Hash32,
}

/// Why a spot check could not decide.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum SpotCheckError {
	/// The player's chunk bytes are not the scene's (missing or other versions).
	#[error("the player lacks the scene's chunks: {0}")]
	NoScene(String),
}

impl SpotCheck {
	/// The chunks of the scene it renders (their canonical bytes must be passed to
	/// [`SpotCheck::run`] in this order).
	pub fn scene(&self) -> &[SceneChunk] {
		&self.view.scene
	}

	/// Renders the tile from `chunks` (the canonical bytes of [`SpotCheck::scene`]) and
	/// compares it: `Ok(Ok(steps))` when it matches, `Ok(Err(fault))` when the contributor
	/// signed a wrong tile.
	pub fn run(&self, chunks: &[Vec<u8>]) -> Result<Result<u64, FrameFault>, SpotCheckError> {
		let scene = Scene::from_encoded(&self.view, chunks)
			.map_err(|error| SpotCheckError::NoScene(error.to_string()))?;
		let (seq, tile) = (self.seq, self.tile);
		let Some(rect) = tile_rect(self.view.width, self.view.height, tile) else {
			return Ok(Err(FrameFault::SpotCheckFailed { seq, tile }));
		};
		let camera =
			FrameCamera::at_frame(&self.view.camera_path, 0, self.view.width, self.view.height);
		let (pixels, steps) = render_tile(&scene, &camera, rect);
		Ok(if tile_hash(&pixels) == self.claimed {
			Ok(steps)
		} else {
			Err(FrameFault::SpotCheckFailed { seq, tile })
		})
	}
}

/// The evidence a player keeps of a spot-checked frame.
#[derive(Clone, Debug)]
struct DrawnFrame {
	seq: u64,
	/// Its place among the receipted frames.
	index: u32,
	view: RenderSpec,
	tile: u32,
	tile_hashes: Vec<Hash32>,
	signature: [u8; 64],
}

/// What a player needs to know of its session to stream from one contributor.
#[derive(Clone, Copy, Debug)]
pub struct StreamTerms {
	/// The session.
	pub session: SessionId,
	/// The chain's genesis hash.
	pub genesis: [u8; 32],
	/// The contributor streaming.
	pub contributor: AccountBytes,
	/// Frame width.
	pub width: u32,
	/// Frame height.
	pub height: u32,
	/// Frames per second.
	pub fps: u32,
	/// The session's latency bound, input to frame.
	pub max_latency_ms: u32,
}

/// One contributor's stream, as its player sees it.
pub struct PlayerStream {
	terms: StreamTerms,
	verifier: FrameVerifier,
	book: ReceiptBook,
	policy: SpotCheckPolicy,
	next_input: u64,
	/// Inputs sent and not yet answered, oldest first: number, pose, when sent.
	inputs: VecDeque<(u64, Pose, Instant)>,
	last_seq: Option<u64>,
	drawn: VecDeque<DrawnFrame>,
	latencies: Vec<u32>,
	failed: bool,
	started: Instant,
	/// Frames in time, in arrival order, waiting for their scene.
	waiting: VecDeque<Waiting>,
	/// Announced scenes and their standing, oldest first.
	standing: VecDeque<(Hash32, Standing)>,
	/// Spot checks drawn for frames paid, not yet taken.
	checks: Vec<SpotCheck>,
	/// Frames in time that were not paid: their scene was refused or forgotten.
	unvouched: u64,
}

impl PlayerStream {
	/// A stream on `terms`, spot-checked by `policy`.
	pub fn new(terms: StreamTerms, policy: SpotCheckPolicy) -> Self {
		PlayerStream {
			verifier: FrameVerifier::new(
				terms.session,
				terms.genesis,
				terms.contributor,
				terms.width,
				terms.height,
			),
			book: ReceiptBook::new(terms.session, terms.contributor, terms.fps),
			terms,
			policy,
			next_input: 0,
			inputs: VecDeque::new(),
			last_seq: None,
			drawn: VecDeque::new(),
			latencies: Vec::new(),
			failed: false,
			started: Instant::now(),
			waiting: VecDeque::new(),
			standing: VecDeque::new(),
			checks: Vec::new(),
			unvouched: 0,
		}
	}

	/// The stream's terms.
	pub fn terms(&self) -> &StreamTerms {
		&self.terms
	}

	/// The next input: the view the player wants at `now`.
	pub fn input(&mut self, pose: Pose, now: Instant) -> ToHost {
		let seq = self.next_input;
		self.next_input += 1;
		self.inputs.push_back((seq, pose, now));
		while self.inputs.len() > INPUTS_IN_FLIGHT {
			self.inputs.pop_front();
		}
		ToHost::Input { seq, pose }
	}

	/// Fails unless every chunk of scene `id` is one the view from a single pose of a recent
	/// input shows ([`crate::view::in_view`]). A host renders the player's view, so an honest
	/// scene always is; this bounds what a host can make the player look for to one view's
	/// chunks ([`crate::view::VIEW_CHUNKS`]), around where the player is.
	pub fn scene_in_view(&self, id: Hash32, chunks: &[SceneChunk]) -> Result<(), StreamFault> {
		let mut positions: Vec<[i32; 3]> =
			self.inputs.iter().map(|(_, pose, _)| pose.position.map(|p| p >> 16)).collect();
		positions.dedup();
		let shown = |position: &[i32; 3]| {
			chunks.iter().all(|chunk| crate::view::in_view(*position, chunk.coord))
		};
		match chunks.len() <= crate::view::VIEW_CHUNKS && positions.iter().any(shown) {
			true => Ok(()),
			false => Err(StreamFault::SceneOutOfView { scene: id }),
		}
	}

	/// Takes a scene the host announced; its frames wait until it is vouched for or refused.
	pub fn scene(&mut self, id: Hash32, chunks: Vec<SceneChunk>) -> Result<(), StreamFault> {
		self.verifier.add_scene(id, chunks)?;
		if !self.standing.iter().any(|(known, _)| *known == id) {
			self.standing.push_back((id, Standing::Pending));
			while self.standing.len() > SCENES_STANDING {
				self.standing.pop_front();
			}
		}
		Ok(())
	}

	/// Every chunk of scene `id` is the player's world: its frames are paid.
	pub fn vouch(&mut self, id: Hash32) {
		self.decide(id, Standing::Vouched);
	}

	/// Some chunk of scene `id` is not the player's world: its frames are not paid.
	pub fn refuse(&mut self, id: Hash32) {
		self.decide(id, Standing::Refused);
	}

	/// Scene `id` will not be looked for (too many wait): its waiting frames are not paid. It
	/// is taken again if it is announced again.
	pub fn pass_over(&mut self, id: Hash32) {
		self.standing.retain(|(known, standing)| *known != id || *standing != Standing::Pending);
		self.release();
	}

	/// Scene `id`'s standing (`None`: never announced, or forgotten).
	pub fn standing(&self, id: &Hash32) -> Option<Standing> {
		self.standing.iter().find(|(known, _)| known == id).map(|(_, standing)| *standing)
	}

	fn decide(&mut self, id: Hash32, decided: Standing) {
		if let Some((_, standing)) = self.standing.iter_mut().find(|(known, _)| *known == id) {
			// A scene refused stays refused.
			if *standing != Standing::Refused {
				*standing = decided;
			}
		}
		self.release();
	}

	/// Pays or drops the waiting frames whose scene is decided, oldest first; a frame waiting
	/// for a scene not decided yet holds back those after it (receipts pay in arrival order).
	fn release(&mut self) {
		while let Some(front) = self.waiting.front() {
			match self.standing(&front.scene) {
				Some(Standing::Pending) => break,
				Some(Standing::Vouched) => {
					let Some(waiting) = self.waiting.pop_front() else { break };
					self.pay(waiting);
				}
				Some(Standing::Refused) | None => {
					self.waiting.pop_front();
					self.unvouched += 1;
				}
			}
		}
	}

	/// Receipts a frame whose scene is vouched for, and draws its spot check.
	fn pay(&mut self, frame: Waiting) {
		let index = self.book.frames() as u32;
		self.book.accept(frame.frame_hash, frame.latency_ms, frame.at_ms);
		let Some(tile) = self.policy.draw(tile_count(self.terms.width, self.terms.height)) else {
			return;
		};
		self.checks.push(SpotCheck {
			seq: frame.seq,
			view: frame.view.clone(),
			tile,
			claimed: frame.tile_hashes[tile as usize],
		});
		self.drawn.push_back(DrawnFrame {
			seq: frame.seq,
			index,
			view: frame.view,
			tile,
			tile_hashes: frame.tile_hashes,
			signature: frame.signature,
		});
		while self.drawn.len() > DRAWN_FRAMES_KEPT {
			self.drawn.pop_front();
		}
	}

	/// The spot checks drawn for the frames paid since the last call, to run off the frame
	/// path ([`SpotCheck::run`]).
	pub fn take_spot_checks(&mut self) -> Vec<SpotCheck> {
		std::mem::take(&mut self.checks)
	}

	/// Frames in time waiting for their scene.
	pub fn waiting(&self) -> usize {
		self.waiting.len()
	}

	/// Frames in time that were not paid because their scene was refused or forgotten.
	pub fn unvouched(&self) -> u64 {
		self.unvouched
	}

	/// Takes a frame that came at `now`: checks 1-4, the input it answers and its pose, and
	/// its latency. A frame in time is receipted once its scene is vouched for (at once when it
	/// is already); the spot checks drawn for frames paid are in
	/// [`PlayerStream::take_spot_checks`].
	pub fn frame(&mut self, frame: &StreamedFrame, now: Instant) -> Result<Arrival, StreamFault> {
		let seq = frame.seq;
		if self.failed {
			return Err(StreamFault::Failed);
		}
		if self.last_seq.is_some_and(|last| seq <= last) {
			return Err(StreamFault::Replayed { seq });
		}
		let input = frame.input_seq;
		let position = self
			.inputs
			.iter()
			.position(|(sent, _, _)| *sent == input)
			.ok_or(StreamFault::UnknownInput { seq, input })?;
		let (_, pose, sent_at) = self.inputs[position];
		if pose != frame.pose {
			return Err(StreamFault::WrongPose { seq, input });
		}
		let checked = self.verifier.verify(frame)?;
		// The input and every older one are answered.
		self.inputs.drain(..=position);
		self.last_seq = Some(seq);
		let latency_ms =
			u32::try_from(now.saturating_duration_since(sent_at).as_millis()).unwrap_or(u32::MAX);
		self.latencies.push(latency_ms);
		let in_time = latency_ms <= self.terms.max_latency_ms;
		let view = checked.view.clone();
		if in_time {
			self.waiting.push_back(Waiting {
				seq,
				scene: frame.scene_id,
				frame_hash: checked.frame_hash,
				latency_ms,
				at_ms: now.saturating_duration_since(self.started).as_millis() as u64,
				view: checked.view,
				tile_hashes: frame.tile_hashes.clone(),
				signature: frame.signature,
			});
			// A scene that stays undecided does not hold frames without bound.
			while self.waiting.len() > INPUTS_IN_FLIGHT {
				self.waiting.pop_front();
				self.unvouched += 1;
			}
			self.release();
		}
		Ok(Arrival {
			seq,
			scene: frame.scene_id,
			pixels: checked.pixels,
			view,
			latency_ms,
			in_time,
		})
	}

	/// Forgets the evidence of frame `seq`'s spot check: it passed, or it was not run.
	pub fn forget_check(&mut self, seq: u64) {
		self.drawn.retain(|drawn| drawn.seq != seq);
	}

	/// Records that a spot check failed: nothing more is taken from this contributor.
	pub fn spot_check_failed(&mut self) {
		self.failed = true;
	}

	/// Whether a spot check failed.
	pub fn has_failed(&self) -> bool {
		self.failed
	}

	/// The signed receipt for every paid frame so far, as the message to the host.
	pub fn receipt_message(&self, player: &Keypair) -> Option<ToHost> {
		let receipt = self.book.receipt()?;
		let MultiSignature::Sr25519(signature) =
			sign_receipt(player, &self.terms.genesis, &receipt)
		else {
			unreachable!("an sr25519 key signs sr25519")
		};
		Some(ToHost::Receipt { receipt: receipt.encode(), signature })
	}

	/// The receipts' book.
	pub fn book(&self) -> &ReceiptBook {
		&self.book
	}

	/// Input-to-frame latencies measured so far, in milliseconds, in arrival order.
	pub fn latencies(&self) -> &[u32] {
		&self.latencies
	}

	/// The dispute of spot-checked frame `seq`, against the receipt settled on chain, which
	/// covers the first `settled_frames` receipted frames. `None` when the frame's evidence is
	/// no longer kept or the settled receipt does not cover it.
	pub fn dispute(&self, seq: u64, settled_frames: u32) -> Option<FrameDispute> {
		let drawn = self.drawn.iter().find(|drawn| drawn.seq == seq)?;
		let hashes = self.book.frame_hashes().get(..settled_frames as usize)?;
		let frame_path = merkle_proof(hashes, drawn.index)?;
		let proof = TileProof::from_frame_evidence(
			drawn.index,
			drawn.tile,
			settled_frames,
			&drawn.tile_hashes,
			frame_path.siblings,
		)?;
		Some(FrameDispute {
			seq,
			view: drawn.view.clone(),
			contributor_signature: MultiSignature::Sr25519(drawn.signature),
			claimed_tile_hash: drawn.tile_hashes[drawn.tile as usize],
			proof,
		})
	}
}

/// The `q` quantile (0 to 1) of `samples`, nearest rank; `None` when empty.
pub fn quantile(samples: &[u32], q: f64) -> Option<u32> {
	let mut sorted = samples.to_vec();
	sorted.sort_unstable();
	let rank = ((q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize).max(1);
	sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::remote::{
		codec::encode_frame,
		wire::{scene_id, view_spec},
	};
	use playnet_chain_access::{key_from_uri, sessions::sign_frame};
	use playnet_primitives::{
		demo::GeneratedTask,
		proof::tile::{frame_hash, frame_tile_hashes},
		render::frame::render_frame,
		session::frame_id,
		ChunkCoord,
	};

	const SESSION: SessionId = 21;
	const GENESIS: [u8; 32] = [8; 32];

	/// A contributor that renders honestly unless told to paint one tile.
	struct Host {
		key: Keypair,
		scene: Scene,
		chunks: Vec<Vec<u8>>,
		scene_chunks: Vec<SceneChunk>,
		next_seq: u64,
	}

	impl Host {
		fn new() -> (Host, Pose) {
			let (spec, chunks) = GeneratedTask::demo(3, 128, 64, 1).build();
			let scene = Scene::from_encoded(&spec, &chunks).expect("a scene");
			let pose = Pose {
				position: spec.camera_path[0].position,
				yaw: spec.camera_path[0].yaw,
				pitch: spec.camera_path[0].pitch,
			};
			let key = key_from_uri("//Dave").expect("a dev key");
			(Host { key, scene, chunks, scene_chunks: spec.scene, next_seq: 0 }, pose)
		}

		fn frame(&mut self, input_seq: u64, pose: Pose, paint_tile: Option<u32>) -> StreamedFrame {
			let view = view_spec(&self.scene_chunks, pose, 128, 64);
			let mut pixels = render_frame(&self.scene, &view, 0).pixels;
			if let Some(tile) = paint_tile {
				let rect = tile_rect(128, 64, tile).expect("a tile");
				for y in rect.y..rect.y + rect.height {
					for x in rect.x..rect.x + rect.width {
						pixels[(y * 128 + x) as usize] = 0xff00_ff00;
					}
				}
			}
			let seq = self.next_seq;
			self.next_seq += 1;
			let tile_hashes = frame_tile_hashes(&pixels, 128, 64);
			let hash = frame_hash(&frame_id(SESSION, seq, &view.task_id()), &tile_hashes);
			StreamedFrame {
				seq,
				input_seq,
				scene_id: scene_id(&self.scene_chunks),
				pose,
				signature: sign_frame(&self.key, &GENESIS, SESSION, seq, &hash),
				tile_hashes,
				pixels: encode_frame(&pixels, 128, 64),
			}
		}
	}

	fn stream(host: &Host, one_in: u32) -> PlayerStream {
		let terms = StreamTerms {
			session: SESSION,
			genesis: GENESIS,
			contributor: host.key.public_key().0,
			width: 128,
			height: 64,
			fps: 30,
			max_latency_ms: 100,
		};
		let mut stream = PlayerStream::new(terms, SpotCheckPolicy::seeded(42, one_in));
		let id = scene_id(&host.scene_chunks);
		stream.scene(id, host.scene_chunks.clone()).expect("a scene");
		stream.vouch(id);
		stream
	}

	/// A test's clock: the instant `n` milliseconds after it was made.
	fn clock() -> impl Fn(u64) -> Instant {
		let start = Instant::now();
		move |n| start + Duration::from_millis(n)
	}

	/// Sends an input for `pose` at `sent` and takes the host's frame of it at `came`.
	fn play_one(
		stream: &mut PlayerStream,
		host: &mut Host,
		pose: Pose,
		sent: Instant,
		came: Instant,
	) -> Arrival {
		let ToHost::Input { seq, .. } = stream.input(pose, sent) else { panic!("an input") };
		stream.frame(&host.frame(seq, pose, None), came).expect("checks 1-4 pass")
	}

	#[test]
	fn frames_in_time_are_receipted_and_late_ones_shown_unpaid() {
		let (mut host, pose) = Host::new();
		let mut stream = stream(&host, u32::MAX);
		let start = Instant::now();
		let ToHost::Input { seq, .. } = stream.input(pose, start) else { panic!("an input") };
		let arrival = stream.frame(&host.frame(seq, pose, None), start + Duration::from_millis(40));
		let arrival = arrival.expect("honest");
		assert!(arrival.in_time);
		assert_eq!(arrival.latency_ms, 40);
		let ToHost::Input { seq, .. } = stream.input(pose, start) else { panic!("an input") };
		let late = stream.frame(&host.frame(seq, pose, None), start + Duration::from_millis(250));
		assert!(!late.expect("a good frame").in_time, "past the 100 ms bound");
		assert_eq!(stream.book().frames(), 1, "only the frame in time is paid");
		assert_eq!(stream.latencies(), &[40, 250]);
	}

	#[test]
	fn a_frame_for_another_pose_or_input_or_a_replay_is_not_taken() {
		let (mut host, pose) = Host::new();
		let mut stream = stream(&host, u32::MAX);
		let now = Instant::now();
		let ToHost::Input { seq, .. } = stream.input(pose, now) else { panic!("an input") };
		let moved = Pose { yaw: pose.yaw + 500, ..pose };
		assert_eq!(
			stream.frame(&host.frame(seq, moved, None), now),
			Err(StreamFault::WrongPose { seq: 0, input: seq })
		);
		assert_eq!(
			stream.frame(&host.frame(seq + 5, pose, None), now),
			Err(StreamFault::UnknownInput { seq: 1, input: seq + 5 })
		);
		let good = host.frame(seq, pose, None);
		stream.frame(&good, now).expect("honest");
		assert_eq!(stream.frame(&good, now), Err(StreamFault::Replayed { seq: good.seq }));
		// A new frame number for an input already answered is not paid twice.
		let again = host.frame(seq, pose, None);
		assert_eq!(
			stream.frame(&again, now),
			Err(StreamFault::UnknownInput { seq: again.seq, input: seq })
		);
		assert_eq!(stream.book().frames(), 1);
	}

	#[test]
	fn a_painted_tile_is_caught_by_a_spot_check_and_the_dispute_proves_it() {
		let (mut host, pose) = Host::new();
		// Every frame checked, one random tile of two; from frame 2 on the host paints tile 1.
		let mut stream = stream(&host, 1);
		let now = Instant::now();
		let mut failed = None;
		for _ in 0..40 {
			let ToHost::Input { seq, .. } = stream.input(pose, now) else { panic!("an input") };
			let paint = (host.next_seq >= 2).then_some(1);
			let arrival = stream.frame(&host.frame(seq, pose, paint), now).expect("checks 1-4");
			let mut checks = stream.take_spot_checks();
			assert_eq!(checks.len(), 1, "every frame paid is drawn");
			let check = checks.remove(0);
			if check.run(&host.chunks).expect("the player has the scene").is_err() {
				assert_eq!(check.tile, 1, "only the painted tile fails");
				failed = Some(arrival.seq);
				stream.spot_check_failed();
				break;
			}
		}
		let seq = failed.expect("caught within 40 frames (missed with odds 2^-38)");
		assert!(seq >= 2, "honest frames pass");
		assert_eq!(stream.frame(&host.frame(99, pose, None), now), Err(StreamFault::Failed));
		// The dispute's paths lead to the receipt's root.
		let receipt = stream.book().receipt().expect("frames");
		let dispute = stream.dispute(seq, receipt.frames).expect("evidence kept");
		let tile_root =
			dispute.proof.tile_path.compute_root(&dispute.claimed_tile_hash).expect("a path");
		let id = frame_id(SESSION, seq, &dispute.view.task_id());
		let hash = Hash32::of_parts(&[&id.0, &tile_root.0]);
		assert_eq!(dispute.proof.frame_path.verify(&hash, &receipt.frame_root), Ok(()));
		assert_eq!((dispute.proof.frame, dispute.proof.tile), (seq as u32, 1));
		assert!(
			stream.dispute(seq, seq as u32).is_none(),
			"a receipt from before the frame does not cover it"
		);
	}

	/// The attack: a contributor announces a scene of its own making (here one chunk's hash
	/// changed; it could serve the bytes itself) and renders its frames honestly from it. The
	/// frames pass checks 1-4 and every spot check run on the contributor's bytes; the player,
	/// which cannot find the scene in its own world, pays none of them.
	#[test]
	fn frames_of_a_scene_that_is_not_the_players_world_are_not_paid() {
		let (mut host, pose) = Host::new();
		let mut stream = stream(&host, 1);
		let ms = clock();
		play_one(&mut stream, &mut host, pose, ms(0), ms(20));
		assert_eq!(stream.book().frames(), 1, "the vouched scene's frame is paid");
		assert_eq!(stream.take_spot_checks().len(), 1);

		host.scene_chunks[0].content_hash = Hash32([9; 32]);
		let forged = scene_id(&host.scene_chunks);
		stream.scene(forged, host.scene_chunks.clone()).expect("a well-formed scene");
		for n in 1..=5 {
			let arrival = play_one(&mut stream, &mut host, pose, ms(33 * n), ms(33 * n + 20));
			assert!(arrival.in_time, "shown, and in time");
			assert_eq!(arrival.scene, forged);
		}
		assert_eq!(stream.book().frames(), 1, "nothing paid while the scene is undecided");
		assert_eq!(stream.waiting(), 5);
		assert!(stream.take_spot_checks().is_empty(), "nothing drawn for unpaid frames");
		stream.refuse(forged);
		assert_eq!((stream.book().frames(), stream.waiting(), stream.unvouched()), (1, 0, 5));
		// Later frames of the scene are not paid either, and vouching cannot undo a refusal.
		play_one(&mut stream, &mut host, pose, ms(300), ms(320));
		stream.vouch(forged);
		assert_eq!((stream.book().frames(), stream.unvouched()), (1, 6));
		assert_eq!(stream.standing(&forged), Some(Standing::Refused));
	}

	/// An honest contributor loses nothing to the vouching: frames of a scene not vouched for
	/// yet wait, and are paid in order with the play their arrival times cover once it is.
	#[test]
	fn frames_wait_for_their_scene_and_are_paid_in_arrival_order_once_it_is_vouched() {
		let (mut host, pose) = Host::new();
		let mut stream = stream(&host, u32::MAX);
		let (mut other, _) = Host::new();
		let ms = clock();
		// A new scene (the same world, another set of chunks): announced, not vouched yet.
		other.scene_chunks.truncate(other.scene_chunks.len() - 1);
		let next = scene_id(&other.scene_chunks);
		stream.scene(next, other.scene_chunks.clone()).expect("a scene");
		play_one(&mut stream, &mut other, pose, ms(0), ms(10));
		play_one(&mut stream, &mut other, pose, ms(33), ms(43));
		host.next_seq = other.next_seq;
		play_one(&mut stream, &mut host, pose, ms(66), ms(76));
		assert_eq!(stream.book().frames(), 0, "the vouched scene's frame waits behind the others");
		assert_eq!(stream.waiting(), 3);
		stream.vouch(next);
		assert_eq!((stream.book().frames(), stream.waiting(), stream.unvouched()), (3, 0, 0));
		let receipt = stream.book().receipt().expect("frames");
		assert_eq!(receipt.served_ms, 33 + 33 + 33, "the first frame's interval, then the gaps");
	}

	#[test]
	fn a_scene_passed_over_leaves_its_frames_unpaid_and_is_taken_when_announced_again() {
		let (mut host, pose) = Host::new();
		let mut stream = stream(&host, 1_000);
		let ms = clock();
		host.scene_chunks.truncate(host.scene_chunks.len() - 1);
		let next = scene_id(&host.scene_chunks);
		stream.scene(next, host.scene_chunks.clone()).expect("a scene");
		play_one(&mut stream, &mut host, pose, ms(0), ms(20));
		assert_eq!(stream.waiting(), 1);

		stream.pass_over(next);
		assert_eq!((stream.book().frames(), stream.waiting(), stream.unvouched()), (0, 0, 1));
		assert_eq!(stream.standing(&next), None);

		stream.scene(next, host.scene_chunks.clone()).expect("a scene");
		play_one(&mut stream, &mut host, pose, ms(100), ms(120));
		stream.vouch(next);
		assert_eq!((stream.book().frames(), stream.waiting(), stream.unvouched()), (1, 0, 1));
	}

	#[test]
	fn a_scene_is_taken_only_as_the_view_from_a_recent_inputs_pose() {
		let (host, _) = Host::new();
		let mut stream = stream(&host, 1_000);
		let ms = clock();
		let at = |block: [i32; 3]| Pose {
			position: block.map(|b| (b << 16) + (1 << 15)),
			yaw: 0,
			pitch: 0,
		};
		let view = |block: [i32; 3]| -> Vec<SceneChunk> {
			crate::view::view_coords(block)
				.into_iter()
				.map(|coord| SceneChunk { coord, content_hash: Hash32([1; 32]) })
				.collect()
		};
		let in_view = |stream: &PlayerStream, chunks: &[SceneChunk]| {
			stream.scene_in_view(scene_id(chunks), chunks).is_ok()
		};
		let (here, there) = ([8, 70, 8], [200, 70, 8]);
		assert!(!in_view(&stream, &view(here)), "no input asked for it");

		stream.input(at(here), ms(0));
		stream.input(at(there), ms(10));
		assert!(in_view(&stream, &view(here)));
		assert!(in_view(&stream, &view(there)));
		assert!(in_view(&stream, &view(here)[..7]), "the chunks of the view the host holds");
		let mut both = view(here);
		both.extend(view(there));
		assert!(!in_view(&stream, &both), "no one pose shows both");
		let mut far = view(here);
		far.push(SceneChunk {
			coord: ChunkCoord::new(1_000, 4, 1_000),
			content_hash: Hash32([1; 32]),
		});
		assert!(!in_view(&stream, &far));

		// A pose past the inputs in flight no longer vouches for its view.
		for i in 0..INPUTS_IN_FLIGHT as u64 {
			stream.input(at(there), ms(20 + i));
		}
		assert!(!in_view(&stream, &view(here)));
		assert!(in_view(&stream, &view(there)));
	}

	#[test]
	fn the_spot_check_rate_follows_the_budget_and_draws_are_spread() {
		// 60 fps, 5 ms a tile, 5% of a core: one frame in six.
		assert_eq!(SpotCheckPolicy::one_in_for(60, Duration::from_millis(5), 0.05), 6);
		let mut policy = SpotCheckPolicy::seeded(7, 6);
		let mut tiles = [0u32; 8];
		let mut drawn = 0;
		for _ in 0..60_000 {
			if let Some(tile) = policy.draw(8) {
				tiles[tile as usize] += 1;
				drawn += 1;
			}
		}
		assert!((9_000..11_000).contains(&drawn), "{drawn} of 60000 drawn");
		assert!(tiles.iter().all(|&n| (1_000..1_500).contains(&n)), "{tiles:?}");
		assert_eq!(quantile(&[5, 1, 9, 3], 0.5), Some(3));
		assert_eq!(quantile(&[5, 1, 9, 3], 0.99), Some(9));
		assert_eq!(quantile(&[], 0.5), None);
	}
}
