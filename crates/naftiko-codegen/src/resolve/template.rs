//! What a string in a spec means: a caller input, a secret, a step output, a literal, or a
//! template mixing text with those (DESIGN.md, rules 1 and 6).

use naftiko_spec::{PathSegment, TemplatePart, Value};

use crate::json;
use crate::names::{self, Match};

/// The names in force where a string is read.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    /// Prefixes that mean "the caller's input": `rest`, `tools`, the adapter's namespace, …
    pub input_prefixes: Vec<String>,
    /// Bind namespaces (`env`, …): `{{env.X}}` names bind key X.
    pub bind_namespaces: Vec<String>,
    /// Every bind key.
    pub bind_keys: Vec<String>,
    /// Earlier steps of the orchestration.
    pub steps: Vec<String>,
}

/// A note for the caller to turn into a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A bind key matched only after folding.
    SecretFolded { written: String, key: String },
    /// `{{env.X}}` or `${X}` with X not declared in `binds`: read from the environment anyway.
    UndeclaredSecret(String),
    /// A hole we could not read.
    BadHole(String),
}

/// Interprets a JSON value from the spec (strings are parsed; structure is kept).
pub fn interpret(value: &serde_json::Value, scope: &Scope, notes: &mut Vec<Note>) -> Value {
    match value {
        serde_json::Value::String(s) => interpret_str(s, scope, notes),
        serde_json::Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| interpret(v, scope, notes))
                .collect::<Vec<_>>()
                .into(),
        ),
        serde_json::Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone().into(), interpret(v, scope, notes)))
                .collect::<Vec<_>>()
                .into(),
        ),
        other => json::literal(other),
    }
}

pub fn interpret_str(s: &str, scope: &Scope, notes: &mut Vec<Note>) -> Value {
    let parts = split_holes(s);
    let has_holes = parts.iter().any(|p| matches!(p, Piece::Hole(..)));
    if !has_holes {
        // A whole-string reference without braces: `rest.runId`, `tools.x`, `$.step.field`.
        let t = s.trim();
        if let Some(v) = bare_reference(t, scope) {
            return v;
        }
        return json::text_literal(s);
    }
    let mut out: Vec<TemplatePart> = Vec::new();
    for piece in parts {
        match piece {
            Piece::Text(t) => out.push(TemplatePart::Text(t.into())),
            Piece::Hole(expr, dollar) => {
                out.push(TemplatePart::Value(hole(&expr, dollar, scope, notes)))
            }
        }
    }
    if let [TemplatePart::Value(v)] = out.as_slice() {
        return v.clone();
    }
    Value::Template(out.into())
}

enum Piece {
    Text(String),
    /// The expression inside `{{…}}` (false) or `${…}` (true).
    Hole(String, bool),
}

