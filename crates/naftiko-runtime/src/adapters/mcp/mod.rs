//! Serving MCP adapters with rmcp, the official Rust MCP SDK.
//!
//! The code generator turns each `type: mcp` adapter of a spec into a static
//! [`McpAdapterSpec`](crate::spec::McpAdapterSpec): its tools (with their input schemas,
//! annotations and handlers), resources and prompts. This module serves such a table. There are
//! no `#[tool]` macros and no per-spec types: one `ServerHandler` reads the table, so every
//! capability is served by the same, tested code.
//!
//! # Serving over HTTP
//!
//! [`router`] returns an axum router with the Streamable HTTP endpoint at `/mcp`:
//!
//! ```no_run
//! # async fn demo(spec: &'static naftiko_runtime::spec::CapabilitySpec) -> Result<(), Box<dyn std::error::Error>> {
//! let rt = naftiko_runtime::Runtime::from_env(spec)?;
//! let addr = rt.mcp_addr(0);
//! let app = naftiko_runtime::__private::mcp_router(rt, 0);
//! let listener = tokio::net::TcpListener::bind(addr).await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! Both protocol eras are answered on the same endpoint: clients of 2025-11-25 and before open
//! with `initialize`, clients of 2026-07-28 send `server/discover` or carry the protocol
//! version in every request's `_meta`. The server keeps no session by default, so any
//! instance behind a load balancer can answer any request; `<PREFIX>_SESSIONS=true` turns
//! sessions on for old clients that insist on server-pushed messages.
//!
//! The adapter's environment prefix (`<PREFIX>`, for example `INNGEST_RUNS_MCP`) names the
//! settings of the HTTP endpoint:
//!
//! | variable | default |
//! |---|---|
//! | `<PREFIX>_ALLOWED_HOSTS` | `localhost`, `127.0.0.1`, `[::1]` on any port, plus the bound address; `*` = any |
//! | `<PREFIX>_ALLOWED_ORIGINS` | `http(s)://` on the same hosts, any port; `*` = no Origin check |
//! | `<PREFIX>_MAX_BODY_BYTES` | 1 MiB (larger requests get 413) |
//! | `<PREFIX>_SESSIONS` | `false` |
//! | `<PREFIX>_DIRECT_CALLS` | `true`: stateless `tools/call` requests are answered without rmcp's per-request tasks (`direct.rs`); `false` hands every request to rmcp |
//!
//! A request whose `Host` (or, from a browser, `Origin`) is not allowed gets 403: this stops
//! DNS rebinding, where a web page reaches a server on the user's machine through a name it
//! controls. Set the lists when the server is reached under a public name.
//!
//! An adapter that declares `authentication` is not yet checked over HTTP: it fails closed,
//! refusing every request with 401 (see `auth.rs`).
//!
//! # Serving over stdio
//!
//! [`serve_stdio`] speaks MCP on stdin/stdout, for clients that start the server as a child
//! process. Stdout then carries the protocol, so logs must go to stderr.
//!
//! # What clients see
//!
//! - `tools/list`: name, title, description, the input schema the code generator wrote and all
//!   four annotations (`readOnlyHint`, `destructiveHint`, `idempotentHint`, `openWorldHint`).
//! - `tools/call`: the arguments are checked against the tool's inputs first; a missing or
//!   mistyped argument comes back as a result with `isError: true` naming it, and nothing is
//!   sent upstream. A JSON answer comes back as `structuredContent` (an object; other JSON is
//!   wrapped as `{"result": …}`) and as the same JSON in one text block. An upstream error
//!   status is a result with `isError: true`, the status and the upstream body. An unknown
//!   tool name is a JSON-RPC error, -32602.
//! - `resources/list`, `resources/read`, `prompts/list`, `prompts/get`, when the adapter has any.

mod auth;
mod direct;
mod handler;
mod hosts;
mod prompts;
mod resources;
mod results;
#[cfg(test)]
mod test_spec;
mod tools;
mod transport;

pub use transport::{MCP_PATH, router, serve_stdio};
