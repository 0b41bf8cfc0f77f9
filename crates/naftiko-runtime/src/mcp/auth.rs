//! The credential callers of an MCP adapter over HTTP must present (`exposes[].authentication`).
//!
//! The check itself — evaluating the expected credential from the binds, comparing in constant
//! time, answering 401 with a challenge — is the REST adapter's (`rest::auth::AuthCheck`), and
//! is meant to be shared rather than written twice. Until it is reachable from here, an MCP
//! adapter that declares authentication fails closed: every request is refused with 401 and
//! the reason is logged at start-up. Serving it without the check would hand the upstream
//! credentials to anyone who can reach the port.
//!
//! Over stdio there is nothing to check: the client started the server process itself.

use axum::Router;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

use crate::spec::{ExposedAuth, McpAdapterSpec};

/// `router`, guarded by the adapter's authentication when it declares one.
pub(crate) fn guard(router: Router, adapter: &'static McpAdapterSpec) -> Router {
    if matches!(adapter.auth, ExposedAuth::None) {
        return router;
    }
    tracing::error!(
        adapter = adapter.namespace,
        "this MCP adapter declares authentication, which the MCP transport cannot check yet; \
         every HTTP request to it is refused with 401 (stdio is not affected)"
    );
    router.layer(axum::middleware::from_fn(|_request: axum::extract::Request, _next: axum::middleware::Next| async {
        refused()
    }))
}

fn refused() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "this MCP adapter requires authentication, which this server cannot check yet",
    )
        .into_response()
}
