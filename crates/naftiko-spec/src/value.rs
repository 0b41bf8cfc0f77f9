//! Where a value comes from, and the small enums every other part names.

use crate::{List, Str};

/// Where a value comes from, decided at build time.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum Value {
    /// A JSON literal, as canonical JSON text (`"\"v1\""`, `"42"`, `"{\"a\":1}"`): numbers stay
    /// numbers.
    Literal(Str),
    /// The caller's input of that name (REST path/query/header/body field, MCP argument).
    Input(Str),
    /// A bind key; its value is read at start-up.
    Secret(Str),
    /// A value taken out of an earlier step's output.
    Step {
        step: Str,
        path: List<PathSegment>,
    },
    /// Text with holes, such as `Bearer {{token}}`: every part rendered as text and joined.
    Template(List<TemplatePart>),
    /// A JSON object or array whose leaves are values (body templates): structure is kept and
    /// a leaf that is exactly one input keeps that input's JSON type.
    Object(List<(Str, Value)>),
    Array(List<Value>),
}

/// One piece of a [`Value::Template`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum TemplatePart {
    Text(Str),
    Value(Value),
}

/// One step of a compiled JSONPath (`$.a.b[0].*`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum PathSegment {
    /// `.name` or `['name']`
    Field(Str),
    /// `[3]`; negative counts from the end.
    Index(i64),
    /// `[*]` or `.*`: every element (an array results).
    Wildcard,
}

/// Where a parameter travels on the wire (`in:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
    /// A field of the JSON (or form) body.
    Body,
}

impl ParamLocation {
    /// The spec's word for it, in any case; `None` for a word the schemas do not define.
    pub fn parse(word: &str) -> Option<ParamLocation> {
        Some(match word.to_ascii_lowercase().as_str() {
            "path" => ParamLocation::Path,
            "query" => ParamLocation::Query,
            "header" => ParamLocation::Header,
            "cookie" => ParamLocation::Cookie,
            "body" => ParamLocation::Body,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
            ParamLocation::Body => "body",
        }
    }
}

/// Where an API key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum ApiKeyPlacement {
    Header,
    Query,
    Cookie,
    /// In the URL path, where a `{name}` placeholder of the base URL or of a path stands
    /// (Telegram's `/bot{token}/`): the resolver puts the key into every such path as a
    /// [`PathPart::Secret`](crate::PathPart::Secret). Only consumed APIs place a key there.
    Path,
    /// A field of the request body: of the JSON object or the form sent, or a form field of a
    /// multipart body. Only consumed APIs place a key there.
    Body,
}

impl ApiKeyPlacement {
    /// The spec's word for it (`placement: header|query|cookie|path|body`); `None` for any other
    /// word.
    pub fn parse(word: &str) -> Option<ApiKeyPlacement> {
        Some(match word.to_ascii_lowercase().as_str() {
            "header" => ApiKeyPlacement::Header,
            "query" => ApiKeyPlacement::Query,
            "cookie" => ApiKeyPlacement::Cookie,
            "path" => ApiKeyPlacement::Path,
            "body" => ApiKeyPlacement::Body,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ApiKeyPlacement::Header => "header",
            ApiKeyPlacement::Query => "query",
            ApiKeyPlacement::Cookie => "cookie",
            ApiKeyPlacement::Path => "path",
            ApiKeyPlacement::Body => "body",
        }
    }

    /// Where a key sent this way travels, as a parameter.
    pub fn location(self) -> ParamLocation {
        match self {
            ApiKeyPlacement::Header => ParamLocation::Header,
            ApiKeyPlacement::Query => ParamLocation::Query,
            ApiKeyPlacement::Cookie => ParamLocation::Cookie,
            ApiKeyPlacement::Path => ParamLocation::Path,
            ApiKeyPlacement::Body => ParamLocation::Body,
        }
    }
}

/// The JSON type of an input or an output field, used to validate and convert values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "bake", derive(databake::Bake), databake(path = naftiko_spec))]
pub enum ValueType {
    String,
    Number,
    Integer,
    Boolean,
    Object,
    Array,
    /// Anything (no type declared, or a type that is not checked).
    Any,
}

impl ValueType {
    /// The type a spec's `type:` word means; specs spell types many ways (`int`, `float`,
    /// `date-time`…). No type is a string; a word with no JSON meaning is `Any`.
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

    /// The JSON Schema `type` keyword; `None` for `Any`.
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
