//! Delimited text (CSV, TSV, PSV) → JSON the way the reference engine's Jackson `CsvMapper`
//! reads it with a header row: an array with one object per row, keyed by the header's names,
//! every value a string (`"42"`, not `42`; a mapping's declared `type` converts it).
//!
//! Quoting is RFC 4180 (`"a, b"`, `""` for a quote) whatever the delimiter. A row shorter than
//! the header leaves its missing columns out, as Jackson does; a row longer than the header is
//! an error (Jackson's "too many entries"), since its extra values would have no name.
//! Empty lines are skipped.

use serde_json::{Map, Value as Json};

pub(super) fn to_json(text: &str, delimiter: u8) -> Result<Json, String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("unreadable header row: {e}"))?
        .iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("unreadable row: {e}"))?;
        if record.len() > headers.len() {
            let line = record.position().map_or(0, csv::Position::line);
            return Err(format!(
                "line {line} has {} values but the header names {}",
                record.len(),
                headers.len()
            ));
        }
        let row: Map<String, Json> = headers
            .iter()
            .zip(record.iter())
            .map(|(name, value)| (name.clone(), Json::String(value.to_owned())))
            .collect();
        rows.push(Json::Object(row));
    }
    Ok(Json::Array(rows))
}

#[cfg(test)]
mod tests {
    use super::to_json;
    use serde_json::json;

    #[test]
    fn rows_are_objects_keyed_by_header() {
        let csv =
            "id,name,email\n1,Alice Smith,alice@example.com\n\n2,\"Johnson, Bob\",\"b\"\"@x\"\n";
        assert_eq!(
            to_json(csv, b','),
            Ok(json!([
                {"id": "1", "name": "Alice Smith", "email": "alice@example.com"},
                {"id": "2", "name": "Johnson, Bob", "email": "b\"@x"}
            ]))
        );
        assert_eq!(
            to_json("id\tname\n1\tAlice\n", b'\t'),
            Ok(json!([{"id": "1", "name": "Alice"}]))
        );
        assert_eq!(
            to_json("id|name\r\n1|Alice\r\n", b'|'),
            Ok(json!([{"id": "1", "name": "Alice"}]))
        );
        assert_eq!(to_json("id,name\n", b','), Ok(json!([])));
        assert_eq!(to_json("", b','), Ok(json!([])));
    }

    #[test]
    fn short_rows_leave_columns_out_and_long_rows_are_errors() {
        assert_eq!(
            to_json("a,b,c\n1,2\n", b','),
            Ok(json!([{"a": "1", "b": "2"}]))
        );
        let error = to_json("a,b\n1,2\n1,2,3\n", b',');
        assert_eq!(
            error,
            Err("line 3 has 3 values but the header names 2".to_owned())
        );
    }
}
