//! Runtime-level tests: genesis presets, pallet integrity, the fee split with the real
//! runtime's balances, treasury and constants, and the fee multiplier.

use crate::{
	configs::{FeeMultiplierUpdate, RuntimeBlockWeights, TreasuryAccount},
	currency::*,
	genesis_config_presets,
	time::MILLISECS_PER_BLOCK,
	AccountId, AllPalletsWithSystem, Balance, Balances, Runtime, RuntimeGenesisConfig,
	RuntimeOrigin, Session, SessionKeys, Stake, System,
};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{
		assert_ok,
		dispatch::DispatchClass,
		genesis_builder_helper::build_state,
		traits::{
			fungible::{Balanced, Inspect},
			tokens::{Fortitude, Precision, Preservation},
			IntegrityTest, OnUnbalanced,
		},
		weights::{Weight, WeightToFee},
	},
	pallet_authorship::{self, EventHandler},
	pallet_transaction_payment::{self, Multiplier},
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_keystore::{testing::MemoryKeystore, KeystoreExt},
	sp_runtime::{
		traits::{Convert, One},
		FixedPointNumber,
	},
};

/// Overlay `patch` on `base`, as the node does with a preset's patch and the default config.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		}
		(base, patch) => *base = patch,
	}
}

/// The state a chain starts with from the named preset.
fn genesis(preset: &str) -> TestExternalities {
	let patch = genesis_config_presets::get_preset(&preset.into()).expect("preset exists");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, serde_json::from_slice(&patch).unwrap());
	let mut ext = TestExternalities::default();
	ext.execute_with(|| {
		build_state::<RuntimeGenesisConfig>(config.to_string().into_bytes()).unwrap()
	});
	ext.execute_with(|| System::set_block_number(1));
	ext
}

fn alice() -> AccountId {
	Sr25519Keyring::Alice.to_account_id()
}

#[test]
fn every_pallet_passes_its_integrity_test() {
	genesis(DEV_RUNTIME_PRESET).execute_with(|| {
		<AllPalletsWithSystem as IntegrityTest>::integrity_test();
	});
}

#[test]
fn development_preset_has_alice_as_the_only_validator() {
	genesis(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(Session::validators(), vec![alice()]);
		assert_eq!(Stake::bonded(&alice()), genesis_config_presets::VALIDATOR_BOND);
		assert_eq!(
			Balances::free_balance(alice()),
			genesis_config_presets::ENDOWMENT - genesis_config_presets::VALIDATOR_BOND
		);
	});
}

#[test]
fn local_preset_has_four_validators() {
	genesis(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let mut expected: Vec<AccountId> = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.iter()
		.map(|k| k.to_account_id())
		.collect();
		// Equal stake and reputation: ranked by account id.
		expected.sort();
		assert_eq!(Session::validators(), expected);
	});
}

#[test]
fn unknown_preset_is_none() {
	assert!(genesis_config_presets::get_preset(&"mainnet".into()).is_none());
}

#[test]
fn half_of_a_fee_and_tip_is_burned_and_a_fifth_funds_the_treasury() {
	genesis(DEV_RUNTIME_PRESET).execute_with(|| {
		let issuance_before = <Balances as Inspect<AccountId>>::total_issuance();
		let treasury_before = Balances::free_balance(TreasuryAccount::get());
		let withdraw = |amount| {
			<Balances as Balanced<AccountId>>::withdraw(
				&alice(),
				amount,
				Precision::Exact,
				Preservation::Preserve,
				Fortitude::Polite,
			)
			.unwrap()
		};
		let (fee, tip) = (3 * MILLI_PGT, MILLI_PGT);
		pallet_fees::DistributeFees::<Runtime>::on_unbalanceds(
			[withdraw(fee), withdraw(tip)].into_iter(),
		);

		// No block author in this test: the author's 30% goes to the treasury too.
		let burned = (fee + tip) / 2;
		assert_eq!(<Balances as Inspect<AccountId>>::total_issuance(), issuance_before - burned);
		assert_eq!(pallet_fees::TotalBurned::<Runtime>::get(), burned);
		assert_eq!(
			Balances::free_balance(TreasuryAccount::get()),
			treasury_before + (fee + tip) - burned
		);
		assert_eq!(
			Balances::free_balance(alice()),
			genesis_config_presets::ENDOWMENT - genesis_config_presets::VALIDATOR_BOND - fee - tip
		);
	});
}

