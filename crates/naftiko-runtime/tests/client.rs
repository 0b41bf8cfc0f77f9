//! The upstream client against a real HTTP server on loopback: what goes on the wire, how
//! answers and failures come back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::echo_upstream;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use naftiko_runtime::__private::Inputs;
use naftiko_runtime::spec::*;
use naftiko_runtime::{Error, Response, Runtime};
use naftiko_runtime::{Hooks, RequestParts};
use serde_json::{Value as Json, json};

const fn ns(
    namespace: &'static str,
    env_prefix: &'static str,
    auth: Auth,
    default_params: &'static [DefaultParam],
) -> ConsumesSpec {
    ConsumesSpec {
        namespace,
        env_prefix,
        base_url: "http://127.0.0.1:1",
        timeout_ms: 30_000,
        auth,
        default_params,
    }
}

const fn input(
    name: &'static str,
    location: Option<ParamLocation>,
    wire_name: &'static str,
    required: bool,
) -> OperationInput {
    OperationInput {
        name,
        location,
        wire_name,
        ty: ValueType::Any,
        required,
        fixed: None,
    }
}

const fn op(
    consumes: usize,
    method: &'static str,
    path: &'static [PathPart],
    inputs: &'static [OperationInput],
    body: RequestBody,
) -> HttpOperation {
    HttpOperation {
        consumes,
        name: "op",
        method,
        path,
        inputs,
        body,
        output_format: RawFormat::Json,
    }
}

static CONSUMES: &[ConsumesSpec] = &[
    ns(
        "echo",
        "ECHO",
        Auth::Bearer {
            token: Value::Secret("TOKEN"),
        },
        &[
            DefaultParam {
                name: "X-Api-Version",
                location: ParamLocation::Header,
                value: Value::Literal("\"2024-01-01\""),
            },
            DefaultParam {
                name: "tenant",
                location: ParamLocation::Query,
                value: Value::Literal("\"acme\""),
            },
        ],
    ),
    ns(
        "keyed",
        "KEYED",
        Auth::ApiKey {
            name: "api_key",
            value: Value::Secret("API_KEY"),
            placement: ApiKeyPlacement::Query,
        },
        &[],
    ),
    ns(
        "basic",
        "BASIC",
        Auth::Basic {
            username: Value::Literal("\"user\""),
            password: Value::Secret("PASS"),
        },
        &[],
    ),
    ns(
        "digest",
        "DIGEST",
        Auth::Digest {
            username: Value::Literal("\"Mufasa\""),
            password: Value::Secret("DIGEST_PASS"),
        },
        &[],
    ),
    ns("slow", "SLOW", Auth::None, &[]),
    ns("down", "DOWN", Auth::None, &[]),
    ns(
        "cookie",
        "COOKIE",
        Auth::ApiKey {
            name: "key",
            value: Value::Secret("API_KEY"),
            placement: ApiKeyPlacement::Cookie,
        },
        &[],
    ),
    ns("plain", "PLAIN", Auth::None, &[]),
];

static SECRETS: &[SecretSpec] = &[
    SecretSpec {
        key: "TOKEN",
        source_name: "TOKEN",
        file: None,
    },
    SecretSpec {
        key: "API_KEY",
        source_name: "API_KEY",
        file: None,
    },
    SecretSpec {
        key: "PASS",
        source_name: "PASS",
        file: None,
    },
    SecretSpec {
        key: "DIGEST_PASS",
        source_name: "DIGEST_PASS",
        file: None,
    },
];

static SPEC: CapabilitySpec = CapabilitySpec {
    name: "client-test",
    description: "",
    consumes: CONSUMES,
    secrets: SECRETS,
    rest: &[],
    mcp: &[],
    control: &[],
};

