#!/usr/bin/env bash
# Serves StatefulSet Playground locally, rebuilding and reloading the page on every source change:
#
#   scripts/serve.sh              → http://127.0.0.1:8080/   (dev build: fast rebuilds, no wasm-opt)
#   scripts/serve.sh --release    → the optimised build, as shipped (slower rebuilds)
#   PORT=9000 scripts/serve.sh    → another port
#
# Runs scripts/setup.sh first (installs missing tools; the browser for tests is skipped here).
# Listens on 127.0.0.1 only (Trunk.toml [serve]). Extra arguments go to `trunk serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

SKIP_BROWSER=1 bash scripts/setup.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/node_modules/.bin:$PATH"

PORT=${PORT:-8080}
echo "StatefulSet Playground will be at http://127.0.0.1:$PORT/ once built (Ctrl-C stops it)."
exec trunk serve --port "$PORT" "$@"
