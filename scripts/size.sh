#!/usr/bin/env bash
# Transfer of the release page, raw and gzip -9: the first load (every file index.html loads
# before the page is interactive), then the simulator's module, which the page fetches as soon
# as it runs (split off by scripts/split_wasm.py; see README.md, "Size of the page").
# Usage: scripts/size.sh [DIST]   (builds dist/ with `trunk build --release` unless DIST is given)
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:-}"
if [ -z "$dist" ]; then
  trunk build --release >/dev/null
  dist=dist
fi
row() { printf '%-40s %12s %12s\n' "$@"; }
sum() {
  local label=$1 raw=0 gz=0 f r g
  shift
  for f in "$@"; do
    [ -e "$f" ] || continue
    r=$(stat -c %s "$f"); g=$(gzip -9 -c "$f" | wc -c)
    raw=$((raw + r)); gz=$((gz + g))
    row "$(basename "$f")" "$r" "$g"
  done
  row "$label" "$raw" "$gz"
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
}
total_raw=0; total_gz=0
row file raw "gzip -9"
shopt -s nullglob
first=("$dist"/index.html "$dist"/*.js "$dist"/playground-*_bg.wasm "$dist"/*.css)
sum "first load, total" "${first[@]}"
lazy=("$dist"/split_*.wasm "$dist"/chunk_*.wasm)
if [ ${#lazy[@]} -gt 0 ]; then
  sum "the simulator's module" "${lazy[@]}"
  row "everything" "$total_raw" "$total_gz"
fi
