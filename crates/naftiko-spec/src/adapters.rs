//! What a capability exposes: REST, MCP and control adapters.

use crate::{Auth, ConsumesId, Handler, List, ParamLocation, PathPart, Str, Value, ValueType};

/// An exposed REST adapter (`exposes[]` with `type: rest`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct RestAdapterSpec {
    pub namespace: Str,
    /// Upper snake case of the namespace, for `<PREFIX>_ADDR`.
    pub env_prefix: Str,
    /// `address:port` from the spec (address defaults to 127.0.0.1).
    pub default_addr: Str,
    pub description: Str,
    pub routes: List<RestRoute>,
    /// The OpenAPI 3.1 document of this adapter (JSON text), written by the code generator
    /// from the rest of this adapter.
    pub openapi: Str,
    /// What callers must present (never digest: the code generator refuses it for callers).
    pub auth: Auth,
    /// `forward` resources: path prefixes proxied whole to a consumed namespace.
    pub forwards: List<RestForward>,
}

/// One method on one path.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct RestRoute {
    pub method: Str,
    /// The path in router syntax (`/v1/runs/{runid}`); placeholder names already made
    /// consistent across routes that share a segment.
    pub path: Str,
    pub name: Str,
    pub description: Str,
    pub inputs: List<CallerInput>,
    pub handler: Handler,
    /// The JSON Schema (2020-12) of a successful answer's body when the spec declares its shape
    /// (`outputParameters` with names, types, `properties`, `items`), as canonical JSON text;
    /// the OpenAPI document's response schema.
    pub output_schema: Option<Str>,
}

/// A `forward` (proxy) resource: every method and every sub-path under `prefix` goes to the
/// consumed namespace's base URL plus the same sub-path and query, with that namespace's
/// authentication. Bodies stream through both ways; only `trusted_headers` (and
/// `content-type`, `accept`, `content-length`) of the caller's headers are passed on.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct RestForward {
    /// The resource's name, for logs, metrics and upstream hooks.
    pub name: Str,
    /// The literal path prefix, without a trailing slash (`/notion`; empty for the root).
    pub prefix: Str,
    pub consumes: ConsumesId,
    /// Caller headers to pass on, lower case, without duplicates.
    pub trusted_headers: List<Str>,
    pub description: Str,
}

/// One input of an exposed route or tool, as the caller supplies it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct CallerInput {
    pub name: Str,
    /// For REST: where to read it. MCP arguments use `Body`.
    pub location: ParamLocation,
    /// The name on the wire: for a path input the router's placeholder name (routes sharing a
    /// segment must agree on one name, so it may differ from `name`); for a header its header
    /// name. Usually equal to `name`.
    pub wire_name: Str,
    pub ty: ValueType,
    pub required: bool,
    pub description: Str,
    /// The structure of an object or array input (JSON Schema text), when the spec declares
    /// one.
    pub schema: Option<Str>,
    /// `pattern`: a regular expression a text input must contain a match of (JSON Schema
    /// semantics: not anchored unless the pattern says `^…$`).
    pub pattern: Option<Str>,
}

/// A `control` adapter: `GET /health/live`, `GET /health/ready` and, unless its
/// `observability` turns it off, `GET /metrics` (Prometheus text format), on a socket of its own.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct ControlAdapterSpec {
    /// The adapter's namespace, or `control` when the spec names none.
    pub namespace: Str,
    /// For `<PREFIX>_ADDR`: the namespace's prefix, or `CONTROL`.
    pub env_prefix: Str,
    /// `address:port` from the spec (address defaults to 127.0.0.1).
    pub default_addr: Str,
    /// What callers must present, checked on every endpoint of the adapter (never digest: the
    /// code generator refuses it for callers).
    pub auth: Auth,
    /// `GET /metrics` is served: `false` when `observability.enabled` or
    /// `observability.metrics.local.enabled` is `false`.
    pub metrics: bool,
    /// The adapter's `observability`: what OpenTelemetry uses where the standard `OTEL_*`
    /// variables say nothing.
    pub observability: ObservabilitySpec,
}

