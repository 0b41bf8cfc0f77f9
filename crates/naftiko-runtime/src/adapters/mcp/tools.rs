//! The static tool table, turned into the `Tool` descriptions rmcp lists.
//!
//! This runs once, when a server is built: the generated input schema is JSON text, and parsing
//! it on every `tools/list` (or, for the 2026-07-28 header checks, on every `tools/call`) would
//! be wasted work. A schema that does not parse is a code generator bug; the tool is still
//! served, with the most permissive object schema, and the bug is logged instead of crashing
//! the server.

use std::sync::Arc;

use rmcp::model::{JsonObject, Tool, ToolAnnotations};

use crate::spec::{self, McpTool};

/// Builds the rmcp description of one generated tool.
pub(crate) fn describe(tool: &'static McpTool) -> Tool {
    let schema = Arc::new(input_schema(&tool.name, &tool.input_schema));
    let description = (!tool.description.is_empty()).then_some(tool.description.clone());
    let mut described = Tool::new_with_raw(&*tool.name, description, schema)
        .with_annotations(annotations(tool.title.as_deref(), tool.annotations));
    if let Some(title) = &tool.title {
        described = described.with_title(&**title);
    }
    described.output_schema = tool
        .output_schema
        .as_deref()
        .and_then(|text| output_schema(&tool.name, text))
        .map(Arc::new);
    described
}

/// Parses a generated output schema; one that is no object schema is a code generator bug,
/// logged, and the tool is then described without one (clients check `structuredContent`
/// against it, so a wrong schema would fail good results).
fn output_schema(tool_name: &str, schema_text: &str) -> Option<JsonObject> {
    match serde_json::from_str::<serde_json::Value>(schema_text) {
        Ok(serde_json::Value::Object(schema)) if schema.get("type") == Some(&"object".into()) => {
            Some(schema)
        }
        _ => {
            tracing::error!(
                tool = tool_name,
                "generated output schema is not an object schema (a naftiko-codegen bug); \
                 describing the tool without one"
            );
            None
        }
    }
}

/// All four hints are always sent: the protocol's defaults (destructive, open world) are the
/// pessimistic ones, and a generated tool always knows better.
fn annotations(title: Option<&'static str>, hints: spec::ToolAnnotations) -> ToolAnnotations {
    // Clients of the 2025-03-26 revision read the title from the annotations only.
    let base = match title {
        Some(title) => ToolAnnotations::with_title(title),
        None => ToolAnnotations::new(),
    };
    base.read_only(hints.read_only)
        .destructive(hints.destructive)
        .idempotent(hints.idempotent)
        .open_world(hints.open_world)
}

/// Parses a generated schema; MCP requires the root of an input schema to be an object schema.
pub(crate) fn input_schema(tool_name: &str, schema_text: &str) -> JsonObject {
    match serde_json::from_str::<serde_json::Value>(schema_text) {
        Ok(serde_json::Value::Object(mut schema)) => match schema.get("type") {
            None => {
                schema.insert("type".into(), "object".into());
                schema
            }
            Some(serde_json::Value::String(ty)) if ty == "object" => schema,
            Some(other) => {
                tracing::error!(
                    tool = tool_name,
                    found = %other,
                    "generated input schema is not an object schema (a naftiko-codegen bug); \
                     serving a schema that accepts any object"
                );
                permissive_schema()
            }
        },
        Ok(_) => {
            tracing::error!(
                tool = tool_name,
                "generated input schema is not a JSON object (a naftiko-codegen bug); \
                 serving a schema that accepts any object"
            );
            permissive_schema()
        }
        Err(error) => {
            tracing::error!(
                tool = tool_name,
                %error,
                "generated input schema is not valid JSON (a naftiko-codegen bug); \
                 serving a schema that accepts any object"
            );
            permissive_schema()
        }
    }
}

fn permissive_schema() -> JsonObject {
    let mut schema = JsonObject::new();
    schema.insert("type".into(), "object".into());
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_schema_is_kept() {
        let schema = input_schema(
            "t",
            r#"{"type":"object","properties":{"runId":{"type":"string"}},"required":["runId"]}"#,
        );
        assert_eq!(schema.get("required"), Some(&serde_json::json!(["runId"])));
    }

    #[test]
    fn missing_type_becomes_object() {
        let schema = input_schema("t", r#"{"properties":{}}"#);
        assert_eq!(schema.get("type"), Some(&serde_json::json!("object")));
        assert!(schema.contains_key("properties"));
    }

    #[test]
    fn broken_or_non_object_schemas_fall_back() {
        for text in ["{not json", "[]", r#"{"type":"string"}"#, ""] {
            let schema = input_schema("t", text);
            assert_eq!(
                serde_json::Value::Object(schema),
                serde_json::json!({"type": "object"})
            );
        }
    }

    #[test]
    fn all_four_hints_are_set() {
        let hints = spec::ToolAnnotations {
            read_only: true,
            destructive: false,
            idempotent: true,
            open_world: false,
        };
        let annotations = annotations(Some("Get run"), hints);
        assert_eq!(annotations.read_only_hint, Some(true));
        assert_eq!(annotations.destructive_hint, Some(false));
        assert_eq!(annotations.idempotent_hint, Some(true));
        assert_eq!(annotations.open_world_hint, Some(false));
        assert_eq!(annotations.title.as_deref(), Some("Get run"));
    }
}
