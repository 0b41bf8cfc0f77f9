//! The upstream client against a real HTTP server on loopback: what goes on the wire, how
//! answers and failures come back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::echo_upstream;

use std::borrow::Cow;
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

/// A consumed namespace on a base URL every test overrides; `params` and `operations` are
/// its default parameters and its operations, in order (an [`OperationId`] indexes these).
macro_rules! ns {
    (
        $namespace:literal,
        $env_prefix:literal,
        $auth:expr,
        params: [$($param:expr),* $(,)?],
        operations: [$($operation:expr),* $(,)?] $(,)?
    ) => {
        ConsumesSpec {
            namespace: text($namespace),
            env_prefix: text($env_prefix),
            base_url: text("http://127.0.0.1:1"),
            description: text(""),
            timeout_ms: 30_000,
            auth: $auth,
            default_params: Cow::Borrowed(&[$($param),*]),
            operations: Cow::Borrowed(&[$($operation),*]),
        }
    };
}

/// An operation answering JSON; a macro rather than a `const fn` so that the borrowed path
/// and inputs live as long as the `const` it builds.
macro_rules! op {
    (
        $method:literal,
        path: [$($part:expr),* $(,)?],
        inputs: [$($input:expr),* $(,)?],
        $body:expr $(,)?
    ) => {
        HttpOperation {
            name: text("op"),
            method: text($method),
            description: text(""),
            path: Cow::Borrowed(&[$($part),*]),
            inputs: Cow::Borrowed(&[$($input),*]),
            body: $body,
            output_format: RawFormat::Json,
            output: naftiko_runtime::spec::Output::Passthrough,
            output_schema: None,
        }
    };
}

const fn input(
    name: &'static str,
    location: Option<ParamLocation>,
    wire_name: &'static str,
    required: bool,
) -> OperationInput {
    OperationInput {
        name: text(name),
        location,
        wire_name: text(wire_name),
        ty: ValueType::Any,
        required,
        fixed: None,
        description: text(""),
    }
}

// The operations, by namespace.

