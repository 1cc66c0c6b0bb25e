#!/usr/bin/env bash
# Builds and starts a local Playnet: one `playnet-node --dev` validator (Alice) producing and
# finalizing blocks, with its chain kept in a persistent base path, and the render side beside
# it, so that render rewards flow:
#
#   - `playnet-render serve`: the local render worker of the node's offchain worker, which
#     renders Alice's tasks (Alice's `rndr` key is put in the node's keystore, and the worker's
#     URL in the node's offchain storage);
#   - `playnet-render work` as Bob and as Charlie, each bonding 1000 PGT: a task needs three
#     distinct bonded workers, and Alice (bonded at genesis) is the third;
#   - `playnet-render post` as Dave: a demo render task with a 10 PGT fee every 20 blocks.
#
# Prints where to connect and how to watch the workers' PGT grow in polkadot.js. Ctrl-C stops
# everything it started, the node last. Running it again reuses the build, the chain, the
# bonds and the workers' task records.
#
# Environment:
#   PLAYNET_BASE_PATH    where the dev chain and the logs live  (default: ~/.local/share/playnet/dev)
#   PLAYNET_RPC_PORT     the JSON-RPC port                       (default: 9944)
#   PLAYNET_P2P_PORT     the peer-to-peer port                   (default: 30333)
#   PLAYNET_RENDER_PORT  the local render worker's HTTP port     (default: 9955)
#   PLAYNET_PROMETHEUS_PORT  the node's Prometheus metrics port  (default: 9615)
set -euo pipefail
cd "$(dirname "$0")/.."
# Mesa (the render worker's Vulkan on CPU) wants a private runtime directory; without one it
# prints an error line at the top of every render log.
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}

base_path=${PLAYNET_BASE_PATH:-$HOME/.local/share/playnet/dev}
rpc_port=${PLAYNET_RPC_PORT:-9944}
p2p_port=${PLAYNET_P2P_PORT:-30333}
render_port=${PLAYNET_RENDER_PORT:-9955}
prometheus_port=${PLAYNET_PROMETHEUS_PORT:-9615}
target=${CARGO_TARGET_DIR:-target}
node="$target/release/playnet-node"
render="$target/release/playnet-render"

# The well-known dev accounts (sr25519 keys of //Alice, //Bob, ...), as polkadot.js shows them.
alice_public=0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d
declare -A account=(
	[Alice]=5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY
	[Bob]=5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty
	[Charlie]=5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y
	[Dave]=5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy
)
work_bond=1000      # PGT each `work` process bonds (Stake::MinBond is 100)
post_fee=10         # PGT per demo task (its floor is Render::MinFee, 1 PGT: 120 tiles)
post_every=20       # blocks between demo tasks (one minute)

elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

rpc() {
	curl -sf -m 5 -H 'Content-Type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":${2:-[]}}" \
		"http://127.0.0.1:$rpc_port"
}

