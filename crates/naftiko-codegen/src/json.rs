//! JSON written the same way by every entry point.
//!
//! The spec's JSON (literals, constants, schemas, OpenAPI documents) is carried as text in the
//! resolved spec, and every entry point must produce byte-identical code.

use naftiko_spec::Value;

/// A JSON literal of the spec as a resolved value.
pub fn literal(value: &serde_json::Value) -> Value {
    Value::Literal(canonical_json(value).into())
}

/// A text literal of the spec as a resolved value.
pub fn text_literal(text: &str) -> Value {
    Value::Literal(canonical_json(&serde_json::Value::String(text.to_string())).into())
}

/// The JSON a literal holds (`None` for text that is not JSON, which the resolver never writes).
pub fn parse(text: &str) -> Option<serde_json::Value> {
    serde_json::from_str(text).ok()
}

/// JSON text with object keys sorted, whatever order the `Map` type keeps: `serde_json` may
/// be built with `preserve_order` in one crate graph (a CLI) and without it in another (a
/// build script), and both must print the same document.
pub fn canonical_json(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_json(value, None, &mut out);
    out
}

/// [`canonical_json`] indented by two spaces, one member per line.
pub fn canonical_json_pretty(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_json(value, Some(0), &mut out);
    out
}

/// `indent`: `None` for compact output, else the current depth.
fn write_json(value: &serde_json::Value, indent: Option<usize>, out: &mut String) {
    let newline = |out: &mut String, depth: usize| {
        if indent.is_some() {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        }
    };
    let depth = indent.unwrap_or(0);
    let inner = indent.map(|d| d + 1);
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            let mut entries: Vec<(&String, &serde_json::Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_string(key, out);
                out.push_str(if indent.is_some() { ": " } else { ":" });
                write_json(item, inner, out);
            }
            newline(out, depth);
            out.push('}');
        }
        serde_json::Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_json(item, inner, out);
            }
            newline(out, depth);
            out.push(']');
        }
        serde_json::Value::Object(_) => out.push_str("{}"),
        serde_json::Value::Array(_) => out.push_str("[]"),
        serde_json::Value::String(text) => write_string(text, out),
        // Numbers, booleans and null have one spelling.
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(text: &str, out: &mut String) {
    out.push_str(&serde_json::Value::String(text.to_owned()).to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keys_are_sorted_at_every_level() {
        let value = serde_json::json!({"b": 1, "a": {"d": [true, null], "c": "x\"y"}});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":{"c":"x\"y","d":[true,null]},"b":1}"#
        );
    }

    #[test]
    fn pretty_json_is_the_same_document() {
        let value = serde_json::json!({"b": [1, {}], "a": {"c": []}});
        let pretty = canonical_json_pretty(&value);
        assert_eq!(
            pretty,
            "{\n  \"a\": {\n    \"c\": []\n  },\n  \"b\": [\n    1,\n    {}\n  ]\n}"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&pretty).ok(),
            Some(value)
        );
    }
}
