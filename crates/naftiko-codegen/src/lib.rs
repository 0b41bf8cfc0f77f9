//! naftiko-codegen: Naftiko capability specs (YAML) → Rust.
//!
//! The pipeline, one module per stage:
//! [`load`] (YAML → located tree) → [`normalize`] (every dialect → one [`model`]) →
//! [`resolve`] (every name bound: the [`ir`], validated on the way) → `emit` → `format`.
//! One [`Generator`] serves the proc macro, `build.rs` and the CLI, so all three produce
//! byte-identical code.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![allow(clippy::indexing_slicing)]

pub mod configure;
pub mod diag;
pub mod emit;
pub mod explain;
mod format;
pub mod generator;
pub mod ir;
pub mod load;
pub mod model;
pub mod names;
pub mod normalize;
pub mod resolve;

mod pipeline;

pub use configure::{Builder, configure};
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use generator::{Failed, Generated, Generator};
pub use pipeline::{Checked, check, check_bytes};
