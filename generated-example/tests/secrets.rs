//! The upstream key never leaks: the generated-example binary runs with `RUST_LOG=trace` and a
//! distinctive `INNGEST_API_KEY`; REST and MCP are exercised on their success and error paths
//! (upstream error, bad input, unknown route and tool, dead and silent upstreams, a bad setting
//! at start-up), and every byte the process printed and every answer it gave is searched for
//! the key. `Debug` output of the generated capability, its runtime, server and errors is
//! searched too.

mod seed_server;

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use seed_server::{TEST_API_KEY, echo_upstream, raw_exchange};

/// The binary under test with its output captured in full.
struct Running {
    child: Child,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

fn capture(
    mut from: impl Read + Send + 'static,
    into: Arc<Mutex<Vec<u8>>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        // Ends at EOF, when the process exits.
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            if let Ok(mut all) = into.lock() {
                all.extend_from_slice(&buf[..n]);
            }
        }
    })
}

fn launch(env: &[(&str, &str)]) -> Running {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_generated-example"));
    cmd.env("RUST_LOG", "trace")
        .env("INNGEST_API_KEY", TEST_API_KEY)
        .env("INNGEST_RUNS_REST_ADDR", "127.0.0.1:0")
        .env("INNGEST_RUNS_MCP_ADDR", "127.0.0.1:0")
        .env_remove("INNGEST_RUNS_BASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start: {e}"));
    let (stdout, stderr) = (Arc::default(), Arc::default());
    let mut readers = Vec::new();
    if let Some(out) = child.stdout.take() {
        readers.push(capture(out, Arc::clone(&stdout)));
    }
    if let Some(err) = child.stderr.take() {
        readers.push(capture(err, Arc::clone(&stderr)));
    }
    Running {
        child,
        stdout,
        stderr,
        readers,
    }
}

impl Running {
    /// The REST and MCP addresses it printed (waits at most 30 s); `None` if it exited.
    fn addrs(&mut self) -> Option<(std::net::SocketAddr, std::net::SocketAddr)> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let text = self
                .stdout
                .lock()
                .map(|o| String::from_utf8_lossy(&o).into_owned())
                .unwrap_or_default();
            let find = |label: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(label))
                    .and_then(|rest| rest.split_whitespace().next())
                    .and_then(|url| url.strip_prefix("http://"))
                    .and_then(|url| url.trim_end_matches("/mcp").parse().ok())
            };
            if let (Some(rest), Some(mcp)) = (find("REST:"), find("MCP:")) {
                return Some((rest, mcp));
            }
            if let Ok(Some(_)) = self.child.try_wait() {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// Waits (at most 30 s) for the process to exit by itself.
    fn exited(mut self) -> Self {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(50));
        }
        self
    }

    /// Stops the process and returns everything it printed.
    fn finish(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
        let mut all = String::new();
        for part in [&self.stdout, &self.stderr] {
            if let Ok(bytes) = part.lock() {
                all.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
        all
    }
}

/// Every REST and MCP exchange worth making, success and error paths; returns the answers.
async fn exercise(rest: std::net::SocketAddr, mcp: std::net::SocketAddr) -> String {
    let mut answers = String::new();
    for target in [
        "/v1/v1/runs/run-1",
        "/v1/v1/runs/run-1/jobs",
        "/v1/v1/runs/fail-1",
        "/v1/v1/runs/%2E%2E",
        "/v1/v1/nowhere",
        "/openapi.json",
    ] {
        let request = format!("GET {target} HTTP/1.1\r\nHost: {rest}\r\nConnection: close\r\n\r\n");
        answers.push_str(&raw_exchange(rest, request.as_bytes()).await.1);
    }
    let request =
        format!("DELETE /v1/v1/runs/run-1 HTTP/1.1\r\nHost: {rest}\r\nConnection: close\r\n\r\n");
    answers.push_str(&raw_exchange(rest, request.as_bytes()).await.1);
    let calls = [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
        r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
        r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get-function-run-status","arguments":{"runId":"run-1"}}}"#,
        r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"cancel-function-run","arguments":{"runId":"fail-2"}}}"#,
        r#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"list-jobs-steps-run","arguments":{}}}"#,
        r#"{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"no-such-tool","arguments":{}}}"#,
        r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get-function-run-status","arguments":{"runId":".."}}}"#,
        r#"{"jsonrpc":"2.0","id":8,"method":"nonsense"}"#,
        r#"not json"#,
    ];
    for call in calls {
        let request = format!(
            "POST /mcp HTTP/1.1\r\nHost: {mcp}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-06-18\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{call}",
            call.len()
        );
        answers.push_str(&raw_exchange(mcp, request.as_bytes()).await.1);
    }
    answers
}

