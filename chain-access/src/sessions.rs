//! What `playnet-render host` and `playnet-client play --remote` need from `pallet-sessions`:
//! the calls of a cloud-gaming session, the offers a player finds, a session's state, and the
//! two signatures of the protocol (the player's receipts, the contributor's frames).
//!
//! Calls carry the primitives' own types, SCALE-encoded ([`scale_call`]), so a receipt signed
//! here is byte for byte the receipt the runtime checks.

use crate::{scale_call, AccountBytes, ChainError, Connection};
use codec::Encode;
pub use playnet_primitives::session::{Receipt, Resources, SessionId, SessionPackage};
use playnet_primitives::{session::frame_statement, Hash32, RenderSpec, TileProof};
use subxt::{
	dynamic,
	ext::scale_decode::{self, DecodeAsType},
	transactions::Payload,
	utils::{AccountId32, MultiSignature},
};
use subxt_signer::sr25519::{self, Keypair};

/// The runtime's pallet.
const PALLET: &str = "Sessions";
/// The runtime API.
const RUNTIME_API: &str = "SessionsApi";

/// The player's signature of `receipt` on the chain whose genesis hash is `genesis`.
pub fn sign_receipt(
	keypair: &Keypair,
	genesis: &[u8; 32],
	receipt: &Receipt<AccountBytes>,
) -> MultiSignature {
	MultiSignature::Sr25519(keypair.sign(&receipt.signing_payload(genesis)).0)
}

/// The contributor's signature of frame `seq` of `session` with hash `frame_hash`.
pub fn sign_frame(
	keypair: &Keypair,
	genesis: &[u8; 32],
	session: SessionId,
	seq: u64,
	frame_hash: &Hash32,
) -> [u8; 64] {
	keypair.sign(&frame_statement(genesis, session, seq, frame_hash)).0
}

/// Whether `signature` is `contributor`'s signature of frame `seq` of `session` with hash
/// `frame_hash`.
pub fn frame_signed_by(
	contributor: &AccountBytes,
	signature: &[u8; 64],
	genesis: &[u8; 32],
	session: SessionId,
	seq: u64,
	frame_hash: &Hash32,
) -> bool {
	sr25519::verify(
		&sr25519::Signature(*signature),
		frame_statement(genesis, session, seq, frame_hash),
		&sr25519::PublicKey(*contributor),
	)
}

/// `Sessions::publish_offer`.
pub async fn publish_offer(
	connection: &Connection,
	resource_hash: Hash32,
	resources: Resources,
	price_per_minute: u128,
) -> Result<impl Payload + use<>, ChainError> {
	let args = (resource_hash, resources, price_per_minute).encode();
	scale_call(connection, PALLET, "publish_offer", &args).await
}

/// `Sessions::open_session`.
pub async fn open_session(
	connection: &Connection,
	contributor: AccountBytes,
	backup: Option<AccountBytes>,
	package: SessionPackage,
	max_price_per_minute: u128,
) -> Result<impl Payload + use<>, ChainError> {
	let args = (contributor, backup, package, max_price_per_minute).encode();
	scale_call(connection, PALLET, "open_session", &args).await
}

/// `Sessions::accept_session`.
pub async fn accept_session(
	connection: &Connection,
	session: SessionId,
) -> Result<impl Payload + use<>, ChainError> {
	scale_call(connection, PALLET, "accept_session", &session.encode()).await
}

/// `Sessions::settle_receipt` with the player's `signature` ([`sign_receipt`]).
pub async fn settle_receipt(
	connection: &Connection,
	receipt: &Receipt<AccountBytes>,
	signature: &MultiSignature,
) -> Result<impl Payload + use<>, ChainError> {
	let args = (receipt.session, receipt, signature).encode();
	scale_call(connection, PALLET, "settle_receipt", &args).await
}

/// `Sessions::switch_to_backup`.
pub async fn switch_to_backup(
	connection: &Connection,
	session: SessionId,
) -> Result<impl Payload + use<>, ChainError> {
	scale_call(connection, PALLET, "switch_to_backup", &session.encode()).await
}

