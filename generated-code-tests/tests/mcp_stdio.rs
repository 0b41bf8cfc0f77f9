//! A capability whose MCP adapter declares `transport: stdio`, compiled and served by
//! `Capability::serve` (`src/bin/mcp-stdio-server.rs`), driven the way local MCP clients drive
//! it: started as a child process and spoken to over its stdin and stdout. Stdout must carry
//! nothing but the protocol while the REST adapter of the same spec serves over HTTP and both
//! log; closing stdin ends the process.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(20);

/// The server process, killed if a test ends early.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Each line the server writes to stdout.
    lines: mpsc::Receiver<String>,
    rest_port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

fn start() -> Server {
    let rest_port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-stdio-server"))
        .env("LOCAL_REST_ADDR", format!("127.0.0.1:{rest_port}"))
        .env("RUST_LOG", "info")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the stdio server: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| unreachable!());
    let (send, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let stdin = child.stdin.take();
    Server {
        child,
        stdin,
        lines,
        rest_port,
    }
}

impl Server {
    fn send(&mut self, message: serde_json::Value) {
        let stdin = self.stdin.as_mut().unwrap_or_else(|| unreachable!());
        writeln!(stdin, "{message}").unwrap_or_else(|e| panic!("write to stdin: {e}"));
        stdin.flush().unwrap_or_else(|e| panic!("flush stdin: {e}"));
    }

    /// The next line of stdout, which must be one JSON-RPC message.
    fn receive(&self) -> serde_json::Value {
        let line = self
            .lines
            .recv_timeout(LIMIT)
            .unwrap_or_else(|e| panic!("no answer on stdout: {e}"));
        let message: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| {
            panic!("stdout carried something else than JSON-RPC ({e}): {line}")
        });
        assert_eq!(message["jsonrpc"], "2.0", "{line}");
        message
    }

    fn request(&mut self, id: u64, method: &str, params: serde_json::Value) -> serde_json::Value {
        self.send(
            serde_json::json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        );
        let answer = self.receive();
        assert_eq!(answer["id"], id, "{answer}");
        answer
    }

    /// Closes stdin and waits (bounded) for the process to exit; its exit status and stderr.
    fn finish(mut self) -> (std::process::ExitStatus, String) {
        drop(self.stdin.take());
        let deadline = Instant::now() + LIMIT;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Ok(None) => panic!("the server did not exit once stdin closed"),
                Err(e) => panic!("waiting for the server: {e}"),
            }
        };
        // Whatever it wrote to stdout after the last answer must be protocol too.
        while let Ok(line) = self.lines.try_recv() {
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(&line);
            assert!(parsed.is_ok(), "stdout carried something else: {line}");
        }
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        (status, stderr)
    }
}

#[test]
fn a_stdio_adapter_speaks_json_rpc_on_stdout_while_rest_serves_over_http() {
    let mut server = start();
    let init = server.request(
        1,
        "initialize",
        serde_json::json!({
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "naftiko-tests", "version": "0"}
        }),
    );
    assert_eq!(
        init["result"]["instructions"], "Answers pings on stdio.",
        "{init}"
    );
    server.send(serde_json::json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    let tools = server.request(2, "tools/list", serde_json::json!({}));
    let names: Vec<&str> = tools["result"]["tools"]
        .as_array()
        .map(|tools| tools.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["ping"], "{tools}");
    let call = server.request(
        3,
        "tools/call",
        serde_json::json!({"name": "ping", "arguments": {}}),
    );
    assert_eq!(
        call["result"]["structuredContent"],
        serde_json::json!({"pong": true}),
        "{call}"
    );

    // The spec's REST adapter serves over HTTP meanwhile, on its own address.
    let url = format!("http://127.0.0.1:{}/ping", server.rest_port);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let body = runtime.block_on(async {
        let deadline = Instant::now() + LIMIT;
        loop {
            match reqwest::get(&url).await {
                Ok(answer) => {
                    assert_eq!(answer.status(), 200);
                    break answer.text().await.unwrap_or_default();
                }
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("the REST adapter never answered: {e}"),
            }
        }
    });
    assert_eq!(body, r#"{"pong":true}"#);

    let (status, stderr) = server.finish();
    assert!(status.success(), "exit {status}; stderr:\n{stderr}");
    // The logs went to stderr, among them the REST adapter's.
    assert!(
        stderr.contains("REST adapter `local-rest` listening"),
        "{stderr}"
    );
    assert!(
        stderr.contains("MCP adapter `local-mcp` serving on stdin/stdout"),
        "{stderr}"
    );
}

/// The official Python MCP SDK starts the server itself, as IDE clients do.
#[test]
fn the_python_mcp_sdk_drives_the_stdio_adapter() {
    let tools = match std::env::var_os("NAFTIKO_TOOLS") {
        Some(dir) => PathBuf::from(dir),
        None if std::env::var_os("CI").is_some() => {
            panic!("NAFTIKO_TOOLS is not set; .ci/run must run .ci/install-tools.sh first")
        }
        None => {
            eprintln!(
                "\n*** SKIPPED python MCP SDK over stdio: NAFTIKO_TOOLS not set (run `eval $(.ci/install-tools.sh)`) ***\n"
            );
            return;
        }
    };
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/mcp_stdio_check.py");
    let out = Command::new(tools.join("venv/bin/python"))
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_mcp-stdio-server"))
        .env("LOCAL_REST_ADDR", format!("127.0.0.1:{}", free_port()))
        .output()
        .unwrap_or_else(|e| panic!("cannot run python: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "python MCP SDK check failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("\"ok\": true"), "{stdout}");
}
