//! The WGSL source: a prelude of constants generated from the Rust kernel, then the kernel.

use playnet_primitives::{
	render::{kernel as k, scene},
	world::blocks,
};
use std::fmt::Write;

const KERNEL_BODY: &str = include_str!("kernel.wgsl");

/// The full shader source for kernel version [`k::KERNEL_VERSION`].
pub fn shader_source() -> String {
	let mut s = String::new();
	let colors: Vec<String> = blocks::BLOCK_COLORS.iter().map(|c| format!("0x{c:06x}u")).collect();
	let lights: Vec<String> = k::FACE_LIGHT.iter().map(|l| l.to_string()).collect();
	// Writing to a String cannot fail.
	let _ = write!(
		s,
		"// Generated from playnet-primitives kernel version {version}.\n\
		 const BLOCK_COUNT: u32 = {block_count}u;\n\
		 const BLOCK_COLORS = array<u32, {block_count}>({colors});\n\
		 const BLOCK_DIRT: u32 = {dirt}u;\n\
		 const BLOCK_GRASS: u32 = {grass}u;\n\
		 const BLOCK_WATER: u32 = {water}u;\n\
		 const BLOCK_LAMP: u32 = {lamp}u;\n\
		 const EMPTY_SLOT: u32 = {empty}u;\n\
		 const WORDS_PER_CHUNK: u32 = {words}u;\n\
		 const MAX_STEPS: u32 = {max_steps}u;\n\
		 const MAX_DIST: i32 = {max_dist};\n\
		 const FOG_START: i32 = {fog_start};\n\
		 const FOG_SHIFT: u32 = {fog_shift}u;\n\
		 const T_INF: i32 = {t_inf};\n\
		 const MIN_DIR: i32 = {min_dir};\n\
		 const SKY_ZENITH: u32 = 0x{zenith:06x}u;\n\
		 const SKY_HORIZON: u32 = 0x{horizon:06x}u;\n\
		 const SUN_COLOR: u32 = 0x{sun:06x}u;\n\
		 const SUN_DIR_X: i32 = {sx};\n\
		 const SUN_DIR_Y: i32 = {sy};\n\
		 const SUN_DIR_Z: i32 = {sz};\n\
		 const SUN_DISC: i32 = {disc};\n\
		 const SUN_GLOW: i32 = {glow};\n\
		 const WATER_TINT: u32 = 0x{water_tint:06x}u;\n\
		 const FACE_LIGHT = array<i32, 6>({lights});\n\n",
		version = k::KERNEL_VERSION,
		block_count = blocks::BLOCK_COUNT,
		colors = colors.join(", "),
		dirt = blocks::DIRT,
		grass = blocks::GRASS,
		water = blocks::WATER,
		lamp = blocks::LAMP,
		empty = scene::EMPTY_SLOT,
		words = scene::WORDS_PER_CHUNK,
		max_steps = k::MAX_STEPS,
		max_dist = k::MAX_DIST,
		fog_start = k::FOG_START,
		fog_shift = k::FOG_SHIFT,
		t_inf = k::T_INF,
		min_dir = k::MIN_DIR,
		zenith = k::SKY_ZENITH,
		horizon = k::SKY_HORIZON,
		sun = k::SUN_COLOR,
		sx = k::SUN_DIR[0],
		sy = k::SUN_DIR[1],
		sz = k::SUN_DIR[2],
		disc = k::SUN_DISC,
		glow = k::SUN_GLOW,
		water_tint = k::WATER_TINT,
		lights = lights.join(", "),
	);
	s.push_str(KERNEL_BODY);
	s
}
