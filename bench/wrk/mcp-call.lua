-- One MCP tools/call per request over Streamable HTTP, stateless, JSON answers: the body is
-- BENCH_MCP_BODY (a JSON-RPC request), the protocol revision BENCH_MCP_VERSION.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_MCP_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
local version = os.getenv("BENCH_MCP_VERSION")
if version and version ~= "" then
  wrk.headers["MCP-Protocol-Version"] = version
end
