//! Secrets files: the `file://` location of a bind, read once at start-up.
//!
//! A file is a JSON object or a flat YAML mapping (`KEY: value` lines, as the Naftiko tutorials'
//! `shared/secrets.yaml`). JSON is tried first; YAML is read with `saphyr-parser`'s event stream,
//! which the code generator already uses for specs, so no second YAML implementation is linked.
//! Only scalars are values: a nested mapping or list under a key leaves that key without one.
//! Errors never quote the file: it is full of secrets.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::Value as Json;

use super::Report;

/// A secrets file's keys and their values as text (empty values left out).
pub(super) type SecretsFile = HashMap<String, String>;

/// Reads the file `uri` names; `None` (with a problem reported) when it cannot be read or is
/// neither a JSON object nor a flat YAML mapping.
pub(super) fn read(uri: &str, report: &mut Report) -> Option<SecretsFile> {
    let path = file_uri_path(uri);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            report.problems.push(format!(
                "cannot read secrets file `{}` ({uri}): {error}",
                path.display()
            ));
            return None;
        }
    };
    match parse(&text) {
        Ok(file) => Some(file),
        Err(why) => {
            report.problems.push(not_a_secrets_file(&path, &why));
            None
        }
    }
}

fn not_a_secrets_file(path: &Path, why: &str) -> String {
    format!(
        "secrets file `{}` is neither a JSON object nor a flat YAML mapping ({why})",
        path.display()
    )
}

/// The keys of `text`, a JSON object or a flat YAML mapping; the error says where, never what.
pub(super) fn parse(text: &str) -> Result<SecretsFile, String> {
    match serde_json::from_str::<Json>(text) {
        Ok(Json::Object(map)) => Ok(map
            .into_iter()
            .filter_map(|(key, value)| {
                let value = match value {
                    Json::String(text) => text,
                    Json::Number(number) => number.to_string(),
                    Json::Bool(flag) => flag.to_string(),
                    _ => return None,
                };
                (!value.is_empty()).then_some((key, value))
            })
            .collect()),
        Ok(_) => Err("a JSON value that is not an object".to_owned()),
        Err(_) => flat_yaml(text),
    }
}

/// A YAML document whose root is a mapping; scalar values kept as written (`yes` stays `yes`,
/// `0123` stays `0123`), `~`/`null`/empty dropped, nested collections skipped.
fn flat_yaml(text: &str) -> Result<SecretsFile, String> {
    let mut parser = Parser::new_from_str(text);
    let mut file = SecretsFile::new();
    // Nesting depth: 1 inside the root mapping.
    let mut depth = 0usize;
    let mut root_seen = false;
    // The key whose value comes next, at depth 1.
    let mut key: Option<String> = None;
    while let Some(event) = parser.next_event() {
        let (event, span) = event
            .map_err(|error| format!("YAML syntax error at line {}", error.marker().line()))?;
        let line = span.start.line();
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
            Event::DocumentStart(_) if root_seen => {
                return Err(format!("a second YAML document at line {line}"));
            }
            Event::DocumentStart(_) => {}
            Event::MappingStart(..) if depth == 0 => {
                root_seen = true;
                depth = 1;
            }
            Event::MappingStart(..) | Event::SequenceStart(..) if depth == 0 => {
                return Err(format!("the root at line {line} is not a mapping"));
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if depth == 1 && key.is_none() {
                    return Err(format!("a key at line {line} is not text"));
                }
                // A collection as a value: its key gets no value.
                if depth == 1 {
                    key = None;
                }
                depth += 1;
            }
            Event::MappingEnd | Event::SequenceEnd => depth = depth.saturating_sub(1),
            Event::Scalar(text, style, ..) if depth == 1 => match key.take() {
                None => key = Some(text.into_owned()),
                Some(name) => {
                    let null = matches!(style, ScalarStyle::Plain)
                        && matches!(&*text, "" | "~" | "null" | "Null" | "NULL");
                    if !null && !text.is_empty() {
                        file.insert(name, text.into_owned());
                    }
                }
            },
            Event::Scalar(..) if depth == 0 => {
                return Err(format!("the root at line {line} is not a mapping"));
            }
            Event::Scalar(..) => {}
            Event::Alias(_) if depth == 1 => {
                // An alias as a key or value: YAML references are not followed.
                if key.take().is_none() {
                    return Err(format!("a key at line {line} is an alias"));
                }
            }
            Event::Alias(_) => {}
        }
    }
    if root_seen {
        Ok(file)
    } else {
        Err("an empty document".to_owned())
    }
}

/// The file a `file://` location names. `file:///./x` and other relative forms resolve against
/// the current directory, as a developer running from the project root expects.
pub(super) fn file_uri_path(uri: &str) -> PathBuf {
    let without_scheme = uri
        .strip_prefix("file://")
        .or_else(|| uri.strip_prefix("file:"))
        .unwrap_or(uri);
    let without_host = without_scheme
        .strip_prefix("localhost/")
        .map_or(without_scheme.to_owned(), |rest| format!("/{rest}"));
    let decoded = percent_encoding::percent_decode_str(&without_host)
        .decode_utf8_lossy()
        .into_owned();
    let relative = ["/./", "/../"]
        .iter()
        .any(|prefix| decoded.starts_with(prefix))
        || decoded == "/."
        || decoded == "/..";
    let path = if relative {
        PathBuf::from(&decoded[1..])
    } else {
        PathBuf::from(decoded)
    };
    if path.is_absolute() {
        path
    } else {
        std::env::current_dir()
            .map(|dir| dir.join(&path))
            .unwrap_or(path)
    }
}
