//! Running an exposed route's or tool's [`Handler`]: bind the caller's inputs, call upstream,
//! shape the result. REST and MCP adapters share this, so both expose exactly the same behaviour.
//!
//! - `Handler::Call`: every `args` pair is evaluated against the caller's inputs (absent
//!   optional values are left out), the operation is called, and the output is either the
//!   upstream answer passed through byte for byte (status and content type included) or the
//!   body read as JSON (JSON itself, or XML, CSV, HTML, … per the operation's
//!   `outputRawFormat`, see [`crate::upstream::formats`]) run through the output
//!   [`Mapping`](crate::spec::Mapping) (status 200).
//! - `Handler::Steps`: steps run in order. A call step's body is read as JSON and stored
//!   under the step's name; a lookup step stores what it found. The output mapping then sees
//!   one object `{stepName: output, …}`: `Mapping::Select` paths start with a step name
//!   (`$.get-ship.imo` is `[Field("get-ship"), Field("imo")]`) and `Value::Step` reads the same
//!   outputs. `Output::Passthrough` after steps passes the last call's answer through.
//! - `Handler::Static`: the spec's fixed body, status 200.
//!
//! An upstream error status is returned as `Error::Status` (a failed step stops the steps).
//! An empty upstream body reads as JSON `null`, so a `204` can still be mapped.

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};
use serde_json::Value as Json;

use crate::error::Error;
use crate::interp::inputs::Inputs;
use crate::interp::mapping;
use crate::interp::value::{Scope, evaluate, to_text};
use crate::runtime::Runtime;
use crate::spec::{Arg, Handler, HttpOperation, OperationId, Output, Step, Str, Value};
use crate::upstream::Response;
use crate::upstream::formats;

/// What a handler produced.
#[derive(Debug)]
pub struct Outcome {
    pub status: StatusCode,
    /// The content type of a `Raw` body (the upstream's, or the static body's); `None` for `Json`.
    pub content_type: Option<HeaderValue>,
    pub body: OutcomeBody,
}

#[derive(Debug)]
pub enum OutcomeBody {
    /// Upstream bytes passed through unparsed.
    Raw(Bytes),
    Json(Json),
}

pub async fn invoke(
    rt: &Runtime,
    handler: &'static Handler,
    inputs: &Inputs,
) -> Result<Outcome, Error> {
    let no_steps = serde_json::Map::new();
    match handler {
        Handler::Static { body, content_type } => Ok(Outcome {
            status: StatusCode::OK,
            content_type: HeaderValue::from_str(content_type).ok(),
            body: OutcomeBody::Raw(Bytes::from_static(body.as_bytes())),
        }),
        Handler::Call {
            operation,
            args,
            output,
        } => {
            let scope = Scope {
                inputs,
                secrets: rt.secrets(),
                steps: &no_steps,
            };
            let operation = operation_of(rt, *operation)?;
            let response = call(rt, operation, args, scope).await?;
            match output {
                Output::Passthrough => Ok(passthrough(response)),
                Output::Mapped(shape) => {
                    let body = read_json(operation, &response)?;
                    Ok(json_outcome(mapping::apply(shape, &body, scope)))
                }
            }
        }
        Handler::Steps { steps, output } => {
            let mut outputs = serde_json::Map::new();
            let mut last_response = None;
            for step in steps.iter() {
                let scope = Scope {
                    inputs,
                    secrets: rt.secrets(),
                    steps: &outputs,
                };
                let (name, value) = match step {
                    Step::Call {
                        name,
                        operation,
                        args,
                    } => {
                        let operation = operation_of(rt, *operation)?;
                        let response = call(rt, operation, args, scope).await?;
                        let value = read_json(operation, &response)?;
                        last_response = Some(response);
                        (&**name, value)
                    }
                    Step::Lookup {
                        name,
                        index,
                        match_field,
                        lookup_value,
                        fields,
                    } => {
                        let table = outputs.get(&**index).unwrap_or(&Json::Null);
                        let wanted = evaluate(lookup_value, scope).unwrap_or(Json::Null);
                        (&**name, lookup(table, match_field, &wanted, fields))
                    }
                };
                outputs.insert(name.to_owned(), value);
            }
            match output {
                Output::Passthrough => match last_response {
                    Some(response) => Ok(passthrough(response)),
                    None => Ok(json_outcome(Json::Object(outputs))),
                },
                Output::Mapped(shape) => {
                    let root = Json::Object(outputs);
                    let Json::Object(steps) = &root else {
                        return Ok(json_outcome(Json::Null));
                    };
                    let scope = Scope {
                        inputs,
                        secrets: rt.secrets(),
                        steps,
                    };
                    Ok(json_outcome(mapping::apply(shape, &root, scope)))
                }
            }
        }
    }
}

