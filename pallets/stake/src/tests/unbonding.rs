//! Unbonding and withdrawing: the unbonding period, unlocking chunks, leaving, and the errors
//! of accounts that are not bonded.

use super::mock::*;
use crate::{pallet::*, Event as StakeEvent, UnlockChunk};
use polkadot_sdk::frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};

fn withdraw(who: AccountId) -> polkadot_sdk::sp_runtime::DispatchResult {
	Stake::withdraw_unbonded(RuntimeOrigin::signed(who))
}

fn chunks(who: AccountId) -> Vec<UnlockChunk<Balance, u64>> {
	Ledgers::<Test>::get(who).map(|ledger| ledger.unlocking.into_inner()).unwrap_or_default()
}

#[test]
fn unbonding_starts_the_unbonding_period() {
	test(|| {
		bond(ALICE, 500);
		unbond(ALICE, 200);
		let unlock_at = 1 + UNBONDING_PERIOD;
		assert_eq!(Stake::bonded(&ALICE), 300);
		assert_eq!(chunks(ALICE), vec![UnlockChunk { value: 200, unlock_at }]);
		assert_eq!(held(ALICE), 500, "unbonding funds stay held");
		assert_eq!(TotalActive::<Test>::get(), 300);
		System::assert_last_event(
			StakeEvent::Unbonding { who: ALICE, amount: 200, unlock_at }.into(),
		);
	});
}

#[test]
fn unbonding_twice_in_a_block_adds_to_one_chunk() {
	test(|| {
		bond(ALICE, 500);
		unbond(ALICE, 100);
		unbond(ALICE, 100);
		assert_eq!(
			chunks(ALICE),
			vec![UnlockChunk { value: 200, unlock_at: 1 + UNBONDING_PERIOD }]
		);
	});
}

#[test]
fn unlocking_chunks_are_bounded() {
	test(|| {
		bond(ALICE, 1_000);
		for block in 1..=u64::from(MAX_CHUNKS) {
			run_to_block(block);
			unbond(ALICE, 10);
		}
		run_to_block(u64::from(MAX_CHUNKS) + 1);
		assert_noop!(
			Stake::unbond(RuntimeOrigin::signed(ALICE), 10),
			Error::<Test>::TooManyUnlockingChunks
		);
		// Withdrawing the first chunk makes room.
		run_to_block(1 + UNBONDING_PERIOD);
		assert_ok!(withdraw(ALICE));
		unbond(ALICE, 10);
	});
}

#[test]
fn unbonding_more_than_the_active_bond_is_rejected() {
	test(|| {
		bond(ALICE, 500);
		unbond(ALICE, 200);
		assert_noop!(
			Stake::unbond(RuntimeOrigin::signed(ALICE), 301),
			Error::<Test>::InsufficientBond
		);
	});
}

#[test]
fn unbonding_may_not_leave_a_bond_below_the_minimum() {
	test(|| {
		bond(ALICE, 500);
		assert_noop!(
			Stake::unbond(RuntimeOrigin::signed(ALICE), 500 - MIN_BOND + 1),
			Error::<Test>::BelowMinBond
		);
		unbond(ALICE, 500 - MIN_BOND);
		unbond(ALICE, MIN_BOND);
		assert!(!Stake::is_contributor(&ALICE));
		assert_eq!(Stake::bonded(&ALICE), 0);
	});
}

#[test]
fn a_zero_unbond_is_rejected() {
	test(|| {
		bond(ALICE, 500);
		assert_noop!(Stake::unbond(RuntimeOrigin::signed(ALICE), 0), Error::<Test>::ZeroAmount);
	});
}

#[test]
fn an_unbonded_worker_cannot_unbond_or_withdraw() {
	test(|| {
		assert_noop!(Stake::unbond(RuntimeOrigin::signed(BOB), 100), Error::<Test>::NotBonded);
		assert_noop!(withdraw(BOB), Error::<Test>::NotBonded);
		assert_eq!(Stake::bonded(&BOB), 0);
		assert!(!Stake::is_contributor(&BOB));
		assert!(Stake::ledger_view(&BOB).is_none());
	});
}

#[test]
fn withdrawing_before_the_period_ends_is_rejected() {
	test(|| {
		bond(ALICE, 500);
		assert_noop!(withdraw(ALICE), Error::<Test>::NothingToWithdraw);
		unbond(ALICE, 200);
		run_to_block(UNBONDING_PERIOD);
		assert_noop!(withdraw(ALICE), Error::<Test>::NothingToWithdraw);
	});
}

#[test]
fn withdrawing_releases_only_the_unlocked_chunks() {
	test(|| {
		bond(ALICE, 500);
		unbond(ALICE, 100);
		run_to_block(3);
		unbond(ALICE, 50);
		run_to_block(1 + UNBONDING_PERIOD);
		assert_ok!(withdraw(ALICE));
		assert_eq!(Balances::balance(&ALICE), ENDOWMENT - 400);
		assert_eq!(held(ALICE), 400);
		assert_eq!(chunks(ALICE), vec![UnlockChunk { value: 50, unlock_at: 3 + UNBONDING_PERIOD }]);
		System::assert_last_event(StakeEvent::Withdrawn { who: ALICE, amount: 100 }.into());

		run_to_block(3 + UNBONDING_PERIOD);
		assert_ok!(withdraw(ALICE));
		assert_eq!(Balances::balance(&ALICE), ENDOWMENT - 350);
		assert_eq!(chunks(ALICE), vec![]);
	});
}

#[test]
fn withdrawing_everything_removes_the_ledger() {
	test(|| {
		bond(ALICE, 500);
		unbond(ALICE, 500);
		run_to_block(1 + UNBONDING_PERIOD);
		assert_ok!(withdraw(ALICE));
		assert!(Ledgers::<Test>::get(ALICE).is_none());
		assert_eq!(Ledgers::<Test>::count(), 0);
		assert_eq!(held(ALICE), 0);
		assert_eq!(Balances::balance(&ALICE), ENDOWMENT);
		assert_eq!(
			stake_events().last_chunk::<2>().cloned(),
			Some([
				StakeEvent::Withdrawn { who: ALICE, amount: 500 },
				StakeEvent::ContributorLeft { who: ALICE },
			])
		);
		assert_noop!(withdraw(ALICE), Error::<Test>::NotBonded);
	});
}
