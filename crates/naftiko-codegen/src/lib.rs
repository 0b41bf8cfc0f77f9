//! naftiko-codegen: Naftiko capability specs (YAML) → Rust.
//!
//! The pipeline, one private module per stage: `load` (YAML → located tree) → `normalize`
//! (every dialect → one model) → `resolve` (every name bound, every rule checked: a
//! [`spec::CapabilitySpec`], with the [`Provenance`] of its bindings beside it) → `emit`
//! (the spec baked into a `static`, plus typed clients and a `Capability` type) → format.
//!
//! What a user calls: [`configure`] (from `build.rs`), [`Generator`] (the proc macro and the
//! CLI; all three produce byte-identical code), [`check`] (validation only) and [`explain`]
//! (what every route and tool calls, in words). [`coverage`] is the table of every key the
//! official JSON Schemas define and what is done with it.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![allow(clippy::indexing_slicing)]

mod configure;
pub mod coverage;
mod diag;
mod emit;
mod explain;
mod format;
mod generator;
mod json;
mod load;
// The model keeps every key a diagnostic may point at, located; not every span is read yet.
#[allow(dead_code)]
mod model;
mod names;
mod normalize;
mod pipeline;
mod resolve;
mod source;

/// The resolved spec types (the crate `naftiko-spec`), as [`check`] returns them.
pub use naftiko_spec as spec;

pub use configure::{Builder, CompileError, configure};
pub use diag::{Diagnostic, Diagnostics, LEFT_OUT, Severity, WARNING_CODES, is_warning_code};
pub use explain::explain;
pub use generator::{DEFAULT_RUNTIME_PATH, Failed, Generated, Generator, check_warning_code};
pub use pipeline::{Checked, check, check_bytes, spec_json};
pub use resolve::provenance::{BindingKind, InputOrigin, Provenance, Site, SiteNotes};
