#!/usr/bin/env bash
# User-space instructions per request of two builds of the seed's server, counted by valgrind's
# callgrind: the same fixed number of requests, one keep-alive connection, each build run twice
# (BENCH_REQUESTS_FEW and BENCH_REQUESTS_MANY requests) so that start-up and shut-down cancel
# out: per request = (many − few) / (MANY − FEW). On a virtual machine without hardware
# counters and with noisy neighbours, CPU time per request moves by ±8 % between runs of the
# same binary; an instruction count moves by well under 1 %, so it can judge a change too small
# for `ab.sh` to see. It counts only this process's user space: the kernel's share (about half
# of a proxied request) and time spent waiting are not in it, so it says what a change saves,
# not what a request costs.
#
# Each build's profile is kept (target/bench-instructions/{a,b}-many.out) for
# `callgrind_annotate --inclusive=yes FILE | head -60`.
#
# Usage: bench/instructions.sh A_BINARY B_BINARY [rest|mcp]
source "$(dirname "$0")/lib.sh"
# A failure inside `$(…)` (a request that failed) stops the script instead of printing a ratio.
shopt -s inherit_errexit

[ "$#" -ge 2 ] || { echo "usage: bench/instructions.sh A_BINARY B_BINARY [rest|mcp]" >&2; exit 2; }
need_commands valgrind callgrind_annotate nginx curl
kind="${3:-rest}"
few="${BENCH_REQUESTS_FEW:-200}"
many="${BENCH_REQUESTS_MANY:-1200}"
upstream_port=$BENCH_PORT_BASE
rest_port=$((upstream_port + 1))
mcp_port=$((upstream_port + 2))
require_free_ports "$upstream_port" "$rest_port" "$mcp_port"
start_upstream "$upstream_port"
out="$BENCH_ROOT/target/bench-instructions"
mkdir -p "$out"

run_id=01KKNTCGA0T4V6X9B2C5D8F1GH
body="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get-function-run-status\",\"arguments\":{\"runId\":\"$run_id\"}}}"
printf '%s' "$body" >"$BENCH_TMP/call.json"
# A curl config asking for the same URL N times over one connection.
requests_config() {
  local count="$1" file="$BENCH_TMP/requests-$1-$kind"
  : >"$file"
  for _ in $(seq 1 "$count"); do
    if [ "$kind" = mcp ]; then
      printf 'url = "http://127.0.0.1:%s/mcp"\nheader = "Content-Type: application/json"\nheader = "Accept: application/json, text/event-stream"\nheader = "MCP-Protocol-Version: 2025-11-25"\ndata-binary = "@%s"\noutput = "/dev/null"\nnext\n' \
        "$mcp_port" "$BENCH_TMP/call.json" >>"$file"
    else
      printf 'url = "http://127.0.0.1:%s/v1/v1/runs/%s"\noutput = "/dev/null"\n' \
        "$rest_port" "$run_id" >>"$file"
    fi
  done
  # `next` separates requests; after the last one it would start an empty one.
  [ "$kind" = mcp ] && sed -i '$ d' "$file"
  echo "$file"
}

# instructions BINARY LABEL COUNT: the total instructions of one run serving COUNT requests.
instructions() {
  local binary="$1" label="$2" count="$3" config pid
  config="$(requests_config "$count")"
  INNGEST_RUNS_BASE_URL="http://127.0.0.1:$upstream_port" \
    INNGEST_API_KEY="signkey-bench-00" \
    INNGEST_RUNS_REST_ADDR="127.0.0.1:$rest_port" \
    INNGEST_RUNS_MCP_ADDR="127.0.0.1:$mcp_port" \
    NAFTIKO_WORKERS=1 \
    valgrind --tool=callgrind --callgrind-out-file="$out/$label.out" "$binary" \
    >/dev/null 2>"$BENCH_TMP/valgrind-$label.log" &
  pid=$!
  wait_port_long "$rest_port"
  wait_port_long "$mcp_port"
  # The TLS roots load on a thread of their own as the server starts (about 16 M instructions);
  # both counts must hold all of that, so it is given time to end before any request.
  sleep 2
  curl -sf -K "$config" || { echo "$label: a request failed" >&2; kill "$pid"; exit 1; }
  kill -INT "$pid"
  wait "$pid" || true
  sed -n 's/^summary: //p; s/^totals: //p' "$out/$label.out" | head -1
}

# valgrind starts a server in seconds, not milliseconds.
wait_port_long() {
  local tries=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -lt 600 ] || { echo "nothing listens on $1 after 60 s" >&2; exit 1; }
    sleep 0.1
  done
}

echo "machine: $(machine_line)"
echo "A: $1"
echo "B: $2"
printf '%-5s %-3s %16s %16s %14s\n' kind ab "instr ($few)" "instr ($many)" instr/request
per_request() {
  local binary="$1" label="$2" small large
  small="$(instructions "$binary" "$label-few" "$few")"
  large="$(instructions "$binary" "$label-many" "$many")"
  awk -v s="$small" -v l="$large" -v f="$few" -v m="$many" 'BEGIN { printf "%.0f\n", (l - s) / (m - f) }'
  printf '%-5s %-3s %16s %16s\n' "$kind" "$label" "$small" "$large" >&2
}
a="$(per_request "$1" a)"
b="$(per_request "$2" b)"
printf "%-5s per request: A %s, B %s, B/A %s\n" "$kind" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b / a }')"
