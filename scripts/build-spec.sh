#!/usr/bin/env bash
# Regenerates the committed raw chain spec of the four-validator local network,
# chain-spec/local.json, from the runtime's `local_testnet` preset. Run it after every runtime
# change; tests/tests/chain_spec.rs fails while the committed file is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
# The build start.sh and test.sh share: building the node alone would unify other features
# and leave a binary that the next start.sh or test.sh builds again.
./scripts/build.sh
"$target/release/playnet-node" build-spec --chain local --raw --disable-default-bootnode \
	> chain-spec/local.json.tmp 2>/dev/null
mv chain-spec/local.json.tmp chain-spec/local.json
echo "wrote chain-spec/local.json"
