//! Offers, opening a session and accepting it.

use crate::{pallet::*, types::*, BalanceOf, PartOf, SessionOf};
use codec::Encode;
use playnet_primitives::Hash32;
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::MutateHold, Get},
		BoundedVec,
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::{
		traits::{Saturating, Zero},
		DispatchResult,
	},
};

impl<T: Config> Pallet<T> {
	/// The bytes of this chain's genesis hash: receipts and frame statements name it, and a
	/// package's world must be it.
	pub fn genesis_hash() -> alloc::vec::Vec<u8> {
		frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero()).encode()
	}

	pub(crate) fn do_publish_offer(
		who: T::AccountId,
		resource_hash: Hash32,
		resources: Resources,
		price_per_minute: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(T::Contributors::is_contributor(&who), Error::<T>::NotAContributor);
		resources.validate().map_err(|_| Error::<T>::InvalidResources)?;
		ensure!(price_per_minute >= T::MinPricePerMinute::get(), Error::<T>::PriceTooLow);
		let offer = Offer {
			resource_hash,
			resources,
			price_per_minute,
			published_at: frame_system::Pallet::<T>::block_number(),
		};
		Offers::<T>::insert(&who, offer);
		Self::deposit_event(Event::OfferPublished {
			contributor: who,
			resource_hash,
			resources,
			price_per_minute,
		});
		Ok(())
	}

	/// `contributor`'s price and resource hash, if its offer serves `package` for at most
	/// `max_price`.
	fn offer_for(
		contributor: &T::AccountId,
		package: &SessionPackage,
		max_price: BalanceOf<T>,
	) -> Result<(BalanceOf<T>, Hash32), Error<T>> {
		let offer = Offers::<T>::get(contributor).ok_or(Error::<T>::NoOffer)?;
		// An offer outlives its contributor's bond: a player must not wait on one that left.
		ensure!(T::Contributors::is_contributor(contributor), Error::<T>::NotAContributor);
		ensure!(offer.resources.serves(package), Error::<T>::OfferCannotServe);
		ensure!(offer.price_per_minute <= max_price, Error::<T>::PriceAboveLimit);
		Ok((offer.price_per_minute, offer.resource_hash))
	}

	pub(crate) fn do_open_session(
		player: T::AccountId,
		contributor: T::AccountId,
		backup: Option<T::AccountId>,
		package: SessionPackage,
		max_price: BalanceOf<T>,
	) -> DispatchResult {
		package.validate().map_err(|_| Error::<T>::InvalidPackage)?;
		ensure!(package.world.0.encode() == Self::genesis_hash(), Error::<T>::WrongWorld);
		ensure!(player != contributor, Error::<T>::SelfSession);
		let (rate, resource_hash) = Self::offer_for(&contributor, &package, max_price)?;
		let backup = match backup {
			Some(backup) => {
				ensure!(backup != player, Error::<T>::SelfSession);
				ensure!(backup != contributor, Error::<T>::BackupIsContributor);
				let (backup_rate, backup_hash) = Self::offer_for(&backup, &package, max_price)?;
				Some((backup, backup_rate, backup_hash))
			}
			None => None,
		};
		let top_rate = backup.as_ref().map_or(rate, |(_, backup_rate, _)| (*backup_rate).max(rate));
		let escrow = top_rate.saturating_mul(package.max_minutes.into());

		let now = frame_system::Pallet::<T>::block_number();
		let accept = T::AcceptPeriod::get();
		let hard_end = now
			.saturating_add(accept.saturating_mul(2u32.into()))
			.saturating_add(T::BlocksPerMinute::get().saturating_mul(package.max_minutes.into()));
		let id = NextSessionId::<T>::get();
		T::Currency::hold(&HoldReason::SessionEscrow.into(), &player, escrow)
			.map_err(|_| Error::<T>::EscrowUnavailable)?;
		let deadline = Self::schedule(id, now.saturating_add(accept));
		NextSessionId::<T>::put(id.saturating_add(1));

		let first: PartOf<T> = Part {
			contributor: contributor.clone(),
			rate,
			resource_hash,
			accepted_at: None,
			receipt: None,
			due: Zero::zero(),
			switched_away: false,
			disputed: false,
		};
		let mut parts = BoundedVec::new();
		// A fresh vector of capacity two takes one part.
		let _ = parts.try_push(first);
		let package_hash = package.hash();
		let session: SessionOf<T> = Session {
			player: player.clone(),
			package,
			package_hash,
			opened_at: now,
			escrow,
			backup: backup.clone(),
			phase: SessionPhase::Proposed,
			deadline,
			hard_end,
			parts,
		};
		Sessions::<T>::insert(id, session);
		Self::deposit_event(Event::SessionOpened {
			session: id,
			player,
			contributor,
			backup: backup.map(|(who, _, _)| who),
			package_hash,
			escrow,
			accept_by: deadline,
		});
		Ok(())
	}

	pub(crate) fn do_accept_session(who: T::AccountId, id: SessionId) -> DispatchResult {
		let mut session = Sessions::<T>::get(id).ok_or(Error::<T>::UnknownSession)?;
		ensure!(session.phase == SessionPhase::Proposed, Error::<T>::NotProposed);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(now <= session.deadline, Error::<T>::PhaseOver);
		ensure!(
			session.current().is_some_and(|part| part.contributor == who),
			Error::<T>::NotTheContributor
		);
		ensure!(T::Contributors::is_contributor(&who), Error::<T>::NotAContributor);
		let deadline = Self::reschedule(id, session.deadline, session.hard_end.max(now));
		if let Some(part) = session.parts.last_mut() {
			part.accepted_at = Some(now);
		}
		session.phase = SessionPhase::Active;
		session.deadline = deadline;
		Sessions::<T>::insert(id, session);
		Self::deposit_event(Event::SessionAccepted { session: id, contributor: who });
		Ok(())
	}
}
