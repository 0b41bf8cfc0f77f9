"""Drive generated-example's MCP server with the official Python MCP SDK (PyPI `mcp`).

Usage:
  mcp_sdk_check.py --url http://127.0.0.1:PORT/mcp --mode legacy|2026-07-28
  mcp_sdk_check.py --stdio BINARY [ARG ...]

Checks what a real client sees: the seed's three tools with their annotations and a required
string `runId`; a call that returns the run as structured content and as text; an upstream 500
(unknown run) as a tool error; a bad argument as a tool error. Prints one JSON line with what it
saw and exits non-zero on the first failed check.
"""

import argparse
import asyncio
import json
import sys

from mcp import Client, StdioServerParameters

RUNNING = "01KKNTCGA0T4V6X9B2C5D8F1GH"
MISSING = "01KKQCNS00R7X2M4Q9W3E5T8YZ"
EXPECTED_TOOLS = {"get-function-run-status", "cancel-function-run", "list-jobs-steps-run"}


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


async def run(target, mode):
    seen = {}
    async with Client(target, mode=mode, read_timeout_seconds=20) as client:
        seen["protocol"] = client.protocol_version
        tools = {t.name: t for t in (await client.list_tools()).tools}
        seen["tools"] = sorted(tools)
        check(set(tools) == EXPECTED_TOOLS, f"tool names {sorted(tools)}")
        get = tools["get-function-run-status"]
        ann = get.annotations
        check(ann is not None and ann.read_only_hint is True and ann.destructive_hint is False
              and ann.idempotent_hint is True and ann.open_world_hint is True, f"annotations {ann}")
        cancel_ann = tools["cancel-function-run"].annotations
        check(cancel_ann.read_only_hint is False and cancel_ann.idempotent_hint is False, f"cancel annotations {cancel_ann}")
        schema = get.input_schema
        check(schema.get("required") == ["runId"], f"required {schema.get('required')}")
        check(schema["properties"]["runId"]["type"] == "string", f"runId type {schema['properties']}")

        result = await client.call_tool("get-function-run-status", {"runId": RUNNING})
        check(not result.is_error, f"call failed: {result}")
        structured = result.structured_content
        check(structured["data"]["run_id"] == RUNNING, f"structured {structured}")
        check(structured["data"]["status"] in ("Running", "Cancelled"), f"status {structured}")
        text = json.loads(result.content[0].text)
        check(text == structured, "text block equals structured content")
        seen["status"] = structured["data"]["status"]

        missing = await client.call_tool("get-function-run-status", {"runId": MISSING})
        check(missing.is_error, f"unknown run should be a tool error: {missing}")
        check("500" in missing.content[0].text, f"error names the status: {missing.content[0].text}")

        bad = await client.call_tool("get-function-run-status", {"runId": 42, "extra": True})
        check(bad.is_error, f"bad arguments should be a tool error: {bad}")
        seen["ok"] = True
    print(json.dumps(seen))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url")
    p.add_argument("--mode", default="auto")
    p.add_argument("--stdio", nargs=argparse.REMAINDER)
    a = p.parse_args()
    if a.stdio:
        target = StdioServerParameters(command=a.stdio[0], args=a.stdio[1:])
    else:
        target = a.url
    asyncio.run(asyncio.wait_for(run(target, a.mode), timeout=60))


if __name__ == "__main__":
    main()
