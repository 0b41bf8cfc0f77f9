//! What `build.rs` found in the corpus, as the test binary sees it (`registry.rs` in `OUT_DIR`
//! fills these in).

use naftiko::spec::CapabilitySpec;

/// Starts a generated capability through its own `Capability::from_lookup`, so the generated
/// wrapper is exercised too, and hands back its runtime.
pub type Start = fn(&dyn Fn(&str) -> Option<String>) -> Result<naftiko::Runtime, naftiko::Error>;

/// A corpus spec the code generator turned into code (compiled into the test binary).
pub struct GeneratedSpec {
    /// The path under the corpus directory: `alpha2/inngest--inngest-runs.yaml`.
    pub file: &'static str,
    pub spec: &'static CapabilitySpec,
    pub start: Start,
    /// Warning codes with their counts.
    pub warnings: &'static [(&'static str, usize)],
}

/// A corpus spec the code generator refused, with its error diagnostics.
pub struct RefusedSpec {
    pub file: &'static str,
    pub errors: &'static [Located],
}

/// One error diagnostic of a refused spec.
#[derive(Debug)]
pub struct Located {
    pub code: &'static str,
    /// The file it points into (the spec or one of its imports).
    pub file: &'static str,
    /// 1-based; 0 when the problem is the file as a whole (it cannot be read).
    pub line: u32,
    pub column: u32,
    pub message: &'static str,
}

impl Located {
    /// Whether it points at a place in a file a person can open.
    pub fn is_located(&self) -> bool {
        !self.file.is_empty() && (self.line > 0 || self.code == "file-unreadable")
    }
}
