//! The spec file as a plain JSON tree, read with the YAML event parser directly: every scalar is
//! kept as its text, anchors and aliases are expanded, keys are text. Deliberately not the code
//! generator's loader: this reading must not share its mistakes.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser};
use serde_json::{Map, Value as Json};

enum Open {
    Seq(Vec<Json>, usize),
    Map(Map<String, Json>, Option<String>, usize),
}

/// The first document of `text`, or why it cannot be read.
pub fn parse(text: &str) -> Result<Json, String> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Json> = HashMap::new();
    // Bounded: a file of a few hundred KB has far fewer events than this.
    for _ in 0..10_000_000 {
        let event = match parser.next_event() {
            None => break,
            Some(Ok((event, _))) => event,
            Some(Err(error)) => return Err(format!("YAML: {}", error.info())),
        };
        let (value, anchor) = match event {
            Event::SequenceStart(anchor, _) => {
                stack.push(Open::Seq(Vec::new(), anchor));
                continue;
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Open::Map(Map::new(), None, anchor));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(items, anchor)) => (Json::Array(items), anchor),
                _ => return Err("unbalanced sequence".into()),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(map, _, anchor)) => (Json::Object(map), anchor),
                _ => return Err("unbalanced mapping".into()),
            },
            Event::Scalar(text, _, anchor, _) => (Json::String(text.into_owned()), anchor),
            Event::Alias(id) => (anchors.get(&id).cloned().unwrap_or(Json::Null), 0),
            Event::DocumentEnd if stack.is_empty() => break,
            _ => continue,
        };
        if anchor != 0 {
            anchors.insert(anchor, value.clone());
        }
        match stack.last_mut() {
            None => return Ok(value),
            Some(Open::Seq(items, _)) => items.push(value),
            Some(Open::Map(map, key, _)) => match key.take() {
                None => *key = Some(value.as_str().unwrap_or_default().to_owned()),
                Some(name) => {
                    map.insert(name, value);
                }
            },
        }
    }
    Err("no document".into())
}
