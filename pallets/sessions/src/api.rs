//! Reading offers and sessions: what the runtime API returns.

use crate::{pallet::*, types::*, BalanceOf, CsuRecordOf, OfferOf, SessionOf};
use alloc::vec::Vec;
use codec::Encode;
use polkadot_sdk::sp_runtime::traits::UniqueSaturatedInto;

impl<T: Config> Pallet<T> {
	/// The offers that serve `query` (size, frame rate, price), best first: the most
	/// reputation per PGT of price (reputation in millionths over the price per minute), then
	/// the lower price, then the contributor's encoding; at most `query.limit`. Offers of
	/// accounts that are no longer bonded contributors are left out.
	pub fn find_offers(
		query: OfferQuery<BalanceOf<T>>,
	) -> Vec<OfferView<T::AccountId, BalanceOf<T>>> {
		let package = SessionPackage {
			world: Default::default(),
			width: query.width,
			height: query.height,
			fps: query.fps,
			max_minutes: 1,
			max_latency_ms: 1,
		};
		let mut offers: Vec<(u128, OfferView<T::AccountId, BalanceOf<T>>)> = Offers::<T>::iter()
			.filter(|(who, offer)| {
				offer.resources.serves(&package)
					&& offer.price_per_minute <= query.max_price_per_minute
					&& T::Contributors::is_contributor(who)
			})
			.map(|(contributor, offer)| {
				let reputation = T::Contributors::reputation(&contributor);
				let price: u128 = offer.price_per_minute.unique_saturated_into();
				// Millionths of reputation per unit of price, scaled so that prices of many
				// units still tell offers apart.
				let value = u128::from(reputation.deconstruct()).saturating_mul(1_000_000_000_000)
					/ price.max(1);
				let view = OfferView {
					contributor,
					resource_hash: offer.resource_hash,
					resources: offer.resources,
					price_per_minute: offer.price_per_minute,
					reputation,
				};
				(value, view)
			})
			.collect();
		offers.sort_by(|(a_value, a), (b_value, b)| {
			b_value
				.cmp(a_value)
				.then(a.price_per_minute.cmp(&b.price_per_minute))
				.then_with(|| a.contributor.encode().cmp(&b.contributor.encode()))
		});
		offers.into_iter().take(query.limit as usize).map(|(_, view)| view).collect()
	}

	/// `contributor`'s offer.
	pub fn offer(contributor: &T::AccountId) -> Option<OfferOf<T>> {
		Offers::<T>::get(contributor)
	}

	/// An open session; `None` once it ended (see the events and [`CsuRecords`]).
	pub fn session(id: SessionId) -> Option<SessionOf<T>> {
		Sessions::<T>::get(id)
	}

	/// The CSU record of `contributor`'s part in an ended session.
	pub fn csu_record(id: SessionId, contributor: &T::AccountId) -> Option<CsuRecordOf<T>> {
		CsuRecords::<T>::get(id, contributor)
	}
}