static GET_ITEM: HttpOperation = op(
    0,
    "GET",
    &[PathPart::Literal("/items/"), PathPart::Param("id")],
    &[
        input("id", Some(ParamLocation::Path), "id", true),
        input("q", Some(ParamLocation::Query), "q", false),
        input("trace", Some(ParamLocation::Header), "X-Trace", false),
        input("session", Some(ParamLocation::Cookie), "session", false),
        OperationInput {
            name: "version",
            location: Some(ParamLocation::Header),
            wire_name: "X-Version",
            ty: ValueType::String,
            required: false,
            fixed: Some(Value::Literal("\"v9\"")),
        },
    ],
    RequestBody::Fields,
);
/// An API that takes the caller's own credential as an ordinary header parameter.
static WITH_CALLER_CREDENTIAL: HttpOperation = op(
    7,
    "GET",
    &[PathPart::Literal("/items")],
    &[input(
        "Authorization",
        Some(ParamLocation::Header),
        "Authorization",
        false,
    )],
    RequestBody::Fields,
);
static CREATE_FIELDS: HttpOperation = op(
    0,
    "POST",
    &[PathPart::Literal("/items")],
    &[
        input("name", Some(ParamLocation::Body), "name", true),
        input("count", Some(ParamLocation::Body), "count", false),
    ],
    RequestBody::Fields,
);
static CREATE_JSON: HttpOperation = op(
    0,
    "PUT",
    &[PathPart::Literal("/items")],
    &[
        input("name", None, "name", true),
        input("tag", None, "tag", false),
        input("owner", None, "owner", false),
    ],
    RequestBody::Json(Value::Object(&[
        ("name", Value::Input("name")),
        ("tags", Value::Array(&[Value::Input("tag")])),
        ("owner", Value::Object(&[("id", Value::Input("owner"))])),
        ("note", Value::Input("note")),
        ("kind", Value::Literal("\"item\"")),
    ])),
);
static FORM: HttpOperation = op(
    0,
    "POST",
    &[PathPart::Literal("/form")],
    &[input("a", None, "a", true)],
    RequestBody::FormUrlEncoded(Value::Object(&[
        ("a", Value::Input("a")),
        ("b", Value::Literal("\"x y&z\"")),
    ])),
);
static MULTI: HttpOperation = op(
    0,
    "POST",
    &[PathPart::Literal("/upload")],
    &[input("content", None, "content", true)],
    RequestBody::Multipart(&[
        MultipartPart {
            name: "file",
            value: Value::Input("content"),
            filename: Some("a.txt"),
            content_type: Some("text/plain"),
        },
        MultipartPart {
            name: "meta",
            value: Value::Literal("{\"k\":1}"),
            filename: None,
            content_type: None,
        },
    ]),
);
static TEXT: HttpOperation = op(
    0,
    "POST",
    &[PathPart::Literal("/xml")],
    &[input("v", None, "v", true)],
    RequestBody::Text {
        content_type: "application/xml",
        data: Value::Template(&[
            TemplatePart::Text("<a>"),
            TemplatePart::Value(Value::Input("v")),
            TemplatePart::Text("</a>"),
        ]),
    },
);
static STATUS: HttpOperation = op(
    0,
    "GET",
    &[PathPart::Literal("/status/"), PathPart::Param("code")],
    &[input("code", Some(ParamLocation::Path), "code", true)],
    RequestBody::Fields,
);
static KEYED: HttpOperation = op(
    1,
    "GET",
    &[PathPart::Literal("/k")],
    &[],
    RequestBody::Fields,
);
static BASIC: HttpOperation = op(
    2,
    "GET",
    &[PathPart::Literal("/b")],
    &[],
    RequestBody::Fields,
);
static DIGEST: HttpOperation = op(
    3,
    "GET",
    &[PathPart::Literal("/digest")],
    &[input("x", Some(ParamLocation::Query), "x", false)],
    RequestBody::Fields,
);
static SLOW: HttpOperation = op(
    4,
    "GET",
    &[PathPart::Literal("/slow")],
    &[],
    RequestBody::Fields,
);
static BIG: HttpOperation = op(
    4,
    "GET",
    &[PathPart::Literal("/big")],
    &[],
    RequestBody::Fields,
);
static DOWN: HttpOperation = op(
    5,
    "GET",
    &[PathPart::Literal("/x")],
    &[],
    RequestBody::Fields,
);
static COOKIE: HttpOperation = op(
    6,
    "GET",
    &[PathPart::Literal("/c")],
    &[input(
        "session",
        Some(ParamLocation::Cookie),
        "session",
        false,
    )],
    RequestBody::Fields,
);