#[test]
fn both_presets_seed_the_world() {
	for preset in [DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET] {
		genesis(preset).execute_with(|| {
			assert_eq!(crate::World::world_seed(), genesis_config_presets::DEV_WORLD_SEED);
		});
	}
}

/// Registers `who`'s freshly generated session keys (with their ownership proof), as
/// `author_rotateKeysWithOwner` + `Session::set_keys` do on a live chain.
fn set_session_keys(who: &AccountId) {
	let generated = SessionKeys::generate(&who.encode(), None);
	assert_ok!(Session::set_keys(
		RuntimeOrigin::signed(who.clone()),
		generated.keys,
		generated.proof.encode()
	));
}

/// Each current validator authors a block, as a live chain's do; then the session ends and the
/// next one starts, as BABE does at an epoch change.
fn next_session() {
	next_session_authored_by(&Session::validators());
}

/// Only `authors` author a block in the current session; then the next one starts.
fn next_session_authored_by(authors: &[AccountId]) {
	for author in authors {
		<<Runtime as pallet_authorship::Config>::EventHandler as EventHandler<_, _>>::note_author(
			author.clone(),
		);
	}
	Session::rotate_session();
}

#[test]
fn a_bonded_contributor_with_session_keys_validates_from_the_session_after_next() {
	let mut ext = genesis(DEV_RUNTIME_PRESET);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| {
		let eve = Sr25519Keyring::Eve.to_account_id();
		assert_ok!(Stake::bond(RuntimeOrigin::signed(eve.clone()), 20_000 * PGT));
		assert_eq!(Stake::next_validators(), Some(vec![alice()]), "no session keys, no seat");

		set_session_keys(&eve);
		// Twice Alice's stake at the same reputation: Eve ranks first.
		assert_eq!(Stake::next_validators(), Some(vec![eve.clone(), alice()]));

		next_session();
		assert_eq!(Session::validators(), vec![alice()], "the new set is queued one session");
		next_session();
		assert_eq!(Session::validators(), vec![eve.clone(), alice()]);
	});
}

/// On the dev chain, Eve bonds twice Alice's stake and registers session keys; two sessions
/// later she validates beside Alice, and `test` runs.
fn with_eve_validating(test: impl FnOnce(AccountId)) {
	let mut ext = genesis(DEV_RUNTIME_PRESET);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| {
		let eve = Sr25519Keyring::Eve.to_account_id();
		assert_ok!(Stake::bond(RuntimeOrigin::signed(eve.clone()), 20_000 * PGT));
		set_session_keys(&eve);
		next_session();
		next_session();
		assert_eq!(Session::validators(), vec![eve.clone(), alice()]);
		test(eve);
	});
}

#[test]
fn a_contributor_that_unbonds_everything_leaves_the_validator_set() {
	with_eve_validating(|eve| {
		assert_ok!(Stake::unbond(RuntimeOrigin::signed(eve), 20_000 * PGT));
		next_session();
		next_session();
		assert_eq!(Session::validators(), vec![alice()]);
	});
}

#[test]
fn a_validator_that_authors_nothing_in_a_session_loses_its_seat() {
	with_eve_validating(|eve| {
		// Eve's node stops: Alice authors every block of the session.
		next_session_authored_by(&[alice()]);
		assert!(Stake::is_chilled(&eve));
		next_session();
		assert_eq!(Session::validators(), vec![alice()], "out from the set after next");

		// Back online, Eve rejoins and is chosen again.
		assert_ok!(Stake::rejoin(RuntimeOrigin::signed(eve.clone())));
		next_session();
		next_session();
		assert_eq!(Session::validators(), vec![eve, alice()]);
	});
}

#[test]
fn only_the_development_chain_may_run_on_fewer_than_four_validators() {
	genesis(DEV_RUNTIME_PRESET).execute_with(|| assert_eq!(Stake::min_validators(), 1));
	genesis(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(Stake::min_validators(), 4);
		// One of the four goes offline: chilled, but the set keeps four.
		let validators = Session::validators();
		next_session();
		next_session_authored_by(&validators[1..]);
		assert!(Stake::is_chilled(&validators[0]));
		assert_eq!(Stake::next_validators(), None);
		next_session();
		next_session();
		assert_eq!(Session::validators(), validators);
	});
}

#[test]
fn the_validator_set_is_never_emptied() {
	genesis(DEV_RUNTIME_PRESET).execute_with(|| {
		// Alice, the only validator, unbonds: no candidate is left, so the set stays.
		let bond = genesis_config_presets::VALIDATOR_BOND;
		assert_ok!(Stake::unbond(RuntimeOrigin::signed(alice()), bond));
		assert_eq!(Stake::next_validators(), None);
		next_session();
		next_session();
		assert_eq!(Session::validators(), vec![alice()]);
	});
}

