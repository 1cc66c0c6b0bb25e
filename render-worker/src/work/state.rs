//! The worker's memory on disk: for each task it works on, the root it rendered and the salt
//! it committed with. A record is written (and synced) before the commit is submitted, so a
//! worker restarted between commit and reveal still reveals; it is removed when the task ends.
//!
//! One directory per chain and account (`BASE/<genesis>/<account>/`), one file per task
//! (`task-<index>.json`), each replaced atomically (write a temporary file, sync, rename,
//! sync the directory). Beside it, `task-<index>.frames` holds the result's frame hashes
//! (32 bytes each, in frame order, at most 3,600 x 32 B), written before the commit: with
//! them the worker answers a challenge of any frame by re-rendering that frame alone.

use super::{
	chain::{AccountBytes, TaskIndex},
	commitment::Salt,
};
use playnet_primitives::Hash32;
use std::{
	fs,
	io::Write,
	path::{Path, PathBuf},
};

/// Why the state directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
	/// A file or directory operation failed.
	#[error("{path}: {reason}")]
	Io {
		/// The file or directory.
		path: String,
		/// Why.
		reason: String,
	},
	/// A record file is not a record.
	#[error("{path} is not a task record: {reason}")]
	Corrupt {
		/// The file.
		path: String,
		/// Why.
		reason: String,
	},
}

/// What the worker keeps about one task.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskRecord {
	/// The task's index on chain.
	pub task: TaskIndex,
	/// The spec's `task_id`: a record for another spec (an older chain, say) is not reused.
	pub spec_id: Hash32,
	/// The task's result id, which the root commits to: a record for another draw is not
	/// reused. (Zero in records written before result ids existed: never reused.)
	#[serde(default)]
	pub result_id: Hash32,
	/// The result root the worker rendered.
	pub root: Hash32,
	/// The salt of its commitment (hex).
	#[serde(with = "salt_hex")]
	pub salt: Salt,
	/// The block its commit was included in (a best block: a restarted worker does not
	/// commit again before the followed chain passes it).
	pub committed_in: Option<u64>,
	/// The block its reveal was included in.
	pub revealed_in: Option<u64>,
}

impl TaskRecord {
	/// Whether this record is of the task `view` shows: the same spec and the same draw.
	pub fn is_for(&self, view: &super::chain::TaskView) -> bool {
		self.spec_id == view.spec_id && Some(self.result_id) == view.result_id
	}
}

mod salt_hex {
	use playnet_primitives::Hash32;

	pub fn serialize<S: serde::Serializer>(salt: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
		serde::Serialize::serialize(&Hash32(*salt), s)
	}

	pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
		let hash: Hash32 = serde::Deserialize::deserialize(d)?;
		Ok(hash.0)
	}
}

/// The records of one worker on one chain.
#[derive(Clone, Debug)]
pub struct StateDir {
	dir: PathBuf,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StateError + '_ {
	move |e| StateError::Io { path: path.display().to_string(), reason: e.to_string() }
}

const RECORD_PREFIX: &str = "task-";
const RECORD_SUFFIX: &str = ".json";
const FRAMES_SUFFIX: &str = ".frames";

impl StateDir {
	/// The directory of `account` on the chain with `genesis` under `base`, created if
	/// missing.
	pub fn for_worker(
		base: &Path,
		genesis: &[u8; 32],
		account: &AccountBytes,
	) -> Result<Self, StateError> {
		let dir = base.join(hex::encode(&genesis[..8])).join(hex::encode(account));
		Self::open(dir)
	}

	/// `dir` itself, created if missing.
	pub fn open(dir: impl Into<PathBuf>) -> Result<Self, StateError> {
		let dir = dir.into();
		fs::create_dir_all(&dir).map_err(io_error(&dir))?;
		Ok(StateDir { dir })
	}

	/// The directory.
	pub fn path(&self) -> &Path {
		&self.dir
	}

	fn record_path(&self, task: TaskIndex) -> PathBuf {
		self.dir.join(format!("{RECORD_PREFIX}{task}{RECORD_SUFFIX}"))
	}

	fn frames_path(&self, task: TaskIndex) -> PathBuf {
		self.dir.join(format!("{RECORD_PREFIX}{task}{FRAMES_SUFFIX}"))
	}

