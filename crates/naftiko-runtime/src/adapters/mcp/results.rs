//! Turning what a handler produced into MCP results.
//!
//! A tool call that reached its handler always ends in a `CallToolResult`: success carries
//! `structuredContent` (when the answer is JSON) and the same JSON as one text block, so both
//! clients that read structured output and clients that only read text get the whole answer.
//! Failures — bad arguments, an upstream error status, an unreachable upstream — are results
//! with `isError: true` and a text the model can read and act on; they are not JSON-RPC errors,
//! which most clients hide from the model.
//!
//! Nothing here reads secrets: error texts come from [`Error`]'s `Display`, which never holds
//! one, and upstream bodies are the upstream's own words.

use http::StatusCode;
use rmcp::model::{CallToolResult, ContentBlock, ResourceContents};
use serde_json::Value;

use crate::error::Error;
use crate::invoke::{Outcome, OutcomeBody};
use crate::spec::McpResource;

/// How much of an upstream error body is quoted back to the caller.
const MAX_ERROR_BODY_CHARS: usize = 4_000;

/// The result of a successful handler run.
pub(crate) fn tool_success(outcome: Outcome) -> CallToolResult {
    if is_error_status(outcome.status) {
        let body = body_text(&outcome.body);
        return upstream_status_error(outcome.status, &body, json_of(&outcome));
    }
    match outcome.body {
        OutcomeBody::Json(value) => structured(value, None, false),
        OutcomeBody::Raw(bytes) => {
            if content_type_may_be_json(outcome.content_type.as_ref())
                && let Ok(value) = serde_json::from_slice::<Value>(&bytes)
            {
                // The upstream's bytes are already the JSON text: the text block is them, not
                // the parsed value serialised once more.
                let text = std::str::from_utf8(&bytes).ok().map(str::to_owned);
                return structured(value, text, false);
            }
            CallToolResult::success(vec![ContentBlock::text(
                String::from_utf8_lossy(&bytes).into_owned(),
            )])
        }
    }
}

/// The result of a handler run that failed, or of arguments that did not pass the checks.
pub(crate) fn tool_failure(error: &Error) -> CallToolResult {
    match error {
        Error::Status { status, body, .. } => {
            let text = String::from_utf8_lossy(body);
            let json = serde_json::from_slice::<Value>(body).ok();
            upstream_status_error(*status, &text, json)
        }
        other => CallToolResult::error(vec![ContentBlock::text(other.to_string())]),
    }
}

/// Object roots are sent as they are; anything else is wrapped, because `structuredContent`
/// must be an object for every revision before 2026-07-28. `json_text` is `value` as JSON text
/// when the caller has it already (an object root is then not serialised again).
fn structured(value: Value, json_text: Option<String>, is_error: bool) -> CallToolResult {
    let (structured, text) = match value {
        Value::Object(_) => {
            let text = json_text.unwrap_or_else(|| value.to_string());
            (value, text)
        }
        other => {
            let mut wrapper = serde_json::Map::new();
            wrapper.insert("result".into(), other);
            let wrapper = Value::Object(wrapper);
            let text = wrapper.to_string();
            (wrapper, text)
        }
    };
    let mut result = if is_error {
        CallToolResult::error(vec![ContentBlock::text(text)])
    } else {
        CallToolResult::success(vec![ContentBlock::text(text)])
    };
    result.structured_content = Some(structured);
    result
}

fn upstream_status_error(
    status: StatusCode,
    body: &str,
    body_json: Option<Value>,
) -> CallToolResult {
    let quoted = truncate(body.trim(), MAX_ERROR_BODY_CHARS);
    let text = if quoted.is_empty() {
        format!("upstream answered {status}")
    } else {
        format!("upstream answered {status}: {quoted}")
    };
    let mut result = CallToolResult::error(vec![ContentBlock::text(text)]);
    let mut details = serde_json::Map::new();
    details.insert("status".into(), status.as_u16().into());
    if let Some(json) = body_json {
        details.insert("body".into(), json);
    } else if !quoted.is_empty() {
        details.insert("body".into(), Value::String(quoted.into_owned()));
    }
    result.structured_content = Some(Value::Object(details));
    result
}

