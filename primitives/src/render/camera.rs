//! The camera path: keyframes in the spec, one camera per frame for the kernel.

use super::fixed::{cos_turn, fx_mul, sin_turn, Angle, Fx};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// The tangent of half the vertical field of view, in Q16.16 (0.7: about 70 degrees).
pub const TAN_HALF_FOV: Fx = 45_875;

/// Where the camera is at one frame of the path.
///
/// Between two keyframes the position, yaw and pitch are interpolated linearly by frame
/// number (truncating toward zero); after the last keyframe the camera holds still. Yaw is
/// not wrapped, so a path turns the way its numbers say.
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
pub struct CameraKeyframe {
	/// The frame this keyframe applies to.
	pub frame: u32,
	/// World position in Q16.16 blocks: `[x, y, z]`.
	pub position: [Fx; 3],
	/// Heading in binary turns (65536 = a full turn); 0 looks along +z, a quarter turn along +x.
	pub yaw: Angle,
	/// Elevation in binary turns; positive looks up. Limited to just under a quarter turn.
	pub pitch: Angle,
}

/// The camera of one frame, as the kernel reads it (and as the GPU gets it in a uniform).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FrameCamera {
	/// Ray origin, Q16.16 blocks.
	pub origin: [Fx; 3],
	/// Unit view direction, Q16.16.
	pub forward: [Fx; 3],
	/// Unit vector to the right of the image, Q16.16.
	pub right: [Fx; 3],
	/// Unit vector to the top of the image, Q16.16.
	pub up: [Fx; 3],
	/// Frame width in pixels.
	pub width: u32,
	/// Frame height in pixels.
	pub height: u32,
	/// Q16.16 offset per half pixel, times 16: `TAN_HALF_FOV * 16 / height`.
	pub pixel_scale: i32,
}

fn lerp_i64(a: i32, b: i32, num: i64, den: i64) -> i32 {
	(a as i64 + (b as i64 - a as i64) * num / den) as i32
}

/// The keyframe-interpolated pose at `frame`: position, yaw, pitch. `path` must be non-empty
/// with strictly increasing frames starting at 0 (what [`super::spec::RenderSpec::validate`]
/// checks).
pub fn pose_at(path: &[CameraKeyframe], frame: u32) -> ([Fx; 3], Angle, Angle) {
	let Some(first) = path.first() else {
		return ([0; 3], 0, 0);
	};
	let mut pose = (first.position, first.yaw, first.pitch);
	for pair in path.windows(2) {
		let (a, b) = (&pair[0], &pair[1]);
		if frame >= b.frame {
			pose = (b.position, b.yaw, b.pitch);
		} else if frame >= a.frame {
			let num = (frame - a.frame) as i64;
			let den = (b.frame.saturating_sub(a.frame)).max(1) as i64;
			let position = [
				lerp_i64(a.position[0], b.position[0], num, den),
				lerp_i64(a.position[1], b.position[1], num, den),
				lerp_i64(a.position[2], b.position[2], num, den),
			];
			return (
				position,
				lerp_i64(a.yaw, b.yaw, num, den),
				lerp_i64(a.pitch, b.pitch, num, den),
			);
		}
	}
	pose
}

impl FrameCamera {
	/// The camera for `frame` of a `width` x `height` render along `path`.
	pub fn at_frame(path: &[CameraKeyframe], frame: u32, width: u32, height: u32) -> Self {
		let (origin, yaw, pitch) = pose_at(path, frame);
		let (sy, cy) = (sin_turn(yaw), cos_turn(yaw));
		let (sp, cp) = (sin_turn(pitch), cos_turn(pitch));
		FrameCamera {
			origin,
			forward: [fx_mul(cp, sy), sp, fx_mul(cp, cy)],
			right: [cy, 0, -sy],
			up: [-fx_mul(sp, sy), cp, -fx_mul(sp, cy)],
			width,
			height,
			pixel_scale: ((TAN_HALF_FOV as i64 * 16) / height.max(1) as i64) as i32,
		}
	}
}
