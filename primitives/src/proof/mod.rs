//! Proofs that a rendered tile belongs to a task's result.

pub mod commitment;
pub mod merkle;
pub mod task;
pub mod tile;
