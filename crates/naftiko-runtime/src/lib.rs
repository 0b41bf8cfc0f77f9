//! The runtime of naftiko-rs: everything code generated from a Naftiko capability calls.
//!
//! Generated code is mostly `static` data of the types in [`spec`] plus thin typed wrappers;
//! this crate interprets it. What a user names is here at the root: the [`Runtime`] built from
//! the environment, the [`ClientCore`] of a consumed namespace with its [`Hooks`] and
//! [`Response`], the [`Server`] (or [`serve`]) that serves every adapter, and [`Error`].
//! Everything else is private; what generated code needs beyond that sits in a hidden module.
//!
//! Inside, the modules are layers, and each imports only the layers below it:
//!
//! - `server`: binds every adapter's socket, serves connections, stops on a signal;
//! - `adapters`: REST, MCP and control adapters and the caller auth they share;
//! - `invoke`: runs a route's or tool's handler (inputs → upstream calls → output);
//! - `runtime`: the [`Runtime`]: settings read once, one client per namespace, metrics state;
//! - `upstream`: the HTTP client towards consumed APIs, its auth, and non-JSON answer formats;
//! - `config`: the environment read once into typed settings, every problem reported at once;
//! - `interp`: caller inputs and spec values turned into JSON (no HTTP);
//! - `spec`, `error`, `secret`: the static types, the error, secrets that never print.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod spec;

mod error;
mod secret;

mod interp;

mod config;

mod upstream;

mod runtime;

mod invoke;

mod adapters;

mod server;

pub use adapters::mcp::serve_stdio;
pub use error::Error;
pub use runtime::Runtime;
pub use server::{Server, serve, serve_with_shutdown, shutdown_signal};
pub use upstream::{ClientCore, Hooks, RequestParts, Response};

/// The body type of generated clients' non-JSON operations (`Response<bytes::Bytes>`),
/// re-exported so that users need no `bytes` dependency of their own at a matching version.
pub use bytes;
/// The JSON type generated clients return (`Response<serde_json::Value>`), re-exported for the
/// same reason.
pub use serde_json;

/// Items generated code needs but users should not name. Also what this repository's own
/// tests, fuzz targets and corpus harness reach into; none of it is a stable API.
#[doc(hidden)]
pub mod __private {
    pub use bytes;
    pub use serde;
    pub use serde_json;

    /// The inputs of one operation call, by name (generated input structs build these).
    pub use crate::interp::inputs::Inputs;

    /// The names the baked `static SPEC` of generated code uses: the spec types under their
    /// crate's own name, and `alloc::borrow::Cow` (which a crate without `extern crate alloc`
    /// cannot name itself).
    pub mod baked {
        pub use naftiko_spec;

        pub mod alloc {
            pub use std::borrow;
        }
    }

    pub use crate::adapters::control::router as control_router;
    pub use crate::adapters::mcp::router as mcp_router;
    pub use crate::adapters::rest::router as rest_router;
    pub use crate::invoke::{Outcome, OutcomeBody, invoke};
    pub use crate::upstream::formats::to_json as raw_to_json;
    pub use crate::upstream::typed::json_body;
}
