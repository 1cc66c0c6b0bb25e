//! Worst-case scenes for the pallets' benchmarks: the tile that costs the most to re-render on
//! chain (a render task's fraud proof, a session's dispute), and scenes of any number of chunks.

use crate::{
	hash::ContentHash,
	render::{
		camera::CameraKeyframe,
		kernel::KERNEL_VERSION,
		spec::{RenderSpec, SceneChunk, MAX_SCENE_SPAN},
	},
	world::{
		blocks::{AIR, WATER},
		chunk::{Chunk, ChunkCoord, CHUNK_SIZE, WORLD_MAX_CHUNK_Y, WORLD_MIN_CHUNK_Y},
	},
};
use alloc::vec::Vec;

/// Water and air in every other block: rays pass through all of it, and the run-length
/// encoding is as long as it gets.
pub fn see_through_chunk() -> Chunk {
	let blocks = (0..4096u32).map(|i| if i % 2 == 0 { AIR } else { WATER }).collect();
	Chunk::from_blocks(blocks).unwrap_or_default()
}

/// `count` distinct chunk coordinates, ascending. From two on, the first two are opposite
/// corners of the widest scene there is: [`MAX_SCENE_SPAN`] chunks along x and z and the
/// world's whole height, so no ray of [`costliest_tile_spec`] leaves it before the step cap.
pub fn widest_scene(count: u32) -> Vec<ChunkCoord> {
	let span = MAX_SCENE_SPAN as i32;
	let mut coords = alloc::vec![ChunkCoord::new(0, WORLD_MIN_CHUNK_Y, 0)];
	if count > 1 {
		coords.push(ChunkCoord::new(span - 1, WORLD_MAX_CHUNK_Y - 1, span - 1));
	}
	// The rest in 4x4-chunk layers from the middle, around and below the camera of
	// [`costliest_tile_spec`], where its rays start and head: a lookup in a stored chunk costs
	// more than one in an empty slot of the box.
	let centre = [span / 2 - 2, (WORLD_MIN_CHUNK_Y + WORLD_MAX_CHUNK_Y) / 2 - 3, span / 2 - 2];
	for i in 0..count.saturating_sub(2) as i32 {
		coords.push(ChunkCoord::new(centre[0] + i % 4, centre[1] + i / 4 % 4, centre[2] + i / 16));
	}
	coords.sort();
	coords
}

/// A one-frame 64x64 spec over `coords` whose every chunk has the encoding `content`.
pub fn spec_over(coords: &[ChunkCoord], content: &[u8], camera: CameraKeyframe) -> RenderSpec {
	let hash = ContentHash::of(content);
	RenderSpec {
		kernel_version: KERNEL_VERSION,
		width: 64,
		height: 64,
		frame_count: 1,
		scene: coords
			.iter()
			.map(|coord| SceneChunk { coord: *coord, content_hash: hash })
			.collect(),
		camera_path: alloc::vec![camera],
	}
}

/// A one-tile spec over `count` chunks with `content`, and the chunks' encodings.
pub fn one_tile_spec(count: u32, content: &[u8]) -> (RenderSpec, Vec<Vec<u8>>) {
	let coords = widest_scene(count.max(1));
	let camera = CameraKeyframe { frame: 0, position: [0, 0, 0], yaw: 0, pitch: 0 };
	let spec = spec_over(&coords, content, camera);
	(spec, coords.iter().map(|_| content.to_vec()).collect())
}

/// The one-frame spec whose tile 0 costs the most to re-render, over `count` (at least two)
/// chunks of `content`, and the chunks' encodings.
///
/// The cost of a tile is its ray steps. A ray stops at the kernel's `MAX_STEPS`, at
/// `MAX_DIST`, when it leaves the scene's box or when it hits an opaque block. Water and air
/// stop nothing, the widest scene holds every ray, and a 4:1 frame (the widest aspect, 256x64)
/// looking down and across gives rays long enough to reach the cap: a search over frame
/// shapes, tiles, yaws and pitches found this camera, whose tile 0 takes 1,179,639 of the
/// 1,179,648 steps the cap allows (`4096 * MAX_STEPS`). The render benchmark checks that it
/// still does.
pub fn costliest_tile_spec(count: u32, content: &[u8]) -> (RenderSpec, Vec<Vec<u8>>) {
	let coords = widest_scene(count.max(2));
	let middle = |low: i32, high: i32| ((low + high) * CHUNK_SIZE as i32 / 2) << 16;
	let camera = CameraKeyframe {
		frame: 0,
		position: [
			middle(0, MAX_SCENE_SPAN as i32),
			middle(WORLD_MIN_CHUNK_Y, WORLD_MAX_CHUNK_Y),
			middle(0, MAX_SCENE_SPAN as i32),
		],
		yaw: 7168,
		pitch: -15_000,
	};
	let mut spec = spec_over(&coords, content, camera);
	spec.width = 4 * spec.height;
	(spec, coords.iter().map(|_| content.to_vec()).collect())
}