fn assert_no_key(what: &str, text: &str) {
    assert!(
        !text.contains(TEST_API_KEY),
        "the key leaked in {what}:\n{}",
        text.lines()
            .filter(|l| l.contains(TEST_API_KEY))
            .take(5)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_is_never_printed_or_answered_by_the_running_server() {
    let upstream = echo_upstream(false).await;
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap_or_else(|e| panic!("{e}"));
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let silent_url = format!(
        "http://{}",
        silent.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        for _ in 0..64 {
            if let Ok((s, _)) = silent.accept().await {
                held.push(s);
            }
        }
    });
    let mut total_output = 0;
    let mut total_answers = 0;
    for (base_url, timeout) in [
        (upstream.base_url.clone(), "5000"),
        (format!("http://{dead}"), "5000"),
        (silent_url, "300"),
    ] {
        let mut running = launch(&[
            ("INNGEST_RUNS_BASE_URL", &base_url),
            ("INNGEST_RUNS_TIMEOUT_MS", timeout),
        ]);
        let Some((rest, mcp)) = running.addrs() else {
            panic!("did not start:\n{}", running.finish());
        };
        let answers = exercise(rest, mcp).await;
        let printed = running.finish();
        // The exercise really ran: trace logs and answers on every path.
        assert!(
            printed.contains("TRACE") || printed.contains("trace"),
            "no trace logs"
        );
        assert!(answers.contains("HTTP/1.1 404"), "{answers}");
        if base_url == upstream.base_url {
            // The upstream accepted the key (it answers 401 otherwise).
            assert!(
                answers.contains(r#""target":"/v1/runs/run-1""#),
                "{answers}"
            );
        }
        assert_no_key("the process's output", &printed);
        assert_no_key("the answers", &answers);
        total_output += printed.len();
        total_answers += answers.len();
    }
    hold.abort();
    // A start-up failure (a bad setting) prints the configuration, not the key.
    let bad = launch(&[("INNGEST_RUNS_TIMEOUT_MS", "not-a-number")]);
    let printed = bad.exited().finish();
    assert!(printed.contains("INNGEST_RUNS_TIMEOUT_MS"), "{printed}");
    assert_no_key("a start-up error", &printed);
    println!(
        "secrets: 0 occurrences of the key in {total_output} bytes of trace output and {total_answers} bytes of answers (3 upstreams: live, dead, silent; REST and MCP; success and error paths)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_output_of_everything_generated_hides_the_key() {
    let upstream = echo_upstream(false).await;
    let base = upstream.base_url.clone();
    let lookup = move |name: &str| match name {
        "INNGEST_RUNS_BASE_URL" => Some(base.clone()),
        "INNGEST_API_KEY" => Some(TEST_API_KEY.to_owned()),
        n if n.ends_with("_ADDR") => Some("127.0.0.1:0".to_owned()),
        _ => None,
    };
    let capability = generated_example::from_build_rs::Capability::from_lookup(&lookup)
        .unwrap_or_else(|e| panic!("{e}"));
    let runtime = capability.runtime().clone();
    let server = naftiko::Server::bind(runtime.clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let client = capability.clients().inngest_runs.clone();
    // An upstream error (500) as the typed client returns it, headers and body included.
    let input = generated_example::from_build_rs::consumes::inngest_runs::GetrunInput {
        run_id: "fail-3".into(),
    };
    let error = client.getrun(input).await.err();
    let shown = format!(
        "{capability:?}\n{capability:#?}\n{runtime:?}\n{runtime:#?}\n{server:?}\n{client:?}\n{error:?}\n{error:#?}\n{}",
        error.as_ref().map(ToString::to_string).unwrap_or_default()
    );
    assert!(error.is_some(), "the failing call succeeded");
    assert!(shown.contains("INNGEST_API_KEY"), "{shown}");
    assert_no_key("Debug output", &shown);
}
