//! Static descriptions of a capability, as emitted by `naftiko-codegen`.
//!
//! The code generator resolves a spec completely at compile time and writes it out as `const`
//! data of these types: which upstream operations exist, how every parameter of every call is
//! bound, which routes and tools are exposed and how their outputs are shaped. The runtime then
//! interprets these tables. One general mechanism serves every spec, generated code stays small
//! (it compiles fast even for hundreds of specs), and nothing is parsed at run time.
//!
//! Every type here is built from `&'static` data only, so a whole capability is a `const`.

/// A whole capability: what it consumes, the secrets it needs and what it exposes.
#[derive(Debug)]
pub struct CapabilitySpec {
    /// `info.label`, or the first namespace when the spec has no label.
    pub name: &'static str,
    pub description: &'static str,
    /// Every consumed HTTP namespace; `HttpOperation::consumes` indexes into this.
    pub consumes: &'static [ConsumesSpec],
    /// Every bind key the capability reads, with where its value comes from.
    pub secrets: &'static [SecretSpec],
    pub rest: &'static [RestAdapterSpec],
    pub mcp: &'static [McpAdapterSpec],
    /// `control` adapters: health and metrics, each on its own socket.
    pub control: &'static [ControlAdapterSpec],
}

/// One bind key (`binds[].keys`): a secret read at start-up, never logged.
#[derive(Debug)]
pub struct SecretSpec {
    /// The key as the spec names it; also the environment variable that supplies it.
    pub key: &'static str,
    /// The name in the bind's source when it differs from `key` (the value side of `keys`).
    /// Also tried as an environment variable, after `key`.
    pub source_name: &'static str,
    /// `binds[].location` when it is a `file://` URI: a JSON object file read at start-up.
    pub file: Option<&'static str>,
}

/// One consumed HTTP namespace (`capability.consumes[]`).
#[derive(Debug)]
pub struct ConsumesSpec {
    pub namespace: &'static str,
    /// Upper snake case of the namespace: `INNGEST_RUNS` gives `INNGEST_RUNS_BASE_URL` and
    /// `INNGEST_RUNS_TIMEOUT_MS`.
    pub env_prefix: &'static str,
    /// `baseUri` as written in the spec, without a trailing slash.
    pub base_url: &'static str,
    /// Default request timeout in milliseconds (30 000 unless the spec says otherwise).
    pub timeout_ms: u64,
    pub auth: Auth,
    /// Client-level `inputParameters`: sent on every call of this namespace.
    pub default_params: &'static [DefaultParam],
}

/// A parameter sent on every call of a namespace (for example a version header).
#[derive(Debug)]
pub struct DefaultParam {
    pub name: &'static str,
    pub location: ParamLocation,
    pub value: Value,
}

