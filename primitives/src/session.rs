//! Cloud-gaming sessions: what a player and a contributor sign, hash and pay, computed alike by
//! the sessions pallet, `playnet-render host` and the player's client.
//!
//! - A streamed frame is a one-frame [`RenderSpec`] (the *view*: the scene the contributor
//!   rendered, the player's camera, the session's size). Its hash is the render tasks'
//!   [`frame_hash`](crate::proof::tile::frame_hash) with the frame's [`frame_id`] in place of a
//!   task's result id, so any tile of it can be re-rendered and checked like a task's.
//! - The contributor signs every frame it streams ([`frame_statement`]); the player signs
//!   cumulative [`Receipt`]s for the frames that came in time and passed its checks
//!   ([`Receipt::signing_payload`]). Both payloads name the chain's genesis hash, so they mean
//!   nothing on another chain.
//! - The receipt's `frame_root` is the [`merkle`](crate::proof::merkle) root of the hashes of
//!   the frames it pays for, in the order the player accepted them.

use crate::{hash::Hash32, proof::merkle::MAX_LEAVES, render::spec::MAX_WIDTH};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;

/// A session's number on chain.
pub type SessionId = u64;

/// Milliseconds in a minute: prices are per minute, receipts count milliseconds.
pub const MS_PER_MINUTE: u64 = 60_000;

/// Highest frame rate a session may ask for.
pub const MAX_FPS: u32 = 240;

/// Longest a session may be booked for, in minutes (one day).
pub const MAX_SESSION_MINUTES: u32 = 24 * 60;

/// What a contributor's machine commits to serve: the kernel it runs, the largest frame and the
/// highest frame rate. An offer names the BLAKE3 of its full description (adapter, driver, ...)
/// as its resource hash; the chain matches sessions against these fields.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Resources {
	/// The render kernel it runs ([`crate::KERNEL_VERSION`]).
	pub kernel_version: u16,
	/// Largest frame width, in pixels.
	pub max_width: u32,
	/// Largest frame height, in pixels.
	pub max_height: u32,
	/// Highest frame rate.
	pub max_fps: u32,
}

/// What a player books: the session's task package. Its hash ([`SessionPackage::hash`]) is
/// stamped on chain with the session's start.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SessionPackage {
	/// The world played: the genesis hash of the chain that holds it.
	pub world: Hash32,
	/// Frame width, in pixels.
	pub width: u32,
	/// Frame height, in pixels.
	pub height: u32,
	/// Frames per second.
	pub fps: u32,
	/// The longest the session may last, in minutes: the escrow covers this at the offer's
	/// price.
	pub max_minutes: u32,
	/// The input-to-frame latency the player accepts, in milliseconds: a frame later than this
	/// is not paid for.
	pub max_latency_ms: u32,
}

/// Why a package or an offer's resources are not acceptable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PackageError {
	/// A width or height of zero or past the primitives' limits, or an aspect past 4:1.
	BadSize,
	/// A frame rate of zero or past [`MAX_FPS`].
	BadFrameRate,
	/// A duration of zero or past [`MAX_SESSION_MINUTES`].
	BadDuration,
	/// A latency bound of zero.
	BadLatency,
	/// More frames than one receipt's Merkle tree holds (`max_minutes x 60 x fps` past
	/// `MAX_LEAVES`, 2^20): their frames could not all be disputed.
	TooManyFrames,
	/// A kernel this crate does not implement.
	UnsupportedKernel,
}

impl fmt::Display for PackageError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(match self {
			Self::BadSize => "the frame size is outside 1x1..3840x2160 or past a 4:1 aspect",
			Self::BadFrameRate => "the frame rate is outside 1..=240",
			Self::BadDuration => "the duration is outside 1..=1440 minutes",
			Self::BadLatency => "the latency bound is zero",
			Self::TooManyFrames => {
				"the session would stream more frames than one receipt covers (2^20)"
			}
			Self::UnsupportedKernel => "the render kernel version is not supported",
		})
	}
}

#[cfg(feature = "std")]
impl std::error::Error for PackageError {}

fn check_size(width: u32, height: u32) -> Result<(), PackageError> {
	use crate::render::spec::{MAX_ASPECT, MAX_HEIGHT};
	let fits = (1..=MAX_WIDTH).contains(&width)
		&& (1..=MAX_HEIGHT).contains(&height)
		&& width <= height.saturating_mul(MAX_ASPECT)
		&& height <= width.saturating_mul(MAX_ASPECT);
	if fits {
		Ok(())
	} else {
		Err(PackageError::BadSize)
	}
}

impl Resources {
	/// Checks the limits: a supported kernel, a valid largest frame, a frame rate in
	/// `1..=MAX_FPS`.
	pub fn validate(&self) -> Result<(), PackageError> {
		if self.kernel_version != crate::KERNEL_VERSION {
			return Err(PackageError::UnsupportedKernel);
		}
		check_size(self.max_width, self.max_height)?;
		if !(1..=MAX_FPS).contains(&self.max_fps) {
			return Err(PackageError::BadFrameRate);
		}
		Ok(())
	}

