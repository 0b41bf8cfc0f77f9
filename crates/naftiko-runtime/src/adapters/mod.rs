//! What a capability exposes: a REST API ([`rest`]), an MCP server ([`mcp`]) and operator
//! endpoints for health and metrics ([`control`]). Each adapter turns its callers' requests
//! into calls of [`invoke`](crate::invoke) and reads its own settings; what they share sits
//! beside them: checking the credential callers present ([`caller_auth`]) and answering an
//! error as `application/problem+json` ([`problem`]).
//!
//! Adapters may import everything below them (the runtime, invoke, the upstream client,
//! interpretation); nothing below imports an adapter. The server that binds their sockets sits
//! above them.

pub(crate) mod caller_auth;
pub(crate) mod control;
pub(crate) mod mcp;
pub(crate) mod problem;
pub(crate) mod rest;
