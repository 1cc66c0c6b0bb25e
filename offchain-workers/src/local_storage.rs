//! What the offchain worker keeps in the node's offchain persistent storage: the operator's
//! settings (raw UTF-8, set over RPC) and its own records (SCALE), which outlive a restart.
//!
//! | Key | Value | Written by |
//! |---|---|---|
//! | [`RENDER_WORKER_URL_KEY`] | the render worker's base URL, e.g. `http://127.0.0.1:9955` | operator |
//! | [`AUDIT_SOURCE_URL_KEY`] | base URL serving claimed tile proofs (default: the render worker) | operator |
//! | [`AUDIT_KEY`] | `on` / `off`: audit even when not a validator, or never (default: validators) | operator |
//! | `playnet::ocw::job::` ++ SCALE((task, account)) | [`JobRecord`] | worker |
//! | `playnet::ocw::pending::` ++ SCALE(account) | [`PendingTx`] | worker |
//! | `playnet::ocw::tasks::` ++ SCALE(account) | the tasks with a [`JobRecord`], to forget them | worker |
//! | `playnet::ocw::reposts` | [`RepostClaims`]: result ids whose job a run is posting again to answer a challenge | worker |
//!
//! Answering a challenge needs no [`JobRecord`]: the render worker keys its job by the task's
//! result id, which the chain keeps. So the records can go when the task leaves
//! `Assignments` at acceptance, before any challenge of its result.

use alloc::{string::String, vec::Vec};
use codec::{Decode, Encode};
use pallet_render::{Salt, TaskIndex};
use playnet_primitives::Hash32;
use polkadot_sdk::{
	sp_core::offchain::StorageKind,
	sp_io,
	sp_runtime::offchain::storage::{StorageRetrievalError, StorageValueRef},
};

/// Where the operator puts the local render worker's base URL (raw UTF-8 bytes).
pub const RENDER_WORKER_URL_KEY: &[u8] = b"playnet::render-worker-url";

/// Where the operator may put the base URL audits read claimed tile proofs from (raw UTF-8;
/// the render worker's API: `GET {url}/jobs/{task id}/proof?frame=F&tile=T`). Unset: the
/// render worker's URL.
pub const AUDIT_SOURCE_URL_KEY: &[u8] = b"playnet::audit-source-url";

/// The operator's audit switch (raw bytes `on` or `off`). Unset: audit on validators only.
pub const AUDIT_KEY: &[u8] = b"playnet::audit";

const JOB_PREFIX: &[u8] = b"playnet::ocw::job::";
const PENDING_PREFIX: &[u8] = b"playnet::ocw::pending::";
const TASKS_PREFIX: &[u8] = b"playnet::ocw::tasks::";
const REPOSTS_KEY: &[u8] = b"playnet::ocw::reposts";

/// Where one account's render of one task is.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub enum JobState {
	/// A run is posting the spec; other runs keep off until `until` (offchain time, ms).
	Posting {
		/// When the claim lapses.
		until: u64,
	},
	/// The render worker took the job; poll it.
	Rendering {
		/// The worker's job id (the task's result id).
		job_id: Hash32,
	},
	/// Rendered, with the salt drawn for it. Stored before the commit is signed, so the
	/// reveal always finds the salt its commitment was made with.
	Rendered {
		/// The result root.
		root: Hash32,
		/// The commitment's salt.
		salt: Salt,
	},
}

/// One account's render of one task.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct JobRecord {
	/// The task's result id when the record was made (a record for another task, of another
	/// chain say, is stale).
	pub result_id: Hash32,
	/// Where it is.
	pub state: JobState,
}

/// The transaction an account has in the pool: the next one waits until the chain's nonce
/// passes `nonce` or `submitted_at + PendingTxTimeout`.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode)]
pub struct PendingTx<Nonce, BlockNumber> {
	/// The nonce it was signed with.
	pub nonce: Nonce,
	/// The block whose offchain worker submitted it.
	pub submitted_at: BlockNumber,
}

/// The jobs being posted again to the render worker because it forgot them while a challenge
/// of their result waits for an answer: each result id with when its claim lapses (offchain
/// time, ms). A claim stays after a successful post, until it lapses, so a run that saw the
/// job missing before the post landed does not post it again; lapsed claims are dropped
/// whenever the list is written, so it holds only the claims of the last few seconds.
pub type RepostClaims = Vec<(Hash32, u64)>;

/// An operator setting as text; `None` when unset or not UTF-8.
pub fn setting(key: &[u8]) -> Option<String> {
	let bytes = sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, key)?;
	let text = String::from_utf8(bytes).ok()?;
	let text = text.trim();
	(!text.is_empty()).then(|| String::from(text.trim_end_matches('/')))
}

/// The key of `account`'s record for `task`.
pub fn job_key<AccountId: Encode>(task: TaskIndex, account: &AccountId) -> Vec<u8> {
	prefixed(JOB_PREFIX, &(task, account))
}

/// The key of `account`'s pending transaction.
pub fn pending_key<AccountId: Encode>(account: &AccountId) -> Vec<u8> {
	prefixed(PENDING_PREFIX, account)
}

/// `account`'s record for `task`, if any (an undecodable one counts as none).
pub fn job_record<AccountId: Encode>(task: TaskIndex, account: &AccountId) -> Option<JobRecord> {
	StorageValueRef::persistent(&job_key(task, account)).get::<JobRecord>().ok().flatten()
}

/// Forgets the records of `account`'s tasks that are no longer in `assigned`, and remembers
/// `assigned` for the next run.
pub fn forget_finished<AccountId: Encode>(account: &AccountId, assigned: &[TaskIndex]) {
	let key = prefixed(TASKS_PREFIX, account);
	let list = StorageValueRef::persistent(&key);
	let known: Vec<TaskIndex> = list.get().ok().flatten().unwrap_or_default();
	if known == assigned {
		return;
	}
	for task in known.iter().filter(|task| !assigned.contains(task)) {
		StorageValueRef::persistent(&job_key(*task, account)).clear();
	}
	list.set(&assigned);
}

/// Claims the re-post of `result_id`'s job until `until` (offchain time, ms; `now` is the
/// time now): `false` if a live claim holds it. Compare-and-set, so of two overlapping runs
/// one posts.
pub fn claim_repost(result_id: &Hash32, now: u64, until: u64) -> bool {
	StorageValueRef::persistent(REPOSTS_KEY)
		.mutate(|previous: Result<Option<RepostClaims>, StorageRetrievalError>| {
			let mut claims = previous.ok().flatten().unwrap_or_default();
			claims.retain(|(_, lapses)| now < *lapses);
			if claims.iter().any(|(id, _)| id == result_id) {
				return Err(());
			}
			claims.push((*result_id, until));
			Ok(claims)
		})
		.is_ok()
}

/// Drops the claim on `result_id`'s re-post (the post failed: the next run may try again).
pub fn release_repost(result_id: &Hash32) {
	// A lost race leaves the claim to lapse, which only delays the next try.
	let _ = StorageValueRef::persistent(REPOSTS_KEY).mutate(
		|previous: Result<Option<RepostClaims>, StorageRetrievalError>| {
			let mut claims = previous.ok().flatten().unwrap_or_default();
			claims.retain(|(id, _)| id != result_id);
			Ok::<_, ()>(claims)
		},
	);
}

fn prefixed(prefix: &[u8], suffix: &impl Encode) -> Vec<u8> {
	let mut key = prefix.to_vec();
	suffix.encode_to(&mut key);
	key
}
