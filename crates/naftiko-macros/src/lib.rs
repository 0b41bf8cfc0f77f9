//! The `capability!` proc macro of naftiko: a thin shell over `naftiko-codegen`.
//!
//! Use it through the facade crate: `naftiko::capability!("inngest-runs.yaml");`. See the
//! `naftiko` crate for the tutorial.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use proc_macro::TokenStream;
use proc_macro_warning::FormattedWarning;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::{LitStr, Token};

/// Compiles a Naftiko capability spec into Rust items, in place.
///
/// ```ignore
/// naftiko::capability!("inngest-runs.yaml");
/// naftiko::capability!("inngest-runs.yaml", runtime = ::naftiko_runtime);
/// naftiko::capability!("inngest-runs.yaml", allow = ["inferred-input"], allow_partial = true);
/// ```
///
/// The path is relative to the crate's directory (`CARGO_MANIFEST_DIR`); when no file is there,
/// it is tried relative to the file that invokes the macro, like `include_str!`. Every file
/// the spec reads is tracked, so editing it rebuilds the crate. Each error of the spec becomes
/// a `compile_error!` naming `file:line:column`. Each warning becomes a compiler warning at the
/// spec path of the invocation, naming `file:line:column` of the spec (shown as the use of a
/// deprecated item, the one way a proc macro can warn on stable Rust).
///
/// Settings, after the path, in any order:
/// - `runtime = <path>`: the path generated code names the runtime by (default `::naftiko`);
/// - `allow = ["<code>", …]`: warnings of these codes are accepted and not shown;
/// - `allow_partial = true`: routes, tools and resources with errors of their own are left
///   out (one `left-out` warning each) and the rest is generated.
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
    allow: Vec<String>,
    allow_partial: bool,
}

const SETTINGS_HELP: &str = "the settings are `runtime = <path>`, `allow = [\"<warning code>\", …]` and `allow_partial = <bool>`";

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Args> {
        let spec: LitStr = input.parse()?;
        let mut args = Args {
            spec,
            runtime: None,
            allow: Vec::new(),
            allow_partial: false,
        };
        let mut seen: Vec<String> = Vec::new();
        while input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let key: syn::Ident = input.parse()?;
            let name = key.to_string();
            if seen.contains(&name) {
                return Err(syn::Error::new(
                    key.span(),
                    format!("`{name}` is given twice"),
                ));
            }
            input.parse::<Token![=]>()?;
            match name.as_str() {
                "runtime" => args.runtime = Some(input.parse::<syn::Path>()?),
                "allow" => args.allow = allowed_codes(input)?,
                "allow_partial" => args.allow_partial = input.parse::<syn::LitBool>()?.value,
                _ => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!("unknown setting `{name}`; {SETTINGS_HELP}"),
                    ));
                }
            }
            seen.push(name);
        }
        if !input.is_empty() {
            return Err(input.error(format!(
                "expected `\"spec.yaml\"` then settings separated by commas; {SETTINGS_HELP}"
            )));
        }
        Ok(args)
    }
}

/// `["inferred-input", …]`: each a warning's code, or an error at the literal that is not.
fn allowed_codes(input: ParseStream<'_>) -> syn::Result<Vec<String>> {
    let content;
    syn::bracketed!(content in input);
    let codes =
        content.parse_terminated(|item: ParseStream<'_>| item.parse::<LitStr>(), Token![,])?;
    codes
        .iter()
        .map(|code| {
            let text = code.value();
            naftiko_codegen::check_warning_code(&text)
                .map(|()| text)
                .map_err(|(message, help)| {
                    syn::Error::new(code.span(), format!("{message}; {help}"))
                })
        })
        .collect()
}

fn expand(args: &Args) -> TokenStream {
    let span = args.spec.span();
    let spec = args.spec.value();
    let path = resolve(&spec);
    let mut generator = naftiko_codegen::Generator::new().allow_partial(args.allow_partial);
    if let Some(runtime) = &args.runtime {
        generator = generator.runtime_path(rust_path_text(runtime));
    }
    for code in &args.allow {
        generator = generator.allow(code.clone());
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
                code.extend(TokenStream::from(warnings(span, &generated.diagnostics)));
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
            let mut out = errors(span, &messages);
            out.extend(TokenStream::from(warnings(span, &failed.diagnostics)));
            out
        }
        Err(_) => errors(
            span,
            &[format!(
                "{spec}: error[internal-error]: naftiko-codegen crashed; this is a bug, please report it with the spec"
            )],
        ),
    }
}

/// One compiler warning per warning of the spec, at `span` (the spec path in the invocation):
/// a function that uses a deprecated constant whose note is the warning. Each sits in an
/// anonymous constant, so that two invocations in one module do not clash.
fn warnings(span: Span, diagnostics: &[naftiko_codegen::Diagnostic]) -> TokenStream2 {
    let items = diagnostics
        .iter()
        .filter(|d| d.severity == naftiko_codegen::Severity::Warning)
        .map(|d| {
            let note = format!("naftiko spec {}", d.one_line());
            let warning = FormattedWarning::new_deprecated("naftiko_spec_warning", note, span);
            quote!(const _: () = { #warning };)
        });
    quote!(#(#items)*)
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
