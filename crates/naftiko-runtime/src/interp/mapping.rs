//! Shaping a result: evaluating a compiled [`Mapping`] tree against JSON.
//!
//! Paths are relative to the current node: the upstream body at the root, then whatever an
//! enclosing `Object` or `Array` selected. Anything missing becomes `null` rather than an
//! error, because upstream APIs routinely leave optional fields out. `Select` converts scalars
//! to the declared type when the conversion is lossless (`"42"` → `42` for a number, `7` →
//! `"7"` for a string) and otherwise leaves the value as the upstream sent it.

use serde_json::Value as Json;

use crate::interp::jsonpath;
use crate::interp::numbers::{integral, parse_integer, parse_number};
use crate::interp::value::{self, Scope};
use crate::spec::{Mapping, ValueType};

/// The result of `mapping` applied to `node`; `scope` serves `Mapping::Value`.
pub fn apply(mapping: &Mapping, node: &Json, scope: Scope<'_>) -> Json {
    match mapping {
        Mapping::Select { path, ty } => convert(jsonpath::select(node, path), *ty),
        Mapping::Object { path, fields } => {
            let base = jsonpath::select(node, path);
            Json::Object(
                fields
                    .iter()
                    .map(|(name, field)| (name.to_string(), apply(field, &base, scope)))
                    .collect(),
            )
        }
        Mapping::Array { path, items } => match jsonpath::select(node, path) {
            Json::Array(elements) => Json::Array(
                elements
                    .iter()
                    .map(|element| apply(items, element, scope))
                    .collect(),
            ),
            Json::Null => Json::Null,
            // One object where a list was declared: a list of one, so clients see the declared shape.
            single => Json::Array(vec![apply(items, &single, scope)]),
        },
        Mapping::Const(text) => value::literal(text),
        Mapping::Value(source) => value::evaluate(source, scope).unwrap_or(Json::Null),
    }
}

/// Converts a scalar to `ty` when that is lossless; arrays (from wildcards) convert element-wise.
pub fn convert(json: Json, ty: ValueType) -> Json {
    match (ty, json) {
        (_, Json::Array(items)) if is_scalar(ty) => {
            Json::Array(items.into_iter().map(|item| convert(item, ty)).collect())
        }
        (ValueType::String, Json::Number(number)) => Json::String(number.to_string()),
        (ValueType::String, Json::Bool(flag)) => Json::String(flag.to_string()),
        (ValueType::Number, Json::String(text)) => parse_number(&text)
            .map(Json::Number)
            .unwrap_or(Json::String(text)),
        (ValueType::Integer, Json::String(text)) => parse_integer(&text)
            .map(Json::Number)
            .unwrap_or(Json::String(text)),
        (ValueType::Integer, Json::Number(number)) => {
            Json::Number(integral(&number).unwrap_or(number))
        }
        (ValueType::Boolean, Json::String(text)) => match text.as_str() {
            "true" => Json::Bool(true),
            "false" => Json::Bool(false),
            _ => Json::String(text),
        },
        (_, other) => other,
    }
}

fn is_scalar(ty: ValueType) -> bool {
    matches!(
        ty,
        ValueType::String | ValueType::Number | ValueType::Integer | ValueType::Boolean
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::inputs::Inputs;
    use crate::secret::Secrets;
    use crate::spec::{Nested, PathSegment::*, Value};
    use crate::spec::{list, text};
    use serde_json::json;
    use std::borrow::Cow;

    fn run(mapping: &Mapping, node: &Json) -> Json {
        let inputs: Inputs = [("who".to_owned(), json!("caller"))].into_iter().collect();
        let secrets = Secrets::new();
        let steps = serde_json::Map::new();
        apply(
            mapping,
            node,
            Scope {
                inputs: &inputs,
                secrets: &secrets,
                steps: &steps,
            },
        )
    }

    #[test]
    fn trees_select_convert_and_default_to_null() {
        static ITEM: Mapping = Mapping::Object {
            path: list(&[]),
            fields: Cow::Borrowed(&[
                (
                    text("id"),
                    Mapping::Select {
                        path: Cow::Borrowed(&[Field(text("id"))]),
                        ty: ValueType::Integer,
                    },
                ),
                (
                    text("label"),
                    Mapping::Select {
                        path: Cow::Borrowed(&[Field(text("n"))]),
                        ty: ValueType::String,
                    },
                ),
            ]),
        };
        static SHAPE: Mapping = Mapping::Object {
            path: Cow::Borrowed(&[Field(text("data"))]),
            fields: Cow::Borrowed(&[
                (
                    text("status"),
                    Mapping::Select {
                        path: Cow::Borrowed(&[Field(text("status"))]),
                        ty: ValueType::String,
                    },
                ),
                (
                    text("total"),
                    Mapping::Select {
                        path: Cow::Borrowed(&[Field(text("total"))]),
                        ty: ValueType::Number,
                    },
                ),
                (
                    text("ok"),
                    Mapping::Select {
                        path: Cow::Borrowed(&[Field(text("ok"))]),
                        ty: ValueType::Boolean,
                    },
                ),
                (
                    text("missing"),
                    Mapping::Select {
                        path: Cow::Borrowed(&[Field(text("nope")), Index(0)]),
                        ty: ValueType::String,
                    },
                ),
                (
                    text("items"),
                    Mapping::Array {
                        path: Cow::Borrowed(&[Field(text("items"))]),
                        items: Nested::Borrowed(&ITEM),
                    },
                ),
                (
                    text("ids"),
                    Mapping::Select {
                        path: Cow::Borrowed(&[Field(text("items")), Wildcard, Field(text("id"))]),
                        ty: ValueType::String,
                    },
                ),
                (text("kind"), Mapping::Const(text("\"run\""))),
                (text("asker"), Mapping::Value(Value::Input(text("who")))),
                (
                    text("notANumber"),
                    Mapping::Select {
                        path: Cow::Borrowed(&[Field(text("status"))]),
                        ty: ValueType::Number,
                    },
                ),
            ]),
        };
        let body = json!({"data": {
            "status": "Running", "total": "12.5", "ok": "true",
            "items": [{"id": "1", "n": 5}, {"id": 2.0, "n": true}]
        }});
        assert_eq!(
            run(&SHAPE, &body),
            json!({
                "status": "Running", "total": 12.5, "ok": true, "missing": null,
                "items": [{"id": 1, "label": "5"}, {"id": 2, "label": "true"}],
                "ids": ["1", "2.0"], "kind": "run", "asker": "caller", "notANumber": "Running"
            })
        );
        static WHOLE: Mapping = Mapping::Select {
            path: list(&[]),
            ty: ValueType::Any,
        };
        assert_eq!(run(&WHOLE, &body), body);
        static LIST: Mapping = Mapping::Array {
            path: Cow::Borrowed(&[Field(text("x"))]),
            items: Nested::Borrowed(&WHOLE),
        };
        assert_eq!(run(&LIST, &json!({"x": {"a": 1}})), json!([{"a": 1}]));
        assert_eq!(run(&LIST, &json!({})), Json::Null);
    }
}
