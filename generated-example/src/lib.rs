//! The seed spec (Inngest REST API, "Runs") compiled into a REST + MCP server, and what the
//! binary needs around it.
//!
//! - [`from_build_rs`]: the seed compiled by `build.rs` (`naftiko_codegen::configure()`) into
//!   `OUT_DIR`, included with `naftiko::include_capability!`;
//! - [`from_macro`]: the very same code, from the `naftiko::capability!` macro;
//! - [`standin`]: an in-process stand-in for the Inngest runs API on loopback, so
//!   `cargo run -p generated-example -- --demo` works with no key and no network, and tests can
//!   run the generated client end to end.

pub mod standin;

/// The seed as `build.rs` generated it.
pub mod from_build_rs {
    naftiko::include_capability!("inngest-runs");
}

/// The seed as the `capability!` macro generates it, accepting the same repairs as `build.rs`.
pub mod from_macro {
    naftiko::capability!(
        "inngest-runs.yaml",
        allow = ["case-folded-name", "inferred-input"]
    );
}
