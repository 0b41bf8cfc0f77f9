//! Judging one call of a route or tool: the oracle's expectation, the echo's answers planned,
//! the call made, then what upstream received compared request by request, every caller input
//! traced to the wire, and the answer the caller got.

use naftiko::spec::{CallerInput, CapabilitySpec, Handler, McpTool, RawFormat};
use serde_json::Value as Json;

use crate::caller::Answer;
use crate::compare::{compare, segments};
use crate::drive::Checker;
use crate::echo::Received;
use crate::oracle::request::form_pairs;
use crate::oracle::value::Inputs;
use crate::oracle::{
    self, ExpectedResponse, inputs_read, inputs_sent_upstream, unplaced_by_design,
};
use crate::reading::mapping::Mapped;
use crate::render::render;
use crate::report::{Item, Kind};
use crate::synth::Mode;

impl Checker<'_> {
    /// Plans the echo's answers, makes `call`, and records on `item` every way it differed from
    /// what the spec tables say. When the independent reading understood the output mapping
    /// (`mapped`), the echo gives its planted answer instead and the caller's answer must be
    /// the one the reading derived from it. Returns the answer when the call itself went through.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn check_call(
        &self,
        handler: &'static Handler,
        inputs: &[(&'static CallerInput, Json)],
        kind: Kind,
        mode: Mode,
        item: &mut Item,
        mapped: Option<&Mapped>,
        call: impl Future<Output = Result<Answer, String>>,
    ) -> Option<Answer> {
        let label = mode.label();
        let given: Inputs = inputs
            .iter()
            .map(|(input, value)| (input.name.to_string(), value.clone()))
            .collect();
        let mut expected = match oracle::expect(self.spec, handler, &given, self.secrets) {
            Ok(expected) => expected,
            Err(problem) => {
                item.fail("binding", format!("{label}: {problem}"));
                return None;
            }
        };
        let mapped = match mapped {
            Some(_) if expected.requests.len() != 1 => {
                item.fail(
                    "mapped",
                    format!(
                        "{label}: the YAML makes one call, the generated handler {} request(s)",
                        expected.requests.len()
                    ),
                );
                None
            }
            Some(mapped) => {
                // The reading only takes operations that answer JSON.
                expected.answers = vec![render(&mapped.answer, &RawFormat::Json)];
                Some(mapped)
            }
            None => None,
        };
        self.echo.reset(expected.answers.clone());
        let answer = match call.await {
            Ok(answer) => answer,
            Err(error) => {
                item.fail("call", format!("{label}: {error}"));
                return None;
            }
        };
        let received = self.echo.received();
        if received.len() != expected.requests.len() {
            item.fail(
                "count",
                format!(
                    "{label}: want {} upstream request(s), got {} (answer {} {})",
                    expected.requests.len(),
                    received.len(),
                    answer.status,
                    String::from_utf8_lossy(&answer.body)
                ),
            );
        }
        for (want, got) in expected.requests.iter().zip(&received) {
            for mismatch in compare(want, got) {
                item.fail(
                    mismatch.aspect,
                    format!("{label}: {}: {}", want.operation, mismatch.detail),
                );
            }
        }
        if mode == Mode::All {
            trace_inputs(self.spec, handler, inputs, &received, item);
        }
        match kind {
            Kind::Route if !(200..300).contains(&answer.status) => item.fail(
                "status",
                format!(
                    "{label}: HTTP {}: {}",
                    answer.status,
                    String::from_utf8_lossy(&answer.body)
                ),
            ),
            _ => {
                check_response(&expected.response, &answer, kind, mode, item);
                if let Some(mapped) = mapped {
                    check_mapped(&mapped.response, &answer, kind, mode, item);
                }
            }
        }
        Some(answer)
    }
}

/// The caller's answer against the mapping applied by the independent reading: a route's body
/// is that JSON; a tool's `structuredContent` is that JSON when it is an object, else that JSON
/// under `result` (MCP wants an object there).
fn check_mapped(want: &Json, answer: &Answer, kind: Kind, mode: Mode, item: &mut Item) {
    let got: Json = serde_json::from_slice(&answer.body).unwrap_or(Json::Null);
    let problem = match kind {
        Kind::Route => (got != *want).then(|| {
            format!(
                "want `{want}` (the YAML's mapping of the planted answer), got `{}`",
                String::from_utf8_lossy(&answer.body)
            )
        }),
        Kind::Tool => {
            if got.get("result").is_none() {
                // Not a result: `check_tool_answer` says so.
                return;
            }
            let want = match want {
                Json::Object(_) => want.clone(),
                other => serde_json::json!({ "result": other }),
            };
            let structured = got.pointer("/result/structuredContent");
            (structured != Some(&want)).then(|| {
                format!(
                    "want structuredContent `{want}` (the YAML's mapping of the planted answer), got {structured:?}"
                )
            })
        }
    };
    if let Some(problem) = problem {
        item.fail("mapped", format!("{}: {problem}", mode.label()));
    }
}

