//! The scene of an assigned task: chunks nobody edited are generated from the chain's world
//! seed, edited ones are read from the chain; every chunk must match the spec's content hash.

use super::chain::RenderChain;
use crate::error::{JobError, WorkError};
use playnet_primitives::{
	world::encoding::encode_chunk, Hash32, RenderSpec, Scene, WorldGenerator,
};

/// Builds the scene of `spec` (task `task`) for world `seed`, asking `chain` for the chunks
/// the generator does not give.
pub async fn scene_of<C: RenderChain + ?Sized>(
	chain: &C,
	task: u64,
	spec: &RenderSpec,
	seed: u64,
) -> Result<Scene, WorkError> {
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
		// Edited since genesis: the chain has the current bytes; an edit after the task was
		// posted leaves no source for the spec's version.
		let (_, bytes) = chain.chunk(entry.coord).await?;
		if Hash32::of(&bytes) != entry.content_hash {
			return Err(job_error(JobError::MissingChunk {
				coord: entry.coord,
				hash: entry.content_hash,
			}));
		}
		encoded.push(bytes);
	}
	Scene::from_encoded(spec, &encoded).map_err(|e| job_error(e.into()))
}