fn is_error_status(status: StatusCode) -> bool {
    status.is_client_error() || status.is_server_error()
}

/// The answer as JSON, when it is JSON: mapped outputs always are; passed-through bytes are when
/// the upstream said so (or said nothing) and they parse.
fn json_of(outcome: &Outcome) -> Option<Value> {
    match &outcome.body {
        OutcomeBody::Json(value) => Some(value.clone()),
        OutcomeBody::Raw(bytes) => {
            if !content_type_may_be_json(outcome.content_type.as_ref()) {
                return None;
            }
            serde_json::from_slice(bytes).ok()
        }
    }
}

fn content_type_may_be_json(content_type: Option<&http::HeaderValue>) -> bool {
    let Some(content_type) = content_type else {
        return true;
    };
    let Ok(content_type) = content_type.to_str() else {
        return false;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence.is_empty() || essence == "application/json" || essence.ends_with("+json")
}

fn body_text(body: &OutcomeBody) -> String {
    match body {
        OutcomeBody::Json(value) => value.to_string(),
        OutcomeBody::Raw(bytes) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn truncate(text: &str, max_chars: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]).into(),
        None => text.into(),
    }
}

/// The contents of `resource` read through its handler at `uri`: text, or for a `binary`
/// resource the answer's bytes as a base64 blob.
pub(crate) fn resource_contents(
    uri: &str,
    resource: &McpResource,
    outcome: Outcome,
) -> ResourceContents {
    let mime_type: &str = &resource.mime_type;
    let mime_type = if mime_type.is_empty() {
        outcome
            .content_type
            .as_ref()
            .and_then(|value| value.to_str().ok())
            .unwrap_or("text/plain")
            .to_owned()
    } else {
        mime_type.to_owned()
    };
    if resource.binary {
        use base64::Engine as _;
        let blob = match &outcome.body {
            OutcomeBody::Raw(bytes) => base64::engine::general_purpose::STANDARD.encode(bytes),
            OutcomeBody::Json(value) => {
                base64::engine::general_purpose::STANDARD.encode(value.to_string())
            }
        };
        return ResourceContents::blob(blob, uri).with_mime_type(mime_type);
    }
    ResourceContents::text(body_text(&outcome.body), uri).with_mime_type(mime_type)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::HeaderValue;

    fn outcome(content_type: Option<&'static str>, body: OutcomeBody) -> Outcome {
        Outcome {
            status: StatusCode::OK,
            content_type: content_type.map(HeaderValue::from_static),
            body,
        }
    }

    fn text_of(result: &CallToolResult) -> String {
        result
            .content
            .iter()
            .filter_map(|block| block.as_text().map(|text| text.text.clone()))
            .collect()
    }

    #[test]
    fn a_binary_resource_read_through_a_call_is_a_blob_of_the_answer() {
        use crate::spec::{McpResourceContent, list, text};
        static PHOTO: McpResource = McpResource {
            name: text("photo"),
            title: None,
            uri: text("photos://{id}"),
            uri_template: list(&[]),
            description: text(""),
            mime_type: text("image/jpeg"),
            binary: true,
            content: McpResourceContent::Static(text("")),
        };
        let bytes = Bytes::from_static(&[0xff, 0xd8, 0xff, 0x00]);
        let read = resource_contents(
            "photos://1",
            &PHOTO,
            outcome(Some("image/jpeg"), OutcomeBody::Raw(bytes)),
        );
        assert!(
            matches!(
                &read,
                ResourceContents::BlobResourceContents { blob, mime_type, uri, .. }
                    if blob == "/9j/AA==" && mime_type.as_deref() == Some("image/jpeg")
                        && uri == "photos://1"
            ),
            "{read:?}"
        );
    }

    #[test]
    fn json_object_is_structured_and_text() {
        let result = tool_success(outcome(
            None,
            OutcomeBody::Json(serde_json::json!({"id": "r1"})),
        ));
        assert_eq!(result.is_error, Some(false));
        assert_eq!(
            result.structured_content,
            Some(serde_json::json!({"id": "r1"}))
        );
        assert_eq!(text_of(&result), r#"{"id":"r1"}"#);
    }

    #[test]
    fn passed_through_json_keeps_the_upstream_text() {
        let upstream = "{\"id\": \"r1\", \"n\": 1.50}\n";
        let result = tool_success(outcome(
            Some("application/json; charset=utf-8"),
            OutcomeBody::Raw(Bytes::from_static(upstream.as_bytes())),
        ));
        assert_eq!(result.is_error, Some(false));
        assert_eq!(
            result.structured_content,
            Some(serde_json::json!({"id": "r1", "n": 1.5}))
        );
        assert_eq!(text_of(&result), upstream);
        // A non-object root is wrapped, and its text is the wrapper's.
        let listed = tool_success(outcome(
            None,
            OutcomeBody::Raw(Bytes::from_static(b"[1, 2]")),
        ));
        assert_eq!(text_of(&listed), r#"{"result":[1,2]}"#);
    }

    #[test]
    fn arrays_are_wrapped() {
        let result = tool_success(outcome(None, OutcomeBody::Json(serde_json::json!([1, 2]))));
        assert_eq!(
            result.structured_content,
            Some(serde_json::json!({"result": [1, 2]}))
        );
    }

    #[test]
    fn raw_json_bytes_are_parsed() {
        let body = OutcomeBody::Raw(Bytes::from_static(br#"{"data":{"status":"Running"}}"#));
        let result = tool_success(outcome(Some("application/json; charset=utf-8"), body));
        assert_eq!(
            result.structured_content,
            Some(serde_json::json!({"data": {"status": "Running"}}))
        );
    }

    #[test]
    fn raw_text_stays_text() {
        let body = OutcomeBody::Raw(Bytes::from_static(b"42"));
        let result = tool_success(outcome(Some("text/plain"), body));
        assert_eq!(result.structured_content, None);
        assert_eq!(text_of(&result), "42");
        let body = OutcomeBody::Raw(Bytes::from_static(b"not json at all"));
        let result = tool_success(outcome(None, body));
        assert_eq!(result.structured_content, None);
        assert_eq!(text_of(&result), "not json at all");
    }

    #[test]
    fn upstream_status_is_an_error_result() {
        let error = Error::Status {
            namespace: "runs".into(),
            status: StatusCode::NOT_FOUND,
            headers: http::HeaderMap::new(),
            body: Bytes::from_static(br#"{"error":"run not found"}"#),
        };
        let result = tool_failure(&error);
        assert_eq!(result.is_error, Some(true));
        let text = text_of(&result);
        assert!(
            text.contains("404") && text.contains("run not found"),
            "{text}"
        );
        assert_eq!(
            result.structured_content,
            Some(serde_json::json!({"status": 404, "body": {"error": "run not found"}}))
        );
    }

    #[test]
    fn passed_through_error_status_is_an_error_result() {
        let mut answer = outcome(
            Some("text/plain"),
            OutcomeBody::Raw(Bytes::from_static(b"gone")),
        );
        answer.status = StatusCode::GONE;
        let result = tool_success(answer);
        assert_eq!(result.is_error, Some(true));
        assert!(text_of(&result).contains("410"));
    }

    #[test]
    fn long_bodies_are_cut() {
        let long = "x".repeat(MAX_ERROR_BODY_CHARS + 10);
        assert_eq!(
            truncate(&long, MAX_ERROR_BODY_CHARS).chars().count(),
            MAX_ERROR_BODY_CHARS + 1
        );
        assert_eq!(truncate("short", 10), "short");
    }
}
