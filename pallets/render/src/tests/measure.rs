//! Native timings of the heaviest path, `report_fraud`, in its worst case, from which
//! `weights.rs` estimates its weight until the benchmark CLI can run. Not a test of
//! behaviour: it is ignored by default and prints a table.
//!
//! `cargo test --release -p pallet-render -- --ignored --nocapture measure`

use super::mock::*;
use playnet_primitives::{
	proof::tile::{render_tile, tile_rect},
	world::{
		blocks::{AIR, WATER},
		encoding::encode_chunk,
	},
	CameraKeyframe, Chunk, ChunkCoord, ContentHash, FrameCamera, RenderSpec, Scene, SceneChunk,
	KERNEL_VERSION,
};
use std::time::{Duration, Instant};

const RUNS: usize = 10;

/// Water and air in every other block: no ray stops, the encoding is the longest.
fn see_through() -> Vec<u8> {
	encode_chunk(
		&Chunk::from_blocks((0..4096u32).map(|i| if i % 2 == 0 { AIR } else { WATER }).collect())
			.unwrap(),
	)
}

fn spec(count: i32, edge: i32, bytes: &[u8]) -> RenderSpec {
	let mut scene = Vec::new();
	for x in 0..edge {
		for y in 0..edge {
			for z in 0..edge {
				scene.push(SceneChunk {
					coord: ChunkCoord::new(x, y, z),
					content_hash: ContentHash::of(bytes),
				});
			}
		}
	}
	scene.truncate(count as usize);
	let middle = (edge * 8) << 16;
	RenderSpec {
		kernel_version: KERNEL_VERSION,
		width: 64,
		height: 64,
		frame_count: 1,
		scene,
		camera_path: vec![CameraKeyframe {
			frame: 0,
			position: [middle, middle, middle],
			yaw: 65536 / 8,
			pitch: 2048,
		}],
	}
}

fn slowest(mut run: impl FnMut()) -> Duration {
	(0..RUNS)
		.map(|_| {
			let start = Instant::now();
			run();
			start.elapsed()
		})
		.max()
		.unwrap()
}

#[test]
#[ignore]
fn measure() {
	let bytes = see_through();
	println!("chunk encoding: {} bytes", bytes.len());
	for (count, edge) in [(1, 4), (64, 4), (1024, 11)] {
		let spec = spec(count, edge, &bytes);
		let chunks: Vec<Vec<u8>> = (0..count).map(|_| bytes.clone()).collect();
		let build = slowest(|| {
			Scene::from_encoded(&spec, &chunks).unwrap();
		});
		let scene = Scene::from_encoded(&spec, &chunks).unwrap();
		let camera = FrameCamera::at_frame(&spec.camera_path, 0, 64, 64);
		let rect = tile_rect(64, 64, 0).unwrap();
		let mut steps = 0;
		let render = slowest(|| {
			steps = render_tile(&scene, &camera, rect).1;
		});
		println!(
			"{count:>5} chunks: scene {build:?}, tile {render:?} ({} steps per ray on average)",
			steps / 4096
		);
	}
	let _ = FEE;
}
