//! The seed spec (Inngest REST API, "Runs") compiled into a REST + MCP server, and what the
//! binary needs around it.
//!
//! - [`standin`]: an in-process stand-in for the Inngest runs API on loopback, so
//!   `cargo run -p generated-example -- --demo` works with no key and no network, and tests can
//!   run the generated client end to end.

pub mod standin;
