//! A `--dev` chain driven by subxt: PGT transfers, the fee and its burned share, and bad
//! transactions that must be refused without touching any balance.
//!
//! Each test starts its own `playnet-node --dev` on free loopback ports, so no test sees
//! another's transactions; the node dies with the test.

use anyhow::{bail, ensure, Context, Result};
use playnet_tests::chain::{
	self, AtBlock, FeesDistributed, TransactionFeePaid, TreasuryBurnt, DEV_ENDOWMENT, PGT,
	VALIDATOR_BOND,
};
use playnet_tests::{within, Node, NodeBuilder};
use serde_json::Value as Json;
use std::time::Duration;
use subxt::client::OnlineClientAtBlockImpl;
use subxt::config::DefaultExtrinsicParamsBuilder;
use subxt::error::{DispatchError, TokenError, TransactionEventsError};
use subxt::transactions::{DynamicPayload, TransactionInBlock};
use subxt::utils::{AccountId32, MultiAddress, MultiSignature};
use subxt::{OnlineClient, SubstrateConfig};
use subxt_signer::sr25519::{dev, Keypair};

/// Generous: these run on 2-core machines beside other builds.
const BLOCK_TIMEOUT: Duration = Duration::from_secs(120);

/// The fee split that `pallet-fees` promises: 50% burned, 20% treasury, 30% block author.
const BURN_PERCENT: u128 = 50;
const TREASURY_PERCENT: u128 = 20;
const AUTHOR_PERCENT: u128 = 30;

/// The JSON-RPC error code of `author_submitExtrinsic` for an invalid transaction.
const INVALID_TRANSACTION: i32 = 1010;

type TransferCall = DynamicPayload<(MultiAddress<AccountId32, ()>, u128)>;

fn transfer_keep_alive(dest: &AccountId32, amount: u128) -> TransferCall {
	subxt::dynamic::tx("Balances", "transfer_keep_alive", (MultiAddress::Id(*dest), amount))
}

fn account_of(keypair: &Keypair) -> AccountId32 {
	keypair.public_key().to_account_id()
}

async fn start_dev_node(name: &str) -> Result<(Node, OnlineClient<SubstrateConfig>)> {
	let node = NodeBuilder::dev(name).spawn().await?;
	let api = node.client().await?;
	Ok((node, api))
}

/// Balances of the accounts a transfer touches, at one block.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
	alice: u128,
	alice_nonce: u64,
	bob: u128,
	treasury: u128,
	total_issuance: u128,
	total_burned: u128,
}

impl Snapshot {
	async fn at(at: &AtBlock) -> Result<Self> {
		let alice = chain::account(at, &account_of(&dev::alice())).await?;
		Ok(Snapshot {
			alice: alice.data.free,
			alice_nonce: alice.nonce,
			bob: chain::free_balance(at, &account_of(&dev::bob())).await?,
			treasury: chain::free_balance(at, &chain::treasury_account()).await?,
			total_issuance: chain::total_issuance(at).await?,
			total_burned: chain::total_burned(at).await?,
		})
	}

	/// At the node's last finalized block, as the node reports it now (subxt's own view of
	/// finality may lag a moment behind).
	async fn at_finalized(node: &Node, api: &OnlineClient<SubstrateConfig>) -> Result<Self> {
		let number = node.finalized_number().await?;
		Self::at(&api.at_block(number).await?).await
	}
}

/// Asserts that `part` is `percent`% of `total`, give or take the rounding of a split.
fn assert_share(name: &str, part: u128, total: u128, percent: u128) {
	let exact = total * percent / 100;
	assert!(
		part.abs_diff(exact) <= 2,
		"{name} is {part}, expected {percent}% of {total} = {exact} (±2 for rounding)"
	);
}

/// A transaction included in a finalized block.
type Finalized = TransactionInBlock<SubstrateConfig, OnlineClientAtBlockImpl<SubstrateConfig>>;

/// Signs `call` with `signer`, submits it and waits (bounded) until its block is finalized.
async fn submit_until_finalized(
	api: &OnlineClient<SubstrateConfig>,
	call: &TransferCall,
	signer: &Keypair,
) -> Result<Finalized> {
	within(BLOCK_TIMEOUT, "a transaction's way to finality", async {
		let progress = api.tx().await?.sign_and_submit_then_watch_default(call, signer).await?;
		Ok(progress.wait_for_finalized().await?)
	})
	.await
}

/// A transfer signed with an explicit nonce, encoded, not submitted.
async fn signed_transfer(
	api: &OnlineClient<SubstrateConfig>,
	from: &Keypair,
	dest: &AccountId32,
	amount: u128,
	nonce: u64,
) -> Result<Vec<u8>> {
	let params = DefaultExtrinsicParamsBuilder::<SubstrateConfig>::new().nonce(nonce).build();
	let signed = api
		.tx()
		.await?
		.create_signed(&transfer_keep_alive(dest, amount), from, params)
		.await
		.context("cannot sign a transfer")?;
	Ok(signed.into_encoded())
}

