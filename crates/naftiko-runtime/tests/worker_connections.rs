//! A server worker thread's upstream connections (its own pool, see `upstream/transport.rs`),
//! seen from a stand-in upstream on loopback that counts the connections it accepts: calls in
//! a row share one connection whether the answers have a length or are chunked, and whether
//! they are read whole or streamed through a forward; an upstream that closes an idle
//! connection costs no request, not even a POST that is never retried; a call cut by its
//! timeout closes its connection and the next call opens another.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use support::raw_request::read_request;
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpStream;

/// How the stand-in answers.
#[derive(Clone, Copy)]
enum Mode {
    /// Keeps every connection open; odd-numbered answers are chunked.
    KeepAlive,
    /// Closes each connection right after its first answer, without saying so in the answer.
    CloseAfterAnswer,
    /// Holds the first request's answer back for two seconds, then as `KeepAlive`.
    SlowFirst,
}

#[derive(Default)]
struct Counts {
    connections: AtomicUsize,
    requests: AtomicUsize,
    /// Connections the stand-in has closed itself.
    closed: AtomicUsize,
}

/// A stand-in upstream in `mode`; its counts and its base URL.
async fn upstream(mode: Mode) -> (Arc<Counts>, String) {
    let counts = Arc::new(Counts::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let serving = Arc::clone(&counts);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            serving.connections.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(serve(stream, mode, Arc::clone(&serving)));
        }
    });
    (counts, base)
}

async fn serve(mut stream: TcpStream, mode: Mode, counts: Arc<Counts>) {
    let mut buffer = Vec::new();
    while let Some(line) = read_request(&mut stream, &mut buffer).await {
        let path = line.split(' ').nth(1).unwrap_or_default().to_owned();
        let number = counts.requests.fetch_add(1, Ordering::SeqCst);
        if matches!(mode, Mode::SlowFirst) && number == 0 {
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        let body = format!("{{\"path\":\"{path}\",\"number\":{number}}}");
        let answer = if number % 2 == 1 {
            let (head, tail) = body.split_at(body.len() / 2);
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                 Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{head}\r\n{:x}\r\n{tail}\r\n0\r\n\r\n",
                head.len(),
                tail.len()
            )
        } else {
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
        };
        if stream.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
        if matches!(mode, Mode::CloseAfterAnswer) {
            let _ = stream.shutdown().await;
            drop(stream);
            counts.closed.fetch_add(1, Ordering::SeqCst);
            return;
        }
    }
}

/// The REST capability over `base` on one worker thread, with `env` added.
async fn rest(base: &str, env: &[(&str, &str)]) -> support::rest_capability::Running {
    let mut env = env.to_vec();
    env.push(("NAFTIKO_WORKERS", "1"));
    support::rest_capability::start(base, &env).await
}

async fn wait_for(what: &str, done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{what} did not happen within 5 s");
}

#[tokio::test]
async fn calls_in_a_row_share_one_connection() {
    let (counts, base) = upstream(Mode::KeepAlive).await;
    let app = rest(&base, &[]).await;
    let client = support::rest_capability::client();
    for index in 0..20 {
        let response = client
            .get(format!("{}/runs/r{index}", app.open))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "call {index}");
        let answer: serde_json::Value = response.json().await.unwrap();
        assert_eq!(answer["path"], format!("/v1/runs/r{index}"), "call {index}");
        assert_eq!(answer["number"], index, "call {index}");
    }
    assert_eq!(counts.requests.load(Ordering::SeqCst), 20);
    assert_eq!(counts.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_upstream_closing_idle_connections_costs_no_call() {
    let (counts, base) = upstream(Mode::CloseAfterAnswer).await;
    let app = rest(&base, &[]).await;
    let client = support::rest_capability::client();
    for index in 0..10 {
        // Each call finds the connection of the one before it closed by the upstream.
        wait_for("the upstream's close", || {
            counts.closed.load(Ordering::SeqCst) == index
        })
        .await;
        let response = client
            .post(format!("{}/runs/r{index}/cancel", app.open))
            .json(&serde_json::json!({ "reason": "test" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "call {index}");
    }
    // Each POST went out once, on a connection of its own.
    assert_eq!(counts.requests.load(Ordering::SeqCst), 10);
    assert_eq!(counts.connections.load(Ordering::SeqCst), 10);
}

#[tokio::test]
async fn a_call_cut_by_its_timeout_closes_its_connection() {
    let (counts, base) = upstream(Mode::SlowFirst).await;
    let app = rest(&base, &[("RUNS_API_TIMEOUT_MS", "300")]).await;
    let client = support::rest_capability::client();
    let cut = client
        .get(format!("{}/runs/slow", app.open))
        .send()
        .await
        .unwrap();
    assert_eq!(cut.status(), 504);
    let next = client
        .get(format!("{}/runs/next", app.open))
        .send()
        .await
        .unwrap();
    assert_eq!(next.status(), 200);
    let answer: serde_json::Value = next.json().await.unwrap();
    assert_eq!(answer["path"], "/v1/runs/next");
    assert_eq!(counts.connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn forwarded_answers_streamed_back_leave_their_connection_to_the_next() {
    use support::forward_capability::{CALLER_TOKEN, runtime_with, serve};
    let (counts, base) = upstream(Mode::KeepAlive).await;
    let app = serve(runtime_with(&base, &[("NAFTIKO_WORKERS", "1")])).await;
    let api = &app.rest;
    let client = support::forward_capability::client();
    for index in 0..10 {
        let response = client
            .get(format!("{api}/notion/pages/p{index}"))
            .bearer_auth(CALLER_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "call {index}");
        let answer: serde_json::Value = response.json().await.unwrap();
        assert_eq!(answer["number"], index, "call {index}");
    }
    assert_eq!(counts.requests.load(Ordering::SeqCst), 10);
    assert_eq!(counts.connections.load(Ordering::SeqCst), 1);
}
