#!/usr/bin/env bash
# REST proxy, side by side in one run: wrk against
#   1. the upstream direct (nginx serving a Run of the Inngest contract),
#   2. nginx proxy_pass to that upstream (keep-alive upstream, workers = cores),
#   3. the seed's generated server (generated-example, release) on its GET route,
# at each concurrency in BENCH_CONNECTIONS (default "32"), BENCH_SECONDS each (default 10).
# Prints requests/s, p50/p99, CPU time per request of the proxy process (user + system, all
# its threads and worker processes), and the ratios against nginx.
#
# Usage: bench/rest-proxy.sh            (BENCH_CONNECTIONS="1 32" for both)
source "$(dirname "$0")/lib.sh"

need_commands wrk nginx curl
build_release -p generated-example

upstream_port=$BENCH_PORT_BASE
nginx_port=$((BENCH_PORT_BASE + 1))
ours_port=$((BENCH_PORT_BASE + 2))
ours_mcp_port=$((BENCH_PORT_BASE + 3))
require_free_ports "$upstream_port" "$nginx_port" "$ours_port" "$ours_mcp_port"

start_upstream "$upstream_port"
upstream_pid=$LAST_PID
start_nginx_proxy "$nginx_port" "$upstream_port"
nginx_pid=$LAST_PID
start_generated "$ours_port" "$ours_mcp_port" "$upstream_port"
ours_pid=$LAST_PID

run_id=01KKNTCGA0T4V6X9B2C5D8F1GH
direct_url="http://127.0.0.1:$upstream_port/v1/runs/$run_id"
nginx_url="http://127.0.0.1:$nginx_port/v1/v1/runs/$run_id"
ours_url="http://127.0.0.1:$ours_port/v1/v1/runs/$run_id"

# The three must answer the same bytes, or the comparison means nothing.
expected="$(curl -sf "$direct_url")"
for url in "$nginx_url" "$ours_url"; do
  if [ "$(curl -sf "$url")" != "$expected" ]; then
    echo "$url does not answer what the upstream does" >&2
    exit 1
  fi
done

echo "machine: $(machine_line)"
echo "wrk: ${BENCH_SECONDS}s per run, GET $ours_url"
printf '%-4s %-22s %10s %9s %9s %12s %11s %9s\n' \
  c peer req/s p50_us p99_us cpu_us/req vs_nginx errors
for connections in ${BENCH_CONNECTIONS:-32}; do
  # A short warm-up of every peer (pools filled, caches warm), not measured.
  for url in "$direct_url" "$nginx_url" "$ours_url"; do
    BENCH_SECONDS=1 run_wrk "$url" "$connections" >/dev/null
  done
  direct="$(run_wrk "$direct_url" "$connections" "$upstream_pid")"
  nginx="$(run_wrk "$nginx_url" "$connections" "$nginx_pid")"
  ours="$(run_wrk "$ours_url" "$connections" "$ours_pid")"
  nginx_rps="$(field rps "$nginx")"
  for row in "upstream-direct:$direct" "nginx-proxy_pass:$nginx" "generated-example:$ours"; do
    print_row "$connections" 22 "${row%%:*}" "${row#*:}" "$nginx_rps"
  done
  printf '%-4s added p99 over direct: nginx %s us, generated-example %s us\n' "$connections" \
    $(($(field p99_us "$nginx") - $(field p99_us "$direct"))) \
    $(($(field p99_us "$ours") - $(field p99_us "$direct")))
done
