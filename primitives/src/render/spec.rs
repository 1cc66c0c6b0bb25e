//! Render specs: what a render task asks for, its limits and its id.

use super::{camera::CameraKeyframe, fixed::QUARTER_TURN, kernel::KERNEL_VERSION};
use crate::{
	hash::{ContentHash, Hash32},
	world::chunk::{
		ChunkCoord, CHUNK_SIZE, WORLD_MAX_CHUNK_XZ, WORLD_MAX_CHUNK_Y, WORLD_MIN_CHUNK_Y,
	},
};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;

/// Widest frame, in pixels.
pub const MAX_WIDTH: u32 = 3840;
/// Tallest frame, in pixels.
pub const MAX_HEIGHT: u32 = 2160;
/// Most frames in one task (a minute at 60 frames per second).
pub const MAX_FRAMES: u32 = 3600;
/// Most chunks in a scene.
pub const MAX_SCENE_CHUNKS: u32 = 1024;
/// Largest extent of a scene's bounding box along any axis, in chunks.
pub const MAX_SCENE_SPAN: u32 = 32;
/// Most keyframes in a camera path.
pub const MAX_KEYFRAMES: u32 = 256;
/// Widest aspect ratio either way (width : height and height : width).
pub const MAX_ASPECT: u32 = 4;
/// Largest |pitch| of a keyframe: just under a quarter turn.
pub const MAX_PITCH: i32 = QUARTER_TURN - 384;
/// Largest |coordinate| of a camera position, in Q16.16 blocks.
pub const MAX_CAMERA_COORD: i32 = WORLD_MAX_CHUNK_XZ * CHUNK_SIZE as i32 * 65536;

/// One chunk of a scene: where it is and the hash of its canonical encoding.
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
pub struct SceneChunk {
	/// The chunk's coordinate.
	pub coord: ChunkCoord,
	/// BLAKE3 of the chunk's canonical encoding.
	pub content_hash: ContentHash,
}

/// A render task: which chunks, seen from where, at what size, for how many frames.
///
/// The SCALE encoding of a spec is its identity: `task_id = blake3(SCALE(spec))`. Chunks the
/// scene does not list are air.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RenderSpec {
	/// The render kernel this task is for; must equal [`KERNEL_VERSION`].
	pub kernel_version: u16,
	/// Frame width in pixels, `1..=MAX_WIDTH`.
	pub width: u32,
	/// Frame height in pixels, `1..=MAX_HEIGHT`.
	pub height: u32,
	/// Number of frames, `1..=MAX_FRAMES`.
	pub frame_count: u32,
	/// The scene's chunks, strictly ascending by coordinate.
	pub scene: Vec<SceneChunk>,
	/// Camera keyframes, strictly ascending by frame, the first at frame 0.
	pub camera_path: Vec<CameraKeyframe>,
}

/// Why a spec is not a valid render task.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SpecError {
	/// The kernel version is not one this crate implements.
	UnsupportedKernel(u16),
	/// Width or height is 0 or past [`MAX_WIDTH`] / [`MAX_HEIGHT`].
	BadDimensions {
		/// The requested width.
		width: u32,
		/// The requested height.
		height: u32,
	},
	/// One side is more than [`MAX_ASPECT`] times the other.
	BadAspect,
	/// Frame count is 0 or past [`MAX_FRAMES`].
	BadFrameCount(u32),
	/// The scene is empty or has more than [`MAX_SCENE_CHUNKS`] chunks.
	BadSceneSize(u32),
	/// The scene's chunks are not strictly ascending (or repeat a coordinate).
	SceneNotSorted {
		/// Position of the offending chunk.
		index: u32,
	},
	/// A scene chunk lies outside the world.
	ChunkOutsideWorld {
		/// Position of the offending chunk.
		index: u32,
	},
	/// The scene's bounding box is more than [`MAX_SCENE_SPAN`] chunks along some axis.
	SceneTooWide,
	/// The camera path is empty or has more than [`MAX_KEYFRAMES`] keyframes.
	BadKeyframeCount(u32),
	/// The first keyframe is not at frame 0, keyframes are not strictly ascending, or one is
	/// past the last frame.
	BadKeyframeOrder {
		/// Position of the offending keyframe.
		index: u32,
	},
	/// A keyframe's position is outside the world or its pitch past [`MAX_PITCH`].
	BadKeyframePose {
		/// Position of the offending keyframe.
		index: u32,
	},
}

impl fmt::Display for SpecError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::UnsupportedKernel(v) => {
				write!(f, "kernel version {v} is not supported (this is version {KERNEL_VERSION})")
			}
			Self::BadDimensions { width, height } => {
				write!(f, "frame size {width}x{height} is outside 1x1..={MAX_WIDTH}x{MAX_HEIGHT}")
			}
			Self::BadAspect => write!(f, "aspect ratio is wider than {MAX_ASPECT}:1"),
			Self::BadFrameCount(n) => write!(f, "frame count {n} is outside 1..={MAX_FRAMES}"),
			Self::BadSceneSize(n) => {
				write!(f, "scene has {n} chunks; it needs 1..={MAX_SCENE_CHUNKS}")
			}
			Self::SceneNotSorted { index } => {
				write!(f, "scene chunk {index} is not after the previous one")
			}
			Self::ChunkOutsideWorld { index } => {
				write!(f, "scene chunk {index} lies outside the world")
			}
			Self::SceneTooWide => {
				write!(f, "scene spans more than {MAX_SCENE_SPAN} chunks along an axis")
			}
			Self::BadKeyframeCount(n) => {
				write!(f, "camera path has {n} keyframes; it needs 1..={MAX_KEYFRAMES}")
			}
			Self::BadKeyframeOrder { index } => write!(
				f,
				"keyframe {index} is out of order (the first must be frame 0, frames ascend \
				 strictly and stay below the frame count)"
			),
			Self::BadKeyframePose { index } => {
				write!(f, "keyframe {index} has a position outside the world or a pitch too steep")
			}
		}
	}
}

