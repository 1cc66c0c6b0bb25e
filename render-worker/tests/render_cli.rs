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
	render_on("cpu", WIDTH, HEIGHT, FRAMES, out)
}

fn render_on(
	backend: &str,
	width: u32,
	height: u32,
	frames: u32,
	out: &Path,
) -> std::process::Output {
	Command::new(BIN)
		.args(["--backend", backend, "--threads", "2", "render", "--demo"])
		.args(["--width", &width.to_string(), "--height", &height.to_string()])
		.args(["--frames", &frames.to_string(), "--seed", &SEED.to_string(), "--out"])
		.arg(out)
		.output()
		.expect("run playnet-render")
}

/// A PNG's RGBA bytes.
fn png_bytes(path: &Path) -> Vec<u8> {
	png_bytes_of(path, WIDTH, HEIGHT)
}

fn png_bytes_of(path: &Path, width: u32, height: u32) -> Vec<u8> {
	let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
	let mut reader = decoder.read_info().unwrap();
	let mut bytes = vec![0; reader.output_buffer_size().unwrap()];
	let info = reader.next_frame(&mut bytes).unwrap();
	assert_eq!((info.width, info.height), (width, height), "{}", path.display());
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

/// The path a contributor's `render --backend auto` takes: the GPU on whatever adapter the
/// machine has (lavapipe in CI), else the CPU. A frame taller than one GPU dispatch (256
/// rows), with a partial last dispatch, comes out as the CPU reference's pixels.
#[test]
fn a_frame_taller_than_one_dispatch_on_the_auto_path_is_the_cpu_references() {
	let (width, height, frames) = (240, 520, 2);
	let out = tempfile::tempdir().unwrap();
	let output = render_on("auto", width, height, frames, out.path());
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(output.status.success(), "{stderr}");
	// Which path it took ("... with GPU: <adapter>" or "... with CPU reference, ...").
	let path = stderr.lines().find(|line| line.starts_with("rendering ")).unwrap_or_default();
	eprintln!("{path}");
	let (spec, chunks) = GeneratedTask::demo(SEED, width, height, frames).build();
	let scene = Scene::from_encoded(&spec, &chunks).unwrap();
	for frame in 0..frames {
		let expected: Vec<u8> = render_frame(&scene, &spec, frame)
			.pixels
			.iter()
			.flat_map(|p| p.to_le_bytes())
			.collect();
		let path = out.path().join(format!("frame_{frame:05}.png"));
		assert!(
			png_bytes_of(&path, width, height) == expected,
			"frame {frame} of the auto path differs from the CPU reference"
		);
	}
}
