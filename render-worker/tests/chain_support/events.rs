//! What the chain said about one task, gathered from finalized blocks until the task ends.

use super::{Api, StoredHash};
use anyhow::{bail, Result};
use codec::Decode;
use std::collections::{BTreeMap, BTreeSet};
use subxt::{
	ext::scale_decode::{self, DecodeAsType},
	utils::AccountId32,
};

/// The render pallet's events about one task, and the stake pallet's slashes and outcomes in
/// the same blocks (they do not name the task: each test runs one task at a time).
#[derive(Default, Debug)]
pub struct TaskEvents {
	pub assigned: BTreeSet<AccountId32>,
	pub committed: BTreeSet<AccountId32>,
	/// Who revealed which root.
	pub revealed: BTreeMap<AccountId32, [u8; 32]>,
	/// `ResultAccepted`: the root and its signers.
	pub accepted: Option<([u8; 32], BTreeSet<AccountId32>)>,
	/// `DissenterSlashed`: who, and the amount.
	pub dissenters: BTreeMap<AccountId32, u128>,
	/// `WorkerMissed`: who, and the amount.
	pub missed: BTreeMap<AccountId32, u128>,
	/// `WorkerRewarded`: who, and its fee share and minted PGT.
	pub rewarded: BTreeMap<AccountId32, (u128, u128)>,
	pub settled: Option<Settled>,
	pub fraud: Option<FraudProven>,
	pub refunded: Option<Refunded>,
	/// `Stake::Slashed`, by the slashed account.
	pub slashes: BTreeMap<AccountId32, Slashed>,
	/// `Stake::OutcomeRecorded`, by account, in order.
	pub outcomes: BTreeMap<AccountId32, Vec<Outcome>>,
	/// `ChallengeAnswered`: the signer whose answer was taken, by frame.
	pub answered: BTreeMap<u32, AccountId32>,
	/// `ChallengeClosed`: whether the deposit went to the signers, by frame.
	pub challenges_closed: BTreeMap<u32, bool>,
	/// `SpotCheckDrawn`: the frame and tile of an optimistic result's spot check.
	pub spot_check: Option<(u32, u32)>,
	/// `SpotCheckFailed`: the amount slashed.
	pub spot_check_failed: Option<u128>,
}

impl TaskEvents {
	/// The signers of the accepted root (empty when none was accepted).
	pub fn signers(&self) -> BTreeSet<AccountId32> {
		self.accepted.as_ref().map(|(_, signers)| signers.clone()).unwrap_or_default()
	}

	/// Who revealed, whatever the root.
	pub fn revealers(&self) -> BTreeSet<AccountId32> {
		self.revealed.keys().cloned().collect()
	}
}

/// `Render::TaskSettled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Settled {
	pub task: u64,
	pub paid: u128,
	pub burned: u128,
	pub minted: u128,
}

/// `Render::FraudProven`.
#[derive(Debug, Clone, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct FraudProven {
	pub task: u64,
	pub reporter: AccountId32,
	pub frame: u32,
	pub tile: u32,
	pub slashed: u128,
}

/// `pallet_render::RefundReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub enum RefundReason {
	NoMajority,
	NoReplacement,
	Fraud,
	QueueFull,
	ChallengeUnanswered,
}

/// `Render::TaskRefunded`.
#[derive(Debug, Clone, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Refunded {
	pub task: u64,
	pub poster: AccountId32,
	pub amount: u128,
	pub reason: RefundReason,
}

/// `Stake::Slashed`.
#[derive(Debug, Clone, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct Slashed {
	pub who: AccountId32,
	pub amount: u128,
	pub reporter: Option<AccountId32>,
	pub to_reporter: u128,
	pub burned: u128,
}

/// `pallet_stake::Outcome`: the protocol's own type, read from the event's SCALE bytes.
pub use playnet_primitives::Outcome;

