#!/usr/bin/env bash
# Soak: the seed's generated server (generated-example --demo, release build; the Inngest
# stand-in runs in the same process) under wrk for SOAK_SECONDS (default 60) at SOAK_CONNECTIONS
# (default 64) on its GET route. Prints the server's resident memory every SOAK_INTERVAL seconds
# (default 5), then wrk's totals. Memory that keeps climbing after warm-up is a leak.
#
# Usage: bench/soak.sh            (SOAK_SECONDS=600 for a longer run)
# Loopback only; every process started here is stopped on exit, by its id.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${SOAK_SECONDS:-60}"
connections="${SOAK_CONNECTIONS:-64}"
interval="${SOAK_INTERVAL:-5}"

if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build --release -q -p generated-example

tmp="$(mktemp -d -t naftiko-soak.XXXXXX)"
server_pid=""
wrk_pid=""
cleanup() {
  for pid in $wrk_pid $server_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $wrk_pid $server_pid; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

INNGEST_RUNS_REST_ADDR=127.0.0.1:0 INNGEST_RUNS_MCP_ADDR=127.0.0.1:0 RUST_LOG=warn \
  target/release/generated-example --demo >"$tmp/out" 2>"$tmp/err" &
server_pid=$!
url=""
for _ in $(seq 1 300); do
  url="$(awk '/^  try: curl/ {print $NF; exit}' "$tmp/out")"
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the server did not start:" >&2; cat "$tmp/err" >&2; exit 1; }

echo "soak: $url, ${seconds} s at ${connections} connections (server pid $server_pid)"
printf '%8s %10s %10s %8s %6s\n' "t (s)" "RSS (MiB)" "peak (MiB)" threads fds
sample() {
  local fds
  fds="$(ls "/proc/$server_pid/fd" | wc -l)"
  awk -v t="$1" -v fds="$fds" '
    $1 == "VmRSS:" { rss = $2 } $1 == "VmHWM:" { peak = $2 } $1 == "Threads:" { threads = $2 }
    END { printf "%8s %10.1f %10.1f %8s %6s\n", t, rss / 1024, peak / 1024, threads, fds }
  ' "/proc/$server_pid/status"
}
sample 0
timeout $((seconds + 30)) wrk -t2 -c"$connections" -d"${seconds}s" --latency "$url" >"$tmp/wrk" &
wrk_pid=$!
elapsed=0
while [ "$elapsed" -lt "$seconds" ] && kill -0 "$wrk_pid" 2>/dev/null; do
  sleep "$interval"
  elapsed=$((elapsed + interval))
  sample "$elapsed"
done
wait "$wrk_pid" || true
wrk_pid=""
sleep 2
sample "idle"
echo
grep -E "requests in|Requests/sec|Non-2xx|Socket errors|50%|99%" "$tmp/wrk" || cat "$tmp/wrk"
