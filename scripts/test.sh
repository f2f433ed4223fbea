#!/usr/bin/env bash
# Runs every test of StatefulSet Playground. This is the one test command (README, CI: .ci/run).
#
#   1. scripts/setup.sh     installs missing tools (idempotent; ~6 min the first time, <2 s after)
#   2. native               cargo test: engine unit tests, tests/*.rs, doc tests
#   3. wasm                 wasm-bindgen-test in headless Chromium (tests/web/)
#   4. build                trunk build --release → dist/
#   5. e2e                  dist/ served under a sub-path on 127.0.0.1, node --test e2e/
#
# Every stage runs even if an earlier one failed (e2e needs the build). The last line of output
# is always "N passed, N failed" (test results counted from cargo's "test result:" lines and
# node's TAP "# pass"/"# fail"; a stage that fails without reporting results counts as 1 failed).
# Exit status: 0 only if nothing failed. Needs no stdin and no network once set up.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$ROOT/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR=never
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

LOGS=$(mktemp -d "${TMPDIR:-/tmp}/stsplay-test.XXXXXX")
SITE=""
SERVER_PID=""
STAGE_FD="" # the fd of the running stage's tee (see stage)
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$SITE" ]; then rm -rf "$SITE"; fi
  rm -rf "$LOGS"
}
trap cleanup EXIT

PASSED=0
FAILED=0
TIMES=()

log() { printf '\n==> %s\n' "$*"; }

# count_results LOG: add the tests reported in LOG to PASSED/FAILED; prints "p f" for the stage.
count_results() {
  local p=0 f=0 line
  while IFS= read -r line; do
    if [[ $line =~ ^test\ result:\ .*\ ([0-9]+)\ passed\;\ ([0-9]+)\ failed\; ]]; then
      p=$((p + BASH_REMATCH[1])); f=$((f + BASH_REMATCH[2]))
    elif [[ $line =~ ^#\ pass\ ([0-9]+)$ ]]; then
      p=$((p + BASH_REMATCH[1]))
    elif [[ $line =~ ^#\ fail\ ([0-9]+)$ ]]; then
      f=$((f + BASH_REMATCH[1]))
    fi
  done < <(sed 's/\x1b\[[0-9;]*m//g' "$1")
  echo "$p $f"
}

# stage NAME COMMAND...: runs COMMAND with output shown and logged, records its time and results.
# Returns the command's exit status (callers check it explicitly; set -e is off inside).
stage() {
  local name=$1; shift
  local logfile="$LOGS/$name.log" start rc p f ms
  log "$name: $*"
  start=$(date +%s%N)
  # Not a pipeline: COMMAND runs in this shell (so e2e's server PID reaches the EXIT trap).
  # The tee is opened by `exec` (a builtin), so its PID is known here and can be waited for.
  local tee_pid
  exec {STAGE_FD}> >(tee "$logfile")
  tee_pid=$!
  set +e
  "$@" </dev/null >&"$STAGE_FD" 2>&1
  rc=$?
  set -e
  exec {STAGE_FD}>&-
  wait "$tee_pid" 2>/dev/null || true # let tee finish writing the log
  read -r p f < <(count_results "$logfile")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1 # failed before reporting results (compile error, crash, build failure)
  fi
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  ms=$((($(date +%s%N) - start) / 1000000))
  TIMES+=("$(printf '%-8s %4d.%01ds  exit %-3s %s passed, %s failed' "$name" \
    $((ms / 1000)) $((ms % 1000 / 100)) "$rc" "$p" "$f")")
  return "$rc"
}

# serve_dist: copies dist/ to a temp site under /sub/app/ and serves it on a free loopback port.
# Sets BASE_URL. Serving under a sub-path checks that every asset URL is relative.
serve_dist() {
  SITE=$(mktemp -d "${TMPDIR:-/tmp}/stsplay-site.XXXXXX")
  mkdir -p "$SITE/sub"
  cp -r dist "$SITE/sub/app"
  # {STAGE_FD}>&-: the server must not hold the stage's log pipe open, or tee never finishes.
  python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$SITE" \
    </dev/null >"$LOGS/http.log" 2>&1 {STAGE_FD}>&- &
  SERVER_PID=$!
  local port="" i
  for i in $(seq 1 100); do
    # The server prints this line once it is listening (port 0: the kernel picked a free one).
    port=$(sed -n 's/^Serving HTTP on .* port \([0-9]*\) .*/\1/p' "$LOGS/http.log")
    if [ -n "$port" ]; then
      BASE_URL="http://127.0.0.1:$port/sub/app/"
      echo "serving dist/ at $BASE_URL"
      return 0
    fi
    sleep 0.1
  done
  echo "the test web server did not come up:" >&2
  cat "$LOGS/http.log" >&2
  return 1
}

e2e() {
  serve_dist || return 1
  local rc=0
  # Human-readable spec output on the console; TAP to a file, whose totals are echoed for counting.
  BASE_URL=$BASE_URL node --test \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$LOGS/e2e.tap" \
    e2e/ || rc=$?
  grep -E '^# (pass|fail) [0-9]+$' "$LOGS/e2e.tap" || true
  return "$rc"
}

summary() {
  log "summary"
  printf '%s\n' "${TIMES[@]}"
  echo "$PASSED passed, $FAILED failed"
}

TOTAL_START=$SECONDS

# 1. Tools. Nothing else can run without them, so a failure here ends the run.
if ! stage setup bash scripts/setup.sh; then
  summary
  exit 1
fi

# 2. Native: the engine and everything else that runs on the host.
stage native cargo test --offline --locked --no-fail-fast || true

# 3. Browser unit tests (wasm-bindgen-test-runner drives Chromium through chromedriver).
# TMPDIR inside $LOGS: chromedriver puts Chromium's profile (~90 MB) in a scoped temp dir that it
# leaves behind when the runner stops it, so without this every run would leak one into /tmp.
mkdir -p "$LOGS/tmp"
stage wasm env TMPDIR="$LOGS/tmp" \
  cargo test --offline --locked --no-fail-fast --target wasm32-unknown-unknown --test web || true

# 4. Release build of the site, then 5. end-to-end tests against it.
if stage build trunk build --release --locked; then
  stage e2e e2e || true
else
  echo "skipping e2e: the build failed"
  FAILED=$((FAILED + 1))
  TIMES+=("e2e      skipped (the build failed): counted as 1 failed")
fi

echo
echo "total: $((SECONDS - TOTAL_START))s; screenshot: e2e/screenshots/smoke.png"
summary
[ "$FAILED" -eq 0 ]
