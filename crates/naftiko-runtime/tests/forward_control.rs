//! `forward` resources and control adapters, over real sockets: a test client → the REST
//! adapter → a recording upstream on loopback, and the control adapter's health and metrics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::to_bytes;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};
use naftiko_runtime::spec::*;
use naftiko_runtime::{Error, Hooks, Runtime, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

// ---------------------------------------------------------------------------------------------
// The capability under test: one consumed namespace `up` (API key in a header, a default
// header and a default query parameter), a REST adapter `api` with a declared route under the
// forward's prefix, and a control adapter.

static CONSUMES: &[ConsumesSpec] = &[ConsumesSpec {
    namespace: "up",
    env_prefix: "UP",
    base_url: "http://127.0.0.1:9/v1",
    timeout_ms: 5_000,
    auth: Auth::ApiKey {
        name: "X-Up-Key",
        value: Value::Secret("UP_KEY"),
        placement: ApiKeyPlacement::Header,
    },
    default_params: &[
        DefaultParam {
            name: "Notion-Version",
            location: ParamLocation::Header,
            value: Value::Literal("\"2022-06-28\""),
        },
        DefaultParam {
            name: "api-version",
            location: ParamLocation::Query,
            value: Value::Literal("\"1\""),
        },
    ],
}];

static ROUTES: &[RestRoute] = &[RestRoute {
    method: "GET",
    path: "/notion/special",
    name: "special",
    inputs: &[],
    handler: Handler::Static {
        body: "{\"special\":true}",
        content_type: "application/json",
    },
}];

static SPEC: CapabilitySpec = CapabilitySpec {
    name: "proxy",
    description: "",
    consumes: CONSUMES,
    secrets: &[
        SecretSpec {
            key: "UP_KEY",
            source_name: "UP_KEY",
            file: None,
        },
        SecretSpec {
            key: "CALLER_TOKEN",
            source_name: "CALLER_TOKEN",
            file: None,
        },
    ],
    rest: &[RestAdapterSpec {
        namespace: "api",
        env_prefix: "API",
        default_addr: "127.0.0.1:0",
        routes: ROUTES,
        openapi: "{}",
        auth: ExposedAuth::Bearer {
            token: Value::Secret("CALLER_TOKEN"),
        },
        forwards: &[RestForward {
            name: "notion-proxy",
            prefix: "/notion",
            consumes: 0,
            trusted_headers: &["notion-version", "x-trace"],
        }],
    }],
    mcp: &[],
    control: &[ControlAdapterSpec {
        namespace: "control",
        env_prefix: "CONTROL",
        default_addr: "127.0.0.1:0",
    }],
};

const CALLER_TOKEN: &str = "caller-secret";
const UP_KEY: &str = "upstream-secret";

// ---------------------------------------------------------------------------------------------
// A recording upstream.

#[derive(Debug, Clone)]
struct Received {
    method: String,
    path_and_query: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

#[derive(Clone, Default)]
struct Upstream {
    received: Arc<Mutex<Vec<Received>>>,
}

impl Upstream {
    async fn start() -> (Upstream, String) {
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

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

// ---------------------------------------------------------------------------------------------
// Running the capability.

struct App {
    rest: String,
    control: String,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn runtime(base_url: &str) -> Runtime {
    let base_url = base_url.to_owned();
    Runtime::from_source(&SPEC, move |name| match name {
        "UP_BASE_URL" => Some(base_url.clone()),
        "UP_KEY" => Some(UP_KEY.to_owned()),
        "CALLER_TOKEN" => Some(CALLER_TOKEN.to_owned()),
        "API_ADDR" | "CONTROL_ADDR" => Some("127.0.0.1:0".to_owned()),
        _ => None,
    })
    .expect("runtime")
}

async fn serve(rt: Runtime) -> App {
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

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Sends `request_line` as written (clients normalise `..` away before sending) and returns
/// the status code of the answer.
async fn raw_status(base: &str, request_line: &str) -> u16 {
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

// ---------------------------------------------------------------------------------------------
// Forward.

#[tokio::test]
async fn a_forwarded_request_carries_method_path_query_body_trusted_headers_and_auth() {
    let (upstream, base) = Upstream::start().await;
    let app = serve(runtime(&base)).await;
    let response = client()
        .post(format!("{}/notion/pages/p%201?x=1&y=two", app.rest))
        .bearer_auth(CALLER_TOKEN)
        .header("content-type", "text/plain")
        .header("X-Trace", "t-1")
        .header("notion-version", "2099-01-01")
        .header("X-Internal", "not for upstream")
        .header("Cookie", "session=ours")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["x-upstream"], "yes");
    assert_eq!(response.headers()[header::CONTENT_TYPE], "text/plain");
    assert_eq!(response.text().await.unwrap(), "got:hello");

    let received = upstream.received();
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.method, "POST");
    assert_eq!(
        got.path_and_query,
        "/v1/pages/p%201?x=1&y=two&api-version=1"
    );
    assert_eq!(got.body, b"hello");
    assert_eq!(got.headers["x-up-key"], UP_KEY);
    assert_eq!(got.headers["x-trace"], "t-1");
    // A trusted header the caller sends wins over the namespace's default.
    assert_eq!(got.headers["notion-version"], "2099-01-01");
    assert_eq!(got.headers[header::CONTENT_TYPE], "text/plain");
    assert_eq!(got.headers[header::CONTENT_LENGTH], "5");
    for dropped in ["authorization", "x-internal", "cookie"] {
        assert!(
            !got.headers.contains_key(dropped),
            "{dropped} reached upstream"
        );
    }
}

#[tokio::test]
async fn the_bare_prefix_and_its_trailing_slash_are_forwarded_with_namespace_defaults() {
    let (upstream, base) = Upstream::start().await;
    let app = serve(runtime(&base)).await;
    for path in ["/notion", "/notion/"] {
        let response = client()
            .delete(format!("{}{path}", app.rest))
            .bearer_auth(CALLER_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "{path}");
    }
    let received = upstream.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].method, "DELETE");
    assert_eq!(received[0].path_and_query, "/v1?api-version=1");
    assert_eq!(received[1].path_and_query, "/v1/?api-version=1");
    assert_eq!(received[0].headers["notion-version"], "2022-06-28");
    assert!(received[0].body.is_empty());
}

#[tokio::test]
async fn upstream_errors_pass_through_with_status_and_body() {
    let (_upstream, base) = Upstream::start().await;
    let app = serve(runtime(&base)).await;
    let response = client()
        .get(format!("{}/notion/pages/missing", app.rest))
        .bearer_auth(CALLER_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        response.text().await.unwrap(),
        "{\"error\":\"no such page\"}"
    );
}

#[tokio::test]
async fn dot_segments_are_refused_before_anything_is_sent() {
    let (upstream, base) = Upstream::start().await;
    let app = serve(runtime(&base)).await;
    for line in [
        "GET /notion/../admin HTTP/1.1",
        "GET /notion/a/../../secrets HTTP/1.1",
        "GET /notion/%2e%2E/admin HTTP/1.1",
        "GET /notion/a%2F..%2F..%2Fadmin HTTP/1.1",
        "GET /notion/. HTTP/1.1",
    ] {
        assert_eq!(raw_status(&app.rest, line).await, 400, "{line}");
    }
    assert!(upstream.received().is_empty(), "{:?}", upstream.received());
    // Dots inside a segment are just text.
    assert_eq!(
        raw_status(&app.rest, "GET /notion/v1..2 HTTP/1.1").await,
        201
    );
    assert_eq!(
        upstream.received()[0].path_and_query,
        "/v1/v1..2?api-version=1"
    );
}

#[tokio::test]
async fn declared_routes_keep_their_methods_and_the_others_are_forwarded() {
    let (upstream, base) = Upstream::start().await;
    let app = serve(runtime(&base)).await;
    let declared = client()
        .get(format!("{}/notion/special", app.rest))
        .bearer_auth(CALLER_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status(), StatusCode::OK);
    assert_eq!(declared.text().await.unwrap(), "{\"special\":true}");
    assert!(upstream.received().is_empty());

    let other_method = client()
        .put(format!("{}/notion/special", app.rest))
        .bearer_auth(CALLER_TOKEN)
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(other_method.status(), StatusCode::CREATED);
    let deeper = client()
        .get(format!("{}/notion/special/child", app.rest))
        .bearer_auth(CALLER_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(deeper.status(), StatusCode::CREATED);
    let received = upstream.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].method, "PUT");
    assert_eq!(received[0].path_and_query, "/v1/special?api-version=1");
    assert_eq!(
        received[1].path_and_query,
        "/v1/special/child?api-version=1"
    );
}

#[tokio::test]
async fn callers_without_the_adapter_credential_are_refused() {
    let (upstream, base) = Upstream::start().await;
    let app = serve(runtime(&base)).await;
    let response = client()
        .get(format!("{}/notion/pages", app.rest))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(upstream.received().is_empty());
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_502_problem() {
    let closed = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    };
    let app = serve(runtime(&format!("http://{closed}/v1"))).await;
    let response = client()
        .get(format!("{}/notion/pages", app.rest))
        .bearer_auth(CALLER_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let metrics = client()
        .get(format!("{}/metrics", app.control))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            "naftiko_upstream_errors_total{namespace=\"up\",operation=\"notion-proxy\",kind=\"unanswered\"} 1\n"
        ),
        "{metrics}"
    );
}

// ---------------------------------------------------------------------------------------------
// Control.

#[derive(Clone, Default)]
struct CountingHooks {
    answered: Arc<AtomicUsize>,
}

impl Hooks for CountingHooks {
    fn after(&self, _operation: &str, _status: StatusCode, _elapsed: Duration) {
        self.answered.fetch_add(1, Ordering::Relaxed);
    }
}

#[tokio::test]
async fn control_serves_liveness_readiness_and_metrics_after_requests() {
    let (_upstream, base) = Upstream::start().await;
    let hooks = CountingHooks::default();
    let app = serve(runtime(&base).with_hooks(hooks.clone())).await;
    let http = client();
    let call = |path: &str| {
        http.get(format!("{}{path}", app.rest))
            .bearer_auth(CALLER_TOKEN)
            .send()
    };
    assert_eq!(call("/notion/a").await.unwrap().status(), 201);
    assert_eq!(call("/notion/b").await.unwrap().status(), 201);
    assert_eq!(call("/notion/missing").await.unwrap().status(), 404);
    assert_eq!(call("/notion/broken").await.unwrap().status(), 502);
    assert_eq!(call("/notion/special").await.unwrap().status(), 200);
    assert_eq!(
        hooks.answered.load(Ordering::Relaxed),
        4,
        "user hooks still run"
    );

    let live = http
        .get(format!("{}/health/live", app.control))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let ready = http
        .get(format!("{}/health/ready", app.control))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(ready.text().await.unwrap(), "{\"status\":\"ready\"}");

    let metrics = http
        .get(format!("{}/metrics", app.control))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), StatusCode::OK);
    assert!(
        metrics.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = metrics.text().await.unwrap();
    let proxy = "adapter=\"api\",route=\"notion-proxy\"";
    for line in [
        format!("naftiko_http_requests_total{{{proxy},status=\"201\"}} 2"),
        format!("naftiko_http_requests_total{{{proxy},status=\"404\"}} 1"),
        format!("naftiko_http_requests_total{{{proxy},status=\"502\"}} 1"),
        "naftiko_http_requests_total{adapter=\"api\",route=\"special\",status=\"200\"} 1".to_owned(),
        format!("naftiko_http_request_duration_seconds_count{{{proxy}}} 4"),
        format!("naftiko_http_request_duration_seconds_bucket{{{proxy},le=\"+Inf\"}} 4"),
        "naftiko_upstream_requests_total{namespace=\"up\",operation=\"notion-proxy\"} 4".to_owned(),
        "naftiko_upstream_errors_total{namespace=\"up\",operation=\"notion-proxy\",kind=\"status\"} 1"
            .to_owned(),
        "naftiko_upstream_errors_total{namespace=\"up\",operation=\"notion-proxy\",kind=\"unanswered\"} 0"
            .to_owned(),
        "# TYPE naftiko_http_request_duration_seconds histogram".to_owned(),
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in:\n{text}");
    }
    let unknown = http
        .get(format!("{}/nope", app.control))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn readiness_is_503_until_the_adapters_are_served() {
    let rt = runtime("http://127.0.0.1:9/v1");
    // The control router alone, outside a `Server`: no adapter is being served.
    let router = naftiko_runtime::__private::control_router(rt.clone(), 0).expect("router");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let http = client();
    let ready = http
        .get(format!("http://{addr}/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(ready.text().await.unwrap().contains("0 of 0 adapters"));
    let live = http
        .get(format!("http://{addr}/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    assert!(matches!(
        naftiko_runtime::__private::control_router(rt, 1),
        Err(Error::Serve(_))
    ));
}

#[tokio::test]
async fn a_route_with_a_placeholder_where_a_forward_takes_sub_paths_is_refused() {
    static CLASH: CapabilitySpec = CapabilitySpec {
        name: "clash",
        description: "",
        consumes: CONSUMES,
        secrets: &[],
        rest: &[RestAdapterSpec {
            namespace: "clash",
            env_prefix: "CLASH",
            default_addr: "127.0.0.1:0",
            routes: &[RestRoute {
                method: "GET",
                path: "/notion/{id}",
                name: "by-id",
                inputs: &[],
                handler: Handler::Static {
                    body: "{}",
                    content_type: "application/json",
                },
            }],
            openapi: "",
            auth: ExposedAuth::None,
            forwards: &[RestForward {
                name: "proxy",
                prefix: "/notion",
                consumes: 0,
                trusted_headers: &[],
            }],
        }],
        mcp: &[],
        control: &[],
    };
    let rt = Runtime::from_lookup(&CLASH, &|_| None).expect("runtime");
    let error = naftiko_runtime::__private::rest_router(rt, 0).expect_err("clash");
    assert!(error.to_string().contains("/notion/{id}"), "{error}");
}
