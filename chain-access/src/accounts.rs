//! Balances, read at the last finalized block (with a light client: proof-checked).

use crate::{AccountBytes, ChainError, Connection};
use subxt::{
	client::OnlineClientAtBlock,
	dynamic,
	ext::scale_decode::{self, DecodeAsType},
	utils::AccountId32,
	SubstrateConfig,
};

/// Plancks per PGT (12 decimals).
pub const PLANCKS_PER_PGT: u128 = 1_000_000_000_000;

/// `amount` in PGT, without trailing zeros: `1000 PGT`, `3.0001 PGT`.
pub fn format_pgt(amount: u128) -> String {
	let whole = amount / PLANCKS_PER_PGT;
	let fraction = amount % PLANCKS_PER_PGT;
	if fraction == 0 {
		return format!("{whole} PGT");
	}
	let digits = format!("{fraction:012}");
	format!("{whole}.{} PGT", digits.trim_end_matches('0'))
}

/// `text` (`1000`, `0.5`) in plancks; `None` for anything else or past 12 decimals.
pub fn parse_pgt(text: &str) -> Option<u128> {
	let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
	if whole.is_empty() && fraction.is_empty() || fraction.len() > 12 {
		return None;
	}
	let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
	if !digits(whole) || !digits(fraction) {
		return None;
	}
	let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
	let fraction: u128 =
		if fraction.is_empty() { 0 } else { format!("{fraction:0<12}").parse().ok()? };
	whole.checked_mul(PLANCKS_PER_PGT)?.checked_add(fraction)
}

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
