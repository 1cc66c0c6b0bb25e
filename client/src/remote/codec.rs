//! The wire codec of streamed frames: lossless, so that the player can hash every tile it
//! shows and check it against the tile hashes the contributor signed.
//!
//! A frame is the render kernel's output: RGBA8 pixels whose alpha is always 255. It goes on
//! the wire as three planes (red, green, blue; alpha dropped) with each byte replaced by its
//! difference from the byte to its left in the same row (flat faces, fog and sky become runs
//! of zeros and small values), compressed with LZ4 (a block with its size in front).
//! Frames that are not opaque (not the kernel's) go as RGBA8 bytes with LZ4 alone.
//!
//! Layout: one mode byte ([`MODE_OPAQUE_PLANES`] or [`MODE_RGBA`]), then the LZ4 block of the
//! filtered bytes with their length (u32, little endian) in front. Decoding knows the frame's
//! size from the session's package and refuses a block whose length is not exactly that: a
//! peer cannot make the player allocate more than one frame.

use thiserror::Error;

/// The mode byte of an opaque frame: three delta-filtered planes.
pub const MODE_OPAQUE_PLANES: u8 = 1;
/// The mode byte of any other frame: the RGBA8 bytes as they are.
pub const MODE_RGBA: u8 = 2;

/// Why bytes from the wire are not a frame of the expected size.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum CodecError {
	/// The message is shorter than its header.
	#[error("a frame of {0} bytes is too short for its header")]
	Truncated(usize),
	/// The mode byte is not one this codec writes.
	#[error("unknown frame mode {0}")]
	UnknownMode(u8),
	/// The block decodes to another size than the session's frames have.
	#[error("the frame holds {got} bytes where a {width}x{height} frame has {expected}")]
	WrongSize {
		/// The frame width expected.
		width: u32,
		/// The frame height expected.
		height: u32,
		/// The bytes such a frame has in this mode.
		expected: usize,
		/// The bytes the block says it holds.
		got: usize,
	},
	/// The LZ4 block is corrupt.
	#[error("corrupt frame data: {0}")]
	Corrupt(String),
}

/// Encodes a `width` x `height` frame (`pixels` row-major, RGBA8 as `u32`s in the kernel's
/// byte order) for the wire.
pub fn encode_frame(pixels: &[u32], width: u32, height: u32) -> Vec<u8> {
	let (width, height) = (width as usize, height as usize);
	debug_assert_eq!(pixels.len(), width * height);
	let opaque = pixels.iter().all(|pixel| pixel >> 24 == 0xff);
	let (mode, filtered) = if opaque {
		let plane = width * height;
		let mut planes = vec![0u8; plane * 3];
		for (row_index, row) in pixels.chunks_exact(width.max(1)).enumerate() {
			let start = row_index * width;
			let mut left = [0u8; 3];
			for (x, pixel) in row.iter().enumerate() {
				let rgb = [*pixel as u8, (*pixel >> 8) as u8, (*pixel >> 16) as u8];
				for channel in 0..3 {
					planes[channel * plane + start + x] = rgb[channel].wrapping_sub(left[channel]);
				}
				left = rgb;
			}
		}
		(MODE_OPAQUE_PLANES, planes)
	} else {
		(MODE_RGBA, pixels.iter().flat_map(|pixel| pixel.to_le_bytes()).collect())
	};
	let block = lz4_flex::block::compress_prepend_size(&filtered);
	let mut out = Vec::with_capacity(block.len() + 1);
	out.push(mode);
	out.extend_from_slice(&block);
	out
}

