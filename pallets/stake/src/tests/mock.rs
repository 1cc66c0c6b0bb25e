//! A runtime with balances and contributor staking, for the pallet's tests.

use crate as pallet_stake;
use polkadot_sdk::{
	frame_support::{
		derive_impl, parameter_types,
		traits::{fungible::InspectHold, Contains, Get},
	},
	frame_system, pallet_balances, sp_io,
	sp_runtime::{traits::IdentityLookup, BuildStorage, Perbill},
};
use std::{cell::RefCell, collections::BTreeSet};

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CAROL: AccountId = 3;
pub const DAVE: AccountId = 4;
pub const EVE: AccountId = 5;
/// A reporter with a balance.
pub const REPORTER: AccountId = 8;
/// An account without funds.
pub const PAUPER: AccountId = 9;
pub const ED: Balance = 10;
pub const MIN_BOND: Balance = 100;
/// Every funded account's starting balance.
pub const ENDOWMENT: Balance = 10_000;
pub const UNBONDING_PERIOD: u64 = 10;
pub const MAX_CHUNKS: u32 = 3;
pub const MAX_CONTRIBUTORS: u32 = 5;
pub const MIN_VALIDATORS: u32 = 2;
pub const MAX_VALIDATORS: u32 = 3;
/// 10% of a slash goes to the reporter.
pub const REPORTER_SHARE: Perbill = Perbill::from_percent(10);

#[polkadot_sdk::frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeTask,
		RuntimeHoldReason,
		RuntimeFreezeReason
	)]
	pub struct Test;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(2)]
	pub type Stake = pallet_stake;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

parameter_types! {
	pub const ExistentialDeposit: Balance = ED;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ExistentialDeposit;
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

thread_local! {
	static SESSION_KEYS: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
	static SESSION_VALIDATORS: RefCell<Vec<AccountId>> = const { RefCell::new(Vec::new()) };
}

/// The current session's validators; tests set them with [`set_session_validators`].
pub struct MockSessionValidators;
impl Get<Vec<AccountId>> for MockSessionValidators {
	fn get() -> Vec<AccountId> {
		SESSION_VALIDATORS.with(|validators| validators.borrow().clone())
	}
}

/// Makes `accounts` the current session's validators.
pub fn set_session_validators(accounts: &[AccountId]) {
	SESSION_VALIDATORS.with(|validators| *validators.borrow_mut() = accounts.to_vec());
}

/// The accounts with session keys; tests set them with [`set_session_keys`].
pub struct MockSessionKeys;
impl Contains<AccountId> for MockSessionKeys {
	fn contains(who: &AccountId) -> bool {
		SESSION_KEYS.with(|keys| keys.borrow().contains(who))
	}
}

/// Gives exactly `accounts` session keys.
pub fn set_session_keys(accounts: &[AccountId]) {
	SESSION_KEYS.with(|keys| *keys.borrow_mut() = accounts.iter().copied().collect());
}

parameter_types! {
	pub const MinBond: Balance = MIN_BOND;
	pub const UnbondingPeriod: u64 = UNBONDING_PERIOD;
	pub const MaxUnlockingChunks: u32 = MAX_CHUNKS;
	pub const MaxContributors: u32 = MAX_CONTRIBUTORS;
	pub const ReporterShare: Perbill = REPORTER_SHARE;
	pub const MinValidators: u32 = MIN_VALIDATORS;
	pub const MaxValidators: u32 = MAX_VALIDATORS;
}

impl pallet_stake::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type HasSessionKeys = MockSessionKeys;
	type MinBond = MinBond;
	type UnbondingPeriod = UnbondingPeriod;
	type MaxUnlockingChunks = MaxUnlockingChunks;
	type MaxContributors = MaxContributors;
	type ReporterShare = ReporterShare;
	type MinValidators = MinValidators;
	type MaxValidators = MaxValidators;
	type SessionValidators = MockSessionValidators;
	type WeightInfo = ();
}

/// Accounts 1 to 8 hold [`ENDOWMENT`] each, nobody is bonded, nobody has session keys;
/// block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	new_test_ext_with_bonds(vec![])
}

/// As [`new_test_ext`], with these genesis bonds.
pub fn new_test_ext_with_bonds(bonds: Vec<(AccountId, Balance)>) -> sp_io::TestExternalities {
	set_session_keys(&[]);
	set_session_validators(&[]);
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=8).map(|who| (who, ENDOWMENT)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	pallet_stake::GenesisConfig::<Test> { bonds, min_validators: 0 }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Runs `test` in [`new_test_ext`] and checks the pallet's invariants afterwards.
pub fn test(test: impl FnOnce()) {
	new_test_ext().execute_with(|| {
		test();
		check_invariants();
	});
}

/// Checks the pallet's invariants.
pub fn check_invariants() {
	Stake::do_try_state().expect("the pallet's invariants hold");
}

/// What `who` has on hold for its bond.
pub fn held(who: AccountId) -> Balance {
	Balances::balance_on_hold(&RuntimeHoldReason::Stake(pallet_stake::HoldReason::Bonded), &who)
}

/// Bonds `amount` for `who`, expecting success.
pub fn bond(who: AccountId, amount: Balance) {
	polkadot_sdk::frame_support::assert_ok!(Stake::bond(RuntimeOrigin::signed(who), amount));
}

/// Starts unbonding `amount` for `who`, expecting success.
pub fn unbond(who: AccountId, amount: Balance) {
	polkadot_sdk::frame_support::assert_ok!(Stake::unbond(RuntimeOrigin::signed(who), amount));
}

/// Moves to block `n`.
pub fn run_to_block(n: u64) {
	System::set_block_number(n);
}

/// The stake pallet's events since the block started, oldest first.
pub fn stake_events() -> Vec<pallet_stake::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Stake(event) => Some(event),
			_ => None,
		})
		.collect()
}
