//! What a capability consumes: HTTP namespaces, their authentication and their operations.

use crate::{ApiKeyPlacement, List, Output, ParamLocation, Str, Value, ValueType};

/// One consumed HTTP namespace (`capability.consumes[]`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct ConsumesSpec {
    pub namespace: Str,
    /// Upper snake case of the namespace: `INNGEST_RUNS` gives `INNGEST_RUNS_BASE_URL` and
    /// `INNGEST_RUNS_TIMEOUT_MS`.
    pub env_prefix: Str,
    /// `baseUri` as written in the spec, without a trailing slash; empty when the spec leaves
    /// it to configuration.
    pub base_url: Str,
    pub description: Str,
    /// Default request timeout in milliseconds (30 000 unless the spec says otherwise).
    pub timeout_ms: u64,
    pub auth: Auth,
    /// Client-level `inputParameters`: sent on every call of this namespace.
    pub default_params: List<DefaultParam>,
    /// Every operation of every resource; an [`OperationId`](crate::OperationId) indexes into
    /// this.
    pub operations: List<HttpOperation>,
}

/// A parameter sent on every call of a namespace (for example a version header).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct DefaultParam {
    pub name: Str,
    pub location: ParamLocation,
    pub value: Value,
}

/// How a request authenticates: what the capability sends to a consumed API, and what callers
/// of an exposed adapter must present.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum Auth {
    None,
    Bearer {
        token: Value,
    },
    ApiKey {
        name: Str,
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
    /// AWS Signature Version 4: every request to the consumed API is signed for `service`.
    /// The credentials are the standard `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
    /// `AWS_SESSION_TOKEN` variables; the region is `region` when the spec gives one, else
    /// `AWS_REGION` or `AWS_DEFAULT_REGION`. Only consumed APIs are signed this way.
    AwsSigV4 {
        service: Str,
        region: Option<Str>,
    },
}

/// One consumed operation (`consumes[].resources[].operations[]`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct HttpOperation {
    pub name: Str,
    /// Upper case HTTP method (`GET`, `POST`, …).
    pub method: Str,
    pub description: Str,
    /// The resource path split into literal text and placeholders.
    pub path: List<PathPart>,
    /// Every input this operation takes: declared parameters plus names its templates use.
    pub inputs: List<OperationInput>,
    pub body: RequestBody,
    pub output_format: RawFormat,
    /// The operation's own `outputParameters`, compiled: what the typed client's method reads
    /// out of a JSON answer into its output struct. `Passthrough` when the spec declares no
    /// object of named fields there (the method then returns the parsed body as it came).
    pub output: Output,
    /// The JSON Schema (2020-12) of `output` when it is mapped, as canonical JSON text: the
    /// output struct is generated from it.
    pub output_schema: Option<Str>,
}

/// A piece of a path or URI template.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum PathPart {
    Literal(Str),
    /// A placeholder filled with the named input, percent-encoded as one path segment.
    Param(Str),
    /// A placeholder filled with the named secret (bind key), percent-encoded as one path
    /// segment (Telegram's `/bot{token}/`). What prints a path prints the name, never the value.
    Secret(Str),
}

/// `/v1/runs/{runId}`: a path as the spec writes it.
pub fn path_text(path: &[PathPart]) -> String {
    path.iter()
        .map(|part| match part {
            PathPart::Literal(text) => text.to_string(),
            PathPart::Param(name) => format!("{{{name}}}"),
            PathPart::Secret(name) => format!("{{{{{name}}}}}"),
        })
        .collect()
}

/// One input of a consumed operation.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct OperationInput {
    /// The name callers bind (`with` keys, pass-through names).
    pub name: Str,
    /// Where it goes on the wire; `None` when only a template (body, header) uses it.
    pub location: Option<ParamLocation>,
    /// The name on the wire when it differs from `name` (for example a header name).
    pub wire_name: Str,
    pub ty: ValueType,
    pub required: bool,
    /// A fixed value from the spec (`value:` on a consumed parameter); callers may not
    /// override it.
    pub fixed: Option<Value>,
    pub description: Str,
}

/// The request body of a consumed operation.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum RequestBody {
    /// No body, except the JSON object made of `in: body` inputs when any is given.
    Fields,
    /// `body: {type: json, data: …}`: a JSON template. `in: body` inputs are added to an
    /// object template as fields it does not set itself (so too for `FormUrlEncoded`).
    Json(Value),
    /// `application/x-www-form-urlencoded` from a template of fields.
    FormUrlEncoded(Value),
    /// `multipart/form-data` parts.
    Multipart(List<MultipartPart>),
    /// Raw text (`type: text|xml|…`) or bytes with their content type, sent as given.
    Text { content_type: Str, data: Value },
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub struct MultipartPart {
    pub name: Str,
    pub value: Value,
    pub filename: Option<Str>,
    pub content_type: Option<Str>,
}

/// How a consumed operation's response body is to be read (`outputRawFormat`, with
/// `outputSchema` for HTML and Markdown). Formats that [`RawFormat::mappable`] accepts are
/// turned into JSON for output mappings, with the reference engine's shapes (XML elements as
/// objects, delimited rows as objects keyed by header, HTML and Markdown as
/// `{"tables": [[row, …], …]}`); the others are only passed through.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum RawFormat {
    Json,
    Xml,
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// Pipe-separated values with a header row.
    Psv,
    /// Every `<table>` of an HTML page.
    Html,
    /// The `<table>`s matched by, or inside the elements matched by, a CSS selector
    /// (the operation's `outputSchema`, for example `table.products`).
    HtmlTables(Str),
    Markdown,
    /// Markdown whose `sections` keep only the headings that start with this prefix
    /// (the operation's `outputSchema`); tables and front matter are kept whole.
    MarkdownSections(Str),
    Text,
    Binary,
    /// Passed through as text: a generated program carries no YAML parser.
    Yaml,
    /// Passed through as bytes: decoding needs the schema file `outputSchema` names.
    Avro,
    /// Passed through as bytes: decoding needs the schema file `outputSchema` names.
    Protobuf,
}

impl RawFormat {
    /// Whether an output mapping can read this format as JSON.
    pub fn mappable(&self) -> bool {
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
