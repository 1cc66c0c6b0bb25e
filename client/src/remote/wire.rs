//! The messages of a remote-play stream between a player and a contributor's host, SCALE
//! encoded, each behind its length (u32, little endian) on one libp2p stream per session.
//!
//! - The player sends [`ToHost`]: its inputs (the camera pose it wants rendered), its signed
//!   receipts, and requests for the raw pixels of a recent tile.
//! - The host sends [`ToPlayer`]: the scene it renders from when it changes (the chunk
//!   versions a view shows), and every frame: its view (scene and camera), its tile hashes,
//!   the contributor's signature of its frame hash, and its pixels in the wire codec.
//!
//! Every length is checked before anything is allocated for it ([`read_message`]): a peer
//! cannot make the other side hold more than [`MAX_MESSAGE_BYTES`].

use codec::{Decode, Encode};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use playnet_chain_access::sessions::{SessionId, SessionPackage};
use playnet_primitives::{
	render::spec::RenderSpec, CameraKeyframe, FrameCamera, Hash32, SceneChunk, KERNEL_VERSION,
};
use thiserror::Error;

/// The libp2p protocol of remote play.
pub const PROTOCOL: &str = "/playnet/remote-play/1";

/// The largest message either side accepts: a 3840x2160 frame that does not compress, with
/// its header.
pub const MAX_MESSAGE_BYTES: usize = 3840 * 2160 * 4 + 64 * 1024;

/// Most chunks in a streamed view's scene.
pub const MAX_SCENE_CHUNKS: usize = 1024;

/// A camera pose: where the player stands and looks (the kernel's fixed point and angles).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Pose {
	/// Eye position, Q16.16 world blocks.
	pub position: [i32; 3],
	/// Yaw, in 1/65536 turns.
	pub yaw: i32,
	/// Pitch, in 1/65536 turns.
	pub pitch: i32,
}

/// What the player sends.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum ToHost {
	/// Opens the stream: the session, its package (the chain holds only its hash), and the
	/// player's signature of [`hello_payload`] (so that only the session's player is served).
	Hello {
		/// The session.
		session: SessionId,
		/// The session's package.
		package: SessionPackage,
		/// The player's sr25519 signature of [`hello_payload`].
		signature: [u8; 64],
	},
	/// The view the player wants now.
	Input {
		/// Its number, counted from 0; frames name the input they show.
		seq: u64,
		/// The pose.
		pose: Pose,
	},
	/// A receipt the player signed (see `pallet-sessions`): SCALE bytes of the receipt and
	/// the player's sr25519 signature of its signing payload.
	Receipt {
		/// The receipt's SCALE encoding.
		receipt: Vec<u8>,
		/// The player's signature.
		signature: [u8; 64],
	},
	/// Asks for the raw pixels of tile `tile` of frame `seq`.
	TileRequest {
		/// The frame.
		seq: u64,
		/// The tile.
		tile: u32,
	},
}

/// What the host sends.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum ToPlayer {
	/// The scene later frames are rendered from, until the next one: its id is
	/// [`scene_id`] of the chunks.
	Scene {
		/// [`scene_id`] of `chunks`.
		id: Hash32,
		/// The chunk versions, strictly ascending by coordinate.
		chunks: Vec<SceneChunk>,
	},
	/// A frame.
	Frame(StreamedFrame),
	/// The raw pixels of a tile the player asked for, row-major RGBA8.
	TilePixels {
		/// The frame.
		seq: u64,
		/// The tile.
		tile: u32,
		/// Its pixels; empty when the host no longer has the frame.
		pixels: Vec<u32>,
	},
	/// The host will not serve this stream, and why (the stream ends).
	Refused {
		/// Why, in words.
		reason: String,
	},
}

/// One streamed frame.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct StreamedFrame {
	/// Its number in the contributor's stream.
	pub seq: u64,
	/// The input it shows.
	pub input_seq: u64,
	/// The scene it was rendered from ([`ToPlayer::Scene`]).
	pub scene_id: Hash32,
	/// The camera.
	pub pose: Pose,
	/// Its tile hashes, in tile order.
	pub tile_hashes: Vec<Hash32>,
	/// The contributor's signature of its frame statement.
	pub signature: [u8; 64],
	/// Its pixels, in the wire codec ([`super::codec`]).
	pub pixels: Vec<u8>,
}

/// The id of a scene: BLAKE3 of its chunks' SCALE encoding.
pub fn scene_id(chunks: &[SceneChunk]) -> Hash32 {
	Hash32::of(&chunks.encode())
}

