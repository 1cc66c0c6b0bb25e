//! Signing and submitting transactions: one key, nonces that do not collide, and how each
//! transaction ended.

use crate::{AccountBytes, ChainError, Connection};
use std::{
	sync::{Arc, Mutex},
	time::Duration,
};
use subxt::{
	client::OnlineClientAtBlockImpl,
	config::DefaultExtrinsicParamsBuilder,
	error::{BackendError, ExtrinsicError, RpcError, TransactionEventsError},
	extrinsics::ExtrinsicEvents,
	rpcs::rpc_params,
	transactions::{Payload, TransactionProgress, TransactionStatus},
	utils::AccountId32,
	SubstrateConfig,
};
use subxt_signer::sr25519::Keypair;

/// A transaction in a block, and its events.
pub struct Inclusion {
	/// The block's number.
	pub block_number: u64,
	/// The transaction's events (the call succeeded: a failed call is a
	/// [`ChainError::Dispatch`]).
	pub events: ExtrinsicEvents<SubstrateConfig>,
}

/// A key that signs transactions, with the nonce policy every program shares.
///
/// The next nonce is the larger of the one after this signer's last transaction and the
/// chain's `system_accountNextIndex` (which counts the node's pool, but not a light client's
/// transactions still on their way), so transactions in quick succession do not share one.
/// A refused or lost transaction makes the next one ask the chain again.
pub struct Signer {
	keypair: Keypair,
	account: AccountId32,
	next_nonce: Arc<Mutex<Option<u64>>>,
}

/// A submitted transaction on its way into a block.
pub struct Pending {
	call: String,
	progress: TransactionProgress<SubstrateConfig, OnlineClientAtBlockImpl<SubstrateConfig>>,
	next_nonce: Arc<Mutex<Option<u64>>>,
}

impl Signer {
	/// Signs with `keypair`.
	pub fn new(keypair: Keypair) -> Self {
		let account = keypair.public_key().to_account_id();
		Signer { keypair, account, next_nonce: Arc::new(Mutex::new(None)) }
	}

	/// The signing account.
	pub fn account(&self) -> AccountBytes {
		self.account.0
	}

	/// The key pair, for signing what is not a transaction.
	pub fn keypair(&self) -> &Keypair {
		&self.keypair
	}

	fn remembered_nonce(&self) -> Option<u64> {
		*self.next_nonce.lock().unwrap_or_else(|p| p.into_inner())
	}

	fn remember_nonce(&self, nonce: Option<u64>) {
		*self.next_nonce.lock().unwrap_or_else(|p| p.into_inner()) = nonce;
	}

	/// The nonce the next transaction takes.
	pub async fn next_nonce(&self, connection: &Connection) -> Result<u64, ChainError> {
		let chain: u64 = connection
			.rpc()
			.request("system_accountNextIndex", rpc_params![self.account.to_string()])
			.await
			.map_err(ChainError::rpc("reading the account's next nonce"))?;
		Ok(self.remembered_nonce().map_or(chain, |remembered| remembered.max(chain)))
	}

	/// Signs `payload` (named `call` in errors, e.g. `"World.apply_edits"`) at the next nonce
	/// and submits it. Returns once the pool accepted it.
	pub async fn submit<P: Payload>(
		&self,
		connection: &Connection,
		call: &str,
		payload: &P,
	) -> Result<Pending, ChainError> {
		let nonce = self.next_nonce(connection).await?;
		let params = DefaultExtrinsicParamsBuilder::<SubstrateConfig>::new().nonce(nonce).build();
		let mut transactions =
			connection.api().tx().await.map_err(ChainError::rpc("preparing a transaction"))?;
		let signed = match transactions.create_signed(payload, &self.keypair, params).await {
			Ok(signed) => signed,
			Err(e) => return Err(ChainError::Refused { call: call.into(), reason: e.to_string() }),
		};
		let progress = match signed.submit_and_watch().await {
			Ok(progress) => progress,
			Err(e) => {
				self.remember_nonce(None);
				return Err(submit_error(call, e));
			}
		};
		self.remember_nonce(Some(nonce.saturating_add(1)));
		Ok(Pending { call: call.into(), progress, next_nonce: self.next_nonce.clone() })
	}

	/// [`Signer::submit`], then [`Pending::included`] within `timeout`.
	pub async fn submit_and_wait<P: Payload>(
		&self,
		connection: &Connection,
		call: &str,
		payload: &P,
		timeout: Duration,
	) -> Result<Inclusion, ChainError> {
		self.submit(connection, call, payload).await?.included(timeout).await
	}
}

