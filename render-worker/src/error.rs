//! The library's errors.

use playnet_primitives::{
	proof::merkle::MerkleError, ChunkCoord, Hash32, SceneError, SpecError, VerifyError,
};

/// Why rendering failed: the renderer's own error.
pub use playnet_renderer::RenderError;

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

/// Why the standalone worker (`work`) stopped, or gave up on one task.
#[derive(Debug, thiserror::Error)]
pub enum WorkError {
	/// Reading or writing the chain failed.
	#[error(transparent)]
	Chain(#[from] crate::work::chain::ChainError),
	/// The state directory failed.
	#[error("state directory: {0}")]
	State(#[from] crate::work::state::StateError),
	/// The task's spec or scene cannot be rendered.
	#[error("task {task}: {error}")]
	Job {
		/// The task.
		task: u64,
		/// What is wrong with it.
		error: JobError,
	},
	/// The renderer failed.
	#[error(transparent)]
	Render(#[from] RenderError),
	/// The account cannot afford the bond it was asked for.
	#[error("balance too low to bond {needed}: the free balance is {free} (and {margin} stays free for fees)")]
	BalanceTooLow {
		/// What bonding needs, formatted.
		needed: String,
		/// The free balance, formatted.
		free: String,
		/// What is kept for fees, formatted.
		margin: String,
	},
	/// The bond asked for is below the runtime's minimum.
	#[error("--bond {asked} is below the chain's minimum bond of {min}")]
	BondBelowMinimum {
		/// The bond asked for, formatted.
		asked: String,
		/// `Stake::MinBond`, formatted.
		min: String,
	},
	/// The operating system gave no random salt.
	#[error("no random salt: {0}")]
	Salt(String),
	/// The chain's spec of a task does not hash to the task's spec id.
	#[error("task {task}: the spec read from the chain does not hash to the task's spec id")]
	SpecMismatch {
		/// The task.
		task: u64,
	},
	/// An assigned task has no result id (only a task not drawn yet has none).
	#[error("task {task}: the chain shows no result id for it; it is not drawn yet")]
	NotDrawn {
		/// The task.
		task: u64,
	},
	/// A committed task has no saved root and salt (the state directory was lost).
	#[error("task {task}: no saved root and salt in the state directory; cannot reveal")]
	NoSavedResult {
		/// The task.
		task: u64,
	},
	/// The saved root and salt do not open the commitment on chain.
	#[error("task {task}: the saved root and salt do not match the commitment on chain")]
	SavedResultMismatch {
		/// The task.
		task: u64,
	},
	/// The phase's deadline passed before the worker could act.
	#[error("task {task}: the {phase} deadline (block {deadline}) has passed")]
	DeadlinePassed {
		/// The task.
		task: u64,
		/// `commit`, `reveal` or `answer`.
		phase: &'static str,
		/// The last block of the phase.
		deadline: u32,
	},
	/// The render thread died.
	#[error("the render thread failed: {0}")]
	RenderThread(String),
	/// A challenged result's frame hashes are not in the state directory.
	#[error("task {task}: no saved frame hashes in the state directory; cannot answer the challenge of frame {frame}")]
	NoSavedFrames {
		/// The task.
		task: u64,
		/// The challenged frame.
		frame: u32,
	},
	/// The frame rendered again does not hash to the frame hash committed to.
	#[error("task {task}: frame {frame} rendered again hashes to {rendered}, but the committed result holds {saved}; the renderer is not deterministic here")]
	FrameMismatch {
		/// The task.
		task: u64,
		/// The frame.
		frame: u32,
		/// The frame hash rendered now.
		rendered: playnet_primitives::Hash32,
		/// The frame hash saved with the result.
		saved: playnet_primitives::Hash32,
	},
}

impl WorkError {
	/// Whether the worker should reconnect and go on: a lost connection or a timeout.
	pub fn is_transient(&self) -> bool {
		matches!(self, WorkError::Chain(error) if error.is_transient())
	}
}
