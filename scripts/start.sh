#!/usr/bin/env bash
# Builds and starts a local Playnet: one `playnet-node --dev` validator (Alice) producing and
# finalizing blocks, with its chain kept in a persistent base path. Prints where to connect.
# Ctrl-C stops the node cleanly. Running it again reuses the build and the chain.
#
# Environment:
#   PLAYNET_BASE_PATH  where the dev chain lives   (default: ~/.local/share/playnet/dev)
#   PLAYNET_RPC_PORT   the JSON-RPC port            (default: 9944)
#   PLAYNET_P2P_PORT   the peer-to-peer port        (default: 30333)
set -euo pipefail
cd "$(dirname "$0")/.."

base_path=${PLAYNET_BASE_PATH:-$HOME/.local/share/playnet/dev}
rpc_port=${PLAYNET_RPC_PORT:-9944}
p2p_port=${PLAYNET_P2P_PORT:-30333}
target=${CARGO_TARGET_DIR:-target}
node="$target/release/playnet-node"

elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

t=$(date +%s)
./scripts/setup.sh
echo "[start] setup took $(elapsed "$t")"

t=$(date +%s)
echo "[start] building playnet-node (release; the first build takes the better part of an hour on 2 cores)"
cargo build --release -p playnet-node
echo "[start] build took $(elapsed "$t")"

rpc() {
	curl -sf -m 5 -H 'Content-Type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":${2:-[]}}" \
		"http://127.0.0.1:$rpc_port"
}

if rpc system_health >/dev/null 2>&1; then
	echo "[start] something already answers JSON-RPC on port $rpc_port: stop it or set PLAYNET_RPC_PORT" >&2
	exit 1
fi

# A rebuilt runtime changes the dev genesis: a chain made by an older build cannot be continued.
mkdir -p "$base_path"
genesis=$("$node" build-spec --chain dev --raw 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ -f "$base_path/genesis.sha256" ] && [ "$(cat "$base_path/genesis.sha256")" != "$genesis" ]; then
	echo "[start] the runtime changed since this dev chain was made: starting a fresh dev chain"
	"$node" purge-chain --dev --base-path "$base_path" -y >/dev/null
fi
echo "$genesis" > "$base_path/genesis.sha256"

log="$base_path/node.log"
echo "[start] starting playnet-node --dev (log: $log)"
"$node" --dev --base-path "$base_path" --rpc-port "$rpc_port" --port "$p2p_port" \
	--rpc-cors all --no-telemetry >"$log" 2>&1 &
node_pid=$!

stop() {
	trap - INT TERM EXIT
	if kill -0 "$node_pid" 2>/dev/null; then
		echo
		echo "[start] stopping the node"
		kill -INT "$node_pid" 2>/dev/null || true
		wait "$node_pid" 2>/dev/null || true
	fi
}
trap stop INT TERM EXIT

block_number() { # stdin: a chain_getHeader answer -> its block number in decimal
	local hex
	hex=$(sed -n 's/.*"number":"0x\([0-9a-fA-F]*\)".*/\1/p')
	[ -n "$hex" ] && echo $((16#$hex))
}

echo -n "[start] waiting for blocks to be produced and finalized"
best=0; finalized=0
for _ in $(seq 1 120); do
	if ! kill -0 "$node_pid" 2>/dev/null; then
		echo; echo "[start] the node exited; the end of its log:" >&2; tail -n 20 "$log" >&2; exit 1
	fi
	best=$(rpc chain_getHeader 2>/dev/null | block_number || echo 0)
	fin_hash=$(rpc chain_getFinalizedHead 2>/dev/null | sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p' || true)
	if [ -n "$fin_hash" ]; then
		finalized=$(rpc chain_getHeader "[\"$fin_hash\"]" 2>/dev/null | block_number || echo 0)
	fi
	if [ "${best:-0}" -ge 2 ] && [ "${finalized:-0}" -ge 1 ]; then break; fi
	echo -n "."
	sleep 1
done
echo
if [ "${finalized:-0}" -lt 1 ]; then
	echo "[start] no finalized block after 2 minutes; the end of the log:" >&2; tail -n 20 "$log" >&2; exit 1
fi

cat <<INFO

  Playnet dev node is running: best block #$best, finalized #$finalized.

  JSON-RPC (WebSocket and HTTP):  ws://127.0.0.1:$rpc_port
  polkadot.js Apps:               https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$rpc_port#/explorer
  Prometheus metrics:             http://127.0.0.1:9615/metrics
  Chain data and log:             $base_path

  Dev accounts (//Alice, //Bob, ...) hold 1,000,000 PGT each; Alice is the validator and sudo.
  Press Ctrl-C to stop.

INFO
wait "$node_pid"
