#!/usr/bin/env bash
# The ceiling of the REST proxy, side by side in one run: wrk (-t1 -c32 unless
# BENCH_WRK_THREADS / BENCH_CONNECTIONS say otherwise, BENCH_SECONDS each) on the seed's GET
# route through
#   1. nginx proxy_pass with 1 worker (the reference every ratio is taken against),
#   2. nginx proxy_pass with 2 workers,
#   3. bare-proxy multi: a hyper server and hyper-util's pooled client, nothing else, on tokio's
#      multi-threaded runtime (bench/peers/bare-proxy),
#   4. bare-proxy per-core: the same code on one current_thread runtime per core, each with its
#      own SO_REUSEPORT listener and its own pool,
#   5. generated-example (release), as it starts by default,
#   6. generated-example with NAFTIKO_WORKERS=0: served on its own #[tokio::main] runtime,
# all calling the same upstream (nginx, 1 worker, serving a Run of the Inngest contract).
# Prints requests/s, p50/p99, CPU µs per request of the proxy (user + system of every thread and
# worker process, from /proc) and the ratio of requests/s to nginx with 1 worker; BENCH_RUNS
# rounds (default 2), each measuring every peer once, in the order above.
#
# Usage: bench/ceiling.sh
source "$(dirname "$0")/lib.sh"

need_commands wrk nginx curl
build_release -p generated-example
BARE_PROXY="${BARE_PROXY_BINARY:-$BENCH_ROOT/target/release/bare-proxy}"
if [ -z "${BARE_PROXY_BINARY:-}" ]; then
  build_release -p bare-proxy
fi
export BENCH_WRK_THREADS="${BENCH_WRK_THREADS:-1}"

upstream_port=$BENCH_PORT_BASE
nginx1_port=$((BENCH_PORT_BASE + 1))
nginx2_port=$((BENCH_PORT_BASE + 2))
multi_port=$((BENCH_PORT_BASE + 3))
per_core_port=$((BENCH_PORT_BASE + 4))
ours_port=$((BENCH_PORT_BASE + 5))
ours_mcp_port=$((BENCH_PORT_BASE + 6))
caller_port=$((BENCH_PORT_BASE + 7))
caller_mcp_port=$((BENCH_PORT_BASE + 8))
# shellcheck disable=SC2046 # one word per port.
require_free_ports $(seq "$upstream_port" "$caller_mcp_port")

start_upstream "$upstream_port"
start_nginx_proxy "$nginx1_port" "$upstream_port" 1
nginx1_pid=$LAST_PID
start_nginx_proxy "$nginx2_port" "$upstream_port" 2
nginx2_pid=$LAST_PID
start_bg "$BARE_PROXY" multi "127.0.0.1:$multi_port" "127.0.0.1:$upstream_port"
multi_pid=$LAST_PID
wait_port "$multi_port"
start_bg "$BARE_PROXY" per-core "127.0.0.1:$per_core_port" "127.0.0.1:$upstream_port"
per_core_pid=$LAST_PID
wait_port "$per_core_port"
start_generated "$ours_port" "$ours_mcp_port" "$upstream_port"
ours_pid=$LAST_PID
NAFTIKO_WORKERS=0 start_generated "$caller_port" "$caller_mcp_port" "$upstream_port"
caller_pid=$LAST_PID

run_id=01KKNTCGA0T4V6X9B2C5D8F1GH
route="/v1/v1/runs/$run_id"
peers=(
  "nginx-1-worker:$nginx1_port:$nginx1_pid"
  "nginx-2-workers:$nginx2_port:$nginx2_pid"
  "bare-hyper-multi-thread:$multi_port:$multi_pid"
  "bare-hyper-per-core:$per_core_port:$per_core_pid"
  "generated-example:$ours_port:$ours_pid"
  "generated-example-W0:$caller_port:$caller_pid"
)

# Every proxy must answer what the upstream does, or the comparison means nothing.
expected="$(curl -sf "http://127.0.0.1:$upstream_port/v1/runs/$run_id")"
for peer in "${peers[@]}"; do
  IFS=: read -r name port _ <<<"$peer"
  if [ "$(curl -sf "http://127.0.0.1:$port$route")" != "$expected" ]; then
    echo "$name does not answer what the upstream does" >&2
    exit 1
  fi
done

echo "machine: $(machine_line)"
echo "wrk: -t$BENCH_WRK_THREADS, ${BENCH_SECONDS}s per run, GET $route; W0 = NAFTIKO_WORKERS=0"
printf '%-4s %-24s %10s %9s %9s %12s %11s %9s\n' \
  c peer req/s p50_us p99_us cpu_us/req vs_nginx1 errors
for connections in ${BENCH_CONNECTIONS:-32}; do
  for round in $(seq 1 "${BENCH_RUNS:-2}"); do
    echo "-- run $round"
    # A short warm-up of every peer (pools filled, caches warm), not measured.
    for peer in "${peers[@]}"; do
      IFS=: read -r _ port _ <<<"$peer"
      BENCH_SECONDS=1 run_wrk "http://127.0.0.1:$port$route" "$connections" >/dev/null
    done
    reference=""
    for peer in "${peers[@]}"; do
      IFS=: read -r name port pid <<<"$peer"
      line="$(run_wrk "http://127.0.0.1:$port$route" "$connections" "$pid")"
      [ -z "$reference" ] && reference="$(field rps "$line")"
      print_row "$connections" 24 "$name" "$line" "$reference"
    done
  done
done
