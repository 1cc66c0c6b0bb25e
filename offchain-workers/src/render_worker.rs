//! A client of the render worker's localhost HTTP API (`playnet-render serve`), over the
//! offchain HTTP host functions, every request with a deadline.
//!
//! - `POST {url}/jobs`, SCALE body `(spec, chunks, Some(result_id))`
//!   (`application/octet-stream`): `{"job_id"}`, the result id;
//! - `GET {url}/jobs/{id}`: `{"status": "queued|running|done|failed", "root"?, "error"?}`;
//! - `GET {url}/jobs/{id}/proof?frame=F&tile=T`: `{"root", "tile_hash", "proof_scale"}`;
//! - `GET {url}/jobs/{id}/evidence?frame=F`: `{"root", "evidence_scale"}`, the frame's tile
//!   hashes and frame path as SCALE `(Vec<Hash32>, Vec<Hash32>)` (the JSON lists beside them
//!   are not read).

use alloc::{format, string::String, vec, vec::Vec};
use codec::{Decode, DecodeAll, Encode};
use core::fmt;
use playnet_primitives::{Hash32, RenderSpec, TileProof};
use polkadot_sdk::{
	sp_core::offchain::HttpError as IoHttpError,
	sp_io,
	sp_runtime::offchain::{
		http::{Error as HttpError, Method, Request},
		Duration,
	},
};

/// Why a call to the render worker gave nothing usable. Each is retried on a later block.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum WorkerError {
	/// The request could not be made or the connection failed (the worker is down).
	Unreachable,
	/// No answer before the deadline.
	Timeout,
	/// An HTTP status other than the one expected, with the worker's error line if any.
	Status(u16, String),
	/// The answer is not what the API documents.
	BadAnswer(&'static str),
}

impl fmt::Display for WorkerError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Unreachable => write!(f, "the render worker is unreachable"),
			Self::Timeout => write!(f, "the render worker did not answer in time"),
			Self::Status(code, error) => write!(f, "the render worker answered {code}: {error}"),
			Self::BadAnswer(what) => write!(f, "the render worker's answer is malformed: {what}"),
		}
	}
}

/// A job's state as the worker reports it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum JobStatus {
	/// Queued or rendering.
	Pending,
	/// Rendered, with the result root.
	Done(Hash32),
	/// The worker could not render it.
	Failed(String),
	/// The worker does not know the job (it restarted or forgot it): post it again.
	Unknown,
}

/// One tile of a claimed result: its hash and its place under `root`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClaimedTile {
	/// The result root the proof leads to.
	pub root: Hash32,
	/// The tile's hash in that result.
	pub tile_hash: Hash32,
	/// The tile's Merkle paths.
	pub proof: TileProof,
}

/// One frame of a claimed result, as a challenge's answer publishes it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClaimedFrame {
	/// The result root the worker claims the frame leads to.
	pub root: Hash32,
	/// The frame's tile hashes, in tile order.
	pub tile_hashes: Vec<Hash32>,
	/// The siblings of the frame hash's path to the root, leaf level first.
	pub frame_path: Vec<Hash32>,
}

/// A frame's evidence as the worker reports it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum FrameEvidence {
	/// The job is done: here is the frame.
	Ready(ClaimedFrame),
	/// The job is queued, rendering or failed (`409`), with the worker's error line.
	NotReady(String),
	/// The worker does not know the job (it restarted or forgot it): post it again.
	Unknown,
}

/// The render worker at `base_url`, with `timeout_ms` per request.
pub struct RenderWorker<'a> {
	base_url: &'a str,
	timeout_ms: u64,
}

#[derive(serde::Deserialize)]
struct PostAnswer {
	job_id: String,
}

#[derive(serde::Deserialize)]
struct StatusAnswer {
	status: String,
	root: Option<String>,
	error: Option<String>,
}

#[derive(serde::Deserialize)]
struct ProofAnswer {
	root: String,
	tile_hash: String,
	proof_scale: String,
}

#[derive(serde::Deserialize)]
struct EvidenceAnswer {
	root: String,
	evidence_scale: String,
}

#[derive(serde::Deserialize)]
struct ErrorAnswer {
	error: String,
}

impl<'a> RenderWorker<'a> {
	/// The worker at `base_url` (no trailing slash).
	pub fn new(base_url: &'a str, timeout_ms: u64) -> Self {
		RenderWorker { base_url, timeout_ms }
	}

	/// Posts `spec` with the encodings of its chunks (any the worker cannot generate itself),
	/// to be hashed for the task whose result id is `result_id`; returns the job id.
	pub fn post_job(
		&self,
		spec: &RenderSpec,
		chunks: &[Vec<u8>],
		result_id: &Hash32,
	) -> Result<Hash32, WorkerError> {
		let url = format!("{}/jobs", self.base_url);
		let body = (spec, chunks, Some(*result_id)).encode();
		let (code, answer) = self.call(Method::Post, &url, Some(body))?;
		if code != 200 && code != 202 {
			return Err(status_error(code, &answer));
		}
		let answer: PostAnswer =
			serde_json::from_slice(&answer).map_err(|_| WorkerError::BadAnswer("job"))?;
		Hash32::from_hex(&answer.job_id).ok_or(WorkerError::BadAnswer("job id"))
	}

