//! Stage 4 of the pipeline: the resolved spec → Rust tokens.
//!
//! One module per concern, all writing through one `Emitter`: `spec` (the resolved spec baked
//! into `static SPEC`, with [`openapi`] documents for REST adapters), `types` (an input
//! struct per consumed operation), `client` (`pub mod consumes`, a typed client per namespace)
//! and `capability` (`Capability` and `Clients`). Identifiers are decided up front in
//! `idents`.
//!
//! The output is a sequence of items meant to expand in place (no wrapping module). It names
//! the runtime only through the configured path (`::naftiko` by default) and never names
//! hyper, axum, rmcp or serde directly, so a user's crate needs only `naftiko`.

mod capability;
mod client;
mod idents;
mod openapi;
mod outputs;
mod spec;
pub mod text;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diag::Diagnostic;
use idents::Idents;
use naftiko_spec::{CapabilitySpec, ParamLocation};

/// What [`emit`] produced: the items, and warnings about names it had to change.
pub struct Emitted {
    pub tokens: TokenStream,
    pub diagnostics: Vec<Diagnostic>,
}

/// Writes out `cap`. `runtime` is the path generated code reaches the runtime by
/// (`::naftiko`); `file` names the spec in diagnostics.
pub fn emit(cap: &CapabilitySpec, runtime: &syn::Path, file: &str) -> Emitted {
    let mut diagnostics = Vec::new();
    let idents = Idents::new(cap, file, &mut diagnostics);
    let rt = quote!(#runtime);
    let emitter = Emitter {
        cap,
        rt_text: rust_path_text(runtime),
        rt,
        idents,
    };
    let spec = emitter.spec_static();
    let capability = emitter.capability();
    let consumes = emitter.consumes_module();
    Emitted {
        tokens: quote! {
            #capability
            #consumes
            #spec
        },
        diagnostics,
    }
}

pub(crate) struct Emitter<'a> {
    cap: &'a CapabilitySpec,
    /// The runtime path, as tokens and as text (for `#[serde(crate = "…")]`).
    rt: TokenStream,
    rt_text: String,
    idents: Idents,
}

/// A path as Rust source text without spaces: `::naftiko`, `crate::rt`.
fn rust_path_text(path: &syn::Path) -> String {
    let mut text = String::new();
    if path.leading_colon.is_some() {
        text.push_str("::");
    }
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    text.push_str(&segments.join("::"));
    text
}

/// `path parameter`, `query parameter`, … for docs.
fn describe_location(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path parameter",
        ParamLocation::Query => "query parameter",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
        ParamLocation::Body => "body field",
    }
}
