//! The window's overlay, drawn over the kernel's frame: status lines, chat, the block palette,
//! the crosshair and other players' markers, in an 8x8 bitmap font.
//!
//! Pixels are `0x00RRGGBB` words, as the window's surface takes them.

use font8x8::UnicodeFonts;
use playnet_primitives::{world::blocks::block_color, BlockId};

/// A frame being drawn on.
pub struct Canvas<'a> {
	pixels: &'a mut [u32],
	width: u32,
	height: u32,
}

impl<'a> Canvas<'a> {
	/// A canvas over `pixels`, `width * height` of them, row-major.
	pub fn new(pixels: &'a mut [u32], width: u32, height: u32) -> Self {
		debug_assert_eq!(pixels.len(), (width * height) as usize);
		Canvas { pixels, width, height }
	}

	/// The width in pixels.
	pub fn width(&self) -> u32 {
		self.width
	}

	/// The height in pixels.
	pub fn height(&self) -> u32 {
		self.height
	}

	/// Blends `color` over the rectangle at `alpha` out of 256 (256: opaque), clipped.
	pub fn rect(&mut self, x: i32, y: i32, w: i32, h: i32, color: u32, alpha: u32) {
		let (x0, y0) = (x.max(0), y.max(0));
		let (x1, y1) = ((x + w).min(self.width as i32), (y + h).min(self.height as i32));
		for row in y0..y1 {
			let start = (row as u32 * self.width) as usize;
			for col in x0..x1 {
				let pixel = &mut self.pixels[start + col as usize];
				*pixel = blend(*pixel, color, alpha);
			}
		}
	}

	/// A one-pixel frame around the rectangle.
	pub fn outline(&mut self, x: i32, y: i32, w: i32, h: i32, color: u32) {
		self.rect(x, y, w, 1, color, 256);
		self.rect(x, y + h - 1, w, 1, color, 256);
		self.rect(x, y, 1, h, color, 256);
		self.rect(x + w - 1, y, 1, h, color, 256);
	}

	/// Draws `text` with its top left at (`x`, `y`), each glyph 8 x 8 pixels times `scale`;
	/// characters outside the font are drawn as `?`. Returns the width drawn.
	pub fn text(&mut self, x: i32, y: i32, text: &str, color: u32, scale: i32) -> i32 {
		let mut pen = x;
		for ch in text.chars() {
			let glyph = font8x8::BASIC_FONTS
				.get(ch)
				.or_else(|| font8x8::LATIN_FONTS.get(ch))
				.or_else(|| font8x8::BASIC_FONTS.get('?'))
				.unwrap_or([0; 8]);
			for (row, bits) in glyph.iter().enumerate() {
				for col in 0..8 {
					if bits & (1 << col) != 0 {
						self.rect(
							pen + col * scale,
							y + row as i32 * scale,
							scale,
							scale,
							color,
							256,
						);
					}
				}
			}
			pen += 8 * scale;
		}
		pen - x
	}

	/// Text on a dark translucent band, for legibility over any scene.
	pub fn label(&mut self, x: i32, y: i32, text: &str, color: u32, scale: i32) -> i32 {
		let width = text.chars().count() as i32 * 8 * scale;
		self.rect(x - 2, y - 2, width + 4, 8 * scale + 4, 0x000000, 140);
		self.text(x, y, text, color, scale)
	}
}

/// `color` over `under` at `alpha` out of 256.
fn blend(under: u32, color: u32, alpha: u32) -> u32 {
	if alpha >= 256 {
		return color;
	}
	let channel = |shift: u32| {
		let a = (under >> shift) & 0xff;
		let b = (color >> shift) & 0xff;
		((a * (256 - alpha) + b * alpha) >> 8) << shift
	};
	channel(16) | channel(8) | channel(0)
}

/// Another player's marker: where it is on screen, and its name.
#[derive(Clone, Debug)]
pub struct Marker {
	/// Screen position of the player's feet.
	pub x: i32,
	/// Screen position of the player's feet.
	pub y: i32,
	/// The marker's height in pixels (nearer is taller).
	pub height: i32,
	/// A short name.
	pub name: String,
}

