//! The localhost HTTP API for the node's offchain worker.
//!
//! | Method and path | Does |
//! |---|---|
//! | `GET /health` | `{"status":"ok","renderer":...,"jobs":N}` |
//! | `POST /jobs` | a render request, JSON (`application/json`) or SCALE (`application/octet-stream`); `202` with `{"job_id"}` for a new job, `200` for a known one |
//! | `GET /jobs/{id}` | the job's status, and its result root once done |
//! | `GET /jobs/{id}/frames` | the result root and frame hashes (`409` until done) |
//! | `GET /jobs/{id}/proof?frame=F&tile=T` | a tile proof, as JSON and as SCALE hex (`409` until done) |
//! | `GET /jobs/{id}/evidence?frame=F` | a frame's challenge evidence: its tile hashes and its path to the root, as JSON and as SCALE hex (`409` until done) |
//!
//! Bad input gets a 4xx with `{"error": "..."}` and creates no job: `400` unparsable body or
//! id, `404` unknown job or path, `405` another method, `413` body past the size limit, `415`
//! other content types, `422` a spec past the limits or a chunk the worker cannot get, `503` a
//! full queue.

pub mod jobs;

use crate::{
	backend::Backend,
	error::{error_chain, JobError, RenderError},
	job::JobRequest,
};
use axum::{
	body::Bytes,
	extract::{
		rejection::{BytesRejection, PathRejection},
		DefaultBodyLimit, Path, Query, State,
	},
	http::{header::CONTENT_TYPE, HeaderMap, Method, StatusCode, Uri},
	response::{IntoResponse, Response},
	routing::{get, post},
	Json, Router,
};
use codec::Encode;
use jobs::{JobStatus, JobTable, SubmitError};
use playnet_primitives::{
	proof::{merkle::merkle_proof, tile::tile_count},
	Hash32,
};
use serde_json::json;
use std::sync::Arc;

/// Limits and settings of the API.
#[derive(Clone, Debug)]
pub struct ServeConfig {
	/// Largest request body, in bytes.
	pub max_body: usize,
	/// Most jobs queued or running at once.
	pub max_pending: usize,
	/// Most finished jobs kept for queries; the oldest are forgotten first.
	pub max_finished: usize,
	/// Most pixels (width x height x frames) in one job.
	pub max_job_pixels: u64,
	/// The world seed for generating chunks that requests do not supply.
	pub world_seed: Option<u64>,
}

impl Default for ServeConfig {
	fn default() -> Self {
		ServeConfig {
			max_body: 16 << 20,
			max_pending: 8,
			max_finished: 64,
			max_job_pixels: 1920 * 1080 * 600,
			world_seed: None,
		}
	}
}

/// The API's shared state.
#[derive(Clone)]
pub struct ApiState {
	table: Arc<JobTable>,
	config: Arc<ServeConfig>,
}

impl ApiState {
	/// Starts the render thread and returns the state the router serves.
	pub fn start(
		backend: Backend,
		threads: Option<usize>,
		config: ServeConfig,
	) -> Result<Self, RenderError> {
		let table = JobTable::start(backend, threads, config.max_pending, config.max_finished)?;
		Ok(ApiState { table, config: Arc::new(config) })
	}

	/// The job table.
	pub fn jobs(&self) -> &JobTable {
		&self.table
	}
}

/// The API's routes.
pub fn router(state: ApiState) -> Router {
	let max_body = state.config.max_body;
	Router::new()
		.route("/health", get(health))
		.route("/jobs", post(submit))
		.route("/jobs/{id}", get(status))
		.route("/jobs/{id}/frames", get(frames))
		.route("/jobs/{id}/proof", get(proof))
		.route("/jobs/{id}/evidence", get(evidence))
		.fallback(unknown_path)
		.method_not_allowed_fallback(other_method)
		.layer(DefaultBodyLimit::max(max_body))
		.with_state(state)
}

/// Serves the API on `listen` until the process ends.
pub async fn serve(listen: std::net::SocketAddr, state: ApiState) -> std::io::Result<()> {
	let listener = tokio::net::TcpListener::bind(listen).await?;
	tracing::info!("listening on http://{}", listener.local_addr()?);
	axum::serve(listener, router(state)).await
}

