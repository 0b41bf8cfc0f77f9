//! The credential callers of an MCP adapter over HTTP must present (`exposes[].authentication`).
//!
//! The check is the one REST adapters use ([`crate::adapters::caller_auth`]): expected values evaluated
//! once from the binds, constant-time comparison, 401 with a challenge. If the expected
//! credential cannot be built (an empty secret), the adapter fails closed: every request is
//! refused and the reason is logged, since serving it unchecked would hand the upstream
//! credentials to anyone who can reach the port.
//!
//! Over stdio there is nothing to check: the client started the server process itself.

use std::sync::Arc;

use axum::Router;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

use crate::adapters::caller_auth::{self, AuthCheck};
use crate::runtime::Runtime;
use crate::spec::{Auth, McpAdapterSpec};

/// `router`, guarded by the adapter's authentication when it declares one.
pub(crate) fn guard(router: Router, adapter: &'static McpAdapterSpec, rt: &Runtime) -> Router {
    if matches!(adapter.auth, Auth::None) {
        return router;
    }
    match AuthCheck::build(&adapter.auth, &adapter.namespace, rt.secrets()) {
        Ok(check) => caller_auth::guard(router, Arc::new(check)),
        Err(e) => {
            tracing::error!(adapter = &*adapter.namespace, error = %e, "MCP adapter authentication cannot be checked; every HTTP request is refused");
            router.layer(axum::middleware::from_fn(
                |_request: axum::extract::Request, _next: axum::middleware::Next| async {
                    refused()
                },
            ))
        }
    }
}

fn refused() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "this MCP adapter requires authentication, and its expected credential is not configured",
    )
        .into_response()
}
