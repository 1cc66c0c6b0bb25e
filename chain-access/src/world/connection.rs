//! [`WorldChain`] over a [`Connection`], with subxt's dynamic API: only the fields the game
//! reads are declared; decoding goes by name through the runtime's metadata.

use super::{
	BounceReason, ChainChunk, ChunkRecord, ChunkVersion, DispatchOutcome, FinalizedWorldBlock,
	RegionAction, Submission, WorldChain, WorldEvent, WorldEventStream,
};
use crate::{
	chunk_bytes::verify_chunk_bytes,
	shapes::{Coord, Edit, Hash, Region},
	AccountBytes, ChainError, Connection, Signer,
};
use futures::StreamExt;
use playnet_primitives::{BlockEdit, ChunkCoord};
use std::{sync::Arc, time::Duration};
use subxt::{
	dynamic,
	ext::{
		scale_decode::{self, DecodeAsType},
		scale_value::{Value, ValueDef},
	},
	transactions::Payload,
	utils::{AccountId32, MultiAddress},
	SubstrateConfig,
};
use subxt_signer::sr25519::Keypair;
use tokio::sync::oneshot;

/// How long a submission may take to reach a block before it counts as lost.
const INCLUSION_TIMEOUT: Duration = Duration::from_secs(120);

/// The pallet's name in the runtime.
const PALLET: &str = "World";
/// The runtime API's name.
const RUNTIME_API: &str = "WorldApi";

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

/// The world over a [`Connection`], with the player's key for signing.
pub struct WorldConnection {
	connection: Arc<Connection>,
	signer: Signer,
}

impl WorldConnection {
	/// The world over `connection`, signing with `key`.
	pub fn new(connection: Arc<Connection>, key: Keypair) -> Self {
		WorldConnection { connection, signer: Signer::new(key) }
	}

	/// Connects to `endpoint` (see [`Connection::connect`]) and signs with `key`.
	pub async fn connect(endpoint: &crate::Endpoint, key: Keypair) -> Result<Self, ChainError> {
		Ok(Self::new(Arc::new(Connection::connect(endpoint).await?), key))
	}

	/// The connection, for callers that need more than [`WorldChain`].
	pub fn connection(&self) -> &Connection {
		&self.connection
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
				ValueDef::Variant(variant) => bounce_reason_named(&variant.name),
				_ => bounce_reason_named(""),
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
	let block = block.map_err(ChainError::rpc("following finalized blocks"))?;
	let number = block.number();
	let at = block.at().await.map_err(ChainError::rpc("opening a finalized block"))?;
	let events = at.events().fetch().await.map_err(ChainError::rpc("fetching a block's events"))?;
	let events =
		events.iter().filter_map(|event| event.ok()).filter_map(|e| decode_world_event(&e));
	Ok(FinalizedWorldBlock { number, events: events.collect() })
}

impl WorldConnection {
	/// Signs and submits `call`, and reports how it ended: `Queued` once it is in a block and
	/// its call passed, `Failed` with the chain's error, `Lost` when no block took it.
	async fn sign_and_watch<Call: Payload>(
		&self,
		call: &Call,
		name: &'static str,
	) -> Result<oneshot::Receiver<DispatchOutcome>, ChainError> {
		let pending = self.signer.submit(&self.connection, name, call).await?;
		let (report, dispatch) = oneshot::channel();
		tokio::spawn(async move {
			let outcome = match pending.included(INCLUSION_TIMEOUT).await {
				Ok(_) => DispatchOutcome::Queued,
				Err(ChainError::Dispatch { error, .. }) => DispatchOutcome::Failed(error),
				Err(e) => DispatchOutcome::Lost(e.to_string()),
			};
			let _ = report.send(outcome);
		});
		Ok(dispatch)
	}

	fn api(&self) -> &crate::Api {
		self.connection.api()
	}
}

#[async_trait::async_trait]
impl WorldChain for WorldConnection {
	fn account(&self) -> AccountBytes {
		self.signer.account()
	}

	fn sign(&self, payload: &[u8]) -> [u8; 64] {
		self.signer.keypair().sign(payload).0
	}

	fn genesis_hash(&self) -> [u8; 32] {
		self.connection.genesis_hash()
	}

