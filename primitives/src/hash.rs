//! 32-byte BLAKE3 digests.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt;
use scale_info::TypeInfo;

/// A 32-byte BLAKE3 digest: task ids, tile and frame hashes, Merkle roots.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Hash,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct Hash32(pub [u8; 32]);

/// The BLAKE3 hash of a chunk's canonical encoding.
pub type ContentHash = Hash32;

impl Hash32 {
	/// BLAKE3 of `bytes`.
	pub fn of(bytes: &[u8]) -> Self {
		Hash32(*blake3::hash(bytes).as_bytes())
	}

	/// BLAKE3 of the concatenation of `parts`, without building it.
	pub fn of_parts(parts: &[&[u8]]) -> Self {
		let mut hasher = blake3::Hasher::new();
		for part in parts {
			hasher.update(part);
		}
		Hash32(*hasher.finalize().as_bytes())
	}

	/// The digest's bytes.
	pub fn as_bytes(&self) -> &[u8; 32] {
		&self.0
	}

	/// Parses 64 hex digits (either case); `None` for anything else.
	pub fn from_hex(text: &str) -> Option<Self> {
		let text = text.strip_prefix("0x").unwrap_or(text);
		let bytes = text.as_bytes();
		if bytes.len() != 64 {
			return None;
		}
		let mut out = [0u8; 32];
		for (i, pair) in bytes.chunks_exact(2).enumerate() {
			let high = hex_digit(pair[0])?;
			let low = hex_digit(pair[1])?;
			out[i] = (high << 4) | low;
		}
		Some(Hash32(out))
	}
}

fn hex_digit(c: u8) -> Option<u8> {
	match c {
		b'0'..=b'9' => Some(c - b'0'),
		b'a'..=b'f' => Some(c - b'a' + 10),
		b'A'..=b'F' => Some(c - b'A' + 10),
		_ => None,
	}
}

/// Lower-case hex, no prefix.
impl fmt::Display for Hash32 {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		for byte in self.0 {
			write!(f, "{byte:02x}")?;
		}
		Ok(())
	}
}

impl fmt::Debug for Hash32 {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "Hash32({self})")
	}
}

/// JSON form: a 64-digit lower-case hex string.
#[cfg(feature = "serde")]
impl serde::Serialize for Hash32 {
	fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
		serializer.collect_str(self)
	}
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Hash32 {
	fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
		let text = <alloc::string::String as serde::Deserialize>::deserialize(deserializer)?;
		Hash32::from_hex(&text).ok_or_else(|| serde::de::Error::custom("expected 64 hex digits"))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn hex_round_trips() {
		let hash = Hash32::of(b"playnet");
		let text = alloc::format!("{hash}");
		assert_eq!(Hash32::from_hex(&text), Some(hash));
		assert_eq!(Hash32::from_hex("zz"), None);
	}
}
