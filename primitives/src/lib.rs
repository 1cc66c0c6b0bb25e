//! Playnet's deterministic core.
//!
//! Everything two parties must compute identically lives here: the chunk model and its
//! canonical encoding, the seeded world generator, render specs, the integer render kernel,
//! the tile proofs and what cloud-gaming sessions sign. The crate is `no_std` (with `alloc`) and uses no floating point, so
//! the runtime, the offchain worker, the render worker and the client all get the same bytes.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub mod demo;
pub mod hash;
pub mod proof;
pub mod render;
pub mod session;
pub mod world;

pub use hash::{ContentHash, Hash32};
pub use proof::task::{result_id, TaskResult};
pub use proof::{
	commitment::{commitment_of, Commitment, Outcome, Salt},
	merkle::{MerkleError, MerkleProof},
	tile::{TileProof, VerifyError},
};
pub use render::{
	camera::{CameraKeyframe, FrameCamera},
	kernel::{render_pixel, PixelOutput, KERNEL_VERSION},
	scene::{Scene, SceneError},
	spec::{RenderSpec, SceneChunk, SpecError},
};
pub use world::{
	blocks::BlockId,
	chunk::{Chunk, ChunkCoord, CHUNK_SIZE, CHUNK_VOLUME},
	edit::{submission_id, BlockEdit, BounceReason, EditError, SubmissionId},
	encoding::DecodeError,
	generator::WorldGenerator,
};
