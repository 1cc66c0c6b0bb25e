//! Opening a session: the escrow, the stamp, and everything refused.

use super::mock::*;
use crate::{Error, Event, NextSessionId, SessionPackage, SessionPhase};
use playnet_primitives::Hash32;
use polkadot_sdk::frame_support::{assert_noop, assert_ok};

#[test]
fn opening_holds_the_escrow_and_stamps_the_start_and_package() {
	test(|| {
		run_to(5);
		let id = open();
		let escrow = PRICE * MINUTES as Balance;
		assert_eq!(held(PLAYER), escrow);
		assert_eq!(free(PLAYER), PLAYER_FUNDS - escrow);
		let session = Sessions::session(id).expect("open");
		assert_eq!(session.opened_at, 5);
		assert_eq!(session.package_hash, package().hash());
		assert_eq!(session.phase, SessionPhase::Proposed);
		assert_eq!(session.deadline, 5 + ACCEPT_PERIOD);
		assert_eq!(session.hard_end, 5 + 2 * ACCEPT_PERIOD + MINUTES as u64 * BLOCKS_PER_MINUTE);
		assert_eq!(session.backup, Some((BACKUP, PRICE, resource_hash(BACKUP))));
		assert_eq!(session.parts[0].contributor, HOST);
		assert_eq!(session.parts[0].rate, PRICE);
		assert_eq!(
			events().last(),
			Some(&Event::SessionOpened {
				session: id,
				player: PLAYER,
				contributor: HOST,
				backup: Some(BACKUP),
				package_hash: package().hash(),
				escrow,
				accept_by: 5 + ACCEPT_PERIOD,
			})
		);
	});
}

#[test]
fn the_escrow_covers_the_dearer_of_contributor_and_backup() {
	test(|| {
		assert_ok!(Sessions::open_session(
			RuntimeOrigin::signed(PLAYER),
			HOST,
			Some(DEAR),
			package(),
			DEAR_PRICE
		));
		assert_eq!(held(PLAYER), DEAR_PRICE * MINUTES as Balance);
	});
}

#[test]
fn a_contributor_cannot_raise_its_price_under_a_players_transaction() {
	test(|| {
		// The player read 600 and signs for at most 600; the host raises to 900 first.
		assert_ok!(Sessions::publish_offer(
			RuntimeOrigin::signed(HOST),
			resource_hash(HOST),
			resources(),
			DEAR_PRICE
		));
		assert_noop!(
			Sessions::open_session(RuntimeOrigin::signed(PLAYER), HOST, None, package(), PRICE),
			Error::<Test>::PriceAboveLimit
		);
		// The same for the backup.
		assert_noop!(
			Sessions::open_session(
				RuntimeOrigin::signed(PLAYER),
				BACKUP,
				Some(DEAR),
				package(),
				PRICE
			),
			Error::<Test>::PriceAboveLimit
		);
	});
}

#[test]
fn bad_packages_are_refused_and_change_nothing() {
	test(|| {
		let cases = [
			(SessionPackage { width: 0, ..package() }, Error::<Test>::InvalidPackage),
			(SessionPackage { max_minutes: 0, ..package() }, Error::<Test>::InvalidPackage),
			(SessionPackage { max_latency_ms: 0, ..package() }, Error::<Test>::InvalidPackage),
			(SessionPackage { world: Hash32([1; 32]), ..package() }, Error::<Test>::WrongWorld),
			(
				SessionPackage { width: 1920, height: 1080, ..package() },
				Error::<Test>::OfferCannotServe,
			),
			(SessionPackage { fps: 120, ..package() }, Error::<Test>::OfferCannotServe),
		];
		for (package, error) in cases {
			assert_noop!(
				Sessions::open_session(
					RuntimeOrigin::signed(PLAYER),
					HOST,
					Some(BACKUP),
					package,
					PRICE
				),
				error
			);
		}
	});
}

#[test]
fn a_player_cannot_be_its_own_contributor_or_backup() {
	test(|| {
		bond(PLAYER, polkadot_sdk::sp_runtime::Permill::one());
		assert_ok!(Sessions::publish_offer(
			RuntimeOrigin::signed(PLAYER),
			Hash32::default(),
			resources(),
			PRICE
		));
		assert_noop!(
			Sessions::open_session(RuntimeOrigin::signed(PLAYER), PLAYER, None, package(), PRICE),
			Error::<Test>::SelfSession
		);
		assert_noop!(
			Sessions::open_session(
				RuntimeOrigin::signed(PLAYER),
				HOST,
				Some(PLAYER),
				package(),
				PRICE
			),
			Error::<Test>::SelfSession
		);
		assert_noop!(
			Sessions::open_session(
				RuntimeOrigin::signed(PLAYER),
				HOST,
				Some(HOST),
				package(),
				PRICE
			),
			Error::<Test>::BackupIsContributor
		);
	});
}

#[test]
fn a_session_opened_without_funds_is_refused() {
	test(|| {
		assert_noop!(
			Sessions::open_session(RuntimeOrigin::signed(PAUPER), HOST, None, package(), PRICE),
			Error::<Test>::EscrowUnavailable
		);
		assert_noop!(
			Sessions::open_session(RuntimeOrigin::signed(REPORTER), HOST, None, package(), PRICE),
			Error::<Test>::EscrowUnavailable
		);
		assert_eq!(NextSessionId::<Test>::get(), 0);
	});
}

#[test]
fn a_backup_without_an_offer_is_refused() {
	test(|| {
		assert_noop!(
			Sessions::open_session(
				RuntimeOrigin::signed(PLAYER),
				HOST,
				Some(STRANGER),
				package(),
				PRICE
			),
			Error::<Test>::NoOffer
		);
	});
}

#[test]
fn an_offer_whose_contributor_left_the_stake_takes_no_session() {
	test(|| {
		unbond(HOST);
		assert_noop!(
			Sessions::open_session(RuntimeOrigin::signed(PLAYER), HOST, None, package(), PRICE),
			Error::<Test>::NotAContributor
		);
		unbond(BACKUP);
		bond(HOST, polkadot_sdk::sp_runtime::Permill::one());
		assert_noop!(
			Sessions::open_session(
				RuntimeOrigin::signed(PLAYER),
				HOST,
				Some(BACKUP),
				package(),
				PRICE
			),
			Error::<Test>::NotAContributor
		);
	});
}
