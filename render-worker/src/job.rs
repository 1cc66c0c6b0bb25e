//! A job's input: the spec and the bytes of the chunks its scene names.
//!
//! The spec only names chunks by content hash. A chunk's bytes come from the request, or, for
//! chunks nobody has edited, from the world generator of the worker's world seed.

use crate::error::JobError;
use codec::{Decode, Encode};
use playnet_primitives::{
	world::encoding::encode_chunk, Hash32, RenderSpec, Scene, WorldGenerator,
};
use std::collections::HashMap;

/// A render request: a spec, any chunk encodings the worker cannot generate itself, and the
/// result id of the task on chain. The SCALE form is this struct's encoding; the JSON form is
/// [`JsonJobRequest`].
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct JobRequest {
	/// The task.
	pub spec: RenderSpec,
	/// Canonical chunk encodings, in any order; matched to the scene by content hash.
	pub chunks: Vec<Vec<u8>>,
	/// The id the frame hashes commit to: the task's result id, which the chain fixes at its
	/// draw (`RenderApi::task`'s `result_id`). `None` for a spec rendered outside any task: the
	/// spec's id.
	pub result_id: Option<Hash32>,
}

/// The JSON form of a [`JobRequest`]: chunk encodings as hex strings.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonJobRequest {
	/// The task.
	pub spec: RenderSpec,
	/// Canonical chunk encodings, hex (an optional `0x` prefix is allowed).
	#[serde(default)]
	pub chunks: Vec<String>,
	/// The task's result id (hex); absent for a spec rendered outside any task.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub result_id: Option<Hash32>,
}

impl JobRequest {
	/// Parses the JSON form.
	pub fn from_json(bytes: &[u8]) -> Result<Self, JobError> {
		let json: JsonJobRequest =
			serde_json::from_slice(bytes).map_err(|e| JobError::Parse(e.to_string()))?;
		let chunks = json
			.chunks
			.iter()
			.enumerate()
			.map(|(i, text)| {
				hex::decode(text.strip_prefix("0x").unwrap_or(text))
					.map_err(|e| JobError::Parse(format!("chunk {i}: {e}")))
			})
			.collect::<Result<_, _>>()?;
		Ok(JobRequest { spec: json.spec, chunks, result_id: json.result_id })
	}

	/// Parses the SCALE form; the whole input must be consumed.
	pub fn from_scale(mut bytes: &[u8]) -> Result<Self, JobError> {
		let request = JobRequest::decode(&mut bytes).map_err(|e| JobError::Parse(e.to_string()))?;
		if !bytes.is_empty() {
			return Err(JobError::Parse(format!("{} bytes after the request", bytes.len())));
		}
		Ok(request)
	}

	/// The JSON form.
	pub fn to_json(&self) -> JsonJobRequest {
		JsonJobRequest {
			spec: self.spec.clone(),
			chunks: self.chunks.iter().map(hex::encode).collect(),
			result_id: self.result_id,
		}
	}

	/// Validates the spec and builds its scene from the supplied chunks, generating the
	/// missing ones from `world_seed` when given.
	pub fn scene(&self, world_seed: Option<u64>) -> Result<Scene, JobError> {
		self.spec.validate()?;
		let supplied: HashMap<Hash32, &[u8]> =
			self.chunks.iter().map(|bytes| (Hash32::of(bytes), bytes.as_slice())).collect();
		let generator = world_seed.map(WorldGenerator::new);
		let mut encoded = Vec::with_capacity(self.spec.scene.len());
		for entry in &self.spec.scene {
			if let Some(bytes) = supplied.get(&entry.content_hash) {
				encoded.push(bytes.to_vec());
				continue;
			}
			let generated = generator.map(|g| encode_chunk(&g.chunk(entry.coord)));
			match generated {
				Some(bytes) if Hash32::of(&bytes) == entry.content_hash => encoded.push(bytes),
				_ => {
					return Err(JobError::MissingChunk {
						coord: entry.coord,
						hash: entry.content_hash,
					})
				}
			}
		}
		Ok(Scene::from_encoded(&self.spec, &encoded)?)
	}
}
