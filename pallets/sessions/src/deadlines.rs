//! The scheduler: every open session has one deadline, the last block of its phase, and its
//! phase ends at the start of the block after it. Setting a deadline never fails (any number
//! of sessions may share a block); each block fires at most [`Config::MaxDeadlinesPerBlock`],
//! earlier blocks first, and leaves the rest to the next block. A deadline that fires late
//! changes nothing for the parties: a phase's calls are refused past its deadline
//! ([`Error::PhaseOver`]) however late it fires.

use crate::{pallet::*, types::*, WeightInfo};
use polkadot_sdk::{
	frame_support::{traits::Get, weights::Weight},
	frame_system::pallet_prelude::BlockNumberFor,
	sp_runtime::traits::{One, Saturating},
};

impl<T: Config> Pallet<T> {
	/// Schedules `id`'s phase to end after block `last`; returns `last`.
	pub(crate) fn schedule(id: SessionId, last: BlockNumberFor<T>) -> BlockNumberFor<T> {
		Deadlines::<T>::insert(last.saturating_add(One::one()), id, ());
		last
	}

	/// Moves `id`'s deadline from `old` to `new`; returns `new`.
	pub(crate) fn reschedule(
		id: SessionId,
		old: BlockNumberFor<T>,
		new: BlockNumberFor<T>,
	) -> BlockNumberFor<T> {
		Self::unschedule(id, old);
		Self::schedule(id, new)
	}

	/// Drops `id`'s deadline at `last`.
	pub(crate) fn unschedule(id: SessionId, last: BlockNumberFor<T>) {
		Deadlines::<T>::remove(last.saturating_add(One::one()), id);
	}

	/// Fires the deadlines of the blocks from the cursor to `now`, at most
	/// [`Config::MaxDeadlinesPerBlock`] of them, and looks at no more than twice as many
	/// blocks; the rest wait for the next block.
	pub(crate) fn fire_deadlines(now: BlockNumberFor<T>) -> Weight {
		let fires = T::MaxDeadlinesPerBlock::get();
		let mut fired = 0u32;
		let mut scanned = 0u32;
		let mut block = DeadlineCursor::<T>::get().max(One::one());
		while block <= now && scanned < fires.saturating_mul(2) {
			scanned = scanned.saturating_add(1);
			let mut done = true;
			for id in Deadlines::<T>::iter_key_prefix(block) {
				if fired >= fires {
					done = false;
					break;
				}
				fired = fired.saturating_add(1);
				Deadlines::<T>::remove(block, id);
				Self::fire(id, block);
			}
			if !done {
				break;
			}
			block = block.saturating_add(One::one());
		}
		DeadlineCursor::<T>::put(block);
		T::WeightInfo::on_initialize_idle()
			.saturating_add(T::WeightInfo::fire_deadline().saturating_mul(fired.into()))
			.saturating_add(T::DbWeight::get().reads(scanned.into()))
	}

	/// Ends the phase of session `id` whose deadline entry was at block `block` (one after
	/// its last block).
	fn fire(id: SessionId, block: BlockNumberFor<T>) {
		let Some(session) = Sessions::<T>::get(id) else { return };
		if session.deadline.saturating_add(One::one()) != block {
			// A stale entry: the phase moved on and left it (never written so; kept safe).
			return;
		}
		let now = polkadot_sdk::frame_system::Pallet::<T>::block_number();
		match session.phase {
			SessionPhase::Proposed if session.parts.iter().any(|p| p.accepted_at.is_some()) => {
				Self::start_closing(id, session, None, now)
			}
			SessionPhase::Proposed => Self::end_unserved(id, session),
			SessionPhase::Active => Self::start_closing(id, session, None, now),
			SessionPhase::Closing => Self::fix_dues(id, session, now),
			SessionPhase::Settled => Self::pay(id, session),
		}
	}
}
