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

/// The diagnostics of one run of the pipeline.
///
/// Beside each diagnostic it keeps where it was raised: inside the resolution of one or more
/// [parts](Part) (a route, a tool, a resource), or outside any (spec-wide). Partial generation
/// ([`Diagnostics::leave_out_broken_parts`]) rests on that attribution.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    /// Parallel to `items`.
    origins: Vec<Origin>,
    parts: Vec<Part>,
    /// The parts being resolved now (several when one check serves them all, such as the path
    /// of a resource shared by its operations).
    current: Vec<PartId>,
}

/// A route, tool or resource that can be left out of generated code on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// What it is, for people: ``route `GET /runs/{id}` of REST adapter `api` ``.
    pub what: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub path: String,
}

/// A part's index in [`Diagnostics`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartId(usize);

/// Where a diagnostic was raised (all the places, when the same finding is reached twice).
#[derive(Debug, Clone, Default)]
struct Origin {
    spec_wide: bool,
    parts: Vec<PartId>,
}

/// The code of the warning that says a part was left out by partial generation.
pub const LEFT_OUT: &str = "left-out";

/// Every code a warning can carry, with what it reports: the codes `allow` accepts.
pub const WARNING_CODES: &[(&str, &str)] = &[
    (
        "adapter-not-generated",
        "an adapter of a type that is not generated is skipped",
    ),
    (
        "auth-body-param",
        "a body field the authentication sets is also given as a parameter",
    ),
    (
        "auth-header-param",
        "a header the authentication sets is also given as a parameter",
    ),
    (
        "bind-location-unsupported",
        "a bind location the program cannot read, read from the environment",
    ),
    (
        "case-folded-name",
        "a name matched only after ignoring case and separators",
    ),
    (
        "client-param-without-value",
        "a client-level parameter has no value",
    ),
    (
        "control-setting-ignored",
        "a control adapter setting that has no effect",
    ),
    (
        "dialect-apikey-name",
        "an API key written in another dialect",
    ),
    ("dialect-apikey-set", "several API keys at once"),
    ("dialect-auth-key", "`auth:` for `authentication:`"),
    (
        "dialect-call-path",
        "a call target written in another dialect",
    ),
    ("dialect-id-name", "`id:` for `name:`"),
    (
        "duplicate-namespace-merged",
        "two identical consumed namespaces merged",
    ),
    ("duplicate-route-merged", "two identical routes merged"),
    ("duplicate-tool-merged", "two identical tools merged"),
    (
        "empty-base-uri",
        "a blank `baseUri`, read from the environment",
    ),
    (
        "ignored-key",
        "a key the schema defines that nothing acts on",
    ),
    (
        "implied-call",
        "an operation without `call` calls the consumed operation of its name",
    ),
    (
        "inferred-input",
        "a caller input made up for a required consumed parameter",
    ),
    (
        "input-made-required",
        "an optional caller input made required",
    ),
    (
        LEFT_OUT,
        "a route, tool or resource left out by partial generation",
    ),
    (
        "max-binary-size-not-enforced",
        "`maxBinarySize`, which is not enforced",
    ),
    ("mcp-empty", "an MCP adapter with nothing to serve"),
    (
        "misplaced-key",
        "a key the schema defines on another kind of entry",
    ),
    ("missing-version", "no format version"),
    (
        "no-base-uri",
        "a consumed namespace without `baseUri`, read from the environment",
    ),
    ("non-schema-key", "a key outside the format's schema"),
    (
        "observability-ignored",
        "a second control adapter's OpenTelemetry settings",
    ),
    ("parameter-location-missing", "a parameter without `in:`"),
    (
        "path-param-without-placeholder",
        "a path parameter the path has no placeholder for",
    ),
    (
        "query-in-path",
        "a query string written into a consumed path",
    ),
    (
        "raw-body-field",
        "a raw body whose one string field is sent",
    ),
    (
        "renamed-identifier",
        "two names that make one Rust identifier, one renamed",
    ),
    (
        "renamed-placeholder",
        "a placeholder routed under another name",
    ),
    (
        "stdio-port-ignored",
        "a port on an MCP adapter served over stdio",
    ),
    (
        "templated-base-uri",
        "a `baseUri` with placeholders, read from the environment",
    ),
    (
        "trusted-header-ignored",
        "a forward's trusted header that is not forwarded",
    ),
    (
        "tunnel-direct",
        "a tunnel bypassed because `fallback: direct` asks for it",
    ),
    (
        "undeclared-parameter",
        "a `with` key the consumed operation does not declare",
    ),
    ("undeclared-secret", "a secret that no bind declares"),
    ("unknown-key", "a key that is not read"),
    (
        "unknown-output-format",
        "an output format that is not known",
    ),
    ("unknown-version", "a format version that is not known"),
    (
        "unnamed-resource",
        "a consumed resource named after its path",
    ),
    ("yaml-duplicate-key", "a key twice in one mapping"),
    (
        "yaml-multiple-documents",
        "more than one YAML document in a file",
    ),
];

