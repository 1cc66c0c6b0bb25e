//! `playnet-render`: render, verify, bench and serve Playnet render tasks, and work for a chain.

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
	let args = cli::Cli::parse();
	tracing_subscriber::fmt()
		.with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(
			|_| tracing_subscriber::EnvFilter::new("info,wgpu_core=warn,wgpu_hal=warn,naga=warn"),
		))
		.with_writer(std::io::stderr)
		// Colours only on a terminal: logs written to files stay plain text.
		.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
		.init();
	match cli::run(args) {
		Ok(()) => std::process::ExitCode::SUCCESS,
		Err(error) => {
			eprintln!("error: {error:#}");
			std::process::ExitCode::FAILURE
		}
	}
}