async fn runtime_with(extra: &[(&str, String)]) -> (Runtime, SocketAddr) {
    let addr = echo_upstream::start().await;
    let down = echo_upstream::closed_port().await;
    let mut vars: HashMap<String, String> = [
        ("TOKEN", "tok-secret".to_owned()),
        ("API_KEY", "key-secret".to_owned()),
        ("PASS", "pass-secret".to_owned()),
        ("DIGEST_PASS", echo_upstream::DIGEST_PASSWORD.to_owned()),
        ("SLOW_TIMEOUT_MS", "200".to_owned()),
        ("SLOW_MAX_BODY_BYTES", "10".to_owned()),
        ("DOWN_BASE_URL", format!("http://127.0.0.1:{down}")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for prefix in [
        "ECHO", "KEYED", "BASIC", "DIGEST", "SLOW", "COOKIE", "PLAIN",
    ] {
        vars.insert(format!("{prefix}_BASE_URL"), format!("http://{addr}"));
    }
    vars.extend(extra.iter().map(|(k, v)| ((*k).to_owned(), v.clone())));
    (
        Runtime::from_lookup(&SPEC, &|name| vars.get(name).cloned()).unwrap(),
        addr,
    )
}

async fn runtime() -> Runtime {
    runtime_with(&[]).await.0
}

fn args(value: Json) -> Inputs {
    match value {
        Json::Object(map) => map,
        _ => Inputs::new(),
    }
}

async fn echo(rt: &Runtime, operation: &'static HttpOperation, given: Json) -> Json {
    let response = rt
        .client(operation.consumes)
        .call(operation, &args(given))
        .await
        .unwrap();
    assert_eq!(response.status, StatusCode::OK);
    response.json::<Json>().unwrap()
}

#[tokio::test]
async fn path_query_headers_cookies_and_bearer_go_on_the_wire() {
    let rt = runtime().await;
    let seen = echo(
        &rt,
        &GET_ITEM,
        json!({"id": "a/../b?c#d", "q": ["1", "2 3"], "trace": "t-1", "session": "s;x", "version": "from-caller"}),
    )
    .await;
    assert_eq!(seen["method"], "GET");
    assert_eq!(
        seen["uri"],
        "/items/a%2F..%2Fb%3Fc%23d?q=1&q=2+3&tenant=acme"
    );
    let headers = &seen["headers"];
    assert_eq!(headers["authorization"], "Bearer tok-secret");
    assert_eq!(headers["x-trace"], "t-1");
    assert_eq!(
        headers["x-version"], "v9",
        "a fixed value wins over the caller's"
    );
    assert_eq!(headers["x-api-version"], "2024-01-01");
    assert_eq!(headers["cookie"], "session=s%3Bx");
}

#[tokio::test]
async fn an_authorization_header_parameter_is_sent_when_the_namespace_has_no_auth() {
    let rt = runtime().await;
    let seen = echo(
        &rt,
        &WITH_CALLER_CREDENTIAL,
        json!({"Authorization": "Authorization v/1?#%\u{e9}"}),
    )
    .await;
    assert_eq!(
        seen["headers"]["authorization"], "Authorization v/1?#%\u{e9}",
        "{seen}"
    );
}

#[tokio::test]
async fn bad_inputs_fail_before_sending() {
    let rt = runtime().await;
    let client = rt.client(0);
    let field_of = |result: Result<Response<Bytes>, Error>| match result {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("expected invalid input, got {other:?}"),
    };
    assert_eq!(
        field_of(client.call(&GET_ITEM, &args(json!({"q": "1"}))).await),
        "id"
    );
    assert_eq!(
        field_of(client.call(&GET_ITEM, &args(json!({"id": ".."}))).await),
        "id"
    );
    assert_eq!(
        field_of(
            client
                .call(
                    &GET_ITEM,
                    &args(json!({"id": "1", "trace": "a\r\nX-Evil: 1"}))
                )
                .await
        ),
        "trace"
    );
}

#[tokio::test]
async fn bodies_of_every_kind() {
    let rt = runtime().await;
    let fields = echo(&rt, &CREATE_FIELDS, json!({"name": "n", "count": 2})).await;
    assert_eq!(fields["method"], "POST");
    assert_eq!(fields["headers"]["content-type"], "application/json");
    assert_eq!(
        serde_json::from_str::<Json>(fields["body"].as_str().unwrap()).unwrap(),
        json!({"name": "n", "count": 2})
    );

    let templated = echo(
        &rt,
        &CREATE_JSON,
        json!({"name": "n", "tag": 7, "owner": {"x": true}}),
    )
    .await;
    assert_eq!(templated["method"], "PUT");
    assert_eq!(
        serde_json::from_str::<Json>(templated["body"].as_str().unwrap()).unwrap(),
        json!({"name": "n", "tags": [7], "owner": {"id": {"x": true}}, "kind": "item"})
    );

    let form = echo(&rt, &FORM, json!({"a": "1+1=2"})).await;
    assert_eq!(
        form["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(form["body"], "a=1%2B1%3D2&b=x+y%26z");

    let multi = echo(&rt, &MULTI, json!({"content": "hello file"})).await;
    let content_type = multi["headers"]["content-type"].as_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = multi["body"].as_str().unwrap();
    assert!(
        body.contains(r#"name="file"; filename="a.txt""#) && body.contains("hello file"),
        "{body}"
    );
    assert!(
        body.contains(r#"name="meta""#) && body.contains(r#"{"k":1}"#),
        "{body}"
    );

    let text = echo(&rt, &TEXT, json!({"v": "<b>"})).await;
    assert_eq!(text["headers"]["content-type"], "application/xml");
    assert_eq!(text["body"], "<a><b></a>");
}

#[tokio::test]
async fn error_statuses_keep_status_headers_and_body() {
    let rt = runtime().await;
    for code in [404_u16, 500] {
        match rt
            .client(0)
            .call(&STATUS, &args(json!({"code": code})))
            .await
        {
            Err(error @ Error::Status { .. }) => {
                assert_eq!(error.http_status().as_u16(), code);
                let Error::Status {
                    status,
                    headers,
                    body,
                    namespace,
                } = error
                else {
                    unreachable!()
                };
                assert_eq!(status.as_u16(), code);
                assert_eq!(namespace, "echo");
                assert_eq!(
                    headers.get("x-upstream").map(|v| v.as_bytes()),
                    Some(&b"yes"[..])
                );
                assert_eq!(body, Bytes::from(format!(r#"{{"code":{code}}}"#)));
            }
            other => panic!("expected a status error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn api_key_basic_cookie_and_digest_authenticate() {
    let rt = runtime().await;
    assert_eq!(
        echo(&rt, &KEYED, json!({})).await["uri"],
        "/k?api_key=key-secret"
    );
    // base64("user:pass-secret")
    assert_eq!(
        echo(&rt, &BASIC, json!({})).await["headers"]["authorization"],
        "Basic dXNlcjpwYXNzLXNlY3JldA=="
    );
    assert_eq!(
        echo(&rt, &COOKIE, json!({"session": "s1"})).await["headers"]["cookie"],
        "session=s1; key=key-secret"
    );
    let answer = rt
        .client(3)
        .call(&DIGEST, &args(json!({"x": "1 2"})))
        .await
        .unwrap();
    assert_eq!(
        answer.json::<Json>().unwrap(),
        json!({"authenticated": true})
    );
}

#[tokio::test]
async fn digest_with_a_wrong_password_returns_the_401() {
    let (rt, _) = runtime_with(&[("DIGEST_PASS", "wrong".to_owned())]).await;
    match rt.client(3).call(&DIGEST, &Inputs::new()).await {
        Err(Error::Status { status, .. }) => assert_eq!(status, StatusCode::UNAUTHORIZED),
        other => panic!("expected 401, got {other:?}"),
    }
}

#[tokio::test]
async fn slow_upstreams_time_out() {
    let rt = runtime().await;
    let bounded = tokio::time::timeout(
        Duration::from_secs(4),
        rt.client(4).call(&SLOW, &Inputs::new()),
    )
    .await;
    match bounded {
        Ok(Err(error @ Error::Timeout { .. })) => {
            assert_eq!(error.http_status(), StatusCode::GATEWAY_TIMEOUT);
            assert!(matches!(
                error,
                Error::Timeout {
                    timeout_ms: 200,
                    ..
                }
            ));
        }
        other => panic!("expected a timeout error, got {other:?}"),
    }
}

#[tokio::test]
async fn refused_connections_are_transport_errors_without_secrets() {
    let down = echo_upstream::closed_port().await;
    let (rt, _) = runtime_with(&[("KEYED_BASE_URL", format!("http://127.0.0.1:{down}"))]).await;
    let error = rt.client(5).call(&DOWN, &Inputs::new()).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { ref namespace, .. } if namespace == "down"),
        "{error:?}"
    );
    assert_eq!(error.http_status(), StatusCode::BAD_GATEWAY);
    // The API key travels in the query string; the error must not repeat the URL.
    let error = rt.client(1).call(&KEYED, &Inputs::new()).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("key-secret"), "{shown}");
}

#[tokio::test]
async fn bodies_over_the_limit_are_decode_errors() {
    let rt = runtime().await;
    match rt.client(4).call(&BIG, &Inputs::new()).await {
        Err(Error::Decode { message, .. }) => {
            assert!(message.contains("SLOW_MAX_BODY_BYTES"), "{message}")
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn hooks_see_every_call() {
    #[derive(Default)]
    struct Counting {
        before: AtomicUsize,
        after: AtomicUsize,
        failed: AtomicUsize,
    }
    struct Shared(Arc<Counting>);
    impl Hooks for Shared {
        fn before(&self, request: &mut RequestParts) {
            self.0.before.fetch_add(1, Ordering::SeqCst);
            request
                .headers
                .insert("x-hooked", http::HeaderValue::from_static("1"));
        }
        fn after(&self, _operation: &str, status: StatusCode, _elapsed: Duration) {
            if status == StatusCode::OK || status == StatusCode::NOT_FOUND {
                self.0.after.fetch_add(1, Ordering::SeqCst);
            }
        }
        fn failed(&self, _operation: &str, _error: &Error, _elapsed: Duration) {
            self.0.failed.fetch_add(1, Ordering::SeqCst);
        }
    }
    let counts = Arc::new(Counting::default());
    let rt = runtime().await.with_hooks(Shared(counts.clone()));
    assert_eq!(
        echo(&rt, &CREATE_FIELDS, json!({"name": "n"})).await["headers"]["x-hooked"],
        "1"
    );
    let _ = rt
        .client(0)
        .call(&STATUS, &args(json!({"code": 404})))
        .await;
    let _ = rt.client(5).call(&DOWN, &Inputs::new()).await;
    assert_eq!(counts.before.load(Ordering::SeqCst), 3);
    assert_eq!(
        counts.after.load(Ordering::SeqCst),
        2,
        "answered calls, whatever the status"
    );
    assert_eq!(
        counts.failed.load(Ordering::SeqCst),
        1,
        "the call nobody answered"
    );
}
