//! Slashing: a share to the reporter, the rest burned, unlocking funds included, and total
//! issuance falling by exactly the burn.

use super::mock::*;
use crate::{pallet::*, Event as StakeEvent, SlashAmount, SlashSplit, UnlockChunk};
use polkadot_sdk::{frame_support::traits::fungible::Inspect, sp_runtime::Perbill};

fn issuance() -> Balance {
	Balances::total_issuance()
}

#[test]
fn a_slash_pays_the_reporter_and_burns_the_rest() {
	test(|| {
		bond(ALICE, 1_000);
		let before = issuance();
		let split =
			Stake::slash(&ALICE, SlashAmount::Fraction(Perbill::from_percent(50)), Some(REPORTER));
		assert_eq!(split, SlashSplit { slashed: 500, to_reporter: 50, burned: 450 });
		assert_eq!(issuance(), before - 450, "issuance falls by the burn only");
		assert_eq!(Balances::balance(&REPORTER), ENDOWMENT + 50);
		assert_eq!(Stake::bonded(&ALICE), 500);
		assert_eq!(held(ALICE), 500);
		assert_eq!(Balances::balance(&ALICE), ENDOWMENT - 1_000, "free balance untouched");
		assert_eq!(TotalActive::<Test>::get(), 500);
		assert_eq!(TotalBurned::<Test>::get(), 450);
		System::assert_last_event(
			StakeEvent::Slashed {
				who: ALICE,
				amount: 500,
				reporter: Some(REPORTER),
				to_reporter: 50,
				burned: 450,
			}
			.into(),
		);
	});
}

#[test]
fn a_slash_without_a_reporter_burns_everything() {
	test(|| {
		bond(ALICE, 1_000);
		let before = issuance();
		let split = Stake::slash(&ALICE, SlashAmount::Exact(300), None);
		assert_eq!(split, SlashSplit { slashed: 300, to_reporter: 0, burned: 300 });
		assert_eq!(issuance(), before - 300);
		assert_eq!(Stake::bonded(&ALICE), 700);
	});
}

#[test]
fn the_slashed_account_cannot_report_itself() {
	test(|| {
		bond(ALICE, 1_000);
		let split = Stake::slash(&ALICE, SlashAmount::Exact(300), Some(ALICE));
		assert_eq!(split, SlashSplit { slashed: 300, to_reporter: 0, burned: 300 });
		assert_eq!(Balances::balance(&ALICE), ENDOWMENT - 1_000);
	});
}

#[test]
fn a_share_too_small_for_a_new_account_is_burned() {
	test(|| {
		bond(ALICE, 1_000);
		let before = issuance();
		// 10% of 50 is 5, below the existential deposit of an account that does not exist.
		let split = Stake::slash(&ALICE, SlashAmount::Exact(50), Some(PAUPER));
		assert_eq!(split, SlashSplit { slashed: 50, to_reporter: 0, burned: 50 });
		assert_eq!(issuance(), before - 50);
		assert_eq!(Balances::balance(&PAUPER), 0);
		System::assert_last_event(
			StakeEvent::Slashed {
				who: ALICE,
				amount: 50,
				reporter: None,
				to_reporter: 0,
				burned: 50,
			}
			.into(),
		);
	});
}

#[test]
fn unbonding_does_not_escape_a_slash() {
	test(|| {
		bond(ALICE, 1_000);
		unbond(ALICE, 400);
		run_to_block(2);
		unbond(ALICE, 500);
		// 100 active, chunks of 400 and 500: the slash takes the active bond, then the latest
		// chunk, then the earlier one.
		let split = Stake::slash(&ALICE, SlashAmount::Exact(700), None);
		assert_eq!(split.slashed, 700);
		let ledger = Ledgers::<Test>::get(ALICE).unwrap();
		assert_eq!(ledger.active, 0);
		assert_eq!(
			ledger.unlocking.into_inner(),
			vec![UnlockChunk { value: 300, unlock_at: 1 + UNBONDING_PERIOD }]
		);
		assert_eq!(held(ALICE), 300);
		assert_eq!(TotalActive::<Test>::get(), 0);
	});
}

