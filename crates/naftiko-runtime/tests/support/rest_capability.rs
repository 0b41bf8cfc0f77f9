//! The capability of the REST adapter tests, written by hand the way generated code writes it
//! (routes with path, query, header and body inputs, an open and a bearer-protected adapter),
//! and helpers that start its adapters over a given upstream.

use std::borrow::Cow;
use std::time::Duration;

use http::{StatusCode, header};
use naftiko_runtime::spec::*;
use naftiko_runtime::{Error, Runtime, Server};
use serde_json::Value as Json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

// ---------------------------------------------------------------------------------------------
// The capability under test.

pub const RUN_ID: OperationInput = OperationInput {
    name: text("runId"),
    location: Some(ParamLocation::Path),
    wire_name: text("runId"),
    ty: ValueType::String,
    required: true,
    fixed: None,
    description: text(""),
};

pub const GET_RUN: HttpOperation = HttpOperation {
    name: text("getrun"),
    method: text("GET"),
    description: text(""),
    path: Cow::Borrowed(&[
        PathPart::Literal(text("/v1/runs/")),
        PathPart::Param(text("runId")),
    ]),
    inputs: Cow::Borrowed(&[RUN_ID]),
    body: RequestBody::Fields,
    output_format: RawFormat::Json,
    output: naftiko_runtime::spec::Output::Passthrough,
    output_schema: None,
};

pub const CANCEL_RUN: HttpOperation = HttpOperation {
    name: text("cancelrun"),
    method: text("POST"),
    description: text(""),
    path: Cow::Borrowed(&[
        PathPart::Literal(text("/v1/runs/")),
        PathPart::Param(text("runId")),
        PathPart::Literal(text("/cancel")),
    ]),
    inputs: Cow::Borrowed(&[
        RUN_ID,
        OperationInput {
            name: text("reason"),
            location: Some(ParamLocation::Body),
            wire_name: text("reason"),
            ty: ValueType::String,
            required: true,
            fixed: None,
            description: text(""),
        },
    ]),
    body: RequestBody::Fields,
    output_format: RawFormat::Json,
    output: naftiko_runtime::spec::Output::Passthrough,
    output_schema: None,
};

pub const LIST_RUNS: HttpOperation = HttpOperation {
    name: text("listruns"),
    method: text("GET"),
    description: text(""),
    path: Cow::Borrowed(&[PathPart::Literal(text("/v1/runs"))]),
    inputs: Cow::Borrowed(&[OperationInput {
        name: text("limit"),
        location: Some(ParamLocation::Query),
        wire_name: text("limit"),
        ty: ValueType::Integer,
        required: false,
        fixed: None,
        description: text(""),
    }]),
    body: RequestBody::Fields,
    output_format: RawFormat::Json,
    output: naftiko_runtime::spec::Output::Passthrough,
    output_schema: None,
};

/// The caller's `run` is the router's `{id}` placeholder: names may differ (`wire_name`).
pub const ID_IN_PATH: CallerInput = CallerInput {
    name: text("run"),
    location: ParamLocation::Path,
    wire_name: text("id"),
    ty: ValueType::String,
    required: true,
    description: text(""),
    schema: None,
    pattern: None,
};

/// The one consumed namespace, `runs-api`: the first of `SPEC.consumes`.
pub const RUNS_API: ConsumesId = ConsumesId(0);
/// `GET_RUN`, the first operation of `runs-api`.
pub const GET_RUN_ID: OperationId = OperationId {
    consumes: RUNS_API,
    index: 0,
};
/// `CANCEL_RUN`, the second operation of `runs-api`.
pub const CANCEL_RUN_ID: OperationId = OperationId {
    consumes: RUNS_API,
    index: 1,
};
/// `LIST_RUNS`, the third operation of `runs-api`.
pub const LIST_RUNS_ID: OperationId = OperationId {
    consumes: RUNS_API,
    index: 2,
};

pub const ROUTES: List<RestRoute> = Cow::Borrowed(&[
    RestRoute {
        method: text("GET"),
        path: text("/runs/{id}"),
        name: text("getrun"),
        description: text(""),
        inputs: Cow::Borrowed(&[ID_IN_PATH]),
        output_schema: None,
        handler: Handler::Call {
            operation: GET_RUN_ID,
            args: Cow::Borrowed(&[Arg {
                input: text("runId"),
                value: Value::Input(text("run")),
            }]),
            output: Output::Passthrough,
        },
    },
    RestRoute {
        method: text("POST"),
        path: text("/runs/{id}/cancel"),
        name: text("cancelrun"),
        description: text(""),
        inputs: Cow::Borrowed(&[
            ID_IN_PATH,
            CallerInput {
                name: text("reason"),
                location: ParamLocation::Body,
                wire_name: text("reason"),
                ty: ValueType::String,
                required: true,
                description: text(""),
                schema: None,
                pattern: None,
            },
        ]),
        output_schema: None,
        handler: Handler::Call {
            operation: CANCEL_RUN_ID,
            args: Cow::Borrowed(&[
                Arg {
                    input: text("runId"),
                    value: Value::Input(text("run")),
                },
                Arg {
                    input: text("reason"),
                    value: Value::Input(text("reason")),
                },
            ]),
            output: Output::Passthrough,
        },
    },
    RestRoute {
        method: text("GET"),
        path: text("/runs/{id}/status"),
        name: text("runstatus"),
        description: text(""),
        inputs: Cow::Borrowed(&[ID_IN_PATH]),
        output_schema: None,
        handler: Handler::Call {
            operation: GET_RUN_ID,
            args: Cow::Borrowed(&[Arg {
                input: text("runId"),
                value: Value::Input(text("run")),
            }]),
            output: Output::Mapped(Mapping::Object {
                path: list(&[]),
                fields: Cow::Borrowed(&[(
                    text("state"),
                    Mapping::Select {
                        path: Cow::Borrowed(&[PathSegment::Field(text("status"))]),
                        ty: ValueType::String,
                    },
                )]),
            }),
        },
    },
    RestRoute {
        method: text("GET"),
        path: text("/runs"),
        name: text("listruns"),
        description: text(""),
        inputs: Cow::Borrowed(&[CallerInput {
            name: text("limit"),
            location: ParamLocation::Query,
            wire_name: text("limit"),
            ty: ValueType::Integer,
            required: false,
            description: text(""),
            schema: None,
            pattern: None,
        }]),
        output_schema: None,
        handler: Handler::Call {
            operation: LIST_RUNS_ID,
            args: Cow::Borrowed(&[Arg {
                input: text("limit"),
                value: Value::Input(text("limit")),
            }]),
            output: Output::Passthrough,
        },
    },
]);

