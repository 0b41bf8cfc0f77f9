//! What the runtime's integration tests share, one module per thing held. Each test binary
//! compiles all of it and uses a part, hence `dead_code` allowed here.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod echo_upstream;
pub mod forward_capability;
pub mod mcp_capability;
pub mod mcp_client;
pub mod recording_upstream;
pub mod rest_capability;
