//! `playnet-render post` on bad input: each mistake ends it with exit status 1 and one
//! `error: ...` line on stderr, before anything is signed. The chain's limits (the minimum
//! fee, the poster's balance) are checked against a real `playnet-node --dev`.

use anyhow::{Context, Result};
use playnet_tests::{free_ports, NodeBuilder};
use std::{process::Output, time::Duration};

/// How long one `post` may take to refuse.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `playnet-render post` with `args` to its end.
async fn post(args: &[&str]) -> Result<Output> {
	let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_playnet-render"))
		.arg("post")
		.args(args)
		.kill_on_drop(true)
		.output();
	tokio::time::timeout(TIMEOUT, output).await.context("post did not end")?.map_err(Into::into)
}

/// Asserts that `output` is a failure with exactly one stderr line starting with `expected`.
fn assert_one_line_error(output: &Output, expected: &str) {
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(!output.status.success(), "post must fail: {stderr}");
	assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
	assert!(stderr.starts_with(expected), "expected {expected:?}, got: {stderr}");
	assert!(
		output.stdout.is_empty(),
		"nothing is posted: {}",
		String::from_utf8_lossy(&output.stdout)
	);
}

/// A URL where no node listens.
fn no_node_url() -> Result<String> {
	let [port] = free_ports::<1>()?;
	Ok(format!("ws://127.0.0.1:{port}"))
}

#[tokio::test]
async fn a_fee_that_is_not_an_amount_is_refused() -> Result<()> {
	let output = post(&["--node", &no_node_url()?, "--suri", "//Dave", "--fee", "ten"]).await?;
	assert_one_line_error(&output, "error: --fee \"ten\" is not an amount of PGT");
	Ok(())
}

#[tokio::test]
async fn a_key_that_is_not_a_secret_uri_is_refused() -> Result<()> {
	let output =
		post(&["--node", &no_node_url()?, "--key", "not a real phrase", "--fee", "10"]).await?;
	assert_one_line_error(&output, "error: bad key: ");
	Ok(())
}

#[tokio::test]
async fn no_node_at_the_url_is_one_line() -> Result<()> {
	let url = no_node_url()?;
	let output = post(&["--node", &url, "--suri", "//Dave", "--fee", "10"]).await?;
	assert_one_line_error(&output, &format!("error: cannot connect to {url}: "));
	Ok(())
}

#[tokio::test]
async fn the_chain_refuses_a_fee_below_its_minimum_and_a_poster_without_funds() -> Result<()> {
	let node = NodeBuilder::dev("render-post-cli").spawn().await?;
	let url = node.ws_url();

	let output = post(&["--node", &url, "--suri", "//Dave", "--fee", "0.5"]).await?;
	assert_one_line_error(
		&output,
		"error: --fee 0.5 PGT is below the chain's minimum fee of 1 PGT",
	);

	let output = post(&["--node", &url, "--suri", "//PlaynetPenniless", "--fee", "10"]).await?;
	assert_one_line_error(&output, "error: balance too low to post a task with a fee of 10 PGT: ");

	let tasks = node
		.request("state_call", vec!["RenderApi_task".into(), "0x0000000000000000".into()])
		.await?;
	assert_eq!(tasks.as_str(), Some("0x00"), "no task 0 was posted");
	drop(node);
	Ok(())
}
