//! Golden vectors: fixed tasks over generated worlds and their task ids, frame hashes and
//! result roots, rendered with the CPU reference. `golden.json` is shared with the render
//! worker's GPU tests. Regenerate (only for a new kernel version) with
//! `PLAYNET_BLESS=1 cargo test --release -p playnet-primitives --test golden`.

use playnet_primitives::{
	demo::GeneratedTask, proof::tile::frame_tile_hashes, render::frame::render_frame,
	CameraKeyframe, ChunkCoord, Scene, TaskResult,
};
use serde_json::{json, Value};

/// `tests/golden.json` of this package: from the manifest directory cargo gives the test at
/// run time (the compile-time one may name another checkout sharing the target directory).
fn golden() -> std::path::PathBuf {
	std::env::var_os("CARGO_MANIFEST_DIR")
		.map(std::path::PathBuf::from)
		.unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
		.join("tests/golden.json")
}

fn cases() -> Vec<(&'static str, GeneratedTask)> {
	let mut close = GeneratedTask::demo(1, 48, 64, 2);
	close.min_chunk = ChunkCoord::new(-1, 3, -1);
	close.max_chunk = ChunkCoord::new(0, 4, 0);
	close.camera_path = vec![
		CameraKeyframe {
			frame: 0,
			position: [3 << 16, 90 << 16, -20 << 16],
			yaw: 1000,
			pitch: -5000,
		},
		CameraKeyframe {
			frame: 1,
			position: [5 << 16, 84 << 16, -12 << 16],
			yaw: -3000,
			pitch: -9000,
		},
	];
	vec![
		("demo-64x48", GeneratedTask::demo(2026, 64, 48, 3)),
		("demo-100x70-edge-tiles", GeneratedTask::demo(7, 100, 70, 2)),
		("portrait-close-up", close),
	]
}

fn render(task: &GeneratedTask) -> TaskResult {
	let (spec, chunks) = task.build();
	spec.validate().expect("golden specs are valid");
	let scene = Scene::from_encoded(&spec, &chunks).expect("generated chunks match");
	let tiles = (0..spec.frame_count)
		.map(|f| frame_tile_hashes(&render_frame(&scene, &spec, f).pixels, spec.width, spec.height))
		.collect();
	TaskResult::new(spec.task_id(), tiles)
}

fn keyframe_json(k: &CameraKeyframe) -> Value {
	json!({ "frame": k.frame, "position": k.position, "yaw": k.yaw, "pitch": k.pitch })
}

#[test]
fn cpu_reference_matches_the_golden_vectors() {
	let computed: Vec<Value> = cases()
		.iter()
		.map(|(name, task)| {
			let result = render(task);
			let c = |c: ChunkCoord| json!([c.x, c.y, c.z]);
			json!({
				"name": name,
				"seed": task.seed,
				"min_chunk": c(task.min_chunk),
				"max_chunk": c(task.max_chunk),
				"width": task.width,
				"height": task.height,
				"frame_count": task.frame_count,
				"camera_path": task.camera_path.iter().map(keyframe_json).collect::<Vec<_>>(),
				"task_id": result.task_id.to_string(),
				"frame_hashes": result.frame_hashes.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
				"root": result.root.to_string(),
			})
		})
		.collect();
	let computed =
		json!({ "kernel_version": playnet_primitives::KERNEL_VERSION, "cases": computed });
	if std::env::var("PLAYNET_BLESS").as_deref() == Ok("1") {
		let text = serde_json::to_string_pretty(&computed).unwrap() + "\n";
		std::fs::write(golden(), text).expect("write golden.json");
		return;
	}
	let text = std::fs::read_to_string(golden()).expect("read golden.json");
	let expected: Value = serde_json::from_str(&text).expect("golden.json is JSON");
	assert_eq!(computed, expected, "the CPU reference no longer gives the golden hashes");
}
