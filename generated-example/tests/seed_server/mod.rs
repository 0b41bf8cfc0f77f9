//! Everything the generated-example tests need to run the seed server and talk to it.
//!
//! - [`in_process`]: the seed served inside the test process on loopback, upstreams that
//!   misbehave on purpose or record what reaches them, raw HTTP exchanges, the process's memory
//!   (the reliability tests: faults, load, hostile input, secrets, serving limits).
//! - [`child_process`]: the `generated-example` binary started as a user would, and the outside
//!   tools (Prism, the MCP conformance suite, the Python MCP SDK) that check it.
//!
//! Both are re-exported here, so a test writes `seed_server::serve` or `seed_server::start`.

// Each test binary uses the helpers it needs.
#![allow(dead_code, unused_imports)]

pub mod child_process;
pub mod in_process;

pub use child_process::*;
pub use in_process::*;