/// Submits encoded extrinsic bytes through `author_submitExtrinsic`, as any wallet would.
async fn submit_raw(node: &Node, extrinsic: &[u8]) -> Result<Json, subxt::rpcs::Error> {
	let hex = format!("0x{}", hex::encode(extrinsic));
	node.rpc().request("author_submitExtrinsic", subxt::rpcs::rpc_params![hex]).await
}

/// Asserts that a submission was refused as an invalid transaction for `reason`
/// (the text of `sp_runtime::InvalidTransaction`, e.g. "Transaction is outdated").
fn assert_invalid_transaction(
	result: Result<Json, subxt::rpcs::Error>,
	reason: &str,
) -> Result<()> {
	let error = match result {
		Ok(hash) => bail!("the node accepted the transaction ({hash}); expected \"{reason}\""),
		Err(subxt::rpcs::Error::User(error)) => error,
		Err(other) => bail!("expected an invalid-transaction RPC error, got: {other}"),
	};
	let data = error.data.as_ref().map(|data| data.get()).unwrap_or("");
	ensure!(
		error.code == INVALID_TRANSACTION
			&& error.message == "Invalid Transaction"
			&& data.contains(reason),
		"expected error {INVALID_TRANSACTION} \"Invalid Transaction\" with data \"{reason}\", \
         got {} \"{}\" with data {data}",
		error.code,
		error.message
	);
	Ok(())
}

#[tokio::test]
async fn transfer_credits_the_exact_amount_and_burns_half_the_fee() -> Result<()> {
	let (node, api) = start_dev_node("dev-transfer").await?;
	let alice = dev::alice();
	let bob = account_of(&dev::bob());
	let amount = 12 * PGT + 345_678;

	let included = submit_until_finalized(&api, &transfer_keep_alive(&bob, amount), &alice)
		.await
		.context("the transfer was not finalized")?;
	let events = included.wait_for_success().await.context("the transfer failed")?;

	// Compare the state of the block that included the transfer with that of its parent, so
	// nothing but this block's extrinsics can explain the differences.
	let after_block = included.at().await?;
	let parent_hash = after_block.block_header().await?.parent_hash;
	let before = Snapshot::at(&api.at_block(parent_hash).await?).await?;
	let after = Snapshot::at(&after_block).await?;

	let fee = events
		.find_first::<TransactionFeePaid>()
		.context("the transfer emitted no TransactionPayment::TransactionFeePaid")??;
	let split = events
		.find_first::<FeesDistributed>()
		.context("the transfer emitted no Fees::FeesDistributed")??;
	let charged = fee.actual_fee + fee.tip;
	assert_eq!(fee.who, account_of(&alice), "the fee payer is the signer");
	assert!(charged > 0, "a transfer must cost a fee");
	assert_eq!(
		split.burned + split.to_treasury + split.to_author,
		charged,
		"the fee split must add up to the fee and tip paid ({split:?})"
	);
	assert_share("the burned share", split.burned, charged, BURN_PERCENT);
	assert_share("the treasury share", split.to_treasury, charged, TREASURY_PERCENT);
	assert_share("the author share", split.to_author, charged, AUTHOR_PERCENT);
	assert_eq!(split.author, Some(account_of(&alice)), "Alice authors every --dev block");
	println!(
		"fee {} + tip {}: burned {}, treasury {}, author {}",
		fee.actual_fee, fee.tip, split.burned, split.to_treasury, split.to_author
	);

	assert_eq!(after.bob - before.bob, amount, "Bob receives exactly the amount");
	// Alice pays amount + fee, and as the block author gets the author share back.
	assert_eq!(
		before.alice - after.alice,
		amount + charged - split.to_author,
		"Alice pays the amount and the fee, less her author share"
	);
	assert_eq!(after.alice_nonce, before.alice_nonce + 1);

	// Burns in this block: fee shares (only our transaction paid one) and, at the end of a
	// treasury spend period, the treasury's own burn.
	let block_events = events.all_events_in_block();
	let mut fee_burns_in_block = 0;
	for distributed in block_events.find::<FeesDistributed>() {
		fee_burns_in_block += distributed?.burned;
	}
	let mut treasury_burns_in_block = 0;
	for burnt in block_events.find::<TreasuryBurnt>() {
		treasury_burns_in_block += burnt?.burnt_funds;
	}
	assert_eq!(fee_burns_in_block, split.burned, "only the transfer paid a fee in its block");
	assert_eq!(
		before.total_issuance - after.total_issuance,
		split.burned + treasury_burns_in_block,
		"the burned share (and nothing else but a treasury burn) leaves total issuance"
	);
	assert_eq!(
		after.total_burned - before.total_burned,
		split.burned,
		"Fees::TotalBurned grows by the burned share"
	);
	assert_eq!(
		after.treasury + treasury_burns_in_block - before.treasury,
		split.to_treasury,
		"the treasury receives its share"
	);

	drop(node);
	Ok(())
}

