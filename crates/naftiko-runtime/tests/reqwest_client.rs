//! Upstream calls through a user's own `reqwest::Client` (`HttpClient::Reqwest`), and the
//! runtime built with settings given in code (`Runtime::builder`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::borrow::Cow;
use std::time::Duration;

use naftiko_runtime::spec::*;
use naftiko_runtime::{Error, Runtime};
use serde_json::{Value as Json, json};
use support::echo_upstream;

const POST_ITEM_CONST: HttpOperation = HttpOperation {
    name: text("post-item"),
    method: text("POST"),
    description: text(""),
    path: Cow::Borrowed(&[PathPart::Literal(text("/items"))]),
    inputs: Cow::Borrowed(&[OperationInput {
        name: text("name"),
        location: Some(ParamLocation::Body),
        wire_name: text("name"),
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
static POST_ITEM: HttpOperation = POST_ITEM_CONST;

static CONSUMES: &[ConsumesSpec] = &[ConsumesSpec {
    namespace: text("echo"),
    env_prefix: text("ECHO"),
    base_url: text("http://127.0.0.1:1"),
    description: text(""),
    timeout_ms: 10_000,
    auth: Auth::Bearer {
        token: Value::Secret(text("TOKEN")),
    },
    default_params: list(&[]),
    operations: Cow::Borrowed(&[POST_ITEM_CONST]),
}];

static SECRETS: &[SecretSpec] = &[SecretSpec {
    key: text("TOKEN"),
    source_name: text("TOKEN"),
    file: None,
}];

static SPEC: CapabilitySpec = CapabilitySpec {
    name: text("reqwest-test"),
    description: text(""),
    consumes: list(CONSUMES),
    secrets: list(SECRETS),
    rest: list(&[]),
    mcp: list(&[]),
    control: list(&[]),
};

async fn post_item(runtime: &Runtime) -> Result<Json, Error> {
    let mut args = naftiko_runtime::__private::Inputs::new();
    args.insert("name".to_owned(), json!("widget"));
    runtime
        .client(ConsumesId(0))
        .call(&POST_ITEM, &args)
        .await?
        .json::<Json>()
}

#[cfg(feature = "reqwest")]
fn users_client() -> reqwest_client::Client {
    let mut headers = http::HeaderMap::new();
    headers.insert("x-made-by", http::HeaderValue::from_static("the-user"));
    reqwest_client::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

#[cfg(feature = "reqwest")]
#[tokio::test]
async fn a_users_reqwest_client_carries_the_calls() {
    let upstream = echo_upstream::start().await;
    let runtime = Runtime::builder(&SPEC)
        .base_url("echo", format!("http://{upstream}"))
        .secret("TOKEN", "tok-secret")
        .reqwest_client(users_client())
        .build()
        .unwrap();
    let echoed = post_item(&runtime).await.unwrap();
    let headers = &echoed["headers"];
    // The user's default header: the user's client sent this request.
    assert_eq!(headers["x-made-by"], "the-user", "{echoed}");
    // What the runtime adds is still there: auth, the body and its length.
    assert_eq!(headers["authorization"], "Bearer tok-secret");
    assert_eq!(echoed["method"], "POST");
    assert_eq!(echoed["uri"], "/items");
    assert_eq!(echoed["body"], r#"{"name":"widget"}"#);
    assert_eq!(headers["content-length"], "17");
    assert!(headers.get("transfer-encoding").is_none(), "{echoed}");
}

#[cfg(feature = "reqwest")]
#[tokio::test]
async fn through_reqwest_failures_keep_their_kinds_and_never_name_the_url() {
    let closed = echo_upstream::closed_port().await;
    let runtime = Runtime::builder(&SPEC)
        .base_url("echo", format!("http://127.0.0.1:{closed}/secret-path"))
        .secret("TOKEN", "tok-secret")
        .reqwest_client(users_client())
        .build()
        .unwrap();
    let Err(Error::Transport { message, .. }) = post_item(&runtime).await else {
        panic!("a refused connection is not a transport error")
    };
    assert!(!message.contains("secret-path"), "{message}");

    // The namespace's timeout bounds the call, whichever client sends it: this upstream
    // accepts the connection and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_addr = silent.local_addr().unwrap();
    let held = tokio::spawn(async move { silent.accept().await.map(|(socket, _)| socket) });
    let runtime = Runtime::builder(&SPEC)
        .base_url("echo", format!("http://{silent_addr}"))
        .timeout("echo", Duration::from_millis(100))
        .secret("TOKEN", "tok-secret")
        .reqwest_client(users_client())
        .build()
        .unwrap();
    let result = post_item(&runtime).await;
    assert!(
        matches!(
            result,
            Err(Error::Timeout {
                timeout_ms: 100,
                ..
            })
        ),
        "{result:?}"
    );
    held.abort();
}

#[cfg(not(feature = "reqwest"))]
#[test]
fn a_users_reqwest_client_carries_the_calls() {
    test_skip::skip(
        "a_users_reqwest_client_carries_the_calls",
        "naftiko-runtime was built without its `reqwest` feature",
    );
}

#[tokio::test]
async fn the_builder_gives_settings_in_code_and_reports_every_problem() {
    let upstream = echo_upstream::start().await;
    let runtime = Runtime::builder(&SPEC)
        .base_url("echo", format!("http://{upstream}"))
        .secret("TOKEN", "tok-secret")
        .build()
        .unwrap();
    let echoed = post_item(&runtime).await.unwrap();
    assert_eq!(echoed["headers"]["authorization"], "Bearer tok-secret");
    assert!(
        echoed["headers"]["user-agent"]
            .as_str()
            .is_some_and(|agent| agent.starts_with("naftiko-rs/")),
        "{echoed}"
    );
    assert!(
        !format!(
            "{:?}",
            Runtime::builder(&SPEC).secret("TOKEN", "tok-secret")
        )
        .contains("tok-secret")
    );

    let Err(Error::Config { missing, problems }) = Runtime::builder(&SPEC)
        .base_url("nowhere", "http://127.0.0.1:1")
        .var("HTTP_PROXY", "ftp://proxy.example")
        .build()
    else {
        panic!("bad settings accepted")
    };
    assert_eq!(missing, ["TOKEN"]);
    let all = problems.join("\n");
    assert!(
        all.contains("`nowhere` is not a consumed namespace"),
        "{all}"
    );
    assert!(all.contains("`HTTP_PROXY`"), "{all}");
}
