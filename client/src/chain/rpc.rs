//! [`WorldChain`] over a node's JSON-RPC, with subxt's dynamic API: no generated code and no
//! committed metadata, so the client follows the runtime's metadata as it changes. Only the
//! fields the client reads are declared; decoding goes by name through the metadata.

use super::{
	BounceReason, ChainChunk, ChainError, ChunkRecord, ChunkVersion, DispatchOutcome,
	FinalizedWorldBlock, RegionAction, Submission, WorldChain, WorldEvent, WorldEventStream,
};
use crate::{p2p::AccountBytes, region::RegionCoord};
use futures::StreamExt;
use playnet_primitives::{BlockEdit, ChunkCoord, ContentHash};
use std::sync::{Arc, Mutex};
use subxt::config::DefaultExtrinsicParamsBuilder;
use subxt::{
	dynamic,
	error::TransactionEventsError,
	ext::{
		scale_decode::{self, DecodeAsType},
		scale_encode::{self, EncodeAsType},
		scale_value::{Value, ValueDef},
	},
	transactions::TransactionStatus,
	utils::{AccountId32, MultiAddress},
	OnlineClient, SubstrateConfig,
};
use subxt_signer::sr25519::Keypair;
use tokio::sync::oneshot;

/// The pallet's name in the runtime.
const PALLET: &str = "World";
/// The runtime API's name.
const RUNTIME_API: &str = "WorldApi";

/// `ChunkCoord` as the metadata names it.
#[derive(Clone, Copy, Debug, EncodeAsType, DecodeAsType)]
#[encode_as_type(crate_path = "scale_encode")]
#[decode_as_type(crate_path = "scale_decode")]
struct Coord {
	x: i32,
	y: i32,
	z: i32,
}

impl From<ChunkCoord> for Coord {
	fn from(c: ChunkCoord) -> Self {
		Coord { x: c.x, y: c.y, z: c.z }
	}
}

impl From<Coord> for ChunkCoord {
	fn from(c: Coord) -> Self {
		ChunkCoord::new(c.x, c.y, c.z)
	}
}

/// `RegionCoord` as the metadata names it.
#[derive(Clone, Copy, Debug, EncodeAsType)]
#[encode_as_type(crate_path = "scale_encode")]
struct Region {
	x: i32,
	z: i32,
}

impl From<RegionCoord> for Region {
	fn from(r: RegionCoord) -> Self {
		Region { x: r.x, z: r.z }
	}
}

/// `BlockEdit` as the metadata names it.
#[derive(Clone, Copy, Debug, EncodeAsType)]
#[encode_as_type(crate_path = "scale_encode")]
struct Edit {
	x: u8,
	y: u8,
	z: u8,
	block: u16,
}

/// `Hash32`, a 32-byte newtype.
#[derive(Clone, Copy, Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct Hash([u8; 32]);

