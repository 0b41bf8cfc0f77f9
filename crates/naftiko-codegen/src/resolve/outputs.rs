//! Output parameters → compiled mappings (rule 7): `$.` is a byte-for-byte pass-through; other
//! JSONPaths and `properties`/`items` trees are validated and compiled here.

use super::Resolver;
use crate::diag::Severity;
use crate::json;
use crate::model::{OutputParam, Span, Target};
use naftiko_spec::{
    Handler, Mapping, Nested, OperationId, Output, PathSegment, RawFormat, ValueType,
};
use serde_json::{Map as JsonMap, Value as Json, json};

impl Resolver<'_> {
    pub(super) fn output(
        &mut self,
        outputs: &[OutputParam],
        op: Option<OperationId>,
        owner: &Span,
    ) -> Output {
        let identity = |o: &OutputParam| {
            o.properties.is_empty()
                && o.items.is_none()
                && o.constant.is_none()
                && o.mapping
                    .as_ref()
                    .is_some_and(|m| matches!(m.value.trim(), "$." | "$"))
        };
        let output = match outputs {
            [] => return Output::Passthrough,
            [only] if identity(only) => return Output::Passthrough,
            [only]
                if only.name.is_none() || !only.properties.is_empty() || only.items.is_some() =>
            {
                self.mapping(only)
            }
            many => Mapping::Object {
                path: Vec::new().into(),
                fields: many
                    .iter()
                    .map(|o| {
                        (
                            o.name
                                .as_ref()
                                .map_or_else(|| "result".to_string(), |n| n.value.clone())
                                .into(),
                            self.mapping(o),
                        )
                    })
                    .collect::<Vec<_>>()
                    .into(),
            },
        };
        if let Some(op) = op {
            let format = self.op(op).output_format.clone();
            if !format.mappable() && !matches!(output, Mapping::Const(_)) {
                self.diag(
                    Severity::Error,
                    "mapping-non-json",
                    owner,
                    format!(
                        "a mapping is asked of a `{}` response, which {}",
                        format!("{format:?}").to_ascii_lowercase(),
                        unmappable_because(&format)
                    ),
                )
                .help(
                    "use `mapping: $.` to pass the response through as it is; JSON, XML, \
                     CSV/TSV/PSV, HTML and Markdown responses can be mapped",
                );
            }
        }
        Output::Mapped(output)
    }

    fn mapping(&mut self, o: &OutputParam) -> Mapping {
        if let Some(c) = &o.constant {
            return Mapping::Const(json::canonical_json(&c.value).into());
        }
        let ty = ValueType::from_spec(o.ty.as_ref().map(|t| t.value.as_str()));
        let path = match &o.mapping {
            Some(m) => match super::jsonpath::compile(&m.value) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.diag(
                        Severity::Error,
                        "bad-jsonpath",
                        &m.span,
                        format!("cannot compile `{}`: {e}", m.value),
                    )
                    .help("supported: `$.a.b`, `$['a']`, `$.a[0]`, `$.a[*].b`");
                    Some(Vec::new())
                }
            },
            None => None,
        };
        if !o.properties.is_empty() {
            let fields = o
                .properties
                .iter()
                .map(|p| {
                    (
                        p.name
                            .as_ref()
                            .map_or_else(String::new, |n| n.value.clone())
                            .into(),
                        self.mapping(p),
                    )
                })
                .collect::<Vec<_>>()
                .into();
            return Mapping::Object {
                path: path.unwrap_or_default().into(),
                fields,
            };
        }
        if let Some(items) = &o.items {
            let items = self.mapping(items);
            return Mapping::Array {
                path: path.unwrap_or_default().into(),
                items: Nested::new(items),
            };
        }
        let path = path.unwrap_or_else(|| {
            o.name
                .as_ref()
                .map(|n| vec![PathSegment::Field(n.value.clone().into())])
                .unwrap_or_default()
        });
        Mapping::Select {
            path: path.into(),
            ty,
        }
    }

    /// Mock outputs (`value`/`const` literals with no call): a fixed JSON body.
    pub(super) fn static_output(&mut self, outputs: &[OutputParam]) -> Option<String> {
        if outputs.is_empty() {
            return None;
        }
        let mut obj = serde_json::Map::new();
        for o in outputs {
            let value = match (&o.constant, &o.mapping) {
                (Some(c), _) => c.value.clone(),
                (None, Some(m)) if !m.value.trim_start().starts_with('$') => {
                    serde_json::Value::String(m.value.clone())
                }
                _ => return None,
            };
            let name = o
                .name
                .as_ref()
                .map_or_else(|| "result".to_string(), |n| n.value.clone());
            obj.insert(name, value);
        }
        Some(serde_json::Value::Object(obj).to_string())
    }
}

