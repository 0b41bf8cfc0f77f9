//! The runtime of naftiko-rs: everything code generated from a Naftiko capability calls.
//!
//! Generated code is mostly `static` data of the types in [`spec`] plus thin typed wrappers;
//! this crate interprets it. What a user names is here at the root: the [`Runtime`] built from
//! the environment or a [`RuntimeBuilder`], the [`HttpClient`] upstream calls go through, the
//! [`ClientCore`] of a consumed namespace with its [`Hooks`] and [`Response`], the [`Server`] (or [`serve`]) that serves every adapter
//! (with a program's own tower layers, [`Server::layer`]), [`router`]: the REST and MCP adapters as
//! one axum router for a program's own server, and [`Error`].
//! Everything else is private; what generated code needs beyond that sits in a hidden module.
//!
//! Inside, the modules are layers, and each imports only the layers below it:
//!
//! - `server`: binds every adapter's socket, serves connections, stops on a signal;
//! - `adapters`: REST, MCP and control adapters and the caller auth they share, and the REST
//!   and MCP adapters side by side in one router;
//! - `invoke`: runs a route's or tool's handler (inputs → upstream calls → output);
//! - `runtime`: the [`Runtime`]: settings read once, one client per namespace, metrics state;
//! - `upstream`: the HTTP client towards consumed APIs, its auth, and non-JSON answer formats;
//! - `config`: the environment read once into typed settings, every problem reported at once;
//! - `interp`: caller inputs and spec values turned into JSON (no HTTP);
//! - `spec`, `error`, `secret`, `access`, `logging`, `telemetry`: the static types, the error,
//!   secrets that never print, what a request's access line notes, [`init_logging`], and
//!   OpenTelemetry ([`init_telemetry`]: spans and metrics over OTLP, when configured).
//!
//! The cargo features `rest`, `mcp` and `control` gate the adapters (`server` and `invoke`
//! exist when any is on); `xml`, `csv`, `html` and `markdown` gate the answer readers; `otel`
//! gates OpenTelemetry. All are on by default; with none, the crate is the typed client.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
// The lower layers serve every adapter; a build without some of them (see the features in
// Cargo.toml) leaves parts unused. Unused code is caught in the full build.
#![cfg_attr(
    not(all(feature = "rest", feature = "mcp", feature = "control")),
    allow(dead_code, unused_imports)
)]

pub mod spec;

mod access;
mod error;
mod secret;

mod interp;

mod config;

mod upstream;

mod runtime;

#[cfg(any(feature = "rest", feature = "mcp", feature = "control"))]
mod invoke;

#[cfg(any(feature = "rest", feature = "mcp", feature = "control"))]
mod adapters;

mod logging;

// Without the `otel` feature the same items exist and do nothing.
#[cfg_attr(not(feature = "otel"), path = "telemetry_off.rs")]
mod telemetry;

#[cfg(any(feature = "rest", feature = "mcp", feature = "control"))]
mod server;

#[cfg(any(feature = "rest", feature = "mcp"))]
pub use adapters::embed::router;
#[cfg(feature = "mcp")]
pub use adapters::mcp::serve_stdio;
pub use error::Error;
pub use logging::init_logging;
pub use runtime::init_telemetry;
pub use runtime::{Builder as RuntimeBuilder, Runtime};
#[cfg(any(feature = "rest", feature = "mcp", feature = "control"))]
pub use server::{Server, serve, serve_with_shutdown, shutdown_signal};
pub use telemetry::{shutdown_telemetry, telemetry_active};
pub use upstream::{ClientCore, Hooks, HttpClient, RequestParts, Response};

/// The web framework of [`router`]'s `Router`, re-exported so that generated code, and a user
/// without an `axum` dependency of their own, can name its types.
#[cfg(any(feature = "rest", feature = "mcp", feature = "control"))]
pub use axum;
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

    /// What generated client methods are written with (see `upstream::typed`).
    pub use crate::upstream::typed::{Arg, Call, prelude};

    /// The inputs of one operation call, by name: what a [`Call`] fills, and what
    /// [`crate::ClientCore::call`] takes from code that has no typed input (tests, tools).
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

    #[cfg(feature = "control")]
    pub use crate::adapters::control::router as control_router;
    #[cfg(feature = "mcp")]
    pub use crate::adapters::mcp::router as mcp_router;
    #[cfg(feature = "rest")]
    pub use crate::adapters::rest::router as rest_router;
    #[cfg(any(feature = "rest", feature = "mcp", feature = "control"))]
    pub use crate::invoke::{Outcome, OutcomeBody, invoke};
    pub use crate::upstream::formats::to_json as raw_to_json;
    pub use crate::upstream::typed::json_body;

    /// One check per cargo feature a spec can need: generated code invokes the check of each
    /// feature its spec needs, and a check whose feature is off is a `compile_error!` naming
    /// it, so that a lean build of a capability that needs more fails to compile saying what
    /// to enable (rather than failing at run time, or on a missing item).
    pub use crate::{
        __naftiko_require_control as require_control, __naftiko_require_csv as require_csv,
        __naftiko_require_html as require_html, __naftiko_require_markdown as require_markdown,
        __naftiko_require_mcp as require_mcp, __naftiko_require_rest as require_rest,
        __naftiko_require_xml as require_xml,
    };
}

// `__naftiko_require_<feature>!()`, re-exported as `__private::require_<feature>`: nothing
// when the feature is on, a `compile_error!` naming it (and what in the spec needs it) when
// it is off. Written out one by one: a `macro_export` macro defined by another macro cannot be
// re-exported by path.

#[cfg(feature = "rest")]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_rest {
    () => {};
}

#[cfg(not(feature = "rest"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_rest {
    () => {
        ::core::compile_error!(
            "this capability exposes a REST adapter, which needs the `rest` feature of naftiko: enable it, or keep the default features"
        );
    };
}

#[cfg(feature = "mcp")]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_mcp {
    () => {};
}

#[cfg(not(feature = "mcp"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_mcp {
    () => {
        ::core::compile_error!(
            "this capability exposes an MCP adapter, which needs the `mcp` feature of naftiko: enable it, or keep the default features"
        );
    };
}

#[cfg(feature = "control")]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_control {
    () => {};
}

#[cfg(not(feature = "control"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_control {
    () => {
        ::core::compile_error!(
            "this capability exposes a control adapter, which needs the `control` feature of naftiko: enable it, or keep the default features"
        );
    };
}

#[cfg(feature = "xml")]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_xml {
    () => {};
}

#[cfg(not(feature = "xml"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_xml {
    () => {
        ::core::compile_error!(
            "this capability maps an XML upstream answer, which needs the `xml` feature of naftiko: enable it, or keep the default features"
        );
    };
}

#[cfg(feature = "csv")]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_csv {
    () => {};
}

#[cfg(not(feature = "csv"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_csv {
    () => {
        ::core::compile_error!(
            "this capability maps a CSV, TSV or PSV upstream answer, which needs the `csv` feature of naftiko: enable it, or keep the default features"
        );
    };
}

#[cfg(feature = "html")]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_html {
    () => {};
}

#[cfg(not(feature = "html"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_html {
    () => {
        ::core::compile_error!(
            "this capability maps an HTML upstream answer, which needs the `html` feature of naftiko: enable it, or keep the default features"
        );
    };
}

#[cfg(feature = "markdown")]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_markdown {
    () => {};
}

#[cfg(not(feature = "markdown"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __naftiko_require_markdown {
    () => {
        ::core::compile_error!(
            "this capability maps a Markdown upstream answer, which needs the `markdown` feature of naftiko: enable it, or keep the default features"
        );
    };
}