listening() { # port -> whether something accepts connections on it
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Ports in use are refused before the build, not after it.
if rpc system_health >/dev/null 2>&1; then
	echo "[start] something already answers JSON-RPC on port $rpc_port: stop it or set PLAYNET_RPC_PORT" >&2
	exit 1
fi
if listening "$prometheus_port"; then
	echo "[start] something already listens on port $prometheus_port (the node's metrics): stop it or set PLAYNET_PROMETHEUS_PORT" >&2
	exit 1
fi
if listening "$render_port"; then
	echo "[start] something already listens on port $render_port (the render worker's): stop it or set PLAYNET_RENDER_PORT" >&2
	exit 1
fi

t=$(date +%s)
./scripts/setup.sh
echo "[start] setup took $(elapsed "$t")"

t=$(date +%s)
# The same build as test.sh's (scripts/build.sh): running test.sh next compiles only the tests.
echo "[start] building playnet-node, playnet-render and playnet-client (release; the first build takes 20 to 35 minutes on 2 cores)"
./scripts/build.sh
echo "[start] build took $(elapsed "$t")"

# A rebuilt runtime changes the dev genesis: a chain made by an older build cannot be continued.
mkdir -p "$base_path"
genesis=$("$node" build-spec --chain dev --raw 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ -f "$base_path/genesis.sha256" ] && [ "$(cat "$base_path/genesis.sha256")" != "$genesis" ]; then
	echo "[start] the runtime changed since this dev chain was made: starting a fresh dev chain"
	"$node" purge-chain --dev --base-path "$base_path" -y >/dev/null
fi
echo "$genesis" > "$base_path/genesis.sha256"

# Every process started below runs in a session of its own (setsid), so that Ctrl-C in the
# terminal reaches this script only, and it stops them in order: the node last.
detach=()
command -v setsid >/dev/null 2>&1 && detach=(setsid)
names=()              # what was started, in order
declare -A pid=() log=() stop_signal=()
launch() { # name signal logfile command... : starts it in the background; `signal` stops it
	local name=$1 signal=$2 file=$3
	shift 3
	"${detach[@]}" "$@" </dev/null >"$file" 2>&1 &
	pid[$name]=$!
	stop_signal[$name]=$signal
	log[$name]=$file
	names+=("$name")
}

running() { # pid -> whether it runs (a zombie does not)
	local state
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

stop_one() { # name: its stop signal, and SIGKILL if it is still there 20 s later
	local name=$1 p=${pid[$1]}
	if running "$p"; then
		echo "[start] stopping $name"
		kill "-${stop_signal[$name]}" "$p" 2>/dev/null || true
		for _ in $(seq 1 200); do running "$p" || break; sleep 0.1; done
		if running "$p"; then
			echo "[start] $name did not stop within 20 s: killing it"
			kill -KILL "$p" 2>/dev/null || true
		fi
	fi
	wait "$p" 2>/dev/null || true
}

stop() {
	trap - INT TERM HUP PIPE EXIT
	# Ctrl-C behind a pipe (`./scripts/start.sh 2>&1 | tee start.log`) stops the reader too:
	# from here on a message may find no reader, and must neither kill this script (SIGPIPE)
	# nor end it (set -e) before everything it started is stopped.
	trap '' PIPE
	set +e
	echo
	local i
	for (( i = ${#names[@]} - 1; i >= 0; i-- )); do stop_one "${names[$i]}"; done
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap 'stop; exit 129' HUP
trap 'stop; exit 141' PIPE

# The node and the workers stop cleanly on SIGINT; `serve` keeps nothing and stops on SIGTERM.
launch node INT "$base_path/node.log" \
	"$node" --dev --base-path "$base_path" --rpc-port "$rpc_port" --port "$p2p_port" \
	--prometheus-port "$prometheus_port" --rpc-cors all --no-telemetry
node_pid=${pid[node]}
echo "[start] started playnet-node --dev (log: ${log[node]})"

block_number() { # stdin: a chain_getHeader answer -> its block number in decimal
	local hex
	hex=$(sed -n 's/.*"number":"0x\([0-9a-fA-F]*\)".*/\1/p')
	[ -n "$hex" ] && echo $((16#$hex))
}

echo -n "[start] waiting for blocks to be produced and finalized"
best=0; finalized=0
for _ in $(seq 1 120); do
	if ! running "$node_pid"; then
		echo; echo "[start] the node exited; the end of its log:" >&2; tail -n 20 "${log[node]}" >&2; exit 1
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
	echo "[start] no finalized block after 2 minutes; the end of the log:" >&2; tail -n 20 "${log[node]}" >&2; exit 1
fi

# The render side. First the node's own worker: Alice's offchain worker renders her tasks
# through `playnet-render serve`, found at the URL in the node's offchain storage.
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
render_url="http://127.0.0.1:$render_port"
launch serve TERM "$base_path/render-serve.log" "$render" serve --listen "127.0.0.1:$render_port"
echo -n "[start] starting the local render worker"
for _ in $(seq 1 60); do
	curl -sf -m 2 "$render_url/health" >/dev/null 2>&1 && break
	if ! running "${pid[serve]}"; then
		echo; echo "[start] playnet-render serve exited; the end of its log:" >&2; tail -n 20 "${log[serve]}" >&2; exit 1
	fi
	echo -n "."
	sleep 1
done
echo
if ! curl -sf -m 2 "$render_url/health" >/dev/null 2>&1; then
	echo "[start] the local render worker does not answer on $render_url; the end of its log:" >&2
	tail -n 20 "${log[serve]}" >&2; exit 1
fi
# Both are unsafe RPCs, which the node takes because its RPC listens on localhost only.
rpc author_insertKey "[\"rndr\",\"//Alice\",\"$alice_public\"]" >/dev/null \
	|| { echo "[start] the node refused Alice's rndr key (author_insertKey)" >&2; exit 1; }
rpc offchain_localStorageSet \
	"[\"PERSISTENT\",\"0x$(hex playnet::render-worker-url)\",\"0x$(hex "$render_url")\"]" >/dev/null \
	|| { echo "[start] the node refused the render worker's URL (offchain_localStorageSet)" >&2; exit 1; }
echo "[start] Alice's offchain worker renders through $render_url"

# Two standalone workers with their own keys; `--bond` adds nothing when as much is bonded.
for name in Bob Charlie; do
	launch "$name" INT "$base_path/work-${name,,}.log" \
		"$render" work --node "ws://127.0.0.1:$rpc_port" --suri "//$name" --bond "$work_bond" \
		--state-dir "$base_path/render-work"
done
echo -n "[start] waiting for Bob and Charlie to bond and start working"
for _ in $(seq 1 120); do
	ready=yes
	for name in Bob Charlie; do
		grep -q '^working as' "${log[$name]}" 2>/dev/null || ready=no
		if ! running "${pid[$name]}"; then
			echo; echo "[start] $name's worker exited; the end of its log:" >&2; tail -n 5 "${log[$name]}" >&2; exit 1
		fi
	done
	[ "$ready" = yes ] && break
	echo -n "."
	sleep 1
done
echo
[ "$ready" = yes ] || echo "[start] Bob and Charlie are not working after 2 minutes; see their logs below" >&2

launch poster INT "$base_path/post.log" \
	"$render" post --node "ws://127.0.0.1:$rpc_port" --suri //Dave --fee "$post_fee" --every "$post_every"

apps="https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$rpc_port"
cat <<INFO

  Playnet dev node is running: best block #$best, finalized #$finalized.

  JSON-RPC (WebSocket and HTTP):  ws://127.0.0.1:$rpc_port
  polkadot.js Apps:               $apps#/explorer
  Prometheus metrics:             http://127.0.0.1:$prometheus_port/metrics
  Chain data and logs:            $base_path

  Dev accounts (//Alice, //Bob, ...) hold 1,000,000 PGT each; Alice is the validator and sudo.

  Render workers. A render task goes to three distinct bonded workers (two must agree), so
  there are three here, not one:
    Alice    ${account[Alice]}  the node's offchain worker (bonded at genesis), rendering
             through playnet-render serve on $render_url   log: ${log[serve]}
    Bob      ${account[Bob]}  playnet-render work, bonded $work_bond PGT   log: ${log[Bob]}
    Charlie  ${account[Charlie]}  playnet-render work, bonded $work_bond PGT   log: ${log[Charlie]}
  Dave (${account[Dave]}) posts a demo task with a $post_fee PGT fee every $post_every blocks
  (log: ${log[poster]}). A task is paid about 50 blocks (2.5 minutes) after its post: commit
  and reveal, then a 40-block fraud window.

  Watch their PGT grow in polkadot.js:
    $apps#/accounts
        Alice, Bob and Charlie's balances rise at every settlement (their bonds show as reserved).
    $apps#/chainstate
        Storage: render > rewardsEarned(Bob) is everything Bob has earned from tasks;
        system > account(Bob) his free and reserved balance.
    $apps#/explorer
        render.TaskPosted, WorkersAssigned, Committed, Revealed, ResultAccepted, WorkerRewarded
        and TaskSettled events, block by block.
  Or in a terminal:  tail -f ${log[Bob]} ${log[poster]}

  Post a task of your own, rendered by one worker and spot-checked by the chain (40% of the
  fee floor; at least 10 frames, at most 25 PGT):
    $(realpath "$render") post --node ws://127.0.0.1:$rpc_port --suri //Ferdie --fee 2 --optimistic --frames 10

  Play: open the game's window on this chain and its world network, through an embedded light
  client that checks every read with a proof (leave out --chain dev to trust the node instead;
  click in the window, then W A S D, mouse, Space, left/right click, 1-9, T to chat):
    $(realpath "$target/release/playnet-client") --node ws://127.0.0.1:$rpc_port --chain dev --suri //Eve --cache-dir $base_path/client-eve play
  Without a display, the same command without "play" is a line mode (type help: goto, set,
  get, say, view --out view.png, ...).

  Press Ctrl-C to stop everything (the node last).

INFO

# Wait for the node; a render process that ends early is reported once.
declare -A reported=()
while running "$node_pid"; do
	wait -n 2>/dev/null || true
	for name in "${names[@]}"; do
		if [ "$name" != node ] && [ -z "${reported[$name]:-}" ] && ! running "${pid[$name]}"; then
			reported[$name]=1
			echo "[start] $name exited; the end of its log (${log[$name]}):" >&2
			tail -n 5 "${log[$name]}" >&2
		fi
	done
done
echo "[start] the node exited; the end of its log:" >&2
tail -n 20 "${log[node]}" >&2
exit 1
