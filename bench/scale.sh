#!/usr/bin/env bash
# Many connections at once: wrk holds BENCH_SCALE_CONNECTIONS (default 1024) kept-alive
# connections open against the seed's server (generated-example, release) for BENCH_SECONDS,
# first on its REST route, then on MCP tools/call, both to the same upstream. Prints, for each,
# requests/s, p50/p99, wrk's error count (connect, read, write, timeout, non-2xx), the CPU µs per
# request, and the server's resident memory: idle before the runs and its peak (VmHWM) after each.
# The open-file limit is raised for the run (server and wrk need one descriptor per connection).
#
# Usage: bench/scale.sh
source "$(dirname "$0")/lib.sh"

need_commands wrk nginx curl
build_release -p generated-example
connections="${BENCH_SCALE_CONNECTIONS:-1024}"
# Every connection is a descriptor in wrk and in the server, and one upstream; room to spare.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((connections * 3)) ]; then
  echo "the open-file limit ($(ulimit -n)) is too low for $connections connections" >&2
  exit 2
fi

upstream_port=$BENCH_PORT_BASE
rest_port=$((BENCH_PORT_BASE + 1))
mcp_port=$((BENCH_PORT_BASE + 2))
require_free_ports "$upstream_port" "$rest_port" "$mcp_port"
start_upstream "$upstream_port"
start_generated "$rest_port" "$mcp_port" "$upstream_port"
ours_pid=$LAST_PID

run_id=01KKNTCGA0T4V6X9B2C5D8F1GH
rest_url="http://127.0.0.1:$rest_port/v1/v1/runs/$run_id"
mcp_url="http://127.0.0.1:$mcp_port/mcp"
export BENCH_MCP_VERSION=2025-11-25
export BENCH_MCP_BODY="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get-function-run-status\",\"arguments\":{\"runId\":\"$run_id\"}}}"
call_script="$BENCH_ROOT/bench/wrk/mcp-call.lua"
[ "$(curl -sf "$rest_url")" = "$(curl -sf "http://127.0.0.1:$upstream_port/v1/runs/$run_id")" ] ||
  { echo "the server does not answer what the upstream does" >&2; exit 1; }

peak_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

sleep 1
echo "machine: $(machine_line)"
echo "wrk: ${BENCH_SECONDS}s per run, $connections connections; open-file limit $(ulimit -n)"
echo "idle RSS: $(rss_kib "$ours_pid") KiB"
printf '%-5s %6s %10s %9s %9s %12s %9s %14s\n' \
  kind c req/s p50_us p99_us cpu_us/req errors peak_rss_kib
for kind in rest mcp; do
  url="$rest_url" script=""
  if [ "$kind" = mcp ]; then
    url="$mcp_url" script="$call_script"
  fi
  line="$(run_wrk "$url" "$connections" "$ours_pid" "$script")"
  printf '%-5s %6s %10s %9s %9s %12s %9s %14s\n' "$kind" "$connections" \
    "$(field rps "$line")" "$(field p50_us "$line")" "$(field p99_us "$line")" \
    "$(field cpu_us_per_request "$line")" "$(field errors "$line")" "$(peak_kib "$ours_pid")"
done
