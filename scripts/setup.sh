#!/usr/bin/env bash
# Installs everything the playground needs to build and test, when it is missing.
# Idempotent: every step is skipped when its tool is already there at the right version.
# Verified recipe: ../shared/toolchain.md (Trunk 0.21.14, wasm-bindgen-cli = Cargo.lock's version,
# wasm-opt from npm's binaryen, Debian's Chromium + chromedriver for the browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# Splits the app's wasm into the page's module and the lazily loaded engine (scripts/split_wasm.py).
WASM_SPLIT_VERSION=0.2.4
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH"

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown Rust target"
  rustup target add wasm32-unknown-unknown
fi

if [ "${SKIP_BROWSER:-0}" != 1 ] && { ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; }; then
  log "installing Debian's chromium and chromium-driver (browser tests)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi

if ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then
  log "installing trunk $TRUNK_VERSION (about 6 minutes, once)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install trunk --locked --version "$TRUNK_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
  cargo install wasm-bindgen-cli --locked --version "$WASM_BINDGEN_VERSION" \
    || cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! command -v wasm-split-cli >/dev/null || ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  log "installing wasm-split-cli $WASM_SPLIT_VERSION (about 2 minutes, once)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install wasm_split_cli_support --locked --version "$WASM_SPLIT_VERSION" --features build-binary
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ]; then
  log "installing npm dev tools (binaryen's wasm-opt, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

cargo fetch --locked >/dev/null 2>&1 || cargo fetch --locked
log "tools ready"
