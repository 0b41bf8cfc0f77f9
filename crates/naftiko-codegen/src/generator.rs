//! The one entry point behind the proc macro, `build.rs` ([`crate::configure()`]) and the CLI:
//! a spec file in, formatted Rust (or every diagnostic) out. All three call
//! [`Generator::generate`] with the same settings, so they produce byte-identical code.
//!
//! ```no_run
//! let generated = naftiko_codegen::Generator::new()
//!     .runtime_path("::naftiko")
//!     .generate("inngest-runs.yaml".as_ref(), "inngest-runs.yaml");
//! match generated {
//!     Ok(generated) => print!("{}", generated.code),
//!     Err(failed) => eprint!("{}", failed.rendered),
//! }
//! ```

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Severity, WARNING_CODES, is_warning_code};
use crate::pipeline::{self, Checked};
use crate::source::SourceMap;
use crate::{emit, format};

/// Settings of code generation, by value (`Generator::new().runtime_path("…")`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generator {
    runtime_path: String,
    allow: Vec<String>,
    allow_partial: bool,
}

impl Default for Generator {
    fn default() -> Self {
        Generator {
            runtime_path: DEFAULT_RUNTIME_PATH.to_string(),
            allow: Vec::new(),
            allow_partial: false,
        }
    }
}

/// Generated code reaches the runtime through the facade crate users depend on.
pub const DEFAULT_RUNTIME_PATH: &str = "::naftiko";

/// Code generated from a spec without errors.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Formatted Rust source: items that expand in place, under an `@generated` header.
    pub code: String,
    /// Every file read (the spec, its imports, embedded files): rebuild when one changes.
    pub files: Vec<PathBuf>,
    /// Warnings (sorted by location).
    pub diagnostics: Vec<Diagnostic>,
    /// The warnings rendered for people, rustc style, with the source lines they point at.
    pub rendered: String,
}

/// A spec with errors: no code, every diagnostic.
#[derive(Debug, Clone)]
pub struct Failed {
    /// Errors and warnings, sorted by location.
    pub diagnostics: Vec<Diagnostic>,
    /// All of them rendered for people, with a summary line.
    pub rendered: String,
    /// The files read before the errors were found (to rebuild when one is fixed).
    pub files: Vec<PathBuf>,
}

impl Generator {
    pub fn new() -> Generator {
        Generator::default()
    }

    /// The path generated code names the runtime by: `::naftiko` (the default, for users of
    /// the facade crate) or `::naftiko_runtime` (for crates that depend on the runtime alone).
    pub fn runtime_path(mut self, path: impl Into<String>) -> Generator {
        self.runtime_path = path.into();
        self
    }

    /// Accepts the warnings of code `code` (one of [`WARNING_CODES`](crate::WARNING_CODES),
    /// such as `inferred-input`): they are no longer reported. A code that is no warning's
    /// makes generation fail with an `unknown-warning-code` error naming it.
    pub fn allow(mut self, code: impl Into<String>) -> Generator {
        let code = code.into();
        if !self.allow.contains(&code) {
            self.allow.push(code);
        }
        self
    }

    /// Partial generation (off by default): a route, tool or resource whose errors are its own
    /// (an unknown operation, a duplicate route, a bad input pattern) is left out, with one
    /// `left-out` warning saying why, and the rest is generated. Errors that concern the whole
    /// spec (its YAML, a consumed namespace, an adapter's authentication) still refuse it.
    pub fn allow_partial(mut self, enabled: bool) -> Generator {
        self.allow_partial = enabled;
        self
    }

    /// Generates the code of the spec at `path`; `display_name` is how diagnostics name it.
    /// Never panics: a bug inside the generator becomes an `internal-error` diagnostic.
    pub fn generate(&self, path: &Path, display_name: &str) -> Result<Generated, Failed> {
        if !path.is_file() {
            return Err(not_found(path, display_name));
        }
        self.finish(|| pipeline::check(path, display_name), path, display_name)
    }

