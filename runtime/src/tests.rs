//! Runtime-level tests: genesis presets, pallet integrity, and the fee split with the real
//! runtime's balances, treasury and constants.

use crate::{
	configs::TreasuryAccount, currency::*, genesis_config_presets, AccountId, AllPalletsWithSystem,
	Balances, Runtime, RuntimeGenesisConfig, Session, System,
};
use polkadot_sdk::{
	frame_support::{
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
		assert_eq!(Balances::free_balance(alice()), genesis_config_presets::ENDOWMENT);
	});
}

#[test]
fn local_preset_has_four_validators() {
	genesis(LOCAL_TESTNET_RUNTIME_PRESET).execute_with(|| {
		let expected: Vec<AccountId> = [
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Dave,
		]
		.iter()
		.map(|k| k.to_account_id())
		.collect();
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
		assert_eq!(Balances::free_balance(alice()), genesis_config_presets::ENDOWMENT - fee - tip);
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