#[cfg(feature = "std")]
impl std::error::Error for SpecError {}

impl RenderSpec {
	/// `blake3(SCALE(self))`: the task's identity.
	pub fn task_id(&self) -> Hash32 {
		Hash32::of(&self.encode())
	}

	/// Tiles per frame.
	pub fn tiles_per_frame(&self) -> u32 {
		crate::proof::tile::tile_count(self.width, self.height)
	}

	/// Checks every limit; a spec that passes can be rendered and proven.
	pub fn validate(&self) -> Result<(), SpecError> {
		if self.kernel_version != KERNEL_VERSION {
			return Err(SpecError::UnsupportedKernel(self.kernel_version));
		}
		let (width, height) = (self.width, self.height);
		if !(1..=MAX_WIDTH).contains(&width) || !(1..=MAX_HEIGHT).contains(&height) {
			return Err(SpecError::BadDimensions { width, height });
		}
		if width > height * MAX_ASPECT || height > width * MAX_ASPECT {
			return Err(SpecError::BadAspect);
		}
		if !(1..=MAX_FRAMES).contains(&self.frame_count) {
			return Err(SpecError::BadFrameCount(self.frame_count));
		}
		let chunks = self.scene.len();
		if chunks == 0 || chunks > MAX_SCENE_CHUNKS as usize {
			return Err(SpecError::BadSceneSize(chunks.min(u32::MAX as usize) as u32));
		}
		let (mut low, mut high) = (self.scene[0].coord, self.scene[0].coord);
		for (index, chunk) in self.scene.iter().enumerate() {
			let index = index as u32;
			let coord = chunk.coord;
			if index > 0 && coord <= self.scene[index as usize - 1].coord {
				return Err(SpecError::SceneNotSorted { index });
			}
			if !coord.in_world() {
				return Err(SpecError::ChunkOutsideWorld { index });
			}
			low = ChunkCoord::new(low.x.min(coord.x), low.y.min(coord.y), low.z.min(coord.z));
			high = ChunkCoord::new(high.x.max(coord.x), high.y.max(coord.y), high.z.max(coord.z));
		}
		let span = |a: i32, b: i32| (b - a) as u32 + 1;
		if span(low.x, high.x) > MAX_SCENE_SPAN
			|| span(low.y, high.y) > MAX_SCENE_SPAN
			|| span(low.z, high.z) > MAX_SCENE_SPAN
		{
			return Err(SpecError::SceneTooWide);
		}
		let keyframes = self.camera_path.len();
		if keyframes == 0 || keyframes > MAX_KEYFRAMES as usize {
			return Err(SpecError::BadKeyframeCount(keyframes.min(u32::MAX as usize) as u32));
		}
		let max_y = WORLD_MAX_CHUNK_Y * CHUNK_SIZE as i32 * 65536;
		let min_y = WORLD_MIN_CHUNK_Y * CHUNK_SIZE as i32 * 65536;
		for (index, keyframe) in self.camera_path.iter().enumerate() {
			let index = index as u32;
			let in_order = if index == 0 {
				keyframe.frame == 0
			} else {
				keyframe.frame > self.camera_path[index as usize - 1].frame
			};
			if !in_order || keyframe.frame >= self.frame_count {
				return Err(SpecError::BadKeyframeOrder { index });
			}
			let [x, y, z] = keyframe.position;
			let inside = x.unsigned_abs() <= MAX_CAMERA_COORD as u32
				&& z.unsigned_abs() <= MAX_CAMERA_COORD as u32
				&& (min_y..=max_y).contains(&y);
			if !inside || keyframe.pitch.unsigned_abs() > MAX_PITCH as u32 {
				return Err(SpecError::BadKeyframePose { index });
			}
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn spec() -> RenderSpec {
		RenderSpec {
			kernel_version: KERNEL_VERSION,
			width: 64,
			height: 48,
			frame_count: 2,
			scene: alloc::vec![SceneChunk {
				coord: ChunkCoord::new(0, 0, 0),
				content_hash: Hash32::default()
			}],
			camera_path: alloc::vec![CameraKeyframe {
				frame: 0,
				position: [0; 3],
				yaw: 0,
				pitch: 0
			}],
		}
	}

	#[test]
	fn a_small_spec_is_valid() {
		assert_eq!(spec().validate(), Ok(()));
	}

	#[test]
	fn oversized_frames_are_rejected() {
		let mut s = spec();
		s.width = MAX_WIDTH + 1;
		assert!(matches!(s.validate(), Err(SpecError::BadDimensions { .. })));
	}

	#[test]
	fn duplicate_scene_chunks_are_rejected() {
		let mut s = spec();
		s.scene.push(s.scene[0]);
		assert_eq!(s.validate(), Err(SpecError::SceneNotSorted { index: 1 }));
	}

	#[test]
	fn first_keyframe_must_be_frame_zero() {
		let mut s = spec();
		s.camera_path[0].frame = 1;
		assert_eq!(s.validate(), Err(SpecError::BadKeyframeOrder { index: 0 }));
	}

	#[test]
	fn wrong_kernel_version_is_rejected() {
		let mut s = spec();
		s.kernel_version = 99;
		assert_eq!(s.validate(), Err(SpecError::UnsupportedKernel(99)));
	}

	#[test]
	fn task_id_changes_with_the_spec() {
		let mut s = spec();
		let id = s.task_id();
		s.frame_count = 3;
		assert_ne!(id, s.task_id());
	}
}