    /// The same for spec text held in memory; `path` locates its imports.
    pub fn generate_bytes(
        &self,
        bytes: &[u8],
        path: &Path,
        display_name: &str,
    ) -> Result<Generated, Failed> {
        self.finish(
            || pipeline::check_bytes(bytes, path, display_name),
            path,
            display_name,
        )
    }

    fn finish(
        &self,
        check: impl FnOnce() -> Checked,
        path: &Path,
        display_name: &str,
    ) -> Result<Generated, Failed> {
        let runtime = self.runtime(display_name)?;
        check_allowed(&self.allow, display_name)?;
        let check = || {
            let mut checked = check();
            if self.allow_partial {
                checked.diagnostics.leave_out_broken_parts();
            }
            checked.diagnostics.allow(&self.allow);
            checked
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            check_and_emit(check, &runtime, path, display_name)
        }));
        let (checked, emission) = outcome
            .map_err(|panic| crashed(display_name, &*panic))?
            .map_err(|checked| {
                let diagnostics = checked.diagnostics.clone().into_sorted();
                failed(diagnostics, &checked.sources, checked.files)
            })?;
        generated(checked, emission, &self.allow, display_name)
    }

    /// The runtime path as a Rust path, or an `invalid-runtime-path` failure.
    fn runtime(&self, display_name: &str) -> Result<syn::Path, Failed> {
        parse_runtime_path(&self.runtime_path).map_err(|message| {
            let diag = file_error(
                display_name,
                "invalid-runtime-path",
                message,
                "give a plain path such as `::naftiko` or `::naftiko_runtime`",
            );
            failed(vec![diag], &SourceMap::new(), Vec::new())
        })
    }
}

/// What emitting a spec without errors gave: the formatted code (or why formatting failed)
/// with the emitter's own diagnostics; `None` when the spec could not be resolved after all.
type Emission = Option<(Result<String, String>, Vec<Diagnostic>)>;

/// Checks the spec and, when it has no errors, emits and formats its code. The checked spec
/// comes back as the error when it has errors.
fn check_and_emit(
    check: impl FnOnce() -> Checked,
    runtime: &syn::Path,
    path: &Path,
    display_name: &str,
) -> Result<(Checked, Emission), Box<Checked>> {
    let checked = check();
    if checked.has_errors() {
        return Err(Box::new(checked));
    }
    let emission = checked.capability.as_ref().map(|cap| {
        let emitted = emit::emit(cap, runtime, display_name);
        let code = format::format(
            emitted.tokens,
            &format::file_name(path),
            &format::digest(&contents(&checked)),
        );
        (code, emitted.diagnostics)
    });
    Ok((checked, emission))
}

/// A panic inside the generator, as an `internal-error` rather than a crash of the caller.
fn crashed(display_name: &str, panic: &(dyn Any + Send)) -> Failed {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    let diag = file_error(
        display_name,
        "internal-error",
        format!("naftiko-codegen crashed: {message}"),
        BUG_HELP,
    );
    failed(vec![diag], &SourceMap::new(), Vec::new())
}

/// The code and warnings of a spec without errors, or an `internal-error` when no code came
/// out of it.
fn generated(
    checked: Checked,
    emission: Emission,
    allow: &[String],
    display_name: &str,
) -> Result<Generated, Failed> {
    let mut diagnostics = checked.diagnostics.clone();
    let message = match emission {
        Some((Ok(code), emitted)) => {
            for diag in emitted {
                diagnostics.push(diag);
            }
            diagnostics.allow(allow);
            let diagnostics = diagnostics.into_sorted();
            let rendered = render(&diagnostics, &checked.sources);
            return Ok(Generated {
                code,
                files: checked.files,
                diagnostics,
                rendered,
            });
        }
        Some((Err(message), _)) => message,
        None => "the spec has no errors but could not be resolved".to_string(),
    };
    diagnostics.push(file_error(
        display_name,
        "internal-error",
        message,
        BUG_HELP,
    ));
    let sorted = diagnostics.into_sorted();
    Err(failed(sorted, &checked.sources, checked.files))
}

