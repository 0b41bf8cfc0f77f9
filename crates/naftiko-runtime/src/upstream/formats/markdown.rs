//! Markdown → JSON the way the reference engine (commonmark-java with GFM tables) reads it:
//! `{"frontMatter": {…}, "tables": [[row, …], …], "sections": [{heading, level, content}, …]}`.
//!
//! - `tables`: the document's top-level GFM tables, each an array of row objects keyed by the
//!   header cells' text (a row's missing cells are `""`); a table whose headers are all blank
//!   is skipped. Values are strings.
//! - `sections`: one per top-level heading, with the text of the blocks after it up to the next
//!   heading (tables left out), one line per block. With the operation's `outputSchema` set,
//!   only headings that start with it are kept.
//! - `frontMatter`: the `---` block opening the document. The generated program carries no
//!   YAML parser, so it reads the common flat form only: `key: value` lines, with plain
//!   numbers, `true`/`false` and `null`/`~` typed as YAML types them and quotes removed. Keys
//!   whose value is nested (indented lines, `[…]`, `{…}`, `|`, `>`) are left out.
//!
//! Inline markup keeps its text (`**a**` → `a`, `` `b` `` → `b`, links → their text); HTML and
//! code blocks contribute no text. Markdown has no "malformed": this never fails.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::{Map, Number, Value as Json, json};

use super::table_rows;

pub(super) fn to_json(text: &str, section_prefix: Option<&str>) -> Json {
    let text = text.replace("\r\n", "\n");
    let (front_matter, body) = split_front_matter(&text);
    let mut document = Document::default();
    let mut depth = 0usize;
    for event in Parser::new_ext(body, Options::ENABLE_TABLES) {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    document.begin(&tag);
                }
                document.start(&tag);
                depth += 1;
            }
            Event::End(tag) => {
                depth = depth.saturating_sub(1);
                document.end(tag);
                if depth == 0 {
                    document.finish_block(section_prefix);
                }
            }
            Event::Text(text) if !document.in_code_block => document.text.push_str(&text),
            Event::Code(text) => document.text.push_str(&text),
            Event::SoftBreak => document.text.push(' '),
            Event::HardBreak => document.text.push('\n'),
            _ => {}
        }
    }
    document.finish_section(section_prefix);
    json!({
        "frontMatter": front_matter,
        "tables": document.tables,
        "sections": document.sections,
    })
}

#[derive(Default)]
struct Document {
    tables: Vec<Json>,
    sections: Vec<Json>,
    /// The top-level block being read: a heading (with its level), a table, or other.
    block: Block,
    text: String,
    in_code_block: bool,
    /// The current table's header texts and rows.
    headers: Vec<String>,
    row: Vec<String>,
    rows: Vec<Vec<String>>,
    in_head: bool,
    /// The current section: heading, level and the text of its blocks so far.
    section: Option<(String, u8, Vec<String>)>,
}

#[derive(Default, Clone, Copy, PartialEq)]
enum Block {
    #[default]
    Other,
    Heading(u8),
    Table,
}

impl Document {
    fn begin(&mut self, tag: &Tag<'_>) {
        self.text.clear();
        self.block = match tag {
            Tag::Heading { level, .. } => Block::Heading(*level as u8),
            Tag::Table(_) => Block::Table,
            _ => Block::Other,
        };
    }

    fn start(&mut self, tag: &Tag<'_>) {
        match tag {
            Tag::CodeBlock(_) => self.in_code_block = true,
            Tag::TableHead => self.in_head = true,
            Tag::TableCell => self.text.clear(),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::CodeBlock => self.in_code_block = false,
            TagEnd::TableCell if self.block == Block::Table => {
                let cell = std::mem::take(&mut self.text).trim().to_owned();
                if self.in_head {
                    self.headers.push(cell);
                } else {
                    self.row.push(cell);
                }
            }
            TagEnd::TableHead => self.in_head = false,
            TagEnd::TableRow if self.block == Block::Table => {
                self.rows.push(std::mem::take(&mut self.row));
            }
            _ => {}
        }
    }

    fn finish_block(&mut self, section_prefix: Option<&str>) {
        let text = std::mem::take(&mut self.text);
        match self.block {
            Block::Table => {
                let headers = std::mem::take(&mut self.headers);
                let rows = std::mem::take(&mut self.rows);
                if !headers.iter().all(String::is_empty) {
                    self.tables.push(table_rows(&headers, rows.into_iter()));
                }
            }
            Block::Heading(level) => {
                self.finish_section(section_prefix);
                self.section = Some((text.trim().to_owned(), level, Vec::new()));
            }
            Block::Other => {
                if let Some((_, _, content)) = &mut self.section {
                    let text = text.trim();
                    if !text.is_empty() {
                        content.push(text.to_owned());
                    }
                }
            }
        }
    }

