//! The render kernel: one pixel, by an integer Amanatides–Woo voxel ray-march.
//!
//! This is the specification of kernel version 1. The WGSL shader in
//! `render-worker/src/gpu/kernel.wgsl` is a line-by-line transcription of the functions below
//! and must produce the same bytes; the constants here are handed to it by the render worker.
//! Every per-pixel operation follows the rules in [`super::fixed`]: 32-bit wrapping integer
//! arithmetic, arithmetic right shifts by constants, WGSL division rules, no floats.
//!
//! The picture: a sky gradient with a sun, blocks coloured from [`crate::world::blocks`],
//! lit per face (six levels), with an 8x8 texel noise texture and darker texel borders,
//! water that tints everything seen through it by depth, and distance fog into the horizon
//! colour.

use super::{
	camera::FrameCamera,
	fixed::{clamp_i32, fx_mul, hash_u32, wgsl_div_u32, Fx},
	scene::Scene,
};
use crate::world::blocks::{block_color, AIR, DIRT, GRASS, LAMP, WATER};

/// The kernel version this code implements.
pub const KERNEL_VERSION: u16 = 1;

/// Most DDA steps per ray. A ray crosses at most `MAX_DIST * (|dx| + |dy| + |dz|)` cells,
/// about 290 for the widest 16:9 corner ray, and everything past 88 units is full fog, so the
/// cap changes nothing visible; it bounds one tile's verification at `4096 * MAX_STEPS` steps.
pub const MAX_STEPS: u32 = 288;
/// Rays stop after this distance (Q16.16, in units of the ray direction's length).
pub const MAX_DIST: Fx = 96 << 16;
/// Fog starts at this distance.
pub const FOG_START: Fx = 24 << 16;
/// Fog rises by 1/256 every `2^FOG_SHIFT` of distance past [`FOG_START`] (full at 64 blocks on).
pub const FOG_SHIFT: u32 = 14;
/// "Never": the ray parameter of an axis the ray does not move along.
pub const T_INF: Fx = 1 << 30;
/// Direction components smaller than this (in Q16.16) count as zero.
pub const MIN_DIR: Fx = 4;
/// Sky colour straight up.
pub const SKY_ZENITH: u32 = 0x3b6fd0;
/// Sky colour at the horizon; also the fog colour.
pub const SKY_HORIZON: u32 = 0xbcd6ee;
/// The sun's colour.
pub const SUN_COLOR: u32 = 0xfff4c8;
/// Unit vector towards the sun, Q16.16.
pub const SUN_DIR: [Fx; 3] = [23_593, 39_322, 46_531];
/// Where `cos^2` of the angle to [`SUN_DIR`] is above this (Q16.16) the sky is the sun's
/// disc (about 3 degrees across).
pub const SUN_DISC: Fx = 65_340;
/// Where `cos^2` of the angle to the sun is above this (about 22 degrees) the sky glows
/// towards the sun's colour.
pub const SUN_GLOW: Fx = 56_700;
/// The colour of water seen through.
pub const WATER_TINT: u32 = 0x1f4f9a;
/// Light per face, out of 256: +x, -x, +y (top), -y (bottom), +z, -z.
pub const FACE_LIGHT: [i32; 6] = [200, 176, 256, 112, 216, 152];

/// A pixel's colour (`r | g << 8 | b << 16 | a << 24`, so its little-endian bytes are RGBA)
/// and the number of DDA steps its ray took.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PixelOutput {
	/// RGBA8, red in the low byte; alpha is always 255.
	pub rgba: u32,
	/// DDA steps taken: the unit of render cost.
	pub steps: u32,
}

fn channel(color: u32, shift: u32) -> i32 {
	((color >> shift) & 0xff) as i32
}

/// Mixes two `0xRRGGBB` colours: `a + (b - a) * f / 256` per channel, `f` in `0..=256`.
pub fn mix_rgb(a: u32, b: u32, f: i32) -> u32 {
	let mut out = 0u32;
	for shift in [0u32, 8, 16] {
		let (ca, cb) = (channel(a, shift), channel(b, shift));
		let c = ca.wrapping_add((cb.wrapping_sub(ca)).wrapping_mul(f) >> 8);
		out |= (clamp_i32(c, 0, 255) as u32) << shift;
	}
	out
}