const BUG_HELP: &str =
    "this is a bug of naftiko-codegen; please report it with the spec that triggers it";

/// The spec and every file it read, in reading order, for the header's hash: the text that was
/// parsed for YAML files, the bytes on disk for embedded ones.
fn contents(checked: &Checked) -> Vec<Vec<u8>> {
    checked
        .files
        .iter()
        .map(|path| {
            match checked
                .sources
                .find_path(path)
                .and_then(|id| checked.sources.get(id))
            {
                Some(source) => source.text.clone().into_bytes(),
                None => std::fs::read(path).unwrap_or_default(),
            }
        })
        .collect()
}

/// Every code given to `allow` is a warning's, or an `unknown-warning-code` failure that says
/// which code was meant.
fn check_allowed(codes: &[String], display_name: &str) -> Result<(), Failed> {
    let unknown: Vec<Diagnostic> = codes
        .iter()
        .filter_map(|code| check_warning_code(code).err())
        .map(|(message, help)| file_error(display_name, "unknown-warning-code", message, &help))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(failed(unknown, &SourceMap::new(), Vec::new()))
    }
}

/// `Ok` when `code` is the code of a warning (so it can be allowed); otherwise what is wrong
/// and a help: the code meant, or the list of warnings' codes.
pub fn check_warning_code(code: &str) -> Result<(), (String, String)> {
    if is_warning_code(code) {
        return Ok(());
    }
    let codes = WARNING_CODES.iter().map(|(code, _)| *code);
    // An error reports code that would be wrong: it is fixed (or its route left out by
    // partial generation), never accepted.
    let help = match crate::normalize::suggest(code, codes.clone()) {
        Some(known) => format!("did you mean `{known}`? Only warnings can be allowed"),
        None => format!(
            "only warnings can be allowed; their codes are: {}",
            codes.collect::<Vec<_>>().join(", ")
        ),
    };
    Err((
        format!("`{code}` is not the code of a warning, so it cannot be allowed"),
        help,
    ))
}

fn parse_runtime_path(text: &str) -> Result<syn::Path, String> {
    let path = syn::parse_str::<syn::Path>(text)
        .map_err(|error| format!("`{text}` is not a Rust path: {error}"))?;
    if path
        .segments
        .iter()
        .any(|s| !matches!(s.arguments, syn::PathArguments::None))
    {
        return Err(format!("the runtime path `{text}` has generic arguments"));
    }
    Ok(path)
}

fn not_found(path: &Path, display_name: &str) -> Failed {
    let what = if path.exists() {
        "is not a file"
    } else {
        "does not exist"
    };
    let diag = file_error(
        display_name,
        "file-not-found",
        format!("the spec file `{display_name}` {what}"),
        "paths are relative to the crate's directory (where its Cargo.toml is); check the spelling",
    );
    failed(vec![diag], &SourceMap::new(), Vec::new())
}

/// An error about the file as a whole (no line), with how to fix it.
fn file_error(file: &str, code: &'static str, message: String, help: &str) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code,
        message,
        file: file.to_string(),
        line: 0,
        column: 0,
        path: String::new(),
        help: Some(help.to_string()),
    }
}

fn failed(diagnostics: Vec<Diagnostic>, sources: &SourceMap, files: Vec<PathBuf>) -> Failed {
    let rendered = render(&diagnostics, sources);
    Failed {
        diagnostics,
        rendered,
        files,
    }
}

/// Every diagnostic rustc style, then `N error(s), M warning(s)` when there are any.
fn render(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for diag in diagnostics {
        out.push_str(&diag.render_human(sources));
        out.push('\n');
    }
    if !diagnostics.is_empty() {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = diagnostics.len() - errors;
        out.push_str(&format!("{errors} error(s), {warnings} warning(s)\n"));
    }
    out
}
