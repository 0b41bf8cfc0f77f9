#!/usr/bin/env bash
# Footprint of the seed's generated server (generated-example, release):
#   - release binary size (as built, with line tables, and stripped);
#   - time from exec to the first accepted connection, REST and MCP ports (20 starts; median, min, max);
#   - resident memory idle (1 s after start), and the highest seen under wrk load on the REST
#     route and on MCP tools/call (c32, BENCH_SECONDS each), with nginx proxy_pass and FastMCP
#     measured the same way for comparison.
#
# Usage: bench/footprint.sh
source "$(dirname "$0")/lib.sh"

need_commands wrk nginx curl
build_release -p generated-example
python="$(python_env fastmcp httpx)"
binary="$GENERATED_BINARY"

upstream_port=$BENCH_PORT_BASE
nginx_port=$((BENCH_PORT_BASE + 1))
ours_port=$((BENCH_PORT_BASE + 2))
ours_mcp_port=$((BENCH_PORT_BASE + 3))
fastmcp_port=$((BENCH_PORT_BASE + 4))
require_free_ports "$upstream_port" "$nginx_port" "$ours_port" "$ours_mcp_port" "$fastmcp_port"

echo "machine: $(machine_line)"
strip -o "$BENCH_TMP/stripped" "$binary"
printf 'binary size: %s bytes as built (line tables), %s bytes stripped\n' \
  "$(stat -c %s "$binary")" "$(stat -c %s "$BENCH_TMP/stripped")"

start_upstream "$upstream_port"

# Start-up: exec to the first accepted connection, measured by a poller that starts the
# clock just before the exec.
"$python" - "$binary" "$upstream_port" "$ours_port" "$ours_mcp_port" <<'PY'
import os, socket, statistics, subprocess, sys, time

binary, upstream, rest, mcp = sys.argv[1], *map(int, sys.argv[2:])
env = dict(os.environ,
           INNGEST_RUNS_BASE_URL=f"http://127.0.0.1:{upstream}",
           INNGEST_API_KEY="signkey-bench-00",
           INNGEST_RUNS_REST_ADDR=f"127.0.0.1:{rest}",
           INNGEST_RUNS_MCP_ADDR=f"127.0.0.1:{mcp}")

def accepted(port):
    with socket.socket() as s:
        try:
            s.connect(("127.0.0.1", port))
            return True
        except OSError:
            return False

rest_ms, mcp_ms = [], []
for _ in range(20):
    start = time.perf_counter()
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        times = {}
        deadline = start + 10
        while len(times) < 2 and time.perf_counter() < deadline:
            for name, port in (("rest", rest), ("mcp", mcp)):
                if name not in times and accepted(port):
                    times[name] = (time.perf_counter() - start) * 1000
            time.sleep(0.0002)
        if len(times) < 2:
            sys.exit("the server did not listen within 10 s")
        rest_ms.append(times["rest"])
        mcp_ms.append(times["mcp"])
    finally:
        # A moment for the server to install its signal handlers, then stop it (and kill it
        # should it not stop).
        time.sleep(0.1)
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            print("note: the server ignored SIGTERM for 5 s; killed", file=sys.stderr)
            process.kill()
            process.wait(timeout=5)
for name, values in (("REST", rest_ms), ("MCP", mcp_ms)):
    print(f"start-up to first accepted connection, {name}: median {statistics.median(values):.1f} ms "
          f"(min {min(values):.1f}, max {max(values):.1f}, {len(values)} starts)")
PY

start_generated "$ours_port" "$ours_mcp_port" "$upstream_port"
ours_pid=$LAST_PID
start_nginx_proxy "$nginx_port" "$upstream_port"
nginx_pid=$LAST_PID
start_bg "$python" "$BENCH_ROOT/bench/peers/fastmcp_proxy.py" "$fastmcp_port" \
  "http://127.0.0.1:$upstream_port"
fastmcp_pid=$LAST_PID
wait_port "$fastmcp_port"
sleep 1
run_id=01KKNTCGA0T4V6X9B2C5D8F1GH
printf 'idle RSS: generated-example %s KiB, nginx proxy (master + workers) %s KiB, fastmcp %s KiB\n' \
  "$(rss_kib "$ours_pid")" "$(rss_kib "$nginx_pid")" "$(rss_kib "$fastmcp_pid")"

# The highest RSS of process $1 while wrk runs the rest of the arguments.
peak_rss_under_load() {
  local pid="$1" peak=0 sample
  shift
  run_wrk "$@" >"$BENCH_TMP/load.out" &
  local load=$!
  while kill -0 "$load" 2>/dev/null; do
    sample="$(rss_kib "$pid")"
    [ "$sample" -gt "$peak" ] && peak="$sample"
    sleep 0.2
  done
  wait "$load"
  printf '%s KiB (%s)\n' "$peak" "$(cat "$BENCH_TMP/load.out")"
}

export BENCH_MCP_VERSION=2025-11-25
export BENCH_MCP_BODY="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"get-function-run-status\",\"arguments\":{\"runId\":\"$run_id\"}}}"
echo "peak RSS under load (c32, ${BENCH_SECONDS}s):"
echo "  generated-example REST: $(peak_rss_under_load "$ours_pid" "http://127.0.0.1:$ours_port/v1/v1/runs/$run_id" 32)"
echo "  generated-example MCP:  $(peak_rss_under_load "$ours_pid" "http://127.0.0.1:$ours_mcp_port/mcp" 32 "" "$BENCH_ROOT/bench/wrk/mcp-call.lua")"
echo "  nginx proxy_pass:       $(peak_rss_under_load "$nginx_pid" "http://127.0.0.1:$nginx_port/v1/v1/runs/$run_id" 32)"
echo "  fastmcp:                $(peak_rss_under_load "$fastmcp_pid" "http://127.0.0.1:$fastmcp_port/mcp" 32 "" "$BENCH_ROOT/bench/wrk/mcp-call.lua")"