	/// Replaces `path` with `bytes` atomically; on return they are on disk.
	fn write_atomically(&self, path: &Path, bytes: &[u8]) -> Result<(), StateError> {
		let mut temporary = path.as_os_str().to_owned();
		temporary.push(".tmp");
		let temporary = PathBuf::from(temporary);
		let mut file = fs::File::create(&temporary).map_err(io_error(&temporary))?;
		file.write_all(bytes).map_err(io_error(&temporary))?;
		file.sync_all().map_err(io_error(&temporary))?;
		drop(file);
		fs::rename(&temporary, path).map_err(io_error(path))?;
		// The rename is durable only once the directory is.
		fs::File::open(&self.dir).and_then(|dir| dir.sync_all()).map_err(io_error(&self.dir))
	}

	/// Keeps the frame hashes of `task`'s result, replacing any earlier ones.
	pub fn save_frame_hashes(&self, task: TaskIndex, frames: &[Hash32]) -> Result<(), StateError> {
		let bytes: Vec<u8> = frames.iter().flat_map(|hash| hash.0).collect();
		self.write_atomically(&self.frames_path(task), &bytes)
	}

	/// The frame hashes kept for `task`, if any.
	pub fn frame_hashes(&self, task: TaskIndex) -> Result<Option<Vec<Hash32>>, StateError> {
		let path = self.frames_path(task);
		let bytes = match fs::read(&path) {
			Ok(bytes) => bytes,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
			Err(e) => return Err(io_error(&path)(e)),
		};
		if bytes.is_empty() || bytes.len() % 32 != 0 {
			return Err(StateError::Corrupt {
				path: path.display().to_string(),
				reason: format!("{} bytes is not a list of 32-byte hashes", bytes.len()),
			});
		}
		let hashes = bytes
			.chunks_exact(32)
			.map(|chunk| {
				let mut hash = [0u8; 32];
				hash.copy_from_slice(chunk);
				Hash32(hash)
			})
			.collect();
		Ok(Some(hashes))
	}

	/// The record of `task`, if there is one.
	pub fn load(&self, task: TaskIndex) -> Result<Option<TaskRecord>, StateError> {
		let path = self.record_path(task);
		let bytes = match fs::read(&path) {
			Ok(bytes) => bytes,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
			Err(e) => return Err(io_error(&path)(e)),
		};
		let record: TaskRecord = serde_json::from_slice(&bytes).map_err(|e| {
			StateError::Corrupt { path: path.display().to_string(), reason: e.to_string() }
		})?;
		if record.task != task {
			return Err(StateError::Corrupt {
				path: path.display().to_string(),
				reason: format!("it holds task {}", record.task),
			});
		}
		Ok(Some(record))
	}

	/// Writes `record`, replacing any earlier one of its task; on return it is on disk.
	pub fn save(&self, record: &TaskRecord) -> Result<(), StateError> {
		let path = self.record_path(record.task);
		let bytes = serde_json::to_vec_pretty(record).map_err(|e| StateError::Corrupt {
			path: path.display().to_string(),
			reason: e.to_string(),
		})?;
		self.write_atomically(&path, &bytes)
	}

	/// Forgets `task`, its record and frame hashes (no error if there were none).
	pub fn remove(&self, task: TaskIndex) -> Result<(), StateError> {
		for path in [self.frames_path(task), self.record_path(task)] {
			match fs::remove_file(&path) {
				Ok(()) => {}
				Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
				Err(e) => return Err(io_error(&path)(e)),
			}
		}
		Ok(())
	}

