//! The resolved capability: every call, parameter and secret bound to its source.
//!
//! This mirrors `naftiko_runtime::spec` (which the emitter writes it out as), with owned data,
//! and keeps for each binding *how* it was decided, so `explain` can show the user what a spec
//! came to mean.

pub use crate::model::ParamIn;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
    Any,
}

impl ValueType {
    pub fn from_spec(ty: Option<&str>) -> ValueType {
        match ty.map(str::to_ascii_lowercase).as_deref() {
            None | Some("string") | Some("str") | Some("text") | Some("date")
            | Some("datetime") | Some("date-time") => ValueType::String,
            Some("number") | Some("float") | Some("double") | Some("decimal") => ValueType::Number,
            Some("integer") | Some("int") | Some("long") | Some("int32") | Some("int64") => {
                ValueType::Integer
            }
            Some("boolean") | Some("bool") => ValueType::Boolean,
            Some("object") | Some("map") => ValueType::Object,
            Some("array") | Some("list") => ValueType::Array,
            Some(_) => ValueType::Any,
        }
    }

    pub fn json_schema(self) -> Option<&'static str> {
        Some(match self {
            ValueType::String => "string",
            ValueType::Number => "number",
            ValueType::Integer => "integer",
            ValueType::Boolean => "boolean",
            ValueType::Object => "object",
            ValueType::Array => "array",
            ValueType::Any => return None,
        })
    }
}

