//! The wgpu path gives the golden vectors' bytes, and the same bytes as the CPU reference for
//! random small specs.

mod gpu_support;

use playnet_primitives::{
	demo::GeneratedTask, proof::tile::frame_tile_hashes, render::frame::render_frame,
	CameraKeyframe, ChunkCoord, FrameCamera, RenderSpec, Scene, TaskResult,
};
use playnet_render::cpu::CpuRenderer;
use proptest::prelude::*;
use serde_json::Value;
use std::sync::OnceLock;

/// The primitives' `tests/golden.json`, under the workspace this test runs in.
fn golden() -> std::path::PathBuf {
	playnet_tests::workspace_root().join("primitives/tests/golden.json")
}

fn coord(v: &Value) -> ChunkCoord {
	let n = |i: usize| v[i].as_i64().expect("coordinate") as i32;
	ChunkCoord::new(n(0), n(1), n(2))
}

fn golden_cases() -> Vec<(String, GeneratedTask, Value)> {
	let text = std::fs::read_to_string(golden()).expect("read primitives/tests/golden.json");
	let golden: Value = serde_json::from_str(&text).expect("golden.json is JSON");
	golden["cases"]
		.as_array()
		.expect("cases")
		.iter()
		.map(|case| {
			let camera_path = case["camera_path"]
				.as_array()
				.expect("camera_path")
				.iter()
				.map(|k| CameraKeyframe {
					frame: k["frame"].as_u64().unwrap() as u32,
					position: [0, 1, 2].map(|i| k["position"][i].as_i64().unwrap() as i32),
					yaw: k["yaw"].as_i64().unwrap() as i32,
					pitch: k["pitch"].as_i64().unwrap() as i32,
				})
				.collect();
			let task = GeneratedTask {
				seed: case["seed"].as_u64().unwrap(),
				min_chunk: coord(&case["min_chunk"]),
				max_chunk: coord(&case["max_chunk"]),
				width: case["width"].as_u64().unwrap() as u32,
				height: case["height"].as_u64().unwrap() as u32,
				frame_count: case["frame_count"].as_u64().unwrap() as u32,
				camera_path,
			};
			(case["name"].as_str().unwrap().to_string(), task, case.clone())
		})
		.collect()
}

fn check_golden(name: &str, result: &TaskResult, case: &Value) {
	assert_eq!(result.task_id.to_string(), case["task_id"].as_str().unwrap(), "{name}: task id");
	let frames: Vec<String> = result.frame_hashes.iter().map(|h| h.to_string()).collect();
	let expected: Vec<String> = case["frame_hashes"]
		.as_array()
		.unwrap()
		.iter()
		.map(|h| h.as_str().unwrap().to_string())
		.collect();
	assert_eq!(frames, expected, "{name}: frame hashes");
	assert_eq!(result.root.to_string(), case["root"].as_str().unwrap(), "{name}: result root");
}

#[test]
fn gpu_path_matches_the_golden_vectors() {
	let Some(gpu) = gpu_support::gpu() else {
		return;
	};
	for (name, task, case) in golden_cases() {
		let (spec, chunks) = task.build();
		let scene = Scene::from_encoded(&spec, &chunks).unwrap();
		let bound = gpu.bind(&scene).unwrap();
		let tiles = (0..spec.frame_count)
			.map(|f| {
				let camera = FrameCamera::at_frame(&spec.camera_path, f, spec.width, spec.height);
				let pixels = bound.render_rows(&camera, 0..spec.height).unwrap();
				frame_tile_hashes(&pixels, spec.width, spec.height)
			})
			.collect();
		check_golden(&name, &TaskResult::new(spec.task_id(), tiles), &case);
	}
}

#[test]
fn multi_thread_cpu_path_matches_the_golden_vectors() {
	let cpu = CpuRenderer::new(Some(2)).unwrap();
	for (name, task, case) in golden_cases() {
		let (spec, chunks) = task.build();
		let scene = Scene::from_encoded(&spec, &chunks).unwrap();
		let tiles = (0..spec.frame_count)
			.map(|f| {
				let camera = FrameCamera::at_frame(&spec.camera_path, f, spec.width, spec.height);
				let (pixels, _) = cpu.render_rows(&scene, &camera, 0..spec.height);
				frame_tile_hashes(&pixels, spec.width, spec.height)
			})
			.collect();
		check_golden(&name, &TaskResult::new(spec.task_id(), tiles), &case);
	}
}

fn base() -> &'static (RenderSpec, Scene) {
	static BASE: OnceLock<(RenderSpec, Scene)> = OnceLock::new();
	BASE.get_or_init(|| {
		let mut task = GeneratedTask::demo(99, 32, 32, 1);
		task.min_chunk = ChunkCoord::new(-2, 2, -2);
		task.max_chunk = ChunkCoord::new(1, 5, 1);
		let (spec, chunks) = task.build();
		let scene = Scene::from_encoded(&spec, &chunks).unwrap();
		(spec, scene)
	})
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(16))]

	#[test]
	fn random_small_specs_render_identically_on_cpu_and_gpu(
		width in 1u32..72,
		height in 1u32..56,
		x in -60i32 << 16..60 << 16,
		y in 30i32 << 16..120 << 16,
		z in -60i32 << 16..60 << 16,
		yaw in any::<u16>(),
		pitch in -16000i32..16000,
	) {
		prop_assume!(width <= height * 4 && height <= width * 4);
		let Some(gpu) = gpu_support::gpu() else { return Ok(()) };
		let (base_spec, scene) = base();
		let mut spec = base_spec.clone();
		spec.width = width;
		spec.height = height;
		spec.camera_path = vec![CameraKeyframe { frame: 0, position: [x, y, z], yaw: yaw as i32, pitch }];
		prop_assert!(spec.validate().is_ok());
		let cpu = render_frame(scene, &spec, 0).pixels;
		let camera = FrameCamera::at_frame(&spec.camera_path, 0, width, height);
		let gpu_pixels = gpu.bind(scene).unwrap().render_rows(&camera, 0..height).unwrap();
		prop_assert!(cpu == gpu_pixels, "CPU and GPU differ at {width}x{height}, pose {:?}", spec.camera_path[0]);
	}
}
