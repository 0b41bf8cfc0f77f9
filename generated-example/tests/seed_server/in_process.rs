//! Shared by the reliability tests (faults, load, hostile input, secrets): the seed served
//! in-process on loopback, upstreams that misbehave on purpose, an echo upstream that records
//! what reaches it, raw HTTP exchanges no client tidies up, and the process's memory.
//!
//! Every loop here is bounded in count and time, and every server binds 127.0.0.1.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use generated_example::from_build_rs::Capability;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The key the seed sends upstream in these tests: distinctive, so a leak is easy to find.
pub const TEST_API_KEY: &str = "sk-test-CANARY-5f1d0c9e7b3a";

/// The seed's REST and MCP adapters served on loopback; [`Served::stop`] shuts them down
/// gracefully, dropping aborts nothing but tells them to stop.
pub struct Served {
    pub rest: SocketAddr,
    pub mcp: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    running: Option<tokio::task::JoinHandle<Result<(), naftiko::Error>>>,
}

impl Served {
    pub fn rest_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.rest)
    }

    /// Asks for a graceful shutdown and waits (at most 40 s) for `Server::run` to return.
    pub async fn stop(mut self) -> Result<(), String> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(running) = self.running.take() else {
            return Err("already stopped".into());
        };
        match tokio::time::timeout(Duration::from_secs(40), running).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(error))) => Err(format!("run failed: {error}")),
            Ok(Err(join)) => Err(format!("run panicked: {join}")),
            Err(_) => Err("run did not return within 40 s".into()),
        }
    }

    /// Tells the server to stop without waiting; returns the task to await.
    pub fn begin_stop(&mut self) -> tokio::task::JoinHandle<Result<(), naftiko::Error>> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.running
            .take()
            .unwrap_or_else(|| tokio::spawn(async { Ok(()) }))
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Serves the seed with `base_url` as its upstream, [`TEST_API_KEY`] as its key and `extra`
/// settings (e.g. `INNGEST_RUNS_TIMEOUT_MS`).
pub async fn serve(base_url: String, extra: &[(&str, &str)]) -> Served {
    let extra: Vec<(String, String)> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let lookup = move |name: &str| match name {
        "INNGEST_RUNS_BASE_URL" => Some(base_url.clone()),
        "INNGEST_API_KEY" => Some(TEST_API_KEY.to_owned()),
        "INNGEST_RUNS_REST_ADDR" | "INNGEST_RUNS_MCP_ADDR" => Some("127.0.0.1:0".to_owned()),
        other => extra
            .iter()
            .find(|(k, _)| k == other)
            .map(|(_, v)| v.clone()),
    };
    let capability = Capability::from_lookup(&lookup).unwrap_or_else(|e| panic!("capability: {e}"));
    serve_runtime(capability.runtime().clone()).await
}

