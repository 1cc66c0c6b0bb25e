//! Receipts: the player's signed, cumulative statements of play served, kept when newer.

use crate::{pallet::*, types::*, BalanceOf};
use playnet_primitives::session::payment;
use polkadot_sdk::{
	frame_support::ensure,
	frame_system,
	sp_runtime::{
		traits::{UniqueSaturatedFrom, UniqueSaturatedInto, Verify},
		DispatchResult,
	},
};

impl<T: Config> Pallet<T> {
	/// What `served_ms` of play comes to at `rate`, rounded down.
	pub fn owed(rate: BalanceOf<T>, served_ms: u64) -> BalanceOf<T> {
		let rate: u128 = rate.unique_saturated_into();
		BalanceOf::<T>::unique_saturated_from(payment(rate, served_ms))
	}

	/// Whether `signature` is `signer`'s signature of `payload`.
	pub(crate) fn signed_by(
		signature: &T::Signature,
		payload: &[u8],
		signer: &T::AccountId,
	) -> bool {
		signature.verify(payload, signer)
	}

	pub(crate) fn do_settle_receipt(
		id: SessionId,
		receipt: Receipt<T::AccountId>,
		signature: T::Signature,
	) -> DispatchResult {
		let mut session = Sessions::<T>::get(id).ok_or(Error::<T>::UnknownSession)?;
		ensure!(session.phase != SessionPhase::Settled, Error::<T>::ReceiptsClosed);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= session.deadline, Error::<T>::PhaseOver);
		ensure!(receipt.session == id, Error::<T>::ReceiptForAnotherSession);
		let player = session.player.clone();
		let part = session
			.parts
			.iter_mut()
			.find(|part| part.contributor == receipt.contributor && part.accepted_at.is_some())
			.ok_or(Error::<T>::UnknownContributor)?;
		ensure!(!part.disputed, Error::<T>::PartDisputed);
		ensure!(receipt.frames > 0 && receipt.served_ms > 0, Error::<T>::EmptyReceipt);
		if let Some((settled, _)) = &part.receipt {
			ensure!(
				receipt.served_ms > settled.served_ms && receipt.frames >= settled.frames,
				Error::<T>::ReceiptNotNewer
			);
		}
		ensure!(
			Self::signed_by(&signature, &receipt.signing_payload(&Self::genesis_hash()), &player),
			Error::<T>::BadSignature
		);
		let owed = Self::owed(part.rate, receipt.served_ms).min(session.escrow);
		part.receipt = Some((receipt.clone(), signature));
		Sessions::<T>::insert(id, session);
		Self::deposit_event(Event::ReceiptSettled {
			session: id,
			contributor: receipt.contributor,
			served_ms: receipt.served_ms,
			frames: receipt.frames,
			owed,
		});
		Ok(())
	}
}
