//! Reputation: the record of task and session outcomes and the score it gives.

use super::mock::*;
use crate::{pallet::*, Event as StakeEvent, Outcome, ReputationRecord, NEUTRAL_REPUTATION};
use polkadot_sdk::sp_runtime::Permill;

fn record(agreed: u32, missed: u32, lost: u32, frauds: u32) -> ReputationRecord {
	ReputationRecord { agreed, missed, lost, frauds, ..Default::default() }
}

fn report(who: AccountId, outcome: Outcome, times: u32) {
	for _ in 0..times {
		Stake::record_outcome(&who, outcome);
	}
}

#[test]
fn a_new_account_has_neutral_reputation() {
	test(|| {
		assert_eq!(Stake::reputation(&ALICE), NEUTRAL_REPUTATION);
		assert_eq!(NEUTRAL_REPUTATION, Permill::from_percent(50));
		let view = Stake::reputation_view(&ALICE);
		assert_eq!(view.record, ReputationRecord::default());
		assert_eq!(view.score, NEUTRAL_REPUTATION);
	});
}

#[test]
fn the_score_follows_the_documented_formula() {
	// 1_000_000 * (agreed + 1) / (agreed + missed + 2 * lost + 2), >> 4 per fraud.
	assert_eq!(record(1, 0, 0, 0).score(), Permill::from_parts(666_666));
	assert_eq!(record(0, 1, 0, 0).score(), Permill::from_parts(333_333));
	assert_eq!(record(0, 0, 1, 0).score(), Permill::from_parts(250_000));
	assert_eq!(record(98, 0, 0, 0).score(), Permill::from_parts(990_000));
	assert_eq!(record(8, 1, 0, 0).score(), Permill::from_parts(818_181));
	assert_eq!(record(7, 0, 1, 0).score(), Permill::from_parts(727_272));
	assert_eq!(record(0, 0, 0, 1).score(), Permill::from_parts(31_250));
	assert_eq!(record(98, 0, 0, 1).score(), Permill::from_parts(61_875));
}

#[test]
fn agreeing_raises_and_missing_or_losing_lowers_the_score() {
	test(|| {
		report(ALICE, Outcome::Agreed, 1);
		assert!(Stake::reputation(&ALICE) > NEUTRAL_REPUTATION);
		report(BOB, Outcome::Missed, 1);
		assert!(Stake::reputation(&BOB) < NEUTRAL_REPUTATION);
		report(CAROL, Outcome::Lost, 1);
		assert!(Stake::reputation(&CAROL) < Stake::reputation(&BOB), "losing costs more");
	});
}

#[test]
fn fraud_crushes_the_score() {
	test(|| {
		report(ALICE, Outcome::Agreed, 1_000);
		assert!(Stake::reputation(&ALICE) > Permill::from_percent(99));
		report(ALICE, Outcome::Fraud, 1);
		assert!(Stake::reputation(&ALICE) < Permill::from_percent(7));
		report(ALICE, Outcome::Fraud, 4);
		assert_eq!(Stake::reputation(&ALICE), Permill::zero());
		// A worker that only ever missed tasks still outranks one fraud.
		report(BOB, Outcome::Missed, 10);
		report(CAROL, Outcome::Fraud, 1);
		assert!(Stake::reputation(&BOB) > Stake::reputation(&CAROL));
	});
}

#[test]
fn recording_an_outcome_updates_the_record_and_reports_the_score() {
	test(|| {
		Stake::record_outcome(&ALICE, Outcome::Agreed);
		Stake::record_outcome(&ALICE, Outcome::Missed);
		Stake::record_outcome(&ALICE, Outcome::Lost);
		Stake::record_outcome(&ALICE, Outcome::Fraud);
		assert_eq!(Records::<Test>::get(ALICE), record(1, 1, 1, 1));
		System::assert_last_event(
			StakeEvent::OutcomeRecorded {
				who: ALICE,
				outcome: Outcome::Fraud,
				reputation: record(1, 1, 1, 1).score(),
			}
			.into(),
		);
	});
}

#[test]
fn counters_saturate_instead_of_wrapping() {
	let mut full = record(u32::MAX, u32::MAX, u32::MAX, u32::MAX);
	full.note(Outcome::Agreed);
	full.note(Outcome::Fraud);
	assert_eq!(full, record(u32::MAX, u32::MAX, u32::MAX, u32::MAX));
	assert_eq!(full.score(), Permill::zero());
	assert_eq!(record(u32::MAX, 0, 0, 0).score(), Permill::from_parts(999_999));
	assert_eq!(record(0, u32::MAX, u32::MAX, 0).score(), Permill::zero());
}

#[test]
fn leaving_does_not_wash_the_record_clean() {
	test(|| {
		bond(ALICE, 500);
		report(ALICE, Outcome::Fraud, 1);
		unbond(ALICE, 500);
		run_to_block(1 + UNBONDING_PERIOD);
		polkadot_sdk::frame_support::assert_ok!(Stake::withdraw_unbonded(RuntimeOrigin::signed(
			ALICE
		)));
		bond(ALICE, 500);
		assert_eq!(Records::<Test>::get(ALICE).frauds, 1);
		assert!(Stake::reputation(&ALICE) < NEUTRAL_REPUTATION);
	});
}

#[test]
fn sessions_count_like_tasks_served_like_agreed_abandoned_like_missed_disputed_like_fraud() {
	let served = ReputationRecord { served: 1, ..Default::default() };
	assert_eq!(served.score(), record(1, 0, 0, 0).score());
	let abandoned = ReputationRecord { abandoned: 1, ..Default::default() };
	assert_eq!(abandoned.score(), record(0, 1, 0, 0).score());
	let disputed = ReputationRecord { agreed: 98, disputed: 1, ..Default::default() };
	assert_eq!(disputed.score(), record(98, 0, 0, 1).score());
	let mixed = ReputationRecord { agreed: 4, served: 4, abandoned: 1, ..Default::default() };
	assert_eq!(mixed.score(), record(8, 1, 0, 0).score());
	test(|| {
		Stake::record_outcome(&ALICE, Outcome::Served);
		Stake::record_outcome(&ALICE, Outcome::Abandoned);
		Stake::record_outcome(&ALICE, Outcome::Disputed);
		assert_eq!(
			Records::<Test>::get(ALICE),
			ReputationRecord { served: 1, abandoned: 1, disputed: 1, ..Default::default() }
		);
	});
}
