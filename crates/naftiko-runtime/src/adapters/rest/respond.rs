//! Turning a handler's outcome or error into the HTTP answer.
//!
//! Upstream bytes are never re-parsed on the way out: a pass-through outcome and an upstream
//! error status go back with the upstream's status, body and content type exactly as received.
//! A mapped outcome is serialised once. Everything else that fails is ours and answers with a
//! problem document.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};

use crate::adapters::problem::Problem;
use crate::error::Error;
use crate::invoke::{Outcome, OutcomeBody};

const JSON: HeaderValue = HeaderValue::from_static("application/json");

pub(crate) fn outcome_response(outcome: Outcome) -> Response {
    let (body, content_type) = match outcome.body {
        OutcomeBody::Raw(bytes) => (bytes, outcome.content_type),
        OutcomeBody::Json(value) => match serde_json::to_vec(&value) {
            Ok(text) => (text.into(), Some(outcome.content_type.unwrap_or(JSON))),
            Err(error) => {
                return Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                    format!("the result could not be serialised: {error}"),
                )
                .into_response();
            }
        },
    };
    with_body(outcome.status, content_type, Body::from(body))
}

pub(crate) fn error_response(error: Error) -> Response {
    match error {
        Error::Status {
            status,
            headers,
            body,
            ..
        } => with_body(
            status,
            headers.get(header::CONTENT_TYPE).cloned(),
            Body::from(body),
        ),
        other => {
            if other.http_status().is_server_error() {
                // The problem body is summarised; the log keeps the cause (secret-free by the
                // Error contract).
                tracing::warn!(error = %other, "request failed");
            }
            Problem::from_error(&other).into_response()
        }
    }
}

fn with_body(status: StatusCode, content_type: Option<HeaderValue>, body: Body) -> Response {
    let mut response = (status, body).into_response();
    if let Some(content_type) = content_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::HeaderMap;

    async fn body_of(response: Response) -> Bytes {
        axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap_or_default()
    }

    #[tokio::test]
    async fn raw_outcome_keeps_bytes_status_and_type() {
        let response = outcome_response(Outcome {
            status: StatusCode::CREATED,
            content_type: Some(HeaderValue::from_static("text/csv")),
            body: OutcomeBody::Raw(Bytes::from_static(b"a,b\n1,2\n")),
        });
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/csv");
        assert_eq!(body_of(response).await, "a,b\n1,2\n");
    }

    #[tokio::test]
    async fn json_outcome_is_serialised_as_json() {
        let response = outcome_response(Outcome {
            status: StatusCode::OK,
            content_type: None,
            body: OutcomeBody::Json(serde_json::json!({"id": "r1"})),
        });
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(body_of(response).await, r#"{"id":"r1"}"#);
    }

    #[tokio::test]
    async fn upstream_status_passes_through_verbatim() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        let response = error_response(Error::Status {
            namespace: "runs".into(),
            status: StatusCode::IM_A_TEAPOT,
            headers,
            body: Bytes::from_static(b"short and stout"),
        });
        assert_eq!(response.status(), StatusCode::IM_A_TEAPOT);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
        assert_eq!(body_of(response).await, "short and stout");
    }

    #[tokio::test]
    async fn our_errors_are_problems() {
        let response = error_response(Error::Timeout {
            namespace: "runs".into(),
            timeout_ms: 5,
        });
        assert_eq!(response.status(), StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            crate::adapters::problem::PROBLEM_CONTENT_TYPE
        );
    }
}
