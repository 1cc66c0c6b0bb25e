//! What peers say to each other on a region's gossip topic, and the checks every message
//! passes before it is used or forwarded.

use crate::region::RegionCoord;
use codec::{Decode, DecodeLimit, Encode};
use playnet_primitives::{BlockEdit, ChunkCoord, ContentHash, EditError};

/// The largest gossip message accepted, in bytes. A full edit batch is about 1.3 KiB.
pub const MAX_GOSSIP_BYTES: usize = 4096;
/// The most block edits one delta may carry.
pub const MAX_DELTA_EDITS: usize = 256;
/// The longest chat line, in bytes of UTF-8.
pub const MAX_CHAT_BYTES: usize = 256;
/// SCALE nesting allowed while decoding a message (the types nest two deep).
const MAX_DECODE_DEPTH: u32 = 8;

/// A chunk version the chain is on: chunks of a region are versioned on chain, so a peer that
/// sees this and holds an older version fetches `hash` from peers.
pub type ChunkVersion = u32;

/// One message on a region's topic.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub enum WorldMessage {
	/// Block edits a player just made, sent before the chain orders them.
	#[codec(index = 0)]
	Edits(EditDelta),
	/// Where a player is now.
	#[codec(index = 1)]
	Move(PlayerMove),
	/// A chat line to everyone in the region.
	#[codec(index = 2)]
	Chat(ChatLine),
	/// A chunk version as the chain recorded it, which the author holds: peers ask it for
	/// those bytes first, and may fetch them ahead of finality.
	#[codec(index = 3)]
	ChunkVersion(ChunkAnnouncement),
	/// The chain refused a submission whose delta was gossiped: peers drop it.
	#[codec(index = 4)]
	Withdrawn(EditWithdrawal),
}

/// The chain account that signs a player's submissions (an sr25519 public key).
pub type AccountBytes = [u8; 32];

/// An sr25519 signature.
pub type SignatureBytes = [u8; 64];

/// Block edits to one chunk, in the form `world.apply_edits` takes them, and the account that
/// submits them: with it, peers compute the submission id that the chain's events carry and
/// match the delta to its outcome.
///
/// The account signs the delta ([`EditDelta::signing_payload`]) with its chain key, and a
/// delta whose signature does not verify is refused like malformed gossip: no peer can show
/// other players edits in someone else's name, and no peer can alter a delta it forwards.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct EditDelta {
	/// The account that submits the edits to the chain.
	pub account: AccountBytes,
	/// The edited chunk.
	pub coord: ChunkCoord,
	/// The chunk version the player edited.
	pub base_version: ChunkVersion,
	/// The edits, in order; 1 to [`MAX_DELTA_EDITS`].
	pub edits: Vec<BlockEdit>,
	/// The player's clock, in milliseconds since the Unix epoch.
	pub timestamp_ms: u64,
	/// `account`'s signature of [`EditDelta::signing_payload`].
	pub signature: SignatureBytes,
}

impl EditDelta {
	/// What the account signs: a domain, the world (its chain), and every field but the
	/// signature.
	pub fn signing_payload(&self, world: &str) -> Vec<u8> {
		let mut payload = b"playnet/edit-delta/1".to_vec();
		world.encode_to(&mut payload);
		(self.account, self.coord, self.base_version, &self.edits, self.timestamp_ms)
			.encode_to(&mut payload);
		payload
	}

	/// The delta signed by `key` for `world`: its account becomes `key`'s.
	pub fn signed(mut self, key: &subxt_signer::sr25519::Keypair, world: &str) -> Self {
		self.account = key.public_key().0;
		self.signature = key.sign(&self.signing_payload(world)).0;
		self
	}

	/// Whether `account` signed this delta for `world`.
	pub fn signed_by_its_account(&self, world: &str) -> bool {
		signed_by(&self.account, &self.signature, &self.signing_payload(world))
	}
}

/// Whether `signature` is `account`'s sr25519 signature of `payload`.
fn signed_by(account: &AccountBytes, signature: &SignatureBytes, payload: &[u8]) -> bool {
	subxt_signer::sr25519::verify(
		&subxt_signer::sr25519::Signature(*signature),
		payload,
		&subxt_signer::sr25519::PublicKey(*account),
	)
}

