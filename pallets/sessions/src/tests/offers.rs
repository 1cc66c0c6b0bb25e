//! Offers: who may publish them, their limits, and how players find them.

use super::mock::*;
use crate::{Error, OfferQuery, Offers, Resources};
use playnet_primitives::{Hash32, KERNEL_VERSION};
use polkadot_sdk::{
	frame_support::{assert_noop, assert_ok},
	sp_runtime::Permill,
};

fn query(max_price: Balance) -> OfferQuery<Balance> {
	OfferQuery { width: 128, height: 64, fps: 30, max_price_per_minute: max_price, limit: 10 }
}

#[test]
fn a_bonded_contributor_publishes_an_offer() {
	test(|| {
		let offer = Offers::<Test>::get(HOST).expect("published in the mock");
		assert_eq!(offer.price_per_minute, PRICE);
		assert_eq!(offer.resource_hash, resource_hash(HOST));
		assert_eq!(offer.resources, resources());
	});
}

#[test]
fn an_account_that_is_not_bonded_cannot_offer() {
	test(|| {
		assert_noop!(
			Sessions::publish_offer(
				RuntimeOrigin::signed(STRANGER),
				Hash32::default(),
				resources(),
				PRICE
			),
			Error::<Test>::NotAContributor
		);
	});
}

#[test]
fn offers_past_the_limits_or_below_the_minimum_price_are_refused() {
	test(|| {
		let bad = [
			Resources { kernel_version: KERNEL_VERSION + 1, ..resources() },
			Resources { max_width: 0, ..resources() },
			Resources { max_fps: 0, ..resources() },
			Resources { max_fps: 1_000, ..resources() },
		];
		for resources in bad {
			assert_noop!(
				Sessions::publish_offer(
					RuntimeOrigin::signed(HOST),
					Hash32::default(),
					resources,
					PRICE
				),
				Error::<Test>::InvalidResources
			);
		}
		assert_noop!(
			Sessions::publish_offer(
				RuntimeOrigin::signed(HOST),
				Hash32::default(),
				resources(),
				MIN_PRICE - 1
			),
			Error::<Test>::PriceTooLow
		);
	});
}

#[test]
fn a_withdrawn_offer_takes_no_new_session() {
	test(|| {
		assert_ok!(Sessions::withdraw_offer(RuntimeOrigin::signed(HOST)));
		assert_noop!(Sessions::withdraw_offer(RuntimeOrigin::signed(HOST)), Error::<Test>::NoOffer);
		assert_noop!(
			Sessions::open_session(RuntimeOrigin::signed(PLAYER), HOST, None, package(), PRICE),
			Error::<Test>::NoOffer
		);
	});
}

#[test]
fn players_find_the_offers_that_serve_them_most_reputation_per_pgt_first() {
	test(|| {
		// HOST and BACKUP ask 600 at 80%; DEAR asks 900 at 80%. BACKUP's reputation rises.
		bond(BACKUP, Permill::from_percent(90));
		let found = Sessions::find_offers(query(1_000));
		let order: Vec<AccountId> = found.iter().map(|offer| offer.contributor).collect();
		assert_eq!(order, vec![BACKUP, HOST, DEAR]);
		assert_eq!(found[0].reputation, Permill::from_percent(90));
		// A price limit leaves out the dear offer; a limit on the count cuts the list.
		let cheap: Vec<AccountId> =
			Sessions::find_offers(query(PRICE)).iter().map(|o| o.contributor).collect();
		assert_eq!(cheap, vec![BACKUP, HOST]);
		assert_eq!(Sessions::find_offers(OfferQuery { limit: 1, ..query(1_000) }).len(), 1);
		// DEAR at 900 with full reputation (1/900 per PGT) still ranks below 80% at 600.
		bond(DEAR, Permill::one());
		let order: Vec<AccountId> =
			Sessions::find_offers(query(1_000)).iter().map(|o| o.contributor).collect();
		assert_eq!(order, vec![BACKUP, HOST, DEAR]);
	});
}

#[test]
fn offers_that_cannot_serve_or_whose_contributor_left_are_not_found() {
	test(|| {
		let too_big = OfferQuery { width: 1920, height: 1080, ..query(1_000) };
		assert!(Sessions::find_offers(too_big).is_empty());
		let too_fast = OfferQuery { fps: 120, ..query(1_000) };
		assert!(Sessions::find_offers(too_fast).is_empty());
		unbond(HOST);
		let found: Vec<AccountId> =
			Sessions::find_offers(query(1_000)).iter().map(|o| o.contributor).collect();
		assert!(!found.contains(&HOST));
	});
}
