//! The runtime of naftiko-rs: everything code generated from a Naftiko capability calls.
//!
//! Generated code is mostly `static` data of the types in [`spec`] plus thin typed wrappers;
//! this crate interprets it: [`client`] sends upstream requests, [`invoke`] runs an exposed
//! route's or tool's handler (binding inputs, calling upstream, shaping the output), [`rest`]
//! serves REST adapters with axum and [`mcp`] serves MCP adapters with rmcp.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod error;
pub mod spec;

mod caller_auth;
pub mod capability;
pub mod client;
mod config;
mod connections;
pub mod control;
pub mod formats;
pub mod inputs;
pub mod invoke;
pub mod jsonpath;
pub mod mapping;
pub mod mcp;
pub mod problem;
pub mod rest;
pub mod secret;
pub mod serve;
pub mod value;

pub use capability::Runtime;
pub use client::{ClientCore, Hooks, Response};
pub use error::Error;
pub use serve::{Server, serve, serve_with_shutdown};

/// Items generated code needs but users should not name.
#[doc(hidden)]
pub mod __private {
    pub use bytes;
    pub use serde;
    pub use serde_json;
}
