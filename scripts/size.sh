#!/usr/bin/env bash
# First-load transfer of the release page: every file index.html loads, raw and gzip -9.
# Usage: scripts/size.sh [DIST]   (builds dist/ with `trunk build --release` unless DIST is given)
set -euo pipefail
cd "$(dirname "$0")/.."
dist="${1:-}"
if [ -z "$dist" ]; then
  trunk build --release >/dev/null
  dist=dist
fi
total_raw=0; total_gz=0
printf '%-40s %12s %12s\n' file raw "gzip -9"
for f in "$dist"/index.html "$dist"/*.js "$dist"/*.wasm "$dist"/*.css; do
  [ -e "$f" ] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '%-40s %12s %12s\n' "$(basename "$f")" "$raw" "$gz"
done
printf '%-40s %12s %12s\n' "first load, total" "$total_raw" "$total_gz"
