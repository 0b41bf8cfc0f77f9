//! `naftiko_runtime::router`: a capability's REST and MCP adapters as one axum router, merged
//! into an application that serves its own routes, on a listener of its own.

mod support;

use std::borrow::Cow;
use std::net::SocketAddr;

use axum::routing::get;
use http::{StatusCode, header};
use naftiko_runtime::spec::*;
use naftiko_runtime::{Error, Runtime};
use support::mcp_client::{INITIALIZE, bounded, serve};
use support::recording_upstream::Upstream;
use support::rest_capability::{CANCEL_RUN, GET_RUN, LIST_RUNS, ROUTES, client};

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