/// A JSONPath compiled at codegen time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Field(String),
    Index(i64),
    Wildcard,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Literal(serde_json::Value),
    Input(String),
    Secret(String),
    Step {
        step: String,
        path: Vec<PathSegment>,
    },
    Template(Vec<TemplatePart>),
    Object(Vec<(String, Value)>),
    Array(Vec<Value>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplatePart {
    Text(String),
    Value(Value),
}

#[derive(Debug, Clone)]
pub struct Capability {
    pub name: String,
    pub description: String,
    pub consumes: Vec<Namespace>,
    pub secrets: Vec<Secret>,
    pub rest: Vec<RestAdapter>,
    pub mcp: Vec<McpAdapter>,
    pub control: Vec<ControlAdapter>,
}

/// A `control` adapter: health and metrics on a socket of its own.
#[derive(Debug, Clone)]
pub struct ControlAdapter {
    /// The spec's namespace, or `control`.
    pub namespace: String,
    /// The namespace's prefix, or `CONTROL`.
    pub env_prefix: String,
    pub default_addr: String,
}

#[derive(Debug, Clone)]
pub struct Secret {
    pub key: String,
    pub source_name: String,
    pub file: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Namespace {
    pub namespace: String,
    pub env_prefix: String,
    pub base_url: String,
    pub description: String,
    pub timeout_ms: u64,
    pub auth: Auth,
    pub default_params: Vec<(String, ParamIn, Value)>,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Header,
    Query,
    Cookie,
}

impl From<crate::model::ApiKeyPlacement> for Placement {
    fn from(placement: crate::model::ApiKeyPlacement) -> Placement {
        match placement {
            crate::model::ApiKeyPlacement::Header => Placement::Header,
            crate::model::ApiKeyPlacement::Query => Placement::Query,
            crate::model::ApiKeyPlacement::Cookie => Placement::Cookie,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Auth {
    None,
    Bearer {
        token: Value,
    },
    ApiKey {
        name: String,
        value: Value,
        placement: Placement,
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
pub enum RawFormat {
    Json,
    Xml,
    Csv,
    Html,
    Markdown,
    Text,
    Binary,
    Tsv,
    Psv,
    /// Passed through as text: the generated program carries no YAML parser.
    Yaml,
    /// Passed through as bytes: decoding needs the schema file `outputSchema` names.
    Avro,
    Protobuf,
}

impl RawFormat {
    /// Whether the runtime can read this format as JSON for an output mapping
    /// (naftiko_runtime::formats).
    pub fn mappable(self) -> bool {
        !matches!(
            self,
            RawFormat::Text
                | RawFormat::Binary
                | RawFormat::Yaml
                | RawFormat::Avro
                | RawFormat::Protobuf
        )
    }
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub name: String,
    pub method: String,
    pub description: String,
    pub path: Vec<PathPart>,
    pub inputs: Vec<OperationInput>,
    pub body: Body,
    pub output_format: RawFormat,
    /// `outputSchema`, kept for HTML (a CSS selector of the tables) and Markdown (a heading
    /// prefix of the sections); `None` when absent or blank.
    pub output_schema: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PathPart {
    Literal(String),
    Param(String),
}

#[derive(Debug, Clone)]
pub struct OperationInput {
    pub name: String,
    pub location: Option<ParamIn>,
    pub wire_name: String,
    pub ty: ValueType,
    pub required: bool,
    pub fixed: Option<Value>,
    pub description: String,
}

#[derive(Debug, Clone)]
pub enum Body {
    Fields,
    Json(Value),
    FormUrlEncoded(Value),
    Multipart(Vec<MultipartPart>),
    Text { content_type: String, data: Value },
}

#[derive(Debug, Clone)]
pub struct MultipartPart {
    pub name: String,
    pub value: Value,
    pub filename: Option<String>,
    pub content_type: Option<String>,
}

/// Why a caller input exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputOrigin {
    Declared,
    /// A placeholder of the exposed path.
    PathPlaceholder,
    /// Made up for a required consumed parameter nothing supplied (rule 5).
    Inferred,
}

#[derive(Debug, Clone)]
pub struct CallerInput {
    pub name: String,
    pub location: ParamIn,
    /// The name on the wire: the router's placeholder name (which may differ from `name` when
    /// routes sharing a segment spelled it differently) or the header name.
    pub wire_name: String,
    pub ty: ValueType,
    pub required: bool,
    pub description: String,
    pub origin: InputOrigin,
    /// The structure of an object or array input (JSON Schema), when the spec declares one.
    pub schema: Option<serde_json::Value>,
}

/// How the value of one consumed input was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingKind {
    /// A `with` entry.
    With,
    /// A `with` entry whose value names a caller input matched only after folding.
    WithInputFolded,
    /// A `with` entry whose key matched the parameter only after folding.
    WithFolded,
    /// A caller input of the same name (rule 4).
    PassThrough,
    /// A caller input made up for it (rule 5).
    Inferred,
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub input: String,
    pub value: Value,
    pub kind: BindingKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpRef {
    pub namespace: usize,
    pub operation: usize,
}

#[derive(Debug, Clone)]
pub enum Handler {
    Call {
        op: OpRef,
        args: Vec<Arg>,
        output: Output,
    },
    Steps {
        steps: Vec<Step>,
        output: Output,
    },
    Static {
        body: String,
        content_type: String,
    },
}

#[derive(Debug, Clone)]
pub enum Step {
    Call {
        name: String,
        op: OpRef,
        args: Vec<Arg>,
    },
    Lookup {
        name: String,
        index: String,
        match_field: String,
        lookup_value: Value,
        fields: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub enum Output {
    Passthrough,
    Mapped(Mapping),
}

#[derive(Debug, Clone)]
pub enum Mapping {
    Select {
        path: Vec<PathSegment>,
        ty: ValueType,
    },
    Object {
        path: Vec<PathSegment>,
        fields: Vec<(String, Mapping)>,
    },
    Array {
        path: Vec<PathSegment>,
        items: Box<Mapping>,
    },
    Const(serde_json::Value),
    Value(Value),
}

#[derive(Debug, Clone)]
pub enum ExposedAuth {
    None,
    Bearer {
        token: Value,
    },
    ApiKey {
        name: String,
        value: Value,
        placement: Placement,
    },
    Basic {
        username: Value,
        password: Value,
    },
}

#[derive(Debug, Clone)]
pub struct RestAdapter {
    pub namespace: String,
    pub env_prefix: String,
    pub default_addr: String,
    pub description: String,
    pub routes: Vec<RestRoute>,
    pub auth: ExposedAuth,
    pub forwards: Vec<RestForward>,
}

/// A `forward` resource: a path prefix proxied whole to a consumed namespace.
#[derive(Debug, Clone)]
pub struct RestForward {
    pub name: String,
    /// As the spec wrote it (`/notion/{{path}}`).
    pub spec_path: String,
    /// The literal prefix, without a trailing slash (empty for the root).
    pub prefix: String,
    /// Index into `Capability::consumes`.
    pub namespace: usize,
    /// Lower case, without duplicates.
    pub trusted_headers: Vec<String>,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct RestRoute {
    pub method: String,
    /// As the spec wrote it (for `explain` and OpenAPI).
    pub spec_path: String,
    /// In router syntax, placeholder names made consistent per segment.
    pub path: String,
    pub name: String,
    pub description: String,
    pub inputs: Vec<CallerInput>,
    pub handler: Handler,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Annotations {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

#[derive(Debug, Clone)]
pub struct McpAdapter {
    pub namespace: String,
    pub env_prefix: String,
    pub default_addr: String,
    pub description: String,
    pub tools: Vec<McpTool>,
    pub resources: Vec<McpResource>,
    pub prompts: Vec<McpPrompt>,
    pub auth: ExposedAuth,
}

#[derive(Debug, Clone)]
pub struct McpTool {
    pub name: String,
    pub title: Option<String>,
    pub description: String,
    pub annotations: Annotations,
    pub inputs: Vec<CallerInput>,
    pub input_schema: serde_json::Value,
    pub handler: Handler,
}

#[derive(Debug, Clone)]
pub struct McpResource {
    pub name: String,
    pub title: Option<String>,
    pub uri: String,
    /// The URI split at its `{placeholders}` (an RFC 6570 level-1 template, served by
    /// `resources/templates/list`); empty for a fixed URI.
    pub uri_template: Vec<PathPart>,
    pub description: String,
    pub mime_type: String,
    pub content: McpResourceContent,
}

#[derive(Debug, Clone)]
pub enum McpResourceContent {
    Static(String),
    Dynamic(Handler),
}

#[derive(Debug, Clone)]
pub struct McpPrompt {
    pub name: String,
    pub title: Option<String>,
    pub description: String,
    /// (name, description, required)
    pub arguments: Vec<(String, String, bool)>,
    pub messages: Vec<(String, Vec<TemplatePart>)>,
}
