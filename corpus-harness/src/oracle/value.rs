//! What a `spec::Value` stands for, read from the contract in `naftiko_runtime::spec` (not from
//! the runtime's code): a literal is JSON text, an input the caller's value, a template the
//! text of its parts, an object keeps its shape and drops absent fields.

use std::collections::HashMap;

use naftiko::spec::{PathSegment, TemplatePart, Value};
use serde_json::Value as Json;

use crate::synth::to_text;

/// Caller (or operation) inputs by name.
pub type Inputs = serde_json::Map<String, Json>;

/// What values can refer to.
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub inputs: &'a Inputs,
    pub secrets: &'a HashMap<String, String>,
    /// Outputs of earlier orchestration steps, by step name.
    pub steps: &'a Inputs,
}

/// The value, `None` when it refers to something absent.
pub fn eval(value: &Value, scope: Scope<'_>) -> Option<Json> {
    match value {
        Value::Literal(text) => {
            Some(serde_json::from_str(text).unwrap_or_else(|_| Json::String(text.to_string())))
        }
        Value::Input(name) => scope.inputs.get(&**name).filter(|v| !v.is_null()).cloned(),
        Value::Secret(key) => scope.secrets.get(&**key).cloned().map(Json::String),
        Value::Step { step, path } => {
            let selected = select(scope.steps.get(&**step)?, path);
            (!selected.is_null()).then_some(selected)
        }
        Value::Template(parts) => {
            let mut text = String::new();
            for part in parts.iter() {
                match part {
                    TemplatePart::Text(literal) => text.push_str(literal),
                    TemplatePart::Value(inner) => {
                        text.push_str(&eval(inner, scope).map(|v| to_text(&v)).unwrap_or_default());
                    }
                }
            }
            Some(Json::String(text))
        }
        Value::Object(fields) => Some(Json::Object(
            fields
                .iter()
                .filter_map(|(name, field)| Some((name.to_string(), eval(field, scope)?)))
                .collect(),
        )),
        Value::Array(items) => Some(Json::Array(
            items
                .iter()
                .map(|item| eval(item, scope).unwrap_or(Json::Null))
                .collect(),
        )),
    }
}

/// The value as text (paths, queries, headers).
pub fn eval_text(value: &Value, scope: Scope<'_>) -> Option<String> {
    eval(value, scope).map(|json| to_text(&json))
}

/// JSONPath on compiled segments: one node (`null` if missing), or with a wildcard the array of
/// every node reached.
pub fn select(root: &Json, path: &[PathSegment]) -> Json {
    fn walk<'a>(node: &'a Json, path: &[PathSegment], found: &mut Vec<&'a Json>) {
        let Some((first, rest)) = path.split_first() else {
            found.push(node);
            return;
        };
        match (first, node) {
            (PathSegment::Wildcard, Json::Array(items)) => {
                items.iter().for_each(|item| walk(item, rest, found));
            }
            (PathSegment::Wildcard, Json::Object(map)) => {
                map.values().for_each(|item| walk(item, rest, found));
            }
            (PathSegment::Field(name), Json::Object(map)) => {
                if let Some(next) = map.get(&**name) {
                    walk(next, rest, found);
                }
            }
            (PathSegment::Index(index), Json::Array(items)) => {
                let at = if *index < 0 {
                    items.len().checked_sub(index.unsigned_abs() as usize)
                } else {
                    Some(*index as usize)
                };
                if let Some(next) = at.and_then(|at| items.get(at)) {
                    walk(next, rest, found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(root, path, &mut found);
    if path.contains(&PathSegment::Wildcard) {
        Json::Array(found.into_iter().cloned().collect())
    } else {
        found.first().map_or(Json::Null, |node| (*node).clone())
    }
}

/// A JSON document in which `path` leads to `leaf` (merged into `into`): what an upstream
/// must answer so that a later step reading `path` finds something.
pub fn plant(into: &mut Json, path: &[PathSegment], leaf: Json) {
    let Some((first, rest)) = path.split_first() else {
        if into.is_null() {
            *into = leaf;
        }
        return;
    };
    match first {
        PathSegment::Field(name) => {
            if into.is_null() {
                *into = Json::Object(Inputs::new());
            }
            if let Json::Object(map) = into {
                plant(
                    map.entry(name.to_string()).or_insert(Json::Null),
                    rest,
                    leaf,
                );
            }
        }
        PathSegment::Index(_) | PathSegment::Wildcard => {
            if into.is_null() {
                *into = Json::Array(Vec::new());
            }
            if let Json::Array(items) = into {
                let at = match first {
                    PathSegment::Index(index) if *index >= 0 => *index as usize,
                    // `[-n]` is the n-th from the end: with n elements, the first.
                    PathSegment::Index(index) => {
                        while items.len() < index.unsigned_abs() as usize {
                            items.push(Json::Null);
                        }
                        items.len() - index.unsigned_abs() as usize
                    }
                    _ => 0,
                };
                while items.len() <= at {
                    items.push(Json::Null);
                }
                if let Some(slot) = items.get_mut(at) {
                    plant(slot, rest, leaf);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use naftiko::spec::text;
    use serde_json::json;
    use std::borrow::Cow;

    #[test]
    fn values_follow_the_contract() {
        let inputs = match json!({"id": "r 1", "n": 3, "nothing": null}) {
            Json::Object(map) => map,
            _ => Inputs::new(),
        };
        let secrets = HashMap::from([("KEY".to_owned(), "secret-KEY".to_owned())]);
        let steps = Inputs::new();
        let scope = Scope {
            inputs: &inputs,
            secrets: &secrets,
            steps: &steps,
        };
        static BODY: Value = Value::Object(Cow::Borrowed(&[
            (text("id"), Value::Input(text("id"))),
            (text("n"), Value::Input(text("n"))),
            (text("gone"), Value::Input(text("nothing"))),
            (text("v"), Value::Literal(text("\"v1\""))),
            (
                text("auth"),
                Value::Template(Cow::Borrowed(&[
                    TemplatePart::Text(text("Bearer ")),
                    TemplatePart::Value(Value::Secret(text("KEY"))),
                    TemplatePart::Value(Value::Input(text("absent"))),
                ])),
            ),
            (
                text("list"),
                Value::Array(Cow::Borrowed(&[
                    Value::Input(text("n")),
                    Value::Input(text("absent")),
                ])),
            ),
        ]));
        assert_eq!(
            eval(&BODY, scope),
            Some(
                json!({"id": "r 1", "n": 3, "v": "v1", "auth": "Bearer secret-KEY", "list": [3, null]})
            )
        );
        assert_eq!(eval(&Value::Input(text("nothing")), scope), None);
    }

    #[test]
    fn planted_paths_are_selected_back() {
        static PATH: &[PathSegment] = &[
            PathSegment::Field(text("data")),
            PathSegment::Index(2),
            PathSegment::Field(text("id")),
        ];
        static WILD: &[PathSegment] = &[PathSegment::Field(text("items")), PathSegment::Wildcard];
        let mut answer = Json::Null;
        plant(&mut answer, PATH, json!("x"));
        plant(&mut answer, WILD, json!("y"));
        assert_eq!(select(&answer, PATH), json!("x"));
        assert_eq!(select(&answer, WILD), json!(["y"]));
        assert_eq!(
            select(&answer, &[PathSegment::Field(text("nope"))]),
            Json::Null
        );
    }
}
