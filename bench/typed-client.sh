#!/usr/bin/env bash
# The typed client's own CPU cost per call against a hand-written reqwest call of the same
# request to the same loopback upstream (nginx serving a Run), same answer decoding (a
# `serde_json::Value`): `CALLS` sequential calls each (default 20000) on a current-thread
# runtime, the client process's CPU per call in µs. `typed` is the typed client on the default
# transport (hyper-util's pool); `typed-reqwest` the same typed client over a `reqwest::Client`
# handed in, the transport of the hand-written call (`reqwest`), so the gap between those two is
# the typed client's own work. Each round (BENCH_ROUNDS, default 2) runs all three in turn.
#
# TYPED_CLIENT_BINARY=<path> measures a kept build instead of building one.
#
# Usage: bench/typed-client.sh
source "$(dirname "$0")/lib.sh"

need_commands nginx
upstream_port=$BENCH_PORT_BASE
port_free "$upstream_port" || { echo "port $upstream_port is taken" >&2; exit 1; }
start_upstream "$upstream_port"

binary="${TYPED_CLIENT_BINARY:-$BENCH_ROOT/target/release/examples/typed_client_cost}"
if [ -z "${TYPED_CLIENT_BINARY:-}" ]; then
  log "cargo build --release -p naftiko-tests --example typed_client_cost"
  (cd "$BENCH_ROOT" && cargo build --release -q -p naftiko-tests --example typed_client_cost)
fi

hz="$(getconf CLK_TCK)"
calls="${CALLS:-20000}"
printf '%s\n' "$(machine_line)"
printf '%-14s %8s %14s %10s\n' client calls cpu_us_per_call wall_ms
for _ in $(seq "${BENCH_ROUNDS:-2}"); do
  UPSTREAM="http://127.0.0.1:$upstream_port" CALLS="$calls" \
    timeout 300 "$binary" | while read -r line; do
    printf '%-14s %8s %14s %10s\n' "$(field client "$line")" "$(field calls "$line")" \
      "$(awk -v t="$(field cpu_ticks "$line")" -v hz="$hz" -v n="$(field calls "$line")" \
        'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }')" "$(field wall_ms "$line")"
  done
done
