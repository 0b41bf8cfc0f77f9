//! MCP round trips on loopback: a stand-in upstream, the runtime's MCP router, and rmcp's own
//! client speaking both protocol eras (2025-11-25 with `initialize`, 2026-07-28 without).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use naftiko_runtime::Runtime;
use naftiko_runtime::spec::*;
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientConfig, ErrorCode, GetPromptRequestParams,
    JsonObject, ProtocolVersion, ReadResourceRequestParams, ResourceContents,
};
use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::{ClientLifecycleMode, ClientServiceExt, RoleClient, ServiceError};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

// ---------------------------------------------------------------------------------------------
// The capability under test, written the way naftiko-codegen emits it.

static GET_RUN: HttpOperation = HttpOperation {
    consumes: 0,
    name: "get-run",
    method: "GET",
    path: &[PathPart::Literal("/v1/runs/"), PathPart::Param("runId")],
    inputs: &[OperationInput {
        name: "runId",
        location: Some(ParamLocation::Path),
        wire_name: "runId",
        ty: ValueType::String,
        required: true,
        fixed: None,
    }],
    body: RequestBody::Fields,
    output_format: RawFormat::Json,
};

const RUN_ID_INPUT: &[CallerInput] = &[CallerInput {
    name: "runId",
    location: ParamLocation::Body,
    wire_name: "runId",
    ty: ValueType::String,
    required: true,
    description: "The run's ULID",
}];

const RUN_ID_SCHEMA: &str = r#"{"type":"object","properties":{"runId":{"type":"string","description":"The run's ULID"}},"required":["runId"],"additionalProperties":false}"#;

static CAPABILITY: CapabilitySpec = CapabilitySpec {
    name: "Inngest runs",
    description: "Runs of the Inngest API",
    consumes: &[ConsumesSpec {
        namespace: "runs",
        env_prefix: "RUNS",
        // Never used: every test points RUNS_BASE_URL at its own stand-in.
        base_url: "http://127.0.0.1:9",
        timeout_ms: 5_000,
        auth: Auth::None,
        default_params: &[],
    }],
    secrets: &[],
    rest: &[],
    mcp: &[McpAdapterSpec {
        namespace: "runs-mcp",
        env_prefix: "RUNS_MCP",
        default_addr: "127.0.0.1:0",
        description: "Look at Inngest runs.",
        tools: &[
            McpTool {
                name: "get-run",
                title: Some("Get a run"),
                description: "Get one run by its id.",
                annotations: ToolAnnotations {
                    read_only: true,
                    destructive: false,
                    idempotent: true,
                    open_world: true,
                },
                input_schema: RUN_ID_SCHEMA,
                inputs: RUN_ID_INPUT,
                handler: Handler::Call {
                    operation: &GET_RUN,
                    args: &[("runId", Value::Input("runId"))],
                    output: Output::Passthrough,
                },
            },
            McpTool {
                name: "get-run-status",
                title: None,
                description: "The status of one run.",
                annotations: ToolAnnotations {
                    read_only: true,
                    destructive: false,
                    idempotent: true,
                    open_world: false,
                },
                input_schema: RUN_ID_SCHEMA,
                inputs: RUN_ID_INPUT,
                handler: Handler::Call {
                    operation: &GET_RUN,
                    args: &[("runId", Value::Input("runId"))],
                    output: Output::Mapped(Mapping::Select {
                        path: &[PathSegment::Field("data"), PathSegment::Field("status")],
                        ty: ValueType::String,
                    }),
                },
            },
        ],
        resources: &[McpResource {
            name: "readme",
            title: Some("About runs"),
            uri: "naftiko://runs/readme",
            description: "What a run is.",
            mime_type: "text/markdown",
            content: McpResourceContent::Static("# Runs\nOne execution of a function.\n"),
        }],
        prompts: &[McpPrompt {
            name: "explain-run",
            title: None,
            description: "Explain a run.",
            arguments: &[PromptArgument {
                name: "runId",
                description: "The run",
                required: true,
            }],
            messages: &[(
                "user",
                &[
                    TemplatePart::Text("Explain run "),
                    TemplatePart::Value(Value::Input("runId")),
                    TemplatePart::Text("."),
                ],
            )],
        }],
        auth: ExposedAuth::None,
    }],
};