const GET_ITEM: HttpOperation = op!(
    "GET",
    path: [PathPart::Literal(text("/items/")), PathPart::Param(text("id"))],
    inputs: [
        input("id", Some(ParamLocation::Path), "id", true),
        input("q", Some(ParamLocation::Query), "q", false),
        input("trace", Some(ParamLocation::Header), "X-Trace", false),
        input("session", Some(ParamLocation::Cookie), "session", false),
        OperationInput {
            name: text("version"),
            location: Some(ParamLocation::Header),
            wire_name: text("X-Version"),
            ty: ValueType::String,
            required: false,
            fixed: Some(Value::Literal(text("\"v9\""))),
            description: text(""),
        },
    ],
    RequestBody::Fields,
);
const CREATE_FIELDS: HttpOperation = op!(
    "POST",
    path: [PathPart::Literal(text("/items"))],
    inputs: [
        input("name", Some(ParamLocation::Body), "name", true),
        input("count", Some(ParamLocation::Body), "count", false),
    ],
    RequestBody::Fields,
);
const CREATE_JSON: HttpOperation = op!(
    "PUT",
    path: [PathPart::Literal(text("/items"))],
    inputs: [
        input("name", None, "name", true),
        input("tag", None, "tag", false),
        input("owner", None, "owner", false),
    ],
    RequestBody::Json(Value::Object(Cow::Borrowed(&[
        (text("name"), Value::Input(text("name"))),
        (
            text("tags"),
            Value::Array(Cow::Borrowed(&[Value::Input(text("tag"))])),
        ),
        (
            text("owner"),
            Value::Object(Cow::Borrowed(&[(text("id"), Value::Input(text("owner")))])),
        ),
        (text("note"), Value::Input(text("note"))),
        (text("kind"), Value::Literal(text("\"item\""))),
    ]))),
);
const FORM: HttpOperation = op!(
    "POST",
    path: [PathPart::Literal(text("/form"))],
    inputs: [input("a", None, "a", true)],
    RequestBody::FormUrlEncoded(Value::Object(Cow::Borrowed(&[
        (text("a"), Value::Input(text("a"))),
        (text("b"), Value::Literal(text("\"x y&z\""))),
    ]))),
);
const MULTI: HttpOperation = op!(
    "POST",
    path: [PathPart::Literal(text("/upload"))],
    inputs: [input("content", None, "content", true)],
    RequestBody::Multipart(Cow::Borrowed(&[
        MultipartPart {
            name: text("file"),
            value: Value::Input(text("content")),
            filename: Some(text("a.txt")),
            content_type: Some(text("text/plain")),
        },
        MultipartPart {
            name: text("meta"),
            value: Value::Literal(text("{\"k\":1}")),
            filename: None,
            content_type: None,
        },
    ])),
);
const TEXT: HttpOperation = op!(
    "POST",
    path: [PathPart::Literal(text("/xml"))],
    inputs: [input("v", None, "v", true)],
    RequestBody::Text {
        content_type: text("application/xml"),
        data: Value::Template(Cow::Borrowed(&[
            TemplatePart::Text(text("<a>")),
            TemplatePart::Value(Value::Input(text("v"))),
            TemplatePart::Text(text("</a>")),
        ])),
    },
);
const STATUS: HttpOperation = op!(
    "GET",
    path: [PathPart::Literal(text("/status/")), PathPart::Param(text("code"))],
    inputs: [input("code", Some(ParamLocation::Path), "code", true)],
    RequestBody::Fields,
);
const KEYED: HttpOperation = op!(
    "GET",
    path: [PathPart::Literal(text("/k"))],
    inputs: [],
    RequestBody::Fields,
);
const BASIC: HttpOperation = op!(
    "GET",
    path: [PathPart::Literal(text("/b"))],
    inputs: [],
    RequestBody::Fields,
);
const DIGEST: HttpOperation = op!(
    "GET",
    path: [PathPart::Literal(text("/digest"))],
    inputs: [input("x", Some(ParamLocation::Query), "x", false)],
    RequestBody::Fields,
);
const SLOW: HttpOperation = op!(
    "GET",
    path: [PathPart::Literal(text("/slow"))],
    inputs: [],
    RequestBody::Fields,
);
const BIG: HttpOperation = op!(
    "GET",
    path: [PathPart::Literal(text("/big"))],
    inputs: [],
    RequestBody::Fields,
);
const DOWN: HttpOperation = op!(
    "GET",
    path: [PathPart::Literal(text("/x"))],
    inputs: [],
    RequestBody::Fields,
);
const COOKIE: HttpOperation = op!(
    "GET",
    path: [PathPart::Literal(text("/c"))],
    inputs: [input(
        "session",
        Some(ParamLocation::Cookie),
        "session",
        false,
    )],
    RequestBody::Fields,
);
/// An API that takes the caller's own credential as an ordinary header parameter.
const WITH_CALLER_CREDENTIAL: HttpOperation = op!(
    "GET",
    path: [PathPart::Literal(text("/items"))],
    inputs: [input(
        "Authorization",
        Some(ParamLocation::Header),
        "Authorization",
        false,
    )],
    RequestBody::Fields,
);

static CONSUMES: &[ConsumesSpec] = &[
    ns!(
        "echo",
        "ECHO",
        Auth::Bearer {
            token: Value::Secret(text("TOKEN")),
        },
        params: [
            DefaultParam {
                name: text("X-Api-Version"),
                location: ParamLocation::Header,
                value: Value::Literal(text("\"2024-01-01\"")),
            },
            DefaultParam {
                name: text("tenant"),
                location: ParamLocation::Query,
                value: Value::Literal(text("\"acme\"")),
            },
        ],
        operations: [GET_ITEM, CREATE_FIELDS, CREATE_JSON, FORM, MULTI, TEXT, STATUS],
    ),
    ns!(
        "keyed",
        "KEYED",
        Auth::ApiKey {
            name: text("api_key"),
            value: Value::Secret(text("API_KEY")),
            placement: ApiKeyPlacement::Query,
        },
        params: [],
        operations: [KEYED],
    ),
    ns!(
        "basic",
        "BASIC",
        Auth::Basic {
            username: Value::Literal(text("\"user\"")),
            password: Value::Secret(text("PASS")),
        },
        params: [],
        operations: [BASIC],
    ),
    ns!(
        "digest",
        "DIGEST",
        Auth::Digest {
            username: Value::Literal(text("\"Mufasa\"")),
            password: Value::Secret(text("DIGEST_PASS")),
        },
        params: [],
        operations: [DIGEST],
    ),
    ns!("slow", "SLOW", Auth::None, params: [], operations: [SLOW, BIG]),
    ns!("down", "DOWN", Auth::None, params: [], operations: [DOWN]),
    ns!(
        "cookie",
        "COOKIE",
        Auth::ApiKey {
            name: text("key"),
            value: Value::Secret(text("API_KEY")),
            placement: ApiKeyPlacement::Cookie,
        },
        params: [],
        operations: [COOKIE],
    ),
    ns!(
        "plain",
        "PLAIN",
        Auth::None,
        params: [],
        operations: [WITH_CALLER_CREDENTIAL],
    ),
];

