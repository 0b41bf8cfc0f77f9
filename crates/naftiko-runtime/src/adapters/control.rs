//! Control adapters (`exposes[]` with `type: control`): health and metrics for operators, on a
//! socket of their own so that they are never exposed with the API.
//!
//! - `GET /health/live`: `200` while the process runs (nothing else is checked, so an
//!   orchestrator only restarts what is really stuck);
//! - `GET /health/ready`: `200` when every adapter's socket is bound and served, `503` before
//!   that and from the moment shutdown begins, so load balancers stop sending traffic while
//!   requests in flight drain;
//! - `GET /metrics` (unless the adapter's `observability` turns it off, when it is a `404`): the
//!   Prometheus text format: `naftiko_http_requests_total{adapter, route,
//!   status}`, the histogram `naftiko_http_request_duration_seconds{adapter, route}`,
//!   `naftiko_upstream_requests_total{namespace, operation}` and
//!   `naftiko_upstream_errors_total{namespace, operation, kind}` (`kind` is `unanswered` or
//!   `status`, for a 5xx answer) and `naftiko_upstream_retries_total{namespace, operation,
//!   reason}` (`reason` is `unanswered` or `status`).
//!
//! Metrics are recorded only when one of the capability's control adapters serves `/metrics`:
//! a capability without one pays nothing. Route series are recorded by the REST adapter
//! around each request; upstream series by [`crate::upstream::Hooks`] installed on every
//! namespace's client (user hooks given to [`crate::Runtime::with_hooks`] run after them).
//!
//! When the adapter declares `authentication`, every endpoint (health checks included) asks for
//! it exactly as a REST adapter does ([`crate::adapters::caller_auth`]): a 401 with a challenge
//! without the credential, and no start-up at all when the expected credential is empty.
//!
//! The address is `<NAMESPACE>_ADDR` when the adapter has a namespace, else `CONTROL_ADDR`,
//! else the spec's `address:port`.

use std::sync::Arc;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, StatusCode, header};

use crate::adapters::caller_auth::{self, AuthCheck};
use crate::adapters::problem::Problem;
use crate::error::Error;
use crate::runtime::Runtime;
use crate::runtime::control_state::ControlState;
use crate::runtime::metrics::METRICS_CONTENT_TYPE;

/// The router of control adapter number `adapter` of the runtime's capability.
pub fn router(rt: Runtime, adapter: usize) -> Result<Router, Error> {
    let spec = rt.spec();
    let Some(adapter_spec) = spec.control.get(adapter) else {
        return Err(Error::Serve(format!(
            "capability `{}` has no control adapter number {adapter} (it has {})",
            spec.name,
            spec.control.len()
        )));
    };
    let auth = AuthCheck::build(&adapter_spec.auth, &adapter_spec.namespace, rt.secrets())?;
    let Some(state) = rt.control_state().cloned() else {
        return Err(Error::Serve(
            "the runtime keeps no control state for this capability".to_owned(),
        ));
    };
    let served = if adapter_spec.metrics {
        "/health/live, /health/ready or /metrics"
    } else {
        "/health/live or /health/ready"
    };
    let ready_state = Arc::clone(&state);
    let mut router = Router::new()
        .route(
            "/health/live",
            get(|| async { json_status(StatusCode::OK, "up") }),
        )
        .route(
            "/health/ready",
            get(move || {
                let state = Arc::clone(&ready_state);
                async move { ready(&state) }
            }),
        )
        .fallback(move |uri: http::Uri| async move { not_found(&uri, served) });
    if adapter_spec.metrics {
        router = router.route(
            "/metrics",
            get(move || {
                let state = Arc::clone(&state);
                async move { render_metrics(&state) }
            }),
        );
    }
    Ok(caller_auth::guard(router, Arc::new(auth)))
}

fn ready(state: &ControlState) -> Response {
    match state.readiness.check() {
        Ok(_) => json_status(StatusCode::OK, "ready"),
        Err((serving, expected)) => Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-ready",
            "Not ready",
            format!("{serving} of {expected} adapters are serving"),
        )
        .into_response(),
    }
}

fn render_metrics(state: &ControlState) -> Response {
    let mut body = String::with_capacity(4096);
    state.metrics.render(&mut body);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(METRICS_CONTENT_TYPE),
        )],
        body,
    )
        .into_response()
}

fn json_status(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        format!("{{\"status\":\"{text}\"}}"),
    )
        .into_response()
}

fn not_found(uri: &http::Uri, served: &str) -> Response {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Not found",
        format!("no control endpoint at {}; try {served}", uri.path()),
    )
    .into_response()
}
