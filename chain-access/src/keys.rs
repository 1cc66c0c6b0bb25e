//! Keys: every program signs with an sr25519 key named by a secret URI.

use crate::ChainError;
use std::path::Path;
use subxt_signer::sr25519::Keypair;

/// A 32-byte account id (the sr25519 public key), as the chain's `AccountId32`.
pub type AccountBytes = [u8; 32];

/// The key named by a secret URI: `//Alice`, a mnemonic with an optional derivation path, or a
/// `0x` hex seed.
pub fn key_from_uri(uri: &str) -> Result<Keypair, ChainError> {
	let uri: subxt_signer::SecretUri =
		uri.trim().parse().map_err(|e| ChainError::Key(format!("{e}")))?;
	Keypair::from_uri(&uri).map_err(|e| ChainError::Key(format!("{e}")))
}

/// The key in the first line of `path`, a secret URI as for [`key_from_uri`].
pub fn read_key_file(path: &Path) -> Result<Keypair, ChainError> {
	let text = std::fs::read_to_string(path)
		.map_err(|e| ChainError::Key(format!("reading {}: {e}", path.display())))?;
	let line = text.lines().next().unwrap_or_default();
	if line.trim().is_empty() {
		return Err(ChainError::Key(format!("{} holds no secret URI", path.display())));
	}
	key_from_uri(line)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dev_uris_name_the_well_known_accounts() {
		let alice = key_from_uri("//Alice").expect("a dev URI");
		// Alice's public key, as every Substrate tool prints it.
		assert_eq!(
			alice.public_key().0[..4],
			[0xd4, 0x35, 0x93, 0xc7],
			"//Alice is 5GrwvaEF..., 0xd43593c7..."
		);
		assert_ne!(alice.public_key().0, key_from_uri("//Bob").expect("a dev URI").public_key().0);
	}

	#[test]
	fn a_malformed_uri_is_a_key_error() {
		assert!(matches!(key_from_uri("not a uri //"), Err(ChainError::Key(_))));
	}

	#[test]
	fn a_key_file_gives_its_first_line() {
		let dir = std::env::temp_dir().join(format!("playnet-key-{}", std::process::id()));
		std::fs::create_dir_all(&dir).expect("a temporary directory");
		let path = dir.join("key");
		std::fs::write(&path, "//Bob\nignored\n").expect("written");
		let bob = read_key_file(&path).expect("the file's key");
		assert_eq!(bob.public_key().0, key_from_uri("//Bob").expect("a dev URI").public_key().0);
		std::fs::write(&path, "\n").expect("written");
		assert!(matches!(read_key_file(&path), Err(ChainError::Key(_))));
		assert!(matches!(read_key_file(&dir.join("missing")), Err(ChainError::Key(_))));
		let _ = std::fs::remove_dir_all(dir);
	}
}