/// Decodes a frame from the wire, which must be `width` x `height`.
pub fn decode_frame(bytes: &[u8], width: u32, height: u32) -> Result<Vec<u32>, CodecError> {
	let (&mode, block) = bytes.split_first().ok_or(CodecError::Truncated(bytes.len()))?;
	let pixel_count = width as usize * height as usize;
	let bytes_per_pixel = match mode {
		MODE_OPAQUE_PLANES => 3,
		MODE_RGBA => 4,
		other => return Err(CodecError::UnknownMode(other)),
	};
	let expected = pixel_count * bytes_per_pixel;
	let (length, compressed) =
		block.split_at_checked(4).ok_or(CodecError::Truncated(bytes.len()))?;
	let got = u32::from_le_bytes([length[0], length[1], length[2], length[3]]) as usize;
	if got != expected {
		return Err(CodecError::WrongSize { width, height, expected, got });
	}
	let mut filtered = vec![0u8; expected];
	let written = lz4_flex::block::decompress_into(compressed, &mut filtered)
		.map_err(|error| CodecError::Corrupt(error.to_string()))?;
	if written != expected {
		return Err(CodecError::WrongSize { width, height, expected, got: written });
	}
	if mode == MODE_RGBA {
		return Ok(filtered
			.chunks_exact(4)
			.map(|bytes| u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
			.collect());
	}
	let width = width as usize;
	let mut pixels = vec![0u32; pixel_count];
	for (row_index, row) in pixels.chunks_exact_mut(width.max(1)).enumerate() {
		let start = row_index * width;
		let mut left = [0u8; 3];
		for (x, pixel) in row.iter_mut().enumerate() {
			for (channel, value) in left.iter_mut().enumerate() {
				*value = value.wrapping_add(filtered[channel * pixel_count + start + x]);
			}
			*pixel = u32::from(left[0])
				| u32::from(left[1]) << 8
				| u32::from(left[2]) << 16
				| 0xff00_0000;
		}
	}
	Ok(pixels)
}

#[cfg(test)]
mod tests {
	use super::*;
	use playnet_primitives::{demo::GeneratedTask, render::frame::render_frame, Scene};

	fn rendered(width: u32, height: u32) -> Vec<u32> {
		let (spec, chunks) = GeneratedTask::demo(7, width, height, 1).build();
		let scene = Scene::from_encoded(&spec, &chunks).expect("a valid scene");
		render_frame(&scene, &spec, 0).pixels
	}

	#[test]
	fn a_rendered_frame_comes_back_bit_for_bit_and_smaller() {
		let pixels = rendered(160, 90);
		let wire = encode_frame(&pixels, 160, 90);
		assert_eq!(wire[0], MODE_OPAQUE_PLANES);
		assert_eq!(decode_frame(&wire, 160, 90), Ok(pixels.clone()));
		assert!(
			wire.len() * 2 < pixels.len() * 4,
			"{} bytes for {} pixels",
			wire.len(),
			pixels.len()
		);
	}

	#[test]
	fn frames_with_any_alpha_and_noise_come_back_bit_for_bit() {
		let mut state = 0x1234_5678u32;
		let noise: Vec<u32> = (0..37 * 13)
			.map(|_| {
				state ^= state << 13;
				state ^= state >> 17;
				state ^= state << 5;
				state
			})
			.collect();
		let wire = encode_frame(&noise, 37, 13);
		assert_eq!(wire[0], MODE_RGBA);
		assert_eq!(decode_frame(&wire, 37, 13), Ok(noise.clone()));
		let opaque: Vec<u32> = noise.iter().map(|pixel| pixel | 0xff00_0000).collect();
		let wire = encode_frame(&opaque, 37, 13);
		assert_eq!(wire[0], MODE_OPAQUE_PLANES);
		assert_eq!(decode_frame(&wire, 37, 13), Ok(opaque));
	}

	#[test]
	fn a_frame_of_another_size_is_refused_before_anything_is_allocated_for_it() {
		let wire = encode_frame(&rendered(64, 32), 64, 32);
		assert_eq!(
			decode_frame(&wire, 64, 33),
			Err(CodecError::WrongSize {
				width: 64,
				height: 33,
				expected: 64 * 33 * 3,
				got: 64 * 32 * 3
			})
		);
		// A header that claims a huge frame.
		let mut bomb = vec![MODE_OPAQUE_PLANES];
		bomb.extend_from_slice(&u32::MAX.to_le_bytes());
		bomb.extend_from_slice(&[0; 16]);
		assert!(matches!(decode_frame(&bomb, 64, 32), Err(CodecError::WrongSize { .. })));
	}

	#[test]
	fn malformed_bytes_get_clear_errors() {
		assert_eq!(decode_frame(&[], 4, 4), Err(CodecError::Truncated(0)));
		assert_eq!(decode_frame(&[MODE_RGBA, 1], 4, 4), Err(CodecError::Truncated(2)));
		assert_eq!(decode_frame(&[9, 0, 0, 0, 0], 4, 4), Err(CodecError::UnknownMode(9)));
		let mut wire = encode_frame(&rendered(64, 32), 64, 32);
		let cut = wire.len() / 2;
		wire.truncate(cut);
		assert!(matches!(decode_frame(&wire, 64, 32), Err(CodecError::Corrupt(_))));
	}
}
