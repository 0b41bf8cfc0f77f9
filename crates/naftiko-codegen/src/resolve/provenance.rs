//! How the resolver decided what it decided: facts `explain` shows a user and a generated
//! program never needs, kept beside the resolved spec rather than inside it.

use std::collections::HashMap;

/// Where in the resolved spec a fact belongs, by the names that make it unique (duplicates of
/// each are refused or merged before they get here).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Site {
    /// A REST route: adapter namespace, method, path in router syntax.
    Route {
        adapter: String,
        method: String,
        path: String,
    },
    /// A `forward` resource of a REST adapter.
    Forward {
        adapter: String,
        name: String,
    },
    Tool {
        adapter: String,
        name: String,
    },
    /// An MCP resource read by calling upstream.
    Resource {
        adapter: String,
        uri: String,
    },
}

/// Why a caller input exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputOrigin {
    Declared,
    /// A placeholder of the exposed path.
    PathPlaceholder,
    /// Made up for a required consumed parameter nothing supplied (rule 5).
    Inferred,
}

/// How the value of one consumed input was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingKind {
    /// A `with` entry.
    With,
    /// A `with` entry whose value names a caller input matched only after folding.
    WithInputFolded,
    /// A `with` entry whose key matched the parameter only after folding.
    WithFolded,
    /// A caller input of the same name (rule 4).
    PassThrough,
    /// A caller input made up for it (rule 5).
    Inferred,
}

/// What was recorded while one route, tool or resource was bound.
#[derive(Debug, Clone, Default)]
pub struct SiteNotes {
    /// Caller input → why it exists.
    pub origins: HashMap<String, InputOrigin>,
    /// (step name, or empty for a single call; consumed input) → how it was bound.
    pub bindings: HashMap<(String, String), BindingKind>,
    /// The path as the spec wrote it (routes and forwards).
    pub spec_path: Option<String>,
}

/// The notes of every site of a capability.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    pub sites: HashMap<Site, SiteNotes>,
}

impl Provenance {
    pub fn site(&self, site: &Site) -> Option<&SiteNotes> {
        self.sites.get(site)
    }

    /// How `input` of the call (in `step`, or the single call when `step` is empty) was bound.
    pub fn binding(&self, site: &Site, step: &str, input: &str) -> Option<BindingKind> {
        self.site(site)?
            .bindings
            .get(&(step.to_string(), input.to_string()))
            .copied()
    }

    /// Why caller input `name` of `site` exists.
    pub fn origin(&self, site: &Site, name: &str) -> Option<InputOrigin> {
        self.site(site)?.origins.get(name).copied()
    }
}
