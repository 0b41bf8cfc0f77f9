#!/usr/bin/env bash
# MCP tools/call, side by side in one run: the seed's generated server (generated-example,
# release) against a FastMCP server (bench/peers/fastmcp_proxy.py) that proxies the same
# upstream with httpx, at concurrency 1 and 32 (BENCH_CONNECTIONS), BENCH_SECONDS each.
# Both are stateless Streamable HTTP answering plain JSON, so every request is one
# self-contained JSON-RPC tools/call POST (wrk + bench/wrk/mcp-call.lua). The generated
# server's own REST route to the same upstream runs too, for the MCP/REST ratio.
#
# Usage: bench/mcp.sh
source "$(dirname "$0")/lib.sh"

need_commands wrk nginx curl
build_release -p generated-example
python="$(python_env fastmcp httpx)"

upstream_port=$BENCH_PORT_BASE
ours_rest_port=$((BENCH_PORT_BASE + 2))
ours_mcp_port=$((BENCH_PORT_BASE + 3))
fastmcp_port=$((BENCH_PORT_BASE + 4))
require_free_ports "$upstream_port" "$ours_rest_port" "$ours_mcp_port" "$fastmcp_port"

start_upstream "$upstream_port"
start_generated "$ours_rest_port" "$ours_mcp_port" "$upstream_port"
ours_pid=$LAST_PID
start_bg "$python" "$BENCH_ROOT/bench/peers/fastmcp_proxy.py" "$fastmcp_port" \
  "http://127.0.0.1:$upstream_port"
fastmcp_pid=$LAST_PID
wait_port "$fastmcp_port"

run_id=01KKNTCGA0T4V6X9B2C5D8F1GH
export BENCH_MCP_VERSION=2025-11-25
export BENCH_MCP_BODY="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get-function-run-status\",\"arguments\":{\"runId\":\"$run_id\"}}}"
ours_url="http://127.0.0.1:$ours_mcp_port/mcp"
fastmcp_url="http://127.0.0.1:$fastmcp_port/mcp"
rest_url="http://127.0.0.1:$ours_rest_port/v1/v1/runs/$run_id"
call_script="$BENCH_ROOT/bench/wrk/mcp-call.lua"

# Each server must answer the call with the run (not an error result) before it is timed.
for url in "$ours_url" "$fastmcp_url"; do
  answer="$(curl -sf -X POST "$url" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -H "MCP-Protocol-Version: $BENCH_MCP_VERSION" -d "$BENCH_MCP_BODY")"
  if ! grep -q "$run_id" <<<"$answer" || grep -q '"isError":true' <<<"$answer"; then
    echo "$url did not answer the call with the run: $answer" >&2
    exit 1
  fi
done

echo "machine: $(machine_line)"
echo "wrk: ${BENCH_SECONDS}s per run, tools/call get-function-run-status"
printf '%-4s %-24s %10s %9s %9s %12s %11s %9s\n' \
  c peer calls/s p50_us p99_us cpu_us/call vs_fastmcp errors
for connections in ${BENCH_CONNECTIONS:-1 32}; do
  for url in "$ours_url" "$fastmcp_url"; do
    BENCH_SECONDS=1 run_wrk "$url" "$connections" "" "$call_script" >/dev/null
  done
  ours="$(run_wrk "$ours_url" "$connections" "$ours_pid" "$call_script")"
  fastmcp="$(run_wrk "$fastmcp_url" "$connections" "$fastmcp_pid" "$call_script")"
  rest="$(run_wrk "$rest_url" "$connections" "$ours_pid")"
  fastmcp_rps="$(field rps "$fastmcp")"
  for row in "generated-example-mcp:$ours" "fastmcp:$fastmcp" "generated-example-rest:$rest"; do
    print_row "$connections" 24 "${row%%:*}" "${row#*:}" "$fastmcp_rps"
  done
  printf '%-4s generated MCP / generated REST: %s\n' "$connections" \
    "$(ratio "$(field rps "$ours")" "$(field rps "$rest")")"
done
