//! The contributor's side of a stream: rendering, hashing, signing and encoding each frame
//! ([`FrameProducer`]), answering tile requests from the frames it sent recently, and the rule
//! that bounds what a player who stops paying can take ([`PaymentGuard`]).
//!
//! `playnet-render host` runs these on the session's stream; they are here, beside the
//! player's checks, so that both sides of the protocol are built and tested together.

use super::{
	codec::{decode_frame, encode_frame},
	wire::{Pose, StreamedFrame, ViewSpecs},
};
use codec::Decode;
use playnet_chain_access::{
	sessions::{sign_frame, Receipt, SessionId},
	AccountBytes,
};
use playnet_primitives::{
	proof::tile::{frame_hash, tile_rect},
	session::frame_id,
	Hash32, SceneChunk,
};
use playnet_renderer::{BoundScene, RenderError, Renderer};
use std::{
	collections::VecDeque,
	time::{Duration, Instant},
};
use subxt_signer::sr25519::{self, Keypair};
use thiserror::Error;

/// The most bytes of recent frames a host keeps to answer tile requests (in the wire codec):
/// about a second of 1280x720 play.
pub const RECENT_FRAME_BYTES: usize = 64 * 1024 * 1024;

/// Where a frame's time went on the host.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameTimings {
	/// Rendering the pixels.
	pub render: Duration,
	/// Hashing every tile.
	pub hash: Duration,
	/// The frame hash and the contributor's signature.
	pub sign: Duration,
	/// Encoding for the wire.
	pub encode: Duration,
}

/// Renders and signs the frames of one session's stream.
pub struct FrameProducer {
	session: SessionId,
	genesis: [u8; 32],
	keypair: Keypair,
	width: u32,
	height: u32,
	next_seq: u64,
	/// Recent frames in the wire codec, oldest first, within [`RECENT_FRAME_BYTES`].
	recent: VecDeque<(u64, Vec<u8>)>,
	recent_bytes: usize,
}

impl FrameProducer {
	/// A producer of `width` x `height` frames for `session` on the chain of `genesis`,
	/// signed with the contributor's `keypair`.
	pub fn new(
		session: SessionId,
		genesis: [u8; 32],
		keypair: Keypair,
		width: u32,
		height: u32,
	) -> Self {
		FrameProducer {
			session,
			genesis,
			keypair,
			width,
			height,
			next_seq: 0,
			recent: VecDeque::new(),
			recent_bytes: 0,
		}
	}

	/// The number the next frame gets.
	pub fn next_seq(&self) -> u64 {
		self.next_seq
	}

	/// Renders the view from `pose` of a scene (bound on `renderer` as `bound`, its views at
	/// this producer's size `views`, announced to the player as `scene_id`), for input
	/// `input_seq`: the frame to send and where its time went.
	pub fn produce(
		&mut self,
		renderer: &Renderer,
		bound: &BoundScene<'_>,
		views: &ViewSpecs,
		scene_id: Hash32,
		input_seq: u64,
		pose: Pose,
	) -> Result<(StreamedFrame, FrameTimings), RenderError> {
		let started = Instant::now();
		let pixels = bound.render_frame(&views.camera(pose))?;
		let render = started.elapsed();
		let (frame, timings) =
			self.seal(renderer, &pixels, scene_id, views.task_id(pose), input_seq, pose);
		Ok((frame, FrameTimings { render, ..timings }))
	}

	/// The views of `chunks` at this producer's frame size.
	pub fn views(&self, chunks: &[SceneChunk]) -> ViewSpecs {
		ViewSpecs::new(chunks, self.width, self.height)
	}

