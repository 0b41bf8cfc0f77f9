//! Keys the official schemas define are never `unknown-key`: each is read, or warned about or
//! refused with the code and reason of the coverage table (`naftiko_codegen::coverage`), on
//! the small specs in `tests/specs/schema_keys/`.

mod check_spec;

use check_spec::{cap, check, codes, messages};
use naftiko_codegen::Severity;

#[test]
fn tags_and_other_descriptive_keys_are_read_without_a_diagnostic() {
    let c = check("schema_keys/tags-and-control-authentication.yaml");
    cap(&c);
    let warnings = codes(&c, Severity::Warning);
    assert!(
        !warnings.contains(&"unknown-key") && !warnings.contains(&"misplaced-key"),
        "{:#?}",
        c.diagnostics.iter().collect::<Vec<_>>()
    );
}

#[test]
fn authentication_on_a_control_adapter_is_known_and_read() {
    let c = check("schema_keys/tags-and-control-authentication.yaml");
    assert!(
        messages(&c, "control-setting-ignored").is_empty(),
        "{:?}",
        c.diagnostics
    );
    assert!(
        matches!(
            cap(&c).control[0].auth,
            naftiko_codegen::spec::Auth::Bearer { .. }
        ),
        "{:?}",
        cap(&c).control[0].auth
    );
}

#[test]
fn a_key_of_another_kind_of_entry_is_misplaced_and_a_script_key_is_refused() {
    let c = check("schema_keys/misplaced-and-script-keys.yaml");
    assert_eq!(
        messages(&c, "misplaced-key").len(),
        1,
        "{:?}",
        c.diagnostics
    );
    assert!(messages(&c, "misplaced-key")[0].contains("`tools`"));
    assert_eq!(codes(&c, Severity::Error), ["unsupported-step"]);
    assert!(messages(&c, "unsupported-step")[0].contains("`language`"));
    assert!(!codes(&c, Severity::Warning).contains(&"unknown-key"));
}

#[test]
fn a_tool_that_only_names_an_aggregate_function_takes_its_name() {
    let c = check("schema_keys/tool-by-ref-only.yaml");
    let tool = &cap(&c).mcp[0].tools[0];
    assert_eq!(tool.name, "get-forecast");
}

#[test]
fn a_consumed_parameter_in_the_environment_is_not_sent() {
    let c = check("schema_keys/environment-parameter.yaml");
    let capability = cap(&c);
    let names: Vec<&str> = capability.consumes[0]
        .default_params
        .iter()
        .map(|p| p.name.as_ref())
        .collect();
    assert_eq!(names, ["Notion-Version"]);
    assert!(codes(&c, Severity::Error).is_empty());
}

#[test]
fn a_top_level_key_under_capability_is_misplaced() {
    let yaml = "naftiko: 1.0.0-alpha3\ninfo: {label: T, description: t}\n\
                capability:\n  info: {label: T}\n  consumes: []\n";
    let c = naftiko_codegen::check_bytes(
        yaml.as_bytes(),
        std::path::Path::new("inline.yaml"),
        "inline.yaml",
    );
    assert_eq!(
        messages(&c, "misplaced-key").len(),
        1,
        "{:?}",
        c.diagnostics
    );
}
