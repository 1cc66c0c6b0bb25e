//! Why the chain could not be reached, read or written.

/// Why the chain could not be reached, read or written. Every variant says what was being
/// done; none of them means that anything changed on chain, except [`ChainError::Dispatch`]
/// (the transaction is in a block and paid its fee, but its call failed).
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	/// The node or the light client's peers could not be reached.
	#[error("cannot connect to {endpoint}: {reason}")]
	Connect {
		/// The node's URL or the chain spec's name.
		endpoint: String,
		/// Why.
		reason: String,
	},
	/// The chain spec cannot start a light client (not JSON, no raw genesis, ...).
	#[error("chain spec {source_name}: {reason}")]
	ChainSpec {
		/// Where the spec came from.
		source_name: String,
		/// What is wrong with it.
		reason: String,
	},
	/// A request failed (the connection dropped, the node answered with an error, a proof
	/// did not verify, a wait ran out).
	#[error("{what}: {reason}")]
	Rpc {
		/// What was asked.
		what: &'static str,
		/// Why it failed.
		reason: String,
	},
	/// The answer cannot be read (a runtime this program does not know).
	#[error("cannot decode {what}: {reason}")]
	Decode {
		/// What was asked.
		what: &'static str,
		/// Why.
		reason: String,
	},
	/// The transaction was refused before any block held it (bad signature, nonce, fees,
	/// invalid, dropped): nothing changed and no fee was paid.
	#[error("the chain refused {call}: {reason}")]
	Refused {
		/// The call.
		call: String,
		/// Why.
		reason: String,
	},
	/// The transaction is in a block but its call failed, e.g. `Render::CommitTooLate`.
	#[error("{call} failed on chain: {error}")]
	Dispatch {
		/// The call.
		call: String,
		/// The chain's error, as `Pallet::Error`.
		error: String,
	},
	/// The key could not be read.
	#[error("bad key: {0}")]
	Key(String),
	/// The chain's answer contradicts itself (bytes that do not hash to the recorded hash).
	#[error("the chain's answer is inconsistent: {0}")]
	Inconsistent(String),
}

impl ChainError {
	/// Whether trying again later may succeed: lost connections and timeouts, not refusals,
	/// failed calls, bad input, or a runtime this program cannot read.
	pub fn is_transient(&self) -> bool {
		matches!(self, ChainError::Rpc { .. } | ChainError::Connect { .. })
	}

	/// A closure making an [`ChainError::Rpc`] of `what` from any error.
	pub fn rpc<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> ChainError {
		move |e| ChainError::Rpc { what, reason: e.to_string() }
	}

	/// A closure making a [`ChainError::Decode`] of `what` from any error.
	pub fn decode<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> ChainError {
		move |e| ChainError::Decode { what, reason: e.to_string() }
	}
}