#[tokio::test]
async fn transfer_above_the_free_balance_fails_and_only_the_fee_is_charged() -> Result<()> {
	let (node, api) = start_dev_node("dev-overdraft").await?;
	let alice = dev::alice();
	let bob = account_of(&dev::bob());

	let at_start = Snapshot::at_finalized(&node, &api).await?;
	assert_eq!(
		at_start.alice,
		DEV_ENDOWMENT - VALIDATOR_BOND,
		"Alice starts with 1,000,000 PGT, 10,000 of them bonded"
	);
	let too_much = at_start.alice + PGT;

	let included = submit_until_finalized(&api, &transfer_keep_alive(&bob, too_much), &alice)
		.await
		.context("the overdraft was not included and finalized")?;
	match included.wait_for_success().await {
		Err(TransactionEventsError::ExtrinsicFailed(DispatchError::Token(
			TokenError::FundsUnavailable,
		))) => {}
		Err(other) => bail!("expected the dispatch error Token(FundsUnavailable), got: {other}"),
		Ok(_) => bail!("a transfer of {too_much} out of {} succeeded", at_start.alice),
	}

	let events = included.fetch_events().await?;
	let fee = events
		.find_first::<TransactionFeePaid>()
		.context("the failed transfer emitted no TransactionFeePaid")??;
	let split = events
		.find_first::<FeesDistributed>()
		.context("the failed transfer emitted no Fees::FeesDistributed")??;

	let after_block = included.at().await?;
	let parent_hash = after_block.block_header().await?.parent_hash;
	let before = Snapshot::at(&api.at_block(parent_hash).await?).await?;
	let after = Snapshot::at(&after_block).await?;
	assert_eq!(after.bob, before.bob, "Bob receives nothing");
	assert_eq!(
		before.alice - after.alice,
		fee.actual_fee + fee.tip - split.to_author,
		"Alice pays only the fee (less her author share)"
	);
	assert_eq!(
		after.alice_nonce,
		before.alice_nonce + 1,
		"an included transaction uses its nonce even when its call fails"
	);

	drop(node);
	Ok(())
}

#[tokio::test]
async fn transaction_with_a_bad_signature_is_rejected_and_changes_nothing() -> Result<()> {
	let (node, api) = start_dev_node("dev-bad-signature").await?;
	let alice = dev::alice();
	let bob = account_of(&dev::bob());
	let before = Snapshot::at_finalized(&node, &api).await?;

	let transactions = api.tx().await?;
	let call = transfer_keep_alive(&bob, 5 * PGT);
	let mut signable =
		transactions.create_signable(&call, &account_of(&alice), Default::default()).await?;
	let mut signature = alice.sign(&signable.signer_payload()?).0;
	signature[10] ^= 0x01;
	let forged = signable.sign_with_account_and_signature(
		&account_of(&alice),
		&MultiSignature::Sr25519(signature),
	)?;

	assert_invalid_transaction(
		submit_raw(&node, forged.encoded()).await,
		"Transaction has a bad signature",
	)?;

	// Give the chain two more finalized blocks to include anything it might have kept.
	let finalized = node.finalized_number().await?;
	node.wait_for_finalized(finalized + 2, BLOCK_TIMEOUT).await?;
	let after = Snapshot::at_finalized(&node, &api).await?;
	assert_eq!(after, before, "a rejected transaction changes no balance or nonce");

	drop(node);
	Ok(())
}

#[tokio::test]
async fn stale_nonce_is_rejected_and_future_nonce_only_waits() -> Result<()> {
	let (node, api) = start_dev_node("dev-nonce").await?;
	let alice = dev::alice();
	let bob = account_of(&dev::bob());

	// Use nonce 0 with a first, valid transfer.
	let first = submit_until_finalized(&api, &transfer_keep_alive(&bob, PGT), &alice).await?;
	first.wait_for_success().await.context("the first transfer failed")?;
	let before = Snapshot::at(&first.at().await?).await?;
	assert_eq!(before.alice_nonce, 1);

	// A nonce already used is refused outright.
	let stale = signed_transfer(&api, &alice, &bob, 7 * PGT, 0).await?;
	assert_invalid_transaction(submit_raw(&node, &stale).await, "Transaction is outdated")?;

	// A nonce from the future is only queued: nothing runs until the gap is filled.
	let future = signed_transfer(&api, &alice, &bob, 7 * PGT, before.alice_nonce + 5).await?;
	submit_raw(&node, &future).await.context("a future nonce must be queued, not refused")?;

	let finalized = node.finalized_number().await?;
	node.wait_for_finalized(finalized + 2, BLOCK_TIMEOUT).await?;
	let after = Snapshot::at_finalized(&node, &api).await?;
	assert_eq!(after, before, "neither transaction changes a balance or nonce");

	drop(node);
	Ok(())
}
