//! HTML tables → JSON the way the reference engine (jsoup) reads them:
//! `{"tables": [[{header: cell, …}, …], …]}`, one array of row objects per table.
//!
//! - Tables: every `<table>` in document order, or, when the operation's `outputSchema` holds a
//!   CSS selector, the matched elements that are tables plus the tables inside the others
//!   (`table.products`, `section.inventory`).
//! - Headers: the `<th>` cells of the first row of `<thead>`, else of the table's first row. A
//!   table with no header (or only blank ones) is skipped.
//! - Rows: the rows of `<tbody>` (else every row) that have `<td>` cells and no `<th>`. Each row
//!   is an object with every header: its cell's text, `""` for a cell the row lacks; cells past
//!   the last header are dropped. Text is whitespace-collapsed and trimmed, values are strings.
//!
//! The page is parsed by an HTML5 tree builder, so implied end tags (`<td>a<td>b`), implied
//! `<tbody>` and entities read as a browser reads them. HTML has no "malformed": only a bad
//! selector is an error.

use std::sync::LazyLock;

use scraper::{ElementRef, Html, Node, Selector};
use serde_json::{Map, Value as Json, json};

use super::table_rows;

/// The selectors every read uses, parsed once per process.
struct Fixed {
    table: Selector,
    head_cells: Selector,
    first_row_cells: Selector,
    body_rows: Selector,
    any_row: Selector,
    header_cell: Selector,
    data_cell: Selector,
}

static FIXED: LazyLock<Result<Fixed, String>> = LazyLock::new(|| {
    Ok(Fixed {
        table: parse("table")?,
        head_cells: parse("thead tr:first-child th")?,
        first_row_cells: parse("tr:first-child th")?,
        body_rows: parse("tbody tr")?,
        any_row: parse("tr")?,
        header_cell: parse("th")?,
        data_cell: parse("td")?,
    })
});

fn parse(css: &str) -> Result<Selector, String> {
    Selector::parse(css).map_err(|e| format!("`{css}` is not a CSS selector: {e}"))
}

pub(super) fn to_json(text: &str, selector: Option<&str>) -> Result<Json, String> {
    let Fixed {
        table,
        head_cells,
        first_row_cells,
        body_rows,
        any_row,
        header_cell,
        data_cell,
    } = FIXED.as_ref().map_err(Clone::clone)?;

    let document = Html::parse_document(text);
    let mut chosen: Vec<ElementRef<'_>> = Vec::new();
    match selector.map(str::trim).filter(|s| !s.is_empty()) {
        None => chosen.extend(document.select(table)),
        Some(css) => {
            for element in document.select(&parse(css)?) {
                if element.value().name().eq_ignore_ascii_case("table") {
                    chosen.push(element);
                } else {
                    chosen.extend(element.select(table));
                }
            }
        }
    }

    let mut tables = Vec::new();
    for table in chosen {
        let mut headers: Vec<String> = table.select(head_cells).map(text_of).collect();
        if headers.is_empty() {
            headers = table.select(first_row_cells).map(text_of).collect();
        }
        if headers.iter().all(String::is_empty) {
            continue;
        }
        let mut rows: Vec<ElementRef<'_>> = table.select(body_rows).collect();
        if rows.is_empty() {
            rows = table.select(any_row).collect();
        }
        let rows = rows
            .into_iter()
            .filter(|row| row.select(header_cell).next().is_none())
            .map(|row| row.select(data_cell).map(text_of).collect::<Vec<_>>())
            .filter(|cells| !cells.is_empty());
        tables.push(table_rows(&headers, rows));
    }
    let mut root = Map::new();
    root.insert("tables".to_owned(), json!(tables));
    Ok(Json::Object(root))
}

/// An element's text as a reader sees it: block boundaries and `<br>` are spaces, runs of
/// whitespace are one space, ends trimmed (jsoup's `Element.text()`).
fn text_of(element: ElementRef<'_>) -> String {
    let mut raw = String::new();
    for node in element.descendants() {
        match node.value() {
            Node::Text(text) => raw.push_str(text),
            Node::Element(e) if is_block(e.name()) => raw.push(' '),
            _ => {}
        }
    }
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "br" | "p"
            | "div"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "pre"
            | "blockquote"
            | "section"
            | "article"
            | "header"
            | "footer"
    )
}

#[cfg(test)]
mod tests {
    use super::to_json;
    use serde_json::json;

    const PRODUCTS: &str = r#"<html><body><section class="inventory">
        <table class="ignored"><tr><th>Name</th><th>Stock</th></tr><tr><td>Ignored</td><td>0</td></tr></table>
        <table class="products">
          <thead><tr><th>Name</th><th>Price</th><th>Stock</th></tr></thead>
          <tbody><tr><td>Widget</td><td>$42</td><td>150</td></tr>
                 <tr><td>Gadget &amp; <b>co</b></td><td>$99</td></tr></tbody>
        </table></section></body></html>"#;

    #[test]
    fn every_table_or_the_selected_ones() {
        let all = to_json(PRODUCTS, None).unwrap_or_default();
        assert_eq!(all["tables"].as_array().map(Vec::len), Some(2));
        assert_eq!(all["tables"][0], json!([{"Name": "Ignored", "Stock": "0"}]));
        let products = json!({"tables": [[
            {"Name": "Widget", "Price": "$42", "Stock": "150"},
            {"Name": "Gadget & co", "Price": "$99", "Stock": ""}
        ]]});
        assert_eq!(
            to_json(PRODUCTS, Some("table.products")),
            Ok(products.clone())
        );
        // A selected element that is not a table contributes the tables inside it.
        let inside = to_json(PRODUCTS, Some("section.inventory")).unwrap_or_default();
        assert_eq!(inside["tables"][1], products["tables"][0]);
    }

    #[test]
    fn implied_tags_header_rows_and_headerless_tables() {
        let html = "<table><tr><th>Name<th>Price<tr><th>Widget<td>$42<tr><td>Gadget<td>$99\
                    <td>extra</table><table><tr><td>no header</table>";
        assert_eq!(
            to_json(html, None),
            Ok(json!({"tables": [[{"Name": "Gadget", "Price": "$99"}]]}))
        );
        assert_eq!(to_json("", None), Ok(json!({"tables": []})));
    }

    #[test]
    fn a_bad_selector_is_an_error() {
        assert!(to_json(PRODUCTS, Some("table[")).is_err());
    }
}
