//! Signed transactions, one per account at a time.
//!
//! `frame_system::offchain` signs with the account's nonce as the chain sees it at the block
//! the offchain worker runs on. A second transaction before the first is included would get
//! the same nonce and replace or collide with it. So each account remembers its transaction
//! in the pool ([`PendingTx`]) and sends the next one only once the chain's nonce has passed
//! it, or after [`Config::PendingTxTimeout`] blocks (the transaction was dropped); never two
//! in one run, whichever steps (answer, work, audit) want to send.

use crate::{
	local_storage::{pending_key, PendingTx},
	Config, LOG_TARGET,
};
use polkadot_sdk::{
	frame_support::traits::Get,
	frame_system::{
		self,
		offchain::{Account, SendSignedTransaction, Signer},
		pallet_prelude::BlockNumberFor,
	},
	sp_runtime::{
		offchain::storage::{MutateStorageError, StorageRetrievalError, StorageValueRef},
		traits::Saturating,
	},
};

/// What became of a transaction.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Sent {
	/// It is in the pool.
	Submitted,
	/// The account's previous transaction is still pending: try on a later block.
	Busy,
	/// Signing or the pool refused it: try on a later block.
	Failed,
}

/// A [`PendingTx`] of this runtime.
pub type PendingTxOf<T> = PendingTx<<T as frame_system::Config>::Nonce, BlockNumberFor<T>>;

/// Whether `account` has a transaction that may still be in the pool at block `now`.
pub fn is_busy<T: Config>(account: &T::AccountId, now: BlockNumberFor<T>) -> bool {
	let key = pending_key(account);
	let pending = StorageValueRef::persistent(&key).get::<PendingTxOf<T>>().ok().flatten();
	pending.is_some_and(|pending| still_pending::<T>(account, &pending, now))
}

fn still_pending<T: Config>(
	account: &T::AccountId,
	pending: &PendingTxOf<T>,
	now: BlockNumberFor<T>,
) -> bool {
	// In the run that sent it, the chain's nonce has moved already: signing bumps it so that a
	// second transaction would take the next nonce. The slot stays taken all the same.
	pending.submitted_at == now
		|| (frame_system::Pallet::<T>::account_nonce(account) <= pending.nonce
			&& now.saturating_sub(pending.submitted_at) < T::PendingTxTimeout::get())
}

/// Signs `call` with `account`'s `rndr` key and submits it, unless the account's previous
/// transaction is still pending. The slot is claimed with a compare-and-set before signing,
/// so of two overlapping runs only one submits.
pub fn submit<T: Config>(
	account: &Account<T>,
	call: pallet_render::Call<T>,
	now: BlockNumberFor<T>,
) -> Sent {
	let key = pending_key(&account.id);
	let mut slot = StorageValueRef::persistent(&key);
	let nonce = frame_system::Pallet::<T>::account_nonce(&account.id);
	let claim =
		slot.mutate(
			|previous: Result<Option<PendingTxOf<T>>, StorageRetrievalError>| match previous {
				Ok(Some(pending)) if still_pending::<T>(&account.id, &pending, now) => Err(()),
				_ => Ok(PendingTx { nonce, submitted_at: now }),
			},
		);
	match claim {
		Ok(_) => {}
		Err(MutateStorageError::ValueFunctionFailed(()))
		| Err(MutateStorageError::ConcurrentModification(_)) => return Sent::Busy,
	}
	let signer = Signer::<T, T::AuthorityId>::any_account();
	match signer.send_single_signed_transaction(account, call) {
		Some(Ok(())) => Sent::Submitted,
		outcome => {
			log::warn!(
				target: LOG_TARGET,
				"could not {} a transaction for {:?}; trying again next block",
				if outcome.is_none() { "sign" } else { "submit" },
				account.id,
			);
			slot.clear();
			Sent::Failed
		}
	}
}
