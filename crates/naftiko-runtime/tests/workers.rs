//! The server's worker threads (`NAFTIKO_WORKERS`): every worker's socket is on the port
//! `Server::bind` reported, MCP sessions are found whichever worker a request reaches, and a
//! program's runtime of its own serves when asked (`NAFTIKO_WORKERS=0`).

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use naftiko_runtime::{Runtime, Server};
use support::mcp_capability::CAPABILITY;
use support::mcp_client::{INITIALIZE, bounded, serve, upstream_run};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A runtime of the MCP capability over a stand-in upstream, with `env` added.
async fn runtime(env: &[(&str, &str)]) -> Runtime {
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let upstream = axum::Router::new()
        .route("/v1/runs/{id}", axum::routing::get(upstream_run))
        .with_state(hits);
    let upstream_addr = serve(upstream).await;
    let mut vars: Vec<(String, String)> =
        vec![("RUNS_BASE_URL".into(), format!("http://{upstream_addr}"))];
    vars.extend(env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    let lookup = move |name: &str| {
        vars.iter()
            .find(|(var, _)| var == name)
            .map(|(_, value)| value.clone())
    };
    Runtime::from_lookup(&CAPABILITY, &lookup)
        .unwrap_or_else(|error| panic!("runtime does not start: {error}"))
}

/// POSTs `body` to `/mcp` on a connection of its own (closed after the answer), with
/// `session` as `Mcp-Session-Id` when given; returns the status and the answer's head and body.
async fn post(addr: SocketAddr, session: Option<&str>, body: &str) -> (u16, String) {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        let session = session
            .map(|id| format!("Mcp-Session-Id: {id}\r\nMcp-Protocol-Version: 2025-11-25\r\n"))
            .unwrap_or_default();
        let request = format!(
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{session}Content-Type: application/json\r\n\
             Accept: application/json, text/event-stream\r\nConnection: close\r\n\
             Content-Length: {}\r\n\r\n{body}",
            addr.port(),
            body.len()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        let mut chunk = [0u8; 4096];
        // Bounded by `bounded` below: until the answer holds a JSON-RPC result or error (an
        // SSE answer may stay open), or the connection closes; at most 1,000 reads.
        for _ in 0..1000 {
            let read = stream.read(&mut chunk).await?;
            answer.extend_from_slice(&chunk[..read]);
            let text = String::from_utf8_lossy(&answer);
            let head_done = text.contains("\r\n\r\n");
            if read == 0
                || (head_done && (text.contains("\"result\"") || text.contains("\"error\"")))
                || (head_done && !text.starts_with("HTTP/1.1 200"))
            {
                break;
            }
        }
        Ok::<_, std::io::Error>(String::from_utf8_lossy(&answer).into_owned())
    };
    let answer = bounded("POST /mcp", exchange)
        .await
        .unwrap_or_else(|error| panic!("POST /mcp: {error}"));
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

const TOOLS_LIST: &str = r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#;
const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;

/// With sessions on and four workers, a session begun on one connection is used from sixteen
/// others. The kernel spreads connections across the workers' sockets, so with sessions kept
/// per worker about three in four of them would be answered 404 (all sixteen reaching the
/// worker that holds the session has a chance of one in four billion).
#[tokio::test]
async fn a_session_is_found_whichever_worker_a_request_reaches() {
    let rt = runtime(&[("RUNS_MCP_SESSIONS", "true"), ("NAFTIKO_WORKERS", "4")]).await;
    let server = Server::bind(rt)
        .await
        .unwrap_or_else(|error| panic!("bind: {error}"));
    let addr = server.mcp_addrs()[0];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    let (status, answer) = post(addr, None, INITIALIZE).await;
    assert_eq!(status, 200, "{answer}");
    let session = answer
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("mcp-session-id")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no session in {answer}"));
    let (status, answer) = post(addr, Some(&session), INITIALIZED).await;
    assert_eq!(status, 202, "{answer}");
    for attempt in 1..=16 {
        let (status, answer) = post(addr, Some(&session), TOOLS_LIST).await;
        assert_eq!(status, 200, "request {attempt}: {answer}");
        assert!(answer.contains("get-run"), "request {attempt}: {answer}");
    }

    let _ = stop.send(());
    let stopped = tokio::time::timeout(Duration::from_secs(40), running).await;
    assert!(matches!(stopped, Ok(Ok(Ok(())))), "{stopped:?}");
}

/// `NAFTIKO_WORKERS=0`: the program's own runtime serves (here a current-thread one), answers,
/// and stops gracefully.
#[tokio::test]
async fn zero_workers_serve_on_the_callers_runtime() {
    let rt = runtime(&[("NAFTIKO_WORKERS", "0")]).await;
    let server = Server::bind(rt)
        .await
        .unwrap_or_else(|error| panic!("bind: {error}"));
    let addr = server.mcp_addrs()[0];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let (status, answer) = post(addr, None, INITIALIZE).await;
    assert_eq!(status, 200, "{answer}");
    let _ = stop.send(());
    let stopped = tokio::time::timeout(Duration::from_secs(40), running).await;
    assert!(matches!(stopped, Ok(Ok(Ok(())))), "{stopped:?}");
}

/// A worker count that is not a whole number in range is refused with the other settings.
#[tokio::test]
async fn an_unusable_worker_count_is_a_configuration_error() {
    for bad in ["-1", "two", "1025"] {
        let lookup = |name: &str| match name {
            "RUNS_BASE_URL" => Some("http://127.0.0.1:9".to_owned()),
            "NAFTIKO_WORKERS" => Some(bad.to_owned()),
            _ => None,
        };
        let error = Runtime::from_lookup(&CAPABILITY, &lookup)
            .err()
            .unwrap_or_else(|| panic!("NAFTIKO_WORKERS={bad} was accepted"));
        assert!(error.to_string().contains("NAFTIKO_WORKERS"), "{error}");
    }
}
