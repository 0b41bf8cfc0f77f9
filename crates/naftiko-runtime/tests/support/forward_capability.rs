//! The capability of the forward and control tests: one consumed namespace `up`, a REST adapter
//! with a declared route and a forward of everything else to `up`, and a control adapter; a
//! stand-in upstream that records what was forwarded; and helpers to serve it all.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::to_bytes;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};
use naftiko_runtime::spec::*;
use naftiko_runtime::{Runtime, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

// ---------------------------------------------------------------------------------------------
// The capability under test: one consumed namespace `up` (API key in a header, a default
// header and a default query parameter), a REST adapter `api` with a declared route under the
// forward's prefix, and a control adapter.

pub const CONSUMES: List<ConsumesSpec> = Cow::Borrowed(&[ConsumesSpec {
    namespace: text("up"),
    env_prefix: text("UP"),
    base_url: text("http://127.0.0.1:9/v1"),
    timeout_ms: 5_000,
    auth: Auth::ApiKey {
        name: text("X-Up-Key"),
        value: Value::Secret(text("UP_KEY")),
        placement: ApiKeyPlacement::Header,
    },
    default_params: Cow::Borrowed(&[
        DefaultParam {
            name: text("Notion-Version"),
            location: ParamLocation::Header,
            value: Value::Literal(text("\"2022-06-28\"")),
        },
        DefaultParam {
            name: text("api-version"),
            location: ParamLocation::Query,
            value: Value::Literal(text("\"1\"")),
        },
    ]),
    description: text(""),
    // Nothing here is called: every route either answers statically or forwards.
    operations: list(&[]),
}]);

pub const ROUTES: List<RestRoute> = Cow::Borrowed(&[RestRoute {
    method: text("GET"),
    path: text("/notion/special"),
    name: text("special"),
    description: text(""),
    inputs: list(&[]),
    output_schema: None,
    handler: Handler::Static {
        body: text("{\"special\":true}"),
        content_type: text("application/json"),
    },
}]);

pub static SPEC: CapabilitySpec = CapabilitySpec {
    name: text("proxy"),
    description: text(""),
    consumes: CONSUMES,
    secrets: Cow::Borrowed(&[
        SecretSpec {
            key: text("UP_KEY"),
            source_name: text("UP_KEY"),
            file: None,
        },
        SecretSpec {
            key: text("CALLER_TOKEN"),
            source_name: text("CALLER_TOKEN"),
            file: None,
        },
    ]),
    rest: Cow::Borrowed(&[RestAdapterSpec {
        namespace: text("api"),
        env_prefix: text("API"),
        default_addr: text("127.0.0.1:0"),
        description: text(""),
        routes: ROUTES,
        openapi: text("{}"),
        auth: Auth::Bearer {
            token: Value::Secret(text("CALLER_TOKEN")),
        },
        forwards: Cow::Borrowed(&[RestForward {
            name: text("notion-proxy"),
            prefix: text("/notion"),
            // `up`, the only consumed namespace.
            consumes: ConsumesId(0),
            trusted_headers: Cow::Borrowed(&[text("notion-version"), text("x-trace")]),
            description: text(""),
        }]),
    }]),
    mcp: list(&[]),
    control: Cow::Borrowed(&[ControlAdapterSpec {
        namespace: text("control"),
        env_prefix: text("CONTROL"),
        default_addr: text("127.0.0.1:0"),
        auth: Auth::None,
        metrics: true,
        observability: ObservabilitySpec::DEFAULT,
    }]),
};

pub const CALLER_TOKEN: &str = "caller-secret";
pub const UP_KEY: &str = "upstream-secret";

// ---------------------------------------------------------------------------------------------
// A recording upstream.

#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

#[derive(Clone, Default)]
pub struct Upstream {
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl Upstream {
    pub async fn start() -> (Upstream, String) {
        let upstream = Upstream::default();
        let recorder = upstream.clone();
        let app = axum::Router::new().fallback(move |request: Request| {
            let recorder = recorder.clone();
            async move { recorder.answer(request).await }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (upstream, format!("http://{addr}/v1"))
    }

    async fn answer(&self, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let body = to_bytes(body, 1 << 20).await.unwrap_or_default().to_vec();
        let path_and_query = parts
            .uri
            .path_and_query()
            .map(ToString::to_string)
            .unwrap_or_default();
        self.received.lock().unwrap().push(Received {
            method: parts.method.to_string(),
            path_and_query: path_and_query.clone(),
            headers: parts.headers,
            body: body.clone(),
        });
        if path_and_query.contains("/missing") {
            return (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "application/json")],
                "{\"error\":\"no such page\"}",
            )
                .into_response();
        }
        if path_and_query.contains("/broken") {
            return (StatusCode::BAD_GATEWAY, "down").into_response();
        }
        let mut echoed = b"got:".to_vec();
        echoed.extend_from_slice(&body);
        (
            StatusCode::CREATED,
            [
                (header::CONTENT_TYPE, "text/plain"),
                (header::HeaderName::from_static("x-upstream"), "yes"),
            ],
            echoed,
        )
            .into_response()
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

// ---------------------------------------------------------------------------------------------
// Running the capability.

pub struct App {
    pub rest: String,
    pub control: String,
    pub stop: Option<oneshot::Sender<()>>,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub fn runtime(base_url: &str) -> Runtime {
    runtime_with(base_url, &[])
}

/// As [`runtime`], with the variables of `extra` added.
pub fn runtime_with(base_url: &str, extra: &[(&'static str, &'static str)]) -> Runtime {
    let base_url = base_url.to_owned();
    let extra = extra.to_vec();
    Runtime::from_lookup(&SPEC, &move |name| match name {
        "UP_BASE_URL" => Some(base_url.clone()),
        "UP_KEY" => Some(UP_KEY.to_owned()),
        "CALLER_TOKEN" => Some(CALLER_TOKEN.to_owned()),
        "API_ADDR" | "CONTROL_ADDR" => Some("127.0.0.1:0".to_owned()),
        _ => extra
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, value)| (*value).to_owned()),
    })
    .expect("runtime")
}

pub async fn serve(rt: Runtime) -> App {
    let server = Server::bind(rt).await.expect("bind");
    let rest = format!("http://{}", server.rest_addrs()[0]);
    let control = format!("http://{}", server.control_addrs()[0]);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    App {
        rest,
        control,
        stop: Some(stop),
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Sends `request_line` as written (clients normalise `..` away before sending) and returns
/// the status code of the answer.
pub async fn raw_status(base: &str, request_line: &str) -> u16 {
    let addr: SocketAddr = base.trim_start_matches("http://").parse().unwrap();
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{request_line}\r\nHost: localhost\r\nAuthorization: Bearer {CALLER_TOKEN}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("answer in time")
        .unwrap();
    let text = String::from_utf8_lossy(&answer);
    text.split(' ').nth(1).unwrap_or_default().parse().unwrap()
}
