//! The scheduler: every phase ends at the start of the block after its deadline, however
//! many share a block; calls past a deadline are refused before it fires.

use super::mock::*;
use crate::{DeadlineCursor, Deadlines, Error};
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

#[test]
fn more_deadlines_than_a_block_fires_all_fire_earliest_first_over_the_next_blocks() {
	test(|| {
		let ids: Vec<u64> = (0..5).map(|_| open()).collect();
		let deadline = 1 + ACCEPT_PERIOD;
		run_to(deadline + 1);
		let open_now = ids.iter().filter(|id| Sessions::session(**id).is_some()).count();
		assert_eq!(open_now, 3, "two fire per block");
		run_to(deadline + 3);
		assert!(ids.iter().all(|id| Sessions::session(*id).is_none()));
		assert_eq!(free(PLAYER), PLAYER_FUNDS);
		assert_eq!(DeadlineCursor::<Test>::get(), deadline + 4, "past the last block fired");
	});
}

#[test]
fn a_deadline_firing_late_does_not_let_calls_in_past_it() {
	test(|| {
		let id = open_accepted();
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
		let deadline = Sessions::session(id).expect("closing").deadline;
		run_to(deadline);
		// The next block has begun but its start has not fired the deadline yet.
		System::set_block_number(deadline + 1);
		let late = receipt(id, HOST, 60_000);
		assert_noop!(
			Sessions::settle_receipt(RuntimeOrigin::signed(HOST), id, late, player_signs(&late)),
			Error::<Test>::PhaseOver
		);
		assert_noop!(
			Sessions::end_session(RuntimeOrigin::signed(PLAYER), id),
			Error::<Test>::NotOpen
		);
	});
}

#[test]
fn a_phase_that_ends_early_leaves_no_stale_deadline() {
	test(|| {
		let id = open();
		let proposed = Sessions::session(id).expect("open").deadline;
		assert_ok!(Sessions::accept_session(RuntimeOrigin::signed(HOST), id));
		assert!(!Deadlines::<Test>::contains_key(proposed + 1, id));
		assert_ok!(Sessions::end_session(RuntimeOrigin::signed(PLAYER), id));
		let hard_end = Sessions::session(id).expect("closing").hard_end;
		assert!(!Deadlines::<Test>::contains_key(hard_end + 1, id));
		assert_eq!(Deadlines::<Test>::iter().count(), 1);
	});
}
