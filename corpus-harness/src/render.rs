//! A planned echo answer written in the format the consumed operation declares
//! (`outputRawFormat`), so that the runtime's reader for that format gets a document it can read
//! back into the planned JSON (XML: the root element's name dropped; tables: one row of text).

use naftiko::spec::RawFormat;
use serde_json::Value as Json;

/// The answer's body and content type.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub body: String,
    pub content_type: &'static str,
}

pub fn render(answer: &Json, format: &RawFormat) -> Rendered {
    let (body, content_type) = match format {
        RawFormat::Xml => (xml_document(answer), "application/xml"),
        RawFormat::Csv => (delimited(answer, ","), "text/csv"),
        RawFormat::Tsv => (delimited(answer, "\t"), "text/tab-separated-values"),
        RawFormat::Psv => (delimited(answer, "|"), "text/plain"),
        RawFormat::Html | RawFormat::HtmlTables(_) => (html_table(answer), "text/html"),
        RawFormat::Markdown | RawFormat::MarkdownSections(_) => {
            (markdown_table(answer), "text/markdown")
        }
        // YAML is passed through as text, Avro and Protobuf as bytes.
        RawFormat::Json
        | RawFormat::Text
        | RawFormat::Binary
        | RawFormat::Yaml
        | RawFormat::Avro
        | RawFormat::Protobuf => (answer.to_string(), "application/json"),
    };
    Rendered { body, content_type }
}

fn text_of(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Only names XML allows become elements; the echo's planted keys are plain identifiers.
fn xml_name(key: &str) -> String {
    let cleaned: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        cleaned
    } else {
        format!("_{cleaned}")
    }
}

fn xml_document(answer: &Json) -> String {
    let mut out = String::from("<root>");
    xml_content(answer, &mut out);
    out.push_str("</root>");
    out
}

fn xml_content(value: &Json, out: &mut String) {
    match value {
        Json::Object(fields) => {
            for (key, field) in fields {
                let name = xml_name(key);
                // An array is its element repeated, as XML readers give arrays back.
                let items: Vec<&Json> = match field {
                    Json::Array(items) => items.iter().collect(),
                    single => vec![single],
                };
                for item in items {
                    out.push_str(&format!("<{name}>"));
                    xml_content(item, out);
                    out.push_str(&format!("</{name}>"));
                }
            }
        }
        other => out.push_str(&escape_xml(&text_of(other))),
    }
}

/// The answer's fields as columns of one row (a non-object answer is one `value` column).
fn row(answer: &Json) -> (Vec<String>, Vec<String>) {
    match answer {
        Json::Object(fields) if !fields.is_empty() => fields
            .iter()
            .map(|(key, value)| (key.clone(), text_of(value)))
            .unzip(),
        other => (vec!["value".to_owned()], vec![text_of(other)]),
    }
}

fn delimited(answer: &Json, separator: &str) -> String {
    let quote = |cell: &str| format!("\"{}\"", cell.replace('"', "\"\""));
    let (header, values) = row(answer);
    let line = |cells: &[String]| {
        cells
            .iter()
            .map(|cell| quote(cell))
            .collect::<Vec<_>>()
            .join(separator)
    };
    format!("{}\n{}\n", line(&header), line(&values))
}

fn html_table(answer: &Json) -> String {
    let (header, values) = row(answer);
    let cells = |tag: &str, cells: &[String]| {
        cells
            .iter()
            .map(|cell| format!("<{tag}>{}</{tag}>", escape_xml(cell)))
            .collect::<String>()
    };
    format!(
        "<!DOCTYPE html><html><body><table><thead><tr>{}</tr></thead><tbody><tr>{}</tr></tbody></table></body></html>",
        cells("th", &header),
        cells("td", &values)
    )
}

fn markdown_table(answer: &Json) -> String {
    let (header, values) = row(answer);
    let escape = |cell: &String| cell.replace('|', "\\|").replace('\n', " ");
    let line = |cells: &[String]| {
        format!(
            "| {} |",
            cells.iter().map(escape).collect::<Vec<_>>().join(" | ")
        )
    };
    let rule = format!("|{}", "---|".repeat(header.len()));
    format!("{}\n{rule}\n{}\n", line(&header), line(&values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_format_reads_back_into_the_planned_fields() {
        let planned = json!({"ok": "true", "data": {"id": "s1 <&>"}});
        let xml = render(&planned, &RawFormat::Xml);
        assert_eq!(
            naftiko::__private::raw_to_json(&RawFormat::Xml, xml.body.as_bytes(), "echo").ok(),
            Some(planned.clone())
        );
        for format in [RawFormat::Csv, RawFormat::Tsv, RawFormat::Psv] {
            let read = naftiko::__private::raw_to_json(
                &format,
                render(&json!({"a": "1,|\t2"}), &format).body.as_bytes(),
                "echo",
            );
            assert_eq!(read.ok(), Some(json!([{"a": "1,|\t2"}])), "{format:?}");
        }
        for format in [RawFormat::Html, RawFormat::Markdown] {
            let read = naftiko::__private::raw_to_json(
                &format,
                render(&json!({"a": "x|y"}), &format).body.as_bytes(),
                "echo",
            );
            let first_row = read
                .ok()
                .and_then(|doc| doc.pointer("/tables/0/0").cloned());
            assert_eq!(first_row, Some(json!({"a": "x|y"})), "{format:?}");
        }
    }
}
