//! MCP resources: fixed ones (`resources/list`) and URI templates (`resources/templates/list`),
//! and reading either. A read of a template fills its placeholders from the URI the client
//! sent; they are the caller inputs of the resource's upstream call.

use rmcp::ErrorData as McpError;
use rmcp::model::{Resource, ResourceContents, ResourceTemplate};

use crate::interp::inputs::Inputs;
use crate::spec::{McpResource, PathPart};

/// The `resources/list` entry of a fixed resource; `None` for a template.
pub(super) fn describe(resource: &'static McpResource) -> Option<Resource> {
    if !resource.uri_template.is_empty() {
        return None;
    }
    let mut described = Resource::new(&*resource.uri, &*resource.name);
    if let Some(title) = &resource.title {
        described = described.with_title(&**title);
    }
    if !resource.description.is_empty() {
        described = described.with_description(&*resource.description);
    }
    if !resource.mime_type.is_empty() {
        described = described.with_mime_type(&*resource.mime_type);
    }
    Some(described)
}

/// The `resources/templates/list` entry of a template; `None` for a fixed resource.
pub(super) fn describe_template(resource: &'static McpResource) -> Option<ResourceTemplate> {
    if resource.uri_template.is_empty() {
        return None;
    }
    let mut described = ResourceTemplate::new(&*resource.uri, &*resource.name);
    if let Some(title) = &resource.title {
        described = described.with_title(&**title);
    }
    if !resource.description.is_empty() {
        described = described.with_description(&*resource.description);
    }
    if !resource.mime_type.is_empty() {
        described = described.with_mime_type(&*resource.mime_type);
    }
    Some(described)
}

/// The resource a `resources/read` of `uri` means, with the inputs its template captured:
/// a fixed resource of that exact URI first, else the first template that matches.
pub(super) fn find(
    resources: &'static [McpResource],
    uri: &str,
) -> Result<(&'static McpResource, Inputs), McpError> {
    if let Some(fixed) = resources
        .iter()
        .find(|r| r.uri_template.is_empty() && r.uri == uri)
    {
        return Ok((fixed, Inputs::new()));
    }
    resources
        .iter()
        .filter(|r| !r.uri_template.is_empty())
        .find_map(|r| Some((r, capture(&r.uri_template, uri)?)))
        .ok_or_else(|| McpError::resource_not_found(format!("no resource `{uri}`"), None))
}

/// Matches `uri` against a template (RFC 6570 level 1, `{name}` holes between literal text):
/// each hole takes a non-empty run up to the next literal, never across a `/`, and is
/// percent-decoded (clients expand templates with percent-encoding).
fn capture(template: &[PathPart], uri: &str) -> Option<Inputs> {
    let mut inputs = Inputs::new();
    let mut rest = uri;
    let mut parts = template.iter().peekable();
    while let Some(part) = parts.next() {
        match part {
            PathPart::Literal(text) => rest = rest.strip_prefix(&**text)?,
            PathPart::Param(name) => {
                let end = match parts.peek() {
                    Some(PathPart::Literal(next)) => rest.find(&**next)?,
                    // The resolver refuses touching placeholders; the last one takes the rest.
                    _ => rest.len(),
                };
                let raw = &rest[..end];
                if raw.is_empty() || raw.contains('/') {
                    return None;
                }
                let value = percent_encoding::percent_decode_str(raw)
                    .decode_utf8()
                    .ok()?
                    .into_owned();
                inputs.insert((*name).to_string(), value.into());
                rest = &rest[end..];
            }
            // A resource URI never names a secret (the resolver builds none); nothing matches.
            PathPart::Secret(_) => return None,
        }
    }
    rest.is_empty().then_some(inputs)
}

/// A fixed, embedded resource's contents: its text, or for a `binary` resource the base64 of
/// its bytes as a blob.
pub(super) fn embedded(resource: &'static McpResource, content: &'static str) -> ResourceContents {
    let mime_type = match (&*resource.mime_type, resource.binary) {
        ("", true) => "application/octet-stream",
        ("", false) => "text/plain",
        (mime_type, _) => mime_type,
    };
    if resource.binary {
        ResourceContents::blob(content, &*resource.uri).with_mime_type(mime_type)
    } else {
        ResourceContents::text(content, &*resource.uri).with_mime_type(mime_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::McpResourceContent;
    use crate::spec::{list, text};

    const PROFILE: &[PathPart] = &[
        PathPart::Literal(text("data://users/")),
        PathPart::Param(text("userId")),
        PathPart::Literal(text("/profile")),
    ];

    static RESOURCES: &[McpResource] = &[
        McpResource {
            name: text("schema"),
            title: None,
            uri: text("data://users/schema/profile"),
            uri_template: list(&[]),
            description: text(""),
            mime_type: text(""),
            binary: false,
            content: McpResourceContent::Static(text("{}")),
        },
        McpResource {
            name: text("profile"),
            title: None,
            uri: text("data://users/{userId}/profile"),
            uri_template: list(PROFILE),
            description: text(""),
            mime_type: text(""),
            binary: false,
            content: McpResourceContent::Static(text("{}")),
        },
    ];

    static BLOB: McpResource = McpResource {
        name: text("pixel"),
        title: None,
        uri: text("files://pixel"),
        uri_template: list(&[]),
        description: text(""),
        mime_type: text(""),
        binary: true,
        content: McpResourceContent::Static(text("iVBORw0KGgo=")),
    };

    #[test]
    fn a_binary_resource_is_read_as_a_blob() {
        let read = embedded(&BLOB, "iVBORw0KGgo=");
        assert!(
            matches!(
                &read,
                ResourceContents::BlobResourceContents { blob, mime_type, .. }
                    if blob == "iVBORw0KGgo="
                        && mime_type.as_deref() == Some("application/octet-stream")
            ),
            "{read:?}"
        );
        assert!(matches!(
            embedded(&RESOURCES[0], "{}"),
            ResourceContents::TextResourceContents { .. }
        ));
    }

    #[test]
    fn a_template_captures_decoded_values_and_fixed_uris_win() {
        let captured = capture(PROFILE, "data://users/a%20b%2Fc/profile");
        assert_eq!(
            captured.and_then(|i| i.get("userId").cloned()),
            Some("a b/c".into())
        );
        for no_match in [
            "data://users//profile",
            "data://users/a/b/profile",
            "data://users/a/profile/x",
            "data://groups/a/profile",
        ] {
            assert!(capture(PROFILE, no_match).is_none(), "{no_match}");
        }
        let fixed = find(RESOURCES, "data://users/schema/profile").map(|(r, _)| &*r.name);
        assert_eq!(fixed.ok(), Some("schema"));
        let templated = find(RESOURCES, "data://users/42/profile").map(|(r, i)| (&*r.name, i));
        assert!(
            matches!(&templated, Ok(("profile", inputs)) if inputs.get("userId") == Some(&"42".into())),
            "{templated:?}"
        );
        assert!(find(RESOURCES, "data://nothing").is_err());
    }
}