impl From<Hash> for ContentHash {
	fn from(hash: Hash) -> Self {
		playnet_primitives::Hash32(hash.0)
	}
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct RecordFields {
	version: u32,
	content_hash: Hash,
	author: Option<AccountId32>,
	updated_at: u64,
}

impl From<RecordFields> for ChunkRecord {
	fn from(r: RecordFields) -> Self {
		ChunkRecord {
			version: r.version,
			content_hash: r.content_hash.into(),
			author: r.author.map(|a| a.0),
			updated_at: r.updated_at,
		}
	}
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct ViewFields {
	version: u32,
	content_hash: Hash,
	bytes: Vec<u8>,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct QueuedFields {
	id: Hash,
	who: AccountId32,
	coord: Coord,
	base_version: u32,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct AppliedFields {
	id: Hash,
	who: AccountId32,
	coord: Coord,
	version: u32,
	content_hash: Hash,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct BouncedFields {
	id: Hash,
	who: AccountId32,
	coord: Coord,
	reason: Value,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct UpdatedFields {
	coord: Coord,
	version: u32,
	content_hash: Hash,
}

fn display_error<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> ChainError {
	move |e| ChainError::Rpc { what, reason: e.to_string() }
}

/// A Playnet node's JSON-RPC, with the player's key for signing.
pub struct RpcWorldChain {
	api: OnlineClient<SubstrateConfig>,
	signer: Keypair,
	/// The nonce after this client's last submission. subxt reads the nonce at the last
	/// finalized block, which does not count transactions still in the pool, so back-to-back
	/// submissions would share a nonce without this.
	next_nonce: Arc<Mutex<Option<u64>>>,
}

impl RpcWorldChain {
	/// Connects to the node at `url` (`ws://` or `wss://`) and signs with `signer`.
	pub async fn connect(url: &str, signer: Keypair) -> Result<Self, ChainError> {
		// ws:// is the usual way to a local or LAN node; the URL is the player's choice.
		let api = OnlineClient::<SubstrateConfig>::from_insecure_url(url)
			.await
			.map_err(|e| ChainError::Connect { url: url.to_owned(), reason: e.to_string() })?;
		Ok(RpcWorldChain { api, signer, next_nonce: Arc::new(Mutex::new(None)) })
	}

	/// The player key named by a secret URI: `//Alice`, a mnemonic with an optional
	/// derivation path, or a `0x` hex seed.
	pub fn key_from_uri(uri: &str) -> Result<Keypair, ChainError> {
		let uri: subxt_signer::SecretUri =
			uri.trim().parse().map_err(|e| ChainError::Key(format!("{e}")))?;
		Keypair::from_uri(&uri).map_err(|e| ChainError::Key(format!("{e}")))
	}

	/// The subxt client, for callers that need more than [`WorldChain`].
	pub fn api(&self) -> &OnlineClient<SubstrateConfig> {
		&self.api
	}
}

fn decode_world_event(event: &subxt::events::Event<'_, SubstrateConfig>) -> Option<WorldEvent> {
	if event.pallet_name() != PALLET {
		return None;
	}
	let decoded = match event.event_name() {
		"EditsQueued" => {
			event.decode_fields_unchecked_as::<QueuedFields>().map(|f| WorldEvent::EditsQueued {
				id: f.id.into(),
				who: f.who.0,
				coord: f.coord.into(),
				base_version: f.base_version,
			})
		}
		"EditsApplied" => {
			event.decode_fields_unchecked_as::<AppliedFields>().map(|f| WorldEvent::EditsApplied {
				id: f.id.into(),
				who: f.who.0,
				coord: f.coord.into(),
				version: f.version,
				content_hash: f.content_hash.into(),
			})
		}
		"EditsBounced" => event.decode_fields_unchecked_as::<BouncedFields>().map(|f| {
			let reason = match &f.reason.value {
				ValueDef::Variant(variant) => BounceReason::from_name(&variant.name),
				_ => BounceReason::Other,
			};
			WorldEvent::EditsBounced {
				id: f.id.into(),
				who: f.who.0,
				coord: f.coord.into(),
				reason,
			}
		}),
		"ChunkUpdated" => {
			event.decode_fields_unchecked_as::<UpdatedFields>().map(|f| WorldEvent::ChunkUpdated {
				coord: f.coord.into(),
				version: f.version,
				content_hash: f.content_hash.into(),
			})
		}
		_ => return None,
	};
	match decoded {
		Ok(event) => Some(event),
		Err(e) => {
			tracing::warn!("cannot decode World event {}: {e}", event.event_name());
			None
		}
	}
}

async fn world_block(
	block: Result<subxt::client::Block<SubstrateConfig>, subxt::error::BlocksError>,
) -> Result<FinalizedWorldBlock, ChainError> {
	let block = block.map_err(display_error("following finalized blocks"))?;
	let number = block.number();
	let at = block.at().await.map_err(display_error("opening a finalized block"))?;
	let events = at.events().fetch().await.map_err(display_error("fetching a block's events"))?;
	let events =
		events.iter().filter_map(|event| event.ok()).filter_map(|e| decode_world_event(&e));
	Ok(FinalizedWorldBlock { number, events: events.collect() })
}

impl RpcWorldChain {
	/// Signs `call` with the player's key at the next nonce, submits it and reports how it
	/// ended. Nonces are remembered across calls, so submissions in quick succession do not
	/// collide; a refused or lost transaction makes the next call read the chain's nonce.
	async fn sign_and_watch<Call: subxt::transactions::Payload>(
		&self,
		call: &Call,
		what: &'static str,
	) -> Result<oneshot::Receiver<DispatchOutcome>, ChainError> {
		let mut transactions = self.api.tx().await.map_err(display_error(what))?;
		let account = AccountId32(self.account());
		let finalized_nonce = transactions
			.account_nonce(&account)
			.await
			.map_err(display_error("reading the account nonce"))?;
		let remembered = *self.next_nonce.lock().unwrap_or_else(|p| p.into_inner());
		let nonce = remembered.map_or(finalized_nonce, |n| n.max(finalized_nonce));
		let params = DefaultExtrinsicParamsBuilder::<SubstrateConfig>::new().nonce(nonce).build();
		let progress =
			match transactions.sign_and_submit_then_watch(call, &self.signer, params).await {
				Ok(progress) => progress,
				Err(e) => {
					// Start again from the chain's view of the nonce.
					*self.next_nonce.lock().unwrap_or_else(|p| p.into_inner()) = None;
					return Err(ChainError::Refused(e.to_string()));
				}
			};
		*self.next_nonce.lock().unwrap_or_else(|p| p.into_inner()) = Some(nonce + 1);
		let (report, dispatch) = oneshot::channel();
		let next_nonce = self.next_nonce.clone();
		tokio::spawn(async move {
			let outcome = watch_dispatch(progress).await;
			if matches!(outcome, DispatchOutcome::Lost(_)) {
				// A lost transaction leaves a gap: read the nonce from the chain again.
				*next_nonce.lock().unwrap_or_else(|p| p.into_inner()) = None;
			}
			let _ = report.send(outcome);
		});
		Ok(dispatch)
	}
}

/// Waits for the transaction's first block and reports how its call fared.
async fn watch_dispatch(
	mut progress: subxt::transactions::TransactionProgress<
		SubstrateConfig,
		subxt::client::OnlineClientAtBlockImpl<SubstrateConfig>,
	>,
) -> DispatchOutcome {
	while let Some(status) = progress.next().await {
		let in_block = match status {
			Ok(TransactionStatus::InBestBlock(in_block))
			| Ok(TransactionStatus::InFinalizedBlock(in_block)) => in_block,
			Ok(TransactionStatus::Error { message })
			| Ok(TransactionStatus::Invalid { message })
			| Ok(TransactionStatus::Dropped { message }) => return DispatchOutcome::Lost(message),
			Ok(_) => continue,
			Err(e) => return DispatchOutcome::Lost(e.to_string()),
		};
		return match in_block.wait_for_success().await {
			Ok(_) => DispatchOutcome::Queued,
			Err(TransactionEventsError::ExtrinsicFailed(error)) => {
				DispatchOutcome::Failed(match &error {
					subxt::error::DispatchError::Module(module) => module.details_string(),
					other => other.to_string(),
				})
			}
			Err(e) => DispatchOutcome::Lost(e.to_string()),
		};
	}
	DispatchOutcome::Lost("the node stopped reporting on the transaction".into())
}

#[async_trait::async_trait]
impl WorldChain for RpcWorldChain {
	fn account(&self) -> AccountBytes {
		self.signer.public_key().0
	}

	fn genesis_hash(&self) -> [u8; 32] {
		self.api.genesis_hash().0
	}

	async fn world_seed(&self) -> Result<u64, ChainError> {
		let at = self.api.at_current_block().await.map_err(display_error("world seed"))?;
		let payload = dynamic::runtime_api_call::<_, u64>(RUNTIME_API, "world_seed", ());
		at.runtime_apis().call(payload).await.map_err(display_error("world seed"))
	}

	async fn chunk_record(&self, coord: ChunkCoord) -> Result<Option<ChunkRecord>, ChainError> {
		let at = self.api.at_current_block().await.map_err(display_error("chunk record"))?;
		let payload = dynamic::runtime_api_call::<_, Option<RecordFields>>(
			RUNTIME_API,
			"chunk_record",
			(Coord::from(coord),),
		);
		let record =
			at.runtime_apis().call(payload).await.map_err(display_error("chunk record"))?;
		Ok(record.map(ChunkRecord::from))
	}

	async fn chunk(&self, coord: ChunkCoord) -> Result<ChainChunk, ChainError> {
		let at = self.api.at_current_block().await.map_err(display_error("chunk"))?;
		let payload =
			dynamic::runtime_api_call::<_, ViewFields>(RUNTIME_API, "chunk", (Coord::from(coord),));
		let view = at.runtime_apis().call(payload).await.map_err(display_error("chunk"))?;
		let chunk = ChainChunk {
			version: view.version,
			content_hash: view.content_hash.into(),
			bytes: view.bytes,
		};
		crate::chunk_bytes::verify_chunk_bytes(&chunk.content_hash, &chunk.bytes)
			.map_err(|e| ChainError::Inconsistent(format!("chunk {coord:?}: {e}")))?;
		Ok(chunk)
	}

	async fn submit_edits(
		&self,
		coord: ChunkCoord,
		base_version: ChunkVersion,
		edits: Vec<BlockEdit>,
		client_timestamp: u64,
	) -> Result<Submission, ChainError> {
		let id =
			super::submission_id(&self.account(), &coord, base_version, client_timestamp, &edits);
		let call_edits: Vec<Edit> =
			edits.iter().map(|e| Edit { x: e.x, y: e.y, z: e.z, block: e.block }).collect();
		let call = dynamic::tx(
			PALLET,
			"apply_edits",
			(Coord::from(coord), base_version, call_edits, client_timestamp),
		);
		let dispatch = self.sign_and_watch(&call, "preparing apply_edits").await?;
		Ok(Submission { id, dispatch })
	}

	async fn region(
		&self,
		action: RegionAction,
	) -> Result<oneshot::Receiver<DispatchOutcome>, ChainError> {
		const WHAT: &str = "preparing a region call";
		let editor = |who: AccountBytes| MultiAddress::<AccountId32, ()>::Id(AccountId32(who));
		Ok(match action {
			RegionAction::Claim(region) => {
				let call = dynamic::tx(PALLET, "claim_region", (Region::from(region),));
				self.sign_and_watch(&call, WHAT).await?
			}
			RegionAction::Release(region) => {
				let call = dynamic::tx(PALLET, "release_region", (Region::from(region),));
				self.sign_and_watch(&call, WHAT).await?
			}
			RegionAction::Allow(region, who) => {
				let call = dynamic::tx(PALLET, "allow_editor", (Region::from(region), editor(who)));
				self.sign_and_watch(&call, WHAT).await?
			}
			RegionAction::Disallow(region, who) => {
				let call =
					dynamic::tx(PALLET, "disallow_editor", (Region::from(region), editor(who)));
				self.sign_and_watch(&call, WHAT).await?
			}
		})
	}

	async fn finalized_events(&self) -> Result<WorldEventStream, ChainError> {
		let blocks = self.api.stream_blocks().await.map_err(display_error("finalized blocks"))?;
		Ok(blocks.then(world_block).boxed())
	}
}
