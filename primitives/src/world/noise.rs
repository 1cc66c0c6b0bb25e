//! Integer value noise for the world generator. CPU-only (never in the GPU kernel), so it may
//! use 64-bit arithmetic freely; it must still never use floats.

/// SplitMix64's finaliser: a well-mixed 64-bit hash of `x`.
pub fn mix64(mut x: u64) -> u64 {
	x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
	x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
	x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
	x ^ (x >> 31)
}

/// A hash of a seed and an integer lattice point.
pub fn lattice_hash(seed: u64, x: i32, y: i32, z: i32) -> u64 {
	let mut h = mix64(seed ^ 0x0051_574e_4554_u64);
	h = mix64(h ^ (x as u32 as u64));
	h = mix64(h ^ ((y as u32 as u64) << 32));
	mix64(h ^ (z as u32 as u64).rotate_left(17))
}

/// The value at a lattice point, in `0..65536`.
fn lattice_value(seed: u64, x: i32, y: i32, z: i32) -> i64 {
	(lattice_hash(seed, x, y, z) >> 48) as i64
}

/// Smoothstep of a Q16 fraction `t` in `0..=65536`: `3t^2 - 2t^3`, in Q16.
fn smooth(t: i64) -> i64 {
	(t * t * (3 * 65536 - 2 * t)) >> 32
}

fn lerp(a: i64, b: i64, t: i64) -> i64 {
	a + (((b - a) * t) >> 16)
}

/// Splits `v` into its lattice cell (of size `2^cell_log2`) and the Q16 position inside it.
fn cell_and_fraction(v: i32, cell_log2: u32) -> (i32, i64) {
	let cell = v >> cell_log2;
	let inside = (v - (cell << cell_log2)) as i64;
	(cell, smooth(inside << (16 - cell_log2)))
}

/// 2D value noise at integer `(x, z)` with lattice cells of `2^cell_log2` blocks; in `0..65536`.
pub fn value_noise_2d(seed: u64, x: i32, z: i32, cell_log2: u32) -> i64 {
	let (cx, tx) = cell_and_fraction(x, cell_log2);
	let (cz, tz) = cell_and_fraction(z, cell_log2);
	let v00 = lattice_value(seed, cx, 0, cz);
	let v10 = lattice_value(seed, cx + 1, 0, cz);
	let v01 = lattice_value(seed, cx, 0, cz + 1);
	let v11 = lattice_value(seed, cx + 1, 0, cz + 1);
	lerp(lerp(v00, v10, tx), lerp(v01, v11, tx), tz)
}

/// 3D value noise at integer `(x, y, z)` with lattice cells of `2^cell_log2` blocks; in
/// `0..65536`.
pub fn value_noise_3d(seed: u64, x: i32, y: i32, z: i32, cell_log2: u32) -> i64 {
	let (cx, tx) = cell_and_fraction(x, cell_log2);
	let (cy, ty) = cell_and_fraction(y, cell_log2);
	let (cz, tz) = cell_and_fraction(z, cell_log2);
	let corner = |dx: i32, dy: i32, dz: i32| lattice_value(seed, cx + dx, cy + dy, cz + dz);
	let x00 = lerp(corner(0, 0, 0), corner(1, 0, 0), tx);
	let x10 = lerp(corner(0, 1, 0), corner(1, 1, 0), tx);
	let x01 = lerp(corner(0, 0, 1), corner(1, 0, 1), tx);
	let x11 = lerp(corner(0, 1, 1), corner(1, 1, 1), tx);
	lerp(lerp(x00, x10, ty), lerp(x01, x11, ty), tz)
}
