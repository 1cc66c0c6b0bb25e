#!/usr/bin/env bash
# Runs every Playnet test: formatting, pallet and runtime unit tests, property tests, the
# render worker against the CPU reference on lavapipe, and the end-to-end tests that start real
# playnet-node processes on loopback and talk to them with subxt and @polkadot/api.
# Prints the time of each step. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${CARGO_TARGET_DIR:-$PWD/target}
export PLAYNET_NODE="$target/release/playnet-node"
# Mesa (lavapipe) wants a private runtime directory; without one it prints a warning per test.
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
total_start=$(date +%s)

step() { # step NAME COMMAND...: runs COMMAND and prints how long it took
	local name=$1; shift
	local t; t=$(date +%s)
	echo "[test.sh] ==> $name"
	"$@"
	echo "[test.sh] <== $name took $(( $(date +%s) - t ))s"
}

step "setup (system packages, toolchain)" ./scripts/setup.sh
step "cargo fmt --check" cargo fmt --all -- --check
step "primitives build for the runtime's wasm target" \
	cargo check -p playnet-primitives --no-default-features --target wasm32v1-none
# One profile for binaries and tests: the node built here is the one the tests start, and
# `cargo test --release` reuses every dependency compiled for it.
step "build playnet-node (release)" cargo build --release -p playnet-node
# The end-to-end tests spend most of their time waiting for 3-second blocks and 40-block
# windows: more at a time than libtest's default of one per core keeps them from queueing
# (render-worker's work_chain: 372 s with two threads, 234 s with five, measured here).
step "cargo test (unit, property and end-to-end tests)" \
	cargo test --release --workspace --no-fail-fast -- --test-threads 4
step "npm ci (tests/js)" bash -c 'cd tests/js && npm ci --no-audit --no-fund --loglevel=error'
step "node --test (@polkadot/api end-to-end)" node --test tests/js/chain.test.mjs

echo "[test.sh] all tests passed in $(( $(date +%s) - total_start ))s"