/// Serves any runtime's REST and MCP adapters (the first of each) on loopback; the runtime's
/// addresses must be `127.0.0.1:0`.
pub async fn serve_runtime(runtime: naftiko::Runtime) -> Served {
    let server = naftiko::Server::bind(runtime)
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let rest = server.rest_addrs()[0];
    let mcp = server.mcp_addrs()[0];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    Served {
        rest,
        mcp,
        stop: Some(stop),
        running: Some(running),
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Upstreams that misbehave.

/// What a [`FaultyUpstream`] does once it has read a request's head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Announces 1000 bytes of JSON, sends 10, then resets the connection (RST).
    ResetMidBody,
    /// Announces 1000 bytes of JSON, sends 10, then says nothing more for 30 s.
    HangMidBody,
    /// Answers bytes that are not HTTP.
    Garbage,
    /// Announces a 10 GiB body in `Content-Length`.
    HugeAnnounced,
    /// Streams a chunked body without end (up to [`HUGE_STREAM_BYTES`]), as fast as it is read.
    HugeStreamed,
    /// Waits this many milliseconds, then answers 200 `{"ok":true}`.
    SlowOk(u64),
}

/// How much [`Fault::HugeStreamed`] offers at most: far more than any limit, and bounded.
pub const HUGE_STREAM_BYTES: u64 = 512 * 1024 * 1024;

pub struct FaultyUpstream {
    pub base_url: String,
    /// Requests whose head was read.
    pub requests: Arc<AtomicUsize>,
    /// Body bytes written to the socket (for `HugeStreamed`: what the server let through).
    pub body_bytes_written: Arc<AtomicU64>,
    /// Connections whose fault has finished playing out.
    pub finished: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultyUpstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn faulty_upstream(fault: Fault) -> FaultyUpstream {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let requests = Arc::new(AtomicUsize::new(0));
    let written = Arc::new(AtomicU64::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let (r, w, f) = (requests.clone(), written.clone(), finished.clone());
    let task = tokio::spawn(async move {
        // Bounded: at most 1024 connections over the upstream's life.
        for _ in 0..1024 {
            let Ok((stream, _)) = listener.accept().await else {
                break;
            };
            let (r, w, f) = (r.clone(), w.clone(), f.clone());
            tokio::spawn(async move {
                let _ = play(stream, fault, &r, &w).await;
                f.fetch_add(1, Ordering::SeqCst);
            });
        }
    });
    FaultyUpstream {
        base_url: format!("http://{addr}"),
        requests,
        body_bytes_written: written,
        finished,
        task,
    }
}

/// Reads a request head (at most 64 KiB, 10 s).
async fn read_head(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        Ok::<_, std::io::Error>(())
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .map_err(|_| std::io::Error::other("head timeout"))??;
    Ok(head)
}

async fn play(
    mut stream: TcpStream,
    fault: Fault,
    requests: &AtomicUsize,
    written: &AtomicU64,
) -> std::io::Result<()> {
    read_head(&mut stream).await?;
    requests.fetch_add(1, Ordering::SeqCst);
    const PARTIAL: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"data\":[1";
    match fault {
        Fault::ResetMidBody => {
            stream.write_all(PARTIAL).await?;
            stream.flush().await?;
            tokio::time::sleep(Duration::from_millis(50)).await;
            // Linger 0: closing sends RST instead of FIN.
            stream.set_zero_linger()?;
            drop(stream);
        }
        Fault::HangMidBody => {
            stream.write_all(PARTIAL).await?;
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        Fault::Garbage => {
            stream
                .write_all(b"\x00\x01garbage that is not HTTP at all\r\n\r\n{}")
                .await?;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Fault::HugeAnnounced => {
            stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10737418240\r\n\r\n[",
                )
                .await?;
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        Fault::HugeStreamed => {
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                .await?;
            let chunk_data = vec![b' '; 64 * 1024];
            let mut chunk = format!("{:x}\r\n", chunk_data.len()).into_bytes();
            chunk.extend_from_slice(&chunk_data);
            chunk.extend_from_slice(b"\r\n");
            let mut sent = 0u64;
            while sent < HUGE_STREAM_BYTES {
                // A reader that stopped reading leaves us blocked: give up after 10 s.
                match tokio::time::timeout(Duration::from_secs(10), stream.write_all(&chunk)).await
                {
                    Ok(Ok(())) => {
                        sent += chunk_data.len() as u64;
                        written.fetch_add(chunk_data.len() as u64, Ordering::SeqCst);
                    }
                    _ => break,
                }
            }
        }
        Fault::SlowOk(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            let body = b"{\"ok\":true}";
            stream
                .write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    )
                    .as_bytes(),
                )
                .await?;
            stream.write_all(body).await?;
            written.fetch_add(body.len() as u64, Ordering::SeqCst);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// An upstream that behaves, and says what reached it.

/// What reached the echo upstream.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, exactly as sent on the wire.
    pub target: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

pub struct EchoUpstream {
    pub base_url: String,
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    record: bool,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl EchoUpstream {
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
    pub fn clear(&self) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.clear();
        }
    }
}

impl Drop for EchoUpstream {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// An upstream on loopback that answers every request 200 with
/// `{"method": …, "target": …}` (the request line's target, so every answer is distinct per
/// request), or 401 when the `Authorization` header is not `Bearer TEST_API_KEY`, or 500 for a
/// target containing `fail`. With `record`, it keeps every request (tests with few requests).
pub async fn echo_upstream(record: bool) -> EchoUpstream {
    use axum::extract::Request;
    use axum::response::IntoResponse;
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let kept = seen.clone();
    let app = axum::Router::new().fallback(move |request: Request| {
        let kept = kept.clone();
        async move {
            let (parts, body) = request.into_parts();
            let target = parts
                .uri
                .path_and_query()
                .map(|pq| pq.as_str().to_owned())
                .unwrap_or_default();
            let body = axum::body::to_bytes(body, 1024 * 1024)
                .await
                .map(|b| b.to_vec())
                .unwrap_or_default();
            if record && let Ok(mut seen) = kept.lock() {
                seen.push(Seen {
                    method: parts.method.to_string(),
                    target: target.clone(),
                    headers: parts
                        .headers
                        .iter()
                        .map(|(k, v)| (k.as_str().to_owned(), v.as_bytes().to_vec()))
                        .collect(),
                    body,
                });
            }
            let authorized = parts
                .headers
                .get("authorization")
                .is_some_and(|v| v.as_bytes() == format!("Bearer {TEST_API_KEY}").as_bytes());
            let status = if !authorized {
                http::StatusCode::UNAUTHORIZED
            } else if target.contains("fail") {
                http::StatusCode::INTERNAL_SERVER_ERROR
            } else {
                http::StatusCode::OK
            };
            let answer = serde_json::json!({"method": parts.method.as_str(), "target": target});
            (status, axum::Json(answer)).into_response()
        }
    });
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    EchoUpstream {
        base_url: format!("http://{addr}"),
        addr,
        seen,
        record,
        stop: Some(stop),
    }
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP and memory.

/// Sends `request` as raw bytes and reads until the peer closes or 10 s pass; returns the
/// status (0 if none) and the whole answer as text.
pub async fn raw_exchange(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let exchange = async {
        let mut s = TcpStream::connect(addr).await?;
        s.write_all(request).await?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await?;
        Ok::<_, std::io::Error>(String::from_utf8_lossy(&buf).into_owned())
    };
    let text = tokio::time::timeout(Duration::from_secs(10), exchange)
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// The body of a raw answer (after the head).
pub fn body_of(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("")
}

/// A field of /proc/self/status in KiB (`VmRSS`, `VmHWM`), 0 where there is no /proc.
pub fn proc_status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                let rest = line.strip_prefix(field)?.strip_prefix(':')?;
                rest.split_whitespace().next()?.parse().ok()
            })
        })
        .unwrap_or(0)
}
