//! What a capability exposes: a REST API ([`rest`]), an MCP server ([`mcp`]) and operator
//! endpoints for health and metrics ([`control`]). Each adapter turns its callers' requests
//! into calls of [`invoke`](crate::invoke) and reads its own settings; what they share sits
//! beside them: checking the credential callers present ([`caller_auth`]) and answering an
//! error as `application/problem+json` ([`problem`]). [`embed`] mounts the REST and MCP
//! adapters side by side in one router, for a program that serves HTTP itself.
//!
//! Each adapter kind is behind the cargo feature of its name (`rest`, `mcp`, `control`); this
//! module exists when any of them is on.
//!
//! Adapters may import everything below them (the runtime, invoke, the upstream client,
//! interpretation); nothing below imports an adapter. The server that binds their sockets sits
//! above them.

pub(crate) mod caller_auth;
#[cfg(feature = "control")]
pub(crate) mod control;
#[cfg(any(feature = "rest", feature = "mcp"))]
pub(crate) mod embed;
#[cfg(feature = "mcp")]
pub(crate) mod mcp;
pub(crate) mod problem;
#[cfg(feature = "rest")]
pub(crate) mod rest;
