//! Writing frames as PNG files.

use crate::error::JobError;
use std::{fs::File, io::BufWriter, path::Path};

/// Writes `pixels` (RGBA8, red in the low byte, row-major) as an RGBA PNG, with the png
/// crate's fast (fdeflate) compression: its default took about 250 ms a 1080p frame, several
/// times what rendering the frame on a GPU takes.
pub fn write_png(path: &Path, width: u32, height: u32, pixels: &[u32]) -> Result<(), JobError> {
	let fail = |reason: String| JobError::Output { path: path.display().to_string(), reason };
	let file = File::create(path).map_err(|e| fail(e.to_string()))?;
	let mut encoder = png::Encoder::new(BufWriter::new(file), width, height);
	encoder.set_color(png::ColorType::Rgba);
	encoder.set_depth(png::BitDepth::Eight);
	encoder.set_compression(png::Compression::Fast);
	let mut writer = encoder.write_header().map_err(|e| fail(e.to_string()))?;
	let bytes: Vec<u8> = pixels.iter().flat_map(|p| p.to_le_bytes()).collect();
	writer.write_image_data(&bytes).map_err(|e| fail(e.to_string()))?;
	writer.finish().map_err(|e| fail(e.to_string()))
}