	/// Every task with a record, ascending.
	pub fn tasks(&self) -> Result<Vec<TaskIndex>, StateError> {
		let mut tasks = Vec::new();
		for entry in fs::read_dir(&self.dir).map_err(io_error(&self.dir))? {
			let name = entry.map_err(io_error(&self.dir))?.file_name();
			let index = name
				.to_str()
				.and_then(|name| name.strip_prefix(RECORD_PREFIX))
				.and_then(|rest| rest.strip_suffix(RECORD_SUFFIX))
				.and_then(|index| index.parse::<TaskIndex>().ok());
			tasks.extend(index);
		}
		tasks.sort_unstable();
		Ok(tasks)
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn record(task: TaskIndex) -> TaskRecord {
		TaskRecord {
			task,
			spec_id: Hash32([7; 32]),
			result_id: Hash32([8; 32]),
			root: Hash32([8; 32]),
			salt: [9; 32],
			committed_in: None,
			revealed_in: None,
		}
	}

	#[test]
	fn a_saved_record_loads_back_unchanged() {
		let base = tempfile::tempdir().unwrap();
		let state = StateDir::open(base.path()).unwrap();
		let mut saved = record(5);
		state.save(&saved).unwrap();
		assert_eq!(state.load(5).unwrap(), Some(saved.clone()));
		saved.committed_in = Some(9);
		state.save(&saved).unwrap();
		assert_eq!(state.load(5).unwrap(), Some(saved));
	}

	#[test]
	fn a_record_survives_reopening_the_directory() {
		let base = tempfile::tempdir().unwrap();
		StateDir::for_worker(base.path(), &[1; 32], &[2; 32]).unwrap().save(&record(3)).unwrap();
		let reopened = StateDir::for_worker(base.path(), &[1; 32], &[2; 32]).unwrap();
		assert_eq!(reopened.load(3).unwrap(), Some(record(3)));
	}

	#[test]
	fn other_chains_and_accounts_have_their_own_records() {
		let base = tempfile::tempdir().unwrap();
		StateDir::for_worker(base.path(), &[1; 32], &[2; 32]).unwrap().save(&record(3)).unwrap();
		let other_chain = StateDir::for_worker(base.path(), &[9; 32], &[2; 32]).unwrap();
		let other_account = StateDir::for_worker(base.path(), &[1; 32], &[9; 32]).unwrap();
		assert_eq!(other_chain.load(3).unwrap(), None);
		assert_eq!(other_account.load(3).unwrap(), None);
	}

	#[test]
	fn an_unknown_task_has_no_record() {
		let base = tempfile::tempdir().unwrap();
		assert_eq!(StateDir::open(base.path()).unwrap().load(1).unwrap(), None);
	}

	#[test]
	fn removing_forgets_the_task_and_tolerates_a_missing_record() {
		let base = tempfile::tempdir().unwrap();
		let state = StateDir::open(base.path()).unwrap();
		state.save(&record(2)).unwrap();
		state.remove(2).unwrap();
		assert_eq!(state.load(2).unwrap(), None);
		state.remove(2).unwrap();
	}

	#[test]
	fn tasks_lists_records_ascending_and_ignores_other_files() {
		let base = tempfile::tempdir().unwrap();
		let state = StateDir::open(base.path()).unwrap();
		for task in [10, 2, 7] {
			state.save(&record(task)).unwrap();
		}
		fs::write(base.path().join("notes.txt"), "hello").unwrap();
		fs::write(base.path().join("task-x.json"), "{}").unwrap();
		assert_eq!(state.tasks().unwrap(), vec![2, 7, 10]);
	}

	#[test]
	fn no_temporary_file_is_left_behind() {
		let base = tempfile::tempdir().unwrap();
		let state = StateDir::open(base.path()).unwrap();
		state.save(&record(1)).unwrap();
		let names: Vec<_> =
			fs::read_dir(base.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
		assert_eq!(names, vec![std::ffi::OsString::from("task-1.json")]);
	}

	#[test]
	fn frame_hashes_load_back_in_order_and_go_with_the_task() {
		let base = tempfile::tempdir().unwrap();
		let state = StateDir::open(base.path()).unwrap();
		let frames: Vec<Hash32> = (0..5u8).map(|i| Hash32::of(&[i])).collect();
		state.save(&record(3)).unwrap();
		state.save_frame_hashes(3, &frames).unwrap();
		assert_eq!(state.frame_hashes(3).unwrap(), Some(frames));
		assert_eq!(state.frame_hashes(4).unwrap(), None);
		assert_eq!(state.tasks().unwrap(), vec![3], "the frames file is not a record");
		state.remove(3).unwrap();
		assert_eq!(state.frame_hashes(3).unwrap(), None);
		let names: Vec<_> =
			fs::read_dir(base.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
		assert!(names.is_empty(), "left behind: {names:?}");
	}

	#[test]
	fn a_truncated_frames_file_is_an_error() {
		let base = tempfile::tempdir().unwrap();
		let state = StateDir::open(base.path()).unwrap();
		fs::write(base.path().join("task-2.frames"), [0u8; 33]).unwrap();
		assert!(matches!(state.frame_hashes(2), Err(StateError::Corrupt { .. })));
	}

	#[test]
	fn a_garbled_record_is_an_error_not_a_missing_one() {
		let base = tempfile::tempdir().unwrap();
		let state = StateDir::open(base.path()).unwrap();
		fs::write(base.path().join("task-4.json"), "{ not json").unwrap();
		assert!(matches!(state.load(4), Err(StateError::Corrupt { .. })));
	}

	#[test]
	fn a_record_filed_under_another_task_is_an_error() {
		let base = tempfile::tempdir().unwrap();
		let state = StateDir::open(base.path()).unwrap();
		state.save(&record(4)).unwrap();
		fs::rename(base.path().join("task-4.json"), base.path().join("task-5.json")).unwrap();
		assert!(matches!(state.load(5), Err(StateError::Corrupt { .. })));
	}
}
