//! The runtime APIs: what the node, light clients and `state_call` can ask of the runtime.

use crate::{
	configs::EpochDuration, AccountId, Babe, Balance, Block, BlockNumber, Executive, Grandpa,
	InherentDataExt, Nonce, Render, Runtime, RuntimeCall, RuntimeGenesisConfig, SessionKeys,
	Sessions, Signature, Stake, System, TransactionPayment, World, BABE_GENESIS_EPOCH_CONFIG,
	VERSION,
};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		genesis_builder_helper::{build_state, get_preset},
		weights::Weight,
	},
	pallet_transaction_payment_rpc_runtime_api::{FeeDetails, RuntimeDispatchInfo},
	sp_api::impl_runtime_apis,
	sp_consensus_babe, sp_consensus_grandpa,
	sp_core::{crypto::KeyTypeId, OpaqueMetadata},
	sp_genesis_builder,
	sp_inherents::{CheckInherentsResult, InherentData},
	sp_runtime::{
		traits::{Block as BlockT, NumberFor},
		transaction_validity::{TransactionSource, TransactionValidity},
		ApplyExtrinsicResult, ExtrinsicInclusionMode,
	},
	sp_version::RuntimeVersion,
	*,
};

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: InherentData,
		) -> CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_babe::BabeApi<Block> for Runtime {
		fn configuration() -> sp_consensus_babe::BabeConfiguration {
			let epoch_config = Babe::epoch_config().unwrap_or(BABE_GENESIS_EPOCH_CONFIG);
			sp_consensus_babe::BabeConfiguration {
				slot_duration: Babe::slot_duration(),
				epoch_length: EpochDuration::get(),
				c: epoch_config.c,
				authorities: Babe::authorities().to_vec(),
				randomness: Babe::randomness(),
				allowed_slots: epoch_config.allowed_slots,
			}
		}

		fn current_epoch_start() -> sp_consensus_babe::Slot {
			Babe::current_epoch_start()
		}

		fn current_epoch() -> sp_consensus_babe::Epoch {
			Babe::current_epoch()
		}

		fn next_epoch() -> sp_consensus_babe::Epoch {
			Babe::next_epoch()
		}

		fn generate_key_ownership_proof(
			_slot: sp_consensus_babe::Slot,
			_authority_id: sp_consensus_babe::AuthorityId,
		) -> Option<sp_consensus_babe::OpaqueKeyOwnershipProof> {
			// No historical session proofs: equivocations are not reported on chain yet.
			None
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_babe::EquivocationProof<<Block as BlockT>::Header>,
			_key_owner_proof: sp_consensus_babe::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			None
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			_key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			None
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			_authority_id: sp_consensus_grandpa::AuthorityId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			None
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}

		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}

		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}

		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(call: RuntimeCall, len: u32) -> RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}

		fn query_call_fee_details(call: RuntimeCall, len: u32) -> FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}

		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}

		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_world_runtime_api::WorldApi<Block, AccountId, BlockNumber, Balance> for Runtime {
		fn world_seed() -> u64 {
			World::world_seed()
		}

		fn chunk_record(
			coord: playnet_primitives::ChunkCoord,
		) -> Option<pallet_world::ChunkRecord<AccountId, BlockNumber>> {
			World::chunk_record(coord)
		}

		fn chunk(
			coord: playnet_primitives::ChunkCoord,
		) -> pallet_world::ChunkView<AccountId, BlockNumber> {
			World::chunk_view(coord)
		}

		fn chunk_at(
			coord: playnet_primitives::ChunkCoord,
			content_hash: playnet_primitives::ContentHash,
		) -> Option<Vec<u8>> {
			World::chunk_at(coord, content_hash)
		}

		fn region_claim(
			region: pallet_world::RegionCoord,
		) -> Option<pallet_world::RegionInfo<AccountId, Balance>> {
			World::region_info(region)
		}
	}

	impl pallet_stake_runtime_api::StakeApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn ledger(who: AccountId) -> Option<pallet_stake::LedgerView<Balance, BlockNumber>> {
			Stake::ledger_view(&who)
		}

		fn reputation(who: AccountId) -> pallet_stake::ReputationView {
			Stake::reputation_view(&who)
		}

		fn ranking() -> Vec<(AccountId, u128)> {
			Stake::contributors_weighted()
		}

		fn next_validators() -> Option<Vec<AccountId>> {
			Stake::next_validators()
		}
	}

	impl pallet_render_runtime_api::RenderApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn tasks_assigned_to(who: AccountId) -> Vec<pallet_render::TaskIndex> {
			Render::tasks_assigned_to(&who)
		}

		fn task(
			task: pallet_render::TaskIndex,
		) -> Option<pallet_render::TaskView<AccountId, Balance, BlockNumber>> {
			Render::task_view(task)
		}

		fn task_spec(task: pallet_render::TaskIndex) -> Option<playnet_primitives::RenderSpec> {
			Render::task_spec(task)
		}

		fn rewards_earned(who: AccountId) -> Balance {
			Render::rewards_earned(&who)
		}
	}

	impl pallet_sessions_runtime_api::SessionsApi<Block, AccountId, Balance, BlockNumber, Signature>
		for Runtime
	{
		fn find_offers(
			query: pallet_sessions::OfferQuery<Balance>,
		) -> Vec<pallet_sessions::OfferView<AccountId, Balance>> {
			Sessions::find_offers(query)
		}

		fn offer(contributor: AccountId) -> Option<pallet_sessions::Offer<Balance, BlockNumber>> {
			Sessions::offer(&contributor)
		}

		fn session(
			session: pallet_sessions::SessionId,
		) -> Option<pallet_sessions::Session<AccountId, Balance, BlockNumber, Signature>> {
			Sessions::session(session)
		}

		fn csu_record(
			session: pallet_sessions::SessionId,
			contributor: AccountId,
		) -> Option<pallet_sessions::CsuRecord<AccountId, Balance, BlockNumber, Signature>> {
			Sessions::csu_record(session, &contributor)
		}

		fn genesis_hash() -> Vec<u8> {
			Sessions::genesis_hash()
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(
			extra: bool,
		) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;
			use frame_system_benchmarking::Pallet as SystemBench;
			use crate::*;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			(list, AllPalletsWithSystem::storage_info())
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::BenchmarkBatch;
			use frame_support::traits::WhitelistedStorageKeys;
			use frame_system_benchmarking::Pallet as SystemBench;
			use sp_core::storage::TrackedStorageKey;
			use crate::*;

			let whitelist: Vec<TrackedStorageKey> =
				AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}
