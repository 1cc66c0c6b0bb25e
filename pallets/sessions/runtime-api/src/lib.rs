//! The runtime API of Playnet's cloud-gaming sessions: what players, hosts, light clients and
//! `state_call` read without a custom RPC.
//!
//! - `SessionsApi_find_offers`: the offers that serve a player's size, frame rate and price,
//!   best first (most reputation per PGT of price);
//! - `SessionsApi_offer`: one contributor's offer;
//! - `SessionsApi_session`: an open session's state (phase, deadline, parts, receipts);
//! - `SessionsApi_csu_record`: the CSU record of a contributor's part in an ended session;
//! - `SessionsApi_genesis_hash`: the bytes receipts and frame statements sign over.
//!
//! The runtime implements it with `pallet_sessions::Pallet`'s `find_offers`, `offer`,
//! `session`, `csu_record` and `genesis_hash`.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet_sessions::{
	CsuRecord, Offer, OfferQuery, OfferView, Part, Session, SessionId, SessionPhase,
};

use alloc::vec::Vec;
use codec::Codec;

polkadot_sdk::sp_api::decl_runtime_apis! {
	/// Reads cloud-gaming sessions.
	pub trait SessionsApi<AccountId, Balance, BlockNumber, Signature>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
		Signature: Codec,
	{
		/// The offers that serve `query`, best first, at most `query.limit`.
		fn find_offers(query: OfferQuery<Balance>) -> Vec<OfferView<AccountId, Balance>>;

		/// `contributor`'s offer.
		fn offer(contributor: AccountId) -> Option<Offer<Balance, BlockNumber>>;

		/// An open session; `None` once it ended.
		fn session(session: SessionId) -> Option<Session<AccountId, Balance, BlockNumber, Signature>>;

		/// The CSU record of `contributor`'s part in an ended session.
		fn csu_record(
			session: SessionId,
			contributor: AccountId,
		) -> Option<CsuRecord<AccountId, Balance, BlockNumber, Signature>>;

		/// The genesis hash's bytes, as receipts and frame statements sign them.
		fn genesis_hash() -> Vec<u8>;
	}
}
