//! Upstream answers in other formats than JSON, read as JSON so output mappings can shape them.
//!
//! An operation's `outputRawFormat` says how to read its answer; this module gives each
//! format the JSON shape the reference engine gives it, so that a spec's JSONPaths select the
//! same things here as there:
//!
//! | format | JSON | where |
//! |---|---|---|
//! | XML | the root element's content: elements and attributes as fields, repeats as arrays | [`xml`] |
//! | CSV, TSV, PSV | `[{header: value, …}, …]` | [`delimited`] |
//! | HTML | `{"tables": [[{header: cell, …}, …], …]}` | [`html`] |
//! | Markdown | `{"frontMatter": {…}, "tables": […], "sections": [{heading, level, content}]}` | [`markdown`] |
//!
//! Values read from text stay strings (`"42"`); a mapping's declared `type` converts them.
//! Only the mapping path reads a body here: a pass-through (`mapping: $.` or no mapping)
//! forwards the upstream bytes and content type untouched. What cannot be read is
//! [`Error::Decode`] (a 502 on REST, `isError` on MCP), never a panic. The body was already
//! capped by the client, and every reader here is linear in it with bounded nesting.
//!
//! Each reader is behind the cargo feature of its name (`xml`, `csv` for all three delimited
//! formats, `html`, `markdown`). Code generated for a spec that reads a format fails to
//! compile when its feature is off; an answer read here without the feature (a hand-written
//! table) is a decoding error that names the feature.

#[cfg(feature = "csv")]
mod delimited;
#[cfg(feature = "html")]
mod html;
#[cfg(feature = "markdown")]
mod markdown;
#[cfg(feature = "xml")]
mod xml;

use serde_json::Value as Json;

use crate::error::Error;
use crate::spec::RawFormat;

/// `body` (an upstream answer from `namespace`) read as JSON according to `format`.
/// An empty (or all-whitespace) JSON or XML body is `null`, so a `204` can still be mapped.
pub fn to_json(format: &RawFormat, body: &[u8], namespace: &str) -> Result<Json, Error> {
    let decode = |message: String| Error::Decode {
        namespace: namespace.to_owned(),
        message,
    };
    if let RawFormat::Json = format {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Json::Null);
        }
        return serde_json::from_slice(body).map_err(|error| {
            decode(format!(
                "the answer is not JSON ({error}), but the output mapping needs JSON"
            ))
        });
    }
    let text = std::str::from_utf8(body)
        .map_err(|error| decode(format!("the {format:?} answer is not UTF-8 ({error})")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let read = match format {
        RawFormat::Xml if text.trim().is_empty() => Ok(Json::Null),
        #[cfg(feature = "xml")]
        RawFormat::Xml => xml::to_json(text),
        #[cfg(feature = "csv")]
        RawFormat::Csv => delimited::to_json(text, b','),
        #[cfg(feature = "csv")]
        RawFormat::Tsv => delimited::to_json(text, b'\t'),
        #[cfg(feature = "csv")]
        RawFormat::Psv => delimited::to_json(text, b'|'),
        #[cfg(feature = "html")]
        RawFormat::Html => html::to_json(text, None),
        #[cfg(feature = "html")]
        RawFormat::HtmlTables(selector) => html::to_json(text, Some(selector.as_ref())),
        #[cfg(feature = "markdown")]
        RawFormat::Markdown => Ok(markdown::to_json(text, None)),
        #[cfg(feature = "markdown")]
        RawFormat::MarkdownSections(prefix) => Ok(markdown::to_json(text, Some(prefix.as_ref()))),
        #[cfg(not(feature = "xml"))]
        RawFormat::Xml => Err(without("xml")),
        #[cfg(not(feature = "csv"))]
        RawFormat::Csv | RawFormat::Tsv | RawFormat::Psv => Err(without("csv")),
        #[cfg(not(feature = "html"))]
        RawFormat::Html | RawFormat::HtmlTables(_) => Err(without("html")),
        #[cfg(not(feature = "markdown"))]
        RawFormat::Markdown | RawFormat::MarkdownSections(_) => Err(without("markdown")),
        // The codegen refuses mappings of these; kept total for hand-written tables.
        RawFormat::Json
        | RawFormat::Text
        | RawFormat::Binary
        | RawFormat::Yaml
        | RawFormat::Avro
        | RawFormat::Protobuf => Err(format!(
            "a {format:?} answer has no structure an output mapping could select from"
        )),
    };
    read.map_err(|message| decode(format!("unreadable {format:?} answer: {message}")))
}

/// Why a format whose reader was left out of the build cannot be read.
#[cfg(not(all(
    feature = "xml",
    feature = "csv",
    feature = "html",
    feature = "markdown"
)))]
fn without(feature: &str) -> String {
    format!("this program was built without the `{feature}` feature of naftiko, which reads it")
}

#[cfg(any(feature = "html", feature = "markdown"))]
/// Rows of cells as objects keyed by `headers` (the shape HTML and Markdown tables share):
/// every header gets a value, `""` where a row is short; cells past the last header are
/// dropped; a repeated header keeps its last cell.
fn table_rows(headers: &[String], rows: impl Iterator<Item = Vec<String>>) -> Json {
    Json::Array(
        rows.map(|cells| {
            let mut cells = cells.into_iter();
            let row: serde_json::Map<String, Json> = headers
                .iter()
                .map(|header| {
                    let cell = cells.next().unwrap_or_default();
                    (header.clone(), Json::String(cell))
                })
                .collect();
            Json::Object(row)
        })
        .collect(),
    )
}

#[cfg(all(test, feature = "xml", feature = "csv", feature = "html"))]
mod tests {
    use super::to_json;
    use crate::error::Error;
    use crate::spec::{RawFormat, text};
    use serde_json::json;

    #[test]
    fn every_format_reads_or_fails_as_decode() {
        let read = |format: &RawFormat, body: &str| to_json(format, body.as_bytes(), "up");
        assert_eq!(read(&RawFormat::Json, " \n").ok(), Some(json!(null)));
        assert_eq!(read(&RawFormat::Xml, "").ok(), Some(json!(null)));
        assert_eq!(
            read(&RawFormat::Psv, "\u{feff}a|b\n1|2\n").ok(),
            Some(json!([{"a": "1", "b": "2"}]))
        );
        assert_eq!(
            read(
                &RawFormat::HtmlTables(text("table.x")),
                "<table><tr><th>A</table>"
            )
            .ok(),
            Some(json!({"tables": []}))
        );
        for (format, body) in [
            (RawFormat::Json, "<a/>"),
            (RawFormat::Xml, "<a>"),
            (RawFormat::Csv, "a\n1,2\n"),
            (RawFormat::Text, "hi"),
        ] {
            let result = read(&format, body);
            assert!(
                matches!(&result, Err(Error::Decode { namespace, .. }) if namespace == "up"),
                "{format:?} {body:?} gave {result:?}"
            );
        }
        assert!(matches!(
            to_json(&RawFormat::Csv, b"a\n\xff\n", "up"),
            Err(Error::Decode { .. })
        ));
    }
}