	/// Whether a machine with these resources serves `package`.
	pub fn serves(&self, package: &SessionPackage) -> bool {
		package.width <= self.max_width
			&& package.height <= self.max_height
			&& package.fps <= self.max_fps
	}
}

impl SessionPackage {
	/// BLAKE3 of its SCALE encoding.
	pub fn hash(&self) -> Hash32 {
		Hash32::of(&self.encode())
	}

	/// Checks the limits: a valid frame size, a frame rate in `1..=MAX_FPS`, a duration in
	/// `1..=MAX_SESSION_MINUTES`, a latency bound above zero, and no more frames than one
	/// receipt's Merkle tree holds (4 hours 51 minutes at 60 frames per second).
	pub fn validate(&self) -> Result<(), PackageError> {
		check_size(self.width, self.height)?;
		if !(1..=MAX_FPS).contains(&self.fps) {
			return Err(PackageError::BadFrameRate);
		}
		if !(1..=MAX_SESSION_MINUTES).contains(&self.max_minutes) {
			return Err(PackageError::BadDuration);
		}
		if self.max_latency_ms == 0 {
			return Err(PackageError::BadLatency);
		}
		let frames = u64::from(self.max_minutes) * 60 * u64::from(self.fps);
		if frames > u64::from(MAX_LEAVES) {
			return Err(PackageError::TooManyFrames);
		}
		Ok(())
	}
}

/// A player's cumulative statement of what one contributor served it in a session: every
/// receipt covers everything since the contributor's start, so the latest one is all the
/// contributor needs, and a lost receipt costs nothing.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Receipt<AccountId> {
	/// The session.
	pub session: SessionId,
	/// The contributor it pays.
	pub contributor: AccountId,
	/// Play served in time and checked, in milliseconds: a gap (a pause, a late or failed
	/// frame) is not counted.
	pub served_ms: u64,
	/// How many frames it pays for.
	pub frames: u32,
	/// The Merkle root of those frames' hashes, in the order the player accepted them.
	pub frame_root: Hash32,
	/// The worst input-to-frame latency of the frames it pays for, in milliseconds.
	pub latency_ms: u32,
}

/// The domain of receipt signatures.
const RECEIPT_DOMAIN: &[u8] = b"playnet/session/receipt/1";
/// The domain of frame statements.
const FRAME_DOMAIN: &[u8] = b"playnet/session/frame/1";
/// The domain of frame ids.
const FRAME_ID_DOMAIN: &[u8] = b"playnet/session/frame-id/1";

impl<AccountId: Encode> Receipt<AccountId> {
	/// The bytes the player signs: the receipt domain, the genesis hash's bytes, then the
	/// receipt's SCALE encoding.
	pub fn signing_payload(&self, genesis: &[u8]) -> Vec<u8> {
		let mut payload = Vec::with_capacity(RECEIPT_DOMAIN.len() + genesis.len() + 96);
		payload.extend_from_slice(RECEIPT_DOMAIN);
		payload.extend_from_slice(genesis);
		self.encode_to(&mut payload);
		payload
	}
}

/// The id frame `seq` of `session` commits to: `BLAKE3(domain || session || seq || view_id)`
/// (little-endian integers), where `view_id` is the [`RenderSpec::task_id`] of the frame's
/// view. The frame's hash is `frame_hash(frame_id, tile hashes)`, so it binds the session, the
/// frame's place in the stream, the scene and the camera.
pub fn frame_id(session: SessionId, seq: u64, view_id: &Hash32) -> Hash32 {
	Hash32::of_parts(&[FRAME_ID_DOMAIN, &session.to_le_bytes(), &seq.to_le_bytes(), &view_id.0])
}

/// The bytes the contributor signs for every frame it streams: the frame domain, the genesis
/// hash's bytes, the session, the frame's sequence number and its hash. With it, a frame shown
/// wrong is the contributor's own statement; without it nobody could tell a wrong frame from
/// one the player made up.
pub fn frame_statement(
	genesis: &[u8],
	session: SessionId,
	seq: u64,
	frame_hash: &Hash32,
) -> Vec<u8> {
	let mut payload = Vec::with_capacity(FRAME_DOMAIN.len() + genesis.len() + 48);
	payload.extend_from_slice(FRAME_DOMAIN);
	payload.extend_from_slice(genesis);
	payload.extend_from_slice(&session.to_le_bytes());
	payload.extend_from_slice(&seq.to_le_bytes());
	payload.extend_from_slice(&frame_hash.0);
	payload
}