/// The one-frame spec of a streamed frame: what its hash commits to, and what a spot check
/// or a dispute re-renders.
pub fn view_spec(chunks: &[SceneChunk], pose: Pose, width: u32, height: u32) -> RenderSpec {
	RenderSpec {
		kernel_version: KERNEL_VERSION,
		width,
		height,
		frame_count: 1,
		scene: chunks.to_vec(),
		camera_path: vec![CameraKeyframe {
			frame: 0,
			position: pose.position,
			yaw: pose.yaw,
			pitch: pose.pitch,
		}],
	}
}

/// The views of one scene at one size, with the scene encoded once: what a stream needs per
/// frame (its camera and its task id) without building and hashing a whole spec each time.
#[derive(Clone, Debug)]
pub struct ViewSpecs {
	width: u32,
	height: u32,
	/// The SCALE encoding of a view's spec up to its camera path, which comes last.
	head: Vec<u8>,
}

impl ViewSpecs {
	/// The views of `chunks` at `width` x `height`.
	pub fn new(chunks: &[SceneChunk], width: u32, height: u32) -> Self {
		let headless = RenderSpec {
			kernel_version: KERNEL_VERSION,
			width,
			height,
			frame_count: 1,
			scene: chunks.to_vec(),
			camera_path: Vec::new(),
		};
		let mut head = headless.encode();
		// An empty camera path encodes as one byte (its length, compact 0) at the end.
		head.pop();
		ViewSpecs { width, height, head }
	}

	/// The camera path of the view from `pose`.
	fn camera_path(pose: Pose) -> Vec<CameraKeyframe> {
		vec![CameraKeyframe { frame: 0, position: pose.position, yaw: pose.yaw, pitch: pose.pitch }]
	}

	/// The camera of the view from `pose`.
	pub fn camera(&self, pose: Pose) -> FrameCamera {
		FrameCamera::at_frame(&Self::camera_path(pose), 0, self.width, self.height)
	}

	/// The task id of the view from `pose`: `view_spec(chunks, pose, ..).task_id()`.
	pub fn task_id(&self, pose: Pose) -> Hash32 {
		Hash32::of_parts(&[&self.head, &Self::camera_path(pose).encode()])
	}
}

/// The bytes a player signs to open a stream: a domain, the genesis hash, the session and the
/// player's peer id (the host serves the hello only to the peer it names).
pub fn hello_payload(genesis: &[u8; 32], session: SessionId, peer: &libp2p::PeerId) -> Vec<u8> {
	let mut payload = b"playnet/remote-play/hello/1".to_vec();
	payload.extend_from_slice(genesis);
	payload.extend_from_slice(&session.to_le_bytes());
	payload.extend_from_slice(&peer.to_bytes());
	payload
}

/// Why a message could not be read or written.
#[derive(Debug, Error)]
pub enum WireError {
	/// The stream failed or closed.
	#[error("the stream failed: {0}")]
	Io(#[from] std::io::Error),
	/// A length past [`MAX_MESSAGE_BYTES`].
	#[error("a message of {0} bytes is past the limit")]
	TooLarge(usize),
	/// Bytes that are not a message.
	#[error("a malformed message: {0}")]
	Malformed(String),
}

/// Writes `message` behind its length.
pub async fn write_message<W: AsyncWrite + Unpin, M: Encode>(
	writer: &mut W,
	message: &M,
) -> Result<(), WireError> {
	let bytes = message.encode();
	if bytes.len() > MAX_MESSAGE_BYTES {
		return Err(WireError::TooLarge(bytes.len()));
	}
	writer.write_all(&(bytes.len() as u32).to_le_bytes()).await?;
	writer.write_all(&bytes).await?;
	writer.flush().await?;
	Ok(())
}

/// Reads one message; refuses a length past [`MAX_MESSAGE_BYTES`] before reading it, and
/// bytes that do not decode to exactly one `M`.
pub async fn read_message<R: AsyncRead + Unpin, M: Decode>(reader: &mut R) -> Result<M, WireError> {
	let mut length = [0u8; 4];
	reader.read_exact(&mut length).await?;
	let length = u32::from_le_bytes(length) as usize;
	if length > MAX_MESSAGE_BYTES {
		return Err(WireError::TooLarge(length));
	}
	let mut bytes = vec![0u8; length];
	reader.read_exact(&mut bytes).await?;
	decode_exact(&bytes)
}

/// Decodes exactly one `M` from `bytes`.
pub fn decode_exact<M: Decode>(bytes: &[u8]) -> Result<M, WireError> {
	let mut input = bytes;
	let message = M::decode(&mut input).map_err(|e| WireError::Malformed(e.to_string()))?;
	if !input.is_empty() {
		return Err(WireError::Malformed(format!("{} bytes after the message", input.len())));
	}
	Ok(message)
}

#[cfg(test)]
mod tests {
	use super::*;
	use futures::io::Cursor;
	use playnet_primitives::ChunkCoord;

