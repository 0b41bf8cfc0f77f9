//! Upstream answers are untrusted bytes: every reader that turns a non-JSON answer into JSON for
//! an output mapping (XML, CSV/TSV/PSV, HTML tables, Markdown) must return a value or an error
//! for any input — never panic, never run away with the stack. The first byte picks the format.

#![no_main]

use libfuzzer_sys::fuzz_target;
use naftiko::spec::{RawFormat, text};

static FORMATS: [RawFormat; 9] = [
    RawFormat::Json,
    RawFormat::Xml,
    RawFormat::Csv,
    RawFormat::Tsv,
    RawFormat::Psv,
    RawFormat::Html,
    RawFormat::HtmlTables(text("table.products, div > table")),
    RawFormat::Markdown,
    RawFormat::MarkdownSections(text("Feat")),
];

fuzz_target!(|data: &[u8]| {
    let Some((selector, body)) = data.split_first() else {
        return;
    };
    let format = &FORMATS[usize::from(*selector) % FORMATS.len()];
    let _ = naftiko::__private::raw_to_json(format, body, "fuzz");
});