#[test]
fn a_fraction_is_taken_of_active_and_unlocking_funds() {
	test(|| {
		bond(ALICE, 1_000);
		unbond(ALICE, 600);
		let split = Stake::slash(&ALICE, SlashAmount::Fraction(Perbill::from_percent(50)), None);
		assert_eq!(split.slashed, 500);
		assert_eq!(Ledgers::<Test>::get(ALICE).unwrap().total(), 500);
	});
}

#[test]
fn a_slash_never_takes_more_than_the_ledger_holds() {
	test(|| {
		bond(ALICE, 1_000);
		let before = issuance();
		let split = Stake::slash(&ALICE, SlashAmount::Exact(1_000_000), Some(REPORTER));
		assert_eq!(split, SlashSplit { slashed: 1_000, to_reporter: 100, burned: 900 });
		assert_eq!(issuance(), before - 900);
		assert_eq!(Balances::balance(&ALICE), ENDOWMENT - 1_000, "free balance untouched");
		assert!(Ledgers::<Test>::get(ALICE).is_none(), "an emptied ledger is removed");
		assert_eq!(Ledgers::<Test>::count(), 0);
		System::assert_last_event(StakeEvent::ContributorLeft { who: ALICE }.into());
	});
}

#[test]
fn slashing_nothing_changes_nothing() {
	test(|| {
		let before = issuance();
		assert_eq!(
			Stake::slash(&BOB, SlashAmount::Exact(100), Some(REPORTER)),
			SlashSplit::default()
		);
		bond(ALICE, 1_000);
		let events = System::events().len();
		assert_eq!(Stake::slash(&ALICE, SlashAmount::Exact(0), None), SlashSplit::default());
		assert_eq!(
			Stake::slash(&ALICE, SlashAmount::Fraction(Perbill::zero()), None),
			SlashSplit::default()
		);
		assert_eq!(System::events().len(), events);
		assert_eq!(issuance(), before);
		assert_eq!(Stake::bonded(&ALICE), 1_000);
	});
}

#[test]
fn a_slash_below_the_minimum_ends_the_contributor() {
	test(|| {
		bond(ALICE, 150);
		Stake::slash(&ALICE, SlashAmount::Exact(60), None);
		assert_eq!(Stake::bonded(&ALICE), 90);
		assert!(!Stake::is_contributor(&ALICE));
		assert!(Stake::contributors_weighted().is_empty());
		// Topping up to the minimum makes it a contributor again.
		bond(ALICE, 10);
		assert!(Stake::is_contributor(&ALICE));
	});
}

#[test]
fn issuance_changes_only_by_slash_burns() {
	test(|| {
		let start = issuance();
		bond(ALICE, 1_000);
		bond(BOB, 2_000);
		unbond(BOB, 500);
		Stake::record_outcome(&BOB, crate::Outcome::Fraud);
		assert_eq!(issuance(), start, "bonding, unbonding and reputation mint and burn nothing");
		let first =
			Stake::slash(&ALICE, SlashAmount::Fraction(Perbill::from_percent(33)), Some(REPORTER));
		let second = Stake::slash(&BOB, SlashAmount::Exact(777), Some(CAROL));
		run_to_block(1 + UNBONDING_PERIOD);
		polkadot_sdk::frame_support::assert_ok!(Stake::withdraw_unbonded(RuntimeOrigin::signed(
			BOB
		)));
		assert_eq!(issuance(), start - first.burned - second.burned);
		assert_eq!(TotalBurned::<Test>::get(), first.burned + second.burned);
		let total: Balance = (1..=8).map(|who| Balances::total_balance(&who)).sum();
		assert_eq!(total, issuance(), "every unit is still in some account");
	});
}
