//! The caller-facing answer of an exposed operation's or tool's `outputParameters`, read from
//! the YAML tree alone: the shape the output asks for, an upstream answer planted with a
//! distinct value at every path the shape reads, and what the caller must get back from that
//! answer. The runtime's mapping code and the code generator's compiled trees play no part, so
//! a generator that drops, renames or swaps a field, or nests one at the wrong level, shows up
//! as a different answer.
//!
//! The shapes read here are the plain ones (rule 7 of DESIGN.md):
//! - a leaf: `mapping: $.a.b` (member access only; `$` or `$.` is the node itself);
//! - an object: `properties` (a list of named entries or a name-keyed map), read from the node
//!   its own `mapping` selects, or from the current node without one;
//! - a list: `items` (a map with a `type`), applied to every element of the list the entry's
//!   `mapping` selects (or of the current node).
//!
//! A single entry without a name, or with `properties` or `items`, is the whole answer; several
//! entries (or one named leaf) make an object of their names. One entry mapping `$.` alone is a
//! pass-through, which the oracle checks, not this reading. Anything else — `const`, `value`,
//! brackets, wildcards, an entry with neither `mapping` nor a tree — is not read here.

use serde_json::{Map, Value as Json};

/// The value an output entry produces, read relative to the node being shaped.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// The value at `path`, as the upstream sent it.
    Leaf { path: Vec<String>, kind: Kind },
    /// An object of `fields`, each read from the node at `path`.
    Object {
        path: Vec<String>,
        fields: Vec<(String, Shape)>,
    },
    /// Every element of the list at `path`, shaped by `items`.
    Array {
        path: Vec<String>,
        items: Box<Shape>,
    },
}

/// What a leaf declares itself to be, which decides the value planted for it: a value already
/// of the declared type is what the caller gets back unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Integer,
    Boolean,
}

/// A mapped output as this reading understands it.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    pub shape: Shape,
    /// What the upstream answers: every path the shape reads holds a value of its own.
    pub answer: Json,
    /// What the caller must get back from `answer`.
    pub response: Json,
}

/// The mapped output `parameters` (an `outputParameters` node) asks for, when it is one of the
/// plain shapes and its planted answer is unambiguous (no two entries reading one path).
pub fn mapped(parameters: &Json) -> Option<Mapped> {
    let shape = output(parameters)?;
    let mut answer = Json::Null;
    let mut counter = 0;
    plant(&mut answer, &shape, &mut counter).ok()?;
    if counter == 0 {
        return None;
    }
    let response = apply(&shape, &answer);
    Some(Mapped {
        shape,
        answer,
        response,
    })
}

/// The shape of a whole `outputParameters` node; `None` for a pass-through or an unread shape.
fn output(parameters: &Json) -> Option<Shape> {
    let entries = named_entries(parameters)?;
    match entries.as_slice() {
        [] => None,
        [(_, only)] if is_identity(only) => None,
        [(name, only)] if name.is_none() || has(only, "properties") || has(only, "items") => {
            entry(only)
        }
        many => {
            let fields = many
                .iter()
                .map(|(name, value)| Some((name.clone()?, entry(value)?)))
                .collect::<Option<Vec<_>>>()?;
            Some(Shape::Object {
                path: Vec::new(),
                fields,
            })
        }
    }
}

/// A list of entries (each naming itself with `name`) or a name-keyed map.
fn named_entries(node: &Json) -> Option<Vec<(Option<String>, &Json)>> {
    match node {
        Json::Array(list) => Some(
            list.iter()
                .map(|entry| (entry["name"].as_str().map(str::to_owned), entry))
                .collect(),
        ),
        Json::Object(map) => Some(
            map.iter()
                .map(|(name, entry)| (Some(name.clone()), entry))
                .collect(),
        ),
        _ => None,
    }
}

fn has(node: &Json, key: &str) -> bool {
    !node[key].is_null()
}

/// One entry mapping the whole node (`$` or `$.`) and nothing else.
fn is_identity(node: &Json) -> bool {
    ["properties", "items", "const", "value"]
        .iter()
        .all(|key| !has(node, key))
        && node["mapping"]
            .as_str()
            .is_some_and(|path| matches!(path.trim(), "$" | "$."))
}

