//! `naftiko_runtime::router`: a capability's REST and MCP adapters as one axum router, merged
//! into an application that serves its own routes, on a listener of its own. And the other
//! way round: the built-in server with a program's own tower layers (`Server::layer`).

mod support;

use std::borrow::Cow;
use std::net::SocketAddr;

use axum::routing::get;
use http::{StatusCode, header};
use naftiko_runtime::spec::*;
use naftiko_runtime::{Error, Runtime, Server};
use support::mcp_client::{INITIALIZE, bounded, serve};
use support::recording_upstream::Upstream;
use support::rest_capability::{CANCEL_RUN, GET_RUN, LIST_RUNS, ROUTES, client};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// One REST adapter (the REST tests' routes) and one MCP adapter that wants a bearer token.
static EMBEDDED: CapabilitySpec = CapabilitySpec {
    name: text("runs"),
    description: text(""),
    consumes: Cow::Borrowed(&[ConsumesSpec {
        namespace: text("runs-api"),
        env_prefix: text("RUNS_API"),
        base_url: text("http://127.0.0.1:9"),
        timeout_ms: 30_000,
        auth: Auth::None,
        description: text(""),
        default_params: list(&[]),
        operations: Cow::Borrowed(&[GET_RUN, CANCEL_RUN, LIST_RUNS]),
    }]),
    secrets: list(&[]),
    rest: Cow::Borrowed(&[RestAdapterSpec {
        namespace: text("runs-rest"),
        env_prefix: text("RUNS_REST"),
        default_addr: text("127.0.0.1:0"),
        description: text(""),
        routes: ROUTES,
        openapi: text(r#"{"openapi":"3.1.0"}"#),
        auth: Auth::None,
        forwards: list(&[]),
    }]),
    mcp: Cow::Borrowed(&[McpAdapterSpec {
        namespace: text("runs-mcp"),
        env_prefix: text("RUNS_MCP"),
        default_addr: text("127.0.0.1:0"),
        transport: McpTransport::Http,
        ttl_ms: None,
        cache_scope: None,
        description: text(""),
        tools: list(&[]),
        resources: list(&[]),
        prompts: list(&[]),
        auth: Auth::Bearer {
            token: Value::Literal(text("\"s3cret\"")),
        },
    }]),
    control: list(&[]),
};

fn runtime(spec: &'static CapabilitySpec, base_url: &str) -> Result<Runtime, Error> {
    let base_url = base_url.to_owned();
    Runtime::from_lookup(spec, &move |name| {
        (name == "RUNS_API_BASE_URL").then(|| base_url.clone())
    })
}

/// An application with a route of its own and `naftiko_runtime::router` merged in, served by
/// axum on loopback.
async fn application(rt: Runtime) -> SocketAddr {
    let app = axum::Router::new()
        .route("/own", get(|| async { "the application's own" }))
        .merge(naftiko_runtime::router(rt).expect("the adapters merge"));
    serve(app).await
}

#[tokio::test]
async fn merged_adapters_answer_beside_the_applications_routes() {
    let (upstream, base) = Upstream::start().await;
    let addr = application(runtime(&EMBEDDED, &base).expect("runtime")).await;
    let client = client();

    let own = client
        .get(format!("http://{addr}/own"))
        .send()
        .await
        .expect("own route");
    assert_eq!(own.status(), StatusCode::OK);
    assert_eq!(own.text().await.expect("body"), "the application's own");

    let run = client
        .get(format!("http://{addr}/runs/r-1"))
        .send()
        .await
        .expect("REST route");
    assert_eq!(run.status(), StatusCode::OK);
    assert_eq!(
        run.text().await.expect("body"),
        r#"{ "id" : "r-1", "status" : "Running" }"#
    );
    let received = upstream.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].path, "/v1/runs/r-1");

    // The adapter's own method handling and its OpenAPI document came along.
    let wrong_method = client
        .delete(format!("http://{addr}/runs/r-1"))
        .send()
        .await
        .expect("DELETE");
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.headers()[header::ALLOW], "GET,HEAD");
    let openapi = client
        .get(format!("http://{addr}/openapi.json"))
        .send()
        .await
        .expect("OpenAPI");
    assert_eq!(openapi.status(), StatusCode::OK);

    // The MCP adapter at /mcp, with its credential check.
    let refused = mcp_initialize(&client, addr, None).await;
    assert_eq!(refused, StatusCode::UNAUTHORIZED);
    let accepted = mcp_initialize(&client, addr, Some("s3cret")).await;
    assert_eq!(accepted, StatusCode::OK);
}

