-- Loaded by every wrk run of bench/: runs the request script named by BENCH_WRK_SCRIPT (when
-- set), then prints one machine-readable line the shell scripts parse.
local script = os.getenv("BENCH_WRK_SCRIPT")
if script and script ~= "" then
  dofile(script)
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "requests=%d seconds=%.3f rps=%.0f p50_us=%d p99_us=%d errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
