//! Scenes: a task's scene must name the world's current version of every chunk when it is
//! posted, and the world keeps those versions pinned until the task ends, however it ends and
//! however the chunks are edited meanwhile.

use super::mock::*;
use crate::{pallet::*, RefundReason, TaskIndex};
use playnet_primitives::{ChunkCoord, ContentHash, Hash32, RenderSpec};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

/// Whether every chunk version of the small scene is pinned `times` times.
fn scene_pinned(times: u32) -> bool {
	spec().scene.iter().all(|chunk| pins_of(chunk.coord, chunk.content_hash) == times)
}

/// A chunk in the middle of the small scene.
fn middle() -> ChunkCoord {
	spec().scene[20].coord
}

/// The small spec with the middle chunk named at `content_hash`.
fn spec_naming_middle(content_hash: ContentHash) -> RenderSpec {
	let mut spec = spec();
	spec.scene[20].content_hash = content_hash;
	spec
}

/// Every assigned worker reveals a root of its own: no majority, the poster is refunded.
fn refund_for_no_majority(task: TaskIndex) {
	let roots: Vec<Hash32> = (0..K).map(|i| Hash32::of(&[i as u8])).collect();
	commit_and_reveal(task, &roots);
	assert!(render_events().contains(&crate::Event::TaskRefunded {
		task,
		poster: POSTER,
		amount: FEE,
		reason: RefundReason::NoMajority,
	}));
}

#[test]
fn a_scene_chunk_hash_the_world_does_not_have_is_refused_and_nothing_changes() {
	new_test_ext().execute_with(|| {
		let made_up = spec_naming_middle(Hash32::of(b"no such chunk"));
		assert_noop!(
			Render::post_task(RuntimeOrigin::signed(POSTER), made_up, FEE),
			Error::<Test>::SceneChunkUnknown
		);
		assert!(scene_pinned(0), "the chunks before the unknown one are released");
	});
}

#[test]
fn a_scene_naming_a_version_edited_away_before_the_post_is_refused() {
	new_test_ext().execute_with(|| {
		edit_chunk(middle());
		assert_noop!(
			Render::post_task(RuntimeOrigin::signed(POSTER), spec(), FEE),
			Error::<Test>::SceneChunkUnknown
		);
	});
}

#[test]
fn a_scene_of_unedited_chunks_at_their_generated_hashes_is_accepted_and_pinned() {
	new_test_ext().execute_with(|| {
		for chunk in &spec().scene {
			assert_eq!(chunk.content_hash, generated_hash(chunk.coord));
		}
		post_only();
		assert!(scene_pinned(1));
	});
}

#[test]
fn a_scene_naming_an_edited_chunks_current_version_is_accepted_and_pinned() {
	new_test_ext().execute_with(|| {
		let current = edit_chunk(middle());
		assert_ok!(Render::post_task(
			RuntimeOrigin::signed(POSTER),
			spec_naming_middle(current),
			FEE
		));
		assert_eq!(pins_of(middle(), current), 1);
		assert_eq!(pins_of(middle(), generated_hash(middle())), 0);
	});
}

#[test]
fn a_post_refused_after_its_scene_was_checked_leaves_nothing_pinned() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Render::post_task(RuntimeOrigin::signed(PAUPER), spec(), FEE),
			Error::<Test>::EscrowUnavailable
		);
		assert!(scene_pinned(0));
	});
}

#[test]
fn a_version_edited_after_the_post_stays_pinned_until_the_task_ends() {
	new_test_ext().execute_with(|| {
		let task = post();
		let posted = generated_hash(middle());
		edit_chunk(middle());
		run_to(System::block_number() + 3);
		assert_eq!(pins_of(middle(), posted), 1, "the posted version, not the current one");

		refund_for_no_majority(task);
		assert_eq!(pins_of(middle(), posted), 0);
	});
}

#[test]
fn a_settled_task_releases_its_pins() {
	new_test_ext().execute_with(|| {
		let task = post();
		let root = correct_result(task).root;
		commit_and_reveal(task, &[root; 3]);
		let settles_after = Tasks::<Test>::get(task).unwrap().deadline;
		run_to(settles_after);
		assert!(scene_pinned(1), "pinned through the fraud window");

		next_block();
		assert!(Tasks::<Test>::get(task).is_none(), "settled");
		assert!(scene_pinned(0));
	});
}

#[test]
fn a_refunded_task_releases_its_pins() {
	new_test_ext().execute_with(|| {
		let task = post();
		refund_for_no_majority(task);
		assert!(scene_pinned(0));
	});
}

#[test]
fn an_overturned_task_releases_its_pins() {
	new_test_ext().execute_with(|| {
		let task = post();
		commit_and_reveal(task, &[Hash32::of(b"a root nobody rendered"); 3]);
		assert_ok!(Render::challenge(RuntimeOrigin::signed(REPORTER), task, 0));
		// Nobody answers: the result falls when the task's deadline fires.
		run_to(Tasks::<Test>::get(task).unwrap().deadline + 1);
		assert!(render_events().contains(&crate::Event::TaskRefunded {
			task,
			poster: POSTER,
			amount: FEE,
			reason: RefundReason::ChallengeUnanswered,
		}));
		assert!(scene_pinned(0));
	});
}

#[test]
fn two_tasks_naming_one_version_keep_it_pinned_until_both_end() {
	new_test_ext().execute_with(|| {
		let first = post_only();
		let second = post();
		assert!(scene_pinned(2));

		refund_for_no_majority(first);
		assert!(scene_pinned(1), "the second task still names it");

		refund_for_no_majority(second);
		assert!(scene_pinned(0));
	});
}