/// The `task` field every render pallet event about a task has.
#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct TaskFields {
	pub task: u64,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct AssignedFields {
	task: u64,
	workers: Vec<AccountId32>,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct WorkerFields {
	task: u64,
	worker: AccountId32,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct RevealedFields {
	task: u64,
	worker: AccountId32,
	root: StoredHash,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct AcceptedFields {
	task: u64,
	root: StoredHash,
	signers: Vec<AccountId32>,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct SlashedWorkerFields {
	task: u64,
	worker: AccountId32,
	slashed: u128,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct AnsweredFields {
	task: u64,
	frame: u32,
	signer: AccountId32,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct ClosedFields {
	task: u64,
	frame: u32,
	deposit_to_signers: bool,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct SpotCheckFields {
	task: u64,
	frame: u32,
	tile: u32,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct SpotCheckFailedFields {
	task: u64,
	slashed: u128,
}

#[derive(DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct RewardedFields {
	task: u64,
	worker: AccountId32,
	fee_share: u128,
	minted: u128,
}

/// Follows finalized blocks until `task` is settled or refunded, collecting its events.
/// Start it before posting the task: it sees blocks from the one finalized when it starts.
pub async fn follow_task(api: &Api, task: u64) -> Result<TaskEvents> {
	let mut seen = TaskEvents::default();
	let mut blocks = api.stream_blocks().await?;
	while let Some(block) = blocks.next().await {
		let at = block?.at().await?;
		let mut ended = false;
		for event in at.events().fetch().await?.iter() {
			let event = event?;
			match (event.pallet_name(), event.event_name()) {
				("Render", "WorkersAssigned") => {
					let f = event.decode_fields_unchecked_as::<AssignedFields>()?;
					if f.task == task {
						seen.assigned.extend(f.workers);
					}
				}
				("Render", "Committed") => {
					let f = event.decode_fields_unchecked_as::<WorkerFields>()?;
					if f.task == task {
						seen.committed.insert(f.worker);
					}
				}
				("Render", "Revealed") => {
					let f = event.decode_fields_unchecked_as::<RevealedFields>()?;
					if f.task == task {
						seen.revealed.insert(f.worker, f.root.0);
					}
				}
				("Render", "ResultAccepted") => {
					let f = event.decode_fields_unchecked_as::<AcceptedFields>()?;
					if f.task == task {
						seen.accepted = Some((f.root.0, f.signers.into_iter().collect()));
					}
				}
				("Render", name @ ("DissenterSlashed" | "WorkerMissed")) => {
					let f = event.decode_fields_unchecked_as::<SlashedWorkerFields>()?;
					if f.task == task {
						let map = if name == "DissenterSlashed" {
							&mut seen.dissenters
						} else {
							&mut seen.missed
						};
						map.insert(f.worker, f.slashed);
					}
				}
				("Render", "WorkerRewarded") => {
					let f = event.decode_fields_unchecked_as::<RewardedFields>()?;
					if f.task == task {
						seen.rewarded.insert(f.worker, (f.fee_share, f.minted));
					}
				}
				("Render", "ChallengeAnswered") => {
					let f = event.decode_fields_unchecked_as::<AnsweredFields>()?;
					if f.task == task {
						seen.answered.insert(f.frame, f.signer);
					}
				}
				("Render", "ChallengeClosed") => {
					let f = event.decode_fields_unchecked_as::<ClosedFields>()?;
					if f.task == task {
						seen.challenges_closed.insert(f.frame, f.deposit_to_signers);
					}
				}
				("Render", "SpotCheckDrawn") => {
					let f = event.decode_fields_unchecked_as::<SpotCheckFields>()?;
					if f.task == task {
						seen.spot_check = Some((f.frame, f.tile));
					}
				}
				("Render", "SpotCheckFailed") => {
					let f = event.decode_fields_unchecked_as::<SpotCheckFailedFields>()?;
					if f.task == task {
						seen.spot_check_failed = Some(f.slashed);
					}
				}
				("Render", "FraudProven") => {
					let f = event.decode_fields_unchecked_as::<FraudProven>()?;
					if f.task == task {
						seen.fraud = Some(f);
					}
				}
				("Render", "TaskSettled") => {
					let f = event.decode_fields_unchecked_as::<Settled>()?;
					if f.task == task {
						seen.settled = Some(f);
						ended = true;
					}
				}
				("Render", "TaskRefunded") => {
					let f = event.decode_fields_unchecked_as::<Refunded>()?;
					if f.task == task {
						seen.refunded = Some(f);
						ended = true;
					}
				}
				("Stake", "Slashed") => {
					let f = event.decode_fields_unchecked_as::<Slashed>()?;
					seen.slashes.insert(f.who.clone(), f);
				}
				("Stake", "OutcomeRecorded") => {
					// `OutcomeRecorded { who, outcome, reputation }`: the first two fields.
					let (who, outcome) = <([u8; 32], Outcome)>::decode(&mut event.field_bytes())?;
					seen.outcomes.entry(AccountId32(who)).or_default().push(outcome);
				}
				_ => {}
			}
		}
		// The whole block is read: the stake pallet's events follow the render pallet's.
		if ended {
			return Ok(seen);
		}
	}
	bail!("the block subscription ended before task {task} ended: {seen:?}")
}