/// How requests to a consumed namespace authenticate.
#[derive(Debug)]
pub enum Auth {
    None,
    Bearer {
        token: Value,
    },
    ApiKey {
        name: &'static str,
        value: Value,
        placement: ApiKeyPlacement,
    },
    Basic {
        username: Value,
        password: Value,
    },
    Digest {
        username: Value,
        password: Value,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyPlacement {
    Header,
    Query,
    Cookie,
}

/// Where a value comes from, resolved at codegen time.
#[derive(Debug)]
pub enum Value {
    /// A JSON literal, as JSON text (`"\"v1\""`, `"42"`, `"{\"a\":1}"`): numbers stay numbers.
    Literal(&'static str),
    /// The caller's input of that name (REST path/query/header/body field, MCP argument).
    Input(&'static str),
    /// A bind key; its value is read at start-up.
    Secret(&'static str),
    /// A value taken out of an earlier step's output.
    Step {
        step: &'static str,
        path: &'static [PathSegment],
    },
    /// Text with holes, such as `Bearer {{token}}`: every part rendered as text and joined.
    Template(&'static [TemplatePart]),
    /// A JSON object or array whose leaves are values (body templates): structure is kept and
    /// a leaf that is exactly one input keeps that input's JSON type.
    Object(&'static [(&'static str, Value)]),
    Array(&'static [Value]),
}

#[derive(Debug)]
pub enum TemplatePart {
    Text(&'static str),
    Value(Value),
}

/// One step of a compiled JSONPath (`$.a.b[0].*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSegment {
    /// `.name` or `['name']`
    Field(&'static str),
    /// `[3]`; negative counts from the end.
    Index(i64),
    /// `[*]` or `.*`: every element (an array results).
    Wildcard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
    /// A field of the JSON (or form) body.
    Body,
}

/// The JSON type of an input, used to validate and convert caller input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
    /// Anything (no type declared or a type we do not check).
    Any,
}

/// How a consumed operation's response body is to be read (`outputRawFormat`). Every format
/// but `Text` and `Binary` can be mapped: [`crate::formats`] turns it into JSON first, with the
/// reference engine's shapes (XML elements as objects, delimited rows as objects keyed by
/// header, HTML and Markdown as `{"tables": [[row, …], …]}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawFormat {
    Json,
    Xml,
    /// Comma-separated values with a header row.
    Csv,
    /// Every `<table>` of an HTML page.
    Html,
    Markdown,
    Text,
    Binary,
    /// Tab-separated values with a header row.
    Tsv,
    /// Pipe-separated values with a header row.
    Psv,
    /// The `<table>`s matched by, or inside the elements matched by, a CSS selector
    /// (the operation's `outputSchema`, for example `table.products`).
    HtmlTables(&'static str),
    /// Markdown whose `sections` keep only the headings that start with this prefix
    /// (the operation's `outputSchema`); tables and front matter are kept whole.
    MarkdownSections(&'static str),
}

/// One consumed operation (`consumes[].resources[].operations[]`).
#[derive(Debug)]
pub struct HttpOperation {
    /// Index into `CapabilitySpec::consumes`.
    pub consumes: usize,
    pub name: &'static str,
    /// Upper case HTTP method (`GET`, `POST`, …).
    pub method: &'static str,
    /// The resource path split into literal text and placeholders.
    pub path: &'static [PathPart],
    /// Every input this operation takes: declared parameters plus names its templates use.
    pub inputs: &'static [OperationInput],
    pub body: RequestBody,
    pub output_format: RawFormat,
}

#[derive(Debug)]
pub enum PathPart {
    Literal(&'static str),
    /// A placeholder filled with the named input, percent-encoded as one path segment.
    Param(&'static str),
}

/// One input of a consumed operation.
#[derive(Debug)]
pub struct OperationInput {
    /// The name callers bind (`with` keys, pass-through names).
    pub name: &'static str,
    /// Where it goes on the wire; `None` when only a template (body, header) uses it.
    pub location: Option<ParamLocation>,
    /// The name on the wire when it differs from `name` (for example a header name).
    pub wire_name: &'static str,
    pub ty: ValueType,
    pub required: bool,
    /// A fixed value from the spec (`value:` on a consumed parameter); callers may not override.
    pub fixed: Option<Value>,
}

/// The request body of a consumed operation.
#[derive(Debug)]
pub enum RequestBody {
    /// No body, except the JSON object made of `in: body` inputs when any is given.
    Fields,
    /// `body: {type: json, data: …}`: a JSON template. `in: body` inputs are added to an
    /// object template as fields it does not set itself (so too for `FormUrlEncoded`).
    Json(Value),
    /// `application/x-www-form-urlencoded` from a template of fields.
    FormUrlEncoded(Value),
    /// `multipart/form-data` parts.
    Multipart(&'static [MultipartPart]),
    /// Raw text (`type: text|xml|…`) with its content type.
    Text {
        content_type: &'static str,
        data: Value,
    },
}

#[derive(Debug)]
pub struct MultipartPart {
    pub name: &'static str,
    pub value: Value,
    pub filename: Option<&'static str>,
    pub content_type: Option<&'static str>,
}

/// One input of an exposed route or tool, as the caller supplies it.
#[derive(Debug)]
pub struct CallerInput {
    pub name: &'static str,
    /// For REST: where to read it. MCP arguments use `Body`.
    pub location: ParamLocation,
    /// The name on the wire: for a path input the router's placeholder name (routes sharing a
    /// segment must agree on one name, so it may differ from `name`); for a header its header
    /// name. Usually equal to `name`.
    pub wire_name: &'static str,
    pub ty: ValueType,
    pub required: bool,
    pub description: &'static str,
}

/// How an exposed route or tool produces its result.
#[derive(Debug)]
pub enum Handler {
    /// One upstream call; `args` binds each input of `operation` (the pairs name an input of
    /// the operation and say where its value comes from).
    Call {
        operation: &'static HttpOperation,
        args: &'static [(&'static str, Value)],
        output: Output,
    },
    /// Sequential steps, then `mappings` into a JSON object (orchestration).
    Steps {
        steps: &'static [Step],
        output: Output,
    },
    /// A fixed response from the spec (mock outputs with `value`/`const`).
    Static {
        body: &'static str,
        content_type: &'static str,
    },
}

#[derive(Debug)]
pub enum Step {
    Call {
        name: &'static str,
        operation: &'static HttpOperation,
        args: &'static [(&'static str, Value)],
    },
    /// `type: lookup`: find, in the array output of step `index`, the elements whose `match`
    /// field equals `lookup_value` (a value or an array of values), keeping `fields`.
    Lookup {
        name: &'static str,
        index: &'static str,
        match_field: &'static str,
        lookup_value: Value,
        fields: &'static [&'static str],
    },
}

/// The shape of a result.
#[derive(Debug)]
pub enum Output {
    /// The whole upstream body, passed through byte for byte with its content type.
    Passthrough,
    /// A JSON value built from the upstream body (or, after steps, from the step outputs).
    Mapped(Mapping),
}

/// A compiled output mapping.
#[derive(Debug)]
pub enum Mapping {
    /// The value at `path` (relative to the current node), converted to `ty` when it is a scalar type.
    Select {
        path: &'static [PathSegment],
        ty: ValueType,
    },
    /// An object with named fields; `path` selects the node the fields are read from.
    Object {
        path: &'static [PathSegment],
        fields: &'static [(&'static str, Mapping)],
    },
    /// The array at `path`, every element mapped by `items`.
    Array {
        path: &'static [PathSegment],
        items: &'static Mapping,
    },
    /// A constant from the spec (JSON text).
    Const(&'static str),
    /// A value from the orchestration context (steps and inputs).
    Value(Value),
}

/// An exposed REST adapter (`exposes[]` with `type: rest`).
#[derive(Debug)]
pub struct RestAdapterSpec {
    pub namespace: &'static str,
    /// Upper snake case of the namespace, for `<PREFIX>_ADDR`.
    pub env_prefix: &'static str,
    /// `address:port` from the spec (address defaults to 127.0.0.1).
    pub default_addr: &'static str,
    pub routes: &'static [RestRoute],
    /// The OpenAPI 3.1 document of this adapter, generated at codegen time (JSON text).
    pub openapi: &'static str,
    pub auth: ExposedAuth,
    /// `forward` resources: path prefixes proxied whole to a consumed namespace.
    pub forwards: &'static [RestForward],
}

/// A `forward` (proxy) resource: every method and every sub-path under `prefix` goes to the
/// consumed namespace's base URL plus the same sub-path and query, with that namespace's
/// authentication. Bodies stream through both ways; only `trusted_headers` (and
/// `content-type`, `accept`, `content-length`) of the caller's headers are passed on.
#[derive(Debug)]
pub struct RestForward {
    /// The resource's name, for logs, metrics and upstream hooks.
    pub name: &'static str,
    /// The literal path prefix, without a trailing slash (`/notion`; empty for the root).
    pub prefix: &'static str,
    /// Index into `CapabilitySpec::consumes`.
    pub consumes: usize,
    /// Caller headers to pass on, lower case.
    pub trusted_headers: &'static [&'static str],
}

/// A `control` adapter: `GET /health/live`, `GET /health/ready` and `GET /metrics`
/// (Prometheus text format) on a socket of its own.
#[derive(Debug)]
pub struct ControlAdapterSpec {
    /// The adapter's namespace, or `control` when the spec names none.
    pub namespace: &'static str,
    /// For `<PREFIX>_ADDR`: the namespace's prefix, or `CONTROL`.
    pub env_prefix: &'static str,
    /// `address:port` from the spec (address defaults to 127.0.0.1).
    pub default_addr: &'static str,
}

/// One method on one path.
#[derive(Debug)]
pub struct RestRoute {
    pub method: &'static str,
    /// The path in axum syntax (`/v1/runs/{runid}`); placeholder names already made consistent
    /// across routes that share a segment.
    pub path: &'static str,
    pub name: &'static str,
    pub inputs: &'static [CallerInput],
    pub handler: Handler,
}

/// An exposed MCP adapter.
#[derive(Debug)]
pub struct McpAdapterSpec {
    pub namespace: &'static str,
    pub env_prefix: &'static str,
    pub default_addr: &'static str,
    /// Server instructions (the adapter's description).
    pub description: &'static str,
    pub tools: &'static [McpTool],
    pub resources: &'static [McpResource],
    pub prompts: &'static [McpPrompt],
    pub auth: ExposedAuth,
}

#[derive(Debug)]
pub struct McpTool {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: &'static str,
    pub annotations: ToolAnnotations,
    /// The JSON Schema (2020-12) of the arguments, as JSON text.
    pub input_schema: &'static str,
    pub inputs: &'static [CallerInput],
    pub handler: Handler,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolAnnotations {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

#[derive(Debug)]
pub struct McpResource {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub uri: &'static str,
    /// `uri` split at its `{placeholders}` when it is a template (listed by
    /// `resources/templates/list`; a read fills the placeholders as caller inputs); empty for a
    /// fixed URI.
    pub uri_template: &'static [PathPart],
    pub description: &'static str,
    pub mime_type: &'static str,
    pub content: McpResourceContent,
}

#[derive(Debug)]
pub enum McpResourceContent {
    /// A file embedded at compile time.
    Static(&'static str),
    /// Read by calling upstream.
    Dynamic(Handler),
}

#[derive(Debug)]
pub struct McpPrompt {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: &'static str,
    pub arguments: &'static [PromptArgument],
    /// Messages: (role, template text with `{{arg}}` holes).
    pub messages: &'static [(&'static str, &'static [TemplatePart])],
}

#[derive(Debug)]
pub struct PromptArgument {
    pub name: &'static str,
    pub description: &'static str,
    pub required: bool,
}

/// Authentication that callers of an exposed adapter must present.
#[derive(Debug)]
pub enum ExposedAuth {
    None,
    Bearer {
        token: Value,
    },
    ApiKey {
        name: &'static str,
        value: Value,
        placement: ApiKeyPlacement,
    },
    Basic {
        username: Value,
        password: Value,
    },
}
