//! Evaluating compiled JSONPath expressions ([`PathSegment`] lists) against JSON.
//!
//! The code generator has already parsed and checked every path, so evaluation is a walk:
//! `Field` enters an object, `Index` an array (negative counts from the end), `Wildcard` fans
//! out over every element of an array or every value of an object. A path without a wildcard
//! selects one node (or `null` when it is missing); a path with one always yields an array of
//! every node it reached, so `$.items[*].id` on an empty list is `[]`, not `null`.

use serde_json::Value as Json;

use crate::spec::PathSegment;

/// The node at `path` below `root`, `null` when any step is missing.
pub fn select(root: &Json, path: &[PathSegment]) -> Json {
    if path.contains(&PathSegment::Wildcard) {
        let mut found = Vec::new();
        collect(root, path, &mut found);
        Json::Array(found.into_iter().cloned().collect())
    } else {
        select_one(root, path).cloned().unwrap_or(Json::Null)
    }
}

/// The node at a wildcard-free `path`, by reference; `None` when missing. A wildcard segment
/// selects nothing here.
pub fn select_one<'a>(root: &'a Json, path: &[PathSegment]) -> Option<&'a Json> {
    path.iter()
        .try_fold(root, |node, segment| step(node, segment))
}

fn step<'a>(node: &'a Json, segment: &PathSegment) -> Option<&'a Json> {
    match (segment, node) {
        (PathSegment::Field(name), Json::Object(map)) => map.get(&**name),
        (PathSegment::Index(index), Json::Array(items)) => {
            let len = i64::try_from(items.len()).ok()?;
            let at = if *index < 0 {
                len.checked_add(*index)?
            } else {
                *index
            };
            items.get(usize::try_from(at).ok()?)
        }
        _ => None,
    }
}

fn collect<'a>(node: &'a Json, path: &[PathSegment], found: &mut Vec<&'a Json>) {
    let Some((first, rest)) = path.split_first() else {
        found.push(node);
        return;
    };
    match first {
        PathSegment::Wildcard => match node {
            Json::Array(items) => items.iter().for_each(|item| collect(item, rest, found)),
            Json::Object(map) => map.values().for_each(|value| collect(value, rest, found)),
            _ => {}
        },
        segment => {
            if let Some(next) = step(node, segment) {
                collect(next, rest, found);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::text;
    use PathSegment::{Field, Index, Wildcard};
    use serde_json::json;

    #[test]
    fn fields_indexes_and_wildcards() {
        let doc = json!({"data": {"items": [{"id": 1}, {"id": 2}, {"name": "x"}]}});
        assert_eq!(
            select(
                &doc,
                &[
                    Field(text("data")),
                    Field(text("items")),
                    Index(1),
                    Field(text("id"))
                ]
            ),
            json!(2)
        );
        assert_eq!(
            select(
                &doc,
                &[
                    Field(text("data")),
                    Field(text("items")),
                    Index(-3),
                    Field(text("id"))
                ]
            ),
            json!(1)
        );
        // `[0]` is the first element, not one counted from the end.
        assert_eq!(
            select(
                &doc,
                &[
                    Field(text("data")),
                    Field(text("items")),
                    Index(0),
                    Field(text("id"))
                ]
            ),
            json!(1)
        );
        assert_eq!(
            select(&doc, &[Field(text("data")), Field(text("items")), Index(3)]),
            Json::Null
        );
        assert_eq!(
            select(
                &doc,
                &[Field(text("data")), Field(text("items")), Index(-4)]
            ),
            Json::Null
        );
        assert_eq!(
            select(
                &doc,
                &[
                    Field(text("data")),
                    Field(text("items")),
                    Wildcard,
                    Field(text("id"))
                ]
            ),
            json!([1, 2])
        );
        assert_eq!(select(&doc, &[Field(text("nope")), Wildcard]), json!([]));
        assert_eq!(select(&doc, &[]), doc);
        assert_eq!(select(&json!({"a": 1, "b": 2}), &[Wildcard]), json!([1, 2]));
    }
}
