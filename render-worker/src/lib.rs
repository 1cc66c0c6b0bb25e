//! Playnet's render worker.
//!
//! Renders [`RenderSpec`](playnet_primitives::RenderSpec) tasks on the GPU (wgpu compute,
//! any Vulkan/Metal/DX12 adapter including Mesa's lavapipe) or on the CPU with the reference
//! kernel from `playnet-primitives`, bit for bit the same. Produces tile hashes, frame
//! hashes, the result root and tile proofs; serves all of it on a localhost HTTP API for the
//! node's offchain worker (see `serve`).

pub mod backend;
pub mod cpu;
pub mod error;
pub mod frames;
pub mod gpu;
pub mod job;
pub mod serve;
pub mod task;
pub mod verify;

pub use backend::{Backend, Renderer};
pub use error::{CheckError, JobError, RenderError};
pub use job::JobRequest;
