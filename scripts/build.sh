#!/usr/bin/env bash
# The one build of Playnet, shared by `start.sh` and `test.sh`: every workspace member's
# libraries and binaries (playnet-node, playnet-render, playnet-client), release profile.
#
# Cargo unifies features over the packages a command selects, and a crate built with other
# features is built again. `start.sh` and `test.sh` therefore select the same packages (the
# whole workspace), so that `cargo test --release --workspace` finds every dependency already
# built here and compiles only the test targets on top; `test.sh` checks that it did.
# Arguments are passed to `cargo build` (test.sh adds --message-format).
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo build --release --workspace "$@"
