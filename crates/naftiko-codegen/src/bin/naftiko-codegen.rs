//! The `naftiko-codegen` command: validate, explain and generate capability specs.
//!
//! Exit status: 0 fine (warnings allowed unless `--strict`), 1 the spec has errors,
//! 2 usage or I/O error.

use std::path::PathBuf;
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
        /// Treat warnings as errors.
        #[arg(long)]
        strict: bool,
    },
    /// Show what every route and tool calls and where each value comes from.
    Explain { spec: PathBuf },
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
        } => validate(&specs, format, strict),
        Command::Explain { spec } => explain(&spec),
    }
}

fn validate(specs: &[PathBuf], format: Format, strict: bool) -> ExitCode {
    let mut all = Vec::new();
    let mut failed = false;
    let mut io_error = false;
    for path in specs {
        if !path.is_file() {
            eprintln!("error: cannot read `{}`: no such file", path.display());
            io_error = true;
            continue;
        }
        let checked = naftiko_codegen::check(path, &path.display().to_string());
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

fn explain(path: &PathBuf) -> ExitCode {
    if !path.is_file() {
        eprintln!("error: cannot read `{}`: no such file", path.display());
        return ExitCode::from(2);
    }
    let checked = naftiko_codegen::check(path, &path.display().to_string());
    for d in checked.diagnostics.clone().into_sorted() {
        eprint!("{}", d.render_human(&checked.sources));
    }
    if let Some(cap) = &checked.capability {
        print!("{}", naftiko_codegen::explain::explain(cap));
    }
    if checked.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
