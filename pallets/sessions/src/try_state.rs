//! The pallet's invariants, checked after every block in the tests and by `try-runtime`.

use crate::{pallet::*, types::*, BalanceOf};
use alloc::collections::btree_map::BTreeMap;
use polkadot_sdk::{
	frame_support::{ensure, traits::fungible::InspectHold, traits::Get},
	sp_runtime::{
		traits::{One, Saturating, Zero},
		DispatchError,
	},
};

impl<T: Config> Pallet<T> {
	/// Checks:
	/// - money: for every player, what this pallet holds from it is the sum of its sessions'
	///   escrows (so escrow in = paid + burned + refunded: nothing leaves the hold but those);
	///   a settled session's escrow is the sum of its dues; a disputed part is owed nothing;
	/// - sessions: one or two parts, the current one unaccepted while proposed and accepted
	///   while active;
	/// - deadlines: every session has exactly one entry, the block after its deadline, none
	///   before the cursor; every entry is a session's;
	/// - offers: at least the minimum price, valid resources.
	pub fn do_try_state() -> Result<(), DispatchError> {
		let reason = HoldReason::SessionEscrow.into();
		let mut escrows: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let cursor = DeadlineCursor::<T>::get();
		for (id, session) in Sessions::<T>::iter() {
			let escrow = escrows.entry(session.player.clone()).or_default();
			*escrow = escrow.saturating_add(session.escrow);
			ensure!(!session.parts.is_empty(), "a session without a part");
			let current = session.current().ok_or("a session without a part")?;
			match session.phase {
				SessionPhase::Proposed => {
					ensure!(current.accepted_at.is_none(), "a proposed session's part accepted")
				}
				SessionPhase::Active => {
					ensure!(current.accepted_at.is_some(), "an active session's part unaccepted")
				}
				// A backup that never accepted stays the last part of a closing session.
				SessionPhase::Closing | SessionPhase::Settled => {}
			}
			let mut due = BalanceOf::<T>::zero();
			for part in &session.parts {
				ensure!(!part.disputed || part.due.is_zero(), "a disputed part is owed");
				ensure!(
					part.receipt.is_none() || part.accepted_at.is_some(),
					"a receipt for a part that never accepted"
				);
				due = due.saturating_add(part.due);
			}
			match session.phase {
				SessionPhase::Settled => {
					ensure!(due == session.escrow, "a settled session holds other than its dues")
				}
				_ => ensure!(due.is_zero(), "dues fixed before the session settled"),
			}
			let entry = session.deadline.saturating_add(One::one());
			ensure!(Deadlines::<T>::contains_key(entry, id), "a session without its deadline");
			ensure!(entry >= cursor || cursor.is_zero(), "a deadline behind the cursor");
		}
		for (player, escrow) in &escrows {
			ensure!(
				T::Currency::balance_on_hold(&reason, player) == *escrow,
				"a player's hold differs from its sessions' escrows"
			);
		}
		let mut entries = 0usize;
		for (block, id, ()) in Deadlines::<T>::iter() {
			entries += 1;
			let session = Sessions::<T>::get(id).ok_or("a deadline of no session")?;
			ensure!(
				session.deadline.saturating_add(One::one()) == block,
				"a deadline entry other than the session's"
			);
		}
		ensure!(entries == Sessions::<T>::iter().count(), "sessions and deadlines differ");
		for (_, offer) in Offers::<T>::iter() {
			ensure!(offer.price_per_minute >= T::MinPricePerMinute::get(), "an offer too cheap");
			ensure!(offer.resources.validate().is_ok(), "an offer with invalid resources");
		}
		Ok(())
	}
}
