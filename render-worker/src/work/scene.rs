//! The scene of an assigned task: chunks nobody edited are generated from the chain's world
//! seed, edited ones are read from the chain at the version the spec names
//! (`WorldApi::chunk_at`: the chain pins a task's scene versions until the task ends); every
//! chunk must match the spec's content hash.

use super::chain::RenderChain;
use crate::error::{JobError, WorkError};
use playnet_primitives::{world::encoding::encode_chunk, Hash32, RenderSpec, WorldGenerator};

/// The canonical encodings of `spec`'s scene chunks in the spec's order, each checked against
/// its content hash: what a scene is built from, and what a fraud proof carries.
pub async fn scene_chunks_of<C: RenderChain + ?Sized>(
	chain: &C,
	task: u64,
	spec: &RenderSpec,
	seed: u64,
) -> Result<Vec<Vec<u8>>, WorkError> {
	let job_error = |error: JobError| WorkError::Job { task, error };
	spec.validate().map_err(|e| job_error(e.into()))?;
	let generator = WorldGenerator::new(seed);
	let mut encoded = Vec::with_capacity(spec.scene.len());
	for entry in &spec.scene {
		let generated = encode_chunk(&generator.chunk(entry.coord));
		if Hash32::of(&generated) == entry.content_hash {
			encoded.push(generated);
			continue;
		}
		// Edited since genesis: the chain keeps the version the spec names while the task is
		// open (pinned at posting, even if the chunk was edited after).
		let missing =
			|| job_error(JobError::MissingChunk { coord: entry.coord, hash: entry.content_hash });
		let bytes = chain.chunk_at(entry.coord, entry.content_hash).await?.ok_or_else(missing)?;
		if Hash32::of(&bytes) != entry.content_hash {
			return Err(missing());
		}
		encoded.push(bytes);
	}
	Ok(encoded)
}
