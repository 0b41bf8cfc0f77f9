//! XML → JSON the way the reference engine's Jackson `XmlMapper.readTree` reads it:
//!
//! - the root element's own name is dropped: `<vessels><vessel>…</vessel></vessels>` is
//!   `{"vessel": …}`, so `$.vessel` (not `$.vessels.vessel`) selects the vessels;
//! - an element with neither attributes nor child elements is its text, `""` when empty;
//! - any other element is an object: its attributes (local names, no `@` prefix) and then its
//!   child elements (local names, namespaces ignored); text beside them goes under the key `""`;
//! - an element name seen twice in one parent becomes an array of every occurrence, in order;
//! - every value is a string: XML has no numbers (a mapping's declared `type` converts them).
//!
//! The document must be well formed (one root, matching end tags, known entities only), else
//! the answer is undecodable. Nesting is bounded so that no answer can exhaust the stack.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use serde_json::{Map, Value as Json};

/// Deeper nesting is refused: JSON values are dropped recursively.
const MAX_DEPTH: usize = 256;

/// One element still open: what it has so far.
#[derive(Default)]
struct Open {
    name: String,
    fields: Map<String, Json>,
    /// Attributes or child elements seen: the element is an object, not a string.
    structured: bool,
    text: String,
}

impl Open {
    fn start(element: &BytesStart<'_>) -> Result<Self, String> {
        let mut open = Open {
            name: element.local_name().into_inner().to_owned(),
            ..Open::default()
        };
        for attribute in element.attributes() {
            let attribute = attribute.map_err(|e| format!("bad attribute: {e}"))?;
            // Namespace declarations are not data (Jackson's parser never reports them).
            if attribute.key.as_namespace_binding().is_some() {
                continue;
            }
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| format!("bad attribute value: {e}"))?;
            let name = attribute.key.local_name().into_inner().to_owned();
            open.insert(name, Json::String(value.into_owned()));
        }
        Ok(open)
    }

    /// Adds a field, turning a repeated name into an array of all its values.
    fn insert(&mut self, name: String, value: Json) {
        self.structured = true;
        match self.fields.get_mut(&name) {
            None => {
                self.fields.insert(name, value);
            }
            // Element values are strings or objects, so an array here is one we made.
            Some(Json::Array(values)) => values.push(value),
            Some(first) => {
                let first = std::mem::take(first);
                self.fields.insert(name, Json::Array(vec![first, value]));
            }
        }
    }

    /// Text beside attributes or child elements goes under `""`, as Jackson does.
    fn flush_mixed_text(&mut self) {
        let text = std::mem::take(&mut self.text);
        let trimmed = text.trim();
        if !trimmed.is_empty() {
            self.insert(String::new(), Json::String(trimmed.to_owned()));
        }
    }

    fn finish(mut self) -> (String, Json) {
        if self.structured {
            self.flush_mixed_text();
            (self.name, Json::Object(self.fields))
        } else {
            (self.name, Json::String(self.text))
        }
    }
}

pub(super) fn to_json(text: &str) -> Result<Json, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Json> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("malformed XML at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err("more than one root element".to_owned());
            }
            Event::Start(element) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("elements nested deeper than {MAX_DEPTH}"));
                }
                if let Some(parent) = stack.last_mut() {
                    parent.flush_mixed_text();
                    parent.structured = true;
                }
                stack.push(Open::start(&element)?);
            }
            Event::Empty(element) => {
                let open = Open::start(&element)?;
                close(&mut stack, &mut root, open);
            }
            Event::End(_) => match stack.pop() {
                Some(open) => close(&mut stack, &mut root, open),
                None => return Err("an end tag closes nothing".to_owned()),
            },
            Event::Text(text) => append(&mut stack, &text.xml10_content())?,
            Event::CData(data) => append(&mut stack, &data.xml10_content())?,
            Event::GeneralRef(reference) => {
                let resolved = match reference
                    .resolve_char_ref()
                    .map_err(|e| format!("bad character reference: {e}"))?
                {
                    Some(c) => c.to_string(),
                    None => {
                        let name = reference.xml10_content();
                        resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("unknown entity `&{name};`"))?
                            .to_owned()
                    }
                };
                append(&mut stack, &resolved)?;
            }
            Event::Eof => break,
            // Declarations, comments, processing instructions and DOCTYPE carry no data (and
            // entities a DOCTYPE declares are refused above, never expanded).
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("element `{}` is never closed", open.name));
    }
    root.ok_or_else(|| "no root element".to_owned())
}

fn close(stack: &mut [Open], root: &mut Option<Json>, open: Open) {
    let (name, value) = open.finish();
    match stack.last_mut() {
        Some(parent) => parent.insert(name, value),
        // The root's name is dropped; an empty root is an empty object, not `""`.
        None => {
            *root = Some(match value {
                Json::String(text) if text.trim().is_empty() => Json::Object(Map::new()),
                other => other,
            })
        }
    }
}

fn append(stack: &mut [Open], text: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(open) => {
            open.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err("text outside the root element".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::to_json;
    use serde_json::json;

    #[test]
    fn drops_the_root_name_and_repeats_become_arrays() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
            <vessels>
              <vessel><vesselCode>V001</vesselCode><vesselName>Sea Eagle</vesselName></vessel>
              <vessel><vesselCode>V002</vesselCode><vesselName>Harbor &amp; Star</vesselName></vessel>
            </vessels>"#;
        assert_eq!(
            to_json(xml),
            Ok(json!({"vessel": [
                {"vesselCode": "V001", "vesselName": "Sea Eagle"},
                {"vesselCode": "V002", "vesselName": "Harbor & Star"}
            ]}))
        );
        assert_eq!(
            to_json("<root><name>Alice</name></root>"),
            Ok(json!({"name": "Alice"}))
        );
    }

    #[test]
    fn attributes_text_and_empty_elements() {
        let xml = r#"<ship xmlns:x="urn:x" imo="9321483" x:flag="PA">
            <price currency="USD">10&#46;5</price>
            <note/><tag>a</tag><crew></crew><tag><![CDATA[<b>]]></tag>
        </ship>"#;
        assert_eq!(
            to_json(xml),
            Ok(json!({
                "imo": "9321483", "flag": "PA",
                "price": {"currency": "USD", "": "10.5"},
                "note": "", "tag": ["a", "<b>"], "crew": ""
            }))
        );
        assert_eq!(to_json("<empty/>"), Ok(json!({})));
    }

    #[test]
    fn malformed_documents_are_errors() {
        for bad in [
            "<a><b></a>",
            "<a>",
            "<a></a><b></b>",
            "text",
            "<a>&custom;</a>",
            "<a x='1' x='2'/>",
            "",
        ] {
            assert!(to_json(bad).is_err(), "{bad:?} was accepted");
        }
        let deep = "<a>".repeat(300) + &"</a>".repeat(300);
        assert!(to_json(&deep).is_err());
    }
}
