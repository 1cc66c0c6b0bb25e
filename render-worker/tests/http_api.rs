//! The localhost HTTP API: good requests make jobs that finish; bad ones get a clear 4xx and
//! make no job.

use axum::{
	body::{to_bytes, Body},
	http::{Request, StatusCode},
	Router,
};
use codec::{Decode, Encode};
use playnet_primitives::{
	demo::GeneratedTask,
	proof::{
		merkle::{merkle_root, MerkleProof},
		tile::tile_count,
	},
	ChunkCoord, Hash32, TileProof,
};
use playnet_render::{
	serve::{router, ApiState, ServeConfig},
	Backend, JobRequest,
};
use serde_json::Value;
use std::time::Duration;
use tower::ServiceExt;

const SEED: u64 = 5;

fn state(config: ServeConfig) -> ApiState {
	ApiState::start(Backend::Cpu, Some(1), config).expect("CPU renderer starts")
}

fn small_request() -> JobRequest {
	let mut task = GeneratedTask::demo(SEED, 64, 48, 2);
	task.min_chunk = ChunkCoord::new(-1, 3, -1);
	task.max_chunk = ChunkCoord::new(0, 4, 0);
	let (spec, chunks) = task.build();
	JobRequest { spec, chunks, result_id: None }
}

/// The result id of a task of `request`'s spec whose draw had seed `draw`.
fn result_id_for(request: &JobRequest, draw: &[u8]) -> Hash32 {
	playnet_primitives::result_id(&request.spec.task_id(), &Hash32::of(draw))
}

async fn call(app: &Router, request: Request<Body>) -> (StatusCode, Value) {
	let response = app.clone().oneshot(request).await.expect("router answers");
	let status = response.status();
	let bytes = to_bytes(response.into_body(), usize::MAX).await.expect("body");
	let body = serde_json::from_slice(&bytes)
		.unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
	(status, body)
}

fn post(content_type: &str, body: Vec<u8>) -> Request<Body> {
	Request::post("/jobs").header("content-type", content_type).body(Body::from(body)).unwrap()
}

fn get(path: &str) -> Request<Body> {
	Request::get(path).body(Body::empty()).unwrap()
}

async fn wait_done(app: &Router, id: &str) -> Value {
	for _ in 0..600 {
		let (status, body) = call(app, get(&format!("/jobs/{id}"))).await;
		assert_eq!(status, StatusCode::OK);
		match body["status"].as_str() {
			Some("done") => return body,
			Some("failed") => panic!("job failed: {body}"),
			_ => tokio::time::sleep(Duration::from_millis(50)).await,
		}
	}
	panic!("job {id} did not finish");
}

#[tokio::test]
async fn a_json_job_renders_and_serves_proofs() {
	let state = state(ServeConfig::default());
	let app = router(state.clone());
	let mut request = small_request();
	let result_id = result_id_for(&request, b"a draw");
	request.result_id = Some(result_id);
	let body = serde_json::to_vec(&request.to_json()).unwrap();
	let (status, created) = call(&app, post("application/json", body)).await;
	assert_eq!(status, StatusCode::ACCEPTED, "{created}");
	let id = created["job_id"].as_str().unwrap().to_string();
	assert_eq!(id, result_id.to_string(), "a task's job is its result id");

	let done = wait_done(&app, &id).await;
	let (status, frames) = call(&app, get(&format!("/jobs/{id}/frames"))).await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(frames["frame_hashes"].as_array().unwrap().len(), 2);
	assert_eq!(frames["root"], done["root"]);

	let (status, proof) = call(&app, get(&format!("/jobs/{id}/proof?frame=1&tile=0"))).await;
	assert_eq!(status, StatusCode::OK, "{proof}");
	let tile_proof: TileProof = serde_json::from_value(proof["proof"].clone()).unwrap();
	let root = Hash32::from_hex(done["root"].as_str().unwrap()).unwrap();
	let scene = request.scene(None).unwrap();
	let verify = |id: &Hash32| {
		playnet_primitives::proof::tile::verify_tile(&request.spec, id, &scene, &tile_proof, &root)
	};
	assert!(verify(&result_id).is_ok());
	assert!(verify(&request.spec.task_id()).is_err(), "the root is bound to the result id");
}

