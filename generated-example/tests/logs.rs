//! The server's logs as an operator reads them: one access line per request on stderr, as
//! text without color escapes when stderr is not a terminal, or as JSON lines with
//! `NAFTIKO_LOG_FORMAT=json`; never the upstream key, the caller's token or a query string.

mod seed_server;

use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use generated_example::standin::{DEMO_API_KEY, RUNNING_RUN_ID};

/// Sends one GET with a token and a secret in its query, and returns every stderr line up to
/// and including the first access line (at most 30 s of waiting).
async fn one_request(rest_url: &str, logs: &Receiver<String>) -> Vec<String> {
    let answer = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default()
        .get(format!(
            "{rest_url}/v1/v1/runs/{RUNNING_RUN_ID}?api_key=query-secret"
        ))
        .bearer_auth("caller-secret")
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET: {e}"));
    assert_eq!(answer.status().as_u16(), 200);
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut lines = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = logs.recv_timeout(left) else {
            panic!("no access line in 30 s; stderr said: {lines:#?}");
        };
        let done = line.contains("naftiko::access");
        lines.push(line);
        if done {
            return lines;
        }
    }
}

fn assert_no_secret(lines: &[String]) {
    for secret in [DEMO_API_KEY, "caller-secret", "query-secret", "api_key"] {
        assert!(
            lines.iter().all(|line| !line.contains(secret)),
            "`{secret}` was logged: {lines:#?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn text_logs_have_an_access_line_and_no_color_when_piped() {
    let (server, logs) = seed_server::start_logged(&["--demo"], &[("RUST_LOG", "info")]);
    let lines = one_request(&server.rest_url, &logs).await;
    assert!(
        lines.iter().all(|line| !line.contains("\x1b[")),
        "color escapes in a pipe: {lines:#?}"
    );
    let access = lines.last().map(String::as_str).unwrap_or_default();
    for field in [
        "kind=\"rest\"",
        "method=\"GET\"",
        "route=\"/v1/v1/runs/{runid}\"",
        "status=200",
        "upstream_status=200",
        "upstream_attempts=1",
        "duration_ms=",
        "upstream_ms=",
    ] {
        assert!(access.contains(field), "`{field}` missing from {access}");
    }
    assert_no_secret(&lines);
}

#[tokio::test(flavor = "multi_thread")]
async fn json_logs_are_one_object_per_line() {
    let (server, logs) = seed_server::start_logged(
        &["--demo"],
        &[("RUST_LOG", "info"), ("NAFTIKO_LOG_FORMAT", "json")],
    );
    let lines = one_request(&server.rest_url, &logs).await;
    let parsed: Vec<serde_json::Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    let access = parsed.last().cloned().unwrap_or_default();
    assert_eq!(access["target"], "naftiko::access", "{access}");
    assert_eq!(access["level"], "INFO", "{access}");
    assert_eq!(access["kind"], "rest", "{access}");
    assert_eq!(access["method"], "GET", "{access}");
    assert_eq!(access["route"], "/v1/v1/runs/{runid}", "{access}");
    assert_eq!(access["status"], 200, "{access}");
    assert_eq!(access["upstream_status"], 200, "{access}");
    assert!(access["duration_ms"].is_u64(), "{access}");
    assert_no_secret(&lines);
}