	/// Hashes every tile of `pixels`, signs the frame hash, encodes the pixels and keeps them
	/// for tile requests: the frame of the view `task_id` (of the scene announced as
	/// `scene_id`, from `pose`) for input `input_seq`. Whatever pixels are sealed are what
	/// the contributor signs and answers for; an honest host seals what
	/// [`FrameProducer::produce`] rendered.
	pub fn seal(
		&mut self,
		renderer: &Renderer,
		pixels: &[u32],
		scene_id: Hash32,
		task_id: Hash32,
		input_seq: u64,
		pose: Pose,
	) -> (StreamedFrame, FrameTimings) {
		let (width, height) = (self.width, self.height);
		let started = Instant::now();
		let tile_hashes = renderer.tile_hashes(pixels, width, height);
		let hashed = Instant::now();
		let seq = self.next_seq;
		let hash = frame_hash(&frame_id(self.session, seq, &task_id), &tile_hashes);
		let signature = sign_frame(&self.keypair, &self.genesis, self.session, seq, &hash);
		let signed = Instant::now();
		let wire = encode_frame(pixels, width, height);
		let encoded = Instant::now();
		self.next_seq += 1;
		self.remember(seq, wire.clone());
		let timings = FrameTimings {
			render: Duration::ZERO,
			hash: hashed - started,
			sign: signed - hashed,
			encode: encoded - signed,
		};
		let frame =
			StreamedFrame { seq, input_seq, scene_id, pose, tile_hashes, signature, pixels: wire };
		(frame, timings)
	}

	fn remember(&mut self, seq: u64, wire: Vec<u8>) {
		self.recent_bytes += wire.len();
		self.recent.push_back((seq, wire));
		while self.recent_bytes > RECENT_FRAME_BYTES && self.recent.len() > 1 {
			if let Some((_, old)) = self.recent.pop_front() {
				self.recent_bytes -= old.len();
			}
		}
	}

	/// The raw pixels (row-major RGBA8) of tile `tile` of recent frame `seq`; empty when the
	/// frame is no longer kept or the tile is outside it.
	pub fn tile_pixels(&self, seq: u64, tile: u32) -> Vec<u32> {
		let Some(rect) = tile_rect(self.width, self.height, tile) else { return Vec::new() };
		let Some((_, wire)) = self.recent.iter().find(|(kept, _)| *kept == seq) else {
			return Vec::new();
		};
		let Ok(pixels) = decode_frame(wire, self.width, self.height) else { return Vec::new() };
		let mut tile = Vec::with_capacity((rect.width * rect.height) as usize);
		for row in rect.y..rect.y + rect.height {
			let start = (row * self.width + rect.x) as usize;
			tile.extend_from_slice(&pixels[start..start + rect.width as usize]);
		}
		tile
	}
}

/// Why a receipt from the player is refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ReceiptFault {
	/// Its bytes are not a receipt.
	#[error("a malformed receipt")]
	Malformed,
	/// It is for another session or contributor.
	#[error("a receipt for another session or contributor")]
	NotOurs,
	/// The player's signature does not verify.
	#[error("the receipt is not signed by the session's player")]
	BadSignature,
	/// It claims more frames than were sent.
	#[error("the receipt counts {claimed} frames where {sent} were sent")]
	TooManyFrames {
		/// Frames it counts.
		claimed: u32,
		/// Frames sent.
		sent: u64,
	},
	/// It pays for less than an earlier receipt.
	#[error("the receipt pays for less than one already received")]
	Regressive,
}

/// The host's rule for a player who stops paying: frames go out only while the frames sent
/// but not yet covered by a receipt stay under a grace of `grace` seconds of frames, and while
/// the receipted play time is at least three quarters of the receipted frames' intervals (a
/// player who signs frames but not their minutes is paying less than it takes).
///
/// Frames the network delivers later than the session's latency bound are shown but never
/// paid, so they stay unpaid for good; were they held against the grace, an honest player on
/// a network that delays one frame in a hundred would lose its stream within minutes. One
/// frame in [`PaymentGuard::FORGIVEN_ONE_IN`] of those paid for is therefore forgiven.
///
/// So a player gets at most `grace * fps` frames, plus one in fifty of those it pays for (and
/// those a quarter's shortfall of the time it pays for), without paying: a player that stops
/// signing gets 3 seconds of frames and a fiftieth of its paid play, then nothing. Receipts
/// sent every second keep an honest stream flowing.
#[derive(Clone, Debug)]
pub struct PaymentGuard {
	session: SessionId,
	genesis: [u8; 32],
	player: AccountBytes,
	contributor: AccountBytes,
	frame_interval_ms: u64,
	grace_frames: u64,
	sent: u64,
	best: Option<(Receipt<AccountBytes>, [u8; 64])>,
}

