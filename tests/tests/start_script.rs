//! `./scripts/start.sh` as a user runs it: `./scripts/start.sh 2>&1 | tee start.log`, then
//! Ctrl-C once the chain and the render side are up. The terminal sends SIGINT to the whole
//! foreground job (the script and `tee`), so the script loses its reader at the moment it
//! starts reporting the stop: it must stop everything it started anyway.
//!
//! The script runs on free ports, its chain in a temporary base path; every process it starts
//! inherits `PLAYNET_BASE_PATH`, which is how the test finds them afterwards (they run in
//! sessions of their own, so their parent and process group say nothing).

use anyhow::{bail, ensure, Context, Result};
use playnet_tests::{free_ports, within, workspace_root};
use std::{
	path::Path,
	process::Stdio,
	time::{Duration, Instant},
};
use tokio::{
	io::{AsyncBufReadExt, BufReader},
	process::Command,
};

/// The script builds nothing after test.sh's build, but it waits for blocks, bonds and the
/// workers to start.
const UP_WITHIN: Duration = Duration::from_secs(420);
/// The script's own limit for a stopping process is 20 s, then SIGKILL.
const STOPPED_WITHIN: Duration = Duration::from_secs(60);

/// The processes whose environment holds `marker` (`NAME=value`), with their command names.
fn processes_with(marker: &str) -> Vec<(u32, String)> {
	let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
	entries
		.filter_map(|entry| {
			let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
			let environ = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
			let found = environ.split(|b| *b == 0).any(|var| var == marker.as_bytes());
			let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
			let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
			// A zombie waits for its parent to read it: it runs nothing.
			let zombie =
				state.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z'));
			(found && !zombie).then(|| (pid, name.trim().to_owned()))
		})
		.collect()
}

fn kill_all(processes: &[(u32, String)]) {
	for (pid, _) in processes {
		// SAFETY: kill(2) with a pid read from /proc and a valid signal has no memory effects.
		unsafe { libc::kill(*pid as libc::pid_t, libc::SIGKILL) };
	}
}

#[tokio::test]
async fn ctrl_c_behind_a_pipe_stops_everything_start_sh_started() -> Result<()> {
	within(UP_WITHIN + STOPPED_WITHIN * 2, "start.sh behind a pipe", async {
		let base = tempfile::tempdir()?;
		let marker = format!("PLAYNET_BASE_PATH={}", base.path().display());
		let [rpc, p2p, render, prometheus] = free_ports::<4>()?;
		let log = base.path().join("start.log");
		// The build the tests run from (<target>/release/deps/<this test>): start.sh reuses it.
		let exe = std::env::current_exe()?;
		let target = exe.ancestors().nth(3).context("the target directory")?;
		ensure!(
			target.join("release/playnet-node").is_file(),
			"no playnet-node beside the tests in {}: build it with ./scripts/build.sh",
			target.display()
		);
		let mut job = Command::new("bash");
		// As a user's shell runs it: without what cargo tells a test (CARGO_MANIFEST_DIR and
		// the like), which build scripts watch; with it, start.sh's build would compile again.
		for (name, _) in std::env::vars_os() {
			let name = name.to_string_lossy().into_owned();
			let cargo_says = name == "CARGO" || name == "OUT_DIR" || name.starts_with("CARGO_");
			if cargo_says && name != "CARGO_HOME" {
				job.env_remove(&name);
			}
		}
		job.arg("-c")
			.arg(format!("./scripts/start.sh 2>&1 | tee {}", shell_quote(&log)))
			.current_dir(workspace_root())
			.env("CARGO_TARGET_DIR", target)
			.env("PLAYNET_BASE_PATH", base.path())
			.env("PLAYNET_RPC_PORT", rpc.to_string())
			.env("PLAYNET_P2P_PORT", p2p.to_string())
			.env("PLAYNET_RENDER_PORT", render.to_string())
			.env("PLAYNET_PROMETHEUS_PORT", prometheus.to_string())
			.stdin(Stdio::null())
			.stdout(Stdio::piped())
			.stderr(Stdio::inherit())
			// Its own process group, as a shell gives a foreground job.
			.process_group(0)
			.kill_on_drop(true);
		// A terminal's foreground job takes Ctrl-C. These tests may run under a background job
		// (`./scripts/test.sh &`, CI), whose children inherit SIGINT ignored, and a shell
		// cannot trap a signal ignored when it starts.
		// SAFETY: signal(2) is async-signal-safe; nothing else runs between fork and exec.
		unsafe {
			job.pre_exec(|| {
				libc::signal(libc::SIGINT, libc::SIG_DFL);
				libc::signal(libc::SIGQUIT, libc::SIG_DFL);
				Ok(())
			});
		}
		let mut job = job.spawn().context("starting the start.sh pipeline")?;
		let group = job.id().context("the pipeline's pid")? as libc::pid_t;
		let mut lines = BufReader::new(job.stdout.take().context("stdout")?).lines();
		let result = async {
			let up = tokio::time::timeout(UP_WITHIN, async {
				while let Some(line) = lines.next_line().await? {
					if line.contains("Press Ctrl-C to stop everything") {
						return Ok(true);
					}
					// The tests run from start.sh's build: it must not compile again.
					ensure!(
						!line.trim_start().starts_with("Compiling "),
						"start.sh compiled after the build the tests run from (run ./scripts/build.sh before the tests): {line}"
					);
				}
				Ok::<_, anyhow::Error>(false)
			})
			.await;
			match up {
				Ok(Ok(true)) => {}
				Ok(Err(error)) => return Err(error),
				_ => bail!(
					"start.sh did not come up within {UP_WITHIN:?}; its output:\n{}",
					std::fs::read_to_string(&log).unwrap_or_default()
				),
			}
			let started = processes_with(&marker);
			let names: Vec<&str> = started.iter().map(|(_, name)| name.as_str()).collect();
			ensure!(
				names.iter().any(|n| n.starts_with("playnet-node"))
					&& names.iter().filter(|n| n.starts_with("playnet-render")).count() >= 3,
				"start.sh runs a node and the render side: {started:?}"
			);

			// Ctrl-C: SIGINT to the whole job, the script and tee alike.
			// SAFETY: kill(2) on our own child's process group.
			ensure!(unsafe { libc::kill(-group, libc::SIGINT) } == 0, "signalling the job");
			let stopping = Instant::now();
			tokio::time::timeout(STOPPED_WITHIN, job.wait())
				.await
				.context("the pipeline did not end after Ctrl-C")??;
			let mut left = processes_with(&marker);
			while !left.is_empty() && stopping.elapsed() < STOPPED_WITHIN {
				tokio::time::sleep(Duration::from_millis(200)).await;
				left = processes_with(&marker);
			}
			if !left.is_empty() {
				kill_all(&left);
				bail!("still running {STOPPED_WITHIN:?} after Ctrl-C: {left:?} (of {started:?})");
			}
			eprintln!("start.sh stopped {} processes in {:?}", started.len(), stopping.elapsed());
			Ok(())
		}
		.await;
		if result.is_err() {
			kill_all(&processes_with(&marker));
		}
		result
	})
	.await
}

fn shell_quote(path: &Path) -> String {
	format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}
