//! generated-example's MCP server driven by clients we did not write: the official Python MCP
//! SDK (PyPI `mcp`) in both protocol eras and over stdio. The checks themselves are in
//! `tests/python/mcp_sdk_check.py`.

mod seed_server;

use std::process::Command;

fn python_check(tools: &std::path::Path, args: &[&str]) {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/mcp_sdk_check.py");
    let out = Command::new(seed_server::python(tools))
        .arg(&script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "python MCP SDK check failed ({args:?}):\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("\"ok\": true"), "{stdout}");
    eprintln!("python mcp {args:?}: {stdout}");
}

#[test]
fn python_sdk_lists_and_calls_tools_in_the_2025_11_25_era() {
    let Some(tools) = seed_server::tools("python MCP SDK (2025-11-25)") else {
        return;
    };
    let server = seed_server::start(&["--demo"], &[]);
    python_check(&tools, &["--url", &server.mcp_url, "--mode", "legacy"]);
}

#[test]
fn python_sdk_lists_and_calls_tools_in_the_2026_07_28_era() {
    let Some(tools) = seed_server::tools("python MCP SDK (2026-07-28)") else {
        return;
    };
    let server = seed_server::start(&["--demo"], &[]);
    python_check(&tools, &["--url", &server.mcp_url, "--mode", "2026-07-28"]);
}

#[test]
fn python_sdk_over_stdio() {
    let Some(tools) = seed_server::tools("python MCP SDK (stdio)") else {
        return;
    };
    let bin = seed_server::binary();
    python_check(
        &tools,
        &["--stdio", &bin.display().to_string(), "--demo", "--stdio"],
    );
}
