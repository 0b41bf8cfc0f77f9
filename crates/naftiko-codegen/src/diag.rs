//! Located diagnostics: every problem found in a spec, with where it is and how to fix it.
//!
//! The pipeline never stops at the first problem: each stage pushes into one [`Diagnostics`]
//! and carries on with what it could make sense of, so a user sees every error at once.

use std::fmt::Write as _;

use crate::source::{Loc, SourceMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding. `code` is stable (tests and users match on it); the message may be reworded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    /// The file as the user named it (or as an import resolved it).
    pub file: String,
    /// 1-based line and column of the offending node (0 when the problem is the file itself).
    pub line: u32,
    pub column: u32,
    /// The spec path of the node: `capability.exposes[0].resources[1].operations[0].call`.
    pub path: String,
    pub help: Option<String>,
}

/// A diagnostic under construction; `help` is optional.
pub struct Builder<'a> {
    sink: &'a mut Diagnostics,
    diag: Diagnostic,
}

impl Builder<'_> {
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.diag.help = Some(help.into());
        self
    }
}

impl Drop for Builder<'_> {
    fn drop(&mut self) {
        let diag = std::mem::replace(
            &mut self.diag,
            Diagnostic {
                severity: Severity::Warning,
                code: "",
                message: String::new(),
                file: String::new(),
                line: 0,
                column: 0,
                path: String::new(),
                help: None,
            },
        );
        self.sink.push(diag);
    }
}

/// The diagnostics of one run of the pipeline, plus the file names they point into.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diag: Diagnostic) {
        // The same finding reached twice (a node shared through an alias, an import read by two
        // files) is reported once.
        if !self.items.contains(&diag) {
            self.items.push(diag);
        }
    }

    pub fn at_loc<'a>(
        &'a mut self,
        severity: Severity,
        code: &'static str,
        loc: &Loc,
        path: &str,
        sources: &SourceMap,
        message: impl Into<String>,
    ) -> Builder<'a> {
        let diag = Diagnostic {
            severity,
            code,
            message: message.into(),
            file: sources.name(loc.file).to_string(),
            line: loc.line,
            column: loc.column,
            path: path.to_string(),
            help: None,
        };
        Builder { sink: self, diag }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Sorted by file, line and column, errors and warnings interleaved as they stand in the file.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.column, b.severity, a.code)
                .cmp(&(&b.file, b.line, b.column, a.severity, b.code))
        });
        self.items
    }

    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.items {
            self.push(d);
        }
    }
}

impl Diagnostic {
    /// Renders like rustc: a header, the location, the source line with a caret, the help.
    pub fn render_human(&self, sources: &SourceMap) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}[{}]: {}",
            self.severity.as_str(),
            self.code,
            self.message
        );
        if self.line == 0 {
            let _ = writeln!(out, "  --> {}", self.file);
        } else {
            let _ = writeln!(out, "  --> {}:{}:{}", self.file, self.line, self.column);
            if let Some(text) = sources.line_of(&self.file, self.line) {
                let gutter = self.line.to_string();
                let pad = " ".repeat(gutter.len());
                let caret_pad: String = text
                    .chars()
                    .take(self.column.saturating_sub(1) as usize)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{gutter} | {text}");
                let _ = writeln!(out, "{pad} | {caret_pad}^");
            }
        }
        if !self.path.is_empty() {
            let _ = writeln!(out, "  = at: {}", self.path);
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        out
    }

    /// `file:line:col: severity[code]: message` on one line (build.rs warnings, compile errors).
    pub fn one_line(&self) -> String {
        let mut s = if self.line == 0 {
            format!(
                "{}: {}[{}]: {}",
                self.file,
                self.severity.as_str(),
                self.code,
                self.message
            )
        } else {
            format!(
                "{}:{}:{}: {}[{}]: {}",
                self.file,
                self.line,
                self.column,
                self.severity.as_str(),
                self.code,
                self.message
            )
        };
        if let Some(help) = &self.help {
            let _ = write!(s, " (help: {help})");
        }
        s
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "severity": self.severity.as_str(),
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "help": self.help,
        })
    }
}