/// The operation `id` names in the runtime's spec. Generated specs only hold ids of their own
/// operations; a hand-built spec with a dangling id is a configuration error, not a panic.
fn operation_of(
    rt: &Runtime,
    id: OperationId,
) -> Result<(OperationId, &'static HttpOperation), Error> {
    match rt.spec().operation(id) {
        Some(operation) => Ok((id, operation)),
        None => Err(Error::Config {
            missing: Vec::new(),
            problems: vec![format!("the spec has no operation {id:?}")],
        }),
    }
}

/// Evaluates `args` into the operation's inputs and calls it.
async fn call(
    rt: &Runtime,
    (id, operation): (OperationId, &'static HttpOperation),
    args: &'static [Arg],
    scope: Scope<'_>,
) -> Result<Response<Bytes>, Error> {
    let bound: Inputs = args
        .iter()
        .filter_map(|arg| Some((arg.input.to_string(), evaluate(&arg.value, scope)?)))
        .collect();
    rt.client(id.consumes)
        .call(operation, &bound)
        .await
        .map_err(|error| in_callers_terms(error, args))
}

/// An input the client refuses is named as the caller knows it: the upstream parameter `runId`
/// fed by the caller's path placeholder `runid` is reported as `runid`.
fn in_callers_terms(error: Error, args: &'static [Arg]) -> Error {
    match error {
        Error::InvalidInput { field, message } => {
            let caller = args.iter().find_map(|arg| match &arg.value {
                Value::Input(input) if arg.input == field => Some(&**input),
                _ => None,
            });
            match caller {
                Some(input) => Error::InvalidInput {
                    message: message.replace(&format!("`{field}`"), &format!("`{input}`")),
                    field: input.to_owned(),
                },
                None => Error::InvalidInput { field, message },
            }
        }
        other => other,
    }
}

fn passthrough(response: Response<Bytes>) -> Outcome {
    Outcome {
        status: response.status,
        content_type: response.headers.get(CONTENT_TYPE).cloned(),
        body: OutcomeBody::Raw(response.body),
    }
}

fn json_outcome(value: Json) -> Outcome {
    Outcome {
        status: StatusCode::OK,
        content_type: None,
        body: OutcomeBody::Json(value),
    }
}

/// The answer as JSON, read according to the operation's `outputRawFormat` (XML, CSV, HTML,
/// … become JSON the way the reference engine reads them; see [`crate::upstream::formats`]).
fn read_json(
    (_, operation): (OperationId, &HttpOperation),
    response: &Response<Bytes>,
) -> Result<Json, Error> {
    formats::to_json(&operation.output_format, &response.body, response.namespace)
}

/// A lookup step: in `table` (an array, or one object), the entries whose `match_field` equals
/// `wanted`, compared as text like the reference engine does (`"7"` matches `7`), keeping
/// `fields` (every field when the list is empty; a missing field is `null`). One wanted value
/// gives its first match or `null`; an array of wanted values gives the first match of each,
/// in the order asked, skipping values nothing matches.
pub(crate) fn lookup(table: &Json, match_field: &str, wanted: &Json, fields: &[Str]) -> Json {
    let entries: &[Json] = match table {
        Json::Array(entries) => entries,
        Json::Object(_) => std::slice::from_ref(table),
        _ => &[],
    };
    let find = |wanted: &Json| {
        let wanted = to_text(wanted);
        entries.iter().find(|entry| {
            entry
                .get(match_field)
                .is_some_and(|value| !value.is_null() && to_text(value) == wanted)
        })
    };
    let keep = |entry: &Json| {
        if fields.is_empty() {
            return entry.clone();
        }
        Json::Object(
            fields
                .iter()
                .map(|field| {
                    (
                        field.to_string(),
                        entry.get(&**field).cloned().unwrap_or(Json::Null),
                    )
                })
                .collect(),
        )
    };
    match wanted {
        Json::Array(values) => Json::Array(values.iter().filter_map(find).map(keep).collect()),
        Json::Null => Json::Null,
        single => find(single).map_or(Json::Null, keep),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::text;
    use serde_json::json;

    #[test]
    fn lookup_matches_as_text_and_keeps_fields() {
        let crew = json!([
            {"crewId": "C1", "fullName": "Ada", "role": "captain", "age": 40},
            {"crewId": 2, "fullName": "Bob", "role": "cook"},
            {"crewId": "C3", "fullName": "Cy"}
        ]);
        assert_eq!(
            lookup(
                &crew,
                "crewId",
                &json!(["C3", "nobody", "2"]),
                &[text("fullName"), text("role")]
            ),
            json!([{"fullName": "Cy", "role": null}, {"fullName": "Bob", "role": "cook"}])
        );
        assert_eq!(
            lookup(&crew, "crewId", &json!("C1"), &[text("role")]),
            json!({"role": "captain"})
        );
        assert_eq!(
            lookup(&crew, "crewId", &json!("C9"), &[text("role")]),
            Json::Null
        );
        assert_eq!(lookup(&crew[1], "crewId", &json!(2), &[]), crew[1]);
        assert_eq!(lookup(&json!("x"), "crewId", &json!(2), &[]), Json::Null);
    }
}
