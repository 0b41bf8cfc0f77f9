# Shared helpers of the bench/ scripts. Source it; do not run it.
#
# Everything here listens on 127.0.0.1 only, every load run is bounded by a duration and an
# outer `timeout`, and every process a script starts is stopped by the EXIT trap (by its id).
# The scripts install what they need with the ordinary package clients; they are not CI.

set -euo pipefail

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_TOOLS="$BENCH_ROOT/target/bench-tools"
# Load runs: seconds each (override with BENCH_SECONDS=…); `timeout` stops wrk for good
# should it ever overrun.
BENCH_SECONDS="${BENCH_SECONDS:-10}"
BENCH_PORT_BASE="${BENCH_PORT_BASE:-18080}"
BENCH_TMP="$(mktemp -d -t naftiko-bench.XXXXXX)"
# nginx workers run as an unprivileged user and read the upstream's file from here.
chmod 755 "$BENCH_TMP"
BENCH_PIDS=()

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$BENCH_TMP"
}
trap bench_cleanup EXIT

log() { printf '== %s\n' "$*" >&2; }

# Installs the Debian packages that provide the named commands, when missing.
need_commands() {
  local missing=() command package
  for command in "$@"; do
    command -v "$command" >/dev/null 2>&1 && continue
    case "$command" in
      nginx) package=nginx-light ;;
      perf) package=linux-perf ;;
      /usr/bin/time) package=time ;;
      callgrind_annotate) package=valgrind ;;
      *) package="$command" ;;
    esac
    missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# A Python virtual environment under target/bench-tools with the named packages.
python_env() {
  local venv="$BENCH_TOOLS/venv"
  if [ ! -x "$venv/bin/python" ]; then
    mkdir -p "$BENCH_TOOLS"
    python3 -m venv "$venv"
  fi
  if ! "$venv/bin/python" -c "import fastmcp, httpx" 2>/dev/null; then
    log "installing $*"
    "$venv/bin/pip" install -q "$@"
  fi
  printf '%s\n' "$venv/bin/python"
}

# The seed server's binary: BENCH_BINARY when set (a build kept aside; nothing is built then),
# else the workspace's release build.
GENERATED_BINARY="${BENCH_BINARY:-$BENCH_ROOT/target/release/generated-example}"

build_release() {
  if [ -n "${BENCH_BINARY:-}" ] && [ "$*" = "-p generated-example" ]; then
    log "using BENCH_BINARY=$BENCH_BINARY (not building)"
    return
  fi
  log "cargo build --release $*"
  (cd "$BENCH_ROOT" && cargo build --release -q "$@")
}

# Waits (at most 10 s) until something accepts connections on 127.0.0.1:$1.
wait_port() {
  local port="$1" tries=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 1000 ]; then
      echo "nothing listens on 127.0.0.1:$port after 10 s" >&2
      return 1
    fi
    sleep 0.01
  done
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Stops the script when any of the given ports is taken.
require_free_ports() {
  local port
  for port in "$@"; do
    port_free "$port" || { echo "port $port is taken; set BENCH_PORT_BASE" >&2; exit 2; }
  done
}

# Starts a process in the background, remembers its id for the EXIT trap, prints the id.
start_bg() {
  "$@" &
  BENCH_PIDS+=("$!")
  LAST_PID="$!"
}

# The fixed, fast upstream: nginx serving a Run of the Inngest contract at
# GET /v1/runs/{id} (any id), one worker, keep-alive without a request limit; it also takes
# OTLP/HTTP exports at /v1/traces and /v1/metrics and drops them.
start_upstream() {
  local port="$1" dir="$BENCH_TMP/upstream"
  mkdir -p "$dir/www"
  cat >"$dir/www/run.json" <<'JSON'
{"data":{"run_id":"01KKNTCGA0T4V6X9B2C5D8F1GH","run_started_at":"2026-03-14T09:21:07.412Z","function_id":"3f1c9a6e-2b7d-4e58-9a0c-7d41e6b2f915","function_version":7,"environment_id":"b84e2d10-5c3a-4f9e-8e21-0a6c93d4e7b2","event_id":"01KKNTCG9HN1P8R5T7W0A3C6EJ","status":"Completed","ended_at":"2026-03-14T09:21:09.087Z","output":{"invoiceId":"inv_4471","emailed":true}},"metadata":{"fetched_at":"2026-03-14T09:21:10.000Z","cached_until":"2026-03-14T09:21:13.000Z"}}
JSON
  nginx_config "$dir" 1 "
    server {
      listen 127.0.0.1:$port;
      keepalive_requests 1000000;
      root $dir/www;
      open_file_cache max=16;
      location ~ ^/v1/runs/[^/]+\$ {
        default_type application/json;
        try_files /run.json =404;
      }
      # An OTLP/HTTP sink for benches with OpenTelemetry on: exports accepted and discarded
      # (an empty protobuf message is a full success).
      location ~ ^/v1/(traces|metrics)\$ {
        client_max_body_size 64m;
        default_type application/x-protobuf;
        return 200 '';
      }
    }"
  start_nginx "$dir"
  wait_port "$port"
}

