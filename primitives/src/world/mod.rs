//! The world model: chunks, block ids, the canonical chunk encoding, the seeded generator,
//! block edits and regions.

pub mod blocks;
pub mod chunk;
pub mod edit;
pub mod encoding;
pub mod generator;
mod noise;
pub mod region;
