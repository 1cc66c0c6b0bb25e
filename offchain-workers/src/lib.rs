//! # Render offchain worker
//!
//! The offchain worker of Playnet's render tasks. It runs inside the runtime, after each
//! block a node imports, on nodes that hold a `rndr` key ([`crypto::KEY_TYPE`]):
//!
//! - **Work** (`work.rs`), for every local `rndr` account with tasks in
//!   `pallet_render::Assignments`: POSTs each task's spec to the local render worker (its URL
//!   in offchain storage under [`RENDER_WORKER_URL_KEY`]), polls the job once per block,
//!   stores the root with a fresh salt, and sends signed `commit` and then `reveal`
//!   transactions. A worker that is down or slow costs a warning and a retry next block.
//! - **Answers** (`answer.rs`), before the work: for every unanswered challenge of an
//!   accepted result a local account signed, fetches the frame's tile hashes and path from the
//!   render worker (`GET /jobs/{result id}/evidence?frame=F`; a job it forgot is posted
//!   again), checks they lead to the accepted root, and sends `answer_challenge`: an
//!   unanswered challenge slashes every signer as a fraud. Answers go before commits and
//!   reveals.
//! - **One transaction per account at a time** (`transactions.rs`): the next waits until the
//!   chain's nonce has passed the last one, or [`Config::PendingTxTimeout`] blocks.
//! - **Audit** (`audit.rs`), on validators (or wherever [`AUDIT_KEY`] is `on`), every
//!   [`Config::AuditInterval`] blocks: one random tile of one random accepted result in its
//!   fraud window is re-rendered with the CPU reference kernel and checked against the tile
//!   the result claims (from the chain's `Evidence`, or the audit source); a mismatch is
//!   reported with `report_fraud`, signed by the node's first `rndr` account. When nothing
//!   shows the tile, a result nobody challenged yet gets a challenge of the frame.
//!
//! Overlapping runs (the node may start the next block's worker before the last one ended)
//! coordinate through compare-and-set on offchain storage: one posts a job, one sends a
//! transaction. Everything the worker remembers is listed in `local_storage.rs`.
//!
//! The operator's two commands (insert the key, set the URL) are in the crate's README.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;

mod answer;
pub mod audit;
pub mod crypto;
pub mod local_storage;
pub mod render_worker;
pub mod transactions;
mod work;

#[cfg(test)]
mod tests;

pub use local_storage::{AUDIT_KEY, AUDIT_SOURCE_URL_KEY, RENDER_WORKER_URL_KEY};

use alloc::vec::Vec;
use playnet_primitives::{ChunkCoord, Hash32};

/// The log target of the offchain worker.
pub const LOG_TARGET: &str = "runtime::render-ocw";

/// Where the worker gets the canonical encodings of a scene's chunks: to send them with a
/// job, and to re-render a tile in an audit. The runtime reads `pallet-world` (stored
/// encodings of edited chunks, the generator with the world seed for the rest).
pub trait SceneChunkSource {
	/// The canonical encoding of the chunk at `coord` whose hash is `content_hash`; `None`
	/// if this node cannot produce those bytes.
	fn chunk_bytes(coord: ChunkCoord, content_hash: &Hash32) -> Option<Vec<u8>>;
}

#[polkadot_sdk::frame_support::pallet]
pub mod pallet {
	use super::*;
	use polkadot_sdk::{
		frame_support::pallet_prelude::*,
		frame_system::{
			offchain::{AppCrypto, CreateSignedTransaction, Signer},
			pallet_prelude::*,
		},
		sp_io,
		sp_runtime::traits::Zero,
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// Configuration of the render offchain worker.
	#[pallet::config]
	pub trait Config:
		polkadot_sdk::frame_system::Config
		+ pallet_render::Config
		+ CreateSignedTransaction<pallet_render::Call<Self>>
	{
		/// The crypto of the `rndr` key: [`crypto::RenderAuthId`].
		type AuthorityId: AppCrypto<Self::Public, Self::Signature>;

		/// The canonical encodings of scene chunks.
		type SceneChunks: SceneChunkSource;

		/// How long one HTTP request to the render worker may take, in milliseconds.
		#[pallet::constant]
		type HttpTimeoutMillis: Get<u64>;

		/// Blocks an account's transaction may stay unincluded before the worker assumes it
		/// was dropped and sends the next one.
		#[pallet::constant]
		type PendingTxTimeout: Get<BlockNumberFor<Self>>;

		/// An audit runs in blocks whose number is a multiple of this (0: never).
		#[pallet::constant]
		type AuditInterval: Get<BlockNumberFor<Self>>;

		/// Most accepted results one audit chooses among.
		#[pallet::constant]
		type MaxAuditCandidates: Get<u32>;
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Answers the challenges of results the local `rndr` accounts signed, works on their
		/// tasks, then audits if this node audits. Each step sends a transaction only for an
		/// account whose slot is free, so answers go first.
		fn offchain_worker(now: BlockNumberFor<T>) {
			let accounts: Vec<_> = Signer::<T, T::AuthorityId>::keystore_accounts().collect();
			if accounts.is_empty() {
				return;
			}
			let worker_url = local_storage::setting(RENDER_WORKER_URL_KEY);
			answer::answer_challenges::<T>(&accounts, now, worker_url.as_deref());
			for account in &accounts {
				work::work_for::<T>(account, now, worker_url.as_deref());
			}
			if Self::audits_at(now) {
				let source = local_storage::setting(AUDIT_SOURCE_URL_KEY).or(worker_url);
				audit::audit::<T>(&accounts[0], now, source.as_deref());
			}
		}
	}

	impl<T: Config> Pallet<T> {
		/// Whether this node audits in block `now`: on the interval, and on a validator
		/// unless the operator turned audits off, or anywhere the operator turned them on.
		pub fn audits_at(now: BlockNumberFor<T>) -> bool {
			let interval = T::AuditInterval::get();
			if interval.is_zero() || !(now % interval).is_zero() {
				return false;
			}
			match local_storage::setting(AUDIT_KEY).as_deref() {
				Some("on") => true,
				Some("off") => false,
				_ => sp_io::offchain::is_validator(),
			}
		}
	}
}