/// `Sessions::end_session`.
pub async fn end_session(
	connection: &Connection,
	session: SessionId,
) -> Result<impl Payload + use<>, ChainError> {
	scale_call(connection, PALLET, "end_session", &session.encode()).await
}

/// A frame shown wrong, as `Sessions::dispute_frame` takes it.
#[derive(Clone, Debug, Encode)]
pub struct FrameDispute {
	/// The frame's sequence number in the contributor's stream.
	pub seq: u64,
	/// The frame's view: a one-frame spec of the session's size.
	pub view: RenderSpec,
	/// The contributor's signature of the frame ([`sign_frame`]).
	pub contributor_signature: MultiSignature,
	/// The tile's hash as the contributor sent it.
	pub claimed_tile_hash: Hash32,
	/// The tile's path to the frame's tile root, and the frame's to the receipt's root.
	pub proof: TileProof,
}

/// `Sessions::dispute_frame`: `chunks` are the canonical encodings of the view's scene.
pub async fn dispute_frame(
	connection: &Connection,
	session: SessionId,
	contributor: AccountBytes,
	dispute: &FrameDispute,
	chunks: &[Vec<u8>],
) -> Result<impl Payload + use<>, ChainError> {
	let args = (session, contributor, dispute, chunks).encode();
	scale_call(connection, PALLET, "dispute_frame", &args).await
}

/// What a player asks of an offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode)]
pub struct OfferQuery {
	/// Frame width.
	pub width: u32,
	/// Frame height.
	pub height: u32,
	/// Frame rate.
	pub fps: u32,
	/// The most it pays per minute, in plancks.
	pub max_price_per_minute: u128,
	/// How many offers to return at most.
	pub limit: u32,
}

/// An offer as a player finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfferSummary {
	/// The contributor.
	pub contributor: AccountBytes,
	/// What it runs.
	pub resource_hash: Hash32,
	/// Its limits.
	pub resources: Resources,
	/// Its price per minute, in plancks.
	pub price_per_minute: u128,
	/// Its reputation, in millionths.
	pub reputation: u32,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct OfferViewFields {
	contributor: AccountId32,
	resource_hash: crate::shapes::Hash,
	resources: ResourcesFields,
	price_per_minute: u128,
	reputation: PermillFields,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct PermillFields(u32);

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct ResourcesFields {
	kernel_version: u16,
	max_width: u32,
	max_height: u32,
	max_fps: u32,
}

#[derive(Debug, subxt::ext::scale_encode::EncodeAsType)]
#[encode_as_type(crate_path = "subxt::ext::scale_encode")]
struct OfferQueryFields {
	width: u32,
	height: u32,
	fps: u32,
	max_price_per_minute: u128,
	limit: u32,
}

/// `SessionsApi::find_offers` at the current block: the offers that serve `query`, best first.
pub async fn find_offers(
	connection: &Connection,
	query: OfferQuery,
) -> Result<Vec<OfferSummary>, ChainError> {
	const WHAT: &str = "SessionsApi::find_offers";
	let at = connection
		.api()
		.at_current_block()
		.await
		.map_err(ChainError::rpc("reading the current block"))?;
	let fields = OfferQueryFields {
		width: query.width,
		height: query.height,
		fps: query.fps,
		max_price_per_minute: query.max_price_per_minute,
		limit: query.limit,
	};
	let payload =
		dynamic::runtime_api_call::<_, Vec<OfferViewFields>>(RUNTIME_API, "find_offers", (fields,));
	let offers = at.runtime_apis().call(payload).await.map_err(ChainError::rpc(WHAT))?;
	Ok(offers
		.into_iter()
		.map(|offer| OfferSummary {
			contributor: offer.contributor.0,
			resource_hash: offer.resource_hash.into(),
			resources: Resources {
				kernel_version: offer.resources.kernel_version,
				max_width: offer.resources.max_width,
				max_height: offer.resources.max_height,
				max_fps: offer.resources.max_fps,
			},
			price_per_minute: offer.price_per_minute,
			reputation: offer.reputation.0,
		})
		.collect())
}

/// Where a session is, as the programs read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub enum SessionPhase {
	/// Waiting for its current contributor to accept.
	Proposed,
	/// Served.
	Active,
	/// Ended: contributors settle their last receipts.
	Closing,
	/// Dues fixed; disputes until the deadline, then payment.
	Settled,
}