pub static SPEC: CapabilitySpec = CapabilitySpec {
    name: text("runs"),
    description: text(""),
    consumes: Cow::Borrowed(&[ConsumesSpec {
        namespace: text("runs-api"),
        env_prefix: text("RUNS_API"),
        base_url: text("http://127.0.0.1:9"),
        timeout_ms: 30_000,
        auth: Auth::Bearer {
            token: Value::Secret(text("RUNS_TOKEN")),
        },
        description: text(""),
        default_params: list(&[]),
        // In the order of the ids above.
        operations: Cow::Borrowed(&[GET_RUN, CANCEL_RUN, LIST_RUNS]),
    }]),
    secrets: Cow::Borrowed(&[
        SecretSpec {
            key: text("RUNS_TOKEN"),
            source_name: text("RUNS_TOKEN"),
            file: None,
        },
        SecretSpec {
            key: text("CALLER_TOKEN"),
            source_name: text("CALLER_TOKEN"),
            file: None,
        },
    ]),
    rest: Cow::Borrowed(&[
        RestAdapterSpec {
            namespace: text("runs-rest"),
            env_prefix: text("RUNS_REST"),
            default_addr: text("127.0.0.1:0"),
            description: text(""),
            routes: ROUTES,
            openapi: text(r#"{"openapi":"3.1.0"}"#),
            auth: Auth::None,
            forwards: list(&[]),
        },
        RestAdapterSpec {
            namespace: text("runs-secure"),
            env_prefix: text("RUNS_SECURE"),
            default_addr: text("127.0.0.1:0"),
            description: text(""),
            routes: ROUTES,
            openapi: text(""),
            auth: Auth::Bearer {
                token: Value::Secret(text("CALLER_TOKEN")),
            },
            forwards: list(&[]),
        },
    ]),
    mcp: list(&[]),
    control: list(&[]),
};

// ---------------------------------------------------------------------------------------------
// The adapter under test.

pub struct Running {
    /// The open adapter, then the one that wants a bearer token.
    pub open: String,
    pub secure: String,
    pub stop: Option<oneshot::Sender<()>>,
    pub server: tokio::task::JoinHandle<Result<(), Error>>,
}

pub fn runtime(base_url: &str, extra_env: &[(&str, &str)]) -> Result<Runtime, Error> {
    // Extras first: the lookup takes the first match, so they override the defaults.
    let mut env: Vec<(String, String)> = extra_env
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    env.extend(
        [
            ("RUNS_API_BASE_URL", base_url),
            ("RUNS_TOKEN", "up-secret"),
            ("CALLER_TOKEN", "caller-secret"),
            ("RUNS_REST_ADDR", "127.0.0.1:0"),
            ("RUNS_SECURE_ADDR", "127.0.0.1:0"),
        ]
        .map(|(name, value): (&str, &str)| (name.to_owned(), value.to_owned())),
    );
    Runtime::from_lookup(&SPEC, &move |name| {
        env.iter()
            .find(|(known, _)| known == name)
            .map(|(_, value)| value.clone())
    })
}

pub async fn start(base_url: &str, extra_env: &[(&str, &str)]) -> Running {
    let rt = runtime(base_url, extra_env).expect("runtime");
    let server = Server::bind(rt).await.expect("bind adapters");
    let rest = server.rest_addrs();
    assert_eq!(rest.len(), 2);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    Running {
        open: format!("http://{}", rest[0]),
        secure: format!("http://{}", rest[1]),
        stop: Some(stop),
        server,
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

pub async fn problem(response: reqwest::Response) -> Json {
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    response.json().await.expect("problem JSON")
}

/// A request written byte for byte, so no client library normalises the path first.
pub async fn raw_get(addr: &str, target: &str) -> StatusCode {
    let addr = addr.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("answer in time")
        .expect("read");
    let text = String::from_utf8_lossy(&answer);
    let code = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse::<u16>().ok())
        .expect("status line");
    StatusCode::from_u16(code).expect("status")
}