impl PaymentGuard {
	/// Seconds of frames a player may be behind on its receipts.
	pub const GRACE_SECONDS: u64 = 3;

	/// One frame in this many of those paid for may stay unpaid beyond the grace (frames
	/// that came too late to be paid).
	pub const FORGIVEN_ONE_IN: u64 = 50;

	/// The guard of `contributor`'s stream to `player` in `session` at `fps`.
	pub fn new(
		session: SessionId,
		genesis: [u8; 32],
		player: AccountBytes,
		contributor: AccountBytes,
		fps: u32,
	) -> Self {
		let fps = u64::from(fps.max(1));
		PaymentGuard {
			session,
			genesis,
			player,
			contributor,
			frame_interval_ms: 1_000 / fps,
			grace_frames: Self::GRACE_SECONDS * fps,
			sent: 0,
			best: None,
		}
	}

	/// Whether the next frame may go out.
	pub fn may_send(&self) -> bool {
		let (frames, served_ms) =
			self.best.as_ref().map_or((0, 0), |(r, _)| (u64::from(r.frames), r.served_ms));
		// Time paid below three quarters of the frames' intervals counts as frames unpaid.
		let owed_ms = (frames * self.frame_interval_ms * 3 / 4).saturating_sub(served_ms);
		let unpaid = self.sent.saturating_sub(frames) + owed_ms / self.frame_interval_ms.max(1);
		unpaid < self.grace_frames + frames / Self::FORGIVEN_ONE_IN
	}

	/// Counts a frame sent.
	pub fn sent(&mut self) {
		self.sent += 1;
	}

	/// Frames sent.
	pub fn frames_sent(&self) -> u64 {
		self.sent
	}

	/// Takes a receipt from the player: its SCALE bytes and signature. Keeps it when it is
	/// the session's, signed by the player, counts no more frames than were sent and pays for
	/// at least what the best one so far did.
	pub fn take(&mut self, bytes: &[u8], signature: [u8; 64]) -> Result<(), ReceiptFault> {
		let receipt = Receipt::<AccountBytes>::decode(&mut &bytes[..])
			.map_err(|_| ReceiptFault::Malformed)?;
		if receipt.session != self.session || receipt.contributor != self.contributor {
			return Err(ReceiptFault::NotOurs);
		}
		if !sr25519::verify(
			&sr25519::Signature(signature),
			receipt.signing_payload(&self.genesis),
			&sr25519::PublicKey(self.player),
		) {
			return Err(ReceiptFault::BadSignature);
		}
		if u64::from(receipt.frames) > self.sent {
			return Err(ReceiptFault::TooManyFrames { claimed: receipt.frames, sent: self.sent });
		}
		if let Some((best, _)) = &self.best {
			if receipt.served_ms < best.served_ms || receipt.frames < best.frames {
				return Err(ReceiptFault::Regressive);
			}
		}
		self.best = Some((receipt, signature));
		Ok(())
	}