fn split_holes(s: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    loop {
        let brace = rest.find("{{");
        let dollar = rest.find("${");
        let (start, open, close, is_dollar) = match (brace, dollar) {
            (Some(b), Some(d)) if d < b => (d, 2, "}", true),
            (Some(b), _) => (b, 2, "}}", false),
            (None, Some(d)) => (d, 2, "}", true),
            (None, None) => break,
        };
        let after = &rest[start + open..];
        let Some(end) = after.find(close) else { break };
        text.push_str(&rest[..start]);
        if !text.is_empty() {
            out.push(Piece::Text(std::mem::take(&mut text)));
        }
        out.push(Piece::Hole(after[..end].trim().to_string(), is_dollar));
        rest = &after[end + close.len()..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

fn bare_reference(t: &str, scope: &Scope) -> Option<Value> {
    if t.contains(char::is_whitespace) || t.is_empty() {
        return None;
    }
    if let Some(path) = t.strip_prefix("$.") {
        return step_path(path, scope);
    }
    let (prefix, name) = t.split_once('.')?;
    if name.is_empty() {
        return None;
    }
    if scope.input_prefixes.iter().any(|p| p == prefix) {
        return Some(Value::Input(name.to_string().into()));
    }
    if scope.steps.iter().any(|s| s == prefix) {
        return step_path(t, scope);
    }
    if scope.bind_namespaces.iter().any(|b| b == prefix)
        && scope.bind_keys.iter().any(|k| k == name)
    {
        return Some(Value::Secret(name.to_string().into()));
    }
    None
}

/// `step.a.b` (first segment a step name) → a step output path.
fn step_path(path: &str, scope: &Scope) -> Option<Value> {
    let compiled = super::jsonpath::compile(&format!("$.{path}")).ok()?;
    let (first, rest) = compiled.split_first()?;
    let PathSegment::Field(step) = first else {
        return None;
    };
    let step = scope.steps.iter().find(|s| *s == step)?;
    Some(Value::Step {
        step: step.clone().into(),
        path: rest.to_vec().into(),
    })
}

fn hole(expr: &str, dollar: bool, scope: &Scope, notes: &mut Vec<Note>) -> Value {
    let expr = expr.trim();
    if let Some(v) = bare_reference(expr, scope) {
        return v;
    }
    if let Some((prefix, name)) = expr.split_once('.') {
        if prefix == "env" || scope.bind_namespaces.iter().any(|b| b == prefix) {
            return secret(name, scope, notes);
        }
        if let Some(v) = step_path(expr, scope) {
            return v;
        }
    }
    let identifier = !expr.is_empty()
        && expr
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !identifier {
        notes.push(Note::BadHole(expr.to_string()));
        return json::text_literal(&format!("{{{{{expr}}}}}"));
    }
    match names::find(expr, scope.bind_keys.iter().map(String::as_str)) {
        Match::Exact(k) => return Value::Secret(k.to_string().into()),
        Match::Folded(k) => {
            notes.push(Note::SecretFolded {
                written: expr.to_string(),
                key: k.to_string(),
            });
            return Value::Secret(k.to_string().into());
        }
        _ => {}
    }
    if dollar {
        // `${X}` is the shell's spelling of an environment variable.
        return secret(expr, scope, notes);
    }
    Value::Input(expr.to_string().into())
}

fn secret(name: &str, scope: &Scope, notes: &mut Vec<Note>) -> Value {
    match names::find(name, scope.bind_keys.iter().map(String::as_str)) {
        Match::Exact(k) => Value::Secret(k.to_string().into()),
        Match::Folded(k) => {
            notes.push(Note::SecretFolded {
                written: name.to_string(),
                key: k.to_string(),
            });
            Value::Secret(k.to_string().into())
        }
        _ => {
            notes.push(Note::UndeclaredSecret(name.to_string()));
            Value::Secret(name.to_string().into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        Scope {
            input_prefixes: vec!["rest".into(), "tools".into(), "my-api".into()],
            bind_namespaces: vec!["env".into()],
            bind_keys: vec!["API_KEY".into()],
            steps: vec!["get-ship".into()],
        }
    }

    fn read(s: &str) -> (Value, Vec<Note>) {
        let mut notes = Vec::new();
        (interpret_str(s, &scope(), &mut notes), notes)
    }

    #[test]
    fn rule1_caller_inputs_in_every_spelling() {
        for s in [
            "rest.runId",
            "tools.runId",
            "my-api.runId",
            "{{runId}}",
            "{{rest.runId}}",
            "{{ tools.runId }}",
        ] {
            assert_eq!(read(s).0, Value::Input("runId".into()), "{s}");
        }
    }

    #[test]
    fn rule1_other_strings_are_literals_and_numbers_stay_numbers() {
        assert_eq!(read("rest").0, json::text_literal("rest"));
        assert_eq!(read("hello world").0, json::text_literal("hello world"));
        let mut notes = Vec::new();
        assert_eq!(
            interpret(&serde_json::json!(42), &scope(), &mut notes),
            json::literal(&serde_json::json!(42))
        );
    }

    #[test]
    fn rule6_secrets_in_every_spelling() {
        for s in [
            "{{API_KEY}}",
            "{{env.API_KEY}}",
            "${API_KEY}",
            "{{api_key}}",
        ] {
            assert_eq!(read(s).0, Value::Secret("API_KEY".into()), "{s}");
        }
        assert_eq!(
            read("{{api_key}}").1,
            vec![Note::SecretFolded {
                written: "api_key".into(),
                key: "API_KEY".into()
            }]
        );
        assert_eq!(
            read("{{env.OTHER}}").1,
            vec![Note::UndeclaredSecret("OTHER".into())]
        );
    }

    #[test]
    fn step_outputs_and_templates() {
        assert_eq!(
            read("{{get-ship.crew}}").0,
            Value::Step {
                step: "get-ship".into(),
                path: vec![PathSegment::Field("crew".into())].into()
            }
        );
        assert_eq!(
            read("$.get-ship.crew").0,
            Value::Step {
                step: "get-ship".into(),
                path: vec![PathSegment::Field("crew".into())].into()
            }
        );
        assert_eq!(
            read("Bearer {{API_KEY}}").0,
            Value::Template(
                vec![
                    TemplatePart::Text("Bearer ".into()),
                    TemplatePart::Value(Value::Secret("API_KEY".into()))
                ]
                .into()
            )
        );
    }
}