/// Why the runtime cannot read `format` as JSON (naftiko_runtime::formats reads the others).
fn unmappable_because(format: &RawFormat) -> &'static str {
    match format {
        RawFormat::Yaml => {
            "the generated program cannot read: it carries no YAML parser, by design (YAML's \
             typing rules are large and a parser at run time is attack surface)"
        }
        RawFormat::Avro | RawFormat::Protobuf => {
            "needs the schema file `outputSchema` names at run time to decode (the reference \
             engine loads it from disk); the generated program does not load schema files"
        }
        _ => "has no structure a mapping could select from",
    }
}

/// Whether `outputs` is `mapping: $.` on the whole answer (or nothing): a pass-through.
fn is_passthrough(outputs: &[OutputParam]) -> bool {
    match outputs {
        [] => true,
        [only] => {
            only.properties.is_empty()
                && only.items.is_none()
                && only.constant.is_none()
                && only
                    .mapping
                    .as_ref()
                    .is_some_and(|m| matches!(m.value.trim(), "$." | "$"))
        }
        _ => false,
    }
}

/// The JSON Schema of what [`Resolver::output`] builds from `outputs`, following the same
/// cases: one unnamed (or shaped) parameter is the root, several are the fields of an object.
/// `None` for a pass-through and for a root the spec leaves open (no type, `any`). A field
/// that is not `required` may be `null`, because a mapping turns what the upstream left out
/// into `null`.
pub(super) fn output_schema(outputs: &[OutputParam]) -> Option<Json> {
    if is_passthrough(outputs) {
        return None;
    }
    let schema = match outputs {
        [only] if only.name.is_none() || !only.properties.is_empty() || only.items.is_some() => {
            param_schema(only)
        }
        many => object_schema(many.iter().map(|o| {
            (
                o.name
                    .as_ref()
                    .map_or_else(|| "result".to_string(), |n| n.value.clone()),
                o,
            )
        })),
    };
    (schema != json!({})).then_some(schema)
}

/// The schema of the object an `Object` mapping builds: it is never `null` itself (its fields
/// are, when the node they are read from is missing).
fn object_schema<'a>(fields: impl Iterator<Item = (String, &'a OutputParam)>) -> Json {
    let mut properties = JsonMap::new();
    let mut required = Vec::new();
    for (name, field) in fields {
        if field.required {
            required.push(Json::String(name.clone()));
        }
        properties.insert(name, param_schema(field));
    }
    let mut schema = JsonMap::new();
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Json::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Json::Array(required));
    }
    Json::Object(schema)
}

fn param_schema(o: &OutputParam) -> Json {
    let mut schema = if let Some(c) = &o.constant {
        json!({ "const": c.value })
    } else if !o.properties.is_empty() {
        object_schema(o.properties.iter().map(|p| {
            (
                p.name
                    .as_ref()
                    .map_or_else(String::new, |n| n.value.clone()),
                p,
            )
        }))
    } else if let Some(items) = &o.items {
        json!({ "type": nullable("array", o.required), "items": param_schema(items) })
    } else {
        let ty = ValueType::from_spec(o.ty.as_ref().map(|t| t.value.as_str()));
        // A wildcard selects every match: an array of the declared scalars.
        let many = o
            .mapping
            .as_ref()
            .and_then(|m| super::jsonpath::compile(&m.value).ok())
            .is_some_and(|path| path.iter().any(|s| matches!(s, PathSegment::Wildcard)));
        match ty.json_schema() {
            Some(name) if many && name != "array" => {
                json!({ "type": nullable("array", o.required), "items": { "type": name } })
            }
            Some(name) => json!({ "type": nullable(name, o.required) }),
            None => json!({}),
        }
    };
    if let (Some(description), Json::Object(map)) = (&o.description, &mut schema) {
        map.insert("description".into(), description.clone().into());
    }
    schema
}