/// A 4xx/5xx answer: `{"error": message}`.
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		(self.0, Json(json!({ "error": self.1 }))).into_response()
	}
}

/// A path the API does not have.
async fn unknown_path(uri: Uri) -> ApiError {
	ApiError(StatusCode::NOT_FOUND, format!("no such path: {}", uri.path()))
}

/// A method a path does not take.
async fn other_method(method: Method, uri: Uri) -> ApiError {
	ApiError(StatusCode::METHOD_NOT_ALLOWED, format!("{} does not take {method}", uri.path()))
}

/// The `{id}` of a path, or why it is not one.
fn path_id(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
	path.map(|Path(id)| id)
		.map_err(|e| ApiError(StatusCode::BAD_REQUEST, format!("bad job id in the path: {e}")))
}

fn job_id(text: &str) -> Result<Hash32, ApiError> {
	Hash32::from_hex(text)
		.ok_or_else(|| ApiError(StatusCode::BAD_REQUEST, "job id must be 64 hex digits".into()))
}

fn find(state: &ApiState, text: &str) -> Result<(Hash32, jobs::Job), ApiError> {
	let id = job_id(text)?;
	let job = state
		.table
		.get(&id)
		.ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("no job {id}")))?;
	Ok((id, job))
}

async fn health(State(state): State<ApiState>) -> Json<serde_json::Value> {
	Json(json!({ "status": "ok", "renderer": state.table.renderer(), "jobs": state.table.len() }))
}

async fn submit(
	State(state): State<ApiState>,
	headers: HeaderMap,
	body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
	let body = body.map_err(|e| ApiError(e.status(), e.body_text()))?;
	let content_type = headers
		.get(CONTENT_TYPE)
		.and_then(|v| v.to_str().ok())
		.unwrap_or("")
		.split(';')
		.next()
		.unwrap_or("")
		.trim()
		.to_ascii_lowercase();
	let request = match content_type.as_str() {
		"application/json" => JobRequest::from_json(&body),
		"application/octet-stream" | "application/scale" => JobRequest::from_scale(&body),
		other => {
			return Err(ApiError(
				StatusCode::UNSUPPORTED_MEDIA_TYPE,
				format!(
					"content type {other:?} is not supported; send application/json or \
					 application/octet-stream (SCALE)"
				),
			))
		}
	}
	.map_err(|e| ApiError(StatusCode::BAD_REQUEST, error_chain(&e)))?;

	let spec = &request.spec;
	spec.validate()
		.map_err(|e| ApiError(StatusCode::UNPROCESSABLE_ENTITY, format!("invalid spec: {e}")))?;
	let pixels = spec.width as u64 * spec.height as u64 * spec.frame_count as u64;
	if pixels > state.config.max_job_pixels {
		return Err(ApiError(
			StatusCode::UNPROCESSABLE_ENTITY,
			format!(
				"job has {pixels} pixels; this worker takes at most {}",
				state.config.max_job_pixels
			),
		));
	}
	let seed = state.config.world_seed;
	let (request, scene) = tokio::task::spawn_blocking(move || {
		let scene = request.scene(seed);
		(request, scene)
	})
	.await
	.map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
	let scene = scene.map_err(|e| match e {
		JobError::Parse(_) => ApiError(StatusCode::BAD_REQUEST, error_chain(&e)),
		_ => ApiError(StatusCode::UNPROCESSABLE_ENTITY, error_chain(&e)),
	})?;
	match state.table.submit(request.spec, scene, request.result_id) {
		Ok((id, created)) => {
			let code = if created { StatusCode::ACCEPTED } else { StatusCode::OK };
			Ok((code, Json(json!({ "job_id": id, "created": created }))).into_response())
		}
		Err(SubmitError::QueueFull(n)) => Err(ApiError(
			StatusCode::SERVICE_UNAVAILABLE,
			format!("{n} jobs are already pending; try again later"),
		)),
		Err(SubmitError::WorkerGone) => {
			Err(ApiError(StatusCode::INTERNAL_SERVER_ERROR, "the render thread has stopped".into()))
		}
	}
}

