//! One typed model for every dialect (naftiko alpha1–alpha3, ikanos beta5).
//!
//! The normalizer fills this from the YAML tree; list and name-keyed map forms, dialect key
//! spellings and imports are already folded away here. Every field that a diagnostic may point
//! at keeps its [`Span`]. Values whose meaning depends on context (`with` entries, literals,
//! templates) stay as located text or JSON until the resolver binds them.

use crate::source::Loc;

/// Where something stands: file position and spec path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Span {
    pub loc: Loc,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Located<T> {
    pub fn new(value: T, span: Span) -> Self {
        Located { value, span }
    }
}

pub type Text = Located<String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Alpha1,
    Alpha2,
    Alpha3,
    IkanosBeta5,
    /// A version we don't know; read like the newest naftiko alpha, with a warning.
    Unknown,
}

#[derive(Debug, Clone, Default)]
pub struct Spec {
    pub label: Option<String>,
    pub description: Option<String>,
    pub binds: Vec<Bind>,
    pub consumes: Vec<Consumes>,
    pub exposes: Vec<Expose>,
    pub aggregates: Vec<Aggregate>,
    /// The root span (for diagnostics about the spec as a whole).
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Bind {
    pub namespace: Text,
    /// `file://…` source, if any.
    pub location: Option<Text>,
    /// (key as the spec names it, name in the source).
    pub keys: Vec<(Text, String)>,
}

#[derive(Debug, Clone)]
pub struct Consumes {
    pub namespace: Text,
    pub base_uri: Option<Text>,
    pub description: Option<String>,
    pub auth: Option<Auth>,
    /// Client-level parameters, sent on every call.
    pub params: Vec<ConsumedParam>,
    pub resources: Vec<ConsumedResource>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ConsumedResource {
    pub name: Text,
    pub path: Text,
    pub params: Vec<ConsumedParam>,
    pub operations: Vec<ConsumedOperation>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ConsumedOperation {
    pub name: Text,
    pub method: Located<HttpMethod>,
    pub description: Option<String>,
    /// An operation-level `path` suffix or override seen in some specs.
    pub path: Option<Text>,
    pub params: Vec<ConsumedParam>,
    pub body: Option<Body>,
    pub output_format: Option<Text>,
    /// `outputSchema`: an HTML table selector or a Markdown section prefix.
    pub output_schema: Option<Text>,
    /// `outputParameters`: the shape the typed client reads out of the answer.
    pub outputs: Vec<OutputParam>,
    pub span: Span,
}

/// The HTTP method of a consumed operation, checked once by the normalizer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl HttpMethod {
    /// A method name in any case; `None` for methods we do not call.
    pub fn parse(word: &str) -> Option<HttpMethod> {
        Some(match word.to_ascii_uppercase().as_str() {
            "GET" => HttpMethod::Get,
            "POST" => HttpMethod::Post,
            "PUT" => HttpMethod::Put,
            "PATCH" => HttpMethod::Patch,
            "DELETE" => HttpMethod::Delete,
            "HEAD" => HttpMethod::Head,
            "OPTIONS" => HttpMethod::Options,
            _ => return None,
        })
    }

    /// The upper-case name, as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
        }
    }
}

pub use naftiko_spec::ParamLocation as ParamIn;