/// A player's position and heading.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct PlayerMove {
	/// World position in sixteenths of a block (fixed point, 4 fraction bits).
	pub position: [i32; 3],
	/// Heading around the vertical axis; a full turn is 65536.
	pub yaw: u16,
	/// Up-down angle; a quarter turn is 16384.
	pub pitch: i16,
	/// The player's clock, in milliseconds since the Unix epoch.
	pub timestamp_ms: u64,
}

impl PlayerMove {
	/// The chunk the player stands in.
	pub fn chunk(&self) -> ChunkCoord {
		// Sixteenths of a block to blocks (>> 4), blocks to chunks (>> 4).
		let [x, y, z] = self.position;
		ChunkCoord::new(x >> 8, y >> 8, z >> 8)
	}
}

/// A chat line.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct ChatLine {
	/// The text, at most [`MAX_CHAT_BYTES`] bytes of UTF-8.
	pub text: String,
	/// The player's clock, in milliseconds since the Unix epoch.
	pub timestamp_ms: u64,
}

/// A chunk's version as recorded on chain.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct ChunkAnnouncement {
	/// The chunk.
	pub coord: ChunkCoord,
	/// Its version on chain.
	pub version: ChunkVersion,
	/// When the announcer confirmed the version (its clock, about when the version was
	/// finalized), in milliseconds since the Unix epoch.
	pub timestamp_ms: u64,
	/// BLAKE3 of the version's canonical bytes, as the chain computed it.
	pub hash: ContentHash,
}

/// A submission the chain refused before queueing it (its delta was already gossiped),
/// signed by the delta's account: peers lift a delta only on its own author's word.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub struct EditWithdrawal {
	/// The chunk the delta edited.
	pub coord: ChunkCoord,
	/// The submission id, as `pallet-world` computes it.
	pub id: ContentHash,
	/// The account that made the delta.
	pub author: AccountBytes,
	/// `author`'s signature of [`EditWithdrawal::signing_payload`].
	pub signature: SignatureBytes,
}

impl EditWithdrawal {
	/// What the author signs: a domain, the world, the chunk, the id and the author.
	pub fn signing_payload(&self, world: &str) -> Vec<u8> {
		let mut payload = b"playnet/edit-withdrawal/1".to_vec();
		world.encode_to(&mut payload);
		(self.coord, self.id, self.author).encode_to(&mut payload);
		payload
	}

	/// Whether `author` signed this withdrawal for `world`.
	pub fn signed_by_its_author(&self, world: &str) -> bool {
		signed_by(&self.author, &self.signature, &self.signing_payload(world))
	}
}

/// Why a gossip message is refused. A peer that sends one is penalised.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum MessageError {
	/// Longer than [`MAX_GOSSIP_BYTES`].
	#[error("message of {0} bytes is over the {MAX_GOSSIP_BYTES}-byte limit")]
	TooLarge(usize),
	/// Not the SCALE encoding of a [`WorldMessage`] (or bytes follow it).
	#[error("malformed message: {0}")]
	Malformed(String),
	/// An edit delta without edits.
	#[error("edit delta without edits")]
	NoEdits,
	/// An edit delta with more than [`MAX_DELTA_EDITS`] edits.
	#[error("edit delta with {0} edits (at most {MAX_DELTA_EDITS})")]
	TooManyEdits(usize),
	/// An edit outside the chunk or with an unknown block id.
	#[error("invalid edit: {0}")]
	InvalidEdit(EditError),
	/// A chunk outside the world's bounds.
	#[error("chunk {0:?} is outside the world")]
	OutsideWorld(ChunkCoord),
	/// An edit delta or a withdrawal its account did not sign (for this world).
	#[error("not signed by the account it names")]
	BadSignature,
	/// A chat line over [`MAX_CHAT_BYTES`].
	#[error("chat line of {0} bytes (at most {MAX_CHAT_BYTES})")]
	ChatTooLong(usize),
	/// About a place in another region than the topic's.
	#[error("message about region {actual} on the topic of region {topic}")]
	WrongRegion {
		/// The topic's region.
		topic: RegionCoord,
		/// The region the message is about.
		actual: RegionCoord,
	},
}

