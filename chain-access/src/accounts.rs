//! Balances, read at the last finalized block (with a light client: proof-checked).

use crate::{AccountBytes, ChainError, Connection};
use subxt::{
	client::OnlineClientAtBlock,
	dynamic,
	ext::scale_decode::{self, DecodeAsType},
	utils::AccountId32,
	SubstrateConfig,
};

/// `System::Account`'s balances, as far as the programs read them.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Balances {
	/// What the account can spend.
	pub free: u128,
	/// What is held (bonds, deposits, escrow).
	pub reserved: u128,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct AccountInfo {
	data: AccountData,
}

#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
struct AccountData {
	free: u128,
	reserved: u128,
}

/// The balances of `who` at the last finalized block (all zero for an account the chain does
/// not know).
pub async fn balances(connection: &Connection, who: &AccountBytes) -> Result<Balances, ChainError> {
	let at = connection
		.api()
		.at_current_block()
		.await
		.map_err(ChainError::rpc("reading the finalized block"))?;
	balances_at(&at, who).await
}

/// The balances of `who` at the block `at` is pinned to.
pub async fn balances_at(
	at: &OnlineClientAtBlock<SubstrateConfig>,
	who: &AccountBytes,
) -> Result<Balances, ChainError> {
	const WHAT: &str = "System::Account";
	let address = dynamic::storage::<(AccountId32,), AccountInfo>("System", "Account");
	let info = at
		.storage()
		.fetch(address, (AccountId32(*who),))
		.await
		.map_err(ChainError::rpc(WHAT))?
		.decode()
		.map_err(ChainError::decode(WHAT))?;
	Ok(Balances { free: info.data.free, reserved: info.data.reserved })
}
