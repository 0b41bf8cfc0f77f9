//! Our own errors as RFC 9457 problem details (`application/problem+json`).
//!
//! A REST adapter answers with a problem document whenever *we* fail: bad caller input,
//! an unreachable or too slow upstream, an upstream answer we cannot decode, a refused
//! credential. An upstream that answers with an error status is not our failure: the REST
//! adapter passes that answer through untouched and never builds a problem for it.
//!
//! ```json
//! {"type":"urn:naftiko:problem:invalid-input","title":"Invalid input","status":400,
//!  "detail":"invalid input `runId`: required","field":"runId"}
//! ```
//!
//! What goes into `detail` is chosen per variant so that it can never carry a secret: transport
//! errors (whose text may echo an upstream URL, and with it an API key placed in the query) and
//! configuration errors are summarised, never quoted.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde_json::{Map, Value, json};

use crate::error::Error;

/// The media type of every problem document.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// One problem document, ready to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub status: StatusCode,
    /// The last part of the `type` URI (`invalid-input` gives `urn:naftiko:problem:invalid-input`).
    pub kind: &'static str,
    pub title: &'static str,
    pub detail: String,
    /// The caller input at fault, for bad input.
    pub field: Option<String>,
}

impl Problem {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Problem {
            status,
            kind,
            title,
            detail: detail.into(),
            field: None,
        }
    }

    /// The problem describing `error`. An upstream error status yields a problem too (for
    /// callers that cannot pass the upstream answer through), but REST passes those through.
    pub fn from_error(error: &Error) -> Self {
        let status = error.http_status();
        match error {
            Error::InvalidInput { field, .. } => Problem {
                field: Some(field.clone()),
                ..Problem::new(status, "invalid-input", "Invalid input", error.to_string())
            },
            Error::Transport { namespace, .. } => Problem::new(
                status,
                "upstream-unreachable",
                "Upstream unreachable",
                format!("upstream `{namespace}` could not be reached"),
            ),
            Error::Timeout { .. } => Problem::new(
                status,
                "upstream-timeout",
                "Upstream timeout",
                error.to_string(),
            ),
            Error::Decode { .. } => Problem::new(
                status,
                "upstream-undecodable",
                "Upstream answer not understood",
                error.to_string(),
            ),
            Error::Status {
                namespace,
                status: upstream,
                ..
            } => Problem::new(
                status,
                "upstream-status",
                "Upstream error",
                format!("upstream `{namespace}` answered {upstream}"),
            ),
            Error::Config { .. } | Error::Serve(_) => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "the server is misconfigured; see its log",
            ),
        }
    }

    /// The `type` member: a URN, because these problems have no documentation page to point to.
    pub fn type_uri(&self) -> String {
        format!("urn:naftiko:problem:{}", self.kind)
    }

    pub fn to_json(&self) -> Value {
        let mut doc = Map::new();
        doc.insert("type".into(), json!(self.type_uri()));
        doc.insert("title".into(), json!(self.title));
        doc.insert("status".into(), json!(self.status.as_u16()));
        doc.insert("detail".into(), json!(self.detail));
        if let Some(field) = &self.field {
            doc.insert("field".into(), json!(field));
        }
        Value::Object(doc)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = self.to_json().to_string();
        let mut response = (self.status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_input_names_the_field() {
        let problem = Problem::from_error(&Error::invalid_input("runId", "required"));
        let doc = problem.to_json();
        assert_eq!(doc["status"], 400);
        assert_eq!(doc["field"], "runId");
        assert_eq!(doc["type"], "urn:naftiko:problem:invalid-input");
        assert!(doc["detail"].as_str().is_some_and(|d| d.contains("runId")));
    }

    #[test]
    fn transport_detail_does_not_quote_the_error_text() {
        let error = Error::Transport {
            namespace: "runs".into(),
            message: "error sending request for url (http://x/?api_key=SECRET)".into(),
        };
        let doc = Problem::from_error(&error).to_json();
        assert_eq!(doc["status"], 502);
        assert!(!doc.to_string().contains("SECRET"));
        assert!(doc.get("field").is_none());
    }

    #[test]
    fn timeout_is_504_and_config_is_summarised() {
        let timeout = Problem::from_error(&Error::Timeout {
            namespace: "runs".into(),
            timeout_ms: 200,
        });
        assert_eq!(timeout.status, StatusCode::GATEWAY_TIMEOUT);
        let config = Problem::from_error(&Error::Config {
            missing: vec!["API_KEY".into()],
            problems: vec!["token=abc is bad".into()],
        });
        assert_eq!(config.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!config.detail.contains("abc"));
    }

    #[test]
    fn response_has_the_problem_media_type() {
        let response = Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found", "no route")
            .into_response();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            PROBLEM_CONTENT_TYPE
        );
    }
}