impl WorldMessage {
	/// Checks the message against the game's rules for region `topic`.
	pub fn validate(&self, topic: RegionCoord) -> Result<(), MessageError> {
		let place = match self {
			WorldMessage::Edits(delta) => {
				if delta.edits.is_empty() {
					return Err(MessageError::NoEdits);
				}
				if delta.edits.len() > MAX_DELTA_EDITS {
					return Err(MessageError::TooManyEdits(delta.edits.len()));
				}
				for (index, edit) in delta.edits.iter().enumerate() {
					edit.validate(index).map_err(MessageError::InvalidEdit)?;
				}
				Some(delta.coord)
			}
			WorldMessage::Move(step) => Some(step.chunk()),
			WorldMessage::Chat(line) => {
				if line.text.len() > MAX_CHAT_BYTES {
					return Err(MessageError::ChatTooLong(line.text.len()));
				}
				None
			}
			WorldMessage::ChunkVersion(announcement) => Some(announcement.coord),
			WorldMessage::Withdrawn(withdrawal) => Some(withdrawal.coord),
		};
		if let Some(coord) = place {
			if !coord.in_world() {
				return Err(MessageError::OutsideWorld(coord));
			}
			let actual = RegionCoord::of(&coord);
			if actual != topic {
				return Err(MessageError::WrongRegion { topic, actual });
			}
		}
		Ok(())
	}

	/// The message's bytes on region `topic`'s gossip topic, after checking it.
	pub fn to_gossip(&self, topic: RegionCoord) -> Result<Vec<u8>, MessageError> {
		self.validate(topic)?;
		let bytes = self.encode();
		if bytes.len() > MAX_GOSSIP_BYTES {
			return Err(MessageError::TooLarge(bytes.len()));
		}
		Ok(bytes)
	}

	/// Checks the signature of a message that speaks in an account's name (an edit delta, a
	/// withdrawal) for `world`.
	pub fn check_signature(&self, world: &str) -> Result<(), MessageError> {
		let signed = match self {
			WorldMessage::Edits(delta) => delta.signed_by_its_account(world),
			WorldMessage::Withdrawn(withdrawal) => withdrawal.signed_by_its_author(world),
			_ => true,
		};
		signed.then_some(()).ok_or(MessageError::BadSignature)
	}

