//! Starting `playnet-node` processes and owning them until the test ends.

use crate::{free_ports, node_binary};
use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value as Json;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};
use subxt::rpcs::{rpc_params, RpcClient};
use subxt::{OnlineClient, SubstrateConfig};
use tempfile::TempDir;

/// How long a node may take to answer JSON-RPC after it starts (2-core CI machines are slow).
const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(90);
/// How long a stopped node may take to shut down cleanly before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one JSON-RPC request may take before a wait gives up on it and asks again.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const POLL_INTERVAL: Duration = Duration::from_millis(250);
/// Spawns that fail because another process took a picked port are retried with new ports.
const SPAWN_ATTEMPTS: u32 = 3;
const LOG_TAIL_LINES: usize = 40;
/// Set to keep every node's working directory (log and throwaway database) after its test.
const KEEP_LOGS_ENV: &str = "PLAYNET_KEEP_LOGS";

/// How to start one `playnet-node`: which chain, which extra arguments, where its database lives.
///
/// Every node gets `--name`, free loopback `--rpc-port` and `--port`, `--no-prometheus`,
/// `--no-telemetry` and `--no-mdns` (tests wire peers explicitly with `--bootnodes`), and a
/// throwaway `--base-path` in its temporary working directory (beside its log) unless
/// [`NodeBuilder::base_path`] names a database to keep. (Not `--tmp`: a killed node leaves that
/// behind.) Cloning a builder and spawning the clone restarts "the same" node, e.g. on its kept
/// base path.
#[derive(Clone, Debug)]
pub struct NodeBuilder {
	name: String,
	chain_args: Vec<OsString>,
	extra_args: Vec<OsString>,
	base_path: Option<PathBuf>,
	p2p_port: Option<u16>,
	startup_timeout: Duration,
}

impl NodeBuilder {
	/// A `--dev` node: Alice alone authors and finalizes, Alice is sudo.
	pub fn dev(name: impl Into<String>) -> Self {
		Self::with_chain_args(name, ["--dev".into()])
	}

	/// A node of the chain `spec`: a built-in name (`dev`, `local`) or a chain spec file.
	pub fn chain(name: impl Into<String>, spec: impl AsRef<OsStr>) -> Self {
		Self::with_chain_args(name, ["--chain".into(), spec.as_ref().to_owned()])
	}

	fn with_chain_args(name: impl Into<String>, chain_args: impl Into<Vec<OsString>>) -> Self {
		NodeBuilder {
			name: name.into(),
			chain_args: chain_args.into(),
			extra_args: Vec::new(),
			base_path: None,
			p2p_port: None,
			startup_timeout: DEFAULT_STARTUP_TIMEOUT,
		}
	}