/// Every input the handler passes upstream must show up in some request; one that cannot is a
/// failure, unless the code generator itself said it would not send it (then a note, like an
/// input nothing reads at all).
fn trace_inputs(
    spec: &CapabilitySpec,
    handler: &Handler,
    inputs: &[(&'static CallerInput, Json)],
    received: &[Received],
    item: &mut Item,
) {
    let sent = inputs_sent_upstream(handler);
    let read = inputs_read(handler);
    for (input, value) in inputs {
        if !read.contains(&*input.name) {
            let note = format!("input `{}` is read by nothing", input.name);
            item.note("unread", note);
            continue;
        }
        let Json::String(text) = value else { continue };
        if !sent.contains(&*input.name) || received.iter().any(|request| carries(request, text)) {
            continue;
        }
        match unplaced_by_design(spec, handler, &input.name) {
            Some(warning) => item.note(
                "unsent",
                format!(
                    "input `{}` is accepted but not sent upstream (the code generator warned: {warning})",
                    input.name
                ),
            ),
            None => item.fail(
                "dropped",
                format!(
                    "input `{}` is bound but reached no upstream request",
                    input.name
                ),
            ),
        }
    }
}

/// A passthrough answer is the upstream's (REST: the same body; MCP: the same JSON as
/// `structuredContent`), a static one the spec's body.
fn check_response(
    expected: &ExpectedResponse,
    answer: &Answer,
    kind: Kind,
    mode: Mode,
    item: &mut Item,
) {
    let got: Json = serde_json::from_slice(&answer.body).unwrap_or(Json::Null);
    let body = String::from_utf8_lossy(&answer.body);
    let is_result = got.get("result").is_some();
    let problem = match (expected, kind) {
        (ExpectedResponse::Mapped, _) => None,
        (ExpectedResponse::Empty, Kind::Route) => {
            (!answer.body.is_empty()).then(|| format!("want no body, got `{body}`"))
        }
        (ExpectedResponse::Empty, Kind::Tool) => {
            let structured = got.pointer("/result/structuredContent");
            let text = tool_text(&got);
            (is_result && (structured.is_some_and(|s| !s.is_null()) || !text.is_empty()))
                .then(|| format!("want an empty result, got {structured:?} and `{text}`"))
        }
        (ExpectedResponse::Passthrough(want), Kind::Route) => {
            (got != *want).then(|| format!("want the upstream answer `{want}`, got `{body}`"))
        }
        (ExpectedResponse::Passthrough(want), Kind::Tool) => {
            let structured = got.pointer("/result/structuredContent");
            (is_result && structured != Some(want))
                .then(|| format!("want structuredContent `{want}`, got {structured:?}"))
        }
        (ExpectedResponse::Static { body: want }, Kind::Route) => (answer.body != want.as_bytes())
            .then(|| format!("want the static body `{want}`, got `{body}`")),
        (ExpectedResponse::Static { body: want }, Kind::Tool) => {
            let text = tool_text(&got);
            (is_result && text.trim() != want.trim())
                .then(|| format!("want the static body `{want}`, got `{text}`"))
        }
    };
    if let Some(problem) = problem {
        item.fail("response", format!("{}: {problem}", mode.label()));
    }
}

/// A `tools/call` answer must be a result, not an error result nor a JSON-RPC error.
pub(crate) fn check_tool_answer(answer: &Answer, item: &mut Item, mode: Mode) {
    let json: Json = serde_json::from_slice(&answer.body).unwrap_or(Json::Null);
    if let Some(error) = json.get("error") {
        item.fail(
            "status",
            format!("{}: JSON-RPC error {error}", mode.label()),
        );
    } else if json.pointer("/result/isError") == Some(&Json::Bool(true)) {
        let text = tool_text(&json);
        item.fail("status", format!("{}: isError: {text}", mode.label()));
    } else if json.get("result").is_none() {
        item.fail("status", format!("{}: no result in `{json}`", mode.label()));
    }
}

fn tool_text(json: &Json) -> String {
    json.pointer("/result/content")
        .and_then(Json::as_array)
        .map(|blocks| {
            blocks
                .iter()
                .filter_map(|block| block.get("text").and_then(Json::as_str))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `text` reached upstream in `request`: in a decoded path segment, a query value, a
/// header, or the body (raw, form-decoded, or as a JSON string value).
fn carries(request: &Received, text: &str) -> bool {
    let in_path = segments(&request.raw_path)
        .iter()
        .any(|segment| segment.contains(text));
    let in_query = form_pairs(request.raw_query.as_deref().unwrap_or(""))
        .iter()
        .any(|(_, value)| value.contains(text));
    let in_headers = request
        .headers
        .iter()
        .any(|(_, value)| String::from_utf8_lossy(value).contains(text));
    let body = String::from_utf8_lossy(&request.body);
    let in_body = body.contains(text)
        || form_pairs(&body)
            .iter()
            .any(|(_, value)| value.contains(text))
        || serde_json::from_str::<Json>(&body).is_ok_and(|json| json_carries(&json, text));
    in_path || in_query || in_headers || in_body
}

fn json_carries(json: &Json, text: &str) -> bool {
    match json {
        Json::String(value) => value.contains(text),
        Json::Array(items) => items.iter().any(|item| json_carries(item, text)),
        Json::Object(map) => map.values().any(|item| json_carries(item, text)),
        _ => false,
    }
}

/// The tool is listed, and the schema clients see names exactly the inputs the server checks,
/// required alike.
pub(crate) fn check_listed(listed: &Result<Json, String>, tool: &McpTool, item: &mut Item) {
    let tools = match listed {
        Ok(json) => json
            .pointer("/result/tools")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default(),
        Err(error) => return item.fail("list", format!("tools/list: {error}")),
    };
    if !tools
        .iter()
        .any(|listed| listed.get("name").and_then(Json::as_str) == Some(&*tool.name))
    {
        item.fail("list", "tools/list does not list it".to_owned());
    }
    let schema: Json = serde_json::from_str(&tool.input_schema).unwrap_or(Json::Null);
    let properties: Vec<&str> = schema
        .get("properties")
        .and_then(Json::as_object)
        .map(|properties| properties.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Json::as_array)
        .map(|names| names.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    for input in tool.inputs.iter() {
        if !properties.contains(&&*input.name) {
            item.fail(
                "schema",
                format!("input `{}` is not in the input schema", input.name),
            );
        } else if input.required != required.contains(&&*input.name) {
            item.fail(
                "schema",
                format!(
                    "input `{}` is required: {} in the table, {} in the schema",
                    input.name, input.required, !input.required
                ),
            );
        }
    }
    for property in properties {
        if !tool.inputs.iter().any(|input| input.name == property) {
            item.fail(
                "schema",
                format!("schema property `{property}` is not an input"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_mapped;
    use crate::caller::Answer;
    use crate::report::{Item, Kind};
    use crate::synth::Mode;
    use serde_json::json;

    fn answer(body: serde_json::Value) -> Answer {
        Answer {
            status: 200,
            content_type: "application/json".to_owned(),
            body: bytes::Bytes::from(body.to_string()),
        }
    }

    fn failures(want: &serde_json::Value, got: serde_json::Value, kind: Kind) -> usize {
        let mut item = Item::new(kind, "api", "x".to_owned());
        check_mapped(want, &answer(got), kind, Mode::All, &mut item);
        item.failures.len()
    }

    #[test]
    fn a_mapped_answer_must_be_the_readings_exactly() {
        let want = json!({"imo": "v1", "specs": {"length": 2.5, "tonnage": 3.5}});
        assert_eq!(failures(&want, want.clone(), Kind::Route), 0);
        // Two nested values swapped, one dropped: both differ.
        let swapped = json!({"imo": "v1", "specs": {"length": 3.5, "tonnage": 2.5}});
        assert_eq!(failures(&want, swapped, Kind::Route), 1);
        assert_eq!(
            failures(
                &want,
                json!({"imo": "v1", "specs": {"length": 2.5}}),
                Kind::Route
            ),
            1
        );
        let tool = |structured| json!({"result": {"structuredContent": structured}});
        assert_eq!(failures(&want, tool(want.clone()), Kind::Tool), 0);
        assert_eq!(failures(&want, tool(json!({"imo": "v1"})), Kind::Tool), 1);
        // A list comes back under `result`.
        let list = json!(["a", "b"]);
        assert_eq!(
            failures(&list, tool(json!({"result": ["a", "b"]})), Kind::Tool),
            0
        );
        assert_eq!(failures(&list, tool(list.clone()), Kind::Tool), 1);
    }
}