	/// The best receipt so far, to settle on chain.
	pub fn best(&self) -> Option<&(Receipt<AccountBytes>, [u8; 64])> {
		self.best.as_ref()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::remote::{checks::FrameVerifier, receipts::ReceiptBook, wire::scene_id};
	use playnet_chain_access::{
		key_from_uri, sessions::sign_receipt, subxt::utils::MultiSignature,
	};
	use playnet_primitives::{demo::GeneratedTask, render::frame::render_frame, Scene};
	use playnet_renderer::Backend;

	const SESSION: SessionId = 11;
	const GENESIS: [u8; 32] = [3; 32];

	fn signed(player: &Keypair, receipt: &Receipt<AccountBytes>) -> [u8; 64] {
		let MultiSignature::Sr25519(bytes) = sign_receipt(player, &GENESIS, receipt) else {
			panic!("sr25519")
		};
		bytes
	}

	#[test]
	fn a_produced_frame_passes_the_players_checks_and_its_tiles_are_served() {
		let host = key_from_uri("//Dave").expect("a dev key");
		let (spec, chunks) = GeneratedTask::demo(2, 160, 96, 1).build();
		let scene = Scene::from_encoded(&spec, &chunks).expect("a scene");
		let renderer = Renderer::new(Backend::Cpu, Some(2)).expect("a CPU renderer");
		let bound = renderer.bind(&scene).expect("bound");
		let id = scene_id(&spec.scene);
		let pose = Pose {
			position: spec.camera_path[0].position,
			yaw: spec.camera_path[0].yaw,
			pitch: spec.camera_path[0].pitch,
		};
		let mut producer = FrameProducer::new(SESSION, GENESIS, host.clone(), 160, 96);
		let views = producer.views(&spec.scene);
		let (first, _) =
			producer.produce(&renderer, &bound, &views, id, 0, pose).expect("rendered");
		let moved = Pose { yaw: pose.yaw + 2_000, ..pose };
		let (second, _) =
			producer.produce(&renderer, &bound, &views, id, 1, moved).expect("rendered");
		assert_eq!((first.seq, second.seq), (0, 1));

		let mut verifier = FrameVerifier::new(SESSION, GENESIS, host.public_key().0, 160, 96);
		verifier.add_scene(id, spec.scene.clone()).expect("a valid scene");
		let checked = verifier.verify(&second).expect("an honest frame");
		// The CPU reference renders the same pixels.
		assert_eq!(checked.pixels, render_frame(&scene, &checked.view, 0).pixels);
		// Tile 4 (the second row's second tile of a 3-across frame) comes back raw.
		let rect = tile_rect(160, 96, 4).expect("a tile");
		let tile = producer.tile_pixels(1, 4);
		assert_eq!(tile.len(), (rect.width * rect.height) as usize);
		assert_eq!(tile[0], checked.pixels[(rect.y * 160 + rect.x) as usize]);
		assert!(producer.tile_pixels(1, 99).is_empty(), "no such tile");
		assert!(producer.tile_pixels(7, 0).is_empty(), "no such frame");
	}

	#[test]
	fn a_player_who_stops_paying_gets_at_most_the_grace() {
		let player = key_from_uri("//Eve").expect("a dev key");
		let contributor = [5; 32];
		let mut guard = PaymentGuard::new(SESSION, GENESIS, player.public_key().0, contributor, 30);
		let mut book = ReceiptBook::new(SESSION, contributor, 30);
		// Two seconds of honest play: a receipt every 30 frames keeps the stream going.
		let mut now = 0;
		for frame in 0..60u8 {
			assert!(guard.may_send(), "frame {frame}");
			guard.sent();
			now += 33;
			book.accept(Hash32([frame; 32]), 20, now);
			if frame % 30 == 29 {
				let receipt = book.receipt().expect("frames");
				guard
					.take(&codec::Encode::encode(&receipt), signed(&player, &receipt))
					.expect("ok");
			}
		}
		// Then no receipts: 3 seconds of frames at 30 fps, and one for the 60 paid (one in
		// 50 forgiven), and the stream stops.
		let mut unpaid = 0;
		while guard.may_send() {
			guard.sent();
			unpaid += 1;
			assert!(unpaid <= 91, "the guard never stops");
		}
		assert_eq!(unpaid, 91);
	}

	#[test]
	fn frames_the_network_made_late_do_not_end_an_honest_stream() {
		let player = key_from_uri("//Eve").expect("a dev key");
		let contributor = [5; 32];
		let mut guard = PaymentGuard::new(SESSION, GENESIS, player.public_key().0, contributor, 60);
		let mut book = ReceiptBook::new(SESSION, contributor, 60);
		// Ten minutes at 60 fps; one frame in a hundred comes past the latency bound (shown,
		// not paid), and once the network holds the stream back past it for 2 seconds.
		let mut now = 0;
		for frame in 0..36_000u32 {
			assert!(guard.may_send(), "frame {frame} was refused to an honest player");
			guard.sent();
			now += 16;
			let stalled = (18_000..18_120).contains(&frame);
			if frame % 100 != 7 && !stalled {
				book.accept(Hash32::of(&frame.to_le_bytes()), 20, now);
			}
			if frame % 60 == 59 {
				if let Some(receipt) = book.receipt() {
					guard
						.take(&codec::Encode::encode(&receipt), signed(&player, &receipt))
						.expect("ok");
				}
			}
		}
	}

	#[test]
	fn a_player_that_skips_one_frame_in_ten_loses_its_stream() {
		let player = key_from_uri("//Eve").expect("a dev key");
		let contributor = [5; 32];
		let mut guard = PaymentGuard::new(SESSION, GENESIS, player.public_key().0, contributor, 60);
		let mut book = ReceiptBook::new(SESSION, contributor, 60);
		let mut now = 0;
		let mut frame = 0u32;
		while guard.may_send() {
			guard.sent();
			now += 16;
			if frame % 10 != 0 {
				book.accept(Hash32::of(&frame.to_le_bytes()), 20, now);
			}
			if frame % 60 == 59 {
				let receipt = book.receipt().expect("frames");
				guard
					.take(&codec::Encode::encode(&receipt), signed(&player, &receipt))
					.expect("ok");
			}
			frame += 1;
			assert!(frame < 10_000, "the guard never stops");
		}
		// Unpaid: a tenth of what it got; allowed: 180 frames and a fiftieth of what it paid.
		let got = u64::from(frame);
		let unpaid = got - u64::from(book.receipt().expect("frames").frames);
		assert!(unpaid <= 180 + (got - unpaid) / 50 + 60, "{unpaid} of {got} unpaid");
		assert!(got < 60 * 60, "stopped within a minute, after {got} frames");
	}

	#[test]
	fn a_receipt_that_pays_frames_but_not_their_minutes_stops_the_stream() {
		let player = key_from_uri("//Eve").expect("a dev key");
		let contributor = [5; 32];
		let mut guard = PaymentGuard::new(SESSION, GENESIS, player.public_key().0, contributor, 30);
		for _ in 0..300 {
			guard.sent();
		}
		// 300 frames (10 s) paid as one second.
		let receipt = Receipt {
			session: SESSION,
			contributor,
			served_ms: 1_000,
			frames: 300,
			frame_root: Hash32([1; 32]),
			latency_ms: 20,
		};
		guard.take(&codec::Encode::encode(&receipt), signed(&player, &receipt)).expect("signed");
		assert!(!guard.may_send(), "owes 6.5 s of frames past the grace");
	}

	#[test]
	fn forged_foreign_inflated_and_regressive_receipts_are_refused() {
		let player = key_from_uri("//Eve").expect("a dev key");
		let other = key_from_uri("//Ferdie").expect("a dev key");
		let contributor = [5; 32];
		let mut guard = PaymentGuard::new(SESSION, GENESIS, player.public_key().0, contributor, 30);
		for _ in 0..40 {
			guard.sent();
		}
		let receipt = Receipt {
			session: SESSION,
			contributor,
			served_ms: 1_200,
			frames: 36,
			frame_root: Hash32([1; 32]),
			latency_ms: 20,
		};
		let bytes = codec::Encode::encode(&receipt);
		assert_eq!(guard.take(&bytes[1..], [0; 64]), Err(ReceiptFault::Malformed));
		assert_eq!(guard.take(&bytes, signed(&other, &receipt)), Err(ReceiptFault::BadSignature));
		let foreign = Receipt { session: SESSION + 1, ..receipt.clone() };
		assert_eq!(
			guard.take(&codec::Encode::encode(&foreign), signed(&player, &foreign)),
			Err(ReceiptFault::NotOurs)
		);
		let inflated = Receipt { frames: 41, ..receipt.clone() };
		assert_eq!(
			guard.take(&codec::Encode::encode(&inflated), signed(&player, &inflated)),
			Err(ReceiptFault::TooManyFrames { claimed: 41, sent: 40 })
		);
		guard.take(&bytes, signed(&player, &receipt)).expect("a good receipt");
		let older = Receipt { served_ms: 1_100, ..receipt.clone() };
		assert_eq!(
			guard.take(&codec::Encode::encode(&older), signed(&player, &older)),
			Err(ReceiptFault::Regressive)
		);
		assert_eq!(guard.best().map(|(r, _)| r.served_ms), Some(1_200), "the best one is kept");
	}
}

/// Figures for the issue note: `measure_the_host_pipeline` (ignored; run it with `--ignored
/// --nocapture`): per frame at 640x360 and 1280x720 on the path `PLAYNET_BACKEND` names
/// (`cpu` by default, `gpu` or `auto`): render, hash, sign, encode and the bytes sent.
#[cfg(test)]
mod measure {
	use super::*;
	use crate::remote::wire::scene_id;
	use playnet_chain_access::key_from_uri;
	use playnet_primitives::{demo::GeneratedTask, Scene};
	use playnet_renderer::Backend;