fn nullable(ty: &str, required: bool) -> Json {
    if required {
        json!(ty)
    } else {
        json!([ty, "null"])
    }
}

/// Whether every JSONPath of the tree compiles.
fn paths_compile(outputs: &[OutputParam]) -> bool {
    outputs.iter().all(|o| {
        o.mapping
            .as_ref()
            .is_none_or(|m| super::jsonpath::compile(&m.value).is_ok())
            && paths_compile(&o.properties)
            && o.items
                .as_deref()
                .is_none_or(|i| paths_compile(std::slice::from_ref(i)))
    })
}

impl Resolver<'_> {
    /// A consumed operation's `outputParameters`, when they declare an object of named fields
    /// (or an array) the typed client can read out of a JSON answer: the compiled mapping and
    /// its schema.
    /// Anything else (a pass-through, a single value, a non-JSON answer, a path that does not
    /// compile) leaves the method returning the body as it came, so no spec that generated
    /// before is refused for its consumed outputs.
    pub(super) fn operation_output(
        &mut self,
        outputs: &[OutputParam],
        format: &RawFormat,
        owner: &Span,
    ) -> (Output, Option<String>) {
        let schema = output_schema(outputs);
        let typed = *format == RawFormat::Json
            && paths_compile(outputs)
            && schema.as_ref().is_some_and(|s| {
                (s["type"] == "object"
                    && s["properties"].as_object().is_some_and(|p| !p.is_empty()))
                    || s["type"] == "array"
                    || s["type"] == json!(["array", "null"])
            });
        match schema {
            Some(schema) if typed => (
                self.output(outputs, None, owner),
                Some(json::canonical_json(&schema)),
            ),
            _ => (Output::Passthrough, None),
        }
    }
}

/// The JSON Schema of a route's or tool's successful answer, when its `outputParameters`
/// declare it and they are what shapes the answer: a mapped call, or steps whose `mappings`
/// the parameters type by name (a mapping's value is not converted, so such a field is typed
/// as declared and may be `null`). A pass-through, a `ref` (the function's outputs shape it)
/// and a static answer have none.
pub(super) fn handler_output_schema(handler: &Handler, target: &Target) -> Option<Json> {
    if target.reference.is_some() {
        return None;
    }
    match handler {
        Handler::Call {
            output: Output::Mapped(_),
            ..
        } => output_schema(&target.outputs),
        Handler::Steps {
            output: Output::Mapped(_),
            ..
        } if !target.mappings.is_empty() => {
            let mut properties = JsonMap::new();
            for (name, _) in &target.mappings {
                let declared = target
                    .outputs
                    .iter()
                    .find(|o| o.name.as_ref().is_some_and(|n| n.value == name.value));
                let schema = match declared {
                    Some(o) if o.properties.is_empty() && o.items.is_none() => {
                        let ty = ValueType::from_spec(o.ty.as_ref().map(|t| t.value.as_str()));
                        let mut schema = match ty.json_schema() {
                            Some(ty) => json!({ "type": [ty, "null"] }),
                            None => json!({}),
                        };
                        if let (Some(d), Json::Object(map)) = (&o.description, &mut schema) {
                            map.insert("description".into(), d.clone().into());
                        }
                        schema
                    }
                    _ => json!({}),
                };
                properties.insert(name.value.clone(), schema);
            }
            Some(json!({ "type": "object", "properties": properties }))
        }
        Handler::Steps {
            output: Output::Mapped(_),
            ..
        } if target
            .outputs
            .iter()
            .any(|o| o.mapping.is_some() || !o.properties.is_empty()) =>
        {
            output_schema(&target.outputs)
        }
        _ => None,
    }
}

/// A tool's `outputSchema`: MCP wants an object schema, and a result that is no object is
/// sent as `{"result": …}`; a root that may be an object or something else has none.
pub(super) fn tool_output_schema(schema: Json) -> Option<Json> {
    match &schema["type"] {
        Json::String(ty) if ty == "object" => Some(schema),
        Json::String(_) => Some(wrapped(schema)),
        Json::Array(types) if !types.iter().any(|t| t == "object") => Some(wrapped(schema)),
        _ => None,
    }
}

fn wrapped(schema: Json) -> Json {
    json!({
        "type": "object",
        "properties": { "result": schema },
        "required": ["result"],
    })
}