/// The shape of one entry.
fn entry(node: &Json) -> Option<Shape> {
    if !node.is_object() || has(node, "const") || has(node, "value") {
        return None;
    }
    let path = match &node["mapping"] {
        Json::Null => None,
        Json::String(text) => Some(member_path(text)?),
        _ => return None,
    };
    match (has(node, "properties"), has(node, "items")) {
        (true, true) => None,
        (true, false) => {
            let fields = named_entries(&node["properties"])?
                .into_iter()
                .map(|(name, value)| Some((name?, entry(value)?)))
                .collect::<Option<Vec<_>>>()?;
            if fields.is_empty() {
                return None;
            }
            Some(Shape::Object {
                path: path.unwrap_or_default(),
                fields,
            })
        }
        (false, true) => {
            let items = &node["items"];
            if !items["type"].is_string() {
                return None;
            }
            Some(Shape::Array {
                path: path.unwrap_or_default(),
                items: Box::new(entry(items)?),
            })
        }
        (false, false) => Some(Shape::Leaf {
            path: path?,
            kind: kind(node["type"].as_str().unwrap_or_default()),
        }),
    }
}

fn kind(declared: &str) -> Kind {
    match declared {
        "number" => Kind::Number,
        "integer" => Kind::Integer,
        "boolean" => Kind::Boolean,
        _ => Kind::Text,
    }
}

/// `$.a.b` → `["a", "b"]`; `$` and `$.` → `[]`; anything but plain member access → `None`.
fn member_path(text: &str) -> Option<Vec<String>> {
    let text = text.trim();
    if matches!(text, "$" | "$.") {
        return Some(Vec::new());
    }
    text.strip_prefix("$.")?
        .split('.')
        .map(|name| {
            let plain = !name.is_empty()
                && !name.contains(['[', ']', '*', '\'', '"', '?', '(', ')', '@', '$'])
                && !name.contains(char::is_whitespace);
            plain.then(|| name.to_owned())
        })
        .collect()
}

/// The node at `path` below `node`, created (as objects) where missing; `Err` when the way is
/// taken by something that is not an object.
fn slot<'a>(node: &'a mut Json, path: &[String]) -> Result<&'a mut Json, ()> {
    let mut here = node;
    for name in path {
        if here.is_null() {
            *here = Json::Object(Map::new());
        }
        here = match here {
            Json::Object(map) => map.entry(name.clone()).or_insert(Json::Null),
            _ => return Err(()),
        };
    }
    Ok(here)
}

/// Plants in `node` what `shape` reads: a distinct value for every leaf, two elements for
/// every list (so a mapping applied to one element only shows). `Err` when two parts of the
/// shape claim the same place.
fn plant(node: &mut Json, shape: &Shape, counter: &mut usize) -> Result<(), ()> {
    match shape {
        Shape::Leaf { path, kind } => {
            let at = slot(node, path)?;
            if !at.is_null() {
                return Err(());
            }
            *counter += 1;
            let n = *counter;
            *at = match kind {
                Kind::Text => Json::String(format!("v{n} {}", path.join("."))),
                Kind::Number => {
                    serde_json::Number::from_f64(n as f64 + 0.5).map_or(Json::Null, Json::Number)
                }
                Kind::Integer => Json::from(1000 + n),
                Kind::Boolean => Json::Bool(n.is_multiple_of(2)),
            };
            Ok(())
        }
        Shape::Object { path, fields } => {
            let at = slot(node, path)?;
            if at.is_null() {
                *at = Json::Object(Map::new());
            }
            if !at.is_object() {
                return Err(());
            }
            fields
                .iter()
                .try_for_each(|(_, field)| plant(at, field, counter))
        }
        Shape::Array { path, items } => {
            let at = slot(node, path)?;
            if !at.is_null() {
                return Err(());
            }
            let mut elements = vec![Json::Null, Json::Null];
            for element in &mut elements {
                plant(element, items, counter)?;
            }
            *at = Json::Array(elements);
            Ok(())
        }
    }
}

fn select<'a>(node: &'a Json, path: &[String]) -> Option<&'a Json> {
    path.iter().try_fold(node, |here, name| here.get(name))
}

