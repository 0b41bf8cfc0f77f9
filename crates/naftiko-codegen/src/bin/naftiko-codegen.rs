//! The `naftiko-codegen` command: validate, explain and generate capability specs.
//!
//! Exit status: 0 fine (warnings allowed unless `--strict`), 1 the spec has errors,
//! 2 usage or I/O error.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "naftiko-codegen",
    version,
    about = "Compile Naftiko capability specs into Rust"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check specs and print every diagnostic.
    Validate {
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Treat warnings as errors (allowed ones aside).
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        accept: Accept,
    },
    /// Show what every route and tool calls and where each value comes from.
    Explain { spec: PathBuf },
    /// Generate the Rust code of a spec (what `capability!` and build.rs produce).
    Generate {
        spec: PathBuf,
        /// Write the code here instead of to stdout (only when it changed).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The path generated code names the runtime by.
        #[arg(long, default_value = naftiko_codegen::DEFAULT_RUNTIME_PATH)]
        runtime_path: String,
        #[command(flatten)]
        accept: Accept,
    },
}

/// What a user accepts of a spec, the same for `validate` and `generate`.
#[derive(clap::Args)]
struct Accept {
    /// Do not report warnings of this code (such as `inferred-input`); repeat for several.
    #[arg(long = "allow", value_name = "CODE", value_parser = warning_code)]
    allow: Vec<String>,
    /// Leave out each route, tool or resource whose errors are its own (one `left-out`
    /// warning each) and generate the rest; errors of the whole spec still refuse it.
    #[arg(long)]
    allow_partial: bool,
}

/// A warning's code, or a usage error that says which was meant.
fn warning_code(code: &str) -> Result<String, String> {
    naftiko_codegen::check_warning_code(code)
        .map(|()| code.to_string())
        .map_err(|(message, help)| format!("{message}; {help}"))
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Validate {
            specs,
            format,
            strict,
            accept,
        } => validate(&specs, format, strict, &accept),
        Command::Explain { spec } => explain(&spec),
        Command::Generate {
            spec,
            output,
            runtime_path,
            accept,
        } => generate(&spec, output.as_deref(), runtime_path, &accept),
    }
}

fn validate(specs: &[PathBuf], format: Format, strict: bool, accept: &Accept) -> ExitCode {
    let mut all = Vec::new();
    let mut failed = false;
    let mut io_error = false;
    for path in specs {
        if !path.is_file() {
            eprintln!("error: cannot read `{}`: no such file", path.display());
            io_error = true;
            continue;
        }
        let mut checked = naftiko_codegen::check(path, &path.display().to_string());
        if accept.allow_partial {
            checked.diagnostics.leave_out_broken_parts();
        }
        checked.diagnostics.allow(&accept.allow);
        let diags = checked.diagnostics.clone().into_sorted();
        failed |= diags
            .iter()
            .any(|d| d.severity == naftiko_codegen::Severity::Error || strict);
        match format {
            Format::Human => {
                for d in &diags {
                    eprint!("{}", d.render_human(&checked.sources));
                    eprintln!();
                }
                let errors = diags
                    .iter()
                    .filter(|d| d.severity == naftiko_codegen::Severity::Error)
                    .count();
                let warnings = diags.len() - errors;
                eprintln!(
                    "{}: {errors} error(s), {warnings} warning(s)",
                    path.display()
                );
            }
            Format::Json => all.extend(diags.iter().map(naftiko_codegen::Diagnostic::to_json)),
        }
    }
    if let Format::Json = format {
        println!("{}", serde_json::Value::Array(all));
    }
    if io_error {
        ExitCode::from(2)
    } else if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn explain(path: &std::path::Path) -> ExitCode {
    if !path.is_file() {
        eprintln!("error: cannot read `{}`: no such file", path.display());
        return ExitCode::from(2);
    }
    let checked = naftiko_codegen::check(path, &path.display().to_string());
    for d in checked.diagnostics.clone().into_sorted() {
        eprint!("{}", d.render_human(&checked.sources));
    }
    if let Some(cap) = &checked.capability {
        print!("{}", naftiko_codegen::explain(cap, &checked.provenance));
    }
    if checked.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn generate(path: &Path, output: Option<&Path>, runtime_path: String, accept: &Accept) -> ExitCode {
    if !path.is_file() {
        eprintln!("error: cannot read `{}`: no such file", path.display());
        return ExitCode::from(2);
    }
    let generator = accept.allow.iter().fold(
        naftiko_codegen::Generator::new()
            .runtime_path(runtime_path)
            .allow_partial(accept.allow_partial),
        |generator, code| generator.allow(code.clone()),
    );
    let generated = match generator.generate(path, &path.display().to_string()) {
        Ok(generated) => generated,
        Err(failed) => {
            eprint!("{}", failed.rendered);
            // A bad `--runtime-path` or `--allow` is a usage error, not a spec error.
            let usage = failed
                .diagnostics
                .iter()
                .any(|d| matches!(d.code, "invalid-runtime-path" | "unknown-warning-code"));
            return ExitCode::from(if usage { 2 } else { 1 });
        }
    };
    eprint!("{}", generated.rendered);
    match output {
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Err(error) = stdout
                .write_all(generated.code.as_bytes())
                .and_then(|()| stdout.flush())
            {
                eprintln!("error: cannot write to stdout: {error}");
                return ExitCode::from(2);
            }
        }
        Some(output) => {
            let unchanged = std::fs::read(output).is_ok_and(|old| old == generated.code.as_bytes());
            if !unchanged && let Err(error) = std::fs::write(output, &generated.code) {
                eprintln!("error: cannot write `{}`: {error}", output.display());
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}