#[tokio::test]
async fn two_tasks_of_one_spec_are_two_jobs_with_two_roots() {
	let app = router(state(ServeConfig::default()));
	let mut roots = Vec::new();
	for draw in [b"first".as_slice(), b"second"] {
		let mut request = small_request();
		request.result_id = Some(result_id_for(&request, draw));
		let (status, body) = call(&app, post("application/octet-stream", request.encode())).await;
		assert_eq!(status, StatusCode::ACCEPTED, "{body}");
		let done = wait_done(&app, body["job_id"].as_str().unwrap()).await;
		roots.push(done["root"].clone());
	}
	assert_ne!(roots[0], roots[1]);
}

#[tokio::test]
async fn a_scale_job_without_chunks_uses_the_world_seed() {
	let app = router(state(ServeConfig { world_seed: Some(SEED), ..Default::default() }));
	let mut request = small_request();
	request.chunks.clear();
	let (status, body) = call(&app, post("application/octet-stream", request.encode())).await;
	assert_eq!(status, StatusCode::ACCEPTED, "{body}");
	// Posting the same task again gives the same job.
	let (status, again) = call(&app, post("application/octet-stream", request.encode())).await;
	assert_eq!(status, StatusCode::OK);
	assert_eq!(again["job_id"], body["job_id"]);
}

#[tokio::test]
async fn a_bad_spec_is_rejected_and_creates_no_job() {
	let state = state(ServeConfig::default());
	let app = router(state.clone());
	let mut request = small_request();
	request.spec.width = 100_000;
	let body = serde_json::to_vec(&request.to_json()).unwrap();
	let (status, error) = call(&app, post("application/json", body)).await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
	assert!(error["error"].as_str().unwrap().contains("frame size"), "{error}");
	assert!(state.jobs().is_empty());
}

#[tokio::test]
async fn malformed_json_is_rejected_and_creates_no_job() {
	let state = state(ServeConfig::default());
	let app = router(state.clone());
	let (status, error) = call(&app, post("application/json", b"{\"spec\": 3".to_vec())).await;
	assert_eq!(status, StatusCode::BAD_REQUEST);
	assert!(error["error"].as_str().unwrap().contains("cannot parse"), "{error}");
	let (status, _) = call(&app, post("application/octet-stream", vec![1, 2, 3])).await;
	assert_eq!(status, StatusCode::BAD_REQUEST);
	assert!(state.jobs().is_empty());
}

#[tokio::test]
async fn a_missing_chunk_is_rejected_and_creates_no_job() {
	let state = state(ServeConfig::default());
	let app = router(state.clone());
	let mut request = small_request();
	// Drop every copy of one chunk's bytes (identical chunks, e.g. all air, share them).
	let dropped = request.chunks[0].clone();
	request.chunks.retain(|bytes| *bytes != dropped);
	let (status, error) = call(&app, post("application/octet-stream", request.encode())).await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
	assert!(error["error"].as_str().unwrap().contains("was not supplied"), "{error}");
	assert!(state.jobs().is_empty());
}

#[tokio::test]
async fn an_oversized_request_is_rejected_and_creates_no_job() {
	let state = state(ServeConfig { max_body: 1024, ..Default::default() });
	let app = router(state.clone());
	let body = serde_json::to_vec(&small_request().to_json()).unwrap();
	assert!(body.len() > 1024);
	let (status, _) = call(&app, post("application/json", body)).await;
	assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
	assert!(state.jobs().is_empty());
}

#[tokio::test]
async fn a_job_past_the_pixel_limit_is_rejected() {
	let state = state(ServeConfig { max_job_pixels: 1000, ..Default::default() });
	let app = router(state.clone());
	let body = serde_json::to_vec(&small_request().to_json()).unwrap();
	let (status, error) = call(&app, post("application/json", body)).await;
	assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
	assert!(error["error"].as_str().unwrap().contains("at most 1000"), "{error}");
	assert!(state.jobs().is_empty());
}

