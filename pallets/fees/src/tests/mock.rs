//! A runtime with balances and the fee split, for the pallet's tests.

use crate as pallet_fees;
use polkadot_sdk::{
	frame_support::{derive_impl, parameter_types, traits::fungible::Balanced},
	frame_system, pallet_balances, sp_io,
	sp_runtime::{BuildStorage, Percent},
};
use std::cell::RefCell;

pub type AccountId = u64;
pub type Balance = u128;
type Block = frame_system::mocking::MockBlock<Test>;

pub const TREASURY: AccountId = 1000;
pub const AUTHOR: AccountId = 7;
pub const PAYER: AccountId = 1;
pub const ED: Balance = 10;

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
	pub type Fees = pallet_fees;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = polkadot_sdk::sp_runtime::traits::IdentityLookup<AccountId>;
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
}

thread_local! {
	static CURRENT_AUTHOR: RefCell<Option<AccountId>> = const { RefCell::new(Some(AUTHOR)) };
}

/// The block author the mock reports; tests change it.
pub struct MockAuthor;
impl polkadot_sdk::frame_support::traits::Get<Option<AccountId>> for MockAuthor {
	fn get() -> Option<AccountId> {
		CURRENT_AUTHOR.with(|a| *a.borrow())
	}
}

pub fn set_author(author: Option<AccountId>) {
	CURRENT_AUTHOR.with(|a| *a.borrow_mut() = author);
}

parameter_types! {
	pub const BurnShare: Percent = Percent::from_percent(50);
	pub const TreasuryShare: Percent = Percent::from_percent(20);
	pub const TreasuryAccount: AccountId = TREASURY;
}

impl pallet_fees::Config for Test {
	type Currency = Balances;
	type BurnShare = BurnShare;
	type TreasuryShare = TreasuryShare;
	type TreasuryAccount = TreasuryAccount;
	type BlockAuthor = MockAuthor;
}

/// Accounts: the payer holds 1_000_000, the treasury and author start with `ED` each.
pub fn new_test_ext() -> sp_io::TestExternalities {
	set_author(Some(AUTHOR));
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(PAYER, 1_000_000), (TREASURY, ED), (AUTHOR, ED)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Withdraw `fee` and `tip` from the payer the way transaction payment does, and hand both
/// to the fee split.
pub fn pay(fee: Balance, tip: Balance) {
	use polkadot_sdk::frame_support::traits::{
		tokens::{Fortitude, Precision, Preservation},
		OnUnbalanced,
	};
	let withdraw = |amount| {
		<Balances as Balanced<AccountId>>::withdraw(
			&PAYER,
			amount,
			Precision::Exact,
			Preservation::Preserve,
			Fortitude::Polite,
		)
		.expect("payer can pay")
	};
	let credits = vec![withdraw(fee), withdraw(tip)];
	crate::DistributeFees::<Test>::on_unbalanceds(credits.into_iter());
}