	/// Reads and checks a message that arrived on region `topic`'s gossip topic in `world`:
	/// its form, the game's rules and its signature.
	pub fn from_gossip(
		bytes: &[u8],
		topic: RegionCoord,
		world: &str,
	) -> Result<Self, MessageError> {
		if bytes.len() > MAX_GOSSIP_BYTES {
			return Err(MessageError::TooLarge(bytes.len()));
		}
		let message = WorldMessage::decode_all_with_depth_limit(MAX_DECODE_DEPTH, &mut &bytes[..])
			.map_err(|e| MessageError::Malformed(e.to_string()))?;
		message.validate(topic)?;
		message.check_signature(world)?;
		Ok(message)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use playnet_primitives::world::blocks::{BLOCK_COUNT, STONE};
	use subxt_signer::sr25519::{dev, Keypair};

	const WORLD: &str = "test-world";

	fn signed_delta(key: &Keypair, coord: ChunkCoord, edits: Vec<BlockEdit>) -> EditDelta {
		let mut delta = EditDelta {
			account: key.public_key().0,
			coord,
			base_version: 3,
			edits,
			timestamp_ms: 1_000,
			signature: [0; 64],
		};
		delta.signature = key.sign(&delta.signing_payload(WORLD)).0;
		delta
	}

	fn delta(coord: ChunkCoord, edits: Vec<BlockEdit>) -> WorldMessage {
		WorldMessage::Edits(signed_delta(&dev::alice(), coord, edits))
	}

	fn stone_at(x: u8) -> BlockEdit {
		BlockEdit { x, y: 0, z: 0, block: STONE }
	}

	#[test]
	fn a_valid_delta_round_trips() {
		let region = RegionCoord::new(1, -1);
		let message = delta(ChunkCoord::new(5, 2, -3), vec![stone_at(1), stone_at(2)]);
		let bytes = message.to_gossip(region).unwrap();
		assert_eq!(WorldMessage::from_gossip(&bytes, region, WORLD), Ok(message));
	}

	#[test]
	fn the_largest_delta_fits_a_gossip_message() {
		let edits = (0..MAX_DELTA_EDITS).map(|i| stone_at((i % 16) as u8)).collect();
		let message = delta(ChunkCoord::new(0, 0, 0), edits);
		assert!(message.to_gossip(RegionCoord::new(0, 0)).is_ok());
	}

	#[test]
	fn garbage_is_malformed() {
		let result = WorldMessage::from_gossip(&[0xff, 1, 2, 3], RegionCoord::new(0, 0), WORLD);
		assert!(matches!(result, Err(MessageError::Malformed(_))));
	}

	#[test]
	fn trailing_bytes_are_malformed() {
		let region = RegionCoord::new(0, 0);
		let mut bytes = delta(ChunkCoord::new(0, 0, 0), vec![stone_at(0)]).encode();
		bytes.push(0);
		assert!(matches!(
			WorldMessage::from_gossip(&bytes, region, WORLD),
			Err(MessageError::Malformed(_))
		));
	}

	#[test]
	fn oversized_messages_are_refused_before_decoding() {
		let bytes = vec![0u8; MAX_GOSSIP_BYTES + 1];
		let result = WorldMessage::from_gossip(&bytes, RegionCoord::new(0, 0), WORLD);
		assert_eq!(result, Err(MessageError::TooLarge(MAX_GOSSIP_BYTES + 1)));
	}

	#[test]
	fn an_edit_with_an_unknown_block_is_refused() {
		let edit = BlockEdit { x: 0, y: 0, z: 0, block: BLOCK_COUNT };
		let bytes = delta(ChunkCoord::new(0, 0, 0), vec![edit]).encode();
		let result = WorldMessage::from_gossip(&bytes, RegionCoord::new(0, 0), WORLD);
		assert!(matches!(result, Err(MessageError::InvalidEdit(EditError::UnknownBlock { .. }))));
	}

	#[test]
	fn a_delta_on_another_regions_topic_is_refused() {
		let bytes = delta(ChunkCoord::new(4, 0, 0), vec![stone_at(0)]).encode();
		let result = WorldMessage::from_gossip(&bytes, RegionCoord::new(0, 0), WORLD);
		assert!(matches!(result, Err(MessageError::WrongRegion { .. })));
	}

	#[test]
	fn long_chat_lines_are_refused() {
		let line = ChatLine { text: "x".repeat(MAX_CHAT_BYTES + 1), timestamp_ms: 0 };
		let bytes = WorldMessage::Chat(line).encode();
		let result = WorldMessage::from_gossip(&bytes, RegionCoord::new(0, 0), WORLD);
		assert_eq!(result, Err(MessageError::ChatTooLong(MAX_CHAT_BYTES + 1)));
	}

	#[test]
	fn a_move_belongs_to_the_region_the_player_stands_in() {
		// Block (70, 64, -1) is in chunk (4, 4, -1), region (1, -1).
		let step =
			PlayerMove { position: [70 * 16, 64 * 16, -16], yaw: 0, pitch: 0, timestamp_ms: 0 };
		assert_eq!(step.chunk(), ChunkCoord::new(4, 4, -1));
		assert!(WorldMessage::Move(step).validate(RegionCoord::new(1, -1)).is_ok());
	}

	fn announcement(coord: ChunkCoord) -> WorldMessage {
		WorldMessage::ChunkVersion(ChunkAnnouncement {
			coord,
			version: 4,
			timestamp_ms: 1_700_000_000_000,
			hash: ContentHash::of(b"chunk"),
		})
	}

	#[test]
	fn an_announcement_round_trips() {
		let region = RegionCoord::new(-1, 2);
		let message = announcement(ChunkCoord::new(-3, 4, 9));
		let bytes = message.to_gossip(region).unwrap();
		assert_eq!(WorldMessage::from_gossip(&bytes, region, WORLD), Ok(message));
	}

	#[test]
	fn an_announcement_on_another_regions_topic_is_refused() {
		let bytes = announcement(ChunkCoord::new(4, 4, 0)).encode();
		assert_eq!(
			WorldMessage::from_gossip(&bytes, RegionCoord::new(0, 0), WORLD),
			Err(MessageError::WrongRegion {
				topic: RegionCoord::new(0, 0),
				actual: RegionCoord::new(1, 0)
			})
		);
	}

	#[test]
	fn an_announcement_outside_the_world_is_refused() {
		let coord = ChunkCoord::new(0, 4, i32::MAX);
		let bytes = announcement(coord).encode();
		let topic = RegionCoord::of(&coord);
		assert_eq!(
			WorldMessage::from_gossip(&bytes, topic, WORLD),
			Err(MessageError::OutsideWorld(coord))
		);
		// Nor can one be published.
		assert_eq!(announcement(coord).to_gossip(topic), Err(MessageError::OutsideWorld(coord)));
	}

	#[test]
	fn a_truncated_announcement_is_malformed() {
		let bytes = announcement(ChunkCoord::new(0, 0, 0)).encode();
		let result =
			WorldMessage::from_gossip(&bytes[..bytes.len() - 1], RegionCoord::new(0, 0), WORLD);
		assert!(matches!(result, Err(MessageError::Malformed(_))), "{result:?}");
	}

	#[test]
	fn a_delta_in_someone_elses_name_or_altered_on_the_way_is_refused() {
		let region = RegionCoord::new(0, 0);
		let coord = ChunkCoord::new(1, 2, 3);
		let honest = signed_delta(&dev::alice(), coord, vec![stone_at(1)]);
		let bytes = WorldMessage::Edits(honest.clone()).encode();
		assert!(WorldMessage::from_gossip(&bytes, region, WORLD).is_ok());
		// Bob signs a delta that names Alice's account.
		let forged = EditDelta {
			account: dev::alice().public_key().0,
			..signed_delta(&dev::bob(), coord, vec![stone_at(1)])
		};
		// A forwarder changes the edits, the base version or the time of Alice's delta.
		let altered_edits = EditDelta { edits: vec![stone_at(2)], ..honest.clone() };
		let altered_base = EditDelta { base_version: 9, ..honest.clone() };
		let altered_time = EditDelta { timestamp_ms: 999, ..honest.clone() };
		for bad in [forged, altered_edits, altered_base, altered_time] {
			let bytes = WorldMessage::Edits(bad).encode();
			assert_eq!(
				WorldMessage::from_gossip(&bytes, region, WORLD),
				Err(MessageError::BadSignature)
			);
		}
		// Alice's own delta replayed into another world.
		assert_eq!(
			WorldMessage::from_gossip(&bytes, region, "another-world"),
			Err(MessageError::BadSignature)
		);
	}

	#[test]
	fn only_the_author_of_a_delta_can_withdraw_it() {
		let region = RegionCoord::new(0, 0);
		let withdrawal = |key: &Keypair, author: AccountBytes| {
			let mut withdrawal = EditWithdrawal {
				coord: ChunkCoord::new(1, 2, 3),
				id: ContentHash::of(b"a submission"),
				author,
				signature: [0; 64],
			};
			withdrawal.signature = key.sign(&withdrawal.signing_payload(WORLD)).0;
			WorldMessage::Withdrawn(withdrawal).encode()
		};
		let alice = dev::alice().public_key().0;
		assert!(WorldMessage::from_gossip(&withdrawal(&dev::alice(), alice), region, WORLD).is_ok());
		assert_eq!(
			WorldMessage::from_gossip(&withdrawal(&dev::bob(), alice), region, WORLD),
			Err(MessageError::BadSignature)
		);
	}
}