#[derive(Debug, Clone)]
pub struct ConsumedParam {
    pub name: Text,
    pub location: Option<Located<ParamIn>>,
    pub ty: Option<Text>,
    pub required: bool,
    pub description: Option<String>,
    /// `value:` — a fixed value or template.
    pub value: Option<Located<serde_json::Value>>,
    /// `in: environment`: not sent, but read from the environment variable of its name at
    /// start-up, a secret that templates name as `{{name}}` (`location` is then `None`).
    pub from_environment: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Body {
    /// `type: json` (or a body given as a mapping): a JSON template.
    Json(Located<serde_json::Value>),
    FormUrlEncoded(Located<serde_json::Value>),
    Multipart(Vec<MultipartPart>),
    /// A raw string body (`body: |` text, or `type: text|xml|…`), with its content type.
    Text {
        content_type: String,
        data: Text,
    },
}

#[derive(Debug, Clone)]
pub struct MultipartPart {
    pub name: Text,
    pub value: Located<serde_json::Value>,
    pub filename: Option<String>,
    pub content_type: Option<String>,
}

pub use naftiko_spec::ApiKeyPlacement;

#[derive(Debug, Clone)]
pub enum Auth {
    Bearer {
        token: Text,
    },
    ApiKey {
        name: Text,
        value: Text,
        placement: ApiKeyPlacement,
        /// Further keys sent the same way on every call (`headers: {A: …, B: …}`).
        extra: Vec<(Text, Text)>,
    },
    Basic {
        username: Text,
        password: Text,
    },
    Digest {
        username: Text,
        password: Text,
    },
    /// `type: aws-sigv4`: requests signed for `service` (in `region`, or the region the
    /// environment names).
    AwsSigV4 {
        service: Text,
        region: Option<Text>,
        span: Span,
    },
    /// A type we cannot honour (oauth1, hmac …): an error where it is used.
    Unsupported {
        kind: Text,
    },
    /// OAuth 2 (exposes side only makes sense as a resource server).
    OAuth2 {
        span: Span,
    },
}

#[derive(Debug, Clone)]
pub enum Expose {
    Rest(RestAdapter),
    Mcp(McpAdapter),
    /// `control`: health and metrics endpoints.
    Control(ControlAdapter),
    /// An adapter type we do not generate (`skill`, unknown types): warned about.
    Other {
        kind: Text,
        namespace: Option<Text>,
    },
}

#[derive(Debug, Clone)]
pub struct ControlAdapter {
    /// Optional: names `<NAMESPACE>_ADDR`; without one the address is `CONTROL_ADDR`.
    pub namespace: Option<Text>,
    pub address: Option<Text>,
    pub port: Option<Located<u16>>,
    /// What callers of every control endpoint must present.
    pub auth: Option<Auth>,
    pub observability: Option<Observability>,
    pub span: Span,
}

/// A control adapter's `observability`, the parts that map onto OpenTelemetry and `/metrics`.
#[derive(Debug, Clone)]
pub struct Observability {
    /// `enabled` (default `true`).
    pub enabled: bool,
    /// `metrics.local.enabled` (default `true`): whether `/metrics` is served.
    pub metrics_local: bool,
    /// `exporters.otlp.endpoint`, which may name bind keys (`{{OTLP_URL}}`).
    pub otlp_endpoint: Option<Text>,
    /// `traces.sampling`, checked to lie in 0..=1.
    pub sampling: Option<Located<f64>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct RestAdapter {
    pub namespace: Text,
    pub address: Option<Text>,
    pub port: Option<Located<u16>>,
    pub description: Option<String>,
    pub auth: Option<Auth>,
    pub resources: Vec<ExposedResource>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ExposedResource {
    pub path: Text,
    pub name: Option<Text>,
    pub description: Option<String>,
    pub params: Vec<ExposedParam>,
    pub operations: Vec<ExposedOperation>,
    pub forward: Option<Forward>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Forward {
    pub target_namespace: Text,
    pub trusted_headers: Vec<Text>,
}

#[derive(Debug, Clone)]
pub struct ExposedOperation {
    pub method: Text,
    pub name: Option<Text>,
    pub description: Option<String>,
    pub params: Vec<ExposedParam>,
    pub target: Target,
    pub span: Span,
}

/// A declared caller input of a REST operation or MCP tool.
#[derive(Debug, Clone)]
pub struct ExposedParam {
    pub name: Text,
    pub location: Option<Located<ParamIn>>,
    pub ty: Option<Text>,
    /// `None` when the spec does not say (REST path parameters are always required).
    pub required: Option<bool>,
    pub description: Option<String>,
    /// `value:` / `mapping:` on an exposed parameter: a fixed value, not a caller input.
    pub value: Option<Located<serde_json::Value>>,
    /// For `object` and `array` parameters: the JSON Schema of their structure, built from
    /// nested `properties` / `items` (same shape as parameters).
    pub schema: Option<serde_json::Value>,
    /// `pattern`: a regular expression the caller's text must match.
    pub pattern: Option<Text>,
    pub span: Span,
}

/// What an exposed operation, tool or aggregate function does.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub call: Option<Text>,
    pub with: Vec<(Text, Located<serde_json::Value>)>,
    pub steps: Vec<StepSpec>,
    pub mappings: Vec<(Text, Text)>,
    /// `ref: <aggregate-namespace>.<function>`.
    pub reference: Option<Text>,
    pub outputs: Vec<OutputParam>,
    pub hints: Hints,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints {
    pub read_only: Option<bool>,
    pub destructive: Option<bool>,
    pub idempotent: Option<bool>,
    pub open_world: Option<bool>,
}

#[derive(Debug, Clone)]
pub enum StepSpec {
    Call {
        name: Text,
        call: Text,
        with: Vec<(Text, Located<serde_json::Value>)>,
    },
    Lookup {
        name: Text,
        index: Text,
        match_field: Text,
        lookup_value: Text,
        fields: Vec<String>,
    },
    /// `type: script` and other kinds: a clear error where used.
    Unsupported { name: Text, kind: Text },
}

/// An output parameter tree (`outputParameters`).
#[derive(Debug, Clone)]
pub struct OutputParam {
    pub name: Option<Text>,
    pub ty: Option<Text>,
    /// `mapping:` or `value:` — a JSONPath into the upstream body (or step context).
    pub mapping: Option<Text>,
    pub constant: Option<Located<serde_json::Value>>,
    pub properties: Vec<OutputParam>,
    pub items: Option<Box<OutputParam>>,
    /// `description` (or `label`): the doc comment and schema description of the field.
    pub description: Option<String>,
    /// `required: true`: the field is never `null` (the output schema and struct say so).
    pub required: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct McpAdapter {
    pub namespace: Text,
    pub address: Option<Text>,
    pub port: Option<Located<u16>>,
    pub transport: Option<Text>,
    /// `ttlMs` and `cacheScope`: caching hints of the adapter's cacheable results.
    pub ttl_ms: Option<u64>,
    pub cache_scope: Option<naftiko_spec::McpCacheScope>,
    pub description: Option<String>,
    pub auth: Option<Auth>,
    pub tools: Vec<McpTool>,
    pub resources: Vec<McpResourceSpec>,
    pub prompts: Vec<McpPromptSpec>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct McpTool {
    pub name: Text,
    pub label: Option<String>,
    pub description: Option<String>,
    pub params: Vec<ExposedParam>,
    pub target: Target,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct McpResourceSpec {
    pub name: Text,
    pub label: Option<String>,
    pub uri: Text,
    pub description: Option<String>,
    pub mime_type: Option<String>,
    /// `location: file://…` — embedded at compile time.
    pub location: Option<Text>,
    /// `binary: true`: bytes, read as a base64 blob.
    pub binary: bool,
    pub target: Target,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct McpPromptSpec {
    pub name: Text,
    pub label: Option<String>,
    pub description: Option<String>,
    /// (name, description, required)
    pub arguments: Vec<(Text, Option<String>, bool)>,
    /// (role, content)
    pub messages: Vec<(String, Text)>,
    pub location: Option<Text>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Aggregate {
    pub namespace: Text,
    pub functions: Vec<AggregateFunction>,
}

#[derive(Debug, Clone)]
pub struct AggregateFunction {
    pub name: Text,
    pub description: Option<String>,
    pub params: Vec<ExposedParam>,
    pub target: Target,
    /// `semantics` (safe/idempotent) become hints of tools that `ref` it.
    pub hints: Hints,
}