	/// Adds one command-line argument (after the ones the builder sets).
	pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
		self.extra_args.push(arg.into());
		self
	}

	/// Adds command-line arguments (after the ones the builder sets).
	pub fn args<I>(mut self, args: I) -> Self
	where
		I: IntoIterator,
		I::Item: Into<OsString>,
	{
		self.extra_args.extend(args.into_iter().map(Into::into));
		self
	}

	/// Keeps the node's database in `path` (`--base-path`) instead of a throwaway one.
	pub fn base_path(mut self, path: impl Into<PathBuf>) -> Self {
		self.base_path = Some(path.into());
		self
	}

	/// Listens for peers on `port` instead of a free port picked at each spawn: peers can be
	/// given the node's address before it starts, and it keeps the address across restarts.
	pub fn p2p_port(mut self, port: u16) -> Self {
		self.p2p_port = Some(port);
		self
	}

	/// How long [`NodeBuilder::spawn`] waits for JSON-RPC to answer.
	pub fn startup_timeout(mut self, timeout: Duration) -> Self {
		self.startup_timeout = timeout;
		self
	}

	/// Starts the node and returns once its JSON-RPC answers.
	///
	/// Fails with the node's exit status and last log lines if it exits first, or with the log
	/// lines if it does not answer within the startup timeout.
	pub async fn spawn(&self) -> Result<Node> {
		let binary = node_binary()?;
		let mut work_dir = Some(
			tempfile::Builder::new()
				.prefix(&format!("playnet-{}-", self.name))
				.tempdir()
				.context("cannot create a working directory for the node")?,
		);
		for attempt in 1..=SPAWN_ATTEMPTS {
			let [rpc_port, free_p2p_port] = free_ports()?;
			let p2p_port = self.p2p_port.unwrap_or(free_p2p_port);
			let dir = work_dir.as_ref().context("the node's working directory was lost")?;
			let log_path = dir.path().join(format!("{}.log", self.name));
			let default_base_path = dir.path().join("base");
			// A failed attempt may have left a half-made database behind.
			let _ = std::fs::remove_dir_all(&default_base_path);
			let child = self
				.command(&binary, rpc_port, p2p_port, &log_path, &default_base_path)?
				.spawn()
				.with_context(|| format!("cannot start {}", binary.display()))?;
			let mut process = NodeProcess {
				name: self.name.clone(),
				child: Mutex::new(Some(child)),
				log_path,
				work_dir: work_dir.take(),
			};
			match process.wait_for_rpc(rpc_port, self.startup_timeout).await {
				Ok(rpc) => return Ok(Node { process, rpc, rpc_port, p2p_port }),
				Err(error) if attempt < SPAWN_ATTEMPTS && process.lost_a_port() => {
					eprintln!("{}: a picked port was taken, retrying: {error:#}", self.name);
					process.kill();
					work_dir = process.work_dir.take();
				}
				Err(error) => return Err(error),
			}
		}
		bail!("{}: could not start on free ports in {SPAWN_ATTEMPTS} attempts", self.name)
	}

	fn command(
		&self,
		binary: &Path,
		rpc_port: u16,
		p2p_port: u16,
		log: &Path,
		default_base_path: &Path,
	) -> Result<Command> {
		let log_file = File::create(log)
			.with_context(|| format!("cannot create the node log {}", log.display()))?;
		let mut command = Command::new(binary);
		command
			.args(&self.chain_args)
			.arg("--name")
			.arg(&self.name)
			.arg("--rpc-port")
			.arg(rpc_port.to_string())
			.arg("--port")
			.arg(p2p_port.to_string())
			.args(["--no-prometheus", "--no-telemetry", "--no-mdns"]);
		command
			.arg("--base-path")
			.arg(self.base_path.as_deref().unwrap_or(default_base_path))
			.args(&self.extra_args)
			.stdin(Stdio::null())
			.stdout(log_file.try_clone().context("cannot share the node log")?)
			.stderr(log_file);
		die_with_parent(&mut command);
		Ok(command)
	}
}

/// Asks Linux to kill the node if the thread that started it dies without dropping its
/// [`Node`] (e.g. the test binary is killed), so no node outlives its test run.
#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut Command) {
	use std::os::unix::process::CommandExt;
	// SAFETY: prctl is async-signal-safe and touches no memory of the parent.
	unsafe {
		command.pre_exec(|| {
			if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
				return Err(std::io::Error::last_os_error());
			}
			Ok(())
		});
	}
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_command: &mut Command) {}

/// A running `playnet-node`. Dropping it kills the process and waits for it.
pub struct Node {
	process: NodeProcess,
	rpc: RpcClient,
	rpc_port: u16,
	p2p_port: u16,
}

/// Which head of the chain a wait watches.
#[derive(Clone, Copy, Debug)]
enum Head {
	Best,
	Finalized,
}

impl fmt::Display for Head {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str(match self {
			Head::Best => "best",
			Head::Finalized => "finalized",
		})
	}
}

impl Node {
	/// The name given to the builder (also the node's `--name`).
	pub fn name(&self) -> &str {
		&self.process.name
	}

	/// The JSON-RPC port on 127.0.0.1 (WebSocket and HTTP).
	pub fn rpc_port(&self) -> u16 {
		self.rpc_port
	}

	/// The libp2p TCP port.
	pub fn p2p_port(&self) -> u16 {
		self.p2p_port
	}

	/// `ws://127.0.0.1:<rpc port>`.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}

