//! The 32-bit fixed-point helpers agree with exact 64-bit arithmetic.

use playnet_primitives::render::fixed::{fx_mul, wgsl_div_i32};
use proptest::prelude::*;

proptest! {
	#![proptest_config(ProptestConfig::with_cases(2000))]

	#[test]
	fn fx_mul_is_the_floored_64_bit_product(a in any::<i32>(), b in any::<i32>()) {
		prop_assert_eq!(fx_mul(a, b), ((a as i64 * b as i64) >> 16) as i32);
	}

	#[test]
	fn wgsl_division_truncates_toward_zero(a in any::<i32>(), b in any::<i32>()) {
		prop_assume!(b != 0 && !(a == i32::MIN && b == -1));
		prop_assert_eq!(wgsl_div_i32(a, b), (a as i64 / b as i64) as i32);
	}
}