/// One contributor's part, as the programs read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartSummary {
	/// The contributor.
	pub contributor: AccountBytes,
	/// Its price per minute.
	pub rate: u128,
	/// Whether it accepted.
	pub accepted: bool,
	/// Play its settled receipt covers, in milliseconds (0 without one).
	pub served_ms: u64,
	/// Frames its settled receipt covers (0 without one).
	pub frames: u32,
	/// Whether a frame of it was proven wrong.
	pub disputed: bool,
}

/// An open session, as the programs read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSummary {
	/// The player.
	pub player: AccountBytes,
	/// The package's hash.
	pub package_hash: Hash32,
	/// The escrow held now.
	pub escrow: u128,
	/// The phase.
	pub phase: SessionPhase,
	/// The phase's last block.
	pub deadline: u64,
	/// The contributors, the current one last.
	pub parts: Vec<PartSummary>,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct SessionFields {
	player: AccountId32,
	package_hash: crate::shapes::Hash,
	escrow: u128,
	phase: SessionPhase,
	deadline: u32,
	parts: Vec<PartFields>,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct PartFields {
	contributor: AccountId32,
	rate: u128,
	accepted_at: Option<u32>,
	receipt: Option<(ReceiptFields, dynamic::Value)>,
	disputed: bool,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct ReceiptFields {
	served_ms: u64,
	frames: u32,
}

/// `SessionsApi::session` at the current block; `None` once it ended.
pub async fn session(
	connection: &Connection,
	id: SessionId,
) -> Result<Option<SessionSummary>, ChainError> {
	const WHAT: &str = "SessionsApi::session";
	let at = connection
		.api()
		.at_current_block()
		.await
		.map_err(ChainError::rpc("reading the current block"))?;
	let payload =
		dynamic::runtime_api_call::<_, Option<SessionFields>>(RUNTIME_API, "session", (id,));
	let session = at.runtime_apis().call(payload).await.map_err(ChainError::rpc(WHAT))?;
	Ok(session.map(|session| SessionSummary {
		player: session.player.0,
		package_hash: session.package_hash.into(),
		escrow: session.escrow,
		phase: session.phase,
		deadline: u64::from(session.deadline),
		parts: session
			.parts
			.into_iter()
			.map(|part| PartSummary {
				contributor: part.contributor.0,
				rate: part.rate,
				accepted: part.accepted_at.is_some(),
				served_ms: part.receipt.as_ref().map_or(0, |(receipt, _)| receipt.served_ms),
				frames: part.receipt.as_ref().map_or(0, |(receipt, _)| receipt.frames),
				disputed: part.disputed,
			})
			.collect(),
	}))
}

/// The id of the session a `Sessions::open_session` transaction opened, from its events.
pub fn opened_session(
	events: &subxt::extrinsics::ExtrinsicEvents<subxt::SubstrateConfig>,
) -> Result<SessionId, ChainError> {
	#[derive(Debug, DecodeAsType)]
	#[decode_as_type(crate_path = "scale_decode")]
	struct Opened {
		session: u64,
	}
	for event in events.iter() {
		let event = event.map_err(ChainError::decode("the transaction's events"))?;
		if event.pallet_name() == PALLET && event.event_name() == "SessionOpened" {
			let opened = event
				.decode_fields_unchecked_as::<Opened>()
				.map_err(ChainError::decode("Sessions::SessionOpened"))?;
			return Ok(opened.session);
		}
	}
	Err(ChainError::Decode {
		what: "Sessions::open_session's events",
		reason: "no SessionOpened event".into(),
	})
}

/// What a finalized block says of sessions, for a host deciding what to accept and for a
/// player waiting for its contributor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionNotice {
	/// A session opened and waits for `contributor` to accept.
	Opened {
		/// The session.
		session: SessionId,
		/// The player.
		player: AccountBytes,
		/// The contributor asked to accept.
		contributor: AccountBytes,
		/// The backup.
		backup: Option<AccountBytes>,
	},
	/// A contributor accepted.
	Accepted {
		/// The session.
		session: SessionId,
		/// The contributor.
		contributor: AccountBytes,
	},
	/// The player moved the session to its backup, which must accept.
	Switched {
		/// The session.
		session: SessionId,
		/// The backup.
		to: AccountBytes,
	},
	/// The session ended: receipts are settled until its deadline.
	Closing {
		/// The session.
		session: SessionId,
	},
}

/// The session notices of one finalized block.
#[derive(Clone, Debug)]
pub struct SessionBlock {
	/// The block's number.
	pub number: u64,
	/// Its notices, in event order.
	pub notices: Vec<SessionNotice>,
}

/// Finalized blocks' session notices, from the next finalized block on.
pub async fn follow_sessions(
	connection: &Connection,
) -> Result<futures::stream::BoxStream<'static, Result<SessionBlock, ChainError>>, ChainError> {
	use futures::StreamExt;
	let blocks =
		connection.api().stream_blocks().await.map_err(ChainError::rpc("finalized blocks"))?;
	Ok(blocks.then(session_block).boxed())
}