// ---------------------------------------------------------------------------------------------
// Harness

/// Every wait in these tests is bounded by this.
const LIMIT: Duration = Duration::from_secs(20);

async fn bounded<T>(what: &str, future: impl Future<Output = T>) -> T {
    match tokio::time::timeout(LIMIT, future).await {
        Ok(value) => value,
        Err(_) => panic!("{what} took longer than {LIMIT:?}"),
    }
}

async fn upstream_run(
    State(hits): State<Arc<AtomicUsize>>,
    Path(id): Path<String>,
) -> impl IntoResponse {
    hits.fetch_add(1, Ordering::SeqCst);
    if id == "run-1" {
        (
            http::StatusCode::OK,
            axum::Json(json!({"data": {"id": "run-1", "status": "Running"}})),
        )
    } else {
        (
            http::StatusCode::NOT_FOUND,
            axum::Json(json!({"error": "run not found"})),
        )
    }
}

struct Harness {
    mcp_addr: SocketAddr,
    upstream_hits: Arc<AtomicUsize>,
}

impl Harness {
    fn url(&self) -> String {
        format!("http://{}/mcp", self.mcp_addr)
    }
}

async fn serve(app: axum::Router) -> SocketAddr {
    let listener = bounded("bind", tokio::net::TcpListener::bind("127.0.0.1:0"))
        .await
        .unwrap_or_else(|error| panic!("cannot bind 127.0.0.1:0: {error}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|error| panic!("no local address: {error}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// Starts a stand-in upstream and the MCP router over it; `env` adds variables.
async fn start(env: &[(&str, &str)]) -> Harness {
    let upstream_hits = Arc::new(AtomicUsize::new(0));
    let upstream = axum::Router::new()
        .route("/v1/runs/{id}", axum::routing::get(upstream_run))
        .with_state(upstream_hits.clone());
    let upstream_addr = serve(upstream).await;

    let mut vars: Vec<(String, String)> = vec![(
        "RUNS_BASE_URL".to_owned(),
        format!("http://{upstream_addr}"),
    )];
    vars.extend(
        env.iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
    );
    let lookup = move |name: &str| {
        vars.iter()
            .find(|(var, _)| var == name)
            .map(|(_, value)| value.clone())
    };
    let rt = Runtime::from_lookup(&CAPABILITY, &lookup)
        .unwrap_or_else(|error| panic!("runtime does not start: {error}"));
    let mcp_addr = serve(naftiko_runtime::mcp::router(rt, 0)).await;
    Harness {
        mcp_addr,
        upstream_hits,
    }
}

fn eras() -> [(&'static str, ClientLifecycleMode); 2] {
    [
        ("2025-11-25", ClientLifecycleMode::Initialize),
        (
            "2026-07-28",
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        ),
    ]
}

async fn connect(
    harness: &Harness,
    era: ClientLifecycleMode,
) -> RunningService<RoleClient, ClientConfig> {
    let transport = StreamableHttpClientTransport::from_uri(harness.url());
    bounded(
        "client start",
        ClientConfig::default().serve_with_lifecycle(transport, era),
    )
    .await
    .unwrap_or_else(|error| panic!("client cannot start: {error}"))
}

fn arguments(value: serde_json::Value) -> JsonObject {
    match value {
        serde_json::Value::Object(object) => object,
        other => panic!("arguments must be an object, not {other}"),
    }
}

async fn call(
    client: &RunningService<RoleClient, ClientConfig>,
    tool: &'static str,
    args: serde_json::Value,
) -> Result<CallToolResult, ServiceError> {
    let request = CallToolRequestParams::new(tool).with_arguments(arguments(args));
    bounded("tools/call", client.call_tool(request)).await
}

fn text_of(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|block| block.as_text().map(|text| text.text.clone()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn tools_are_listed_with_schema_and_annotations_in_both_eras() {
    let harness = start(&[]).await;
    for (era_name, era) in eras() {
        let client = connect(&harness, era).await;
        let tools = bounded("tools/list", client.list_all_tools())
            .await
            .unwrap_or_else(|error| panic!("[{era_name}] tools/list failed: {error}"));
        let names: Vec<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
        assert_eq!(names, ["get-run", "get-run-status"], "[{era_name}]");

        let get_run = &tools[0];
        assert_eq!(get_run.title.as_deref(), Some("Get a run"), "[{era_name}]");
        assert_eq!(
            get_run.description.as_deref(),
            Some("Get one run by its id.")
        );
        let annotations = get_run.annotations.clone().unwrap_or_default();
        assert_eq!(annotations.read_only_hint, Some(true), "[{era_name}]");
        assert_eq!(annotations.destructive_hint, Some(false), "[{era_name}]");
        assert_eq!(annotations.idempotent_hint, Some(true), "[{era_name}]");
        assert_eq!(annotations.open_world_hint, Some(true), "[{era_name}]");
        assert_eq!(
            tools[1]
                .annotations
                .clone()
                .unwrap_or_default()
                .open_world_hint,
            Some(false)
        );

        let schema = serde_json::Value::Object((*get_run.input_schema).clone());
        assert_eq!(schema["type"], "object", "[{era_name}]");
        assert_eq!(schema["required"], json!(["runId"]), "[{era_name}]");
        assert_eq!(
            schema["properties"]["runId"]["type"], "string",
            "[{era_name}]"
        );

        // The era really was the one asked for, and the server names itself after the adapter.
        let info = client.peer_info();
        let version = info.as_ref().map(|info| info.protocol_version.to_string());
        assert_eq!(version.as_deref(), Some(era_name));
        let server_name = info
            .as_ref()
            .and_then(|info| info.server_info.as_ref())
            .map(|server| server.name.clone());
        assert_eq!(server_name.as_deref(), Some("runs-mcp"), "[{era_name}]");
        let instructions = info.as_ref().and_then(|info| info.instructions.clone());
        assert_eq!(
            instructions.as_deref(),
            Some("Look at Inngest runs."),
            "[{era_name}]"
        );
        let _ = client.cancel().await;
    }
}

#[tokio::test]
async fn a_call_returns_structured_content_and_the_same_json_as_text() {
    let harness = start(&[]).await;
    for (era_name, era) in eras() {
        let client = connect(&harness, era).await;
        let result = call(&client, "get-run", json!({"runId": "run-1"}))
            .await
            .unwrap_or_else(|error| panic!("[{era_name}] get-run failed: {error}"));
        assert_ne!(result.is_error, Some(true), "[{era_name}] {result:?}");
        let expected = json!({"data": {"id": "run-1", "status": "Running"}});
        assert_eq!(
            result.structured_content.as_ref(),
            Some(&expected),
            "[{era_name}]"
        );
        let text: serde_json::Value = serde_json::from_str(&text_of(&result))
            .unwrap_or_else(|error| panic!("[{era_name}] text block is not JSON: {error}"));
        assert_eq!(text, expected, "[{era_name}]");

        // A scalar answer is wrapped, so structured content stays an object.
        let status = call(&client, "get-run-status", json!({"runId": "run-1"}))
            .await
            .unwrap_or_else(|error| panic!("[{era_name}] get-run-status failed: {error}"));
        assert_eq!(
            status.structured_content,
            Some(json!({"result": "Running"})),
            "[{era_name}]"
        );
        let _ = client.cancel().await;
    }
}

#[tokio::test]
async fn an_upstream_404_is_an_error_result() {
    let harness = start(&[]).await;
    for (era_name, era) in eras() {
        let client = connect(&harness, era).await;
        let result = call(&client, "get-run", json!({"runId": "no-such-run"}))
            .await
            .unwrap_or_else(|error| panic!("[{era_name}] a 404 must be a result, got {error}"));
        assert_eq!(result.is_error, Some(true), "[{era_name}] {result:?}");
        let text = text_of(&result);
        assert!(text.contains("404"), "[{era_name}] {text}");
        assert!(text.contains("run not found"), "[{era_name}] {text}");
        let _ = client.cancel().await;
    }
}

#[tokio::test]
async fn bad_arguments_are_error_results_and_never_reach_upstream() {
    let harness = start(&[]).await;
    let client = connect(&harness, ClientLifecycleMode::Initialize).await;
    let cases = [
        (json!({}), "runId"),
        (json!({"runId": "run-1", "runid": "x"}), "runid"),
        (json!({"runId": {"nested": true}}), "runId"),
    ];
    for (args, named) in cases {
        let result = call(&client, "get-run", args.clone())
            .await
            .unwrap_or_else(|error| panic!("bad arguments {args} must be a result, got {error}"));
        assert_eq!(result.is_error, Some(true), "{args}: {result:?}");
        let text = text_of(&result);
        assert!(
            text.contains(named),
            "{args}: the error should name `{named}`: {text}"
        );
    }
    assert_eq!(
        harness.upstream_hits.load(Ordering::SeqCst),
        0,
        "a bad call reached upstream"
    );

    // The same client still works, and a good call does reach upstream.
    let result = call(&client, "get-run", json!({"runId": "run-1"})).await;
    assert!(result.is_ok_and(|result| result.is_error != Some(true)));
    assert_eq!(harness.upstream_hits.load(Ordering::SeqCst), 1);
    let _ = client.cancel().await;
}

#[tokio::test]
async fn an_unknown_tool_is_invalid_params() {
    let harness = start(&[]).await;
    for (era_name, era) in eras() {
        let client = connect(&harness, era).await;
        match call(&client, "no-such-tool", json!({})).await {
            Err(ServiceError::McpError(error)) => {
                assert_eq!(
                    error.code,
                    ErrorCode::INVALID_PARAMS,
                    "[{era_name}] {error:?}"
                );
                assert!(
                    error.message.contains("no-such-tool"),
                    "[{era_name}] {error:?}"
                );
            }
            other => panic!("[{era_name}] expected a -32602 error, got {other:?}"),
        }
        let _ = client.cancel().await;
    }
}

#[tokio::test]
async fn resources_and_prompts_are_served() {
    let harness = start(&[]).await;
    let client = connect(&harness, ClientLifecycleMode::Initialize).await;

    let resources = bounded("resources/list", client.list_all_resources())
        .await
        .unwrap_or_else(|error| panic!("resources/list failed: {error}"));
    assert_eq!(resources.len(), 1);
    assert_eq!(resources[0].uri, "naftiko://runs/readme");
    assert_eq!(resources[0].mime_type.as_deref(), Some("text/markdown"));

    let read = bounded(
        "resources/read",
        client.read_resource(ReadResourceRequestParams::new("naftiko://runs/readme")),
    )
    .await
    .unwrap_or_else(|error| panic!("resources/read failed: {error}"));
    match read.contents.first() {
        Some(ResourceContents::TextResourceContents {
            text, mime_type, ..
        }) => {
            assert!(text.starts_with("# Runs"), "{text}");
            assert_eq!(mime_type.as_deref(), Some("text/markdown"));
        }
        other => panic!("expected text contents, got {other:?}"),
    }

    let prompts = bounded("prompts/list", client.list_all_prompts())
        .await
        .unwrap_or_else(|error| panic!("prompts/list failed: {error}"));
    assert_eq!(prompts.len(), 1);
    let prompt_args = prompts[0].arguments.clone().unwrap_or_default();
    assert_eq!(
        prompt_args.first().and_then(|argument| argument.required),
        Some(true)
    );

    let rendered = bounded(
        "prompts/get",
        client.get_prompt(
            GetPromptRequestParams::new("explain-run")
                .with_arguments(arguments(json!({"runId": "run-9"}))),
        ),
    )
    .await
    .unwrap_or_else(|error| panic!("prompts/get failed: {error}"));
    let text = rendered
        .messages
        .first()
        .and_then(|message| message.content.as_text().map(|t| t.text.clone()));
    assert_eq!(text.as_deref(), Some("Explain run run-9."));

    match bounded(
        "prompts/get",
        client.get_prompt(GetPromptRequestParams::new("explain-run")),
    )
    .await
    {
        Err(ServiceError::McpError(error)) => {
            assert_eq!(error.code, ErrorCode::INVALID_PARAMS, "{error:?}");
            assert!(error.message.contains("runId"), "{error:?}");
        }
        other => panic!("a missing required prompt argument must be -32602, got {other:?}"),
    }
    let _ = client.cancel().await;
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP: what a browser or an attacker would send.

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}"#;

/// POSTs `body` to `/mcp` with the given `Host` (and `Origin`); returns the status code.
async fn raw_post(addr: SocketAddr, host: &str, origin: Option<&str>, body: &str) -> u16 {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        let origin = origin
            .map(|origin| format!("Origin: {origin}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "POST /mcp HTTP/1.1\r\nHost: {host}\r\n{origin}Content-Type: application/json\r\n\
             Accept: application/json, text/event-stream\r\nConnection: close\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        Ok::<_, std::io::Error>(answer)
    };
    let answer = bounded("raw POST", exchange)
        .await
        .unwrap_or_else(|error| panic!("raw POST: {error}"));
    let answer = String::from_utf8_lossy(&answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|status| status.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer}"))
}

#[tokio::test]
async fn a_foreign_host_or_origin_is_refused() {
    let harness = start(&[]).await;
    let addr = harness.mcp_addr;
    let local = format!("127.0.0.1:{}", addr.port());
    assert_eq!(
        raw_post(addr, &local, None, INITIALIZE).await,
        200,
        "the control request must pass"
    );
    assert_eq!(
        raw_post(
            addr,
            &format!("localhost:{}", addr.port()),
            None,
            INITIALIZE
        )
        .await,
        200
    );
    assert_eq!(raw_post(addr, "evil.example", None, INITIALIZE).await, 403);
    assert_eq!(
        raw_post(
            addr,
            &format!("evil.example:{}", addr.port()),
            None,
            INITIALIZE
        )
        .await,
        403
    );
    let local_origin = format!("http://localhost:{}", addr.port());
    assert_eq!(
        raw_post(addr, &local, Some(&local_origin), INITIALIZE).await,
        200
    );
    assert_eq!(
        raw_post(addr, &local, Some("http://evil.example"), INITIALIZE).await,
        403
    );
}

#[tokio::test]
async fn allowed_hosts_and_body_limit_come_from_the_environment() {
    let harness = start(&[
        ("RUNS_MCP_ALLOWED_HOSTS", "mcp.example.com"),
        ("RUNS_MCP_MAX_BODY_BYTES", "1024"),
    ])
    .await;
    let addr = harness.mcp_addr;
    assert_eq!(
        raw_post(addr, "mcp.example.com", None, INITIALIZE).await,
        200
    );
    assert_eq!(
        raw_post(
            addr,
            &format!("127.0.0.1:{}", addr.port()),
            None,
            INITIALIZE
        )
        .await,
        403
    );

    let padded = INITIALIZE.replacen(
        r#""name":"raw""#,
        &format!(r#""name":"{}""#, "r".repeat(2048)),
        1,
    );
    assert_eq!(raw_post(addr, "mcp.example.com", None, &padded).await, 413);
}