# nginx as a reverse proxy of the seed's GET route, the way one would write it by hand:
# /v1/v1/runs/{id} → upstream /v1/runs/{id} with the bearer token, pooled keep-alive
# connections upstream, workers = cores (or $3).
start_nginx_proxy() {
  local port="$1" upstream_port="$2" workers="${3:-auto}" dir="$BENCH_TMP/nginx-proxy-$1"
  mkdir -p "$dir"
  nginx_config "$dir" "$workers" "
    upstream inngest {
      server 127.0.0.1:$upstream_port;
      keepalive 64;
      keepalive_requests 1000000;
    }
    server {
      listen 127.0.0.1:$port;
      keepalive_requests 1000000;
      location /v1/v1/runs/ {
        rewrite ^/v1(/v1/runs/[^/]+)\$ \$1 break;
        proxy_pass http://inngest;
        proxy_http_version 1.1;
        proxy_set_header Connection \"\";
        proxy_set_header Authorization \"Bearer signkey-bench-00\";
      }
    }"
  start_nginx "$dir"
  wait_port "$port"
}

nginx_config() {
  local dir="$1" workers="$2" http_block="$3"
  cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  $http_block
}
CONF
}

start_nginx() {
  local dir="$1"
  start_bg nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
}

# The seed server (release build), REST on $1, MCP on $2, calling the upstream on $3.
start_generated() {
  local rest_port="$1" mcp_port="$2" upstream_port="$3"
  INNGEST_RUNS_BASE_URL="http://127.0.0.1:$upstream_port" \
    INNGEST_API_KEY="signkey-bench-00" \
    INNGEST_RUNS_REST_ADDR="127.0.0.1:$rest_port" \
    INNGEST_RUNS_MCP_ADDR="127.0.0.1:$mcp_port" \
    start_bg "$GENERATED_BINARY" >/dev/null 2>"$BENCH_TMP/generated.log"
  wait_port "$rest_port"
  wait_port "$mcp_port"
}

# User + system CPU of a process and its children, in clock ticks.
cpu_ticks() {
  local total=0 pid fields
  for pid in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$pid/stat" ] || continue
    # Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
    fields="$(sed 's/^.*) //' "/proc/$pid/stat")"
    total=$((total + $(awk '{print $12 + $13}' <<<"$fields")))
  done
  printf '%s\n' "$total"
}

# Resident memory of a process and its children, in KiB.
rss_kib() {
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    [ -r "/proc/$pid/status" ] || continue
    total=$((total + $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")))
  done
  printf '%s\n' "$total"
}

# Runs wrk against $url with $connections connections (and optional lua script $4) for
# BENCH_SECONDS with BENCH_WRK_THREADS wrk threads (default 2; 1 for one connection); prints one
# line `requests= seconds= rps= p50_us= p99_us= errors=`, plus `cpu_us_per_request=` of process
# $pid when given.
run_wrk() {
  local url="$1" connections="$2" pid="${3:-}" script="${4:-}"
  local threads="${BENCH_WRK_THREADS:-2}" before after out
  [ "$connections" -lt 2 ] && threads=1
  local args=(-t"$threads" -c"$connections" -d"${BENCH_SECONDS}s" --timeout 5s
    -s "$BENCH_ROOT/bench/wrk/report.lua")
  [ -n "$script" ] && export BENCH_WRK_SCRIPT="$script"
  [ -n "$pid" ] && before="$(cpu_ticks "$pid")"
  out="$(timeout $((BENCH_SECONDS + 20)) wrk "${args[@]}" "$url" | grep '^requests=')"
  if [ -n "$pid" ]; then
    after="$(cpu_ticks "$pid")"
    local ticks_per_s requests
    ticks_per_s="$(getconf CLK_TCK)"
    requests="$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$out")"
    out="$out cpu_us_per_request=$(awk -v t=$((after - before)) -v hz="$ticks_per_s" -v n="$requests" \
      'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }')"
  fi
  unset BENCH_WRK_SCRIPT
  printf '%s\n' "$out"
}

# field NAME LINE: the value of NAME=… in a result line.
field() {
  sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

# One table row of a run_wrk result: connections, name (padded to WIDTH), req/s, p50, p99,
# CPU per request, the ratio of its req/s to REFERENCE_RPS, errors.
print_row() { # CONNECTIONS WIDTH NAME LINE REFERENCE_RPS
  printf "%-4s %-${2}s %10s %9s %9s %12s %11s %9s\n" "$1" "$3" \
    "$(field rps "$4")" "$(field p50_us "$4")" "$(field p99_us "$4")" \
    "$(field cpu_us_per_request "$4")" "$(ratio "$(field rps "$4")" "$5")" \
    "$(field errors "$4")"
}

machine_line() {
  printf '%s, %s cores, %s, %s\n' "$(date -u +%Y-%m-%d)" "$(nproc)" \
    "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" "$(uname -sr)"
}