	/// The address other nodes dial to reach this one, given its peer id.
	pub fn p2p_address(&self, peer_id: &str) -> String {
		format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer_id}", self.p2p_port)
	}

	/// The node's log file (stdout and stderr).
	pub fn log_path(&self) -> &Path {
		&self.process.log_path
	}

	/// The last `lines` lines of the node's log.
	pub fn log_tail(&self, lines: usize) -> String {
		self.process.log_tail(lines)
	}

	/// A raw JSON-RPC client on the node (one WebSocket connection, shared).
	pub fn rpc(&self) -> &RpcClient {
		&self.rpc
	}

	/// A subxt client on the node, over the shared WebSocket connection.
	pub async fn client(&self) -> Result<OnlineClient<SubstrateConfig>> {
		OnlineClient::from_rpc_client(self.rpc.clone())
			.await
			.with_context(|| format!("{}: cannot create a subxt client", self.name()))
	}

	/// Sends a JSON-RPC request with a bounded wait.
	pub async fn request(&self, method: &str, params: Vec<Json>) -> Result<Json> {
		let mut rpc_params = rpc_params![];
		for param in params {
			rpc_params.push(param)?;
		}
		let response =
			tokio::time::timeout(REQUEST_TIMEOUT, self.rpc.request::<Json>(method, rpc_params))
				.await
				.map_err(|_| {
					anyhow!("{}: {method} did not answer in {REQUEST_TIMEOUT:?}", self.name())
				})?
				.with_context(|| format!("{}: {method} failed", self.name()))?;
		Ok(response)
	}

	/// The number of the node's best block.
	pub async fn best_number(&self) -> Result<u64> {
		self.head_number(Head::Best).await
	}

	/// The number of the node's last finalized block.
	pub async fn finalized_number(&self) -> Result<u64> {
		self.head_number(Head::Finalized).await
	}

	/// The hash (`0x…`) of the node's block `number` on its best chain, if it has one.
	pub async fn block_hash(&self, number: u64) -> Result<Option<String>> {
		let hash = self.request("chain_getBlockHash", vec![number.into()]).await?;
		Ok(hash.as_str().map(str::to_owned))
	}

	/// Waits until the best block is at least `number`; returns the best block number seen.
	pub async fn wait_for_best(&self, number: u64, timeout: Duration) -> Result<u64> {
		self.wait_for_head(Head::Best, number, timeout).await
	}

	/// Waits until the finalized block is at least `number`; returns the number seen.
	pub async fn wait_for_finalized(&self, number: u64, timeout: Duration) -> Result<u64> {
		self.wait_for_head(Head::Finalized, number, timeout).await
	}

	/// Stops the node like an operator would (SIGTERM, so it closes its database cleanly),
	/// killing it if it has not exited after 30 seconds. The [`Node`] stays (its log can still
	/// be read); its RPC no longer answers.
	pub async fn stop(&self) -> Result<()> {
		self.process.stop().await
	}

	/// Kills the node at once (SIGKILL), as a crash or a power cut would: its database gets no
	/// chance to close. The [`Node`] stays (its log can still be read).
	pub fn kill(&self) {
		self.process.kill();
	}

	/// Fails with the exit status and log tail if the process is no longer running.
	pub fn ensure_running(&self) -> Result<()> {
		self.process.ensure_running()
	}

	async fn head_number(&self, head: Head) -> Result<u64> {
		let header = match head {
			Head::Best => self.request("chain_getHeader", vec![]).await?,
			Head::Finalized => {
				let hash = self.request("chain_getFinalizedHead", vec![]).await?;
				self.request("chain_getHeader", vec![hash]).await?
			}
		};
		let number = header
			.get("number")
			.and_then(Json::as_str)
			.with_context(|| format!("{}: a header without a number: {header}", self.name()))?;
		u64::from_str_radix(number.trim_start_matches("0x"), 16)
			.with_context(|| format!("{}: a header number that is not hex: {number}", self.name()))
	}

	async fn wait_for_head(&self, head: Head, number: u64, timeout: Duration) -> Result<u64> {
		let deadline = Instant::now() + timeout;
		let mut last_seen = None;
		let mut last_error = None;
		loop {
			self.ensure_running()?;
			match self.head_number(head).await {
				Ok(seen) if seen >= number => return Ok(seen),
				Ok(seen) => last_seen = Some(seen),
				Err(error) => last_error = Some(error),
			}
			if Instant::now() >= deadline {
				let seen = last_seen.map_or("none".to_owned(), |seen| format!("#{seen}"));
				let error = last_error.map_or(String::new(), |e| format!("; last error: {e:#}"));
				bail!(
					"{}: the {head} block did not reach #{number} within {timeout:?} \
                     (last seen: {seen}{error}){}",
					self.name(),
					self.process.log_tail_section()
				);
			}
			tokio::time::sleep(POLL_INTERVAL).await;
		}
	}
}

/// The OS process of a node and its log. Dropping it kills and reaps the process.
struct NodeProcess {
	name: String,
	/// `None` once the process has been stopped or killed and reaped.
	child: Mutex<Option<Child>>,
	log_path: PathBuf,
	/// The log and, unless the builder named a base path, the database; deleted on drop.
	work_dir: Option<TempDir>,
}