	#[test]
	#[ignore = "a measurement, not a check: run it with --ignored --nocapture"]
	fn measure_the_host_pipeline() {
		let backend = match std::env::var("PLAYNET_BACKEND").as_deref() {
			Ok("gpu") => Backend::Gpu,
			Ok("auto") => Backend::Auto,
			_ => Backend::Cpu,
		};
		let renderer = Renderer::new(backend, None).expect("a renderer");
		let host = key_from_uri("//Dave").expect("a dev key");
		for (width, height) in [(640u32, 360u32), (1280, 720)] {
			let (spec, chunks) = GeneratedTask::demo(5, width, height, 1).build();
			let scene = Scene::from_encoded(&spec, &chunks).expect("a scene");
			let bound = renderer.bind(&scene).expect("bound");
			let id = scene_id(&spec.scene);
			let pose = Pose {
				position: spec.camera_path[0].position,
				yaw: spec.camera_path[0].yaw,
				pitch: spec.camera_path[0].pitch,
			};
			let mut producer = FrameProducer::new(1, [0; 32], host.clone(), width, height);
			let views = producer.views(&spec.scene);
			// One frame to warm up (pipelines, caches).
			producer.produce(&renderer, &bound, &views, id, 0, pose).expect("rendered");
			let runs = 10u32;
			let (mut total, mut bytes) = (FrameTimings::default(), 0);
			let started = Instant::now();
			for input in 0..runs {
				let pose = Pose { yaw: pose.yaw + 64 * input as i32, ..pose };
				let (frame, timings) = producer
					.produce(&renderer, &bound, &views, id, u64::from(input), pose)
					.expect("rendered");
				total.render += timings.render;
				total.hash += timings.hash;
				total.sign += timings.sign;
				total.encode += timings.encode;
				bytes += frame.pixels.len();
			}
			let wall = started.elapsed() / runs;
			let ms = |d: Duration| d.as_secs_f64() * 1e3 / f64::from(runs);
			println!(
				"{} {width}x{height}: render {:.2} ms, hash {:.2} ms, sign {:.2} ms, encode {:.2} \
				 ms, all {:.2} ms per frame; {} bytes per frame",
				renderer.describe(),
				ms(total.render),
				ms(total.hash),
				ms(total.sign),
				ms(total.encode),
				wall.as_secs_f64() * 1e3,
				bytes / runs as usize,
			);
		}
	}
}