/// What `served_ms` of play costs at `price_per_minute`: `price x served_ms / 60_000`, rounded
/// down, saturating.
pub fn payment(price_per_minute: u128, served_ms: u64) -> u128 {
	price_per_minute.saturating_mul(u128::from(served_ms)) / u128::from(MS_PER_MINUTE)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::KERNEL_VERSION;

	fn package() -> SessionPackage {
		SessionPackage {
			world: Hash32([1; 32]),
			width: 640,
			height: 360,
			fps: 60,
			max_minutes: 30,
			max_latency_ms: 100,
		}
	}

	#[test]
	fn a_package_within_the_limits_validates() {
		assert_eq!(package().validate(), Ok(()));
	}

	#[test]
	fn packages_past_a_limit_are_refused_with_the_limit_named() {
		let cases = [
			(SessionPackage { width: 0, ..package() }, PackageError::BadSize),
			(SessionPackage { width: 3841, ..package() }, PackageError::BadSize),
			(SessionPackage { width: 2000, height: 100, ..package() }, PackageError::BadSize),
			(SessionPackage { fps: 0, ..package() }, PackageError::BadFrameRate),
			(SessionPackage { fps: 241, ..package() }, PackageError::BadFrameRate),
			(SessionPackage { max_minutes: 0, ..package() }, PackageError::BadDuration),
			(SessionPackage { max_minutes: 1441, ..package() }, PackageError::BadDuration),
			(SessionPackage { max_latency_ms: 0, ..package() }, PackageError::BadLatency),
			(
				SessionPackage { max_minutes: 292, fps: 60, ..package() },
				PackageError::TooManyFrames,
			),
		];
		for (package, error) in cases {
			assert_eq!(package.validate(), Err(error), "{package:?}");
		}
	}

	#[test]
	fn the_longest_session_fills_one_receipt_tree() {
		let longest = SessionPackage { max_minutes: 291, fps: 60, ..package() };
		assert_eq!(longest.validate(), Ok(()));
		assert!(291 * 60 * 60 <= MAX_LEAVES && 292 * 60 * 60 > MAX_LEAVES);
	}

	#[test]
	fn resources_serve_packages_up_to_their_limits() {
		let resources = Resources {
			kernel_version: KERNEL_VERSION,
			max_width: 1280,
			max_height: 720,
			max_fps: 60,
		};
		assert_eq!(resources.validate(), Ok(()));
		assert!(resources.serves(&package()));
		assert!(!resources.serves(&SessionPackage { fps: 61, ..package() }));
		assert!(!resources.serves(&SessionPackage { width: 1920, height: 1080, ..package() }));
		let old = Resources { kernel_version: KERNEL_VERSION + 1, ..resources };
		assert_eq!(old.validate(), Err(PackageError::UnsupportedKernel));
	}

	#[test]
	fn the_package_hash_is_blake3_of_its_encoding_and_changes_with_every_field() {
		let base = package();
		assert_eq!(base.hash(), Hash32::of(&base.encode()));
		let others = [
			SessionPackage { world: Hash32([2; 32]), ..base },
			SessionPackage { width: 641, ..base },
			SessionPackage { fps: 30, ..base },
			SessionPackage { max_minutes: 31, ..base },
			SessionPackage { max_latency_ms: 99, ..base },
		];
		for other in others {
			assert_ne!(other.hash(), base.hash());
		}
	}

	#[test]
	fn receipts_signing_payload_binds_the_chain_and_every_field() {
		let receipt = Receipt {
			session: 7,
			contributor: 42u64,
			served_ms: 61_000,
			frames: 3_660,
			frame_root: Hash32([9; 32]),
			latency_ms: 40,
		};
		let payload = receipt.signing_payload(&[5; 32]);
		assert!(payload.starts_with(RECEIPT_DOMAIN));
		assert_eq!(&payload[RECEIPT_DOMAIN.len()..RECEIPT_DOMAIN.len() + 32], &[5; 32]);
		assert_eq!(&payload[RECEIPT_DOMAIN.len() + 32..], &receipt.encode()[..]);
		assert_ne!(payload, receipt.signing_payload(&[6; 32]));
		assert_ne!(payload, Receipt { served_ms: 61_001, ..receipt }.signing_payload(&[5; 32]));
		assert_ne!(payload, Receipt { contributor: 43, ..receipt }.signing_payload(&[5; 32]));
	}

	#[test]
	fn frame_ids_and_statements_differ_per_session_frame_and_view() {
		let view = Hash32([3; 32]);
		let id = frame_id(1, 2, &view);
		assert_ne!(id, frame_id(2, 2, &view));
		assert_ne!(id, frame_id(1, 3, &view));
		assert_ne!(id, frame_id(1, 2, &Hash32([4; 32])));
		let statement = frame_statement(&[0; 32], 1, 2, &id);
		assert_ne!(statement, frame_statement(&[1; 32], 1, 2, &id));
		assert_ne!(statement, frame_statement(&[0; 32], 1, 3, &id));
		assert_ne!(statement, frame_statement(&[0; 32], 1, 2, &view));
	}

	#[test]
	fn payment_is_pro_rata_rounded_down_and_saturates() {
		assert_eq!(payment(600, 60_000), 600);
		assert_eq!(payment(600, 1_000), 10);
		assert_eq!(payment(600, 99), 0);
		assert_eq!(payment(1, 59_999), 0);
		assert_eq!(payment(u128::MAX, u64::MAX), u128::MAX / 60_000);
	}
}
