//! The corpus harness: every public corpus spec that the code generator accepts is generated
//! (by `build.rs`), compiled into one test binary, started against an echo upstream on
//! loopback, and every REST route and MCP tool is called with synthetic arguments. What the
//! upstream received (method, path with placeholders filled and encoded, query, headers, body,
//! auth) is compared with what the spec tables say, computed here independently of the
//! runtime's request builder ([`oracle`]); for the simplest routes and tools the method and
//! path are also checked against the YAML itself, read by [`reading`] without the code
//! generator's loader or tables, and where their output mapping is plain, the caller's answer
//! is checked against that mapping applied here to a planted upstream answer.
//!
//! Run it with `cargo test -p corpus-harness -- --nocapture` to see the table. The corpus is
//! read from `../shared/corpus` at build time (or `NAFTIKO_CORPUS_DIR`); without it the tests
//! say SKIPPED.

pub mod caller;
pub mod compare;
pub mod drive;
pub mod echo;
pub mod forwards;
pub mod oracle;
pub mod reading;
pub mod registry;
pub mod render;
pub mod report;
pub mod synth;
pub mod verdict;
