//! Synthetic caller inputs, one distinctive value per input so that an input bound to the
//! wrong parameter shows up.
//!
//! Strings carry characters that must be encoded wherever they go: a space, `/`, `?`, `#`,
//! `%` and a non-ASCII letter. A value sent as a header to the exposed adapter stays within
//! visible ASCII (what a header can carry), but still holds a space and a `/`.

use naftiko::spec::{CallerInput, ParamLocation, ValueType};
use serde_json::{Value as Json, json};

/// Which inputs a call gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every input, required or not.
    All,
    /// Only the required ones: optional values must then be left out upstream.
    RequiredOnly,
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::All => "all inputs",
            Mode::RequiredOnly => "required inputs only",
        }
    }
}

/// The inputs a call in `mode` gives, with their values.
pub fn inputs(declared: &'static [CallerInput], mode: Mode) -> Vec<(&'static CallerInput, Json)> {
    declared
        .iter()
        .filter(|input| mode == Mode::All || input.required)
        .map(|input| (input, value_for(input)))
        .collect()
}

/// The value of one input: distinctive, of the input's type, and matching its `pattern`.
pub fn value_for(input: &CallerInput) -> Json {
    let name = &input.name;
    if let Some(value) = input.pattern.as_deref().and_then(matching) {
        return Json::String(value);
    }
    match input.ty {
        ValueType::String | ValueType::Any => Json::String(match input.location {
            ParamLocation::Header | ParamLocation::Cookie => format!("{name} h/1"),
            _ => format!("{name} v/1?#%\u{e9}"),
        }),
        ValueType::Integer => json!(42),
        ValueType::Number => json!(7.5),
        ValueType::Boolean => json!(true),
        ValueType::Object => json!({"k": format!("{name} o")}),
        ValueType::Array => json!([format!("{name} a"), format!("{name} b")]),
    }
}

/// A string `pattern` accepts, generated from the pattern itself (proptest's regex strategy,
/// deterministic) and confirmed with the runtime's own matcher; `None` when no sample matches
/// (the caller then sends its usual value, and the server's 400 shows as a failure).
fn matching(pattern: &str) -> Option<String> {
    use proptest::strategy::{Strategy as _, ValueTree as _};
    let checker = regex_lite::Regex::new(pattern).ok()?;
    // The generator wants the body of a whole-string pattern, without its anchors.
    let body = pattern.strip_prefix('^').unwrap_or(pattern);
    let body = body.strip_suffix('$').unwrap_or(body);
    // The runtime's classes are ASCII (regex-lite); the generator's would be Unicode, and a
    // `\d` drawn from every script's digits almost never gives an ASCII one.
    let body = body
        .replace(r"\d", "[0-9]")
        .replace(r"\w", "[A-Za-z0-9_]")
        .replace(r"\s", "[ \t]");
    let strategy = proptest::string::string_regex(&body).ok()?;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    // Bounded: a few samples, in case a sample falls outside what the runtime accepts.
    (0..32)
        .filter_map(|_| strategy.new_tree(&mut runner).ok())
        .map(|tree| tree.current())
        .find(|value| checker.is_match(value))
}

/// JSON as text the way a URL, a header or a template shows it: strings bare, `null` empty,
/// the rest compact JSON.
pub fn to_text(json: &Json) -> String {
    match json {
        Json::String(text) => text.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use naftiko::spec::text;

    const fn input(name: &'static str, location: ParamLocation, ty: ValueType) -> CallerInput {
        required_input(name, location, ty, false)
    }

    const fn required_input(
        name: &'static str,
        location: ParamLocation,
        ty: ValueType,
        required: bool,
    ) -> CallerInput {
        CallerInput {
            name: text(name),
            location,
            wire_name: text(name),
            ty,
            required,
            description: text(""),
            schema: None,
            pattern: None,
        }
    }

    #[test]
    fn values_are_distinct_typed_and_need_encoding() {
        let path = value_for(&input("id", ParamLocation::Path, ValueType::String));
        let other = value_for(&input("other", ParamLocation::Path, ValueType::String));
        assert_ne!(path, other);
        let text = to_text(&path);
        assert!(text.contains(['/', ' ', '?', '#', '%']) && !text.is_ascii());
        let header = to_text(&value_for(&input(
            "h",
            ParamLocation::Header,
            ValueType::Any,
        )));
        assert!(header.is_ascii() && header.contains('/'));
        assert_eq!(
            value_for(&input("n", ParamLocation::Query, ValueType::Integer)),
            json!(42)
        );
        static DECLARED: &[CallerInput] = &[
            required_input("a", ParamLocation::Query, ValueType::String, true),
            input("b", ParamLocation::Query, ValueType::Boolean),
        ];
        assert_eq!(inputs(DECLARED, Mode::All).len(), 2);
        assert_eq!(inputs(DECLARED, Mode::RequiredOnly).len(), 1);
    }

    #[test]
    fn a_pattern_gets_a_value_it_accepts() {
        let value = super::matching(r"^\d{4}-\d{2}-\d{2}$").unwrap_or_default();
        assert!(
            regex_lite::Regex::new(r"^\d{4}-\d{2}-\d{2}$")
                .is_ok_and(|pattern| pattern.is_match(&value)),
            "{value:?}"
        );
        assert_eq!(super::matching("(unclosed"), None);
    }
}
