//! Switching to the backup, ending a session, fixing its dues and paying them.

use crate::{pallet::*, types::*, BalanceOf, PartOf, SessionOf};
use playnet_primitives::Outcome;
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{
			fungible::MutateHold,
			tokens::{Fortitude, Precision, Restriction},
			Get,
		},
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchResult,
	},
};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_switch_to_backup(who: T::AccountId, id: SessionId) -> DispatchResult {
		let mut session = Sessions::<T>::get(id).ok_or(Error::<T>::UnknownSession)?;
		ensure!(session.player == who, Error::<T>::NotThePlayer);
		ensure!(
			matches!(session.phase, SessionPhase::Proposed | SessionPhase::Active),
			Error::<T>::NotOpen
		);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= session.deadline, Error::<T>::PhaseOver);
		let (backup, rate, resource_hash) = session.backup.take().ok_or(Error::<T>::NoBackup)?;
		let from = match session.parts.last_mut() {
			Some(part) => {
				part.switched_away = part.accepted_at.is_some();
				part.contributor.clone()
			}
			None => return Err(Error::<T>::NoBackup.into()),
		};
		let part: PartOf<T> = Part {
			contributor: backup.clone(),
			rate,
			resource_hash,
			accepted_at: None,
			receipt: None,
			due: Zero::zero(),
			switched_away: false,
			disputed: false,
		};
		// A session with a backup has had one part so far: there is room for the second.
		session.parts.try_push(part).map_err(|_| Error::<T>::NoBackup)?;
		let accept_by = now.saturating_add(T::AcceptPeriod::get()).min(session.hard_end.max(now));
		session.deadline = Self::reschedule(id, session.deadline, accept_by);
		session.phase = SessionPhase::Proposed;
		Sessions::<T>::insert(id, session);
		Self::deposit_event(Event::SessionSwitched { session: id, from, to: backup, accept_by });
		Ok(())
	}

	pub(crate) fn do_end_session(who: T::AccountId, id: SessionId) -> DispatchResult {
		let session = Sessions::<T>::get(id).ok_or(Error::<T>::UnknownSession)?;
		ensure!(
			matches!(session.phase, SessionPhase::Proposed | SessionPhase::Active),
			Error::<T>::NotOpen
		);
		// The player, or the contributor serving (or asked to): one the player switched away
		// from has no say in the session any more.
		ensure!(
			session.player == who || session.current().is_some_and(|part| part.contributor == who),
			Error::<T>::NotThePlayer
		);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= session.deadline, Error::<T>::PhaseOver);
		Self::unschedule(id, session.deadline);
		if session.parts.iter().any(|part| part.accepted_at.is_some()) {
			Self::start_closing(id, session, Some(who), now);
		} else {
			Self::end_unserved(id, session);
		}
		Ok(())
	}

	/// Moves `session` to [`SessionPhase::Closing`] for [`Config::ClosePeriod`] blocks. Its
	/// deadline entry is gone already (fired or dropped by the caller).
	pub(crate) fn start_closing(
		id: SessionId,
		mut session: SessionOf<T>,
		by: Option<T::AccountId>,
		now: BlockNumberFor<T>,
	) {
		let settle_by = now.saturating_add(T::ClosePeriod::get());
		session.phase = SessionPhase::Closing;
		session.deadline = Self::schedule(id, settle_by);
		Sessions::<T>::insert(id, session);
		Self::deposit_event(Event::SessionClosing { session: id, by, settle_by });
	}

	/// Ends a session nobody served: its whole escrow goes back to the player.
	pub(crate) fn end_unserved(id: SessionId, session: SessionOf<T>) {
		let refunded = Self::release_to_player(&session.player, session.escrow);
		Sessions::<T>::remove(id);
		Self::deposit_event(Event::SessionEnded { session: id, refunded });
	}

	/// Fixes each part's due from its latest receipt (the first part first, within the
	/// escrow; nothing for a disputed part) and refunds the rest of the escrow. With nothing
	/// due the session ends; otherwise the dues wait out the dispute window.
	pub(crate) fn fix_dues(id: SessionId, mut session: SessionOf<T>, now: BlockNumberFor<T>) {
		let mut left = session.escrow;
		let mut due_total = BalanceOf::<T>::zero();
		for part in session.parts.iter_mut() {
			let owed = match (&part.receipt, part.disputed) {
				(Some((receipt, _)), false) => Self::owed(part.rate, receipt.served_ms),
				_ => Zero::zero(),
			};
			part.due = owed.min(left);
			left = left.saturating_sub(part.due);
			due_total = due_total.saturating_add(part.due);
		}
		let refunded = Self::release_to_player(&session.player, left);
		session.escrow = session.escrow.saturating_sub(refunded);
		if due_total.is_zero() {
			// Nothing is owed: what is left of the hold (nothing, unless a release fell short)
			// goes back too.
			let rest = Self::release_to_player(&session.player, session.escrow);
			Self::record_parts(id, &session);
			Sessions::<T>::remove(id);
			Self::deposit_event(Event::SessionEnded {
				session: id,
				refunded: refunded.saturating_add(rest),
			});
			return;
		}
		let dispute_until = now.saturating_add(T::DisputeWindow::get());
		session.phase = SessionPhase::Settled;
		session.deadline = Self::schedule(id, dispute_until);
		Sessions::<T>::insert(id, session);
		Self::deposit_event(Event::SessionSettled {
			session: id,
			due: due_total,
			refunded,
			dispute_until,
		});
	}

	/// Pays every undisputed due: [`Config::BurnShare`] of it burned, the rest to the
	/// contributor (a payment that cannot be made is burned too); records the CSU records and
	/// the contributors' outcomes; ends the session.
	pub(crate) fn pay(id: SessionId, mut session: SessionOf<T>) {
		for part in session.parts.iter() {
			let (paid, burned) = if part.due.is_zero() {
				(Zero::zero(), Zero::zero())
			} else {
				let (paid, burned) = Self::pay_part(&session.player, part);
				session.escrow = session.escrow.saturating_sub(paid).saturating_sub(burned);
				if part.due >= T::MinReputablePayment::get() {
					let outcome =
						if part.switched_away { Outcome::Abandoned } else { Outcome::Served };
					T::Contributors::record_outcome(&part.contributor, outcome);
				}
				Self::deposit_event(Event::ContributorPaid {
					session: id,
					contributor: part.contributor.clone(),
					paid,
					burned,
				});
				(paid, burned)
			};
			Self::write_record(id, &session, part, paid, burned);
		}
		// Whatever is still held (nothing, unless a burn fell short) goes back to the player.
		let refunded = Self::release_to_player(&session.player, session.escrow);
		Sessions::<T>::remove(id);
		Self::deposit_event(Event::SessionEnded { session: id, refunded });
	}

	/// Pays `part`'s due from `player`'s hold: the burn share burned, the rest to the
	/// contributor (a payment that cannot be made is burned too). Returns (paid, burned).
	fn pay_part(player: &T::AccountId, part: &PartOf<T>) -> (BalanceOf<T>, BalanceOf<T>) {
		let reason = HoldReason::SessionEscrow.into();
		let to_pay = part.due.saturating_sub(T::BurnShare::get().mul_floor(part.due));
		let paid = if to_pay.is_zero() {
			Zero::zero()
		} else {
			T::Currency::transfer_on_hold(
				&reason,
				player,
				&part.contributor,
				to_pay,
				Precision::Exact,
				Restriction::Free,
				Fortitude::Force,
			)
			.unwrap_or_default()
		};
		let burned = T::Currency::burn_held(
			&reason,
			player,
			part.due.saturating_sub(paid),
			Precision::BestEffort,
			Fortitude::Force,
		)
		.unwrap_or_default();
		(paid, burned)
	}

	/// Writes the CSU records of the receipted parts of a session that ends with nothing due
	/// (every part disputed or receipted for less than a unit).
	fn record_parts(id: SessionId, session: &SessionOf<T>) {
		for part in &session.parts {
			Self::write_record(id, session, part, Zero::zero(), Zero::zero());
		}
	}

	/// The CSU record of `part`, if the player receipted any of its play.
	fn write_record(
		id: SessionId,
		session: &SessionOf<T>,
		part: &PartOf<T>,
		paid: BalanceOf<T>,
		burned: BalanceOf<T>,
	) {
		let Some((receipt, signature)) = &part.receipt else { return };
		CsuRecords::<T>::insert(
			id,
			&part.contributor,
			CsuRecord {
				contributor: part.contributor.clone(),
				player: session.player.clone(),
				opened_at: session.opened_at,
				package_hash: session.package_hash,
				served_ms: receipt.served_ms,
				frames: receipt.frames,
				rate: part.rate,
				resource_hash: part.resource_hash,
				frame_root: receipt.frame_root,
				latency_ms: receipt.latency_ms,
				player_signature: signature.clone(),
				paid,
				burned,
				disputed: part.disputed,
			},
		);
	}

	/// Releases up to `amount` of the escrow hold back to `player`; returns what was
	/// released.
	pub(crate) fn release_to_player(player: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
		if amount.is_zero() {
			return amount;
		}
		T::Currency::release(
			&HoldReason::SessionEscrow.into(),
			player,
			amount,
			Precision::BestEffort,
		)
		.unwrap_or_default()
	}
}
