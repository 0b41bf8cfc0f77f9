//! What the runtime's integration tests share, one module per thing held. Each test binary
//! compiles all of it and uses a part, hence `dead_code` allowed here.
//!
//! In the hand-written capabilities, a non-empty list is `Cow::Borrowed(&[…])`, as generated
//! code writes it, rather than `list(&[…])`: a borrow inside an enum constructor lives as long
//! as the `static` or `const` it is in, a borrow passed to a function does not (and items built
//! with `text` cannot be promoted to `'static` instead). `list(&[])` is fine for empty lists.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod echo_upstream;
pub mod forward_capability;
pub mod forward_proxy;
pub mod mcp_capability;
pub mod mcp_client;
pub mod raw_request;
pub mod recording_upstream;
pub mod rest_capability;
