//! The capability of the MCP round-trip tests, written the way naftiko-codegen emits it: tools
//! over one consumed namespace, resources and prompts, an open and a bearer-protected adapter.

use naftiko_runtime::spec::*;

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

pub static CAPABILITY: CapabilitySpec = CapabilitySpec {
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
    mcp: &[
        McpAdapterSpec {
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
                uri_template: &[],
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
        },
        McpAdapterSpec {
            namespace: "runs-mcp-private",
            env_prefix: "RUNS_MCP_PRIVATE",
            default_addr: "127.0.0.1:0",
            description: "",
            tools: &[],
            resources: &[],
            prompts: &[],
            auth: ExposedAuth::Bearer {
                token: Value::Literal("\"s3cret\""),
            },
        },
    ],
    control: &[],
};
