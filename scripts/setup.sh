#!/usr/bin/env bash
# Installs what building and testing Playnet needs on a Debian machine that has only rustup:
# system packages (only the missing ones), and the Rust toolchain, target and components
# pinned in rust-toolchain.toml. Safe to run again: it does nothing when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
	build-essential pkg-config   # C compiler and pkg-config for -sys crates
	protobuf-compiler            # litep2p's build script
	libssl-dev                   # str0m (WebRTC in litep2p) links OpenSSL
	curl ca-certificates         # start.sh talks JSON-RPC with curl
	mesa-vulkan-drivers libvulkan1  # lavapipe: the render worker's Vulkan on machines without a GPU
	# The game window (winit and softbuffer load these at run time) and its test's X server.
	libx11-6 libx11-xcb1 libxcursor1 libxrandr2 libxi6 libxkbcommon-x11-0 xvfb
)
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "[setup] installing: ${missing[*]}"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The toolchain pinned in rust-toolchain.toml, with the runtime's wasm target.
channel=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
if ! rustup toolchain list | grep -q "^${channel}" \
	|| ! rustup target list --installed --toolchain "$channel" | grep -q '^wasm32v1-none$' \
	|| ! rustup component list --installed --toolchain "$channel" | grep -q '^rust-src'; then
	echo "[setup] installing Rust $channel with wasm32v1-none and rust-src"
	rustup toolchain install "$channel" --profile minimal \
		--target wasm32v1-none --component rust-src,rustfmt,clippy
fi
