//! Region claims: the deposit held for them and the editors their owners allow.

use crate::{pallet::*, types::*};
use polkadot_sdk::{
	frame_support::{
		ensure,
		traits::{fungible::MutateHold, tokens::Precision, Get},
		BoundedVec,
	},
	sp_runtime::DispatchResult,
};

impl<T: Config> Pallet<T> {
	/// Claims a free region for `who`, holding [`Config::RegionDeposit`].
	pub(crate) fn do_claim_region(who: T::AccountId, region: RegionCoord) -> DispatchResult {
		ensure!(region.in_world(), Error::<T>::RegionOutsideWorld);
		ensure!(!Claims::<T>::contains_key(region), Error::<T>::RegionAlreadyClaimed);
		let deposit = T::RegionDeposit::get();
		T::Currency::hold(&HoldReason::RegionClaim.into(), &who, deposit)
			.map_err(|_| Error::<T>::DepositUnavailable)?;
		Claims::<T>::insert(
			region,
			RegionClaim { owner: who.clone(), deposit, editors: BoundedVec::new() },
		);
		Self::deposit_event(Event::RegionClaimed { region, owner: who, deposit });
		Ok(())
	}

	/// Releases `who`'s claim on `region` and its deposit.
	pub(crate) fn do_release_region(who: T::AccountId, region: RegionCoord) -> DispatchResult {
		let claim = Claims::<T>::get(region).ok_or(Error::<T>::RegionNotClaimed)?;
		ensure!(claim.owner == who, Error::<T>::NotRegionOwner);
		let released = T::Currency::release(
			&HoldReason::RegionClaim.into(),
			&who,
			claim.deposit,
			Precision::BestEffort,
		)?;
		Claims::<T>::remove(region);
		Self::deposit_event(Event::RegionReleased { region, owner: who, released });
		Ok(())
	}

	/// Adds `editor` to the editors of `who`'s region.
	pub(crate) fn do_allow_editor(
		who: T::AccountId,
		region: RegionCoord,
		editor: T::AccountId,
	) -> DispatchResult {
		Claims::<T>::try_mutate(region, |claim| -> DispatchResult {
			let claim = claim.as_mut().ok_or(Error::<T>::RegionNotClaimed)?;
			ensure!(claim.owner == who, Error::<T>::NotRegionOwner);
			ensure!(editor != who, Error::<T>::OwnerIsAlwaysAllowed);
			match claim.editors.binary_search(&editor) {
				Ok(_) => Err(Error::<T>::AlreadyAnEditor.into()),
				Err(at) => claim
					.editors
					.try_insert(at, editor.clone())
					.map_err(|_| Error::<T>::TooManyEditors.into()),
			}
		})?;
		Self::deposit_event(Event::EditorAllowed { region, editor });
		Ok(())
	}

	/// Removes `editor` from the editors of `who`'s region.
	pub(crate) fn do_disallow_editor(
		who: T::AccountId,
		region: RegionCoord,
		editor: T::AccountId,
	) -> DispatchResult {
		Claims::<T>::try_mutate(region, |claim| -> DispatchResult {
			let claim = claim.as_mut().ok_or(Error::<T>::RegionNotClaimed)?;
			ensure!(claim.owner == who, Error::<T>::NotRegionOwner);
			let at = claim.editors.binary_search(&editor).map_err(|_| Error::<T>::NotAnEditor)?;
			claim.editors.remove(at);
			Ok(())
		})?;
		Self::deposit_event(Event::EditorDisallowed { region, editor });
		Ok(())
	}
}
