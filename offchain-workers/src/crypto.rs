//! The `rndr` key: an sr25519 key in the node's keystore whose account is a render worker.
//!
//! The operator inserts it once (see the crate's README):
//!
//! ```text
//! playnet-node key insert --chain <spec> --base-path <dir> \
//!     --key-type rndr --scheme sr25519 --suri "<secret phrase or //Dev seed>"
//! ```
//!
//! The account of that key is the one that bonds in `pallet-stake`, gets tasks assigned by
//! `pallet-render`, and signs the commit, reveal and fraud-report transactions.

use polkadot_sdk::{
	frame_system::offchain::AppCrypto,
	sp_core::{crypto::KeyTypeId, sr25519 as raw},
	sp_runtime::{MultiSignature, MultiSigner},
};

/// The keystore type of render-worker keys: `rndr`.
pub const KEY_TYPE: KeyTypeId = KeyTypeId(*b"rndr");

/// The application-specific sr25519 types of the `rndr` key.
#[allow(missing_docs)]
mod app {
	use polkadot_sdk::sp_application_crypto::{app_crypto, sr25519};
	app_crypto!(sr25519, super::KEY_TYPE);
}

pub use app::{Public, Signature};

/// The `rndr` key as `frame_system::offchain` signs with it: the runtime's `Config::AuthorityId`.
///
/// Implemented for the runtime's `MultiSigner`/`MultiSignature` and for plain sr25519.
pub struct RenderAuthId;

impl AppCrypto<MultiSigner, MultiSignature> for RenderAuthId {
	type RuntimeAppPublic = Public;
	type GenericPublic = raw::Public;
	type GenericSignature = raw::Signature;
}

impl AppCrypto<raw::Public, raw::Signature> for RenderAuthId {
	type RuntimeAppPublic = Public;
	type GenericPublic = raw::Public;
	type GenericSignature = raw::Signature;
}