/// What the overlay shows.
#[derive(Clone, Debug, Default)]
pub struct Overlay {
	/// Status lines, top left.
	pub status: Vec<String>,
	/// Recent chat and notices, oldest first, bottom left above the palette.
	pub chat: Vec<String>,
	/// The chat line being typed, if the chat is open.
	pub typing: Option<String>,
	/// The palette's blocks and the selected index.
	pub palette: Vec<BlockId>,
	/// The selected palette entry.
	pub selected: usize,
	/// Name of the selected block.
	pub selected_name: String,
	/// Other players on screen.
	pub markers: Vec<Marker>,
	/// A hint in the middle of the screen (e.g. "click to play").
	pub hint: Option<String>,
}

/// Draws the overlay.
pub fn draw(canvas: &mut Canvas<'_>, overlay: &Overlay) {
	let scale = if canvas.height() >= 600 { 2 } else { 1 };
	let line = 10 * scale;
	let (w, h) = (canvas.width() as i32, canvas.height() as i32);

	for marker in &overlay.markers {
		let height = marker.height.clamp(4, h);
		let width = (height / 3).max(2);
		canvas.rect(marker.x - width / 2, marker.y - height, width, height, 0xff5a36, 200);
		canvas.outline(marker.x - width / 2, marker.y - height, width, height, 0x000000);
		let name_width = marker.name.chars().count() as i32 * 8 * scale;
		canvas.label(
			marker.x - name_width / 2,
			marker.y - height - line,
			&marker.name,
			0xffffff,
			scale,
		);
	}

	for (i, text) in overlay.status.iter().enumerate() {
		canvas.label(4, 4 + i as i32 * line, text, 0xffffff, scale);
	}

	// The crosshair.
	let (cx, cy) = (w / 2, h / 2);
	canvas.rect(cx - 5 * scale, cy, 11 * scale, scale, 0xffffff, 200);
	canvas.rect(cx, cy - 5 * scale, scale, 11 * scale, 0xffffff, 200);

	// The palette: a row of swatches along the bottom, the selected one framed.
	let swatch = 14 * scale;
	let gap = 3 * scale;
	let count = overlay.palette.len() as i32;
	let bar = count * (swatch + gap) - gap;
	let left = (w - bar) / 2;
	let top = h - swatch - 4 * scale;
	canvas.rect(left - gap, top - gap, bar + 2 * gap, swatch + 2 * gap, 0x000000, 140);
	for (i, block) in overlay.palette.iter().enumerate() {
		let x = left + i as i32 * (swatch + gap);
		canvas.rect(x, top, swatch, swatch, block_color(*block as u32), 256);
		if i == overlay.selected {
			canvas.outline(
				x - scale,
				top - scale,
				swatch + 2 * scale,
				swatch + 2 * scale,
				0xffffff,
			);
			canvas.outline(
				x - 2 * scale,
				top - 2 * scale,
				swatch + 4 * scale,
				swatch + 4 * scale,
				0x000000,
			);
		}
	}
	let name_width = overlay.selected_name.chars().count() as i32 * 8 * scale;
	canvas.label((w - name_width) / 2, top - gap - line, &overlay.selected_name, 0xffffff, scale);

	// Chat, above the palette on the left.
	let mut y = top - 2 * line - gap;
	if let Some(typing) = &overlay.typing {
		canvas.label(4, y, &format!("say: {typing}_"), 0xffff80, scale);
		y -= line;
	}
	for text in overlay.chat.iter().rev() {
		canvas.label(4, y, text, 0xe0e0e0, scale);
		y -= line;
	}

	if let Some(hint) = &overlay.hint {
		let width = hint.chars().count() as i32 * 8 * scale;
		canvas.label((w - width) / 2, cy + 12 * scale, hint, 0xffffff, scale);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn text_sets_only_glyph_pixels_and_clips_at_the_edge() {
		let mut pixels = vec![0u32; 16 * 8];
		let mut canvas = Canvas::new(&mut pixels, 16, 8);
		// Drawn partly off the right edge: no panic, and some pixels lit.
		let width = canvas.text(10, 0, "AB", 0xffffff, 1);
		assert_eq!(width, 16);
		assert!(pixels.iter().any(|p| *p == 0xffffff));
		assert!(pixels.iter().all(|p| *p == 0xffffff || *p == 0));
		// Only columns 10.. are touched.
		assert!((0..8).all(|row| (0..10).all(|col| pixels[row * 16 + col] == 0)));
	}

	#[test]
	fn blending_mixes_the_channels() {
		assert_eq!(blend(0x000000, 0xffffff, 256), 0xffffff);
		assert_eq!(blend(0x000000, 0xffffff, 128), 0x7f7f7f);
		assert_eq!(blend(0x204060, 0x204060, 100), 0x204060);
	}
}
