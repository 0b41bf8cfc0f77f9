//! The `capability!` proc macro of naftiko: a thin shell over `naftiko-codegen`.
//!
//! Use it through the facade crate: `naftiko::capability!("inngest-runs.yaml");`. See the
//! `naftiko` crate for the tutorial.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Token};

/// Compiles a Naftiko capability spec into Rust items, in place.
///
/// ```ignore
/// naftiko::capability!("inngest-runs.yaml");
/// naftiko::capability!("inngest-runs.yaml", runtime = ::naftiko_runtime);
/// ```
///
/// The path is relative to the crate's directory (`CARGO_MANIFEST_DIR`); when no file is there,
/// it is tried relative to the file that invokes the macro, like `include_str!`. Every file
/// the spec reads is tracked, so editing it rebuilds the crate. Each error of the spec becomes
/// a `compile_error!` naming `file:line:column`; warnings are not shown (a proc macro cannot
/// emit them on stable Rust): run `naftiko-codegen validate` to see them.
#[proc_macro]
pub fn capability(input: TokenStream) -> TokenStream {
    let args = match syn::parse::<Args>(input) {
        Ok(args) => args,
        Err(error) => return error.to_compile_error().into(),
    };
    expand(&args)
}

struct Args {
    spec: LitStr,
    runtime: Option<syn::Path>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Args> {
        let spec: LitStr = input.parse()?;
        let mut runtime = None;
        if input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let key: syn::Ident = input.parse()?;
            if key != "runtime" {
                return Err(syn::Error::new(
                    key.span(),
                    "unknown setting; the only one is `runtime = <path>` (for example `runtime = ::naftiko_runtime`)",
                ));
            }
            input.parse::<Token![=]>()?;
            runtime = Some(input.parse::<syn::Path>()?);
            input.parse::<Option<Token![,]>>()?;
        }
        if !input.is_empty() {
            return Err(
                input.error("expected `\"spec.yaml\"` or `\"spec.yaml\", runtime = <path>`")
            );
        }
        Ok(Args { spec, runtime })
    }
}

fn expand(args: &Args) -> TokenStream {
    let span = args.spec.span();
    let spec = args.spec.value();
    let path = resolve(&spec);
    let mut generator = naftiko_codegen::Generator::new();
    if let Some(runtime) = &args.runtime {
        generator = generator.runtime_path(rust_path_text(runtime));
    }
    // Generate with proc-macro2's own token implementation, not the compiler's: literals
    // then print exactly as in build.rs and the CLI, so all three produce the same code.
    proc_macro2::fallback::force();
    let outcome = catch_unwind(AssertUnwindSafe(|| generator.generate(&path, &spec)));
    proc_macro2::fallback::unforce();
    match outcome {
        Ok(Ok(generated)) => match generated.code.parse::<TokenStream>() {
            Ok(mut code) => {
                code.extend(TokenStream::from(track(&generated.files)));
                code
            }
            Err(error) => errors(
                span,
                &[format!(
                    "{spec}: error[internal-error]: the generated code does not lex ({error}); this is a bug of naftiko-codegen"
                )],
            ),
        },
        Ok(Err(failed)) => {
            let messages: Vec<String> = failed
                .diagnostics
                .iter()
                .filter(|d| d.severity == naftiko_codegen::Severity::Error)
                .map(naftiko_codegen::Diagnostic::one_line)
                .collect();
            errors(span, &messages)
        }
        Err(_) => errors(
            span,
            &[format!(
                "{spec}: error[internal-error]: naftiko-codegen crashed; this is a bug, please report it with the spec"
            )],
        ),
    }
}

/// The spec's path: relative to the crate's directory, else to the invoking file.
fn resolve(spec: &str) -> PathBuf {
    let spec = Path::new(spec);
    if spec.is_absolute() {
        return spec.to_path_buf();
    }
    let from_manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| spec.to_path_buf(), |dir| PathBuf::from(dir).join(spec));
    if from_manifest.is_file() {
        return from_manifest;
    }
    let from_caller = proc_macro::Span::call_site()
        .local_file()
        .and_then(|file| file.parent().map(|dir| dir.join(spec)));
    match from_caller {
        Some(path) if path.is_file() => path,
        _ => from_manifest,
    }
}

/// `const _: &[u8] = include_bytes!("…");` per file read: cargo then rebuilds when one changes.
fn track(files: &[PathBuf]) -> TokenStream2 {
    let includes = files.iter().filter_map(|file| {
        let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.clone());
        let file = file.to_str()?.to_string();
        Some(quote!(
            const _: &[u8] = ::core::include_bytes!(#file);
        ))
    });
    quote!(#(#includes)*)
}

/// One `compile_error!` per message, pointing at the spec path in the invocation.
fn errors(span: Span, messages: &[String]) -> TokenStream {
    let errors = messages
        .iter()
        .map(|message| quote_spanned!(span=> ::core::compile_error! { #message }));
    quote!(#(#errors)*).into()
}

/// A path as Rust source text without spaces (`::naftiko`, `crate::rt`), as the generator
/// takes it.
fn rust_path_text(path: &syn::Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let root = if path.leading_colon.is_some() {
        "::"
    } else {
        ""
    };
    format!("{root}{}", segments.join("::"))
}
