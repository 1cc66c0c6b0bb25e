//! Tiles: a re-rendered tile equals that tile of the full frame, and a proof from a full
//! render verifies by re-rendering only that tile.

use playnet_primitives::{
	demo::GeneratedTask,
	proof::tile::{frame_tile_hashes, render_tile, tile_count, tile_hash, tile_rect, verify_tile},
	render::frame::render_frame,
	result_id, CameraKeyframe, ChunkCoord, FrameCamera, Hash32, RenderSpec, Scene, TaskResult,
	VerifyError,
};
use proptest::prelude::*;
use std::sync::OnceLock;

/// A small generated scene, built once.
fn base() -> &'static (RenderSpec, Scene) {
	static BASE: OnceLock<(RenderSpec, Scene)> = OnceLock::new();
	BASE.get_or_init(|| {
		let mut task = GeneratedTask::demo(11, 64, 48, 2);
		task.min_chunk = ChunkCoord::new(-2, 3, -2);
		task.max_chunk = ChunkCoord::new(1, 5, 1);
		let (spec, chunks) = task.build();
		let scene = Scene::from_encoded(&spec, &chunks).expect("generated scene is valid");
		(spec, scene)
	})
}

fn spec_with(width: u32, height: u32, frames: u32, pose: ([i32; 3], i32, i32)) -> RenderSpec {
	let mut spec = base().0.clone();
	spec.width = width;
	spec.height = height;
	spec.frame_count = frames;
	spec.camera_path =
		vec![CameraKeyframe { frame: 0, position: pose.0, yaw: pose.1, pitch: pose.2 }];
	spec
}

fn pose() -> impl Strategy<Value = ([i32; 3], i32, i32)> {
	(
		(-40i32 << 16..40 << 16),
		(50i32 << 16..100 << 16),
		(-40i32 << 16..40 << 16),
		any::<u16>(),
		-12000i32..12000,
	)
		.prop_map(|(x, y, z, yaw, pitch)| ([x, y, z], yaw as i32, pitch))
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(24))]

	#[test]
	fn tile_re_render_equals_the_tile_of_the_full_frame(
		width in 1u32..150,
		height in 1u32..100,
		pose in pose(),
		tile in any::<prop::sample::Index>(),
	) {
		prop_assume!(width <= height * 4 && height <= width * 4);
		let spec = spec_with(width, height, 1, pose);
		let scene = &base().1;
		let frame = render_frame(scene, &spec, 0);
		let hashes = frame_tile_hashes(&frame.pixels, width, height);
		prop_assert_eq!(hashes.len() as u32, tile_count(width, height));
		let tile = tile.index(hashes.len()) as u32;
		let camera = FrameCamera::at_frame(&spec.camera_path, 0, width, height);
		let rect = tile_rect(width, height, tile).unwrap();
		let (pixels, _) = render_tile(scene, &camera, rect);
		prop_assert_eq!(tile_hash(&pixels), hashes[tile as usize]);
	}

	#[test]
	fn proofs_from_a_full_render_verify(pose in pose(), frame in 0u32..3, tile in 0u32..6) {
		let spec = spec_with(130, 70, 3, pose);
		let scene = &base().1;
		let tiles = (0..spec.frame_count)
			.map(|f| frame_tile_hashes(&render_frame(scene, &spec, f).pixels, spec.width, spec.height))
			.collect();
		let id = result_id(&spec.task_id(), &Hash32::of(b"a draw"));
		let result = TaskResult::new(id, tiles);
		let proof = result.tile_proof(frame, tile).unwrap();
		prop_assert!(verify_tile(&spec, &id, scene, &proof, &result.root).is_ok());
	}
}

#[test]
fn a_wrong_tile_is_caught() {
	let spec = spec_with(128, 64, 2, ([0, 80 << 16, 0], 0, -3000));
	let scene = &base().1;
	let mut tiles: Vec<Vec<Hash32>> =
		(0..2).map(|f| frame_tile_hashes(&render_frame(scene, &spec, f).pixels, 128, 64)).collect();
	// A dishonest worker's tile 1 of frame 1.
	tiles[1][1].0[0] ^= 1;
	let id = spec.task_id();
	let result = TaskResult::new(id, tiles);
	let proof = result.tile_proof(1, 1).unwrap();
	assert_eq!(
		verify_tile(&spec, &id, scene, &proof, &result.root),
		Err(VerifyError::RootMismatch)
	);
	// Honest tiles of the same result still verify.
	let proof = result.tile_proof(1, 0).unwrap();
	assert!(verify_tile(&spec, &id, scene, &proof, &result.root).is_ok());
}

#[test]
fn a_correct_result_of_one_task_does_not_verify_for_another_task_of_the_same_spec() {
	let spec = spec_with(128, 64, 2, ([0, 80 << 16, 0], 0, -3000));
	let scene = &base().1;
	let tiles: Vec<Vec<Hash32>> =
		(0..2).map(|f| frame_tile_hashes(&render_frame(scene, &spec, f).pixels, 128, 64)).collect();
	let first = result_id(&spec.task_id(), &Hash32::of(b"first draw"));
	let second = result_id(&spec.task_id(), &Hash32::of(b"second draw"));
	assert_ne!(first, second);
	let copied = TaskResult::new(first, tiles.clone());
	let own = TaskResult::new(second, tiles);
	assert_ne!(copied.root, own.root, "a root copied from the first task is not the second's");
	for (frame, tile) in [(0, 0), (1, 1)] {
		let proof = copied.tile_proof(frame, tile).unwrap();
		assert_eq!(
			verify_tile(&spec, &second, scene, &proof, &copied.root),
			Err(VerifyError::RootMismatch)
		);
		assert!(verify_tile(&spec, &first, scene, &proof, &copied.root).is_ok());
	}
}

#[test]
fn a_proof_for_the_wrong_tile_position_is_rejected() {
	let spec = spec_with(128, 64, 1, ([0, 80 << 16, 0], 0, -3000));
	let scene = &base().1;
	let tiles = vec![frame_tile_hashes(&render_frame(scene, &spec, 0).pixels, 128, 64)];
	let id = spec.task_id();
	let result = TaskResult::new(id, tiles);
	let mut proof = result.tile_proof(0, 0).unwrap();
	proof.tile = 1;
	assert_eq!(verify_tile(&spec, &id, scene, &proof, &result.root), Err(VerifyError::BadTile));
}
