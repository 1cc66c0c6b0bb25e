//! The peer's persistent identity: an Ed25519 key kept in the cache directory, so that a
//! client keeps its peer id (and the addresses others bootstrap from) across restarts.

use libp2p::identity::Keypair;
use std::{fs, io, path::Path};

/// The key file's name inside the cache directory.
pub const IDENTITY_FILE: &str = "p2p-identity.key";

/// Why the identity could not be loaded or stored.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
	/// Reading or writing the key file failed.
	#[error("{path}: {source}")]
	Io {
		/// The key file.
		path: String,
		/// The failure.
		source: io::Error,
	},
	/// The key file does not hold a libp2p key.
	#[error("{path} is not a libp2p key ({reason}); move it away to make a new identity")]
	Malformed {
		/// The key file.
		path: String,
		/// Why.
		reason: String,
	},
}

/// The identity stored in `dir`, made and stored (readable by the owner only) on first use.
pub fn load_or_create(dir: &Path) -> Result<Keypair, IdentityError> {
	let path = dir.join(IDENTITY_FILE);
	let name = path.display().to_string();
	let io_error = |source| IdentityError::Io { path: name.clone(), source };
	match fs::read(&path) {
		Ok(bytes) => Keypair::from_protobuf_encoding(&bytes)
			.map_err(|e| IdentityError::Malformed { path: name.clone(), reason: e.to_string() }),
		Err(e) if e.kind() == io::ErrorKind::NotFound => {
			fs::create_dir_all(dir).map_err(io_error)?;
			let key = Keypair::generate_ed25519();
			let bytes = key.to_protobuf_encoding().map_err(|e| IdentityError::Malformed {
				path: name.clone(),
				reason: e.to_string(),
			})?;
			let partial = dir.join(format!("{IDENTITY_FILE}.partial"));
			write_private(&partial, &bytes).map_err(io_error)?;
			fs::rename(&partial, &path).map_err(io_error)?;
			Ok(key)
		}
		Err(e) => Err(io_error(e)),
	}
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
	use std::{io::Write, os::unix::fs::OpenOptionsExt};
	let mut file =
		fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
	file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
	fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_identity_survives_a_restart() {
		let dir = tempfile::tempdir().unwrap();
		let first = load_or_create(dir.path()).unwrap();
		let second = load_or_create(dir.path()).unwrap();
		assert_eq!(first.public().to_peer_id(), second.public().to_peer_id());
	}

	#[test]
	fn a_damaged_key_file_is_a_clear_error() {
		let dir = tempfile::tempdir().unwrap();
		fs::write(dir.path().join(IDENTITY_FILE), b"not a key").unwrap();
		assert!(matches!(load_or_create(dir.path()), Err(IdentityError::Malformed { .. })));
	}
}
