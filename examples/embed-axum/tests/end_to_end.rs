//! The example application run as a user would run it, on loopback, against a stand-in of the
//! runs API: its own route, the capability's REST route and MCP tool through the merged
//! router, and the application's layer on every answer; then the same layer on the built-in
//! server, whose own limits still hold.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::routing::get;
use embed_axum::{Capability, SERVED_BY, app, served_by};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

/// How long any one step may take before the test fails rather than hangs.
const LIMIT: Duration = Duration::from_secs(20);

async fn bounded<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, future)
        .await
        .unwrap_or_else(|_| panic!("{what} took longer than {LIMIT:?}"))
}

/// The paths the stand-in was asked for.
type Asked = Arc<Mutex<Vec<String>>>;

/// A stand-in of the runs API on loopback: every run has completed.
async fn standin() -> (String, Asked) {
    let asked: Asked = Arc::default();
    let api = axum::Router::new()
        .route(
            "/v1/runs/{id}",
            get(
                |State(asked): State<Asked>, Path(id): Path<String>| async move {
                    asked.lock().unwrap().push(format!("/v1/runs/{id}"));
                    axum::Json(json!({"data": {"run_id": id, "status": "Completed"}}))
                },
            ),
        )
        .with_state(Arc::clone(&asked));
    let addr = serve(api).await;
    (format!("http://{addr}"), asked)
}

/// Serves `router` with axum on a free loopback port.
async fn serve(router: axum::Router) -> SocketAddr {
    let listener = bounded("bind", tokio::net::TcpListener::bind("127.0.0.1:0"))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

fn http() -> reqwest::Client {
    reqwest::Client::builder().timeout(LIMIT).build().unwrap()
}

/// Calls MCP tool `run-status` at `url` without a session, and returns the JSON-RPC result
/// and the answer's `x-served-by`.
async fn run_status(url: &str, run: &str) -> (Value, Option<String>) {
    let answer = http()
        .post(url)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2025-06-18")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                      "params": {"name": "run-status", "arguments": {"runId": run}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let served_by = served_by_of(&answer);
    let reply: Value = answer.json().await.unwrap();
    (reply["result"].clone(), served_by)
}

fn served_by_of(answer: &reqwest::Response) -> Option<String> {
    answer
        .headers()
        .get(SERVED_BY)
        .map(|value| value.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn the_application_serves_its_routes_and_the_capabilitys_under_its_layer() {
    let (base_url, asked) = standin().await;
    let capability = Capability::builder()
        .base_url("runs", &base_url)
        .build()
        .unwrap();
    let app = app(&capability).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    let http = http();

    let hello = http
        .get(format!("http://{addr}/hello"))
        .send()
        .await
        .unwrap();
    assert_eq!(hello.status(), 200);
    assert_eq!(served_by_of(&hello).as_deref(), Some("embed-axum"));
    assert_eq!(hello.text().await.unwrap(), "hello from the application");
    assert!(
        asked.lock().unwrap().is_empty(),
        "the own route calls nothing"
    );

    let run = http
        .get(format!("http://{addr}/runs/r-7"))
        .send()
        .await
        .unwrap();
    assert_eq!(run.status(), 200);
    assert_eq!(served_by_of(&run).as_deref(), Some("embed-axum"));
    assert_eq!(
        run.json::<Value>().await.unwrap(),
        json!({"status": "Completed"})
    );
    assert_eq!(*asked.lock().unwrap(), ["/v1/runs/r-7"]);

    let (result, served_by) = run_status(&format!("http://{addr}/mcp"), "r-8").await;
    assert_eq!(served_by.as_deref(), Some("embed-axum"));
    assert_ne!(result["isError"], true, "{result}");
    assert_eq!(
        result["structuredContent"]["status"], "Completed",
        "{result}"
    );
    assert_eq!(*asked.lock().unwrap(), ["/v1/runs/r-7", "/v1/runs/r-8"]);

    // Any other path is the application's 404, under its layer too.
    let unknown = http
        .get(format!("http://{addr}/nowhere"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(served_by_of(&unknown).as_deref(), Some("embed-axum"));

    let _ = stop.send(());
    bounded("graceful shutdown", served).await.unwrap().unwrap();
}

/// Sends `GET {target}` with a header of `filler` bytes and returns the status line's code.
async fn raw_status(addr: SocketAddr, target: &str, filler: usize) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nX-Filler: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(filler)
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    bounded("the raw answer", stream.read_to_end(&mut answer))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&answer);
    text.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}

#[tokio::test]
async fn a_layer_on_the_built_in_server_keeps_its_limits() {
    let (base_url, asked) = standin().await;
    let capability = Capability::builder()
        .base_url("runs", &base_url)
        .var("RUNS_REST_ADDR", "127.0.0.1:0")
        .var("RUNS_MCP_ADDR", "127.0.0.1:0")
        .var("RUNS_REST_MAX_HEADER_BYTES", "2048")
        .build()
        .unwrap();
    let server = capability.bind().await.unwrap().layer(served_by());
    let rest = server.rest_addrs()[0];
    let mcp = server.mcp_addrs()[0];
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let http = http();

    let run = http
        .get(format!("http://{rest}/runs/r-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(run.status(), 200);
    assert_eq!(served_by_of(&run).as_deref(), Some("embed-axum"));
    assert_eq!(
        run.json::<Value>().await.unwrap(),
        json!({"status": "Completed"})
    );
    let (result, served_by) = run_status(&format!("http://{mcp}/mcp"), "r-2").await;
    assert_eq!(served_by.as_deref(), Some("embed-axum"));
    assert_eq!(
        result["structuredContent"]["status"], "Completed",
        "{result}"
    );
    assert_eq!(*asked.lock().unwrap(), ["/v1/runs/r-1", "/v1/runs/r-2"]);

    // The server's own request-head cap still answers first: a head under it is served, one
    // over it is refused before any layer or route sees it.
    assert_eq!(raw_status(rest, "/runs/r-3", 1024).await, 200);
    assert_eq!(raw_status(rest, "/runs/r-4", 4096).await, 431);
    assert_eq!(
        *asked.lock().unwrap(),
        ["/v1/runs/r-1", "/v1/runs/r-2", "/v1/runs/r-3"]
    );

    let _ = stop.send(());
    bounded("graceful shutdown", served).await.unwrap().unwrap();
}
