//! The capability of the MCP round-trip tests, written the way naftiko-codegen emits it: tools
//! over one consumed namespace, resources and prompts, an open and a bearer-protected adapter.

use std::borrow::Cow;

use naftiko_runtime::spec::*;

// ---------------------------------------------------------------------------------------------
// The capability under test, written the way naftiko-codegen emits it.

const GET_RUN: HttpOperation = HttpOperation {
    name: text("get-run"),
    method: text("GET"),
    description: text(""),
    path: Cow::Borrowed(&[
        PathPart::Literal(text("/v1/runs/")),
        PathPart::Param(text("runId")),
    ]),
    inputs: Cow::Borrowed(&[OperationInput {
        name: text("runId"),
        location: Some(ParamLocation::Path),
        wire_name: text("runId"),
        ty: ValueType::String,
        required: true,
        fixed: None,
        description: text(""),
    }]),
    body: RequestBody::Fields,
    output_format: RawFormat::Json,
    output: naftiko_runtime::spec::Output::Passthrough,
    output_schema: None,
};

const RUN_ID_INPUT: List<CallerInput> = Cow::Borrowed(&[CallerInput {
    name: text("runId"),
    location: ParamLocation::Body,
    wire_name: text("runId"),
    ty: ValueType::String,
    required: true,
    description: text("The run's ULID"),
    schema: None,
    pattern: None,
}]);

/// `GET_RUN`: the first (only) operation of the first (only) consumed namespace, `runs`.
const GET_RUN_ID: OperationId = OperationId {
    consumes: ConsumesId(0),
    index: 0,
};

const RUN_ID_SCHEMA: Str = text(
    r#"{"type":"object","properties":{"runId":{"type":"string","description":"The run's ULID"}},"required":["runId"],"additionalProperties":false}"#,
);

pub static CAPABILITY: CapabilitySpec = CapabilitySpec {
    name: text("Inngest runs"),
    description: text("Runs of the Inngest API"),
    consumes: Cow::Borrowed(&[ConsumesSpec {
        namespace: text("runs"),
        env_prefix: text("RUNS"),
        // Never used: every test points RUNS_BASE_URL at its own stand-in.
        base_url: text("http://127.0.0.1:9"),
        timeout_ms: 5_000,
        auth: Auth::None,
        description: text(""),
        default_params: list(&[]),
        operations: Cow::Borrowed(&[GET_RUN]),
    }]),
    secrets: list(&[]),
    rest: list(&[]),
    mcp: Cow::Borrowed(&[
        McpAdapterSpec {
            namespace: text("runs-mcp"),
            env_prefix: text("RUNS_MCP"),
            default_addr: text("127.0.0.1:0"),
            transport: McpTransport::Http,
            ttl_ms: Some(60_000),
            cache_scope: Some(McpCacheScope::Public),
            description: text("Look at Inngest runs."),
            tools: Cow::Borrowed(&[
                McpTool {
                    name: text("get-run"),
                    title: Some(text("Get a run")),
                    description: text("Get one run by its id."),
                    annotations: ToolAnnotations {
                        read_only: true,
                        destructive: false,
                        idempotent: true,
                        open_world: true,
                    },
                    input_schema: RUN_ID_SCHEMA,
                    inputs: RUN_ID_INPUT,
                    output_schema: None,
                    handler: Handler::Call {
                        operation: GET_RUN_ID,
                        args: Cow::Borrowed(&[Arg {
                            input: text("runId"),
                            value: Value::Input(text("runId")),
                        }]),
                        output: Output::Passthrough,
                    },
                },
                McpTool {
                    name: text("get-run-status"),
                    title: None,
                    description: text("The status of one run."),
                    annotations: ToolAnnotations {
                        read_only: true,
                        destructive: false,
                        idempotent: true,
                        open_world: false,
                    },
                    input_schema: RUN_ID_SCHEMA,
                    inputs: RUN_ID_INPUT,
                    output_schema: None,
                    handler: Handler::Call {
                        operation: GET_RUN_ID,
                        args: Cow::Borrowed(&[Arg {
                            input: text("runId"),
                            value: Value::Input(text("runId")),
                        }]),
                        output: Output::Mapped(Mapping::Select {
                            path: Cow::Borrowed(&[
                                PathSegment::Field(text("data")),
                                PathSegment::Field(text("status")),
                            ]),
                            ty: ValueType::String,
                        }),
                    },
                },
            ]),
            resources: Cow::Borrowed(&[McpResource {
                name: text("readme"),
                title: Some(text("About runs")),
                uri: text("naftiko://runs/readme"),
                uri_template: list(&[]),
                description: text("What a run is."),
                mime_type: text("text/markdown"),
                binary: false,
                content: McpResourceContent::Static(text("# Runs\nOne execution of a function.\n")),
            }]),
            prompts: Cow::Borrowed(&[McpPrompt {
                name: text("explain-run"),
                title: None,
                description: text("Explain a run."),
                arguments: Cow::Borrowed(&[PromptArgument {
                    name: text("runId"),
                    description: text("The run"),
                    required: true,
                }]),
                messages: Cow::Borrowed(&[PromptMessage {
                    role: text("user"),
                    parts: Cow::Borrowed(&[
                        TemplatePart::Text(text("Explain run ")),
                        TemplatePart::Value(Value::Input(text("runId"))),
                        TemplatePart::Text(text(".")),
                    ]),
                }]),
            }]),
            auth: Auth::None,
        },
        McpAdapterSpec {
            namespace: text("runs-mcp-private"),
            env_prefix: text("RUNS_MCP_PRIVATE"),
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
        },
    ]),
    control: list(&[]),
};
