//! The player's view, rendered with the deterministic CPU renderer of `playnet-primitives`
//! over the chunks around the player as the player sees them (undecided edits included).

use crate::{
	session::{degrees_to_turn, GameSession, SessionError},
	world_state::{hash_of, locate},
};
use playnet_primitives::{
	render::{frame::render_frame, spec::MAX_PITCH},
	world::chunk::{WORLD_MAX_CHUNK_Y, WORLD_MIN_CHUNK_Y},
	CameraKeyframe, Chunk, ChunkCoord, RenderSpec, Scene, SceneChunk, KERNEL_VERSION,
};
use std::{fs::File, io::BufWriter, path::Path};

/// Chunks rendered on each side of the player's, horizontally.
pub const VIEW_RADIUS_XZ: i32 = 2;

/// Parses a frame size given as `WIDTHxHEIGHT` (each side 16 to 8192 pixels), as the
/// window's `--size` and a host's `--max-size` take it.
pub fn parse_size(text: &str) -> Result<(u32, u32), String> {
	let (w, h) = text.split_once('x').ok_or("expected WIDTHxHEIGHT, e.g. 1280x720")?;
	let parse = |v: &str| v.parse::<u32>().ok().filter(|v| (16..=8192).contains(v));
	match (parse(w), parse(h)) {
		(Some(w), Some(h)) => Ok((w, h)),
		_ => Err(format!("{text:?}: each side must be 16 to 8192 pixels")),
	}
}

/// Chunk layers the view shows below the player's chunk, and above it.
const VIEW_BELOW: i32 = 2;
const VIEW_ABOVE: i32 = 1;

/// The most chunks a view shows: [`view_coords`] is never longer.
pub const VIEW_CHUNKS: usize =
	((2 * VIEW_RADIUS_XZ + 1) * (2 * VIEW_RADIUS_XZ + 1) * (VIEW_BELOW + 1 + VIEW_ABOVE)) as usize;

/// Whether the view from `position` shows chunk `coord`: whether it is one of
/// [`view_coords`]`(position)`. Any coordinate is safe to ask about, a hostile one included.
pub fn in_view(position: [i32; 3], coord: ChunkCoord) -> bool {
	let (center, _) = locate(position);
	let radius = VIEW_RADIUS_XZ as u32;
	coord.in_world()
		&& coord.x.abs_diff(center.x) <= radius
		&& coord.z.abs_diff(center.z) <= radius
		&& (center.y.saturating_sub(VIEW_BELOW)..=center.y.saturating_add(VIEW_ABOVE))
			.contains(&coord.y)
}

/// The chunks around the player that the view shows, sorted as a render spec wants them.
pub fn view_coords(position: [i32; 3]) -> Vec<ChunkCoord> {
	let (center, _) = locate(position);
	let low_y = (center.y - VIEW_BELOW).max(WORLD_MIN_CHUNK_Y);
	let high_y = (center.y + VIEW_ABOVE).min(WORLD_MAX_CHUNK_Y - 1);
	let mut coords = Vec::new();
	for x in center.x - VIEW_RADIUS_XZ..=center.x + VIEW_RADIUS_XZ {
		for y in low_y..=high_y {
			for z in center.z - VIEW_RADIUS_XZ..=center.z + VIEW_RADIUS_XZ {
				let coord = ChunkCoord::new(x, y, z);
				if coord.in_world() {
					coords.push(coord);
				}
			}
		}
	}
	coords.sort();
	coords
}