/// Scales each channel of `0xRRGGBB` by `f / 256`, clamping at 255.
pub fn scale_rgb(color: u32, f: i32) -> u32 {
	let mut out = 0u32;
	for shift in [0u32, 8, 16] {
		let c = channel(color, shift).wrapping_mul(f) >> 8;
		out |= (clamp_i32(c, 0, 255) as u32) << shift;
	}
	out
}

/// `0xRRGGBB` to RGBA8 with the red channel in the low byte and opaque alpha.
pub fn to_rgba(rgb: u32) -> u32 {
	((rgb >> 16) & 0xff) | (rgb & 0xff00) | ((rgb & 0xff) << 16) | 0xff00_0000
}

/// The ray direction through the centre of pixel `(x, y)` (not normalised).
pub fn ray_direction(camera: &FrameCamera, x: u32, y: u32) -> [Fx; 3] {
	let px = (2 * x as i32 + 1).wrapping_sub(camera.width as i32);
	let py = (camera.height as i32).wrapping_sub(2 * y as i32 + 1);
	let sx = px.wrapping_mul(camera.pixel_scale) >> 4;
	let sy = py.wrapping_mul(camera.pixel_scale) >> 4;
	let mut dir = [0; 3];
	for (axis, d) in dir.iter_mut().enumerate() {
		*d = camera.forward[axis]
			.wrapping_add(fx_mul(camera.right[axis], sx))
			.wrapping_add(fx_mul(camera.up[axis], sy));
	}
	dir
}

/// The sky seen along `dir`: a gradient from the horizon up, and the sun.
///
/// `dir` is not normalised, so the sun test compares `(dir . sun)^2` with `cos^2 * |dir|^2`.
pub fn sky_color(dir: [Fx; 3]) -> u32 {
	let f = clamp_i32(dir[1] >> 8, 0, 256);
	let sky = mix_rgb(SKY_HORIZON, SKY_ZENITH, f);
	let sun_dot = fx_mul(dir[0], SUN_DIR[0])
		.wrapping_add(fx_mul(dir[1], SUN_DIR[1]))
		.wrapping_add(fx_mul(dir[2], SUN_DIR[2]));
	if sun_dot <= 0 {
		return sky;
	}
	let length2 = fx_mul(dir[0], dir[0])
		.wrapping_add(fx_mul(dir[1], dir[1]))
		.wrapping_add(fx_mul(dir[2], dir[2]));
	let sun_dot2 = fx_mul(sun_dot, sun_dot);
	if sun_dot2 > fx_mul(length2, SUN_DISC) {
		return SUN_COLOR;
	}
	let glow = sun_dot2.wrapping_sub(fx_mul(length2, SUN_GLOW));
	if glow > 0 {
		mix_rgb(sky, SUN_COLOR, clamp_i32(glow >> 5, 0, 256))
	} else {
		sky
	}
}

/// The lit colour of block `id` hit on a face across `axis` (0 = x, 1 = y, 2 = z) while the
/// ray steps by `step` along that axis, at ray parameter `t`.
pub fn shade_hit(
	id: u32,
	cell: [i32; 3],
	axis: usize,
	step: i32,
	origin: [Fx; 3],
	dir: [Fx; 3],
	t: Fx,
) -> u32 {
	// The face faces back along the ray: stepping +x hits a -x face.
	let face = axis * 2 + if step > 0 { 1 } else { 0 };
	let (u_axis, v_axis) = match axis {
		0 => (2, 1),
		1 => (0, 2),
		_ => (0, 1),
	};
	let pu = origin[u_axis].wrapping_add(fx_mul(dir[u_axis], t));
	let pv = origin[v_axis].wrapping_add(fx_mul(dir[v_axis], t));
	let tu = (pu & 0xffff) >> 13;
	let tv = (pv & 0xffff) >> 13;

	let mut base = block_color(id);
	if id == GRASS as u32 && (face == 3 || (axis != 1 && tv < 6)) {
		base = block_color(DIRT as u32);
	}
	let mut light = FACE_LIGHT[face];
	if id == LAMP as u32 {
		light = 288;
	}
	let seed = (cell[0] as u32).wrapping_mul(73_856_093)
		^ (cell[1] as u32).wrapping_mul(19_349_663)
		^ (cell[2] as u32).wrapping_mul(83_492_791)
		^ ((tu | (tv << 3) | ((axis as i32) << 6)) as u32).wrapping_mul(0x9e37_79b1);
	let mut texture = 232 + (hash_u32(seed) & 31) as i32;
	if tu == 0 || tu == 7 || tv == 0 || tv == 7 {
		texture -= 20;
	}
	scale_rgb(scale_rgb(base, light), texture)
}

