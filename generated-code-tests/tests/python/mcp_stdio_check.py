"""Drive a generated server's stdio MCP adapter with the official Python MCP SDK (PyPI `mcp`).

Usage: mcp_stdio_check.py BINARY

The SDK starts BINARY as a child process and speaks MCP on its stdin/stdout, as local clients
do. Checks the one tool of `fixtures/mcp-stdio.yaml` is listed and answers `{"pong": true}`;
prints one JSON line with what it saw and exits non-zero on the first failed check.
"""

import asyncio
import json
import os
import sys

from mcp import Client, StdioServerParameters


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


async def run(binary):
    seen = {}
    # The child inherits LOCAL_REST_ADDR (a free port) from this process.
    target = StdioServerParameters(command=binary, args=[], env=dict(os.environ))
    async with Client(target, read_timeout_seconds=20) as client:
        seen["protocol"] = client.protocol_version
        tools = [t.name for t in (await client.list_tools()).tools]
        seen["tools"] = tools
        check(tools == ["ping"], f"tool names {tools}")
        result = await client.call_tool("ping", {})
        check(not result.is_error, f"call failed: {result}")
        check(result.structured_content == {"pong": True}, f"structured {result.structured_content}")
        check(json.loads(result.content[0].text) == {"pong": True}, f"text {result.content}")
        seen["ok"] = True
    print(json.dumps(seen))


def main():
    asyncio.run(asyncio.wait_for(run(sys.argv[1]), timeout=60))


if __name__ == "__main__":
    main()