/// Renders the session's view: `width * height` RGBA8 pixels, row-major from the top left.
pub async fn render(
	session: &GameSession,
	width: u32,
	height: u32,
) -> Result<Vec<u32>, SessionError> {
	let pose = session.pose();
	let coords = view_coords(pose.position);
	for coord in &coords {
		session.ensure_chunk(*coord).await?;
	}
	let chunks: Vec<(ChunkCoord, Chunk)> = {
		let state = session.inner().state();
		coords
			.iter()
			.filter_map(|c| state.world.chunk(c).map(|held| (*c, held.view().clone())))
			.collect()
	};
	let pitch = degrees_to_turn(pose.pitch_degrees.clamp(-89, 89)).clamp(-MAX_PITCH, MAX_PITCH);
	let spec = RenderSpec {
		kernel_version: KERNEL_VERSION,
		width,
		height,
		frame_count: 1,
		scene: chunks
			.iter()
			.map(|(coord, chunk)| SceneChunk { coord: *coord, content_hash: hash_of(chunk) })
			.collect(),
		camera_path: vec![CameraKeyframe {
			frame: 0,
			// The eye in the middle of the block, in Q16.16.
			position: pose.position.map(|p| (p << 16) + (1 << 15)),
			yaw: degrees_to_turn(pose.yaw_degrees),
			pitch,
		}],
	};
	spec.validate().map_err(|e| SessionError::Render(e.to_string()))?;
	let refs: Vec<(ChunkCoord, &Chunk)> = chunks.iter().map(|(c, chunk)| (*c, chunk)).collect();
	let scene = Scene::from_chunks(&refs).map_err(|e| SessionError::Render(e.to_string()))?;
	// A frame is a few hundred milliseconds of integer work: off the async threads.
	let frame = tokio::task::spawn_blocking(move || render_frame(&scene, &spec, 0).pixels)
		.await
		.map_err(|e| SessionError::Render(e.to_string()))?;
	Ok(frame)
}

/// Writes RGBA8 pixels (`0xAABBGGRR` little-endian words, as the kernel outputs) as a PNG.
pub fn write_png(path: &Path, width: u32, height: u32, pixels: &[u32]) -> std::io::Result<()> {
	let file = File::create(path)?;
	let mut encoder = png::Encoder::new(BufWriter::new(file), width, height);
	encoder.set_color(png::ColorType::Rgba);
	encoder.set_depth(png::BitDepth::Eight);
	let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
	let bytes: Vec<u8> = pixels.iter().flat_map(|p| p.to_le_bytes()).collect();
	writer.write_image_data(&bytes).map_err(std::io::Error::other)?;
	writer.finish().map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_view_covers_the_chunks_around_the_player_in_spec_order() {
		let coords = view_coords([8, 70, 8]);
		assert_eq!(coords.len(), 5 * 4 * 5);
		assert!(coords.windows(2).all(|w| w[0] < w[1]));
		assert!(coords.contains(&ChunkCoord::new(0, 4, 0)));
	}

	#[test]
	fn a_chunk_is_in_view_exactly_when_the_view_lists_it() {
		for position in [[8, 70, 8], [-40, 3, 1000], [0, 250, -17], [5, -60, 5], [30, 120, 30]] {
			let coords = view_coords(position);
			assert!(coords.len() <= VIEW_CHUNKS);
			let (center, _) = locate(position);
			for x in center.x - 4..=center.x + 4 {
				for y in center.y - 4..=center.y + 4 {
					for z in center.z - 4..=center.z + 4 {
						let coord = ChunkCoord::new(x, y, z);
						assert_eq!(in_view(position, coord), coords.contains(&coord), "{coord:?}");
					}
				}
			}
		}
		// A hostile coordinate is simply not in view.
		let far = ChunkCoord::new(i32::MIN, i32::MAX, i32::MIN);
		assert!(!in_view([i32::MAX, i32::MIN, i32::MAX], far));
	}

	#[test]
	fn a_size_is_two_sides_within_bounds() {
		assert_eq!(parse_size("1280x720"), Ok((1280, 720)));
		assert_eq!(parse_size("16x8192"), Ok((16, 8192)));
		for bad in ["1280", "1280x", "x720", "15x720", "1280x8193", "-1x10", "axb", "1280x720x3"] {
			assert!(parse_size(bad).is_err(), "{bad} was accepted");
		}
	}

	#[test]
	fn a_png_is_written() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("view.png");
		write_png(&path, 2, 1, &[0xff0000ff, 0xff00ff00]).unwrap();
		assert!(std::fs::metadata(&path).unwrap().len() > 0);
	}
}