impl NodeProcess {
	/// Connects to the node's JSON-RPC once it answers `system_health`.
	async fn wait_for_rpc(&self, rpc_port: u16, timeout: Duration) -> Result<RpcClient> {
		let url = format!("ws://127.0.0.1:{rpc_port}");
		let deadline = Instant::now() + timeout;
		loop {
			self.ensure_running()?;
			if let Ok(Ok(rpc)) =
				tokio::time::timeout(REQUEST_TIMEOUT, RpcClient::from_insecure_url(&url)).await
			{
				let health = rpc.request::<Json>("system_health", rpc_params![]);
				if let Ok(Ok(_)) = tokio::time::timeout(REQUEST_TIMEOUT, health).await {
					return Ok(rpc);
				}
			}
			if Instant::now() >= deadline {
				bail!(
					"{}: JSON-RPC at {url} did not answer within {timeout:?}{}",
					self.name,
					self.log_tail_section()
				);
			}
			tokio::time::sleep(POLL_INTERVAL).await;
		}
	}

	fn ensure_running(&self) -> Result<()> {
		let mut child = self.child.lock().unwrap_or_else(PoisonError::into_inner);
		let Some(process) = child.as_mut() else {
			bail!("{} has been stopped", self.name);
		};
		if let Some(status) = process.try_wait().context("cannot poll the node process")? {
			*child = None;
			bail!("{} exited ({status}){}", self.name, self.log_tail_section());
		}
		Ok(())
	}

	/// Whether the node failed because a port it was given was taken in the meantime.
	fn lost_a_port(&self) -> bool {
		let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
		log.contains("Address already in use") || log.contains("AddrInUse")
	}

	async fn stop(&self) -> Result<()> {
		let pid = {
			let child = self.child.lock().unwrap_or_else(PoisonError::into_inner);
			match child.as_ref() {
				Some(process) => process.id(),
				None => return Ok(()),
			}
		};
		let pid = libc::pid_t::try_from(pid).context("a process id out of range")?;
		// SAFETY: plain syscall; the pid is our own unreaped child, so it cannot be reused.
		if unsafe { libc::kill(pid, libc::SIGTERM) } == -1 {
			return Err(std::io::Error::last_os_error())
				.with_context(|| format!("cannot send SIGTERM to {}", self.name));
		}
		let deadline = Instant::now() + STOP_TIMEOUT;
		loop {
			{
				let mut child = self.child.lock().unwrap_or_else(PoisonError::into_inner);
				let Some(process) = child.as_mut() else {
					return Ok(());
				};
				if process.try_wait()?.is_some() {
					*child = None;
					return Ok(());
				}
			}
			if Instant::now() >= deadline {
				self.kill();
				bail!(
					"{} did not stop within {STOP_TIMEOUT:?} of SIGTERM and was killed{}",
					self.name,
					self.log_tail_section()
				);
			}
			tokio::time::sleep(POLL_INTERVAL).await;
		}
	}

	/// Kills the process (SIGKILL) and reaps it; does nothing if it is gone already.
	fn kill(&self) {
		let mut child = self.child.lock().unwrap_or_else(PoisonError::into_inner);
		if let Some(mut process) = child.take() {
			let _ = process.kill();
			let _ = process.wait();
		}
	}

	fn log_tail(&self, lines: usize) -> String {
		let log = match std::fs::read(&self.log_path) {
			Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
			Err(error) => return format!("<cannot read {}: {error}>", self.log_path.display()),
		};
		let all: Vec<&str> = log.lines().collect();
		all[all.len().saturating_sub(lines)..].join("\n")
	}

	/// The log tail as a section to append to an error message.
	fn log_tail_section(&self) -> String {
		format!(
			"\n--- last {LOG_TAIL_LINES} lines of {} ---\n{}\n---",
			self.log_path.display(),
			self.log_tail(LOG_TAIL_LINES)
		)
	}
}

impl Drop for NodeProcess {
	fn drop(&mut self) {
		self.kill();
		if std::thread::panicking() {
			eprintln!("{}:{}", self.name, self.log_tail_section());
		}
		if std::env::var_os(KEEP_LOGS_ENV).is_some() {
			if let Some(dir) = self.work_dir.take() {
				eprintln!("{}: log and database kept in {}", self.name, dir.keep().display());
			}
		}
	}
}
