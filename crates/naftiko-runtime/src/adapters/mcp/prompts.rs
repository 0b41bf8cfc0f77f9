//! Prompts: listing the generated prompt table and rendering a prompt's messages.
//!
//! A prompt message is a template whose holes name the prompt's arguments. Rendering is local
//! and never calls upstream. Holes that name a secret render empty: a prompt is returned to
//! whoever asks for it, so a secret in one would be handed to every client.

use rmcp::ErrorData as McpError;
use rmcp::model::{
    GetPromptResult, JsonObject, Prompt, PromptArgument as McpPromptArgument, PromptMessage, Role,
};
use serde_json::Value as Json;

use crate::spec::{McpPrompt, TemplatePart, Value};

/// The rmcp description of one generated prompt.
pub(crate) fn describe(prompt: &'static McpPrompt) -> Prompt {
    let arguments = prompt
        .arguments
        .iter()
        .map(|argument| {
            let described =
                McpPromptArgument::new(&*argument.name).with_required(argument.required);
            if argument.description.is_empty() {
                described
            } else {
                described.with_description(&*argument.description)
            }
        })
        .collect::<Vec<_>>();
    let description = (!prompt.description.is_empty()).then_some(&*prompt.description);
    let arguments = (!arguments.is_empty()).then_some(arguments);
    let described = Prompt::new(&*prompt.name, description, arguments);
    match &prompt.title {
        Some(title) => described.with_title(&**title),
        None => described,
    }
}

/// Renders `prompt` with the caller's arguments; a missing required argument is the caller's
/// mistake, reported as invalid params.
pub(crate) fn render(
    prompt: &'static McpPrompt,
    arguments: &JsonObject,
) -> Result<GetPromptResult, McpError> {
    let missing: Vec<&str> = prompt
        .arguments
        .iter()
        .filter(|argument| argument.required && is_absent(arguments.get(&*argument.name)))
        .map(|argument| &*argument.name)
        .collect();
    if !missing.is_empty() {
        return Err(McpError::invalid_params(
            format!(
                "prompt `{}` is missing required argument(s): {}",
                prompt.name,
                missing.join(", ")
            ),
            None,
        ));
    }
    let messages = prompt
        .messages
        .iter()
        .map(|message| {
            PromptMessage::new_text(
                role_of(&message.role),
                render_parts(&message.parts, arguments),
            )
        })
        .collect();
    let result = GetPromptResult::new(messages);
    Ok(if prompt.description.is_empty() {
        result
    } else {
        result.with_description(&*prompt.description)
    })
}

fn is_absent(value: Option<&Json>) -> bool {
    matches!(value, None | Some(Json::Null))
}

/// MCP prompt messages know two roles; a spec's `system` message is context for the model and
/// goes to it the way a user message does.
fn role_of(role: &str) -> Role {
    if role.eq_ignore_ascii_case("assistant") {
        Role::Assistant
    } else {
        Role::User
    }
}

fn render_parts(parts: &[TemplatePart], arguments: &JsonObject) -> String {
    let mut text = String::new();
    for part in parts {
        match part {
            TemplatePart::Text(literal) => text.push_str(literal),
            TemplatePart::Value(value) => text.push_str(&render_value(value, arguments)),
        }
    }
    text
}

fn render_value(value: &Value, arguments: &JsonObject) -> String {
    match to_json(value, arguments) {
        Json::String(text) => text,
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

fn to_json(value: &Value, arguments: &JsonObject) -> Json {
    match value {
        Value::Literal(json_text) => {
            serde_json::from_str(json_text).unwrap_or_else(|_| Json::String(json_text.to_string()))
        }
        Value::Input(name) => arguments.get(&**name).cloned().unwrap_or(Json::Null),
        Value::Template(parts) => Json::String(render_parts(parts, arguments)),
        Value::Object(fields) => Json::Object(
            fields
                .iter()
                .map(|(name, field)| (name.to_string(), to_json(field, arguments)))
                .collect(),
        ),
        Value::Array(items) => {
            Json::Array(items.iter().map(|item| to_json(item, arguments)).collect())
        }
        Value::Secret(key) => {
            tracing::warn!(
                secret = &**key,
                "a prompt names a secret; it is rendered empty"
            );
            Json::Null
        }
        // Prompts run no steps, so there is no step output to read.
        Value::Step { .. } => Json::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{self, PromptArgument, text};
    use std::borrow::Cow;

    static PROMPT: McpPrompt = McpPrompt {
        name: text("summarize-run"),
        title: Some(text("Summarize a run")),
        description: text("Summarize one run."),
        arguments: Cow::Borrowed(&[
            PromptArgument {
                name: text("runId"),
                description: text("The run"),
                required: true,
            },
            PromptArgument {
                name: text("tone"),
                description: text(""),
                required: false,
            },
        ]),
        messages: Cow::Borrowed(&[
            spec::PromptMessage {
                role: text("system"),
                parts: Cow::Borrowed(&[TemplatePart::Text(text("Be brief."))]),
            },
            spec::PromptMessage {
                role: text("user"),
                parts: Cow::Borrowed(&[
                    TemplatePart::Text(text("Summarize run ")),
                    TemplatePart::Value(Value::Input(text("runId"))),
                    TemplatePart::Text(text(" in a ")),
                    TemplatePart::Value(Value::Input(text("tone"))),
                    TemplatePart::Text(text(" tone; key ")),
                    TemplatePart::Value(Value::Secret(text("INNGEST_API_KEY"))),
                    TemplatePart::Text(text(".")),
                ]),
            },
        ]),
    };

    fn message_text(message: &PromptMessage) -> String {
        message
            .content
            .as_text()
            .map(|text| text.text.clone())
            .unwrap_or_default()
    }

    #[test]
    fn renders_arguments_and_never_secrets() {
        let mut arguments = JsonObject::new();
        arguments.insert("runId".into(), "01H".into());
        arguments.insert("tone".into(), "dry".into());
        let rendered = render(&PROMPT, &arguments);
        assert!(rendered.is_ok(), "{rendered:?}");
        let Ok(rendered) = rendered else { return };
        assert_eq!(rendered.messages.len(), 2);
        assert_eq!(rendered.messages[0].role, Role::User);
        assert_eq!(
            message_text(&rendered.messages[1]),
            "Summarize run 01H in a dry tone; key ."
        );
    }

    #[test]
    fn missing_optional_argument_renders_empty() {
        let mut arguments = JsonObject::new();
        arguments.insert("runId".into(), 7.into());
        let rendered = render(&PROMPT, &arguments);
        let Ok(rendered) = rendered else {
            unreachable!("a required argument was given: {rendered:?}")
        };
        assert_eq!(
            message_text(&rendered.messages[1]),
            "Summarize run 7 in a  tone; key ."
        );
    }

    #[test]
    fn missing_required_argument_is_invalid_params() {
        let error = render(&PROMPT, &JsonObject::new()).err();
        let Some(error) = error else {
            unreachable!("runId is required")
        };
        assert_eq!(error.code, rmcp::model::ErrorCode::INVALID_PARAMS);
        assert!(error.message.contains("runId"));
    }

    #[test]
    fn lists_arguments() {
        let prompt = describe(&PROMPT);
        let arguments = prompt.arguments.unwrap_or_default();
        assert_eq!(arguments.len(), 2);
        assert_eq!(arguments[0].required, Some(true));
        assert_eq!(prompt.title.as_deref(), Some("Summarize a run"));
    }
}
