//! Which files of the public corpus are specs, for every Rust user of the corpus (the corpus
//! and fuzz tests here, and the corpus harness's build script, which includes this file by
//! path). The corpus README is the authority; its rule is:
//!
//! - a spec is `<dialect>/*.yaml` or `*.yml`, plus the same inside the few per-repository
//!   sub-folders listed in [`NESTED`] (one spec was moved there so that its imports resolve);
//! - files under a `shared/` folder are import targets that specs pull in, never specs: they
//!   are neither validated nor counted.
//!
//! The bench and CI scripts apply the same rule in shell: bench/corpus-specs.sh.

use std::path::{Path, PathBuf};

/// Per-repository sub-folders of a dialect folder that hold specs of their own.
const NESTED: &[&str] = &["alpha2/naftiko-framework"];

/// Every spec of the corpus, sorted (so generated module names stay stable).
pub fn corpus_specs(corpus: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(corpus)? {
        let path = entry?.path();
        if path.is_dir() && !path.ends_with("shared") {
            folders.push(path);
        }
    }
    folders.extend(
        NESTED
            .iter()
            .map(|nested| corpus.join(nested))
            .filter(|path| path.is_dir()),
    );
    let mut specs = Vec::new();
    for folder in folders {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            let yaml = path
                .extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml");
            if yaml && path.is_file() {
                specs.push(path);
            }
        }
    }
    specs.sort();
    Ok(specs)
}
