//! Checking caller input, shared by the REST and MCP adapters.
//!
//! Callers are lenient in what they send and we are lenient in what we accept, as long as the
//! meaning is unambiguous: the text `"42"` is fine for a number (REST query strings are always
//! text, and many MCP clients stringify arguments), `7` is fine for a string, a JSON object
//! sent as text is fine for an object. Everything else is rejected before any upstream call,
//! with an [`Error::InvalidInput`] that names the field.

use serde_json::Value as Json;

use crate::error::Error;
use crate::interp::numbers::{integral, parse_integer, parse_number};
use crate::interp::patterns;
use crate::spec::{CallerInput, ValueType};

/// Inputs by name: what the caller sent, after checking.
pub type Inputs = serde_json::Map<String, Json>;

/// Converts text (a REST path segment, query value or header) to the input's JSON type.
pub fn coerce_text(input: &CallerInput, text: &str) -> Result<Json, Error> {
    match input.ty {
        ValueType::String | ValueType::Any => Ok(Json::String(text.to_owned())),
        ValueType::Number => parse_number(text)
            .map(Json::Number)
            .ok_or_else(|| expected(input, "a number")),
        ValueType::Integer => parse_integer(text)
            .map(Json::Number)
            .ok_or_else(|| expected(input, "an integer")),
        ValueType::Boolean => parse_bool(text)
            .map(Json::Bool)
            .ok_or_else(|| expected(input, "`true` or `false`")),
        ValueType::Object | ValueType::Array => check_json(input, Json::String(text.to_owned())),
    }
}

/// Checks a JSON value against the input's type, converting where the meaning is unambiguous.
pub fn check_json(input: &CallerInput, value: Json) -> Result<Json, Error> {
    match (input.ty, value) {
        (_, Json::Null) => Err(expected(input, "a value, not null")),
        (ValueType::Any, value) => Ok(value),
        (ValueType::String, Json::String(text)) => Ok(Json::String(text)),
        (ValueType::String, Json::Number(number)) => Ok(Json::String(number.to_string())),
        (ValueType::String, Json::Bool(flag)) => Ok(Json::String(flag.to_string())),
        (ValueType::String, _) => Err(expected(input, "a string")),
        (ValueType::Number, Json::Number(number)) => Ok(Json::Number(number)),
        (ValueType::Number, Json::String(text)) => coerce_text(input, &text),
        (ValueType::Number, _) => Err(expected(input, "a number")),
        (ValueType::Integer, Json::Number(number)) => integral(&number)
            .map(Json::Number)
            .ok_or_else(|| expected(input, "an integer")),
        (ValueType::Integer, Json::String(text)) => coerce_text(input, &text),
        (ValueType::Integer, _) => Err(expected(input, "an integer")),
        (ValueType::Boolean, Json::Bool(flag)) => Ok(Json::Bool(flag)),
        (ValueType::Boolean, Json::String(text)) => coerce_text(input, &text),
        (ValueType::Boolean, _) => Err(expected(input, "`true` or `false`")),
        (ValueType::Object, Json::Object(map)) => Ok(Json::Object(map)),
        (ValueType::Array, Json::Array(items)) => Ok(Json::Array(items)),
        (ValueType::Object | ValueType::Array, Json::String(text)) => {
            let wanted = if input.ty == ValueType::Object {
                "a JSON object"
            } else {
                "a JSON array"
            };
            match serde_json::from_str::<Json>(&text) {
                Ok(parsed @ Json::Object(_)) if input.ty == ValueType::Object => Ok(parsed),
                Ok(parsed @ Json::Array(_)) if input.ty == ValueType::Array => Ok(parsed),
                _ => Err(expected(input, wanted)),
            }
        }
        (ValueType::Object, _) => Err(expected(input, "a JSON object")),
        (ValueType::Array, _) => Err(expected(input, "a JSON array")),
    }
}

