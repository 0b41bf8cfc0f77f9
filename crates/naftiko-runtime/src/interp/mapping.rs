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
    use crate::spec::{PathSegment::*, Value};
    use serde_json::json;

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
            path: &[],
            fields: &[
                (
                    "id",
                    Mapping::Select {
                        path: &[Field("id")],
                        ty: ValueType::Integer,
                    },
                ),
                (
                    "label",
                    Mapping::Select {
                        path: &[Field("n")],
                        ty: ValueType::String,
                    },
                ),
            ],
        };
        static SHAPE: Mapping = Mapping::Object {
            path: &[Field("data")],
            fields: &[
                (
                    "status",
                    Mapping::Select {
                        path: &[Field("status")],
                        ty: ValueType::String,
                    },
                ),
                (
                    "total",
                    Mapping::Select {
                        path: &[Field("total")],
                        ty: ValueType::Number,
                    },
                ),
                (
                    "ok",
                    Mapping::Select {
                        path: &[Field("ok")],
                        ty: ValueType::Boolean,
                    },
                ),
                (
                    "missing",
                    Mapping::Select {
                        path: &[Field("nope"), Index(0)],
                        ty: ValueType::String,
                    },
                ),
                (
                    "items",
                    Mapping::Array {
                        path: &[Field("items")],
                        items: &ITEM,
                    },
                ),
                (
                    "ids",
                    Mapping::Select {
                        path: &[Field("items"), Wildcard, Field("id")],
                        ty: ValueType::String,
                    },
                ),
                ("kind", Mapping::Const("\"run\"")),
                ("asker", Mapping::Value(Value::Input("who"))),
                (
                    "notANumber",
                    Mapping::Select {
                        path: &[Field("status")],
                        ty: ValueType::Number,
                    },
                ),
            ],
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
            path: &[],
            ty: ValueType::Any,
        };
        assert_eq!(run(&WHOLE, &body), body);
        static LIST: Mapping = Mapping::Array {
            path: &[Field("x")],
            items: &WHOLE,
        };
        assert_eq!(run(&LIST, &json!({"x": {"a": 1}})), json!([{"a": 1}]));
        assert_eq!(run(&LIST, &json!({})), Json::Null);
    }
}