/// Whether `code` is the code of a warning (one of [`WARNING_CODES`]).
pub fn is_warning_code(code: &str) -> bool {
    WARNING_CODES.iter().any(|(known, _)| *known == code)
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diag: Diagnostic) {
        // The same finding reached twice (a node shared through an alias, an import read by two
        // files, an operation two routes call) is reported once, attributed to every place.
        let index = match self.items.iter().position(|known| *known == diag) {
            Some(index) => index,
            None => {
                self.items.push(diag);
                self.origins.push(Origin::default());
                self.items.len() - 1
            }
        };
        let origin = &mut self.origins[index];
        if self.current.is_empty() {
            origin.spec_wide = true;
        }
        for part in &self.current {
            if !origin.parts.contains(part) {
                origin.parts.push(*part);
            }
        }
    }

    /// Registers a part that partial generation could leave out.
    pub(crate) fn add_part(&mut self, part: Part) -> PartId {
        self.parts.push(part);
        PartId(self.parts.len() - 1)
    }

    /// Attributes what is raised from now on to `parts`, until [`Self::leave_parts`].
    pub(crate) fn enter_parts(&mut self, parts: &[PartId]) {
        self.current = parts.to_vec();
    }

    pub(crate) fn leave_parts(&mut self) {
        self.current.clear();
    }

    /// Whether an error was raised while `part` was being resolved.
    pub(crate) fn part_has_errors(&self, part: PartId) -> bool {
        self.errors_of(part).next().is_some()
    }

    fn errors_of(&self, part: PartId) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .zip(&self.origins)
            .filter(move |(d, o)| d.severity == Severity::Error && o.parts.contains(&part))
            .map(|(d, _)| d)
    }

    /// Partial generation: when every error was raised inside the resolution of some part,
    /// turns them into one `left-out` warning per part that had errors (the resolver leaves
    /// such parts out of the spec it builds) and returns `true`. When any error is spec-wide,
    /// changes nothing and returns `false`.
    pub fn leave_out_broken_parts(&mut self) -> bool {
        let spec_wide = self
            .items
            .iter()
            .zip(&self.origins)
            .any(|(d, o)| d.severity == Severity::Error && (o.spec_wide || o.parts.is_empty()));
        if spec_wide {
            return false;
        }
        let mut notes = Vec::new();
        for (index, part) in self.parts.iter().enumerate() {
            let reasons: Vec<String> = self
                .errors_of(PartId(index))
                .map(|e| {
                    let at = if e.line == 0 {
                        e.file.clone()
                    } else {
                        format!("{}:{}:{}", e.file, e.line, e.column)
                    };
                    format!("{} [{}] at {at}", e.message, e.code)
                })
                .collect();
            if reasons.is_empty() {
                continue;
            }
            notes.push(Diagnostic {
                severity: Severity::Warning,
                code: LEFT_OUT,
                message: format!("{} is left out: {}", part.what, reasons.join("; ")),
                file: part.file.clone(),
                line: part.line,
                column: part.column,
                path: part.path.clone(),
                help: Some(
                    "partial generation left it out; fix what is named to generate it".to_string(),
                ),
            });
        }
        let (items, origins): (Vec<_>, Vec<_>) = std::mem::take(&mut self.items)
            .into_iter()
            .zip(std::mem::take(&mut self.origins))
            .filter(|(d, _)| d.severity != Severity::Error)
            .unzip();
        self.items = items;
        self.origins = origins;
        self.current.clear();
        for note in notes {
            self.push(note);
        }
        true
    }

    /// Drops the warnings whose code is in `codes` (the codes a user accepted).
    pub fn allow(&mut self, codes: &[String]) {
        let (items, origins): (Vec<_>, Vec<_>) = std::mem::take(&mut self.items)
            .into_iter()
            .zip(std::mem::take(&mut self.origins))
            .filter(|(d, _)| d.severity == Severity::Error || !codes.iter().any(|c| c == d.code))
            .unzip();
        self.items = items;
        self.origins = origins;
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
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut items = self.items;
        items.sort_by(|a, b| {
            (&a.file, a.line, a.column, b.severity, a.code)
                .cmp(&(&b.file, b.line, b.column, a.severity, b.code))
        });
        items
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
