//! Upstream calls through a forward proxy: `HTTP_PROXY` (absolute-form requests),
//! `HTTPS_PROXY` (a CONNECT tunnel) and `NO_PROXY`, as the runtime reads them at start-up.
//! The settings come through `Runtime::from_lookup`, the way the environment is read, so
//! these tests change no process-wide state.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::borrow::Cow;
use std::net::SocketAddr;

use http::StatusCode;
use naftiko_runtime::spec::*;
use naftiko_runtime::{Error, Runtime};
use serde_json::{Value as Json, json};
use support::echo_upstream;
use support::forward_proxy::Proxy;

const GET_ITEM_CONST: HttpOperation = HttpOperation {
    name: text("get-item"),
    method: text("GET"),
    description: text(""),
    path: Cow::Borrowed(&[
        PathPart::Literal(text("/items/")),
        PathPart::Param(text("id")),
    ]),
    inputs: Cow::Borrowed(&[OperationInput {
        name: text("id"),
        location: Some(ParamLocation::Path),
        wire_name: text("id"),
        ty: ValueType::Any,
        required: true,
        fixed: None,
        description: text(""),
    }]),
    body: RequestBody::Fields,
    output_format: RawFormat::Json,
    output: naftiko_runtime::spec::Output::Passthrough,
    output_schema: None,
};

/// The operation as `call` takes it: a `'static` one.
static GET_ITEM: HttpOperation = GET_ITEM_CONST;

static CONSUMES: &[ConsumesSpec] = &[ConsumesSpec {
    namespace: text("echo"),
    env_prefix: text("ECHO"),
    base_url: text("http://127.0.0.1:1"),
    description: text(""),
    timeout_ms: 10_000,
    auth: Auth::None,
    default_params: list(&[]),
    operations: Cow::Borrowed(&[GET_ITEM_CONST]),
}];

static SPEC: CapabilitySpec = CapabilitySpec {
    name: text("proxy-test"),
    description: text(""),
    consumes: list(CONSUMES),
    secrets: list(&[]),
    rest: list(&[]),
    mcp: list(&[]),
    control: list(&[]),
};

fn runtime(vars: &[(&str, String)]) -> Runtime {
    Runtime::from_lookup(&SPEC, &|name| {
        vars.iter()
            .find(|(var, _)| *var == name)
            .map(|(_, value)| value.clone())
    })
    .unwrap()
}

async fn get_item(runtime: &Runtime) -> Result<Json, Error> {
    let mut args = naftiko_runtime::__private::Inputs::new();
    args.insert("id".to_owned(), json!("7"));
    let response = runtime.client(ConsumesId(0)).call(&GET_ITEM, &args).await?;
    assert_eq!(response.status, StatusCode::OK);
    response.json::<Json>()
}

async fn upstream() -> SocketAddr {
    echo_upstream::start().await
}

#[tokio::test]
async fn http_proxy_carries_plain_http_calls_in_absolute_form() {
    let upstream = upstream().await;
    let (proxy, proxy_addr) = Proxy::start().await;
    let runtime = runtime(&[
        ("ECHO_BASE_URL", format!("http://{upstream}")),
        ("HTTP_PROXY", format!("http://user:p%40ss@{proxy_addr}")),
    ]);
    let echoed = get_item(&runtime).await.unwrap();
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(
        seen[0].request_line,
        format!("GET http://{upstream}/items/7 HTTP/1.1")
    );
    // `user:p@ss`, percent-decoded from the URL, then Base64.
    assert_eq!(
        seen[0].proxy_authorization.as_deref(),
        Some("Basic dXNlcjpwQHNz")
    );
    // The upstream got the request the proxy passed on, credentials for the proxy included
    // (a real proxy strips them; this one passes everything through).
    assert_eq!(echoed["uri"], format!("http://{upstream}/items/7"));
}

#[tokio::test]
async fn no_proxy_sends_matching_hosts_direct() {
    let upstream = upstream().await;
    let (proxy, proxy_addr) = Proxy::start().await;
    let runtime = runtime(&[
        ("ECHO_BASE_URL", format!("http://{upstream}")),
        ("http_proxy", format!("http://{proxy_addr}")),
        ("NO_PROXY", "localhost, 127.0.0.1".to_owned()),
    ]);
    let echoed = get_item(&runtime).await.unwrap();
    assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());
    assert_eq!(echoed["uri"], "/items/7");
}

#[tokio::test]
async fn without_proxy_variables_calls_go_direct() {
    let upstream = upstream().await;
    let (proxy, proxy_addr) = Proxy::start().await;
    // Only the HTTPS upstreams' proxy is set: a plain-HTTP upstream is reached directly.
    let runtime = runtime(&[
        ("ECHO_BASE_URL", format!("http://{upstream}")),
        ("HTTPS_PROXY", format!("http://{proxy_addr}")),
    ]);
    let echoed = get_item(&runtime).await.unwrap();
    assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());
    assert_eq!(echoed["uri"], "/items/7");
}

#[tokio::test]
async fn https_proxy_opens_a_connect_tunnel_with_the_credentials() {
    // The upstream speaks plain HTTP: the TLS handshake inside the tunnel fails, after the
    // proxy has seen the CONNECT. (tls.rs carries a whole HTTPS call through a tunnel.)
    let upstream = upstream().await;
    let (proxy, proxy_addr) = Proxy::start().await;
    let runtime = runtime(&[
        ("ECHO_BASE_URL", format!("https://{upstream}")),
        ("HTTPS_PROXY", format!("http://tunnel:secret@{proxy_addr}")),
    ]);
    let result = get_item(&runtime).await;
    assert!(matches!(result, Err(Error::Transport { .. })), "{result:?}");
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].request_line, format!("CONNECT {upstream} HTTP/1.1"));
    assert_eq!(
        seen[0].proxy_authorization.as_deref(),
        Some("Basic dHVubmVsOnNlY3JldA==")
    );
}

#[test]
fn an_unusable_proxy_url_stops_the_start_naming_the_variable() {
    let result = Runtime::from_lookup(&SPEC, &|name| {
        (name == "HTTPS_PROXY").then(|| "ftp://proxy.example:21".to_owned())
    });
    let Err(Error::Config { problems, .. }) = result else {
        panic!("accepted: {result:?}")
    };
    assert!(
        problems
            .iter()
            .any(|problem| problem.contains("`HTTPS_PROXY`")),
        "{problems:?}"
    );
}