async fn session_block(
	block: Result<subxt::client::Block<subxt::SubstrateConfig>, subxt::error::BlocksError>,
) -> Result<SessionBlock, ChainError> {
	#[derive(Debug, DecodeAsType)]
	#[decode_as_type(crate_path = "scale_decode")]
	struct Opened {
		session: u64,
		player: AccountId32,
		contributor: AccountId32,
		backup: Option<AccountId32>,
	}
	#[derive(Debug, DecodeAsType)]
	#[decode_as_type(crate_path = "scale_decode")]
	struct Accepted {
		session: u64,
		contributor: AccountId32,
	}
	#[derive(Debug, DecodeAsType)]
	#[decode_as_type(crate_path = "scale_decode")]
	struct Switched {
		session: u64,
		to: AccountId32,
	}
	#[derive(Debug, DecodeAsType)]
	#[decode_as_type(crate_path = "scale_decode")]
	struct Closing {
		session: u64,
	}
	let block = block.map_err(ChainError::rpc("following finalized blocks"))?;
	let number = block.number();
	let at = block.at().await.map_err(ChainError::rpc("opening a finalized block"))?;
	let events = at.events().fetch().await.map_err(ChainError::rpc("fetching a block's events"))?;
	let mut notices = Vec::new();
	for event in events.iter() {
		let event = event.map_err(ChainError::decode("a block's events"))?;
		if event.pallet_name() != PALLET {
			continue;
		}
		let notice = match event.event_name() {
			"SessionOpened" => {
				let e = event
					.decode_fields_unchecked_as::<Opened>()
					.map_err(ChainError::decode("Sessions::SessionOpened"))?;
				SessionNotice::Opened {
					session: e.session,
					player: e.player.0,
					contributor: e.contributor.0,
					backup: e.backup.map(|b| b.0),
				}
			}
			"SessionAccepted" => {
				let e = event
					.decode_fields_unchecked_as::<Accepted>()
					.map_err(ChainError::decode("Sessions::SessionAccepted"))?;
				SessionNotice::Accepted { session: e.session, contributor: e.contributor.0 }
			}
			"SessionSwitched" => {
				let e = event
					.decode_fields_unchecked_as::<Switched>()
					.map_err(ChainError::decode("Sessions::SessionSwitched"))?;
				SessionNotice::Switched { session: e.session, to: e.to.0 }
			}
			"SessionClosing" => {
				let e = event
					.decode_fields_unchecked_as::<Closing>()
					.map_err(ChainError::decode("Sessions::SessionClosing"))?;
				SessionNotice::Closing { session: e.session }
			}
			_ => continue,
		};
		notices.push(notice);
	}
	Ok(SessionBlock { number: number.into(), notices })
}