/// Operation `index` of namespace `consumes` (positions in `CONSUMES` and in its
/// `operations`).
const fn id(consumes: u32, index: u32) -> OperationId {
    OperationId {
        consumes: ConsumesId(consumes),
        index,
    }
}

// The ids of the operations above: `echo` is namespace 0, …, `plain` namespace 7.
const GET_ITEM_ID: OperationId = id(0, 0);
const CREATE_FIELDS_ID: OperationId = id(0, 1);
const CREATE_JSON_ID: OperationId = id(0, 2);
const FORM_ID: OperationId = id(0, 3);
const MULTI_ID: OperationId = id(0, 4);
const TEXT_ID: OperationId = id(0, 5);
const STATUS_ID: OperationId = id(0, 6);
const KEYED_ID: OperationId = id(1, 0);
const BASIC_ID: OperationId = id(2, 0);
const DIGEST_ID: OperationId = id(3, 0);
const SLOW_ID: OperationId = id(4, 0);
const BIG_ID: OperationId = id(4, 1);
const DOWN_ID: OperationId = id(5, 0);
const COOKIE_ID: OperationId = id(6, 0);
const WITH_CALLER_CREDENTIAL_ID: OperationId = id(7, 0);

static SECRETS: &[SecretSpec] = &[
    SecretSpec {
        key: text("TOKEN"),
        source_name: text("TOKEN"),
        file: None,
    },
    SecretSpec {
        key: text("API_KEY"),
        source_name: text("API_KEY"),
        file: None,
    },
    SecretSpec {
        key: text("PASS"),
        source_name: text("PASS"),
        file: None,
    },
    SecretSpec {
        key: text("DIGEST_PASS"),
        source_name: text("DIGEST_PASS"),
        file: None,
    },
];

static SPEC: CapabilitySpec = CapabilitySpec {
    name: text("client-test"),
    description: text(""),
    consumes: list(CONSUMES),
    secrets: list(SECRETS),
    rest: list(&[]),
    mcp: list(&[]),
    control: list(&[]),
};

/// The operation `id` names in `SPEC`.
fn operation(id: OperationId) -> &'static HttpOperation {
    SPEC.operation(id).expect("an operation of SPEC")
}

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