	/// The state of job `job_id`.
	pub fn job_status(&self, job_id: &Hash32) -> Result<JobStatus, WorkerError> {
		let url = format!("{}/jobs/{job_id}", self.base_url);
		let (code, answer) = self.call(Method::Get, &url, None)?;
		match code {
			200 => {}
			404 => return Ok(JobStatus::Unknown),
			_ => return Err(status_error(code, &answer)),
		}
		let answer: StatusAnswer =
			serde_json::from_slice(&answer).map_err(|_| WorkerError::BadAnswer("job status"))?;
		match answer.status.as_str() {
			"queued" | "running" => Ok(JobStatus::Pending),
			"done" => answer
				.root
				.as_deref()
				.and_then(Hash32::from_hex)
				.map(JobStatus::Done)
				.ok_or(WorkerError::BadAnswer("root of a finished job")),
			"failed" => Ok(JobStatus::Failed(answer.error.unwrap_or_default())),
			_ => Err(WorkerError::BadAnswer("job status")),
		}
	}

	/// The hash and proof of `tile` of `frame` in job `job_id`'s result.
	pub fn tile_proof(
		&self,
		job_id: &Hash32,
		frame: u32,
		tile: u32,
	) -> Result<ClaimedTile, WorkerError> {
		let url = format!("{}/jobs/{job_id}/proof?frame={frame}&tile={tile}", self.base_url);
		let (code, answer) = self.call(Method::Get, &url, None)?;
		if code != 200 {
			return Err(status_error(code, &answer));
		}
		let answer: ProofAnswer =
			serde_json::from_slice(&answer).map_err(|_| WorkerError::BadAnswer("tile proof"))?;
		let proof_bytes = decode_hex(&answer.proof_scale).ok_or(WorkerError::BadAnswer("proof"))?;
		let proof = TileProof::decode(&mut proof_bytes.as_slice())
			.map_err(|_| WorkerError::BadAnswer("proof"))?;
		Ok(ClaimedTile {
			root: Hash32::from_hex(&answer.root).ok_or(WorkerError::BadAnswer("root"))?,
			tile_hash: Hash32::from_hex(&answer.tile_hash)
				.ok_or(WorkerError::BadAnswer("tile hash"))?,
			proof,
		})
	}

	/// The tile hashes and frame path of `frame` in job `job_id`'s result.
	pub fn frame_evidence(
		&self,
		job_id: &Hash32,
		frame: u32,
	) -> Result<FrameEvidence, WorkerError> {
		let url = format!("{}/jobs/{job_id}/evidence?frame={frame}", self.base_url);
		let (code, answer) = self.call(Method::Get, &url, None)?;
		match code {
			200 => {}
			404 => return Ok(FrameEvidence::Unknown),
			409 => return Ok(FrameEvidence::NotReady(error_line(&answer))),
			_ => return Err(status_error(code, &answer)),
		}
		let answer: EvidenceAnswer =
			serde_json::from_slice(&answer).map_err(|_| WorkerError::BadAnswer("evidence"))?;
		let bytes = decode_hex(&answer.evidence_scale).ok_or(WorkerError::BadAnswer("evidence"))?;
		let (tile_hashes, frame_path) =
			<(Vec<Hash32>, Vec<Hash32>)>::decode_all(&mut bytes.as_slice())
				.map_err(|_| WorkerError::BadAnswer("evidence"))?;
		Ok(FrameEvidence::Ready(ClaimedFrame {
			root: Hash32::from_hex(&answer.root).ok_or(WorkerError::BadAnswer("root"))?,
			tile_hashes,
			frame_path,
		}))
	}

	/// One request; the status code and body of its answer.
	fn call(
		&self,
		method: Method,
		url: &str,
		body: Option<Vec<u8>>,
	) -> Result<(u16, Vec<u8>), WorkerError> {
		let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(self.timeout_ms));
		let mut request = Request::<Vec<Vec<u8>>>::new(url).method(method).deadline(deadline);
		if let Some(body) = body {
			request =
				request.add_header("Content-Type", "application/octet-stream").body(vec![body]);
		}
		let pending = request.send().map_err(|error| match error {
			IoHttpError::DeadlineReached => WorkerError::Timeout,
			IoHttpError::IoError | IoHttpError::Invalid => WorkerError::Unreachable,
		})?;
		let response =
			pending.try_wait(deadline).map_err(|_| WorkerError::Timeout)?.map_err(|error| {
				match error {
					HttpError::DeadlineReached => WorkerError::Timeout,
					_ => WorkerError::Unreachable,
				}
			})?;
		let mut answer = response.body();
		answer.deadline(deadline);
		let bytes: Vec<u8> = answer.by_ref().collect();
		if answer.error().is_some() {
			return Err(WorkerError::Unreachable);
		}
		Ok((response.code, bytes))
	}
}

fn status_error(code: u16, answer: &[u8]) -> WorkerError {
	WorkerError::Status(code, error_line(answer))
}

/// The worker's `{"error": ...}` line; empty if the answer has none.
fn error_line(answer: &[u8]) -> String {
	serde_json::from_slice::<ErrorAnswer>(answer).map(|answer| answer.error).unwrap_or_default()
}

/// Bytes from hex digits (an optional `0x` prefix); `None` for anything else.
fn decode_hex(text: &str) -> Option<Vec<u8>> {
	let text = text.strip_prefix("0x").unwrap_or(text).as_bytes();
	if !text.len().is_multiple_of(2) {
		return None;
	}
	let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
	text.chunks_exact(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}