impl Pending {
	/// Waits until the transaction is in a block (a best block is enough: a caller that
	/// follows finalized blocks sees it there later, or resends it after a reorg dropped it),
	/// for at most `timeout`.
	pub async fn included(mut self, timeout: Duration) -> Result<Inclusion, ChainError> {
		let call = self.call.clone();
		let result = match tokio::time::timeout(timeout, self.watch()).await {
			Ok(result) => result,
			Err(_) => Err(ChainError::Rpc {
				what: "watching a transaction",
				reason: format!("{call} was not in a block within {timeout:?}"),
			}),
		};
		if matches!(result, Err(ChainError::Refused { .. }) | Err(ChainError::Rpc { .. })) {
			// A lost transaction leaves a gap: read the nonce from the chain again.
			*self.next_nonce.lock().unwrap_or_else(|p| p.into_inner()) = None;
		}
		result
	}

	async fn watch(&mut self) -> Result<Inclusion, ChainError> {
		let call = self.call.clone();
		while let Some(status) = self.progress.next().await {
			let in_block = match status {
				Ok(TransactionStatus::InBestBlock(in_block))
				| Ok(TransactionStatus::InFinalizedBlock(in_block)) => in_block,
				Ok(TransactionStatus::Error { message })
				| Ok(TransactionStatus::Invalid { message })
				| Ok(TransactionStatus::Dropped { message }) => {
					return Err(ChainError::Refused { call, reason: message })
				}
				Ok(_) => continue,
				Err(e) => return Err(ChainError::rpc("watching a transaction")(e)),
			};
			let block_number = in_block
				.at()
				.await
				.map_err(ChainError::rpc("opening a transaction's block"))?
				.block_number();
			return match in_block.wait_for_success().await {
				Ok(events) => Ok(Inclusion { block_number, events }),
				Err(TransactionEventsError::ExtrinsicFailed(error)) => {
					Err(ChainError::Dispatch { call, error: dispatch_text(&error) })
				}
				Err(e) => Err(ChainError::rpc("reading a transaction's events")(e)),
			};
		}
		Err(ChainError::Rpc {
			what: "watching a transaction",
			reason: "the chain stopped reporting on it".into(),
		})
	}
}

/// `Render::CommitTooLate` and the like, from a failed call's error.
pub fn dispatch_text(error: &subxt::error::DispatchError) -> String {
	match error {
		subxt::error::DispatchError::Module(module) => module.details_string(),
		other => other.to_string(),
	}
}

/// A refusal by the pool (an error answer) is final; anything else may pass on retry.
fn submit_error(call: &str, error: ExtrinsicError) -> ChainError {
	match error {
		ExtrinsicError::ErrorSubmittingTransaction(BackendError::Rpc(RpcError::ClientError(
			subxt::rpcs::Error::User(user),
		))) => {
			let data =
				user.data.as_ref().map(|data| format!(" ({})", data.get())).unwrap_or_default();
			ChainError::Refused { call: call.into(), reason: format!("{}{data}", user.message) }
		}
		other => ChainError::rpc("submitting a transaction")(other),
	}
}

/// `Pallet::<call>` with its SCALE-encoded `args`, framed by the call's indices from the
/// metadata of the current block: for arguments with no dynamic encoding (the primitives'
/// types: specs, proofs, receipts).
pub async fn scale_call(
	connection: &Connection,
	pallet: &str,
	call: &str,
	args: &[u8],
) -> Result<impl Payload + use<>, ChainError> {
	let at = connection
		.api()
		.at_current_block()
		.await
		.map_err(ChainError::rpc("reading the current block"))?;
	let call_data = {
		let metadata = at.metadata_ref();
		let unknown = |reason: String| ChainError::Decode { what: "the metadata", reason };
		let pallet_meta = metadata
			.pallet_by_name(pallet)
			.ok_or_else(|| unknown(format!("no {pallet} pallet")))?;
		let variant = pallet_meta
			.call_variant_by_name(call)
			.ok_or_else(|| unknown(format!("no {pallet}::{call} call")))?;
		let mut call_data = vec![pallet_meta.call_index(), variant.index];
		call_data.extend_from_slice(args);
		call_data
	};
	at.transactions().from_call_data_bytes(&call_data).map_err(|e| ChainError::Refused {
		call: format!("{pallet}::{call}"),
		reason: e.to_string(),
	})
}
