//! A capability with one MCP tool that answers without an upstream, for the adapter's tests.

use std::borrow::Cow;

use crate::spec::*;

/// One adapter (`PING_MCP`) with one tool, `ping`, answering `{"pong":true}`.
pub(crate) static PING: CapabilitySpec = CapabilitySpec {
    name: text("ping"),
    description: text(""),
    consumes: list(&[]),
    secrets: list(&[]),
    rest: list(&[]),
    mcp: Cow::Borrowed(&[McpAdapterSpec {
        namespace: text("ping-mcp"),
        env_prefix: text("PING_MCP"),
        default_addr: text("127.0.0.1:0"),
        transport: McpTransport::Http,
        ttl_ms: None,
        cache_scope: None,
        description: text("Answers pings."),
        tools: Cow::Borrowed(&[McpTool {
            name: text("ping"),
            title: None,
            description: text("Answer pong."),
            annotations: ToolAnnotations {
                read_only: true,
                destructive: false,
                idempotent: true,
                open_world: false,
            },
            input_schema: text(r#"{"type":"object","properties":{}}"#),
            inputs: list(&[]),
            output_schema: None,
            handler: Handler::Static {
                body: text(r#"{"pong":true}"#),
                content_type: text("application/json"),
            },
        }]),
        resources: list(&[]),
        prompts: list(&[]),
        auth: Auth::None,
    }]),
    control: list(&[]),
};