async fn status(
	State(state): State<ApiState>,
	id: Result<Path<String>, PathRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
	let (id, job) = find(&state, &path_id(id)?)?;
	let mut body = json!({
		"job_id": id,
		"task_id": id,
		"frame_count": job.spec.frame_count,
		"width": job.spec.width,
		"height": job.spec.height,
	});
	if let (Some(map), Ok(serde_json::Value::Object(status))) =
		(body.as_object_mut(), serde_json::to_value(&job.status))
	{
		map.extend(status);
		if let Some(result) = &job.result {
			map.insert("root".into(), json!(result.root));
		}
	}
	Ok(Json(body))
}

fn finished(job: &jobs::Job) -> Result<Arc<crate::verify::ClaimedResult>, ApiError> {
	match (&job.status, &job.result) {
		(JobStatus::Done, Some(result)) => Ok(result.clone()),
		(JobStatus::Failed { error }, _) => {
			Err(ApiError(StatusCode::CONFLICT, format!("job failed: {error}")))
		}
		_ => Err(ApiError(StatusCode::CONFLICT, "job is not finished yet".into())),
	}
}

async fn frames(
	State(state): State<ApiState>,
	id: Result<Path<String>, PathRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
	let (id, job) = find(&state, &path_id(id)?)?;
	let result = finished(&job)?;
	Ok(Json(json!({ "job_id": id, "root": result.root, "frame_hashes": result.frame_hashes })))
}

/// `?frame=F&tile=T`.
#[derive(serde::Deserialize)]
struct ProofQuery {
	frame: u32,
	tile: u32,
}

async fn proof(
	State(state): State<ApiState>,
	id: Result<Path<String>, PathRejection>,
	query: Result<Query<ProofQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
	let Query(query) = query
		.map_err(|e| ApiError(StatusCode::BAD_REQUEST, format!("expected ?frame=F&tile=T: {e}")))?;
	let (id, job) = find(&state, &path_id(id)?)?;
	let result = finished(&job)?;
	let tiles = tile_count(job.spec.width, job.spec.height);
	if query.frame >= job.spec.frame_count || query.tile >= tiles {
		return Err(ApiError(
			StatusCode::BAD_REQUEST,
			format!(
				"frame {} tile {} is outside the task ({} frames of {tiles} tiles)",
				query.frame, query.tile, job.spec.frame_count
			),
		));
	}
	let proof = result
		.tile_proof(query.frame, query.tile)
		.map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
	let tile_hash = result.tile_hashes[query.frame as usize][query.tile as usize];
	Ok(Json(json!({
		"job_id": id,
		"root": result.root,
		"frame_hash": result.frame_hashes[query.frame as usize],
		"tile_hash": tile_hash,
		"proof": proof,
		"proof_scale": hex::encode(proof.encode()),
	})))
}

/// `?frame=F`.
#[derive(serde::Deserialize)]
struct EvidenceQuery {
	frame: u32,
}

/// What a signer publishes to answer a challenge of one frame (`pallet_render`'s
/// `answer_challenge`): the frame's tile hashes in tile order and the siblings of its frame
/// hash's path to the root; `evidence_scale` is SCALE `(tile_hashes, frame_path)`, both
/// `Vec<Hash32>`.
async fn evidence(
	State(state): State<ApiState>,
	id: Result<Path<String>, PathRejection>,
	query: Result<Query<EvidenceQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
	let Query(query) =
		query.map_err(|e| ApiError(StatusCode::BAD_REQUEST, format!("expected ?frame=F: {e}")))?;
	let (id, job) = find(&state, &path_id(id)?)?;
	let result = finished(&job)?;
	let frame = query.frame;
	let outside = || {
		ApiError(
			StatusCode::BAD_REQUEST,
			format!("frame {frame} is outside the task ({} frames)", job.spec.frame_count),
		)
	};
	if frame >= job.spec.frame_count {
		return Err(outside());
	}
	let (Some(tile_hashes), Some(frame_hash), Some(path)) = (
		result.tile_hashes.get(frame as usize),
		result.frame_hashes.get(frame as usize),
		merkle_proof(&result.frame_hashes, frame),
	) else {
		return Err(outside());
	};
	let frame_path = path.siblings;
	Ok(Json(json!({
		"job_id": id,
		"root": result.root,
		"frame": frame,
		"frame_hash": frame_hash,
		"tile_hashes": tile_hashes,
		"frame_path": frame_path,
		"evidence_scale": hex::encode((tile_hashes, &frame_path).encode()),
	})))
}
