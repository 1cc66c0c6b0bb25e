//! Tasks over generated worlds: the demo scene, golden vectors and benchmarks use these.

use crate::{
	hash::ContentHash,
	render::spec::MAX_SCENE_SPAN,
	render::{
		camera::CameraKeyframe,
		kernel::KERNEL_VERSION,
		spec::{RenderSpec, SceneChunk},
	},
	world::{
		chunk::{ChunkCoord, WORLD_MIN_CHUNK_Y},
		encoding::encode_chunk,
		generator::{WorldGenerator, SEA_LEVEL},
	},
};
use alloc::vec::Vec;

pub mod worst_case;

/// A render task over a box of generated chunks.
#[derive(Clone, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GeneratedTask {
	/// The world seed.
	pub seed: u64,
	/// Lowest chunk of the scene box.
	pub min_chunk: ChunkCoord,
	/// Highest chunk of the scene box (inclusive).
	pub max_chunk: ChunkCoord,
	/// Frame width.
	pub width: u32,
	/// Frame height.
	pub height: u32,
	/// Frame count.
	pub frame_count: u32,
	/// The camera path.
	pub camera_path: Vec<CameraKeyframe>,
}

impl GeneratedTask {
	/// The standard demo: a 10-by-10-chunk patch of world `seed` from just under its lowest
	/// surface to just over its highest, the camera gliding across it above the terrain and
	/// turning through a third of a turn.
	pub fn demo(seed: u64, width: u32, height: u32, frame_count: u32) -> Self {
		let generator = WorldGenerator::new(seed);
		let (low_chunk, high_chunk) = (-5, 4);
		let (mut lowest, mut highest) = (i32::MAX, i32::MIN);
		for x in (low_chunk * 16..(high_chunk + 1) * 16).step_by(2) {
			for z in (low_chunk * 16..(high_chunk + 1) * 16).step_by(2) {
				let h = generator.surface_height(x, z);
				lowest = lowest.min(h);
				highest = highest.max(h);
			}
		}
		let lowest = lowest.min(SEA_LEVEL);
		let highest = highest.max(SEA_LEVEL);
		// Trees reach 7 blocks over the ground; keep the span within the scene limit.
		let min_y = ((lowest - 4) >> 4).max(WORLD_MIN_CHUNK_Y);
		let max_y = ((highest + 8) >> 4).min(min_y + MAX_SCENE_SPAN as i32 - 1);
		let eye = (highest + 10).min((max_y + 1) * 16 + 8) << 16;
		let last = frame_count.saturating_sub(1);
		let mut camera_path = alloc::vec![CameraKeyframe {
			frame: 0,
			position: [-72 << 16, eye, -72 << 16],
			yaw: 65536 / 8,
			pitch: -3000,
		}];
		if last > 0 {
			camera_path.push(CameraKeyframe {
				frame: last,
				position: [24 << 16, eye - (4 << 16), -56 << 16],
				yaw: 65536 / 8 - 65536 / 3,
				pitch: -4200,
			});
		}
		GeneratedTask {
			seed,
			min_chunk: ChunkCoord::new(low_chunk, min_y, low_chunk),
			max_chunk: ChunkCoord::new(high_chunk, max_y, high_chunk),
			width,
			height,
			frame_count,
			camera_path,
		}
	}

	/// The scene's chunk coordinates, ascending.
	pub fn coords(&self) -> Vec<ChunkCoord> {
		let mut coords = Vec::new();
		for x in self.min_chunk.x..=self.max_chunk.x {
			for y in self.min_chunk.y..=self.max_chunk.y {
				for z in self.min_chunk.z..=self.max_chunk.z {
					coords.push(ChunkCoord::new(x, y, z));
				}
			}
		}
		coords
	}

	/// The spec and the canonical encodings of its chunks, in the spec's order.
	pub fn build(&self) -> (RenderSpec, Vec<Vec<u8>>) {
		let generator = WorldGenerator::new(self.seed);
		let mut scene = Vec::new();
		let mut encoded = Vec::new();
		for coord in self.coords() {
			let bytes = encode_chunk(&generator.chunk(coord));
			scene.push(SceneChunk { coord, content_hash: ContentHash::of(&bytes) });
			encoded.push(bytes);
		}
		let spec = RenderSpec {
			kernel_version: KERNEL_VERSION,
			width: self.width,
			height: self.height,
			frame_count: self.frame_count,
			scene,
			camera_path: self.camera_path.clone(),
		};
		(spec, encoded)
	}
}
