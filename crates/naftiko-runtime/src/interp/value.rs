//! Evaluating a [`spec::Value`](crate::spec::Value): where a parameter, header or body field
//! gets its value from.
//!
//! Evaluation happens in a [`Scope`]: the inputs of the call, the capability's secrets and the
//! outputs of earlier orchestration steps. The result is `None` when the value is absent (an
//! optional input nobody gave), so callers can leave the parameter out instead of sending an
//! empty one. Rules:
//!
//! - `Literal` is JSON text: `"42"` is the number 42, `"\"v1\""` the string `v1`.
//! - `Template` renders every part as text: a JSON string without its quotes, an absent value
//!   or `null` as empty text, anything else as compact JSON.
//! - `Object`/`Array` keep their structure; a leaf that is one input keeps that input's JSON
//!   type, and an absent leaf leaves its field out of the object (or `null` in an array, so
//!   positions do not shift).

use serde_json::Value as Json;

use crate::interp::inputs::Inputs;
use crate::interp::jsonpath;
use crate::secret::Secrets;
use crate::spec::{TemplatePart, Value};

/// What a value can refer to.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub inputs: &'a Inputs,
    pub secrets: &'a Secrets,
    /// Outputs of earlier steps by step name (empty outside orchestration).
    pub steps: &'a serde_json::Map<String, Json>,
}

/// The value, or `None` when it refers to something absent.
pub fn evaluate(value: &Value, scope: Scope<'_>) -> Option<Json> {
    match value {
        Value::Literal(text) => Some(literal(text)),
        Value::Input(name) => scope
            .inputs
            .get(&**name)
            .filter(|given| !given.is_null())
            .cloned(),
        Value::Secret(key) => scope
            .secrets
            .get(key)
            .map(|secret| Json::String(secret.expose().to_owned())),
        Value::Step { step, path } => {
            let output = scope.steps.get(&**step)?;
            let selected = jsonpath::select(output, path);
            (!selected.is_null()).then_some(selected)
        }
        Value::Template(parts) => Some(Json::String(render_template(parts, scope))),
        Value::Object(fields) => Some(Json::Object(
            fields
                .iter()
                .filter_map(|(name, field)| Some((name.to_string(), evaluate(field, scope)?)))
                .collect(),
        )),
        Value::Array(items) => Some(Json::Array(
            items
                .iter()
                .map(|item| evaluate(item, scope).unwrap_or(Json::Null))
                .collect(),
        )),
    }
}

/// The value as text (for paths, queries, headers): a string without quotes, other JSON compact.
pub fn evaluate_text(value: &Value, scope: Scope<'_>) -> Option<String> {
    evaluate(value, scope).map(|json| to_text(&json))
}

/// Renders template parts as one string; absent values render as empty text.
pub fn render_template(parts: &[TemplatePart], scope: Scope<'_>) -> String {
    let mut text = String::new();
    for part in parts {
        match part {
            TemplatePart::Text(literal) => text.push_str(literal),
            TemplatePart::Value(value) => {
                if let Some(json) = evaluate(value, scope) {
                    text.push_str(&to_text(&json));
                }
            }
        }
    }
    text
}

/// JSON as text the way a template shows it: strings bare, `null` empty, the rest compact JSON.
pub fn to_text(json: &Json) -> String {
    match json {
        Json::String(text) => text.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

/// Parses a literal's JSON text. The code generator only emits valid JSON; should a literal
/// ever not be, it is taken as the plain string it is rather than failing a request.
pub fn literal(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or_else(|_| Json::String(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::SecretString;
    use crate::spec::PathSegment;
    use crate::spec::{list, text};
    use serde_json::json;
    use std::borrow::Cow;

    fn inputs() -> Inputs {
        let Json::Object(map) = json!({"id": "r 1", "count": 3, "flag": true, "none": null}) else {
            return Inputs::new();
        };
        map
    }

    #[test]
    fn templates_render_as_text() {
        let mut secrets = Secrets::new();
        secrets.insert("TOKEN", SecretString::new("s3cret"));
        let steps = serde_json::Map::new();
        let inputs = inputs();
        let scope = Scope {
            inputs: &inputs,
            secrets: &secrets,
            steps: &steps,
        };
        static PARTS: &[TemplatePart] = &[
            TemplatePart::Text(text("Bearer ")),
            TemplatePart::Value(Value::Secret(text("TOKEN"))),
            TemplatePart::Text(text(" id=")),
            TemplatePart::Value(Value::Input(text("id"))),
            TemplatePart::Text(text(" n=")),
            TemplatePart::Value(Value::Input(text("count"))),
            TemplatePart::Text(text(" missing=")),
            TemplatePart::Value(Value::Input(text("missing"))),
            TemplatePart::Text(text(".")),
        ];
        assert_eq!(
            render_template(PARTS, scope),
            "Bearer s3cret id=r 1 n=3 missing=."
        );
        assert_eq!(
            evaluate(&Value::Template(list(PARTS)), scope),
            Some(json!("Bearer s3cret id=r 1 n=3 missing=."))
        );
    }

    #[test]
    fn objects_keep_types_and_drop_absent_fields() {
        let secrets = Secrets::new();
        let mut steps = serde_json::Map::new();
        steps.insert("first".into(), json!({"items": [{"v": "a"}, {"v": "b"}]}));
        let inputs = inputs();
        let scope = Scope {
            inputs: &inputs,
            secrets: &secrets,
            steps: &steps,
        };
        static BODY: Value = Value::Object(Cow::Borrowed(&[
            (text("count"), Value::Input(text("count"))),
            (text("flag"), Value::Input(text("flag"))),
            (text("absent"), Value::Input(text("missing"))),
            (text("null"), Value::Input(text("none"))),
            (text("version"), Value::Literal(text("\"v1\""))),
            (text("limit"), Value::Literal(text("10"))),
            (
                text("list"),
                Value::Array(Cow::Borrowed(&[
                    Value::Input(text("id")),
                    Value::Input(text("missing")),
                ])),
            ),
            (
                text("fromStep"),
                Value::Step {
                    step: text("first"),
                    path: Cow::Borrowed(&[
                        PathSegment::Field(text("items")),
                        PathSegment::Wildcard,
                        PathSegment::Field(text("v")),
                    ]),
                },
            ),
        ]));
        assert_eq!(
            evaluate(&BODY, scope),
            Some(
                json!({"count": 3, "flag": true, "version": "v1", "limit": 10, "list": ["r 1", null], "fromStep": ["a", "b"]})
            )
        );
        assert_eq!(evaluate(&Value::Secret(text("NOPE")), scope), None);
        assert_eq!(
            evaluate(
                &Value::Step {
                    step: text("nope"),
                    path: list(&[])
                },
                scope
            ),
            None
        );
        assert_eq!(literal("not json"), json!("not json"));
    }
}