#[tokio::test]
async fn other_content_types_are_rejected() {
	let app = router(state(ServeConfig::default()));
	let (status, _) = call(&app, post("text/plain", b"hello".to_vec())).await;
	assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn an_unknown_job_is_not_found() {
	let app = router(state(ServeConfig::default()));
	let unknown = Hash32::of(b"no such task").to_string();
	for path in [
		format!("/jobs/{unknown}"),
		format!("/jobs/{unknown}/frames"),
		format!("/jobs/{unknown}/proof?frame=0&tile=0"),
		format!("/jobs/{unknown}/evidence?frame=0"),
	] {
		let (status, error) = call(&app, get(&path)).await;
		assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
		assert!(error["error"].as_str().unwrap().contains("no job"), "{error}");
	}
	let (status, _) = call(&app, get("/jobs/not-hex")).await;
	assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_proof_outside_the_task_is_a_bad_request() {
	let app = router(state(ServeConfig::default()));
	let body = serde_json::to_vec(&small_request().to_json()).unwrap();
	let (_, created) = call(&app, post("application/json", body)).await;
	let id = created["job_id"].as_str().unwrap().to_string();
	wait_done(&app, &id).await;
	let (status, _) = call(&app, get(&format!("/jobs/{id}/proof?frame=9&tile=0"))).await;
	assert_eq!(status, StatusCode::BAD_REQUEST);
	let (status, _) = call(&app, get(&format!("/jobs/{id}/proof?frame=zero"))).await;
	assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// Posts `request` and waits for it; returns the job id and its finished status.
async fn render_done(app: &Router, request: &JobRequest) -> (String, Value) {
	let (status, created) = call(app, post("application/octet-stream", request.encode())).await;
	assert_eq!(status, StatusCode::ACCEPTED, "{created}");
	let id = created["job_id"].as_str().unwrap().to_string();
	let done = wait_done(app, &id).await;
	(id, done)
}

fn hashes(value: &Value) -> Vec<Hash32> {
	serde_json::from_value(value.clone()).expect("a list of hashes")
}

#[tokio::test]
async fn a_frames_evidence_leads_from_its_tile_hashes_to_the_root() {
	let app = router(state(ServeConfig::default()));
	let mut request = small_request();
	let result_id = result_id_for(&request, b"a draw");
	request.result_id = Some(result_id);
	let (id, done) = render_done(&app, &request).await;
	let root = Hash32::from_hex(done["root"].as_str().unwrap()).unwrap();

	let (status, evidence) = call(&app, get(&format!("/jobs/{id}/evidence?frame=1"))).await;

	assert_eq!(status, StatusCode::OK, "{evidence}");
	assert_eq!(evidence["frame"], 1);
	assert_eq!(evidence["root"], done["root"]);
	let tile_hashes = hashes(&evidence["tile_hashes"]);
	let frame_path = hashes(&evidence["frame_path"]);
	assert_eq!(tile_hashes.len() as u32, tile_count(request.spec.width, request.spec.height));
	// What the chain checks: the frame hash commits to the result id and the tiles' root, and
	// its path leads to the accepted root.
	let tile_root = merkle_root(&tile_hashes).unwrap();
	let frame_hash = Hash32::of_parts(&[&result_id.0, &tile_root.0]);
	assert_eq!(evidence["frame_hash"], frame_hash.to_string());
	let path = MerkleProof { index: 1, leaf_count: 2, siblings: frame_path.clone() };
	assert!(path.verify(&frame_hash, &root).is_ok());
	// The SCALE form is the same pair.
	let scale = hex::decode(evidence["evidence_scale"].as_str().unwrap()).unwrap();
	let decoded = <(Vec<Hash32>, Vec<Hash32>)>::decode(&mut scale.as_slice()).unwrap();
	assert_eq!(decoded, (tile_hashes, frame_path));
}

#[tokio::test]
async fn evidence_outside_the_task_or_without_a_frame_is_a_bad_request() {
	let app = router(state(ServeConfig::default()));
	let (id, _) = render_done(&app, &small_request()).await;
	for query in ["frame=2", "frame=zero", "tile=0"] {
		let (status, error) = call(&app, get(&format!("/jobs/{id}/evidence?{query}"))).await;
		assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
		assert!(error["error"].as_str().unwrap().contains("frame"), "{error}");
	}
}

#[tokio::test]
async fn the_oldest_finished_jobs_are_forgotten_past_the_limit() {
	let state = state(ServeConfig { max_finished: 1, ..Default::default() });
	let app = router(state.clone());
	let first = small_request();
	let mut second = small_request();
	second.spec.frame_count = 1;
	second.spec.camera_path.truncate(1);
	let mut ids = Vec::new();
	for request in [&first, &second] {
		let body = serde_json::to_vec(&request.to_json()).unwrap();
		let (status, created) = call(&app, post("application/json", body)).await;
		assert_eq!(status, StatusCode::ACCEPTED, "{created}");
		let id = created["job_id"].as_str().unwrap().to_string();
		wait_done(&app, &id).await;
		ids.push(id);
	}
	let (status, _) = call(&app, get(&format!("/jobs/{}", ids[0]))).await;
	assert_eq!(status, StatusCode::NOT_FOUND);
	let (status, _) = call(&app, get(&format!("/jobs/{}", ids[1]))).await;
	assert_eq!(status, StatusCode::OK);
}

/// The path a contributor's `serve --backend auto` takes: the GPU on whatever adapter the
/// machine has (lavapipe in CI), else the CPU. A job of frames taller than one GPU dispatch
/// (256 rows) with a partial last dispatch has the CPU reference's frame hashes and root.
#[tokio::test]
async fn a_tall_job_on_the_auto_path_has_the_cpu_references_hashes() {
	let state =
		ApiState::start(Backend::Auto, Some(2), ServeConfig::default()).expect("a renderer");
	let app = router(state.clone());
	let (spec, chunks) = GeneratedTask::demo(SEED, 200, 520, 2).build();
	let mut request = JobRequest { spec, chunks, result_id: None };
	let result_id = result_id_for(&request, b"a tall draw");
	request.result_id = Some(result_id);
	let body = serde_json::to_vec(&request.to_json()).unwrap();
	let (status, created) = call(&app, post("application/json", body)).await;
	assert_eq!(status, StatusCode::ACCEPTED, "{created}");
	let id = created["job_id"].as_str().unwrap().to_string();
	let done = wait_done(&app, &id).await;
	let (status, frames) = call(&app, get(&format!("/jobs/{id}/frames"))).await;
	assert_eq!(status, StatusCode::OK);

	let spec = &request.spec;
	let scene = request.scene(None).unwrap();
	let tiles = (0..spec.frame_count)
		.map(|frame| {
			let pixels =
				playnet_primitives::render::frame::render_frame(&scene, spec, frame).pixels;
			playnet_primitives::proof::tile::frame_tile_hashes(&pixels, spec.width, spec.height)
		})
		.collect();
	let reference = playnet_primitives::TaskResult::new(result_id, tiles);
	assert_eq!(hashes(&frames["frame_hashes"]), reference.frame_hashes);
	assert_eq!(done["root"].as_str(), Some(reference.root.to_string().as_str()));
}

/// What a hostile client sends: random methods, paths, ids, queries, content types and
/// bodies, random or a valid job with one byte changed. The API always answers; no answer is
/// a 500; every refusal is a JSON `{"error": "..."}`; only a `202` makes a job; and it still
/// serves a good request afterwards. `PROPTEST_CASES=5000` runs more.
mod hostile {
	use super::*;
	use proptest::prelude::*;
	use std::sync::OnceLock;

	/// One runtime and one API for every case, with a job that is done.
	struct Shared {
		runtime: tokio::runtime::Runtime,
		state: ApiState,
		app: Router,
		done: String,
		json: Vec<u8>,
		scale: Vec<u8>,
	}

	fn shared() -> &'static Shared {
		static SHARED: OnceLock<Shared> = OnceLock::new();
		SHARED.get_or_init(|| {
			let runtime = tokio::runtime::Builder::new_multi_thread()
				.worker_threads(2)
				.enable_all()
				.build()
				.unwrap();
			// Small enough that a changed byte cannot make a long render.
			let config = ServeConfig { max_job_pixels: 64 * 48 * 2 * 4, ..Default::default() };
			let state = runtime.block_on(async { state(config) });
			let app = router(state.clone());
			let request = small_request();
			let json = serde_json::to_vec(&request.to_json()).unwrap();
			let scale = request.encode();
			let done = runtime.block_on(async {
				let (_, created) = call(&app, post("application/json", json.clone())).await;
				let id = created["job_id"].as_str().unwrap().to_string();
				wait_done(&app, &id).await;
				id
			});
			Shared { runtime, state, app, done, json, scale }
		})
	}

	fn method() -> impl Strategy<Value = &'static str> {
		prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])
	}

	/// Text of what a URI may carry: characters, bad and good escapes, numbers past `u32`.
	fn uri_text(max: usize) -> impl Strategy<Value = String> {
		let pieces: Vec<String> = "abcdef0123456789xyzXYZ-._~%=&/?+"
			.chars()
			.map(String::from)
			.chain(
				["%ff", "%00", "%zz", "%2F", "frame=", "tile=", "-1", "4294967296", "0x10"]
					.map(String::from),
			)
			.collect();
		prop::collection::vec(prop::sample::select(pieces), 0..max)
			.prop_map(|pieces| pieces.concat())
	}

	fn id() -> impl Strategy<Value = String> {
		prop_oneof![
			Just(shared().done.clone()),
			any::<[u8; 32]>().prop_map(hex::encode),
			uri_text(80),
		]
	}

	fn path() -> impl Strategy<Value = String> {
		(0..8usize, id(), uri_text(24)).prop_map(|(kind, id, query)| match kind {
			0 => "/health".to_owned(),
			1 => "/jobs".to_owned(),
			2 => format!("/jobs/{id}"),
			3 => format!("/jobs/{id}/frames"),
			4 => format!("/jobs/{id}/proof?{query}"),
			5 => format!("/jobs/{id}/evidence?{query}"),
			6 => format!("/jobs/{id}/{query}"),
			_ => format!("/{query}"),
		})
	}

	fn content_type() -> impl Strategy<Value = Option<&'static str>> {
		prop::option::of(prop::sample::select(vec![
			"application/json",
			"application/json; charset=utf-8",
			"application/octet-stream",
			"application/scale",
			"text/plain",
			"multipart/form-data",
			"",
		]))
	}

	/// Random bytes, or the valid JSON or SCALE job with one byte changed.
	fn body() -> impl Strategy<Value = Vec<u8>> {
		let changed = |valid: Vec<u8>| {
			(any::<prop::sample::Index>(), any::<u8>()).prop_map(move |(at, value)| {
				let mut bytes = valid.clone();
				let at = at.index(bytes.len());
				bytes[at] = if bytes[at] == value { value.wrapping_add(1) } else { value };
				bytes
			})
		};
		prop_oneof![
			prop::collection::vec(any::<u8>(), 0..256),
			changed(shared().json.clone()),
			changed(shared().scale.clone()),
		]
	}

	proptest! {
		#[test]
		fn every_request_is_answered_and_only_a_new_job_changes_the_jobs(
			method in method(),
			path in path(),
			content_type in content_type(),
			body in body(),
		) {
			let shared = shared();
			let mut builder = Request::builder().method(method).uri(&path);
			if let Some(content_type) = content_type {
				builder = builder.header("content-type", content_type);
			}
			let request = builder.body(Body::from(body));
			prop_assume!(request.is_ok(), "not a URI: {}", path);
			let jobs = shared.state.jobs().len();
			let (status, answer) = shared.runtime.block_on(call(&shared.app, request.unwrap()));

			prop_assert!(
				status != StatusCode::INTERNAL_SERVER_ERROR,
				"{method} {path}: {status} {answer}"
			);
			if !status.is_success() && method != "HEAD" {
				prop_assert!(
					answer["error"].is_string(),
					"{method} {path}: {status} without a JSON error: {answer}"
				);
			}
			if status != StatusCode::ACCEPTED {
				prop_assert_eq!(shared.state.jobs().len(), jobs, "{} {}: {}", method, path, status);
			}
			let (health, _) = shared.runtime.block_on(call(&shared.app, get("/health")));
			prop_assert_eq!(health, StatusCode::OK);
		}
	}
}
