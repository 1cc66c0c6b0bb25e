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
		"error: --fee 0.5 PGT is below the chain's minimum fee of 1 PGT for a task of 120 work units",
	);
	// The floor grows with the work: 1080p x 8 frames is 30 x 17 x 8 = 4,080 tiles at 1 milli-PGT.
	let output = post(&[
		"--node", &url, "--suri", "//Dave", "--fee", "4", "--width", "1920", "--height", "1080",
	])
	.await?;
	assert_one_line_error(
		&output,
		"error: --fee 4 PGT is below the chain's minimum fee of 4.08 PGT for a task of 4080 work units",
	);

	// An optimistic task asks for 40% of the floor, at most what a fraud slash takes from the
	// smallest bond (25% of 100 PGT), and ten frames.
	let hd = ["--width", "1920", "--height", "1080", "--frames", "10", "--optimistic"];
	let output =
		post(&[&["--node", &url, "--suri", "//Dave", "--fee", "2"][..], &hd].concat()).await?;
	assert_one_line_error(
		&output,
		"error: --fee 2 PGT is below the chain's minimum fee of 2.04 PGT for an optimistic task of \
		 5100 work units",
	);
	let output =
		post(&[&["--node", &url, "--suri", "//Dave", "--fee", "26"][..], &hd].concat()).await?;
	assert_one_line_error(
		&output,
		"error: --fee 26 PGT is above the largest fee of an optimistic task, 25 PGT: post it \
		 without --optimistic, or split it",
	);
	let output = post(&["--node", &url, "--suri", "//Dave", "--fee", "10", "--optimistic"]).await?;
	assert_one_line_error(
		&output,
		"error: an optimistic task needs at least 10 frames; --frames is 8",
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

#[tokio::test]
async fn a_task_posted_through_the_light_client_lands_on_chain() -> Result<()> {
	let node = NodeBuilder::dev("render-post-light").spawn().await?;
	let url = node.ws_url();
	let output =
		post(&["--node", &url, "--chain", "dev", "--suri", "//Dave", "--fee", "10", "--no-wait"])
			.await?;
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(output.status.success(), "post over the light client failed: {stderr}");
	let task = node
		.request("state_call", vec!["RenderApi_task".into(), "0x0000000000000000".into()])
		.await?;
	assert_ne!(task.as_str(), Some("0x00"), "task 0 is on chain: {stderr}");
	Ok(())
}

/// A TCP proxy on loopback in front of a node's RPC port, whose connections can all be cut at
/// once (as a lost network would), while new ones are let through.
struct Proxy {
	port: u16,
	cut: tokio::sync::watch::Sender<u32>,
}

impl Proxy {
	async fn start(target: u16) -> Result<Proxy> {
		let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
		let port = listener.local_addr()?.port();
		let (cut, cuts) = tokio::sync::watch::channel(0);
		tokio::spawn(async move {
			while let Ok((mut inbound, _)) = listener.accept().await {
				let mut cuts = cuts.clone();
				cuts.borrow_and_update();
				tokio::spawn(async move {
					let Ok(mut outbound) =
						tokio::net::TcpStream::connect(("127.0.0.1", target)).await
					else {
						return;
					};
					tokio::select! {
						_ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
						// Dropping both ends closes them.
						_ = cuts.changed() => {}
					}
				});
			}
		});
		Ok(Proxy { port, cut })
	}

	fn cut(&self) {
		self.cut.send_modify(|cuts| *cuts += 1);
	}
}

/// Whether `RenderApi::task(task)` finds the task, and its poster.
async fn task_poster(node: &playnet_tests::Node, task: u64) -> Result<Option<String>> {
	let index = format!("0x{}", hex::encode(task.to_le_bytes()));
	let answer = node.request("state_call", vec!["RenderApi_task".into(), index.into()]).await?;
	let answer = answer.as_str().context("state_call answers hex")?;
	// `Option<TaskView>`: 0x00, or 0x01 and the view, which starts with the poster.
	Ok(answer.strip_prefix("0x01").map(|view| view[..64].to_owned()))
}

#[tokio::test]
async fn a_poster_reconnects_after_a_lost_connection_and_posts_the_rest() -> Result<()> {
	use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

	let node = NodeBuilder::dev("render-post-reconnect").spawn().await?;
	let proxy = Proxy::start(node.rpc_port()).await?;
	let url = format!("ws://127.0.0.1:{}", proxy.port);
	let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_playnet-render"))
		.args(["post", "--node", &url, "--suri", "//Dave", "--fee", "10"])
		.args(["--every", "2", "--count", "3", "--no-wait", "--width", "64", "--height", "64"])
		.stdout(std::process::Stdio::piped())
		.stderr(std::process::Stdio::piped())
		.kill_on_drop(true)
		.spawn()?;
	let mut stdout = BufReader::new(child.stdout.take().context("stdout")?).lines();
	let mut stderr = child.stderr.take().context("stderr")?;
	let mut lines = Vec::new();

	// The first task is posted through the proxy; then every connection through it is cut.
	tokio::time::timeout(Duration::from_secs(120), async {
		while let Some(line) = stdout.next_line().await? {
			let posted = line.contains(": posted in block");
			lines.push(line);
			if posted {
				return Ok(());
			}
		}
		anyhow::bail!("post ended before posting: {lines:?}")
	})
	.await
	.context("no task posted")??;
	proxy.cut();

	// It reconnects, posts the other two and exits.
	let rest = tokio::time::timeout(Duration::from_secs(180), async {
		while let Some(line) = stdout.next_line().await? {
			lines.push(line);
		}
		let mut errors = String::new();
		stderr.read_to_string(&mut errors).await?;
		anyhow::Ok((child.wait().await?, errors))
	});
	let (status, errors) = rest.await.context("post did not end")??;
	assert!(status.success(), "post failed: {errors}\n{lines:?}");
	assert!(errors.contains("reconnecting in"), "the cut was noticed: {errors}");
	let posted: Vec<&String> = lines.iter().filter(|l| l.contains(": posted in block")).collect();
	assert_eq!(posted.len(), 3, "{lines:?}");

	// On chain: tasks 0, 1 and 2, each Dave's, and no fourth.
	let dave = hex::encode(subxt_signer::sr25519::dev::dave().public_key().0);
	for task in 0..3 {
		assert_eq!(task_poster(&node, task).await?, Some(dave.clone()), "task {task}");
	}
	assert_eq!(task_poster(&node, 3).await?, None, "posted once each: {lines:?}");
	Ok(())
}