	fn frame() -> ToPlayer {
		ToPlayer::Frame(StreamedFrame {
			seq: 7,
			input_seq: 5,
			scene_id: Hash32([1; 32]),
			pose: Pose { position: [1 << 16, 2 << 16, 3 << 16], yaw: 100, pitch: -200 },
			tile_hashes: vec![Hash32([2; 32]); 6],
			signature: [3; 64],
			pixels: vec![4; 100],
		})
	}

	#[tokio::test]
	async fn messages_come_back_as_they_were_written() {
		let mut buffer = Cursor::new(Vec::new());
		let scene =
			vec![SceneChunk { coord: ChunkCoord::new(0, 1, 2), content_hash: Hash32([5; 32]) }];
		write_message(&mut buffer, &frame()).await.expect("written");
		write_message(
			&mut buffer,
			&ToPlayer::Scene { id: scene_id(&scene), chunks: scene.clone() },
		)
		.await
		.expect("written");
		buffer.set_position(0);
		assert_eq!(read_message::<_, ToPlayer>(&mut buffer).await.expect("read"), frame());
		let ToPlayer::Scene { id, chunks } = read_message(&mut buffer).await.expect("read") else {
			panic!("a scene")
		};
		assert_eq!((id, chunks), (scene_id(&scene), scene));
	}

	#[tokio::test]
	async fn a_length_past_the_limit_is_refused_before_it_is_read() {
		let mut bytes = ((MAX_MESSAGE_BYTES + 1) as u32).to_le_bytes().to_vec();
		bytes.extend_from_slice(&[0; 8]);
		let error = read_message::<_, ToPlayer>(&mut Cursor::new(bytes)).await;
		assert!(matches!(error, Err(WireError::TooLarge(_))), "{error:?}");
	}

	#[tokio::test]
	async fn malformed_and_trailing_bytes_are_refused() {
		let mut bytes = 3u32.to_le_bytes().to_vec();
		bytes.extend_from_slice(&[9, 9, 9]);
		let error = read_message::<_, ToPlayer>(&mut Cursor::new(bytes)).await;
		assert!(matches!(error, Err(WireError::Malformed(_))), "{error:?}");
		let mut encoded = frame().encode();
		encoded.push(0);
		assert!(matches!(decode_exact::<ToPlayer>(&encoded), Err(WireError::Malformed(_))));
		let truncated = Cursor::new(10u32.to_le_bytes().to_vec());
		assert!(matches!(
			read_message::<_, ToPlayer>(&mut { truncated }).await,
			Err(WireError::Io(_))
		));
	}

	#[test]
	fn a_view_spec_is_a_valid_one_frame_spec_and_its_id_follows_the_pose() {
		let scene =
			vec![SceneChunk { coord: ChunkCoord::new(0, 4, 0), content_hash: Hash32([5; 32]) }];
		let pose = Pose { position: [8 << 16, 80 << 16, 8 << 16], yaw: 0, pitch: -1000 };
		let spec = view_spec(&scene, pose, 128, 64);
		assert_eq!(spec.validate(), Ok(()));
		let moved = view_spec(&scene, Pose { yaw: 1, ..pose }, 128, 64);
		assert_ne!(spec.task_id(), moved.task_id());
	}

	#[test]
	fn view_specs_give_the_ids_and_cameras_of_whole_specs() {
		let mut scene: Vec<SceneChunk> = (0..70)
			.map(|i| SceneChunk {
				coord: ChunkCoord::new(i % 5, 3 + i / 25, (i / 5) % 5),
				content_hash: Hash32([i as u8; 32]),
			})
			.collect();
		scene.sort_by_key(|c| c.coord);
		for (width, height) in [(128, 64), (1280, 720)] {
			let specs = ViewSpecs::new(&scene, width, height);
			for pose in [
				Pose { position: [8 << 16, 80 << 16, 8 << 16], yaw: 0, pitch: -1000 },
				Pose { position: [-3, 1 << 20, 77], yaw: 40_000, pitch: 9_000 },
			] {
				let spec = view_spec(&scene, pose, width, height);
				assert_eq!(specs.task_id(pose), spec.task_id());
				assert_eq!(
					specs.camera(pose),
					FrameCamera::at_frame(&spec.camera_path, 0, width, height)
				);
			}
		}
		let still = Pose { position: [0; 3], yaw: 0, pitch: 0 };
		assert_eq!(
			ViewSpecs::new(&[], 16, 16).task_id(still),
			view_spec(&[], still, 16, 16).task_id()
		);
	}
}
