//! The library's errors.

use playnet_primitives::{
	proof::merkle::MerkleError, ChunkCoord, Hash32, SceneError, SpecError, VerifyError,
};

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

/// Why a job's input cannot be rendered.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
	/// The spec breaks a limit.
	#[error("invalid spec")]
	Spec(#[from] SpecError),
	/// A scene chunk was not supplied and is not the generated chunk of the world seed.
	#[error(
		"chunk {coord:?} with content hash {hash} was not supplied and is not a generated chunk"
	)]
	MissingChunk {
		/// The chunk's coordinate.
		coord: ChunkCoord,
		/// Its content hash in the spec.
		hash: Hash32,
	},
	/// The scene cannot be built from the chunks.
	#[error("bad scene")]
	Scene(#[from] SceneError),
	/// The request body cannot be parsed.
	#[error("cannot parse the request: {0}")]
	Parse(String),
	/// Rendering failed.
	#[error(transparent)]
	Render(#[from] RenderError),
	/// Writing output failed.
	#[error("cannot write {path}: {reason}")]
	Output {
		/// The file.
		path: String,
		/// Why not.
		reason: String,
	},
}

/// Why a claimed result does not hold up.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
	/// The tile re-render does not match.
	#[error("frame {frame} tile {tile}: {error}")]
	Tile {
		/// The frame.
		frame: u32,
		/// The tile.
		tile: u32,
		/// What is wrong.
		error: VerifyError,
	},
	/// A proof could not be made from the claimed hashes.
	#[error("the claimed result has no tile {tile} in frame {frame}")]
	NoSuchTile {
		/// The frame.
		frame: u32,
		/// The tile.
		tile: u32,
	},
	/// A Merkle path is malformed.
	#[error("malformed Merkle path: {0}")]
	Path(#[from] MerkleError),
}

/// `error` and its sources, joined by ": " (one line for logs and HTTP answers).
pub fn error_chain(error: &dyn std::error::Error) -> String {
	let mut line = error.to_string();
	let mut source = error.source();
	while let Some(cause) = source {
		line.push_str(": ");
		line.push_str(&cause.to_string());
		source = cause.source();
	}
	line
}
