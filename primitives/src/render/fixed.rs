//! Q16.16 fixed-point arithmetic with the exact integer rules of WGSL.
//!
//! The per-pixel kernel runs both here and as a WGSL compute shader, and WGSL only has 32-bit
//! integers. So every per-pixel operation is written with 32-bit wrapping operations whose
//! WGSL counterparts are spelled out next to them:
//!
//! - `+ - *` on `i32`/`u32` wrap (two's complement) in WGSL; here they are `wrapping_*`.
//! - `>>` on `i32` is an arithmetic (sign-propagating) shift in both; shift amounts are
//!   constants below 32.
//! - WGSL integer division truncates toward zero, `x / 0 == x` and `i32::MIN / -1 == i32::MIN`;
//!   `x % 0 == 0` and `i32::MIN % -1 == 0`. [`wgsl_div_i32`], [`wgsl_div_u32`] and
//!   [`wgsl_rem_i32`] follow those rules instead of Rust's panics.
//! - The 64-bit product in [`fx_mul`] is built from 16-bit halves with `u32` operations only.
//!
//! Functions used only once per frame (camera set-up) may use `i64`: they never run on the GPU.

/// A Q16.16 fixed-point number: `value / 65536`.
pub type Fx = i32;

/// 1.0 in Q16.16.
pub const FX_ONE: Fx = 1 << 16;

/// `floor(a * b / 65536)` truncated to 32 bits (two's complement), i.e.
/// `((a as i64 * b as i64) >> 16) as i32`, computed with `u32` wrapping operations only,
/// exactly as the WGSL `fx_mul` does.
pub fn fx_mul(a: Fx, b: Fx) -> Fx {
	let ua = a as u32;
	let ub = b as u32;
	let (a0, a1) = (ua & 0xffff, ua >> 16);
	let (b0, b1) = (ub & 0xffff, ub >> 16);
	// Bits 16..48 of the unsigned 64-bit product ua * ub.
	let mut r = a1
		.wrapping_mul(b1)
		.wrapping_shl(16)
		.wrapping_add(a0.wrapping_mul(b1))
		.wrapping_add(a1.wrapping_mul(b0))
		.wrapping_add(a0.wrapping_mul(b0) >> 16);
	// A negative operand's bit pattern is its value plus 2^32: take that back out.
	if a < 0 {
		r = r.wrapping_sub(ub.wrapping_shl(16));
	}
	if b < 0 {
		r = r.wrapping_sub(ua.wrapping_shl(16));
	}
	r as i32
}

/// WGSL's `i32` division: truncates toward zero; `x / 0 == x`; `i32::MIN / -1 == i32::MIN`.
pub fn wgsl_div_i32(a: i32, b: i32) -> i32 {
	if b == 0 || (a == i32::MIN && b == -1) {
		a
	} else {
		a / b
	}
}

/// WGSL's `u32` division: `x / 0 == x`.
pub fn wgsl_div_u32(a: u32, b: u32) -> u32 {
	a.checked_div(b).unwrap_or(a)
}

/// WGSL's `i32` remainder: sign of the dividend; `x % 0 == 0`; `i32::MIN % -1 == 0`.
pub fn wgsl_rem_i32(a: i32, b: i32) -> i32 {
	if b == 0 || (a == i32::MIN && b == -1) {
		0
	} else {
		a % b
	}
}

/// `v` clamped to `lo..=hi` (WGSL `clamp` on `i32`, with `lo <= hi`).
pub fn clamp_i32(v: i32, lo: i32, hi: i32) -> i32 {
	if v < lo {
		lo
	} else if v > hi {
		hi
	} else {
		v
	}
}

/// A well-mixed hash of a `u32` (the "lowbias32" integer hash), used by the kernel's texture
/// noise. Same operations in WGSL.
pub fn hash_u32(mut x: u32) -> u32 {
	x ^= x >> 16;
	x = x.wrapping_mul(0x7feb_352d);
	x ^= x >> 15;
	x = x.wrapping_mul(0x846c_a68b);
	x ^= x >> 16;
	x
}

/// Angles are in "binary turns": 65536 is one full turn, so any `i32` is a valid angle.
pub type Angle = i32;

/// A quarter turn.
pub const QUARTER_TURN: Angle = 1 << 14;

/// `sin(pi/2 * z)` for `z` in Q16.16 `0..=65536`, by its degree-7 Taylor polynomial
/// (error below 2e-4). CPU only.
fn sin_quarter(z: i64) -> i64 {
	const C1: i64 = 102_944; // pi/2
	const C3: i64 = 42_334; // (pi/2)^3 / 3!
	const C5: i64 = 5_223; // (pi/2)^5 / 5!
	const C7: i64 = 307; // (pi/2)^7 / 7!
	let z2 = (z * z) >> 16;
	let mut p = C5 - ((z2 * C7) >> 16);
	p = C3 - ((z2 * p) >> 16);
	p = C1 - ((z2 * p) >> 16);
	(z * p) >> 16
}

/// The sine of an angle, in Q16.16. CPU only (the camera set-up).
pub fn sin_turn(angle: Angle) -> Fx {
	let a = angle & 0xffff;
	let quadrant = a >> 14;
	let z = ((a & 0x3fff) as i64) << 2;
	let value = match quadrant {
		0 => sin_quarter(z),
		1 => sin_quarter(65536 - z),
		2 => -sin_quarter(z),
		_ => -sin_quarter(65536 - z),
	};
	value as Fx
}

/// The cosine of an angle, in Q16.16. CPU only.
pub fn cos_turn(angle: Angle) -> Fx {
	sin_turn(angle.wrapping_add(QUARTER_TURN))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn fx_mul_matches_64_bit_product_at_the_edges() {
		let values = [0, 1, -1, 65536, -65536, i32::MAX, i32::MIN, 12345678, -98765432, 3];
		for &a in &values {
			for &b in &values {
				assert_eq!(fx_mul(a, b), ((a as i64 * b as i64) >> 16) as i32, "{a} * {b}");
			}
		}
	}

	#[test]
	fn wgsl_division_rules() {
		assert_eq!(wgsl_div_i32(7, 0), 7);
		assert_eq!(wgsl_div_i32(i32::MIN, -1), i32::MIN);
		assert_eq!(wgsl_div_i32(-7, 2), -3);
		assert_eq!(wgsl_div_u32(7, 0), 7);
		assert_eq!(wgsl_rem_i32(-7, 2), -1);
		assert_eq!(wgsl_rem_i32(7, 0), 0);
		assert_eq!(wgsl_rem_i32(i32::MIN, -1), 0);
	}

	#[test]
	fn sine_hits_the_cardinal_points() {
		assert_eq!(sin_turn(0), 0);
		assert!((sin_turn(QUARTER_TURN) - FX_ONE).abs() < 16);
		assert!(sin_turn(2 * QUARTER_TURN).abs() < 16);
		assert!((sin_turn(3 * QUARTER_TURN) + FX_ONE).abs() < 16);
		assert!((cos_turn(0) - FX_ONE).abs() < 16);
		// sin(30 degrees) = 0.5
		assert!((sin_turn(65536 / 12) - FX_ONE / 2).abs() < 16);
	}
}
