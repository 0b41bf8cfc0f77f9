//! Driving an MCP adapter from outside: a stand-in upstream and the adapter's router served on
//! loopback, an rmcp client in either protocol era, and raw HTTP for what a browser or an
//! attacker would send.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use naftiko_runtime::Runtime;

use super::mcp_capability::CAPABILITY;
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientConfig, JsonObject, ProtocolVersion,
};
use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::{ClientLifecycleMode, ClientServiceExt, RoleClient, ServiceError};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

// ---------------------------------------------------------------------------------------------
// Harness

/// Every wait in these tests is bounded by this.
pub const LIMIT: Duration = Duration::from_secs(20);

pub async fn bounded<T>(what: &str, future: impl Future<Output = T>) -> T {
    match tokio::time::timeout(LIMIT, future).await {
        Ok(value) => value,
        Err(_) => panic!("{what} took longer than {LIMIT:?}"),
    }
}

pub async fn upstream_run(
    State(hits): State<Arc<AtomicUsize>>,
    Path(id): Path<String>,
) -> impl IntoResponse {
    hits.fetch_add(1, Ordering::SeqCst);
    if id == "run-1" {
        (
            http::StatusCode::OK,
            axum::Json(json!({"data": {"id": "run-1", "status": "Running"}})),
        )
    } else {
        (
            http::StatusCode::NOT_FOUND,
            axum::Json(json!({"error": "run not found"})),
        )
    }
}

pub struct Harness {
    pub mcp_addr: SocketAddr,
    pub upstream_hits: Arc<AtomicUsize>,
}

impl Harness {
    pub fn url(&self) -> String {
        format!("http://{}/mcp", self.mcp_addr)
    }
}

pub async fn serve(app: axum::Router) -> SocketAddr {
    let listener = bounded("bind", tokio::net::TcpListener::bind("127.0.0.1:0"))
        .await
        .unwrap_or_else(|error| panic!("cannot bind 127.0.0.1:0: {error}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|error| panic!("no local address: {error}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// Starts a stand-in upstream and the MCP router of adapter 0 over it; `env` adds variables.
pub async fn start(env: &[(&str, &str)]) -> Harness {
    start_adapter(0, env).await
}

pub async fn start_adapter(adapter: usize, env: &[(&str, &str)]) -> Harness {
    let upstream_hits = Arc::new(AtomicUsize::new(0));
    let upstream = axum::Router::new()
        .route("/v1/runs/{id}", axum::routing::get(upstream_run))
        .with_state(upstream_hits.clone());
    let upstream_addr = serve(upstream).await;

    let mut vars: Vec<(String, String)> = vec![(
        "RUNS_BASE_URL".to_owned(),
        format!("http://{upstream_addr}"),
    )];
    vars.extend(
        env.iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
    );
    let lookup = move |name: &str| {
        vars.iter()
            .find(|(var, _)| var == name)
            .map(|(_, value)| value.clone())
    };
    let rt = Runtime::from_lookup(&CAPABILITY, &lookup)
        .unwrap_or_else(|error| panic!("runtime does not start: {error}"));
    let mcp_addr = serve(naftiko_runtime::__private::mcp_router(rt, adapter)).await;
    Harness {
        mcp_addr,
        upstream_hits,
    }
}

pub fn eras() -> [(&'static str, ClientLifecycleMode); 2] {
    [
        ("2025-11-25", ClientLifecycleMode::Initialize),
        (
            "2026-07-28",
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        ),
    ]
}

pub async fn connect(
    harness: &Harness,
    era: ClientLifecycleMode,
) -> RunningService<RoleClient, ClientConfig> {
    let transport = StreamableHttpClientTransport::from_uri(harness.url());
    bounded(
        "client start",
        ClientConfig::default().serve_with_lifecycle(transport, era),
    )
    .await
    .unwrap_or_else(|error| panic!("client cannot start: {error}"))
}

pub fn arguments(value: serde_json::Value) -> JsonObject {
    match value {
        serde_json::Value::Object(object) => object,
        other => panic!("arguments must be an object, not {other}"),
    }
}

pub async fn call(
    client: &RunningService<RoleClient, ClientConfig>,
    tool: &'static str,
    args: serde_json::Value,
) -> Result<CallToolResult, ServiceError> {
    let request = CallToolRequestParams::new(tool).with_arguments(arguments(args));
    bounded("tools/call", client.call_tool(request)).await
}

pub fn text_of(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|block| block.as_text().map(|text| text.text.clone()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP: what a browser or an attacker would send.

pub const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}"#;

/// POSTs `body` to `/mcp` with the given `Host` (and `Origin`); returns the whole answer.
pub async fn raw_exchange(
    addr: SocketAddr,
    host: &str,
    origin: Option<&str>,
    body: &str,
) -> String {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        let origin = origin
            .map(|origin| format!("Origin: {origin}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "POST /mcp HTTP/1.1\r\nHost: {host}\r\n{origin}Content-Type: application/json\r\n\
             Accept: application/json, text/event-stream\r\nConnection: close\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        // Bounded by `bounded` below; with sessions on, an SSE answer stays open.
        let mut chunk = [0u8; 4096];
        loop {
            let read = stream.read(&mut chunk).await?;
            answer.extend_from_slice(&chunk[..read]);
            if read == 0 || answer.windows(4).any(|window| window == b"\r\n\r\n") {
                break;
            }
        }
        Ok::<_, std::io::Error>(answer)
    };
    let answer = bounded("raw POST", exchange)
        .await
        .unwrap_or_else(|error| panic!("raw POST: {error}"));
    String::from_utf8_lossy(&answer).into_owned()
}

/// Like [`raw_exchange`], returning only the status code.
pub async fn raw_post(addr: SocketAddr, host: &str, origin: Option<&str>, body: &str) -> u16 {
    let answer = raw_exchange(addr, host, origin, body).await;
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|status| status.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer}"))
}
