//! Playnet's state and events as the tests read them, through subxt's dynamic API.
//!
//! Only the fields the tests assert on are declared; decoding follows the runtime's metadata,
//! so new fields or pallets in the runtime do not break these reads.

use anyhow::{Context, Result};
use subxt::client::OnlineClientAtBlock;
use subxt::dynamic;
use subxt::events::DecodeAsEvent;
use subxt::ext::scale_decode::{self, DecodeAsType};
use subxt::utils::AccountId32;
use subxt::SubstrateConfig;

/// A subxt client pinned at one block of a Playnet chain.
pub type AtBlock = OnlineClientAtBlock<SubstrateConfig>;

/// One PGT in plancks (12 decimals).
pub const PGT: u128 = 1_000_000_000_000;

/// The existential deposit: 1 milli-PGT.
pub const EXISTENTIAL_DEPOSIT: u128 = PGT / 1_000;

/// What every development account holds at genesis.
pub const DEV_ENDOWMENT: u128 = 1_000_000 * PGT;

/// What each genesis validator (Alice on `--dev`) has bonded in pallet-stake: held, not free.
pub const VALIDATOR_BOND: u128 = 10_000 * PGT;

/// The treasury's account: `PalletId(*b"py/trsry").into_account_truncating()`, i.e. the bytes
/// `modl` + `py/trsry`, zero-padded to 32 bytes.
pub fn treasury_account() -> AccountId32 {
	let mut id = [0u8; 32];
	id[..12].copy_from_slice(b"modlpy/trsry");
	AccountId32(id)
}

/// `System::Account` as far as the tests need it.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct AccountInfo {
	/// Number of transactions the account has sent.
	pub nonce: u64,
	/// The account's balances.
	pub data: AccountData,
}

/// `pallet_balances::AccountData` as far as the tests need it.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct AccountData {
	/// Balance that can be spent or reserved.
	pub free: u128,
	/// Balance on hold.
	pub reserved: u128,
}

/// `System::Account` of `who` at the block (the default, all zero, for an unknown account).
pub async fn account(at: &AtBlock, who: &AccountId32) -> Result<AccountInfo> {
	let address = dynamic::storage::<(AccountId32,), AccountInfo>("System", "Account");
	at.storage()
		.fetch(address, (*who,))
		.await
		.context("cannot fetch System::Account")?
		.decode()
		.context("cannot decode System::Account")
}

/// The free balance of `who` at the block.
pub async fn free_balance(at: &AtBlock, who: &AccountId32) -> Result<u128> {
	Ok(account(at, who).await?.data.free)
}

/// `Balances::TotalIssuance` at the block.
pub async fn total_issuance(at: &AtBlock) -> Result<u128> {
	fetch_plain(at, "Balances", "TotalIssuance").await
}

/// `Fees::TotalBurned` at the block: every fee and tip share burned since genesis.
pub async fn total_burned(at: &AtBlock) -> Result<u128> {
	fetch_plain(at, "Fees", "TotalBurned").await
}

async fn fetch_plain(at: &AtBlock, pallet: &str, entry: &str) -> Result<u128> {
	let address = dynamic::storage::<(), u128>(pallet, entry);
	at.storage()
		.fetch(address, ())
		.await
		.with_context(|| format!("cannot fetch {pallet}::{entry}"))?
		.decode()
		.with_context(|| format!("cannot decode {pallet}::{entry}"))
}

/// `TransactionPayment::TransactionFeePaid`: what the signer of a transaction paid.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct TransactionFeePaid {
	/// The signer.
	pub who: AccountId32,
	/// The fee, tip excluded.
	pub actual_fee: u128,
	/// The tip.
	pub tip: u128,
}

impl DecodeAsEvent for TransactionFeePaid {
	fn is_event(pallet: &str, event: &str) -> bool {
		pallet == "TransactionPayment" && event == "TransactionFeePaid"
	}
}

/// `Fees::FeesDistributed`: how one transaction's fee and tip were split.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct FeesDistributed {
	/// Burned: leaves total issuance.
	pub burned: u128,
	/// Paid to the treasury account.
	pub to_treasury: u128,
	/// Paid to the block author.
	pub to_author: u128,
	/// The block author, if the block has one.
	pub author: Option<AccountId32>,
}

impl DecodeAsEvent for FeesDistributed {
	fn is_event(pallet: &str, event: &str) -> bool {
		pallet == "Fees" && event == "FeesDistributed"
	}
}

/// `Treasury::Burnt`: the treasury burned part of its pot at the end of a spend period.
#[derive(Debug, DecodeAsType)]
#[decode_as_type(crate_path = "scale_decode")]
pub struct TreasuryBurnt {
	/// The amount burned.
	pub burnt_funds: u128,
}

impl DecodeAsEvent for TreasuryBurnt {
	fn is_event(pallet: &str, event: &str) -> bool {
		pallet == "Treasury" && event == "Burnt"
	}
}