/// What `shape` makes of `node`: missing values are `null`. (Planted answers always hold a list
/// where a list is read, so a list shape meets nothing else.)
pub fn apply(shape: &Shape, node: &Json) -> Json {
    match shape {
        Shape::Leaf { path, .. } => select(node, path).cloned().unwrap_or(Json::Null),
        Shape::Object { path, fields } => {
            let base = select(node, path).unwrap_or(&Json::Null);
            Json::Object(
                fields
                    .iter()
                    .map(|(name, field)| (name.clone(), apply(field, base)))
                    .collect(),
            )
        }
        Shape::Array { path, items } => match select(node, path) {
            Some(Json::Array(elements)) => Json::Array(
                elements
                    .iter()
                    .map(|element| apply(items, element))
                    .collect(),
            ),
            _ => Json::Null,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{Mapped, mapped};
    use crate::reading::yaml;
    use serde_json::json;

    fn read(outputs: &str) -> Option<Mapped> {
        let root = yaml::parse(outputs).unwrap_or_else(|e| panic!("{e}"));
        mapped(&root["outputParameters"])
    }

    #[test]
    fn nested_objects_and_lists_are_planted_and_mapped() {
        let found = read(
            r#"
outputParameters:
  - type: object
    properties:
      imo: {type: string, mapping: "$.imo_number"}
      specs:
        type: object
        properties:
          tonnage: {type: number, mapping: "$.gross_tonnage"}
          length: {type: integer, mapping: "$.dimensions.length_overall"}
      crew:
        type: array
        mapping: $.crew
        items:
          type: object
          properties:
            - {name: who, type: string, mapping: $.name}
"#,
        );
        let Some(found) = found else {
            panic!("not read")
        };
        // Name-keyed entries are taken in name order, so the values count up that way.
        assert_eq!(
            found.answer,
            json!({
                "crew": [{"name": "v1 name"}, {"name": "v2 name"}],
                "imo_number": "v3 imo_number",
                "dimensions": {"length_overall": 1004},
                "gross_tonnage": 5.5,
            })
        );
        assert_eq!(
            found.response,
            json!({
                "crew": [{"who": "v1 name"}, {"who": "v2 name"}],
                "imo": "v3 imo_number",
                "specs": {"length": 1004, "tonnage": 5.5},
            })
        );
    }

    #[test]
    fn several_entries_make_an_object_and_one_unnamed_leaf_is_the_answer() {
        let several = read(
            "outputParameters:\n  - {name: a, mapping: $.x.y}\n  - {name: b, type: boolean, mapping: $.z}\n",
        );
        assert_eq!(
            several.map(|m| m.response),
            Some(json!({"a": "v1 x.y", "b": true}))
        );
        let one = read("outputParameters:\n  - {name: r, mapping: $.x}\n");
        assert_eq!(one.map(|m| m.response), Some(json!({"r": "v1 x"})));
        let unnamed = read("outputParameters:\n  - {type: string, mapping: $.x}\n");
        assert_eq!(unnamed.map(|m| m.response), Some(json!("v1 x")));
        let list = read(
            "outputParameters:\n  - type: array\n    mapping: $.\n    items: {type: string, mapping: $.id}\n",
        );
        assert_eq!(
            list.map(|m| (m.answer, m.response)),
            Some((
                json!([{"id": "v1 id"}, {"id": "v2 id"}]),
                json!(["v1 id", "v2 id"])
            ))
        );
    }

    #[test]
    fn pass_through_and_unplain_shapes_are_not_read() {
        for outputs in [
            "outputParameters: []",
            "outputParameters:\n  - {name: result, type: object, mapping: $.}\n",
            "outputParameters:\n  - {name: a, mapping: \"$.x[0]\"}\n  - {name: b, mapping: $.y}\n",
            "outputParameters:\n  - {name: a, mapping: \"$.x[*].id\"}\n",
            "outputParameters:\n  - {name: a, const: 1}\n  - {name: b, mapping: $.y}\n",
            "outputParameters:\n  - {name: a, value: $.x}\n  - {name: b, mapping: $.y}\n",
            "outputParameters:\n  - {mapping: $.x}\n  - {name: b, mapping: $.y}\n",
            "outputParameters:\n  - {name: a, type: string}\n  - {name: b, mapping: $.y}\n",
            // Two entries reading one path: a swap of them could not show.
            "outputParameters:\n  - {name: a, mapping: $.x}\n  - {name: b, mapping: $.x}\n",
            // A leaf where another entry reads below it.
            "outputParameters:\n  - {name: a, mapping: $.x}\n  - {name: b, mapping: $.x.y}\n",
        ] {
            assert_eq!(read(outputs), None, "{outputs}");
        }
    }
}
