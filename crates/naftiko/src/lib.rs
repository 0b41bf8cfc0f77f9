//! Compile [Naftiko](https://github.com/naftiko) capability specs into Rust services.
//!
//! A capability spec is a YAML file that says which HTTP API a service consumes and what it
//! exposes over it: a REST API, an MCP server, or both. This crate turns the spec into plain
//! Rust at compile time — a typed client per consumed API, an axum router per REST adapter and
//! an MCP tool table served by the official Rust MCP SDK. Nothing is parsed at run time, and a
//! mistake in the spec is a compile error that points at its `file:line:column`.
//!
//! # 1. Compile a spec
//!
//! Add `naftiko` (and `tokio`) to your crate and put the spec next to its `Cargo.toml`:
//!
//! ```ignore
//! naftiko::capability!("inngest-runs.yaml");
//! ```
//!
//! The items expand in place (wrap them in a `mod` of your choice to keep them apart):
//!
//! - `Capability`: configuration read from the environment, the typed clients, `serve()`;
//! - `Clients`: one field per consumed namespace (`clients().inngest_runs`);
//! - `consumes::<namespace>::Client`: one async method per consumed operation, taking an
//!   input struct (`consumes::inngest_runs::GetrunInput`);
//! - `SPEC`: the whole capability as static data, which the runtime interprets.
//!
//! A repair the generator made (an inferred input, a name matched ignoring case) is a compiler
//! warning that names the spec's `file:line:column`. Once you agree with it, accept it by its
//! code, and opt in to leaving out broken routes and tools if you must:
//!
//! ```ignore
//! naftiko::capability!("inngest-runs.yaml", allow = ["inferred-input"], allow_partial = true);
//! ```
//!
//! # 2. Serve it
//!
//! ```no_run
//! # mod seed { naftiko::capability!("../../generated-example/inngest-runs.yaml"); }
//! # use seed::Capability;
//! #[tokio::main]
//! async fn main() -> Result<(), naftiko::Error> {
//!     // Reads bind keys (secrets), base URLs and addresses; fails naming every missing variable.
//!     let capability = Capability::from_env()?;
//!     // Every REST and MCP adapter on its own port, until Ctrl-C or SIGTERM.
//!     capability.serve().await
//! }
//! ```
//!
//! The environment names derive from the spec's namespaces, in upper snake case:
//! `<CONSUMES_NS>_BASE_URL` and `<CONSUMES_NS>_TIMEOUT_MS` for each consumed API
//! (`INNGEST_RUNS_BASE_URL`), `<EXPOSE_NS>_ADDR` for each adapter (`INNGEST_RUNS_REST_ADDR`),
//! and bind keys by their own names (`INNGEST_API_KEY`). The doc comment of the generated
//! `Capability` lists all of them.
//!
//! # In your own axum application
//!
//! `Capability::router()` is every REST adapter and every HTTP MCP adapter as one
//! [`axum::Router`] to merge into an application's own. That application's server must then
//! bring the connection handling the built-in one has (deadlines, connection cap, graceful
//! shutdown; the README lists it). To keep the built-in server and add tower middleware, call
//! `Capability::bind()` and then [`Server::layer`].
//!
//! ```no_run
//! # mod seed { naftiko::capability!("../../generated-example/inngest-runs.yaml"); }
//! # use seed::Capability;
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let capability = Capability::from_env()?;
//! let app = naftiko::axum::Router::new()
//!     .route("/hello", naftiko::axum::routing::get(|| async { "hello" }))
//!     .merge(capability.router()?);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! naftiko::axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! # 3. Or call the API yourself
//!
//! ```no_run
//! # mod seed { naftiko::capability!("../../generated-example/inngest-runs.yaml"); }
//! # use seed::{Capability, consumes};
//! # async fn demo() -> Result<(), naftiko::Error> {
//! let capability = Capability::from_env()?;
//! let run = capability
//!     .clients()
//!     .inngest_runs
//!     .getrun(consumes::inngest_runs::GetrunInput { run_id: "01KK…".into() })
//!     .await?;
//! println!("{} {}", run.status, run.body); // body: a `naftiko::serde_json::Value`
//! # Ok(()) }
//! ```
//!
//! # From `build.rs` instead of the macro
//!
//! The same code, generated once into `OUT_DIR` (handy to read it, or to keep a crate free of
//! proc macros). In `build.rs`, with `naftiko-codegen` as a build dependency:
//!
//! ```ignore
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     naftiko_codegen::configure().compile("inngest-runs.yaml")?;
//!     Ok(())
//! }
//! ```
//!
//! and in the crate: `naftiko::include_capability!("inngest-runs");`. The command line
//! `naftiko-codegen generate inngest-runs.yaml` prints the very same code.
//!
//! # Features
//!
//! `rest`, `mcp` and `control` (the adapters) and `xml`, `csv`, `html` and `markdown` (the
//! readers of non-JSON upstream answers for output mappings), all on by default. With
//! `default-features = false` a crate gets the typed clients only, without any server or
//! reader dependency. Code generated for a spec that needs a feature that is off fails to
//! compile with an error naming the feature.
//!
//! # What else is here
//!
//! The public surface of `naftiko_runtime` is re-exported at the root: [`Runtime`] (built from
//! the environment), [`ClientCore`] with its [`Hooks`], [`RequestParts`] and [`Response`],
//! [`Server`], [`serve()`], [`serve_with_shutdown()`], [`shutdown_signal()`] and
//! [`serve_stdio()`], [`init_logging()`] (which the `serve` functions call), [`Error`], and the
//! [`spec`] types. [`serde_json`] and [`bytes`] are
//! re-exported because generated clients return their types. The hidden `__private` module
//! holds what generated code needs beyond that; it is not an API to build on.

pub use naftiko_macros::capability;
pub use naftiko_runtime::*;

/// Includes the code `naftiko_codegen::configure().compile("<stem>.yaml")` wrote into
/// `OUT_DIR` from `build.rs`: `naftiko::include_capability!("inngest-runs");`.
#[macro_export]
macro_rules! include_capability {
    ($stem:literal) => {
        include!(concat!(env!("OUT_DIR"), "/", $stem, ".rs"));
    };
}
