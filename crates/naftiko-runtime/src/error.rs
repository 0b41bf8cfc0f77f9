//! The one error type of generated code and the runtime.
//!
//! Variants tell apart what a caller can act on differently: a bad configuration (fix the
//! environment), bad input (fix the request), a transport failure or timeout (retry later), an
//! upstream error status (read its body) and an undecodable upstream answer. Nothing here ever
//! holds a secret: values that come from binds are never copied into an error.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The environment does not supply what the capability needs. `missing` names every
    /// missing variable at once; `problems` lists values that are present but unusable.
    #[error("configuration error: {}", describe_config(.missing, .problems))]
    Config {
        missing: Vec<String>,
        problems: Vec<String>,
    },

    /// A caller input is missing or has the wrong type. `field` names it.
    #[error("invalid input `{field}`: {message}")]
    InvalidInput { field: String, message: String },

    /// The upstream could not be reached (connection refused, DNS, TLS, reset).
    #[error("upstream `{namespace}` unreachable: {message}")]
    Transport { namespace: String, message: String },

    /// The upstream did not answer within the configured timeout.
    #[error("upstream `{namespace}` timed out after {timeout_ms} ms")]
    Timeout { namespace: String, timeout_ms: u64 },

    /// The upstream answered with an error status; status, headers and body are kept.
    #[error("upstream `{namespace}` answered {status}")]
    Status {
        namespace: String,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    },

    /// The upstream answered, but its body is not what the spec says (for example not JSON
    /// where a mapping needs JSON), or it was larger than allowed.
    #[error("upstream `{namespace}` answer could not be decoded: {message}")]
    Decode { namespace: String, message: String },

    /// A server could not bind or serve.
    #[error("server error: {0}")]
    Serve(String),
}

fn describe_config(missing: &[String], problems: &[String]) -> String {
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!(
            "missing environment variable(s): {}",
            missing.join(", ")
        ));
    }
    parts.extend(problems.iter().cloned());
    parts.join("; ")
}

impl Error {
    pub(crate) fn invalid_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status a REST adapter answers with for this error.
    pub fn http_status(&self) -> StatusCode {
        match self {
            Error::InvalidInput { .. } => StatusCode::BAD_REQUEST,
            Error::Transport { .. } | Error::Decode { .. } => StatusCode::BAD_GATEWAY,
            Error::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            Error::Status { status, .. } => *status,
            Error::Config { .. } | Error::Serve(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}
