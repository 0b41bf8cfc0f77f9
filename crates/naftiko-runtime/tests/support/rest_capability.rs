//! The capability of the REST adapter tests, written by hand the way generated code writes it
//! (routes with path, query, header and body inputs, an open and a bearer-protected adapter),
//! and helpers that start its adapters over a given upstream.

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
    name: "runId",
    location: Some(ParamLocation::Path),
    wire_name: "runId",
    ty: ValueType::String,
    required: true,
    fixed: None,
};

pub static GET_RUN: HttpOperation = HttpOperation {
    consumes: 0,
    name: "getrun",
    method: "GET",
    path: &[PathPart::Literal("/v1/runs/"), PathPart::Param("runId")],
    inputs: &[RUN_ID],
    body: RequestBody::Fields,
    output_format: RawFormat::Json,
};

pub static CANCEL_RUN: HttpOperation = HttpOperation {
    consumes: 0,
    name: "cancelrun",
    method: "POST",
    path: &[
        PathPart::Literal("/v1/runs/"),
        PathPart::Param("runId"),
        PathPart::Literal("/cancel"),
    ],
    inputs: &[
        RUN_ID,
        OperationInput {
            name: "reason",
            location: Some(ParamLocation::Body),
            wire_name: "reason",
            ty: ValueType::String,
            required: true,
            fixed: None,
        },
    ],
    body: RequestBody::Fields,
    output_format: RawFormat::Json,
};

pub static LIST_RUNS: HttpOperation = HttpOperation {
    consumes: 0,
    name: "listruns",
    method: "GET",
    path: &[PathPart::Literal("/v1/runs")],
    inputs: &[OperationInput {
        name: "limit",
        location: Some(ParamLocation::Query),
        wire_name: "limit",
        ty: ValueType::Integer,
        required: false,
        fixed: None,
    }],
    body: RequestBody::Fields,
    output_format: RawFormat::Json,
};

/// The caller's `run` is the router's `{id}` placeholder: names may differ (`wire_name`).
pub const ID_IN_PATH: CallerInput = CallerInput {
    name: "run",
    location: ParamLocation::Path,
    wire_name: "id",
    ty: ValueType::String,
    required: true,
    description: "",
};

pub static ROUTES: &[RestRoute] = &[
    RestRoute {
        method: "GET",
        path: "/runs/{id}",
        name: "getrun",
        inputs: &[ID_IN_PATH],
        handler: Handler::Call {
            operation: &GET_RUN,
            args: &[("runId", Value::Input("run"))],
            output: Output::Passthrough,
        },
    },
    RestRoute {
        method: "POST",
        path: "/runs/{id}/cancel",
        name: "cancelrun",
        inputs: &[
            ID_IN_PATH,
            CallerInput {
                name: "reason",
                location: ParamLocation::Body,
                wire_name: "reason",
                ty: ValueType::String,
                required: true,
                description: "",
            },
        ],
        handler: Handler::Call {
            operation: &CANCEL_RUN,
            args: &[
                ("runId", Value::Input("run")),
                ("reason", Value::Input("reason")),
            ],
            output: Output::Passthrough,
        },
    },
    RestRoute {
        method: "GET",
        path: "/runs/{id}/status",
        name: "runstatus",
        inputs: &[ID_IN_PATH],
        handler: Handler::Call {
            operation: &GET_RUN,
            args: &[("runId", Value::Input("run"))],
            output: Output::Mapped(Mapping::Object {
                path: &[],
                fields: &[(
                    "state",
                    Mapping::Select {
                        path: &[PathSegment::Field("status")],
                        ty: ValueType::String,
                    },
                )],
            }),
        },
    },
    RestRoute {
        method: "GET",
        path: "/runs",
        name: "listruns",
        inputs: &[CallerInput {
            name: "limit",
            location: ParamLocation::Query,
            wire_name: "limit",
            ty: ValueType::Integer,
            required: false,
            description: "",
        }],
        handler: Handler::Call {
            operation: &LIST_RUNS,
            args: &[("limit", Value::Input("limit"))],
            output: Output::Passthrough,
        },
    },
];

pub static SPEC: CapabilitySpec = CapabilitySpec {
    name: "runs",
    description: "",
    consumes: &[ConsumesSpec {
        namespace: "runs-api",
        env_prefix: "RUNS_API",
        base_url: "http://127.0.0.1:9",
        timeout_ms: 30_000,
        auth: Auth::Bearer {
            token: Value::Secret("RUNS_TOKEN"),
        },
        default_params: &[],
    }],
    secrets: &[
        SecretSpec {
            key: "RUNS_TOKEN",
            source_name: "RUNS_TOKEN",
            file: None,
        },
        SecretSpec {
            key: "CALLER_TOKEN",
            source_name: "CALLER_TOKEN",
            file: None,
        },
    ],
    rest: &[
        RestAdapterSpec {
            namespace: "runs-rest",
            env_prefix: "RUNS_REST",
            default_addr: "127.0.0.1:0",
            routes: ROUTES,
            openapi: r#"{"openapi":"3.1.0"}"#,
            auth: ExposedAuth::None,
            forwards: &[],
        },
        RestAdapterSpec {
            namespace: "runs-secure",
            env_prefix: "RUNS_SECURE",
            default_addr: "127.0.0.1:0",
            routes: ROUTES,
            openapi: "",
            auth: ExposedAuth::Bearer {
                token: Value::Secret("CALLER_TOKEN"),
            },
            forwards: &[],
        },
    ],
    mcp: &[],
    control: &[],
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