	async fn world_seed(&self) -> Result<u64, ChainError> {
		let at = self.api().at_current_block().await.map_err(ChainError::rpc("world seed"))?;
		let payload = dynamic::runtime_api_call::<_, u64>(RUNTIME_API, "world_seed", ());
		at.runtime_apis().call(payload).await.map_err(ChainError::rpc("world seed"))
	}

	async fn chunk_record(&self, coord: ChunkCoord) -> Result<Option<ChunkRecord>, ChainError> {
		let at = self.api().at_current_block().await.map_err(ChainError::rpc("chunk record"))?;
		let payload = dynamic::runtime_api_call::<_, Option<RecordFields>>(
			RUNTIME_API,
			"chunk_record",
			(Coord::from(coord),),
		);
		let record =
			at.runtime_apis().call(payload).await.map_err(ChainError::rpc("chunk record"))?;
		Ok(record.map(ChunkRecord::from))
	}

	async fn chunk(&self, coord: ChunkCoord) -> Result<ChainChunk, ChainError> {
		let at = self.api().at_current_block().await.map_err(ChainError::rpc("chunk"))?;
		let payload =
			dynamic::runtime_api_call::<_, ViewFields>(RUNTIME_API, "chunk", (Coord::from(coord),));
		let view = at.runtime_apis().call(payload).await.map_err(ChainError::rpc("chunk"))?;
		let chunk = ChainChunk {
			version: view.version,
			content_hash: view.content_hash.into(),
			bytes: view.bytes,
		};
		verify_chunk_bytes(&chunk.content_hash, &chunk.bytes)
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
		let call_edits: Vec<Edit> = edits.iter().map(Edit::from).collect();
		let call = dynamic::tx(
			PALLET,
			"apply_edits",
			(Coord::from(coord), base_version, call_edits, client_timestamp),
		);
		let dispatch = self.sign_and_watch(&call, "World.apply_edits").await?;
		Ok(Submission { id, dispatch })
	}

	async fn region(
		&self,
		action: RegionAction,
	) -> Result<oneshot::Receiver<DispatchOutcome>, ChainError> {
		let editor = |who: AccountBytes| MultiAddress::<AccountId32, ()>::Id(AccountId32(who));
		Ok(match action {
			RegionAction::Claim(region) => {
				let call = dynamic::tx(PALLET, "claim_region", (Region::from(region),));
				self.sign_and_watch(&call, REGION_CALL).await?
			}
			RegionAction::Release(region) => {
				let call = dynamic::tx(PALLET, "release_region", (Region::from(region),));
				self.sign_and_watch(&call, REGION_CALL).await?
			}
			RegionAction::Allow(region, who) => {
				let call = dynamic::tx(PALLET, "allow_editor", (Region::from(region), editor(who)));
				self.sign_and_watch(&call, REGION_CALL).await?
			}
			RegionAction::Disallow(region, who) => {
				let call =
					dynamic::tx(PALLET, "disallow_editor", (Region::from(region), editor(who)));
				self.sign_and_watch(&call, REGION_CALL).await?
			}
		})
	}

	async fn finalized_events(&self) -> Result<WorldEventStream, ChainError> {
		let blocks =
			self.api().stream_blocks().await.map_err(ChainError::rpc("finalized blocks"))?;
		Ok(blocks.then(world_block).boxed())
	}
}

/// The name region calls go by in errors.
const REGION_CALL: &str = "a World region call";

/// The reason named `name` in the runtime's metadata. A reason this client does not know (a
/// newer runtime's) is reported as [`BounceReason::Unprocessable`]: the edits did not apply
/// either way.
fn bounce_reason_named(name: &str) -> BounceReason {
	match name {
		"EarlierEditWon" => BounceReason::EarlierEditWon,
		"Conflict" => BounceReason::Conflict,
		"BaseVersionTooOld" => BounceReason::BaseVersionTooOld,
		"NotAllowed" => BounceReason::NotAllowed,
		"Unprocessable" => BounceReason::Unprocessable,
		other => {
			tracing::warn!("an edit bounced for a reason this client does not know: {other:?}");
			BounceReason::Unprocessable
		}
	}
}
