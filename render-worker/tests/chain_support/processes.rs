//! `playnet-render` processes the tests start: `work` (a standalone worker with its own key)
//! and `serve` (the HTTP API a node's offchain worker posts jobs to). Each writes its output to
//! a file and is killed when dropped, so none outlives its test, pass or fail.

use anyhow::{bail, Context, Result};
use std::{
	path::{Path, PathBuf},
	process::Stdio,
	time::Duration,
};

/// One `playnet-render` process, its output in a file; killed when dropped.
pub struct RenderProcess {
	pub name: String,
	pub child: tokio::process::Child,
	output: PathBuf,
}

impl RenderProcess {
	/// `playnet-render --backend cpu --threads 1 <args>`, output to `logs/<name>-<run>.log`.
	fn spawn(name: &str, logs: &Path, run: u32, args: &[&str]) -> Result<Self> {
		let output = logs.join(format!("{name}-{run}.log"));
		let file = std::fs::File::create(&output)?;
		let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_playnet-render"))
			.args(["--backend", "cpu", "--threads", "1"])
			.args(args)
			.stdout(Stdio::from(file.try_clone()?))
			.stderr(Stdio::from(file))
			.kill_on_drop(true)
			.spawn()
			.context("cannot start playnet-render")?;
		Ok(RenderProcess { name: name.to_owned(), child, output })
	}

	/// `playnet-render post --node <node> <args>`, as `name`, output to `logs/<name>-0.log`.
	pub fn post(name: &str, node: &str, logs: &Path, args: &[&str]) -> Result<Self> {
		let args = [&["post", "--node", node][..], args].concat();
		Self::spawn(name, logs, 0, &args)
	}

	/// `playnet-render work` for `//<name>` on `node`, bonding 1000 PGT if not bonded yet,
	/// ending after `tasks` tasks; its saved roots under `state_dir`.
	pub fn work(
		name: &str,
		node: &str,
		state_dir: &Path,
		logs: &Path,
		run: u32,
		tasks: u64,
	) -> Result<Self> {
		Self::work_with(name, &["--node", node], state_dir, logs, run, tasks)
	}

	/// [`RenderProcess::work`] through an embedded light client (`--chain dev`) instead of
	/// the node's RPC: the node only serves the chain spec and is the light client's peer.
	pub fn work_over_light_client(
		name: &str,
		node: &str,
		state_dir: &Path,
		logs: &Path,
		tasks: u64,
	) -> Result<Self> {
		Self::work_with(name, &["--node", node, "--chain", "dev"], state_dir, logs, 0, tasks)
	}

	fn work_with(
		name: &str,
		chain: &[&str],
		state_dir: &Path,
		logs: &Path,
		run: u32,
		tasks: u64,
	) -> Result<Self> {
		let suri = format!("//{name}");
		let tasks = tasks.to_string();
		let state_dir = state_dir.to_str().context("a UTF-8 state directory")?;
		let rest = ["--suri", &suri, "--bond", "1000", "--tasks", &tasks, "--state-dir", state_dir];
		let args = [&["work"][..], chain, &rest].concat();
		Self::spawn(name, logs, run, &args)
	}

	/// `playnet-render serve` on `127.0.0.1:<port>`, generating unsupplied chunks of the dev
	/// world; returns once it listens.
	pub async fn serve(port: u16, world_seed: u64, logs: &Path) -> Result<Self> {
		let listen = format!("127.0.0.1:{port}");
		let seed = world_seed.to_string();
		let args = ["serve", "--listen", &listen, "--world-seed", &seed];
		let mut process = Self::spawn("serve", logs, 0, &args)?;
		process.wait_for("listening on", super::STEP_TIMEOUT).await?;
		Ok(process)
	}

	/// Everything the process printed so far.
	pub fn output(&self) -> String {
		std::fs::read_to_string(&self.output).unwrap_or_default()
	}

	/// Waits until the output holds `text`; fails if the process exits first.
	pub async fn wait_for(&mut self, text: &str, timeout: Duration) -> Result<()> {
		let deadline = tokio::time::Instant::now() + timeout;
		loop {
			if self.output().contains(text) {
				return Ok(());
			}
			if let Some(status) = self.child.try_wait()? {
				bail!(
					"{} exited ({status}) before printing {text:?}:\n{}",
					self.name,
					self.output()
				);
			}
			if tokio::time::Instant::now() > deadline {
				bail!(
					"{} did not print {text:?} within {timeout:?}:\n{}",
					self.name,
					self.output()
				);
			}
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
	}

	/// Waits for the process to exit and fails unless it succeeded.
	pub async fn wait_for_success(&mut self) -> Result<String> {
		let status = playnet_tests::within(super::STEP_TIMEOUT, "a worker's exit", async {
			Ok(self.child.wait().await?)
		})
		.await?;
		let output = self.output();
		if !status.success() {
			bail!("{} failed ({status}):\n{output}", self.name);
		}
		Ok(output)
	}
}
