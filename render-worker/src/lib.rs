//! Playnet's render worker.
//!
//! Renders [`RenderSpec`](playnet_primitives::RenderSpec) tasks on the GPU (wgpu compute,
//! any Vulkan/Metal/DX12 adapter including Mesa's lavapipe) or on the CPU with the reference
//! kernel from `playnet-primitives`, bit for bit the same. Produces tile hashes, frame
//! hashes, the result root and tile proofs; serves all of it on a localhost HTTP API for the
//! node's offchain worker (see `serve`), and works for a chain on its own account: takes
//! assigned tasks, commits and reveals their roots over a node's RPC (see `work`).

pub mod error;
pub mod frames;
pub mod job;
pub mod serve;
pub mod task;
pub mod verify;
pub mod work;

pub use error::{CheckError, JobError, RenderError, WorkError};
pub use job::JobRequest;
/// The renderer's paths, from `playnet-renderer`.
pub use playnet_renderer::{backend, cpu, gpu, Backend, Renderer};