    fn finish_section(&mut self, section_prefix: Option<&str>) {
        if let Some((heading, level, content)) = self.section.take()
            && section_prefix.is_none_or(|prefix| heading.starts_with(prefix))
        {
            self.sections.push(json!({
                "heading": heading,
                "level": level,
                "content": content.join("\n"),
            }));
        }
    }
}

/// The front matter (as JSON) and the Markdown after it: a document that starts with `---\n`
/// and has a later `\n---\n` line, as the reference engine recognises it.
fn split_front_matter(text: &str) -> (Json, &str) {
    let empty = Json::Object(Map::new());
    let Some(rest) = text.strip_prefix("---\n") else {
        return (empty, text);
    };
    let Some(end) = rest.find("\n---\n") else {
        return (empty, text);
    };
    (flat_yaml(&rest[..end]), &rest[end + 5..])
}

/// `key: value` lines at the left margin; see the module docs for what is left out.
fn flat_yaml(block: &str) -> Json {
    let mut fields = Map::new();
    for line in block.lines() {
        if line.starts_with([' ', '\t', '-', '#']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = unquote(key.trim());
        if let Some(value) = scalar(value.trim()) {
            fields.insert(key, value);
        }
    }
    Json::Object(fields)
}

fn scalar(value: &str) -> Option<Json> {
    if value.is_empty() || value.starts_with(['[', '{', '|', '>', '&', '*', '!']) {
        return None;
    }
    if value.starts_with(['"', '\'']) {
        return Some(Json::String(unquote(value)));
    }
    let value = value.split(" #").next().unwrap_or(value).trim();
    Some(match value {
        "true" | "True" | "TRUE" => Json::Bool(true),
        "false" | "False" | "FALSE" => Json::Bool(false),
        "null" | "Null" | "NULL" | "~" => Json::Null,
        _ => number(value).map_or_else(|| Json::String(value.to_owned()), Json::Number),
    })
}

fn number(text: &str) -> Option<Number> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<i64>().ok().map(Number::from);
    }
    let plain_float = digits.bytes().filter(|b| *b == b'.').count() == 1
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if plain_float {
        return text.parse::<f64>().ok().and_then(Number::from_f64);
    }
    None
}

fn unquote(text: &str) -> String {
    let inner = |q: char| text.strip_prefix(q).and_then(|t| t.strip_suffix(q));
    if let Some(inner) = inner('"') {
        inner.replace("\\\"", "\"")
    } else if let Some(inner) = inner('\'') {
        inner.replace("''", "'")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::to_json;
    use serde_json::json;

    #[test]
    fn front_matter_tables_and_sections() {
        let markdown = "---\ntitle: Release Notes\nversion: 2.1.0\nbuild: 7\nbeta: true\n\
                        quoted: \"a: b\"\nnested:\n  x: 1\n---\n\n## Overview\r\n\
                        This **release** introduces [new features](https://example.com).\n\n\
                        ```\ncode\n```\n\n\
                        | Feature | Status |\n|---------|--------|\n| `Search` | GA |\n| Maps |\n\n\
                        # API Usage\nHow to\nuse it.\n";
        assert_eq!(
            to_json(markdown, None),
            json!({
                "frontMatter": {"title": "Release Notes", "version": "2.1.0", "build": 7,
                                "beta": true, "quoted": "a: b"},
                "tables": [[{"Feature": "Search", "Status": "GA"},
                            {"Feature": "Maps", "Status": ""}]],
                "sections": [
                    {"heading": "Overview", "level": 2,
                     "content": "This release introduces new features."},
                    {"heading": "API Usage", "level": 1, "content": "How to use it."}
                ]
            })
        );
        let only_api = to_json(markdown, Some("API"));
        assert_eq!(only_api["sections"].as_array().map(Vec::len), Some(1));
        assert_eq!(only_api["tables"][0][0]["Status"], "GA");
    }

    #[test]
    fn plain_text_has_no_tables() {
        assert_eq!(
            to_json("just | text\n", None),
            json!({"frontMatter": {}, "tables": [], "sections": []})
        );
    }
}
