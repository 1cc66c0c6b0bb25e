//! Decoders fed what a hostile poster, worker or peer sends: arbitrary bytes, and valid
//! encodings with one byte changed or the end cut off. Every decoder returns a value or an
//! error and never panics; a value it returns encodes back to exactly the bytes it read, so a
//! spec's identity (the hash of its encoding) has one set of bytes; and what runs on a decoded
//! value (a spec's `validate`, `Scene::from_encoded`, `verify_tile`) answers for anything
//! that decodes. No single changed byte of a valid tile proof verifies.
//!
//! Random and mutated input, not coverage-guided: `PROPTEST_CASES=100000 cargo test --release
//! --test decoders` runs more of it.

use codec::{Decode, DecodeAll, Encode};
use playnet_primitives::{
	demo::GeneratedTask,
	proof::tile::{frame_tile_hashes, verify_tile},
	render::frame::render_frame,
	result_id, ChunkCoord, Hash32, RenderSpec, Scene, TaskResult, TileProof,
};
use proptest::prelude::*;
use std::sync::OnceLock;

/// A small valid task: its spec, its chunks' encodings, its scene, and a correct result of
/// two frames with the id its frame hashes commit to.
struct Task {
	spec: RenderSpec,
	chunks: Vec<Vec<u8>>,
	scene: Scene,
	id: Hash32,
	result: TaskResult,
}

fn task() -> &'static Task {
	static TASK: OnceLock<Task> = OnceLock::new();
	TASK.get_or_init(|| {
		let mut generated = GeneratedTask::demo(5, 130, 70, 2);
		generated.min_chunk = ChunkCoord::new(-1, 3, -1);
		generated.max_chunk = ChunkCoord::new(0, 4, 0);
		let (spec, chunks) = generated.build();
		let scene = Scene::from_encoded(&spec, &chunks).expect("a generated scene is valid");
		let tiles = (0..spec.frame_count)
			.map(|f| {
				frame_tile_hashes(&render_frame(&scene, &spec, f).pixels, spec.width, spec.height)
			})
			.collect();
		let id = result_id(&spec.task_id(), &Hash32::of(b"decoders"));
		let result = TaskResult::new(id, tiles);
		Task { spec, chunks, scene, id, result }
	})
}

/// `bytes` with the byte at `at` replaced by `value` (a no-op change is made a real one).
fn changed(mut bytes: Vec<u8>, at: prop::sample::Index, value: u8) -> Vec<u8> {
	let at = at.index(bytes.len());
	bytes[at] = if bytes[at] == value { value.wrapping_add(1) } else { value };
	bytes
}

/// Decodes `bytes` whole (a value must use every byte) and checks that it encodes back to
/// them.
fn decode_whole<T: Decode + DecodeAll + Encode>(bytes: &[u8]) -> Result<Option<T>, TestCaseError> {
	let Ok(value) = T::decode(&mut &bytes[..]) else { return Ok(None) };
	let encoded = value.encode();
	if encoded.len() != bytes.len() {
		// A prefix decoded; the rest is trailing bytes, which a whole decode refuses.
		prop_assert!(T::decode_all(&mut &bytes[..]).is_err());
		return Ok(None);
	}
	prop_assert_eq!(&encoded[..], bytes, "two encodings of one value");
	Ok(Some(value))
}

/// Everything that runs on a decoded spec: it answers, and a spec it accepts renders a scene
/// only from chunks that match it.
fn use_spec(spec: &RenderSpec) {
	if spec.validate().is_ok() {
		let _ = spec.task_id();
		let _ = spec.tiles_per_frame();
		let _ = Scene::from_encoded(spec, &task().chunks);
	}
}

proptest! {
	#[test]
	fn arbitrary_bytes_are_never_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
		if let Some(spec) = decode_whole::<RenderSpec>(&bytes)? {
			use_spec(&spec);
		}
		if let Some(proof) = decode_whole::<TileProof>(&bytes)? {
			let t = task();
			prop_assert!(verify_tile(&t.spec, &t.id, &t.scene, &proof, &t.result.root).is_err());
		}
	}

	#[test]
	fn a_spec_with_a_byte_changed_decodes_to_another_spec_or_not_at_all(
		at in any::<prop::sample::Index>(),
		value in any::<u8>(),
	) {
		let t = task();
		let bytes = changed(t.spec.encode(), at, value);
		if let Some(spec) = decode_whole::<RenderSpec>(&bytes)? {
			prop_assert_ne!(spec.task_id(), t.spec.task_id());
			use_spec(&spec);
		}
	}

	#[test]
	fn a_cut_spec_or_proof_does_not_decode(cut in any::<prop::sample::Index>()) {
		let t = task();
		let spec = t.spec.encode();
		prop_assert!(RenderSpec::decode_all(&mut &spec[..cut.index(spec.len())]).is_err());
		let proof = t.result.tile_proof(1, 1).expect("tile 1 of frame 1").encode();
		prop_assert!(TileProof::decode_all(&mut &proof[..cut.index(proof.len())]).is_err());
	}

	#[test]
	fn no_single_changed_byte_of_a_valid_proof_verifies(
		frame in 0u32..2,
		tile in 0u32..2,
		at in any::<prop::sample::Index>(),
		value in any::<u8>(),
	) {
		let t = task();
		let proof = t.result.tile_proof(frame, tile).expect("a tile of the result");
		prop_assert!(verify_tile(&t.spec, &t.id, &t.scene, &proof, &t.result.root).is_ok());
		let bytes = changed(proof.encode(), at, value);
		if let Some(altered) = decode_whole::<TileProof>(&bytes)? {
			prop_assert!(
				verify_tile(&t.spec, &t.id, &t.scene, &altered, &t.result.root).is_err(),
				"{:?} verified", altered
			);
		}
	}
}
