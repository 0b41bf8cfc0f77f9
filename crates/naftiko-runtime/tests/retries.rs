//! Upstream retries (`<PREFIX>_RETRIES`) against a scripted stand-in on loopback: a reset
//! connection and a `503` with `Retry-After` are recovered for a GET; a POST is never sent
//! twice; nothing is retried unless configured. Assertions count attempts, never time them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use support::rest_capability::{client, start};
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpStream;

/// What the stand-in does with one request.
#[derive(Clone, Copy, Debug)]
enum Act {
    /// Reads the request, then resets the connection without answering.
    Reset,
    /// Answers this status, with `Retry-After: 1` when asked.
    Status(u16, bool),
}

/// A stand-in upstream that acts out `script`, one act per request (then answers 200), and
/// counts the requests it read.
#[derive(Clone)]
struct Scripted {
    script: Arc<Mutex<VecDeque<Act>>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    async fn start(script: &[Act]) -> (Scripted, String) {
        let scripted = Scripted {
            script: Arc::new(Mutex::new(script.iter().copied().collect())),
            requests: Arc::default(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let serving = scripted.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serving.clone().serve(stream));
            }
        });
        (scripted, format!("http://{addr}"))
    }

    async fn serve(self, mut stream: TcpStream) {
        // One request per connection: every answer says `Connection: close`.
        let Some(request_line) = read_request(&mut stream).await else {
            return;
        };
        self.requests.lock().unwrap().push(request_line);
        let act = self
            .script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(Act::Status(200, false));
        match act {
            Act::Reset => {
                let _ = stream.set_zero_linger();
                drop(stream);
            }
            Act::Status(status, retry_after) => {
                let body = format!("{{\"status\":{status}}}");
                let retry_after = if retry_after {
                    "Retry-After: 1\r\n"
                } else {
                    ""
                };
                let answer = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n{retry_after}\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            }
        }
    }

    fn attempts(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Reads one request (head and `Content-Length` body) and returns its request line; `None`
/// when the connection closes first or 10 s pass.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let reading = support::raw_request::read_request(stream, &mut buffer);
    tokio::time::timeout(Duration::from_secs(10), reading)
        .await
        .ok()
        .flatten()
}

async fn get_run(base: &str) -> u16 {
    client()
        .get(format!("{base}/runs/r-1"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn cancel_run(base: &str) -> u16 {
    client()
        .post(format!("{base}/runs/r-1/cancel"))
        .json(&serde_json::json!({"reason": "test"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_reset_connection_is_retried_for_a_get() {
    let (upstream, base) = Scripted::start(&[Act::Reset]).await;
    let app = start(&base, &[("RUNS_API_RETRIES", "2")]).await;
    assert_eq!(get_run(&app.open).await, 200);
    let attempts = upstream.attempts();
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    assert!(
        attempts
            .iter()
            .all(|line| line.starts_with("GET /v1/runs/r-1 "))
    );
}

#[tokio::test]
async fn a_503_with_retry_after_is_retried_for_a_get() {
    let (upstream, base) = Scripted::start(&[Act::Status(503, true)]).await;
    let app = start(&base, &[("RUNS_API_RETRIES", "1")]).await;
    assert_eq!(get_run(&app.open).await, 200);
    assert_eq!(upstream.attempts().len(), 2);
}

#[tokio::test]
async fn retries_stop_at_the_configured_count() {
    let script = [Act::Status(502, false); 4];
    let (upstream, base) = Scripted::start(&script).await;
    let app = start(&base, &[("RUNS_API_RETRIES", "2")]).await;
    assert_eq!(
        get_run(&app.open).await,
        502,
        "the last answer is passed on"
    );
    assert_eq!(upstream.attempts().len(), 3);
}

#[tokio::test]
async fn a_retry_after_past_the_timeout_is_not_waited_for() {
    let (upstream, base) = Scripted::start(&[Act::Status(503, true)]).await;
    let app = start(
        &base,
        &[("RUNS_API_RETRIES", "3"), ("RUNS_API_TIMEOUT_MS", "800")],
    )
    .await;
    assert_eq!(get_run(&app.open).await, 503);
    assert_eq!(upstream.attempts().len(), 1);
}

#[tokio::test]
async fn a_post_is_never_retried() {
    for act in [Act::Status(502, false), Act::Status(503, true), Act::Reset] {
        let (upstream, base) = Scripted::start(&[act, act, act]).await;
        let app = start(&base, &[("RUNS_API_RETRIES", "3")]).await;
        let status = cancel_run(&app.open).await;
        let expected = match act {
            Act::Status(status, _) => status,
            Act::Reset => 502,
        };
        assert_eq!(status, expected, "{act:?}");
        let attempts = upstream.attempts();
        assert_eq!(attempts.len(), 1, "{act:?}: {attempts:?}");
        assert!(attempts[0].starts_with("POST "));
    }
}

#[tokio::test]
async fn nothing_is_retried_unless_configured() {
    let (upstream, base) = Scripted::start(&[Act::Reset]).await;
    let app = start(&base, &[]).await;
    assert_eq!(get_run(&app.open).await, 502);
    assert_eq!(upstream.attempts().len(), 1);
}

#[derive(Clone, Default)]
struct RetryHooks {
    seen: Arc<Mutex<Vec<(String, String, u32)>>>,
}

impl naftiko_runtime::Hooks for RetryHooks {
    fn retried(&self, operation: &str, reason: &str, retry: u32) {
        self.seen
            .lock()
            .unwrap()
            .push((operation.to_owned(), reason.to_owned(), retry));
    }
}

#[tokio::test]
async fn each_retry_is_told_to_the_hooks() {
    let (upstream, base) = Scripted::start(&[Act::Reset, Act::Status(504, false)]).await;
    let hooks = RetryHooks::default();
    let rt = support::rest_capability::runtime(&base, &[("RUNS_API_RETRIES", "5")])
        .unwrap()
        .with_hooks(hooks.clone());
    let server = naftiko_runtime::Server::bind(rt).await.unwrap();
    let rest = format!("http://{}", server.rest_addrs()[0]);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    assert_eq!(get_run(&rest).await, 200);
    assert_eq!(upstream.attempts().len(), 3);
    let seen = hooks.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![
            ("getrun".to_owned(), "unanswered".to_owned(), 1),
            ("getrun".to_owned(), "status".to_owned(), 2),
        ]
    );
    let _ = stop.send(());
}
