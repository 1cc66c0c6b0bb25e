#!/usr/bin/env bash
# Measures the weights of Playnet's runtime with the benchmark CLI and writes them where the
# runtime reads them: pallets/<name>/src/weights.rs for Playnet's pallets,
# runtime/src/weights/<pallet>.rs for the SDK's pallets Playnet charges by its own measure, and
# runtime/src/weights/{block,extrinsic}_weights.rs for the base weight of a block and of an
# extrinsic (`overhead`). Run it after changing a pallet's calls or its benchmarks, or after
# upgrading the SDK, on a quiet machine, and commit the result.
#
#   ./scripts/benchmark-weights.sh                  # everything below
#   ./scripts/benchmark-weights.sh pallet_render    # one pallet
#   ./scripts/benchmark-weights.sh overhead         # the block and extrinsic base weights
#
# The node is built with `--features runtime-benchmarks` in its own target directory, so the
# everyday build (and the node the tests start) is left alone.
#
# Environment:
#   PLAYNET_BENCH_TARGET_DIR  where that build goes (default: next to CARGO_TARGET_DIR)
#   STEPS, REPEAT             benchmark CLI settings (default: 50 and 20)
set -euo pipefail
cd "$(dirname "$0")/.."

target=${CARGO_TARGET_DIR:-target}
bench_target=${PLAYNET_BENCH_TARGET_DIR:-$target/../bench-target}
steps=${STEPS:-50}
repeat=${REPEAT:-20}
pallets=("$@")
[ ${#pallets[@]} -gt 0 ] ||
	pallets=(pallet_world pallet_stake pallet_render pallet_sessions frame_system pallet_balances
		pallet_timestamp overhead)

elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

./scripts/setup.sh

t=$(date +%s)
echo "[weights] building playnet-node with runtime-benchmarks in $bench_target"
# frame-benchmarking-cli depends on a test runtime that only `benchmark storage` runs, and
# whose Wasm build cannot find its own package outside polkadot-sdk's workspace ("Failed to
# find entry for package frame-storage-access-test-runtime"): skip that one Wasm build.
CARGO_TARGET_DIR=$bench_target SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1 \
	cargo build --release -p playnet-node --features runtime-benchmarks
echo "[weights] build took $(elapsed "$t")"
node="$bench_target/release/playnet-node"

runtime_weights=runtime/src/weights
mkdir -p "$runtime_weights"
for pallet in "${pallets[@]}"; do
	t=$(date +%s)
	echo "[weights] ==> $pallet"
	case $pallet in
	overhead)
		# An empty block's and a `System::remark`'s execution, repeated; the CLI's template
		# names the SDK's crates directly, the runtime reaches them through `polkadot_sdk`.
		"$node" benchmark overhead --chain dev --weight-path "$runtime_weights"
		sed -i -e 's/^use sp_core::/use polkadot_sdk::sp_core::/' \
			-e 's/^use sp_weights::/use polkadot_sdk::frame_support::weights::/' \
			-e 's/^\tuse sp_weights::/\tuse polkadot_sdk::frame_support::weights::/' \
			"$runtime_weights/block_weights.rs" "$runtime_weights/extrinsic_weights.rs"
		;;
	frame_system | pallet_balances | pallet_timestamp)
		# A solo chain does not charge for proof size, so proof recording would only inflate
		# the measured times.
		"$node" benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' \
			--steps "$steps" --repeat "$repeat" --disable-proof-recording \
			--template scripts/benchmark/runtime-weight-template.hbs \
			--output "$runtime_weights/$pallet.rs"
		;;
	*)
		dir=pallets/${pallet#pallet_}
		if [ ! -f "$dir/src/weights.rs" ]; then
			echo "[weights] no $dir/src/weights.rs for $pallet" >&2
			exit 1
		fi
		"$node" benchmark pallet --chain dev --pallet "$pallet" --extrinsic '*' \
			--steps "$steps" --repeat "$repeat" --disable-proof-recording \
			--template scripts/benchmark/weight-template.hbs --output "$dir/src/weights.rs"
		;;
	esac
	echo "[weights] <== $pallet took $(elapsed "$t")"
done
