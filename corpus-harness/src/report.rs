//! Results: per route or tool, per spec, and the table over the whole corpus.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::registry::{GeneratedSpec, RefusedSpec};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Route,
    Tool,
}

/// One route or tool and what went wrong with it.
#[derive(Debug)]
pub struct Item {
    pub kind: Kind,
    pub adapter: &'static str,
    pub name: String,
    /// `(aspect, detail)`: empty when it passed.
    pub failures: Vec<(&'static str, String)>,
    /// Not failures, but worth knowing, by kind: `unread` (an input no handler reads), `unsent`
    /// (an input the code generator warned it would not send).
    pub notes: Vec<(&'static str, String)>,
}

impl Item {
    pub fn new(kind: Kind, adapter: &'static str, name: String) -> Item {
        Item {
            kind,
            adapter,
            name,
            failures: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn fail(&mut self, aspect: &'static str, detail: String) {
        self.failures.push((aspect, detail));
    }

    pub fn note(&mut self, kind: &'static str, note: String) {
        if !self.notes.iter().any(|(_, known)| *known == note) {
            self.notes.push((kind, note));
        }
    }

    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// One spec: every route and tool, or why none could be called.
#[derive(Debug)]
pub struct SpecReport {
    pub file: &'static str,
    /// Why the spec could not be run at all (it did not start, bind, …).
    pub broken: Option<String>,
    pub items: Vec<Item>,
    pub routes: usize,
    pub tools: usize,
    /// Routes and tools whose upstream requests were also checked against the independent
    /// reading of the YAML ([`crate::reading`]).
    pub read_independently: usize,
    /// Routes and tools whose answer to the caller was also checked against their output
    /// mapping as the independent reading applies it ([`crate::reading::mapping`]).
    pub mapped_independently: usize,
}

impl SpecReport {
    pub fn new(entry: &GeneratedSpec) -> SpecReport {
        SpecReport {
            file: entry.file,
            broken: None,
            items: Vec::new(),
            routes: entry
                .spec
                .rest
                .iter()
                .map(|a| a.routes.len() + a.forwards.len())
                .sum(),
            tools: entry.spec.mcp.iter().map(|a| a.tools.len()).sum(),
            read_independently: 0,
            mapped_independently: 0,
        }
    }

    pub fn broken(mut self, why: String) -> SpecReport {
        self.broken = Some(why);
        self
    }

    /// Routes and tools that passed; a broken spec passes none.
    pub fn passed(&self) -> usize {
        self.items.iter().filter(|item| item.passed()).count()
    }

    /// A spec that could not be run fails as a whole, even with nothing to call.
    pub fn failed(&self) -> usize {
        let failed = (self.routes + self.tools).saturating_sub(self.passed());
        if self.broken.is_some() {
            failed.max(1)
        } else {
            failed
        }
    }
}

/// The whole run.
#[derive(Debug, Default)]
pub struct Summary {
    pub specs: Vec<SpecReport>,
}

impl Summary {
    pub fn failed(&self) -> usize {
        self.specs.iter().map(SpecReport::failed).sum()
    }

    pub fn routes(&self) -> usize {
        self.specs.iter().map(|s| s.routes).sum()
    }

    pub fn tools(&self) -> usize {
        self.specs.iter().map(|s| s.tools).sum()
    }

    pub fn passed(&self) -> usize {
        self.specs.iter().map(SpecReport::passed).sum()
    }

    pub fn read_independently(&self) -> usize {
        self.specs.iter().map(|s| s.read_independently).sum()
    }

    pub fn mapped_independently(&self) -> usize {
        self.specs.iter().map(|s| s.mapped_independently).sum()
    }

    /// The table, then every failure with its spec, item and what differed.
    pub fn render(&self) -> String {
        let (routes, tools, passed) = (self.routes(), self.tools(), self.passed());
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\ncorpus harness: every route and tool against the echo upstream"
        );
        let _ = writeln!(out, "| specs | routes | tools | passed | failed |");
        let _ = writeln!(out, "|------:|-------:|------:|-------:|-------:|");
        let _ = writeln!(
            out,
            "| {:>5} | {:>6} | {:>5} | {:>6} | {:>6} |",
            self.specs.len(),
            routes,
            tools,
            passed,
            self.failed()
        );
        let _ = writeln!(
            out,
            "{} routes and tools also checked against an independent reading of the YAML; \
             {} answers checked against their output mapping as that reading applies it",
            self.read_independently(),
            self.mapped_independently()
        );
        let mut by_aspect: BTreeMap<&str, usize> = BTreeMap::new();
        for spec in &self.specs {
            if let Some(why) = &spec.broken {
                let _ = writeln!(out, "\nFAILED {}: {why}", spec.file);
            }
            for item in spec.items.iter().filter(|item| !item.passed()) {
                let kind = match item.kind {
                    Kind::Route => "route",
                    Kind::Tool => "tool",
                };
                let _ = writeln!(
                    out,
                    "\nFAILED {} — {kind} `{}` of `{}`",
                    spec.file, item.name, item.adapter
                );
                for (aspect, detail) in &item.failures {
                    *by_aspect.entry(aspect).or_default() += 1;
                    let _ = writeln!(out, "    {aspect}: {detail}");
                }
            }
        }
        if !by_aspect.is_empty() {
            let _ = writeln!(out, "\nfailures by aspect: {by_aspect:?}");
        }
        let mut notes: BTreeMap<&str, usize> = BTreeMap::new();
        for (kind, _) in self
            .specs
            .iter()
            .flat_map(|spec| &spec.items)
            .flat_map(|item| &item.notes)
        {
            *notes.entry(kind).or_default() += 1;
        }
        if !notes.is_empty() {
            let _ = writeln!(
                out,
                "notes (not failures; CORPUS_HARNESS_NOTES=1 lists them): {} input(s) no handler reads, \
                 {} input(s) accepted but not sent upstream because the code generator said so",
                notes.get("unread").copied().unwrap_or(0),
                notes.get("unsent").copied().unwrap_or(0),
            );
            if std::env::var_os("CORPUS_HARNESS_NOTES").is_some() {
                for spec in &self.specs {
                    for item in &spec.items {
                        for (_, note) in &item.notes {
                            let _ = writeln!(out, "    {} `{}`: {note}", spec.file, item.name);
                        }
                    }
                }
            }
        }
        out
    }
}

/// How many corpus specs generated code (and so compiled, being in this binary), how many the
/// code generator refused, and the refusals' error codes: the number of specs each code stops.
pub fn compile_rate(generated: &[GeneratedSpec], refused: &[RefusedSpec]) -> String {
    let total = generated.len() + refused.len();
    let percent = |n: usize| {
        if total == 0 {
            0.0
        } else {
            n as f64 * 100.0 / total as f64
        }
    };
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    for spec in refused {
        let mut codes: Vec<&str> = spec.errors.iter().map(|e| e.code).collect();
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            *by_code.entry(code).or_default() += 1;
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\ncorpus compile rate: {total} specs; {} generated and compiled ({:.1}%); {} refused with a located error ({:.1}%)",
        generated.len(),
        percent(generated.len()),
        refused.len(),
        percent(refused.len())
    );
    let unsupported = refused
        .iter()
        .filter(|spec| spec.errors.iter().any(|error| is_unsupported(error.code)))
        .count();
    let _ = writeln!(
        out,
        "of the refused: {unsupported} use a feature naftiko-rs does not implement (some also have defects); \
         {} have only defects of the spec itself",
        refused.len() - unsupported
    );
    let mut codes: Vec<(&str, usize)> = by_code.into_iter().collect();
    codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let _ = writeln!(
        out,
        "refusals by error code (specs; a spec may have several codes):"
    );
    for (code, count) in codes {
        let _ = writeln!(out, "    {count:>4}  {code}");
    }
    let _ = writeln!(out, "refused specs, each with its first error:");
    for spec in refused {
        match spec.errors.first() {
            Some(error) => {
                let _ = writeln!(
                    out,
                    "    {}: {}:{}:{}: {}: {}",
                    spec.file, error.file, error.line, error.column, error.code, error.message
                );
            }
            None => {
                let _ = writeln!(out, "    {}: no error diagnostic", spec.file);
            }
        }
    }
    out
}

/// Error codes that mean "naftiko-rs does not do this (yet)" rather than "the spec is wrong".
fn is_unsupported(code: &str) -> bool {
    code.starts_with("unsupported-") || code == "mapping-non-json"
}

/// The least a whole-corpus run must reach (`floors.txt`): without them a harness that
/// generates nothing, or calls nothing, would pass.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Floors {
    pub generated: usize,
    pub routes: usize,
    pub tools: usize,
    pub passed: usize,
    /// Routes and tools also checked against the independent reading of the YAML.
    pub independent: usize,
    /// Routes and tools whose mapped answer was checked against that reading's mapping.
    pub mapped: usize,
}

impl Floors {
    /// Reads `name value` lines; `#` starts a comment. Every figure must be given.
    pub fn parse(text: &str) -> Result<Floors, String> {
        let mut floors = Floors::default();
        let mut seen = Vec::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let (name, value) = line
                .split_once(' ')
                .ok_or_else(|| format!("`{line}`: expected `name value`"))?;
            let value: usize = value.trim().parse().map_err(|e| format!("`{line}`: {e}"))?;
            let slot = match name {
                "generated" => &mut floors.generated,
                "routes" => &mut floors.routes,
                "tools" => &mut floors.tools,
                "passed" => &mut floors.passed,
                "independent" => &mut floors.independent,
                "mapped" => &mut floors.mapped,
                other => return Err(format!("unknown floor `{other}`")),
            };
            *slot = value;
            seen.push(name.to_string());
        }
        for name in [
            "generated",
            "routes",
            "tools",
            "passed",
            "independent",
            "mapped",
        ] {
            if !seen.iter().any(|s| s == name) {
                return Err(format!("no floor for `{name}`"));
            }
        }
        Ok(floors)
    }

    /// Each figure of a run below its floor, as `what: reached < floor`.
    pub fn shortfalls(&self, generated: usize, summary: &Summary) -> Vec<String> {
        let reached = [
            ("generated specs", generated, self.generated),
            ("routes", summary.routes(), self.routes),
            ("tools", summary.tools(), self.tools),
            ("passed calls", summary.passed(), self.passed),
            (
                "routes and tools read independently",
                summary.read_independently(),
                self.independent,
            ),
            (
                "mapped answers checked independently",
                summary.mapped_independently(),
                self.mapped,
            ),
        ];
        reached
            .into_iter()
            .filter(|(_, got, floor)| got < floor)
            .map(|(what, got, floor)| format!("{what}: {got} < {floor}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{Floors, Summary};

    #[test]
    fn floors_need_every_figure() {
        let full = "# c\ngenerated 2\nroutes 3\ntools 4 # t\npassed 5\nindependent 6\nmapped 7\n";
        assert_eq!(
            Floors::parse(full),
            Ok(Floors {
                generated: 2,
                routes: 3,
                tools: 4,
                passed: 5,
                independent: 6,
                mapped: 7,
            })
        );
        assert!(Floors::parse("generated 2\nroutes 3\ntools 4\npassed 5\n").is_err());
        assert!(
            Floors::parse("generated 2\nroutes 3\ntools 4\npassed 5\nindependent 6\n").is_err()
        );
        assert!(Floors::parse("generated two\n").is_err());
        assert!(Floors::parse("specs 2\n").is_err());
    }

    #[test]
    fn an_empty_run_falls_short_of_every_floor() {
        let floors = Floors {
            generated: 1,
            routes: 1,
            tools: 1,
            passed: 1,
            independent: 1,
            mapped: 1,
        };
        let empty = Summary { specs: Vec::new() };
        assert_eq!(floors.shortfalls(0, &empty).len(), 6);
        assert!(Floors::default().shortfalls(0, &empty).is_empty());
    }
}
