#!/usr/bin/env bash
# Two builds of the seed's server side by side in one run: A and B (paths to generated-example
# binaries, e.g. a copy of target/release/generated-example kept before a change) both call the
# same upstream; wrk alternates between them (A, B, A, B: BENCH_ROUNDS rounds, default 2) on the
# REST route and on MCP tools/call, at each concurrency in BENCH_CONNECTIONS (default "32").
# Prints req/s, p50/p99 and CPU µs per request of each, and B/A ratios; also the idle RSS of each.
# This is how a change is judged on a noisy machine: the same load, the same minute, ratios.
# BENCH_B_ENV adds environment to B alone, `@UPSTREAM@` standing for the upstream's address;
# e.g. OpenTelemetry on against the same build off:
#   BENCH_B_ENV='OTEL_EXPORTER_OTLP_ENDPOINT=http://@UPSTREAM@' bench/ab.sh BIN BIN
# (the upstream nginx takes the OTLP exports and drops them).
#
# Usage: bench/ab.sh A_BINARY B_BINARY
source "$(dirname "$0")/lib.sh"

[ "$#" -eq 2 ] || { echo "usage: bench/ab.sh A_BINARY B_BINARY" >&2; exit 2; }
need_commands wrk nginx curl
upstream_port=$BENCH_PORT_BASE
# shellcheck disable=SC2046 # one word per port.
require_free_ports $(seq "$upstream_port" $((upstream_port + 4)))
start_upstream "$upstream_port"

# start_server BINARY REST_PORT MCP_PORT [VAR=VALUE…]: like start_generated, for any binary.
start_server() {
  local binary="$1" rest_port="$2" mcp_port="$3"
  shift 3
  INNGEST_RUNS_BASE_URL="http://127.0.0.1:$upstream_port" \
    INNGEST_API_KEY="signkey-bench-00" \
    INNGEST_RUNS_REST_ADDR="127.0.0.1:$rest_port" \
    INNGEST_RUNS_MCP_ADDR="127.0.0.1:$mcp_port" \
    start_bg env "$@" "$binary" >/dev/null 2>>"$BENCH_TMP/servers.log"
  wait_port "$rest_port"
  wait_port "$mcp_port"
}
start_server "$1" $((upstream_port + 1)) $((upstream_port + 2))
a_pid=$LAST_PID
# shellcheck disable=SC2086 # BENCH_B_ENV is a list of VAR=VALUE words.
start_server "$2" $((upstream_port + 3)) $((upstream_port + 4)) ${BENCH_B_ENV:+${BENCH_B_ENV//@UPSTREAM@/127.0.0.1:$upstream_port}}
b_pid=$LAST_PID
sleep 1
echo "machine: $(machine_line)"
echo "A: $1"
echo "B: $2${BENCH_B_ENV:+ with $BENCH_B_ENV}"
printf 'idle RSS: A %s KiB, B %s KiB\n' "$(rss_kib "$a_pid")" "$(rss_kib "$b_pid")"

run_id=01KKNTCGA0T4V6X9B2C5D8F1GH
export BENCH_MCP_VERSION=2025-11-25
export BENCH_MCP_BODY="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get-function-run-status\",\"arguments\":{\"runId\":\"$run_id\"}}}"
call_script="$BENCH_ROOT/bench/wrk/mcp-call.lua"
url() { # url PEER(a|b) KIND(rest|mcp)
  local base=$((upstream_port + 1))
  [ "$1" = b ] && base=$((upstream_port + 3))
  if [ "$2" = rest ]; then
    echo "http://127.0.0.1:$base/v1/v1/runs/$run_id"
  else
    echo "http://127.0.0.1:$((base + 1))/mcp"
  fi
}
for peer in a b; do
  [ "$(curl -sf "$(url "$peer" rest)")" = "$(curl -sf "http://127.0.0.1:$upstream_port/v1/runs/$run_id")" ] ||
    { echo "$peer does not answer what the upstream does" >&2; exit 1; }
done

printf '%-4s %-5s %-6s %-2s %10s %9s %9s %12s\n' c kind round ab req/s p50_us p99_us cpu_us/req
for connections in ${BENCH_CONNECTIONS:-32}; do
  for kind in rest mcp; do
    script=""
    [ "$kind" = mcp ] && script="$call_script"
    for peer in a b; do
      BENCH_SECONDS=1 run_wrk "$(url "$peer" "$kind")" "$connections" "" "$script" >/dev/null
    done
    a_rps=0 b_rps=0 a_cpu=0 b_cpu=0
    for round in $(seq 1 "${BENCH_ROUNDS:-2}"); do
      for peer in a b; do
        pid=$a_pid
        [ "$peer" = b ] && pid=$b_pid
        line="$(run_wrk "$(url "$peer" "$kind")" "$connections" "$pid" "$script")"
        printf '%-4s %-5s %-6s %-2s %10s %9s %9s %12s\n' "$connections" "$kind" "$round" "$peer" \
          "$(field rps "$line")" "$(field p50_us "$line")" "$(field p99_us "$line")" \
          "$(field cpu_us_per_request "$line")"
        if [ "$peer" = a ]; then
          a_rps=$((a_rps + $(field rps "$line")))
          a_cpu="$(awk -v x="$a_cpu" -v y="$(field cpu_us_per_request "$line")" 'BEGIN { print x + y }')"
        else
          b_rps=$((b_rps + $(field rps "$line")))
          b_cpu="$(awk -v x="$b_cpu" -v y="$(field cpu_us_per_request "$line")" 'BEGIN { print x + y }')"
        fi
      done
    done
    printf '%-4s %-5s B/A: req/s %s, CPU per request %s\n' "$connections" "$kind" \
      "$(ratio "$b_rps" "$a_rps")" "$(ratio "$b_cpu" "$a_cpu")"
  done
done
