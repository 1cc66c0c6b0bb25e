//! The node's JSON-RPC extensions beyond Substrate's standard ones (`system_*`, `chain_*`,
//! `state_*`, `author_*` and the `chainHead_v1` / `transaction_v1` families, which
//! `sc-service` adds itself).

use std::sync::Arc;

use jsonrpsee::RpcModule;
use playnet_runtime::{opaque::Block, AccountId, Balance, Nonce};
use polkadot_sdk::{
	pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer},
	sc_client_api::AuxStore,
	sc_consensus_babe::BabeWorkerHandle,
	sc_consensus_babe_rpc::{Babe, BabeApiServer},
	sc_consensus_grandpa::SharedAuthoritySet,
	sc_sync_state_rpc::{SyncState, SyncStateApiServer},
	sc_transaction_pool_api::TransactionPool,
	sp_api::ProvideRuntimeApi,
	sp_block_builder::BlockBuilder,
	sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata},
	sp_consensus::SelectChain,
	sp_consensus_babe::BabeApi,
	sp_keystore::KeystorePtr,
	substrate_frame_rpc_system::{System, SystemApiServer},
};

/// What the BABE RPC needs.
pub struct BabeDeps<SC> {
	/// A handle to BABE's epoch-data worker. That worker is an essential task and stops once
	/// no handle is left, so the RPC module holding this one keeps it running.
	pub worker_handle: BabeWorkerHandle<Block>,
	/// The node's keystore, to tell which slots its keys may author.
	pub keystore: KeystorePtr,
	/// The chain selection rule.
	pub select_chain: SC,
}

/// What the RPC extensions need from the node.
pub struct FullDeps<C, P, SC> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// BABE's RPC dependencies.
	pub babe: BabeDeps<SC>,
	/// The chain spec the node runs, for `sync_state_genSyncSpec`.
	pub chain_spec: Box<dyn polkadot_sdk::sc_chain_spec::ChainSpec>,
	/// GRANDPA's authority set, for the light-client checkpoint.
	pub grandpa_authority_set:
		SharedAuthoritySet<<Block as polkadot_sdk::sp_runtime::traits::Block>::Hash, u32>,
}

/// `system_accountNextIndex` / `system_dryRun`, `payment_queryInfo` /
/// `payment_queryFeeDetails`, `babe_epochAuthorship`, and `sync_state_genSyncSpec`: the
/// node's raw chain spec with a checkpoint of its finalized state, from which a light client
/// (`playnet-client --chain dev`, smoldot, substrate-connect) starts.
pub fn create_full<C, P, SC>(
	deps: FullDeps<C, P, SC>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ AuxStore
		+ Send
		+ Sync
		+ 'static,
	C::Api: polkadot_sdk::substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api:
		polkadot_sdk::pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: BabeApi<Block>,
	P: TransactionPool + 'static,
	SC: SelectChain<Block> + 'static,
{
	let mut module = RpcModule::new(());
	let FullDeps { client, pool, babe, chain_spec, grandpa_authority_set } = deps;

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(
		SyncState::new(
			chain_spec,
			client.clone(),
			grandpa_authority_set,
			babe.worker_handle.clone(),
		)?
		.into_rpc(),
	)?;
	module.merge(
		Babe::new(client, babe.worker_handle, babe.keystore, babe.select_chain).into_rpc(),
	)?;

	Ok(module)
}
