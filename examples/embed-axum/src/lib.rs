//! An axum application with routes of its own, into which a capability's REST and MCP routes
//! are merged (`Capability::router`), and one tower layer of its own over all of it: a
//! response header naming the application.
//!
//! The application serves HTTP itself, with `axum::serve`; `src/main.rs` shows that, and the
//! other way: the built-in server, which keeps its own connection handling, with the same
//! layer added (`Server::layer`).

naftiko::capability!("capability.yaml");

use axum::Router;
use axum::http::{HeaderName, HeaderValue};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;

/// The header the application's layer sets on every answer.
pub const SERVED_BY: HeaderName = HeaderName::from_static("x-served-by");

/// The application's own middleware: `x-served-by: embed-axum` on every answer.
pub fn served_by() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(SERVED_BY, HeaderValue::from_static("embed-axum"))
}

/// The application: `GET /hello` of its own, the capability's `GET /runs/{runId}`,
/// `/openapi.json` and `/mcp`, and the layer over every one of them (and over the 404 of any
/// other path).
pub fn app(capability: &Capability) -> Result<Router, naftiko::Error> {
    let own = Router::new().route("/hello", get(|| async { "hello from the application" }));
    Ok(own.merge(capability.router()?).layer(served_by()))
}
