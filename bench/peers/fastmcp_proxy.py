"""The MCP peer of bench/mcp.sh: FastMCP serving the seed's get-function-run-status tool by
proxying the same upstream with httpx, written the way the FastMCP documentation shows.

Usage: python fastmcp_proxy.py PORT UPSTREAM_BASE_URL
"""

import sys
from urllib.parse import quote

import httpx
from fastmcp import FastMCP

port = int(sys.argv[1])
upstream = httpx.AsyncClient(
    base_url=sys.argv[2],
    headers={"Authorization": "Bearer signkey-bench-00"},
    timeout=30.0,
)
mcp = FastMCP("inngest-runs-mcp")


@mcp.tool(
    name="get-function-run-status",
    description="Get function run status",
    annotations={"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True},
)
async def get_function_run_status(runId: str) -> dict:
    response = await upstream.get(f"/v1/runs/{quote(runId, safe='')}")
    response.raise_for_status()
    return response.json()


if __name__ == "__main__":
    mcp.run(
        transport="http",
        host="127.0.0.1",
        port=port,
        path="/mcp",
        stateless_http=True,
        json_response=True,
        show_banner=False,
        log_level="warning",
    )
