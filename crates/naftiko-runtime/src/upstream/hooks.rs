//! A seam for cross-cutting concerns around every upstream call: extra headers (correlation
//! ids, tenant headers), tracing propagation, metrics.
//!
//! ```
//! use std::time::Duration;
//! use naftiko_runtime::{Hooks, RequestParts};
//!
//! struct CorrelationId;
//! impl Hooks for CorrelationId {
//!     fn before(&self, request: &mut RequestParts) {
//!         request.headers.insert("x-correlation-id", http::HeaderValue::from_static("demo"));
//!     }
//!     fn after(&self, operation: &str, status: http::StatusCode, elapsed: Duration) {
//!         eprintln!("{operation}: {status} in {elapsed:?}");
//!     }
//! }
//! ```

use std::time::Duration;

use http::{HeaderMap, Method, StatusCode};

use crate::error::Error;

/// The request about to be sent, after parameters and authentication are applied.
///
/// Authentication headers are in `headers`, marked sensitive (they show as `Sensitive` in
/// `Debug`); a hook that logs headers should keep it that way.
#[derive(Debug)]
pub struct RequestParts {
    /// The consumed namespace.
    pub namespace: &'static str,
    /// The operation's name in the spec.
    pub operation: &'static str,
    pub method: Method,
    /// The full URL. A hook may rewrite it; an invalid result fails the call with `Error::Config`.
    pub url: String,
    pub headers: HeaderMap,
}

/// Called around every upstream call. All methods have empty defaults: implement what you need.
pub trait Hooks: Send + Sync + 'static {
    /// Just before the request is sent (once per call, also when Digest auth retries it).
    fn before(&self, request: &mut RequestParts) {
        let _ = request;
    }

    /// When the upstream answered, whatever the status, with the time the call took
    /// (body included).
    fn after(&self, operation: &str, status: StatusCode, elapsed: Duration) {
        let _ = (operation, status, elapsed);
    }

    /// Before the request is sent again (`<PREFIX>_RETRIES`): `reason` is `unanswered` (the
    /// connection was refused, reset or closed) or `status` (a 429, 502, 503 or 504 answer);
    /// `retry` counts from 1. `after` or `failed` is still called once, for the last attempt.
    fn retried(&self, operation: &str, reason: &str, retry: u32) {
        let _ = (operation, reason, retry);
    }

    /// When the call failed without an answer: unreachable, timed out, or the body was too large.
    fn failed(&self, operation: &str, error: &Error, elapsed: Duration) {
        let _ = (operation, error, elapsed);
    }
}