/// `observability` of a control adapter. One process has one OpenTelemetry pipeline: the code
/// generator keeps these settings on the first control adapter that declares them (the others
/// get [`ObservabilitySpec::DEFAULT`]), and the runtime reads the first that is not the default.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct ObservabilitySpec {
    /// `enabled: false`: nothing is exported, whatever the environment says.
    pub enabled: bool,
    /// `exporters.otlp.endpoint`: the OTLP/HTTP base URL used when
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` is unset. A template of literals and bind keys, read at
    /// start-up.
    pub otlp_endpoint: Option<Value>,
    /// `traces.sampling`: the ratio of new traces sampled (parent-based) when
    /// `OTEL_TRACES_SAMPLER` is unset.
    pub trace_sampling: Option<f64>,
}

impl ObservabilitySpec {
    /// What a control adapter without `observability` means: enabled, and everything from the
    /// environment.
    pub const DEFAULT: ObservabilitySpec = ObservabilitySpec {
        enabled: true,
        otlp_endpoint: None,
        trace_sampling: None,
    };
}

/// How an MCP adapter talks to its clients (`transport:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum McpTransport {
    /// Streamable HTTP at `/mcp` on the adapter's address (the default).
    Http,
    /// JSON-RPC on the process's stdin and stdout, for a client that starts the server as a
    /// child process. A capability has at most one such adapter.
    Stdio,
}

/// `cacheScope` of an MCP adapter: who may reuse its cacheable results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum McpCacheScope {
    /// The same for every caller: shared caches may serve it across credentials.
    Public,
    /// Reusable only by the caller (the same authorization context) that received it.
    Private,
}

/// An exposed MCP adapter.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct McpAdapterSpec {
    pub namespace: Str,
    pub env_prefix: Str,
    /// `address:port` from the spec; unused by a stdio adapter.
    pub default_addr: Str,
    pub transport: McpTransport,
    /// `ttlMs`: how long a client may treat the adapter's cacheable results (the tool, prompt,
    /// resource and template lists, and resource reads) as fresh. `None` leaves rmcp's
    /// default for the 2026-07-28 protocol, 0 (always stale).
    pub ttl_ms: Option<u64>,
    /// `cacheScope` of those results; `None` leaves rmcp's default, private.
    pub cache_scope: Option<McpCacheScope>,
    /// Server instructions (the adapter's description).
    pub description: Str,
    pub tools: List<McpTool>,
    pub resources: List<McpResource>,
    pub prompts: List<McpPrompt>,
    /// What callers must present (never digest: the code generator refuses it for callers).
    pub auth: Auth,
}

/// An MCP tool.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct McpTool {
    pub name: Str,
    pub title: Option<Str>,
    pub description: Str,
    pub annotations: ToolAnnotations,
    /// The JSON Schema (2020-12) of the arguments, as canonical JSON text.
    pub input_schema: Str,
    pub inputs: List<CallerInput>,
    pub handler: Handler,
    /// The JSON Schema (2020-12) of the `structuredContent` of a successful call when the spec
    /// declares the result's shape, as canonical JSON text: always an object schema (a result
    /// that is no object is sent as `{"result": …}`, and its schema says so).
    pub output_schema: Option<Str>,
}

/// The MCP tool hints: from the spec's `hints`, or derived from the HTTP method called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct ToolAnnotations {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

/// An MCP resource: fixed content, or an upstream call.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct McpResource {
    pub name: Str,
    pub title: Option<Str>,
    pub uri: Str,
    /// `uri` split at its `{placeholders}` when it is a template (an RFC 6570 level-1
    /// template, listed by `resources/templates/list`; a read fills the placeholders as caller
    /// inputs); empty for a fixed URI.
    pub uri_template: List<PathPart>,
    pub description: Str,
    pub mime_type: Str,
    /// `binary: true`: the content is bytes, read as a base64 `blob` rather than as text.
    pub binary: bool,
    pub content: McpResourceContent,
}

/// Where an MCP resource's content comes from.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum McpResourceContent {
    /// A file embedded at build time: its text, or its bytes in base64 when the resource is
    /// `binary`.
    Static(Str),
    /// Read by calling upstream.
    Dynamic(Handler),
}

/// An MCP prompt: a message template with arguments.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct McpPrompt {
    pub name: Str,
    pub title: Option<Str>,
    pub description: Str,
    pub arguments: List<PromptArgument>,
    pub messages: List<PromptMessage>,
}

/// One argument of an MCP prompt.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct PromptArgument {
    pub name: Str,
    pub description: Str,
    pub required: bool,
}

/// One message of an MCP prompt: its role and its text with `{{argument}}` holes.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct PromptMessage {
    pub role: Str,
    pub parts: List<crate::TemplatePart>,
}
