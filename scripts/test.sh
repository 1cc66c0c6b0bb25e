#!/usr/bin/env bash
# Runs every Playnet test: formatting, pallet and runtime unit tests, property tests, the
# render worker against the CPU reference on lavapipe, and the end-to-end tests that start real
# playnet-node processes on loopback and talk to them with subxt and @polkadot/api.
# `.ci/run` calls exactly this.
#
# The build is scripts/build.sh, the same as start.sh's: after start.sh it compiles nothing,
# and the test build only adds the test targets (checked: it fails if it compiled a library or
# binary of the build again). At its end, pass or fail, it prints the time of each step and
# of the three longest test binaries.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${CARGO_TARGET_DIR:-$PWD/target}
export PLAYNET_NODE="$target/release/playnet-node"
# Mesa (lavapipe) wants a private runtime directory; without one it prints a warning per test.
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
logs=$(mktemp -d)
total_start=$(date +%s)
timings=()  # "seconds<TAB>step<TAB>status", one per step run

# COMMAND runs in the condition of `||`, where `set -e` does not apply: the functions below
# return at their first failure themselves.
step() { # step NAME COMMAND...: runs COMMAND and prints how long it took
	local name=$1; shift
	local t rc=0; t=$(date +%s)
	echo "[test.sh] ==> $name"
	"$@" || rc=$?
	local took=$(( $(date +%s) - t ))
	if [ "$rc" -ne 0 ]; then
		timings+=("$took	$name	FAILED (exit $rc)")
		echo "[test.sh] <== $name FAILED (exit $rc) after ${took}s"
		exit "$rc"
	fi
	timings+=("$took	$name	ok")
	echo "[test.sh] <== $name took ${took}s"
}

summary() { # the time of each step, and of the three longest test binaries
	local rc=$?
	echo
	echo "[test.sh] ---- time of each step ----"
	local line
	for line in "${timings[@]}"; do
		IFS=$'\t' read -r took name status <<<"$line"
		printf '[test.sh] %6ss  %-58s %s\n' "$took" "$name" "$status"
	done
	printf '[test.sh] %6ss  %s\n' "$(( $(date +%s) - total_start ))" "in all"
	if [ -s "$logs/cargo-test.log" ]; then
		echo "[test.sh] ---- the three longest test binaries (libtest's own time) ----"
		# `Running <source> (<dir>/deps/<binary>-<hash>)` or `Doc-tests <crate>`, then the
		# binary's `test result: ... finished in <seconds>s`.
		awk '
			/^ +Running / { bin = $NF; gsub(/[()]/, "", bin); sub(/.*\//, "", bin); sub(/-[0-9a-f]+$/, "", bin)
				src = ($2 == "unittests") ? $3 : $2; name = bin " (" src ")" }
			/^ +Doc-tests / { name = "doc-tests of " $2 }
			/^test result: / && match($0, /finished in [0-9.]+s/) {
				secs = substr($0, RSTART + 12, RLENGTH - 13); printf "%s\t%s\n", secs, name }
		' "$logs/cargo-test.log" | sort -t$'\t' -k1,1 -g -r | head -n 3 \
			| while IFS=$'\t' read -r secs name; do printf '[test.sh] %7ss  %s\n' "$secs" "$name"; done
	fi
	if [ "$rc" -eq 0 ]; then
		echo "[test.sh] all tests passed in $(( $(date +%s) - total_start ))s"
	else
		echo "[test.sh] FAILED (exit $rc) after $(( $(date +%s) - total_start ))s; the logs are in $logs"
	fi
}
trap summary EXIT

build() { # the build of start.sh, with cargo's JSON messages kept for the reuse check
	./scripts/build.sh --message-format=json-render-diagnostics >"$logs/build.json"
}

build_tests() { # the test targets on top of the build; fails if it rebuilt any of the build
	cargo test --release --workspace --no-run --message-format=json-render-diagnostics \
		>"$logs/test-build.json" || return
	node scripts/lib/check-shared-build.mjs "$logs/build.json" "$logs/test-build.json"
}

run_tests() {
	# The end-to-end tests spend most of their time waiting for 3-second blocks and 40-block
	# windows: more at a time than libtest's default of one per core keeps them from queueing
	# (render-worker's work_chain: 372 s with two threads, 234 s with five, measured here).
	cargo test --release --workspace --no-fail-fast -- --test-threads 4 2>&1 | tee "$logs/cargo-test.log"
}

step "setup (system packages, toolchain)" ./scripts/setup.sh
step "cargo fmt --check" cargo fmt --all -- --check
step "primitives build for the runtime's wasm target" \
	cargo check -p playnet-primitives --no-default-features --target wasm32v1-none
# One profile for binaries and tests: the node built here is the one the tests start.
step "build (scripts/build.sh, as start.sh)" build
step "build the tests (cargo test --no-run)" build_tests
step "cargo test (unit, property and end-to-end tests)" run_tests
step "npm ci (tests/js)" bash -c 'cd tests/js && npm ci --no-audit --no-fund --loglevel=error'
step "node --test (@polkadot/api end-to-end)" node --test tests/js/chain.test.mjs
