//! Runtime-level tests: genesis presets, pallet integrity, and the fee split with the real
//! runtime's balances, treasury and constants.

use crate::{
	configs::TreasuryAccount, currency::*, genesis_config_presets, AccountId, AllPalletsWithSystem,
	Balances, Runtime, RuntimeGenesisConfig, RuntimeOrigin, Session, SessionKeys, Stake, System,
};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{
		assert_ok,
		genesis_builder_helper::build_state,
		traits::{
			fungible::{Balanced, Inspect},
			tokens::{Fortitude, Precision, Preservation},
			IntegrityTest, OnUnbalanced,
		},
	},
	sp_genesis_builder::{DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET},
	sp_io::TestExternalities,
	sp_keyring::Sr25519Keyring,
	sp_keystore::{testing::MemoryKeystore, KeystoreExt},
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

/// Ends the current session and starts the next one, as BABE does at an epoch change.
fn next_session() {
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

#[test]
fn a_contributor_that_unbonds_everything_leaves_the_validator_set() {
	let mut ext = genesis(DEV_RUNTIME_PRESET);
	ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	ext.execute_with(|| {
		let eve = Sr25519Keyring::Eve.to_account_id();
		assert_ok!(Stake::bond(RuntimeOrigin::signed(eve.clone()), 20_000 * PGT));
		set_session_keys(&eve);
		next_session();
		next_session();
		assert!(Session::validators().contains(&eve));

		assert_ok!(Stake::unbond(RuntimeOrigin::signed(eve.clone()), 20_000 * PGT));
		next_session();
		next_session();
		assert_eq!(Session::validators(), vec![alice()]);
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
