//! Name matching and Rust identifiers.
//!
//! Spec names are matched exactly first, then "folded" (case and `-`/`_` ignored): the seed's
//! `{runid}` finds `rest.runId`. Rust identifiers are derived deterministically from spec names.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// The folded form of a name: lower case, without `-`, `_`, `.` and spaces.
pub fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// How a name was found among candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match<'a> {
    Exact(&'a str),
    /// Found only after folding: the caller warns.
    Folded(&'a str),
    /// Two or more candidates fold to the same name: the caller reports an error.
    Ambiguous(Vec<&'a str>),
    None,
}

pub fn find<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> Match<'a> {
    if let Some(c) = candidates.clone().into_iter().find(|c| *c == name) {
        return Match::Exact(c);
    }
    let folded = fold(name);
    let mut hits: Vec<&str> = candidates
        .into_iter()
        .filter(|c| fold(c) == folded)
        .collect();
    hits.dedup();
    match hits.len() {
        0 => Match::None,
        1 => Match::Folded(hits[0]),
        _ => Match::Ambiguous(hits),
    }
}

/// `SCREAMING_SNAKE` for environment variable prefixes: `inngest-runs` → `INNGEST_RUNS`.
pub fn env_prefix(namespace: &str) -> String {
    let mut out = String::new();
    for c in namespace.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_').to_string();
    if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{trimmed}")
    } else {
        trimmed
    }
}

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keeps ASCII letters, digits and separators; other characters become separators, so that
/// `héllo wörld` and `a.b/c` still give identifiers.
fn ascii_words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// A snake_case identifier for fields, functions and modules (`r#` is avoided: `type` → `type_`).
pub fn snake_ident(name: &str) -> String {
    let mut s = ascii_words(name).to_snake_case();
    if s.is_empty() {
        s = "unnamed".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("_{s}");
    }
    if KEYWORDS.contains(&s.as_str()) || s == "_" {
        s.push('_');
    }
    s
}

/// An UpperCamelCase identifier for types.
pub fn camel_ident(name: &str) -> String {
    let mut s = ascii_words(name).to_upper_camel_case();
    if s.is_empty() {
        s = "Unnamed".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("N{s}");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_before_folded_and_ambiguity_is_reported() {
        assert_eq!(find("runId", ["runid", "runId"]), Match::Exact("runId"));
        assert_eq!(find("runid", ["runId"]), Match::Folded("runId"));
        assert_eq!(
            find("run_id", ["run-id", "runId"]),
            Match::Ambiguous(vec!["run-id", "runId"])
        );
        assert_eq!(find("x", ["y"]), Match::None);
    }

    #[test]
    fn identifiers_survive_keywords_digits_unicode_and_collisions() {
        assert_eq!(snake_ident("type"), "type_");
        assert_eq!(snake_ident("2fa-code"), "_2fa_code");
        assert_eq!(snake_ident("héllo wörld"), "h_llo_w_rld");
        assert_eq!(camel_ident("self"), "Self_");
        assert_eq!(camel_ident("v1-runs"), "V1Runs");
        assert_eq!(env_prefix("inngest-runs"), "INNGEST_RUNS");
    }
}
