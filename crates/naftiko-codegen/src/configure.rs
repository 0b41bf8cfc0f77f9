//! The `build.rs` entry point, in the style of `tonic-build`:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     naftiko_codegen::configure().compile("inngest-runs.yaml")?;
//!     Ok(())
//! }
//! ```
//!
//! and in the crate, `naftiko::include_capability!("inngest-runs");` includes
//! `$OUT_DIR/inngest-runs.rs`. Relative spec paths are resolved against `CARGO_MANIFEST_DIR`
//! (the crate's directory), like the `capability!` macro does. Cargo is told to rerun the
//! build script when any file the spec reads changes; the output is written only when its
//! content changes, so an unchanged spec does not recompile the crate.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Severity};
use crate::generator::{DEFAULT_RUNTIME_PATH, Generator};

/// Starts a [`Builder`] with the defaults: runtime path `::naftiko`, output in `$OUT_DIR`,
/// `cargo:` instructions printed.
pub fn configure() -> Builder {
    Builder {
        runtime_path: DEFAULT_RUNTIME_PATH.to_string(),
        out_dir: None,
        cargo_instructions: true,
        allow: Vec::new(),
        allow_partial: false,
    }
}

/// Settings of the build-script entry point, by value.
#[derive(Debug, Clone)]
pub struct Builder {
    runtime_path: String,
    out_dir: Option<PathBuf>,
    cargo_instructions: bool,
    allow: Vec<String>,
    allow_partial: bool,
}

impl Builder {
    /// The path generated code names the runtime by (default `::naftiko`).
    pub fn runtime_path(mut self, path: impl Into<String>) -> Builder {
        self.runtime_path = path.into();
        self
    }

    /// Where to write `<stem>.rs` (default: `$OUT_DIR`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.out_dir = Some(dir.into());
        self
    }

    /// Whether to print `cargo:rerun-if-changed=` and `cargo:warning=` lines (default: yes;
    /// turn off when calling from anything but a build script).
    pub fn emit_cargo_instructions(mut self, enabled: bool) -> Builder {
        self.cargo_instructions = enabled;
        self
    }

    /// Accepts the warnings of code `code` (such as `inferred-input`): no `cargo:warning=`
    /// line is printed for them. A code that is no warning's makes [`Builder::compile`] fail
    /// naming it. See [`Generator::allow`].
    pub fn allow(mut self, code: impl Into<String>) -> Builder {
        self.allow.push(code.into());
        self
    }

    /// Partial generation (default off): routes, tools and resources with errors of their own
    /// are left out, each with a `left-out` warning, and the rest is generated. See
    /// [`Generator::allow_partial`].
    pub fn allow_partial(mut self, enabled: bool) -> Builder {
        self.allow_partial = enabled;
        self
    }

    /// Generates the code of `spec` into `<out_dir>/<spec file stem>.rs` and returns that path.
    /// A spec with errors returns [`CompileError`], whose `Display` shows every diagnostic.
    pub fn compile(&self, spec: impl AsRef<Path>) -> Result<PathBuf, CompileError> {
        let spec = spec.as_ref();
        let display_name = spec.display().to_string();
        let path = match std::env::var_os("CARGO_MANIFEST_DIR") {
            Some(dir) if spec.is_relative() => PathBuf::from(dir).join(spec),
            _ => spec.to_path_buf(),
        };
        let out_dir = match self
            .out_dir
            .clone()
            .or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from))
        {
            Some(dir) => dir,
            None => {
                return Err(CompileError::io(
                    "OUT_DIR is not set: call this from a build script, or set `out_dir(…)`",
                ));
            }
        };
        let stem = path.file_stem().map_or_else(
            || "capability".to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        let generator = self.allow.iter().fold(
            Generator::new()
                .runtime_path(self.runtime_path.clone())
                .allow_partial(self.allow_partial),
            |generator, code| generator.allow(code.clone()),
        );
        match generator.generate(&path, &display_name) {
            Ok(generated) => {
                self.rerun_if_changed(&path, &generated.files);
                self.warn(&generated.diagnostics);
                let out = out_dir.join(format!("{stem}.rs"));
                write_if_changed(&out, &generated.code)?;
                Ok(out)
            }
            Err(failed) => {
                self.rerun_if_changed(&path, &failed.files);
                Err(CompileError {
                    diagnostics: failed.diagnostics,
                    rendered: failed.rendered,
                })
            }
        }
    }

    fn rerun_if_changed(&self, spec: &Path, files: &[PathBuf]) {
        if !self.cargo_instructions {
            return;
        }
        // The spec itself even when it could not be read: once it exists, cargo reruns.
        if !files.iter().any(|f| f == spec) {
            println!("cargo:rerun-if-changed={}", spec.display());
        }
        for file in files {
            println!("cargo:rerun-if-changed={}", file.display());
        }
    }

    fn warn(&self, diagnostics: &[Diagnostic]) {
        if !self.cargo_instructions {
            return;
        }
        for diag in diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
        {
            // One line per warning: cargo shows `cargo:warning=` lines one by one.
            println!(
                "cargo:warning={}",
                diag.one_line().replace(['\n', '\r'], " ")
            );
        }
    }
}

fn write_if_changed(out: &Path, code: &str) -> Result<(), CompileError> {
    if std::fs::read(out).is_ok_and(|existing| existing == code.as_bytes()) {
        return Ok(());
    }
    std::fs::write(out, code)
        .map_err(|error| CompileError::io(&format!("cannot write `{}`: {error}", out.display())))
}

/// The spec has errors (all of them are here), or the output could not be written.
pub struct CompileError {
    diagnostics: Vec<Diagnostic>,
    rendered: String,
}

impl CompileError {
    fn io(message: &str) -> CompileError {
        CompileError {
            diagnostics: Vec::new(),
            rendered: format!("error: {message}\n"),
        }
    }

    /// Every diagnostic of the spec (empty for an I/O error).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.rendered.trim_end())
    }
}

// `fn main() -> Result<(), Box<dyn Error>>` prints the error with `Debug`: show the rendered
// diagnostics there too, not a struct dump.
impl fmt::Debug for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "naftiko spec errors:\n{}", self.rendered.trim_end())
    }
}

impl std::error::Error for CompileError {}