/// The most weight ordinary transactions may fill a block with.
fn full_block() -> Weight {
	RuntimeBlockWeights::get()
		.get(DispatchClass::Normal)
		.max_total
		.expect("ordinary transactions have a limit")
}

/// The multiplier after a block filled with `weight` of ordinary transactions, from `current`.
fn multiplier_after(weight: Weight, current: Multiplier) -> Multiplier {
	TestExternalities::default().execute_with(|| {
		System::set_block_consumed_resources(weight, 0);
		<FeeMultiplierUpdate as Convert<Multiplier, Multiplier>>::convert(current)
	})
}

/// The weight part of the fees for filling a block, at `multiplier`.
fn cost_of_filling_a_block(multiplier: Multiplier) -> Balance {
	let fee =
		<Runtime as pallet_transaction_payment::Config>::WeightToFee::weight_to_fee(&full_block());
	multiplier.saturating_mul_int(fee)
}

/// Blocks in `minutes` of chain time.
fn blocks_in(minutes: u64) -> usize {
	(minutes * 60_000 / MILLISECS_PER_BLOCK) as usize
}

/// The attack on a constant multiplier: keeping every block full costs the same, under 1 PGT
/// a block, however long it goes on and however many transactions it shuts out.
#[test]
fn keeping_blocks_full_costs_more_the_longer_it_goes_on() {
	let first = cost_of_filling_a_block(Multiplier::one());
	assert!(first < PGT, "a full block at the base price costs {first}");

	let mut multiplier = Multiplier::one();
	let mut spent: Balance = 0;
	for _ in 0..blocks_in(10) {
		spent += cost_of_filling_a_block(multiplier);
		multiplier = multiplier_after(full_block(), multiplier);
	}
	assert!(cost_of_filling_a_block(multiplier) > 2 * first, "ten minutes double the price");
	assert!(spent > blocks_in(10) as Balance * first * 5 / 4, "ten minutes cost {spent}");

	for _ in blocks_in(10)..blocks_in(60) {
		multiplier = multiplier_after(full_block(), multiplier);
	}
	assert!(cost_of_filling_a_block(multiplier) > 50 * first, "an hour: over fifty times");
}

#[test]
fn blocks_at_the_target_fullness_leave_fees_where_they_are() {
	let target = Weight::from_parts(full_block().ref_time() / 4, 0);
	let raised = Multiplier::saturating_from_integer(3);
	assert_eq!(multiplier_after(target, raised), raised);
}

#[test]
fn quiet_blocks_bring_fees_back_to_the_base_and_never_below() {
	// Empty blocks are 25 points under the target: a tenfold multiplier is back to one in
	// about an hour and a half.
	let mut multiplier = Multiplier::saturating_from_integer(10);
	let mut previous = multiplier;
	for _ in 0..blocks_in(100) {
		multiplier = multiplier_after(Weight::zero(), multiplier);
		assert!(multiplier <= previous);
		previous = multiplier;
	}
	assert_eq!(multiplier, Multiplier::one());
	assert_eq!(multiplier_after(Weight::zero(), Multiplier::one()), Multiplier::one());
}

#[test]
fn a_new_chain_starts_at_the_base_price() {
	genesis(DEV_RUNTIME_PRESET).execute_with(|| {
		assert_eq!(
			pallet_transaction_payment::NextFeeMultiplier::<Runtime>::get(),
			Multiplier::one()
		);
	});
}

#[test]
fn a_chunks_deposit_base_covers_what_it_stores_besides_its_bytes() {
	use codec::MaxEncodedLen;
	use playnet_primitives::ChunkCoord;
	// A map key: the pallet and storage prefixes, the Blake2-128 of the key, the key.
	let key = 32 + 16 + ChunkCoord::max_encoded_len();
	let overhead = pallet_world::ChunkRecordOf::<Runtime>::max_encoded_len()
		+ pallet_world::ChangeLogOf::<Runtime>::max_encoded_len()
		+ pallet_world::ChunkDepositOf::<Runtime>::max_encoded_len()
		+ 4 * key;
	assert!(
		overhead <= crate::configs::CHUNK_OVERHEAD_BYTES as usize,
		"a stored chunk keeps {overhead} bytes besides its encoding"
	);
}
