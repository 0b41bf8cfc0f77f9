#!/usr/bin/env bash
# Profiles the seed's generated server (release, line tables) under wrk load on its REST route
# (or MCP tools/call with `mcp`), with perf; prints the hottest symbols, flat and by caller.
#
# Usage: bench/profile.sh [rest|mcp] [perf report options…]
# The recording is kept as target/bench-profile/perf.data for `perf report -i …` afterwards.
source "$(dirname "$0")/lib.sh"

mode="${1:-rest}"
shift || true
need_commands wrk nginx perf
build_release -p generated-example

upstream_port=$BENCH_PORT_BASE
ours_port=$((BENCH_PORT_BASE + 2))
ours_mcp_port=$((BENCH_PORT_BASE + 3))
start_upstream "$upstream_port"
start_generated "$ours_port" "$ours_mcp_port" "$upstream_port"
ours_pid=$LAST_PID

run_id=01KKNTCGA0T4V6X9B2C5D8F1GH
script=""
if [ "$mode" = mcp ]; then
  url="http://127.0.0.1:$ours_mcp_port/mcp"
  script="$BENCH_ROOT/bench/wrk/mcp-call.lua"
  export BENCH_MCP_VERSION=2025-11-25
  export BENCH_MCP_BODY="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get-function-run-status\",\"arguments\":{\"runId\":\"$run_id\"}}}"
else
  url="http://127.0.0.1:$ours_port/v1/v1/runs/$run_id"
fi
out="$BENCH_ROOT/target/bench-profile"
mkdir -p "$out"
BENCH_SECONDS=1 run_wrk "$url" 32 "" "$script" >/dev/null
run_wrk "$url" 32 "$ours_pid" "$script" &
load=$!
sleep 1
perf record -q -F 1999 -g --call-graph dwarf,16384 -p "$ours_pid" -o "$out/perf.data" \
  -- sleep $((BENCH_SECONDS > 4 ? BENCH_SECONDS - 3 : 1)) 2>/dev/null
wait "$load"
perf report -i "$out/perf.data" --no-children --percent-limit 0.7 --stdio \
  --sort symbol -g none "$@" 2>/dev/null | grep -v '^$' | head -80