/// Checks every input: required ones present, every type right, no unknown names unless
/// `allow_unknown`. A `null` counts as absent. The first problem found (in declaration order,
/// then unknown names in sorted order) is reported.
pub fn check_all(
    inputs: &'static [CallerInput],
    mut given: Inputs,
    allow_unknown: bool,
) -> Result<Inputs, Error> {
    let mut checked = Inputs::new();
    for input in inputs {
        match given.remove(&*input.name) {
            Some(Json::Null) | None if input.required => {
                return Err(Error::invalid_input(input.name.as_ref(), "is required"));
            }
            Some(Json::Null) | None => {}
            Some(value) => {
                let value = check_json(input, value)?;
                check_pattern(input, &value)?;
                checked.insert(input.name.to_string(), value);
            }
        }
    }
    if let Some(unknown) = given.keys().next() {
        if !allow_unknown {
            let known: Vec<&str> = inputs.iter().map(|input| &*input.name).collect();
            let message = if known.is_empty() {
                "is not an input of this operation (it takes none)".to_owned()
            } else {
                format!(
                    "is not an input of this operation (known: {})",
                    known.join(", ")
                )
            };
            return Err(Error::invalid_input(unknown.clone(), message));
        }
        checked.extend(given);
    }
    Ok(checked)
}