/// Renders pixel `(x, y)` of the frame seen by `camera`.
pub fn render_pixel(scene: &Scene, camera: &FrameCamera, x: u32, y: u32) -> PixelOutput {
	let origin = camera.origin;
	let dir = ray_direction(camera, x, y);

	let mut cell = [origin[0] >> 16, origin[1] >> 16, origin[2] >> 16];
	let mut step = [0i32; 3];
	let mut delta = [T_INF; 3];
	let mut t_max = [T_INF; 3];
	for axis in 0..3 {
		let d = dir[axis];
		let magnitude = if d < 0 { 0i32.wrapping_sub(d) } else { d };
		if magnitude >= MIN_DIR {
			let q = wgsl_div_u32(0xffff_ffff, magnitude as u32);
			delta[axis] = if q > T_INF as u32 { T_INF } else { q as i32 };
			let fraction = origin[axis] & 0xffff;
			let distance = if d > 0 {
				step[axis] = 1;
				65536 - fraction
			} else {
				step[axis] = -1;
				fraction
			};
			t_max[axis] = fx_mul(distance, delta[axis]);
		}
	}

	let low = scene.min_block();
	let high = scene.max_block();
	let mut steps = 0u32;
	let mut in_water = false;
	let mut water_t: Fx = 0;
	let mut t: Fx = 0;
	let mut hit: Option<(u32, usize)> = None;
	while steps < MAX_STEPS {
		let axis = if t_max[0] <= t_max[1] && t_max[0] <= t_max[2] {
			0
		} else if t_max[1] <= t_max[2] {
			1
		} else {
			2
		};
		t = t_max[axis];
		if t > MAX_DIST {
			break;
		}
		cell[axis] = cell[axis].wrapping_add(step[axis]);
		t_max[axis] = t_max[axis].wrapping_add(delta[axis]);
		steps += 1;
		// Outside the scene's box and not heading back in: nothing more to hit.
		let mut leaving = false;
		for a in 0..3 {
			if (cell[a] < low[a] && step[a] <= 0) || (cell[a] >= high[a] && step[a] >= 0) {
				leaving = true;
			}
		}
		if leaving {
			break;
		}
		let id = scene.block_at(cell);
		if id == AIR as u32 {
			continue;
		}
		if id == WATER as u32 {
			if !in_water {
				in_water = true;
				water_t = t;
			}
			continue;
		}
		hit = Some((id, axis));
		break;
	}

	let mut color;
	match hit {
		Some((id, axis)) => {
			color = shade_hit(id, cell, axis, step[axis], origin, dir, t);
			if in_water {
				let depth = clamp_i32(80 + (t.wrapping_sub(water_t) >> 12), 0, 230);
				color = mix_rgb(color, WATER_TINT, depth);
			}
			let fog = clamp_i32(t.wrapping_sub(FOG_START) >> FOG_SHIFT, 0, 256);
			color = mix_rgb(color, SKY_HORIZON, fog);
		}
		None => {
			color = sky_color(dir);
			if in_water {
				color = mix_rgb(color, WATER_TINT, 200);
			}
		}
	}
	PixelOutput { rgba: to_rgba(color), steps }
}
