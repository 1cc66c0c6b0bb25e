//! `playnet-render render`: the PNG frames it writes are the CPU reference's pixels, and a frame
//! it cannot write is a clear error and a failed command.

use playnet_primitives::{demo::GeneratedTask, render::frame::render_frame, Scene};
use std::{path::Path, process::Command};

const BIN: &str = env!("CARGO_BIN_EXE_playnet-render");
const WIDTH: u32 = 160;
const HEIGHT: u32 = 96;
const FRAMES: u32 = 5;
const SEED: u64 = 2026;

fn render(out: &Path) -> std::process::Output {
	Command::new(BIN)
		.args(["--backend", "cpu", "--threads", "2", "render", "--demo"])
		.args(["--width", &WIDTH.to_string(), "--height", &HEIGHT.to_string()])
		.args(["--frames", &FRAMES.to_string(), "--seed", &SEED.to_string(), "--out"])
		.arg(out)
		.output()
		.expect("run playnet-render")
}

/// A PNG's RGBA bytes.
fn png_bytes(path: &Path) -> Vec<u8> {
	let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
	let mut reader = decoder.read_info().unwrap();
	let mut bytes = vec![0; reader.output_buffer_size().unwrap()];
	let info = reader.next_frame(&mut bytes).unwrap();
	assert_eq!((info.width, info.height), (WIDTH, HEIGHT), "{}", path.display());
	assert_eq!(info.color_type, png::ColorType::Rgba);
	bytes.truncate(info.buffer_size());
	bytes
}

#[test]
fn every_frame_is_written_as_the_cpu_references_pixels() {
	let out = tempfile::tempdir().unwrap();
	let output = render(out.path());
	assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

	let (spec, chunks) = GeneratedTask::demo(SEED, WIDTH, HEIGHT, FRAMES).build();
	let scene = Scene::from_encoded(&spec, &chunks).unwrap();
	for frame in 0..FRAMES {
		let expected: Vec<u8> = render_frame(&scene, &spec, frame)
			.pixels
			.iter()
			.flat_map(|p| p.to_le_bytes())
			.collect();
		let path = out.path().join(format!("frame_{frame:05}.png"));
		assert!(png_bytes(&path) == expected, "frame {frame} differs from the CPU reference");
	}
	let stdout = String::from_utf8_lossy(&output.stdout);
	let result: serde_json::Value =
		serde_json::from_slice(&std::fs::read(out.path().join("result.json")).unwrap()).unwrap();
	let root = result["root"].as_str().expect("result.json has the root");
	assert!(stdout.contains(&format!("result_root {root}")), "{stdout}");
}

#[test]
fn a_frame_that_cannot_be_written_fails_the_command_and_names_the_file() {
	let out = tempfile::tempdir().unwrap();
	// A directory where frame 3's file would go.
	let blocked = out.path().join("frame_00003.png");
	std::fs::create_dir(&blocked).unwrap();
	let output = render(out.path());
	assert!(!output.status.success());
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(stderr.contains(&format!("cannot write {}", blocked.display())), "{stderr}");
	// No result is claimed for a render whose frames are not all there.
	assert!(!out.path().join("result.json").exists());
	assert!(!String::from_utf8_lossy(&output.stdout).contains("result_root"));
}
