//! Native timings of every weighed path in its worst case, from which `weights.rs` estimates
//! the weights until the benchmark CLI can run. Not a test of behaviour: it is ignored by
//! default and prints a table.
//!
//! `cargo test --release -p pallet-world -- --ignored --nocapture measure`

use super::mock::*;
use crate::{pallet::*, types::*};
use playnet_primitives::{
	world::{blocks::STONE, encoding::encode_chunk},
	BlockEdit, Chunk, ChunkCoord, ContentHash,
};
use polkadot_sdk::frame_support::traits::Hooks;
use std::time::{Duration, Instant};

const RUNS: usize = 25;

fn largest_chunk() -> Chunk {
	Chunk::from_blocks((0..4096u32).map(|i| (i % 16) as u16).collect()).unwrap()
}

fn distinct_edits(count: u32) -> Vec<BlockEdit> {
	(0..count)
		.map(|i| BlockEdit {
			x: (i % 16) as u8,
			z: ((i / 16) % 16) as u8,
			y: ((i / 256) % 16) as u8,
			block: STONE,
		})
		.collect()
}

/// The largest chunk at `coord`, version 2, a full log of blocks changed at version 1.
fn store_largest(coord: ChunkCoord) {
	let bytes = encode_chunk(&largest_chunk());
	Chunks::<Test>::insert(
		coord,
		ChunkRecord {
			version: 2,
			content_hash: ContentHash::of(&bytes),
			author: None,
			updated_at: 0,
		},
	);
	EncodedChunks::<Test>::insert(coord, ChunkBytes::truncate_from(bytes));
	let mut log = crate::ChangeLogOf::<Test>::default();
	log.record((0..MAX_TRACKED).map(|i| (4095 - i) as u16), 1);
	ChangeLogs::<Test>::insert(coord, log);
}

/// Alice owns `coord`'s region with a full editor list ending in Bob.
fn claim_full(coord: ChunkCoord) {
	let region = RegionCoord::of(&coord);
	World::claim_region(RuntimeOrigin::signed(ALICE), region).unwrap();
	World::allow_editor(RuntimeOrigin::signed(ALICE), region, CAROL).unwrap();
	World::allow_editor(RuntimeOrigin::signed(ALICE), region, BOB).unwrap();
}

fn fill_queue(room: u32) {
	for i in 0..MAX_PENDING - room {
		queue(CAROL, ChunkCoord::new(-1_000 - i as i32, 0, 1_000), 0, &[stone(0)], NOW);
	}
}

/// The slowest of [`RUNS`] runs of `run` after `setup`, each in a fresh world.
fn slowest(setup: impl Fn(), run: impl Fn()) -> Duration {
	(0..RUNS)
		.map(|_| {
			new_test_ext().execute_with(|| {
				setup();
				let start = Instant::now();
				run();
				start.elapsed()
			})
		})
		.max()
		.unwrap_or_default()
}

const DEEP: ChunkCoord = ChunkCoord::new(3, 1, -2);
const STORED: ChunkCoord = ChunkCoord::new(5, 4, 7);

#[test]
#[ignore = "prints native timings for weights.rs"]
fn measure() {
	let mut rows: Vec<(String, Duration)> = Vec::new();
	for e in [1, MAX_EDITS] {
		let edits = distinct_edits(e);
		rows.push((
			format!("apply_edits(e={e})"),
			slowest(
				|| {
					claim_full(STORED);
					store_largest(STORED);
					fill_queue(1);
				},
				|| {
					World::apply_edits(RuntimeOrigin::signed(BOB), STORED, 1, bounded(&edits), NOW)
						.unwrap();
				},
			),
		));
		rows.push((
			format!("finalize_generated_chunk(e={e})"),
			slowest(
				|| {
					claim_full(DEEP);
					queue(BOB, DEEP, 0, &edits, NOW);
				},
				|| World::on_finalize(1),
			),
		));
		rows.push((
			format!("finalize_stored_chunk(e={e})"),
			slowest(
				|| {
					claim_full(STORED);
					store_largest(STORED);
					queue(BOB, STORED, 1, &edits, NOW);
				},
				|| World::on_finalize(1),
			),
		));
	}
	for count in [1, MAX_PENDING] {
		rows.push((
			format!("finalize_submissions(s={count})"),
			slowest(
				|| {
					store_largest(STORED);
					for i in 0..count {
						let edits: Vec<BlockEdit> = distinct_edits(MAX_EDITS)
							.into_iter()
							.map(|edit| BlockEdit { y: i as u8, ..edit })
							.collect();
						queue(BOB, STORED, 1, &edits, NOW);
					}
				},
				|| World::on_finalize(1),
			),
		));
	}
	rows.push(("on_finalize_idle".into(), slowest(|| {}, || World::on_finalize(1))));
	let deep_hash = ContentHash::of(&encode_chunk(&generated(DEEP)));
	rows.push((
		"pin_version(generated)".into(),
		slowest(|| {}, || World::pin_version(DEEP, deep_hash).unwrap()),
	));
	let mut replacement = largest_chunk();
	replacement.set(0, 0, 0, STONE);
	let bytes = ChunkBytes::truncate_from(encode_chunk(&replacement));
	rows.push((
		"replace_chunk".into(),
		slowest(
			|| {
				World::claim_region(RuntimeOrigin::signed(ALICE), RegionCoord::of(&STORED))
					.unwrap();
				store_largest(STORED);
			},
			|| {
				World::replace_chunk(RuntimeOrigin::signed(ALICE), STORED, bytes.clone()).unwrap();
			},
		),
	));
	let region = RegionCoord::of(&STORED);
	rows.push((
		"claim_region".into(),
		slowest(|| {}, || World::claim_region(RuntimeOrigin::signed(ALICE), region).unwrap()),
	));
	rows.push((
		"release_region".into(),
		slowest(
			|| claim_full(STORED),
			|| World::release_region(RuntimeOrigin::signed(ALICE), region).unwrap(),
		),
	));
	rows.push((
		"allow_editor".into(),
		slowest(
			|| {
				World::claim_region(RuntimeOrigin::signed(ALICE), region).unwrap();
				World::allow_editor(RuntimeOrigin::signed(ALICE), region, CAROL).unwrap();
			},
			|| World::allow_editor(RuntimeOrigin::signed(ALICE), region, BOB).unwrap(),
		),
	));
	rows.push((
		"disallow_editor".into(),
		slowest(
			|| claim_full(STORED),
			|| World::disallow_editor(RuntimeOrigin::signed(ALICE), region, BOB).unwrap(),
		),
	));
	println!("slowest of {RUNS} native runs (mock: {MAX_EDITS} edits, {MAX_TRACKED} tracked):");
	for (name, time) in rows {
		println!("  {name:<34} {:>10.1} us", time.as_secs_f64() * 1e6);
	}
}