/// A text input with a `pattern` must contain a match of it.
fn check_pattern(input: &'static CallerInput, value: &Json) -> Result<(), Error> {
    match (&input.pattern, value) {
        (Some(pattern), Json::String(text)) if !patterns::matches(pattern, text) => Err(
            Error::invalid_input(input.name.as_ref(), format!("does not match `{pattern}`")),
        ),
        _ => Ok(()),
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim() {
        text if text.eq_ignore_ascii_case("true") => Some(true),
        text if text.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn expected(input: &CallerInput, what: &str) -> Error {
    Error::invalid_input(input.name.as_ref(), format!("expected {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ParamLocation;
    use crate::spec::text;
    use serde_json::json;

    const fn input(name: &'static str, ty: ValueType, required: bool) -> CallerInput {
        CallerInput {
            name: text(name),
            location: ParamLocation::Query,
            wire_name: text(name),
            ty,
            required,
            description: text(""),
            schema: None,
            pattern: None,
        }
    }

    static INPUTS: &[CallerInput] = &[
        input("runId", ValueType::String, true),
        input("limit", ValueType::Integer, false),
        input("ratio", ValueType::Number, false),
        input("deep", ValueType::Boolean, false),
        input("filter", ValueType::Object, false),
        input("tags", ValueType::Array, false),
    ];

    fn field(result: Result<Json, Error>) -> String {
        match result {
            Err(Error::InvalidInput { field, .. }) => field,
            other => format!("not an input error: {other:?}"),
        }
    }

    #[test]
    fn text_is_coerced_to_the_declared_type() {
        assert_eq!(coerce_text(&INPUTS[1], "42").ok(), Some(json!(42)));
        assert_eq!(coerce_text(&INPUTS[2], "0.5").ok(), Some(json!(0.5)));
        assert_eq!(coerce_text(&INPUTS[2], "7").ok(), Some(json!(7)));
        assert_eq!(coerce_text(&INPUTS[3], "TRUE").ok(), Some(json!(true)));
        assert_eq!(coerce_text(&INPUTS[3], " False ").ok(), Some(json!(false)));
        assert_eq!(
            coerce_text(&INPUTS[4], r#"{"a":1}"#).ok(),
            Some(json!({"a": 1}))
        );
        assert_eq!(coerce_text(&INPUTS[0], "007").ok(), Some(json!("007")));
        assert_eq!(field(coerce_text(&INPUTS[1], "4.5")), "limit");
        assert_eq!(field(coerce_text(&INPUTS[2], "NaN")), "ratio");
        assert_eq!(field(coerce_text(&INPUTS[3], "yes")), "deep");
        assert_eq!(field(coerce_text(&INPUTS[5], r#"{"a":1}"#)), "tags");
    }

    #[test]
    fn json_is_checked_leniently() {
        assert_eq!(check_json(&INPUTS[1], json!("42")).ok(), Some(json!(42)));
        assert_eq!(check_json(&INPUTS[1], json!(3.0)).ok(), Some(json!(3)));
        assert_eq!(check_json(&INPUTS[0], json!(12)).ok(), Some(json!("12")));
        assert_eq!(
            check_json(&INPUTS[5], json!("[1,2]")).ok(),
            Some(json!([1, 2]))
        );
        assert_eq!(field(check_json(&INPUTS[1], json!(3.5))), "limit");
        assert_eq!(field(check_json(&INPUTS[0], json!({"a": 1}))), "runId");
        assert_eq!(field(check_json(&INPUTS[4], json!([1]))), "filter");
    }

    #[test]
    fn json_text_must_be_the_container_the_input_declares() {
        // An array written as text is no object, nor an object an array: neither is passed on.
        let refused = check_json(&INPUTS[4], json!("[1]"));
        assert!(
            matches!(&refused, Err(Error::InvalidInput { field, message })
                if field == "filter" && message == "expected a JSON object"),
            "{refused:?}"
        );
        let refused = check_json(&INPUTS[5], json!(r#"{"a":1}"#));
        assert!(
            matches!(&refused, Err(Error::InvalidInput { field, message })
                if field == "tags" && message == "expected a JSON array"),
            "{refused:?}"
        );
        assert_eq!(
            check_json(&INPUTS[4], json!(r#"{"a":1}"#)).ok(),
            Some(json!({"a": 1}))
        );
    }

    #[test]
    fn check_all_reports_missing_and_unknown_names() {
        let given = |value: Json| match value {
            Json::Object(map) => map,
            _ => Inputs::new(),
        };
        let ok = check_all(
            INPUTS,
            given(json!({"runId": "r1", "limit": "5", "deep": null})),
            false,
        );
        assert_eq!(
            ok.ok().map(Json::Object),
            Some(json!({"runId": "r1", "limit": 5}))
        );
        assert_eq!(
            field(check_all(INPUTS, given(json!({"limit": 5})), false).map(Json::Object)),
            "runId"
        );
        assert_eq!(
            field(check_all(INPUTS, given(json!({"runId": null})), false).map(Json::Object)),
            "runId"
        );
        assert_eq!(
            field(
                check_all(INPUTS, given(json!({"runId": "r", "bogus": 1})), false)
                    .map(Json::Object)
            ),
            "bogus"
        );
        let extra = check_all(INPUTS, given(json!({"runId": "r", "bogus": 1})), true);
        assert_eq!(
            extra.ok().map(Json::Object),
            Some(json!({"runId": "r", "bogus": 1}))
        );
    }

    #[test]
    fn a_text_input_must_match_its_pattern() {
        static RUN: &[CallerInput] = &[CallerInput {
            name: text("runId"),
            location: ParamLocation::Path,
            wire_name: text("runId"),
            ty: ValueType::String,
            required: true,
            description: text(""),
            schema: None,
            pattern: Some(text("^01[0-9A-Z]{24}$")),
        }];
        let given = |id: Json| {
            json!({ "runId": id })
                .as_object()
                .cloned()
                .unwrap_or_default()
        };
        assert!(check_all(RUN, given(json!("01KKNTCGA0T4V6X9B2C5D8F1GH")), false).is_ok());
        let refused = check_all(RUN, given(json!("../admin")), false).err();
        assert!(
            matches!(&refused, Some(Error::InvalidInput { field, message })
                if field == "runId" && message.contains("^01[0-9A-Z]{24}$")),
            "{refused:?}"
        );
        // A number given for a string input is checked as the text it becomes.
        assert!(check_all(RUN, given(json!(42)), false).is_err());
    }
}
