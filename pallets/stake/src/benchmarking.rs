//! Benchmarks of the pallet's calls, each in its worst case (every contributor slot taken; a
//! ledger with a full list of unlocking chunks; a first bond that creates a ledger and evicts
//! a contributor whose unlocking list is full), and of planning a session over `c`
//! contributors.

use crate::{pallet::*, BalanceOf, Outcome};
use polkadot_sdk::{
	frame_benchmarking::v2::*,
	frame_support::traits::{fungible::Mutate, Get},
	frame_system::{self, RawOrigin},
	pallet_session::SessionManager,
	sp_runtime::traits::{One, Saturating},
};

/// An account with `MinBond x 100` to bond.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&who, T::MinBond::get().saturating_mul(100u32.into()));
	who
}

/// Bonds `MinBond x 10` for a new account.
fn bonded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who = funded::<T>(name, index);
	Pallet::<T>::bond(RawOrigin::Signed(who.clone()).into(), min_bond::<T>(10))
		.expect("the account can afford it");
	who
}

/// `MinBond x factor`.
fn min_bond<T: Config>(factor: u32) -> BalanceOf<T> {
	T::MinBond::get().saturating_mul(factor.into())
}

/// Fills `who`'s unlocking list, leaving room for `room` more chunks, one block apart.
fn fill_unlocking<T: Config>(who: &T::AccountId, room: u32) {
	let chunks = T::MaxUnlockingChunks::get().saturating_sub(room);
	for _ in 0..chunks {
		Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into(), 1u32.into())
			.expect("the active bond covers it");
		let next = frame_system::Pallet::<T>::block_number().saturating_add(One::one());
		frame_system::Pallet::<T>::set_block_number(next);
	}
}

/// Takes every contributor slot still free, with bonds of `MinBond x 10`.
fn fill_slots<T: Config>() {
	let free = T::MaxContributors::get().saturating_sub(Contributors::<T>::get().len() as u32);
	for i in 0..free {
		bonded::<T>("other", i);
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn bond() {
		// The smallest contributor, with a full unlocking list, and every other slot taken.
		let smallest = funded::<T>("smallest", 0);
		Pallet::<T>::bond(RawOrigin::Signed(smallest.clone()).into(), min_bond::<T>(2))
			.expect("the account can afford it");
		fill_unlocking::<T>(&smallest, 0);
		fill_slots::<T>();
		let caller = funded::<T>("caller", 0);
		let amount = min_bond::<T>(20);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), amount);

		assert_eq!(Pallet::<T>::bonded(&caller), amount);
		assert!(!Pallet::<T>::is_contributor(&smallest), "the smallest was evicted");
	}

	#[benchmark]
	fn unbond() {
		let caller = bonded::<T>("caller", 0);
		fill_slots::<T>();
		fill_unlocking::<T>(&caller, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), 1u32.into());

		let ledger = Ledgers::<T>::get(&caller).expect("still bonded");
		assert_eq!(ledger.unlocking.len() as u32, T::MaxUnlockingChunks::get());
	}

	#[benchmark]
	fn withdraw_unbonded() {
		let caller = bonded::<T>("caller", 0);
		// Everything but the last chunk (all of the active bond) unlocks by one block each.
		fill_unlocking::<T>(&caller, 1);
		let rest = Pallet::<T>::bonded(&caller);
		Pallet::<T>::unbond(RawOrigin::Signed(caller.clone()).into(), rest)
			.expect("unbonding everything is allowed");
		let later = frame_system::Pallet::<T>::block_number()
			.saturating_add(T::UnbondingPeriod::get())
			.saturating_add(One::one());
		frame_system::Pallet::<T>::set_block_number(later);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(Ledgers::<T>::get(&caller).is_none());
	}

	#[benchmark]
	fn new_session(c: Linear<1, { T::MaxContributors::get() }>) {
		// `c` contributors in all, counting those the chain's genesis bonded (the runtime's
		// validators), so the largest step stays within `MaxContributors`.
		let existing = Contributors::<T>::get().len() as u32;
		for i in existing..c {
			let who = bonded::<T>("contributor", i);
			Pallet::<T>::record_outcome(&who, Outcome::Agreed);
		}

		#[block]
		{
			let _ = <Pallet<T> as SessionManager<T::AccountId>>::new_session(1);
		}

		assert_eq!(Contributors::<T>::get().len() as u32, c.max(existing));
	}

	#[benchmark]
	fn rejoin() {
		let caller = bonded::<T>("caller", 0);
		Chilled::<T>::insert(&caller, 1);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert!(!Pallet::<T>::is_chilled(&caller));
	}

	#[benchmark]
	fn set_min_validators() {
		let count = T::MaxValidators::get();

		#[extrinsic_call]
		_(RawOrigin::Root, count);

		assert_eq!(MinValidatorCount::<T>::get(), count);
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::tests::mock::new_test_ext(),
		crate::tests::mock::Test
	);
}
