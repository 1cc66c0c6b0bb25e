//! Playnet's renderer: the deterministic kernel of `playnet-primitives` on two paths, bit for
//! bit the same.
//!
//! - [`gpu`]: the WGSL transcription of the kernel as a wgpu compute pipeline, on any
//!   Vulkan/Metal/DX12 adapter (Mesa's lavapipe included);
//! - [`cpu`]: the reference kernel itself, rows spread over a rayon pool;
//! - [`backend`]: choosing between them ([`Backend::Auto`]: the GPU when an adapter exists).
//!
//! The render worker renders tasks with it, and the game client renders the player's view.

#![deny(missing_docs)]

pub mod backend;
pub mod cpu;
pub mod gpu;

pub use backend::{Backend, BoundScene, Renderer};

/// Why rendering failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
	/// No GPU adapter, not even a software one, is available.
	#[error("no GPU adapter found ({0}); install a Vulkan driver (mesa-vulkan-drivers gives lavapipe) or use --backend cpu")]
	NoAdapter(String),
	/// The GPU failed.
	#[error("GPU error: {0}")]
	Gpu(String),
	/// The CPU thread pool could not be built.
	#[error("cannot start {threads} render threads: {reason}")]
	Threads {
		/// Threads asked for.
		threads: usize,
		/// Why not.
		reason: String,
	},
}
