//! Output parameters → compiled mappings (rule 7): `$.` is a byte-for-byte pass-through; other
//! JSONPaths and `properties`/`items` trees are validated and compiled here.

use super::Resolver;
use crate::diag::Severity;
use crate::json;
use crate::model::{OutputParam, Span};
use naftiko_spec::{Mapping, Nested, OperationId, Output, PathSegment, RawFormat, ValueType};

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