async fn mcp_initialize(
    client: &reqwest::Client,
    addr: SocketAddr,
    token: Option<&str>,
) -> StatusCode {
    let mut request = client
        .post(format!("http://{addr}/mcp"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json, text/event-stream")
        .body(INITIALIZE);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    bounded("MCP initialize", request.send())
        .await
        .expect("MCP request")
        .status()
}

#[tokio::test]
async fn the_applications_other_paths_stay_its_own() {
    let (_upstream, base) = Upstream::start().await;
    let client = client();

    // The application's default fallback: a plain 404, not the MCP adapter's 401 nor the
    // REST adapter's problem.
    let addr = application(runtime(&EMBEDDED, &base).expect("runtime")).await;
    let unknown = client
        .get(format!("http://{addr}/elsewhere"))
        .send()
        .await
        .expect("unknown path");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(unknown.headers().get(header::CONTENT_TYPE).is_none());

    // An application with a fallback of its own keeps it (axum refuses to merge two).
    let rt = runtime(&EMBEDDED, &base).expect("runtime");
    let app = naftiko_runtime::router(rt)
        .expect("the adapters merge")
        .fallback(|| async { (StatusCode::IM_A_TEAPOT, "the application's fallback") });
    let addr = serve(app).await;
    let unknown = client
        .get(format!("http://{addr}/elsewhere"))
        .send()
        .await
        .expect("unknown path");
    assert_eq!(unknown.status(), StatusCode::IM_A_TEAPOT);
}

#[test]
fn two_rest_adapters_on_one_path_are_an_error_naming_both() {
    // The REST tests' capability serves the same routes on two adapters.
    let rt = support::rest_capability::runtime("http://127.0.0.1:9", &[]).expect("runtime");
    let error = naftiko_runtime::router(rt).expect_err("the adapters overlap");
    let message = error.to_string();
    assert!(matches!(error, Error::Serve(_)), "{message}");
    assert!(
        message.contains(
            "REST adapter `runs-secure` and REST adapter `runs-rest` both route `/runs/{id}`"
        ),
        "{message}"
    );
}

#[test]
fn two_mcp_adapters_at_mcp_are_an_error_naming_both() {
    let rt =
        Runtime::from_lookup(&support::mcp_capability::CAPABILITY, &|_| None).expect("runtime");
    let error = naftiko_runtime::router(rt).expect_err("the adapters overlap");
    let message = error.to_string();
    assert!(
        message.contains(
            "MCP adapter `runs-mcp-private` and MCP adapter `runs-mcp` both route `/mcp`"
        ),
        "{message}"
    );
}

/// Appends `x-layer: <name>` to an answer, so the order of several layers shows.
fn tag(mut response: axum::response::Response, name: &'static str) -> axum::response::Response {
    response
        .headers_mut()
        .append("x-layer", http::HeaderValue::from_static(name));
    response
}

async fn tag_first(response: axum::response::Response) -> axum::response::Response {
    tag(response, "first")
}

async fn tag_second(response: axum::response::Response) -> axum::response::Response {
    tag(response, "second")
}

fn layers_of(headers: &http::HeaderMap) -> Vec<&str> {
    headers
        .get_all("x-layer")
        .iter()
        .map(|value| value.to_str().expect("ASCII"))
        .collect()
}

/// Sends `GET {target}` with an `X-Filler` header of `filler` bytes on a fresh connection and
/// returns the whole answer.
async fn raw_get(addr: SocketAddr, target: &str, filler: usize) -> String {
    let mut stream = bounded("connect", tokio::net::TcpStream::connect(addr))
        .await
        .expect("connect");
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nX-Filler: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(filler)
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    bounded("the raw answer", stream.read_to_end(&mut answer))
        .await
        .expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn layers_on_the_built_in_server_wrap_every_listener_inside_its_head_cap() {
    let (upstream, base) = Upstream::start().await;
    let base = base.clone();
    let rt = Runtime::from_lookup(&EMBEDDED, &move |name| match name {
        "RUNS_API_BASE_URL" => Some(base.clone()),
        "RUNS_REST_MAX_HEADER_BYTES" => Some("2048".to_owned()),
        _ => None,
    })
    .expect("runtime");
    let server = Server::bind(rt)
        .await
        .expect("bind")
        .layer(axum::middleware::map_response(tag_first))
        .layer(axum::middleware::map_response(tag_second));
    let rest = server.rest_addrs()[0];
    let mcp = server.mcp_addrs()[0];
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let client = client();

    // REST: the route answers through both layers, the later one outside the earlier.
    let run = bounded(
        "REST call",
        client.get(format!("http://{rest}/runs/r-1")).send(),
    )
    .await
    .expect("REST route");
    assert_eq!(run.status(), StatusCode::OK);
    assert_eq!(layers_of(run.headers()), ["first", "second"]);
    assert_eq!(upstream.received().len(), 1);
    // The adapter's own 404 is under the layers too.
    let unknown = bounded(
        "unknown path",
        client.get(format!("http://{rest}/elsewhere")).send(),
    )
    .await
    .expect("unknown path");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(layers_of(unknown.headers()), ["first", "second"]);

    // MCP: the credential check's refusal and an accepted initialize alike.
    for (token, status) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some("s3cret"), StatusCode::OK),
    ] {
        let mut request = client
            .post(format!("http://{mcp}/mcp"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json, text/event-stream")
            .body(INITIALIZE);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let answer = bounded("MCP initialize", request.send())
            .await
            .expect("MCP request");
        assert_eq!(answer.status(), status);
        assert_eq!(layers_of(answer.headers()), ["first", "second"]);
    }

    // The server's request-head cap stays outside the layers: a head under it is served
    // through them; one over it gets the connection's 431, which no layer saw.
    let under = raw_get(rest, "/runs/r-2", 1024).await;
    assert!(under.starts_with("HTTP/1.1 200"), "{under}");
    assert!(under.contains("x-layer: second"), "{under}");
    let over = raw_get(rest, "/runs/r-3", 4096).await;
    assert!(over.starts_with("HTTP/1.1 431"), "{over}");
    assert!(!over.contains("x-layer"), "{over}");
    assert_eq!(upstream.received().len(), 2);

    let _ = stop.send(());
    bounded("graceful shutdown", served)
        .await
        .expect("server task")
        .expect("server");
}
