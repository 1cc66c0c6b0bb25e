//! Genesis presets: `development` (one validator, Alice) and `local_testnet` (four validators,
//! Alice, Bob, Charlie and Dave). The node's chain specs are built from these.

use crate::{
	currency::PGT, AccountId, Balance, BalancesConfig, RuntimeGenesisConfig, SessionConfig,
	SessionKeys, StakeConfig, SudoConfig, WorldConfig, BABE_GENESIS_EPOCH_CONFIG,
};
use alloc::{vec, vec::Vec};
use polkadot_sdk::{
	frame_support::build_struct_json_patch,
	pallet_babe,
	sp_consensus_babe::AuthorityId as BabeId,
	sp_consensus_grandpa::AuthorityId as GrandpaId,
	sp_genesis_builder::{self, PresetId},
	sp_keyring::{Ed25519Keyring, Sr25519Keyring},
};
use serde_json::Value;

/// The seed of the development and local worlds: every unedited chunk is generated from it.
pub const DEV_WORLD_SEED: u64 = 42;

/// What every endowed development account starts with: a million PGT.
pub const ENDOWMENT: Balance = 1_000_000 * PGT;

/// What every genesis validator has bonded: ten thousand PGT of its endowment.
pub const VALIDATOR_BOND: Balance = 10_000 * PGT;

/// The session keys of a well-known development validator: its sr25519 key for BABE, its
/// ed25519 key for GRANDPA, both from the same dev seed (`//Alice`, ...).
pub fn dev_session_keys(sr: Sr25519Keyring, ed: Ed25519Keyring) -> SessionKeys {
	SessionKeys { babe: BabeId::from(sr.public()), grandpa: GrandpaId::from(ed.public()) }
}

/// A genesis state: these validators (by account and session keys), these endowed accounts,
/// this sudo key.
fn playnet_genesis(
	validators: Vec<(AccountId, SessionKeys)>,
	min_validators: u32,
	endowed: Vec<AccountId>,
	sudo: AccountId,
) -> Value {
	let balances: Vec<(AccountId, Balance)> =
		endowed.into_iter().map(|account| (account, ENDOWMENT)).collect();
	// The first validators are contributors like any other: bonded, so that the session's
	// stake x reputation ranking keeps them until others outrank them.
	let bonds: Vec<(AccountId, Balance)> =
		validators.iter().map(|(account, _)| (account.clone(), VALIDATOR_BOND)).collect();
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances },
		babe: pallet_babe::GenesisConfig { epoch_config: BABE_GENESIS_EPOCH_CONFIG },
		session: SessionConfig {
			keys: validators
				.into_iter()
				.map(|(account, keys)| (account.clone(), account, keys))
				.collect::<Vec<_>>(),
		},
		stake: StakeConfig { bonds, min_validators },
		sudo: SudoConfig { key: Some(sudo) },
		world: WorldConfig { seed: DEV_WORLD_SEED },
	})
}

fn validator(sr: Sr25519Keyring, ed: Ed25519Keyring) -> (AccountId, SessionKeys) {
	(sr.to_account_id(), dev_session_keys(sr, ed))
}

/// Alice validates alone (a set of one is allowed only here); the well-known dev accounts are
/// endowed; Alice is sudo.
pub fn development_config_genesis() -> Value {
	playnet_genesis(
		vec![validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		1,
		Sr25519Keyring::iter().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// Alice, Bob, Charlie and Dave validate, and a validator set never shrinks below four (one
/// can fail without stopping finality); the well-known dev accounts are endowed; Alice is
/// sudo.
pub fn local_config_genesis() -> Value {
	playnet_genesis(
		vec![
			validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			validator(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			validator(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			validator(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		4,
		Sr25519Keyring::iter().map(|k| k.to_account_id()).collect(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The JSON patch of the preset named `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