async fn echo(rt: &Runtime, id: OperationId, given: Json) -> Json {
    let response = rt
        .client(id.consumes)
        .call(operation(id), &args(given))
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
        GET_ITEM_ID,
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
        WITH_CALLER_CREDENTIAL_ID,
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
    let client = rt.client(GET_ITEM_ID.consumes);
    let field_of = |result: Result<Response<Bytes>, Error>| match result {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("expected invalid input, got {other:?}"),
    };
    assert_eq!(
        field_of(
            client
                .call(operation(GET_ITEM_ID), &args(json!({"q": "1"})))
                .await
        ),
        "id"
    );
    assert_eq!(
        field_of(
            client
                .call(operation(GET_ITEM_ID), &args(json!({"id": ".."})))
                .await
        ),
        "id"
    );
    assert_eq!(
        field_of(
            client
                .call(
                    operation(GET_ITEM_ID),
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
    let fields = echo(&rt, CREATE_FIELDS_ID, json!({"name": "n", "count": 2})).await;
    assert_eq!(fields["method"], "POST");
    assert_eq!(fields["headers"]["content-type"], "application/json");
    assert_eq!(
        serde_json::from_str::<Json>(fields["body"].as_str().unwrap()).unwrap(),
        json!({"name": "n", "count": 2})
    );

    let templated = echo(
        &rt,
        CREATE_JSON_ID,
        json!({"name": "n", "tag": 7, "owner": {"x": true}}),
    )
    .await;
    assert_eq!(templated["method"], "PUT");
    assert_eq!(
        serde_json::from_str::<Json>(templated["body"].as_str().unwrap()).unwrap(),
        json!({"name": "n", "tags": [7], "owner": {"id": {"x": true}}, "kind": "item"})
    );

    let form = echo(&rt, FORM_ID, json!({"a": "1+1=2"})).await;
    assert_eq!(
        form["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(form["body"], "a=1%2B1%3D2&b=x+y%26z");

    let multi = echo(&rt, MULTI_ID, json!({"content": "hello file"})).await;
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

    let text = echo(&rt, TEXT_ID, json!({"v": "<b>"})).await;
    assert_eq!(text["headers"]["content-type"], "application/xml");
    assert_eq!(text["body"], "<a><b></a>");
}

#[tokio::test]
async fn error_statuses_keep_status_headers_and_body() {
    let rt = runtime().await;
    for code in [404_u16, 500] {
        match rt
            .client(STATUS_ID.consumes)
            .call(operation(STATUS_ID), &args(json!({"code": code})))
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
        echo(&rt, KEYED_ID, json!({})).await["uri"],
        "/k?api_key=key-secret"
    );
    // base64("user:pass-secret")
    assert_eq!(
        echo(&rt, BASIC_ID, json!({})).await["headers"]["authorization"],
        "Basic dXNlcjpwYXNzLXNlY3JldA=="
    );
    assert_eq!(
        echo(&rt, COOKIE_ID, json!({"session": "s1"})).await["headers"]["cookie"],
        "session=s1; key=key-secret"
    );
    let answer = rt
        .client(DIGEST_ID.consumes)
        .call(operation(DIGEST_ID), &args(json!({"x": "1 2"})))
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
    match rt
        .client(DIGEST_ID.consumes)
        .call(operation(DIGEST_ID), &Inputs::new())
        .await
    {
        Err(Error::Status { status, .. }) => assert_eq!(status, StatusCode::UNAUTHORIZED),
        other => panic!("expected 401, got {other:?}"),
    }
}

#[tokio::test]
async fn slow_upstreams_time_out() {
    let rt = runtime().await;
    let bounded = tokio::time::timeout(
        Duration::from_secs(4),
        rt.client(SLOW_ID.consumes)
            .call(operation(SLOW_ID), &Inputs::new()),
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
    let error = rt
        .client(DOWN_ID.consumes)
        .call(operation(DOWN_ID), &Inputs::new())
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Transport { ref namespace, .. } if namespace == "down"),
        "{error:?}"
    );
    assert_eq!(error.http_status(), StatusCode::BAD_GATEWAY);
    // The API key travels in the query string; the error must not repeat the URL.
    let error = rt
        .client(KEYED_ID.consumes)
        .call(operation(KEYED_ID), &Inputs::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("key-secret"), "{shown}");
}

#[tokio::test]
async fn bodies_over_the_limit_are_decode_errors() {
    let rt = runtime().await;
    match rt
        .client(BIG_ID.consumes)
        .call(operation(BIG_ID), &Inputs::new())
        .await
    {
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
        echo(&rt, CREATE_FIELDS_ID, json!({"name": "n"})).await["headers"]["x-hooked"],
        "1"
    );
    let _ = rt
        .client(STATUS_ID.consumes)
        .call(operation(STATUS_ID), &args(json!({"code": 404})))
        .await;
    let _ = rt
        .client(DOWN_ID.consumes)
        .call(operation(DOWN_ID), &Inputs::new())
        .await;
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
