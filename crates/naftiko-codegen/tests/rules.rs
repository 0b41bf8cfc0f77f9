//! One test (or more) per resolution rule of DESIGN.md, on the small specs in
//! `tests/specs/rules/`: most consume `GET /items/{itemId}` (plus a `q` query parameter) from
//! `shop` and expose what the test is about.

mod check_spec;

use check_spec::{binding, cap, check, codes, literal, origin, route_site, schema, tool_site};
use naftiko_codegen::spec::{Handler, Output, ParamLocation, PathPart, Value, ValueType};
use naftiko_codegen::{BindingKind, InputOrigin};
use naftiko_codegen::{Checked, Severity, check_bytes};
use std::path::Path;

/// The arguments of the first route's call, with how each was bound.
fn rest_args(c: &Checked) -> Vec<(String, Value, Option<BindingKind>)> {
    let site = route_site(c, 0, 0);
    match &cap(c).rest[0].routes[0].handler {
        Handler::Call { args, .. } => args
            .iter()
            .map(|a| {
                let kind = binding(c, &site, &a.input);
                (a.input.to_string(), a.value.clone(), kind)
            })
            .collect(),
        other => unreachable!("{other:?}"),
    }
}

#[test]
fn rule1_rest_prefix_means_caller_input() {
    let c = check("rules/rest-prefix-means-caller-input.yaml");
    assert_eq!(
        rest_args(&c),
        vec![(
            "itemId".into(),
            Value::Input("itemId".into()),
            Some(BindingKind::With)
        )]
    );
    assert!(
        codes(&c, Severity::Warning).is_empty(),
        "{:?}",
        codes(&c, Severity::Warning)
    );
}

#[test]
fn rule1_other_strings_are_literals_and_numbers_stay_numbers() {
    let c = check("rules/literal-string-and-number-arguments.yaml");
    let args = rest_args(&c);
    assert_eq!(args[0].1, literal(serde_json::json!("fixed-id")));
    assert_eq!(args[1].1, literal(serde_json::json!(5)));
}

#[test]
fn rule2_case_folded_names_match_with_a_warning() {
    // The seed's defect: `{runid}` in the exposed path, `rest.runId` in `with`.
    let c = check("rules/placeholder-differs-only-in-case.yaml");
    assert_eq!(rest_args(&c)[0].1, Value::Input("itemid".into()));
    assert_eq!(rest_args(&c)[0].2, Some(BindingKind::WithInputFolded));
    assert_eq!(codes(&c, Severity::Warning), vec!["case-folded-name"]);
}

#[test]
fn rule2_two_candidates_after_folding_is_an_error() {
    let c = check("rules/two-inputs-fold-to-one-name.yaml");
    assert!(
        codes(&c, Severity::Error).contains(&"ambiguous-name"),
        "{:?}",
        codes(&c, Severity::Error)
    );
}

#[test]
fn rule3_double_brace_placeholders_are_placeholders_too() {
    let c = check("rules/double-brace-placeholder.yaml");
    let route = &cap(&c).rest[0].routes[0];
    assert_eq!(route.path, "/x/{itemId}");
    assert_eq!(
        origin(&c, &route_site(&c, 0, 0), &route.inputs[0].name),
        Some(InputOrigin::PathPlaceholder)
    );
}

#[test]
fn rule4_pass_through_by_name() {
    let c = check("rules/pass-through-by-name.yaml");
    assert_eq!(
        rest_args(&c),
        vec![(
            "itemId".into(),
            Value::Input("itemId".into()),
            Some(BindingKind::PassThrough)
        )]
    );
}

#[test]
fn rule5_required_inputs_nothing_supplies_are_inferred() {
    let c = check("rules/tool-without-inputs.yaml");
    let tool = &cap(&c).mcp[0].tools[0];
    assert_eq!(tool.inputs.len(), 1, "only the required one is inferred");
    assert_eq!(
        (
            &*tool.inputs[0].name,
            tool.inputs[0].required,
            origin(&c, &tool_site(&c, 0, 0), "itemId")
        ),
        ("itemId", true, Some(InputOrigin::Inferred))
    );
    assert_eq!(schema(tool)["required"], serde_json::json!(["itemId"]));
    assert_eq!(schema(tool)["properties"]["itemId"]["type"], "string");
    assert_eq!(codes(&c, Severity::Warning), vec!["inferred-input"]);
    // On REST, a GET infers a query parameter.
    let c = check("rules/get-route-without-inputs.yaml");
    let input = &cap(&c).rest[0].routes[0].inputs[0];
    assert_eq!(
        (&*input.name, input.location, input.required),
        ("itemId", ParamLocation::Query, true)
    );
}

#[test]
fn rule5_types_come_from_the_consumed_parameter() {
    let c = check("rules/tool-argument-for-an-optional-parameter.yaml");
    let tool = &cap(&c).mcp[0].tools[0];
    assert_eq!(tool.inputs[0].name, "q");
    // `q` is optional upstream, so the inferred argument is optional too.
    assert!(!tool.inputs[0].required);
    assert_eq!(tool.inputs[0].ty, ValueType::Integer);
    assert_eq!(schema(tool)["properties"]["q"]["type"], "integer");
}

#[test]
fn rule6_secrets_are_bound_and_listed() {
    let c = check("rules/pass-through-by-name.yaml");
    let cap = cap(&c);
    assert_eq!(
        cap.secrets.iter().map(|s| &*s.key).collect::<Vec<_>>(),
        vec!["API_KEY"]
    );
    match &cap.consumes[0].auth {
        naftiko_codegen::spec::Auth::Bearer { token } => {
            assert_eq!(token, &Value::Secret("API_KEY".into()))
        }
        other => unreachable!("{other:?}"),
    }
}

#[test]
fn rule7_identity_mapping_is_a_pass_through() {
    let c = check("rules/identity-output-mapping.yaml");
    assert!(matches!(
        &cap(&c).rest[0].routes[0].handler,
        Handler::Call {
            output: Output::Passthrough,
            ..
        }
    ));
}

#[test]
fn consumed_path_placeholders_are_inputs() {
    let c = check("rules/pass-through-by-name.yaml");
    let op = &cap(&c).consumes[0].operations[0];
    assert_eq!(
        op.path,
        vec![
            PathPart::Literal("/items/".into()),
            PathPart::Param("itemId".into())
        ]
    );
    assert_eq!(cap(&c).consumes[0].base_url, "https://shop.example");
}

#[test]
fn unknown_call_targets_are_errors_with_a_suggestion() {
    let c = check("rules/misspelt-call-target.yaml");
    let d = c
        .diagnostics
        .iter()
        .find(|d| d.code == "unknown-operation")
        .cloned();
    let d = d.unwrap_or_else(|| unreachable!("no unknown-operation"));
    assert_eq!(d.help.as_deref(), Some("did you mean `shop.get-item`?"));
    assert_eq!(
        (d.line, d.path.as_str()),
        (27, "capability.exposes[0].resources[0].operations[0].call")
    );
}

#[test]
fn a_call_to_an_operation_name_used_twice_is_an_error_unless_they_are_the_same() {
    let c = check("rules/operation-names-repeated.yaml");
    let errors: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let d = errors[0];
    assert_eq!(d.code, "ambiguous-operation");
    assert_eq!(
        (d.line, d.path.as_str()),
        (34, "capability.exposes[0].resources[0].operations[0].call")
    );
    assert!(
        d.message.contains("GET /actions/secrets") && d.message.contains("GET /dependabot/secrets"),
        "{}",
        d.message
    );
}

#[test]
fn duplicate_routes_merge_when_identical_and_fail_when_not() {
    let c = check("rules/duplicate-routes-identical.yaml");
    assert_eq!(codes(&c, Severity::Warning), vec!["duplicate-route-merged"]);
    assert_eq!(cap(&c).rest[0].routes.len(), 1);
    // The same two routes, the first now with a `with`.
    let c = check("rules/duplicate-routes-different.yaml");
    assert!(codes(&c, Severity::Error).contains(&"duplicate-route"));
}

#[test]
fn conflicting_placeholder_names_at_one_segment_are_routed_under_one_name() {
    let c = check("rules/conflicting-placeholder-names.yaml");
    let routes = &cap(&c).rest[0].routes;
    assert_eq!(routes[1].path, "/ads/{ad_id}/insights");
    assert_eq!(
        (&*routes[1].inputs[0].name, &*routes[1].inputs[0].wire_name),
        ("ad_set_id", "ad_id")
    );
    assert_eq!(codes(&c, Severity::Warning), vec!["renamed-placeholder"]);
}

#[test]
fn a_placeholder_inside_a_segment_is_routed_and_rendered() {
    let c = check("rules/placeholder-inside-segment.yaml");
    assert_eq!(codes(&c, Severity::Error), Vec::<&str>::new());
    let routes = &cap(&c).rest[0].routes;
    let paths: Vec<&str> = routes.iter().map(|r| &*r.path).collect();
    // `{space}` shares its position with `{name}`: routed under that name, the text kept.
    assert_eq!(paths, ["/v2/{name}", "/v2/{name}:end", "/act_{id}/ads"]);
    let end = &routes[1].inputs[0];
    assert_eq!((&*end.name, &*end.wire_name), ("space", "name"));
    assert_eq!(end.location, ParamLocation::Path);
    let consumed = &cap(&c).consumes[0].operations;
    assert_eq!(
        consumed[0].path.to_vec(),
        [
            PathPart::Literal("/".into()),
            PathPart::Param("name".into()),
            PathPart::Literal(":endActiveConference".into()),
        ]
    );
    assert_eq!(
        consumed[1].path.to_vec(),
        [
            PathPart::Literal("/act_".into()),
            PathPart::Param("accountId".into()),
            PathPart::Literal("/ads".into()),
        ]
    );
}

#[test]
fn two_placeholders_in_one_segment_are_refused_with_the_reason() {
    let c = check("rules/two-placeholders-in-one-segment.yaml");
    assert_eq!(codes(&c, Severity::Error), vec!["bad-path"]);
    let message = &check_spec::messages(&c, "bad-path")[0];
    assert!(message.contains("`{a}-{b}`"), "{message}");
    assert!(message.contains("cannot be told apart"), "{message}");
}

#[test]
fn secrets_in_a_path_are_sent_as_secrets_and_named_only() {
    let c = check("rules/secrets-in-path.yaml");
    assert_eq!(codes(&c, Severity::Error), Vec::<&str>::new());
    let telegram = &cap(&c).consumes[0];
    // The base URL's segments from the key's on go in front of every path.
    assert_eq!(&*telegram.base_url, "https://api.telegram.org");
    assert_eq!(
        telegram.operations[0].path.to_vec(),
        [
            PathPart::Literal("/bot".into()),
            PathPart::Secret("BOT_TOKEN".into()),
            PathPart::Literal("/getMe".into()),
        ]
    );
    // Neither is an input a caller could fill.
    assert!(telegram.operations[0].inputs.is_empty());
    let notion = &cap(&c).consumes[1].operations[0];
    assert_eq!(
        notion.path.to_vec(),
        [
            PathPart::Literal("/databases/".into()),
            PathPart::Secret("DB_ID".into()),
            PathPart::Literal("/query".into()),
        ]
    );
    assert!(notion.inputs.is_empty());
    assert!(cap(&c).rest[0].routes.iter().all(|r| r.inputs.is_empty()));
    // Both are read at start-up, like every secret a value names.
    let secrets: Vec<&str> = cap(&c).secrets.iter().map(|s| &*s.key).collect();
    assert_eq!(secrets, ["BOT_TOKEN", "DB_ID"]);
}

#[test]
fn an_api_key_placed_in_the_path_needs_a_placeholder() {
    let c = check("rules/apikey-in-path-without-placeholder.yaml");
    assert_eq!(codes(&c, Severity::Error), vec!["bad-apikey-placement"]);
    let message = &check_spec::messages(&c, "bad-apikey-placement")[0];
    assert!(message.contains("`{token}`"), "{message}");
}

#[test]
fn aws_sigv4_needs_a_service_and_a_region_name() {
    let c = check("rules/aws-sigv4-without-service.yaml");
    assert_eq!(
        codes(&c, Severity::Error),
        vec!["missing-key", "bad-aws-region"]
    );
    let message = &check_spec::messages(&c, "missing-key")[0];
    assert!(message.contains("`service`"), "{message}");
}

#[test]
fn an_api_key_placed_in_the_body_needs_a_body_with_fields() {
    let c = check("rules/apikey-in-raw-body.yaml");
    assert_eq!(codes(&c, Severity::Error), vec!["bad-apikey-placement"]);
    let message = &check_spec::messages(&c, "bad-apikey-placement")[0];
    assert!(message.contains("raw body"), "{message}");
}

#[test]
fn environment_parameters_are_secrets_read_at_start_up_not_inputs() {
    let c = check("rules/environment-parameter.yaml");
    assert_eq!(codes(&c, Severity::Error), Vec::<&str>::new());
    assert_eq!(codes(&c, Severity::Warning), Vec::<&str>::new());
    let secrets: Vec<&str> = cap(&c).secrets.iter().map(|s| &*s.key).collect();
    assert_eq!(secrets, ["notion_api_key", "workspace"]);
    let op = &cap(&c).consumes[0].operations[0];
    let inputs: Vec<&str> = op.inputs.iter().map(|i| &*i.name).collect();
    assert_eq!(inputs, ["X-Workspace", "pageId"]);
    assert_eq!(op.inputs[0].fixed, Some(Value::Secret("workspace".into())));
    let route = &cap(&c).rest[0].routes[0];
    assert!(route.inputs.iter().all(|i| &*i.name == "pageId"));
}

#[test]
fn dialects_apikey_name_in_and_auth_key_are_accepted_with_warnings() {
    let c = check("rules/apikey-under-auth-key.yaml");
    let w = codes(&c, Severity::Warning);
    assert!(
        w.contains(&"dialect-auth-key") && w.contains(&"dialect-apikey-name"),
        "{w:?}"
    );
    assert!(
        matches!(&cap(&c).consumes[0].auth, naftiko_codegen::spec::Auth::ApiKey { name, .. } if name == "X-Key")
    );
}

#[test]
fn unsupported_features_are_clear_errors() {
    let c = check("rules/oauth1-authentication.yaml");
    assert!(codes(&c, Severity::Error).contains(&"unsupported-auth"));
    let c = check("rules/script-step.yaml");
    assert!(codes(&c, Severity::Error).contains(&"unsupported-step"));
}

#[test]
fn ikanos_name_keyed_maps_read_like_lists() {
    let c = check("rules/ikanos-name-keyed-maps.yaml");
    let tool = &cap(&c).mcp[0].tools[0];
    assert_eq!(tool.name, "get");
    assert_eq!(
        origin(&c, &tool_site(&c, 0, 0), &tool.inputs[0].name),
        Some(InputOrigin::Declared)
    );
}

#[test]
fn every_error_of_a_broken_spec_is_reported_at_once() {
    let c = check("rules/three-broken-operations.yaml");
    let e = codes(&c, Severity::Error);
    assert!(
        e.contains(&"unknown-namespace")
            && e.contains(&"unknown-operation")
            && e.contains(&"bad-method"),
        "{e:?}"
    );
}

#[test]
fn bad_bytes_end_in_diagnostics() {
    for bytes in [
        &b""[..],
        b"\xff\xfe\x00garbage",
        b"[[[[",
        b"just a string",
        b"naftiko: 1\ncapability: 3\n",
    ] {
        let c = check_bytes(bytes, Path::new("x.yaml"), "x.yaml");
        assert!(c.has_errors(), "{:?}", String::from_utf8_lossy(bytes));
    }
}

#[test]
fn structured_tool_arguments_are_defined_once_under_defs() {
    let c = check("rules/structured-tool-argument.yaml");
    let schema = &schema(&cap(&c).mcp[0].tools[0]);
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(
        schema["$defs"]["address"]["properties"]["street"]["type"],
        "string"
    );
    assert_eq!(
        schema["$defs"]["address"]["required"],
        serde_json::json!(["city"])
    );
    assert_eq!(schema["properties"]["address"]["$ref"], "#/$defs/address");
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn a_query_string_in_a_consumed_path_becomes_query_parameters() {
    let c = check("rules/query-string-in-consumed-path.yaml");
    assert_eq!(
        codes(&c, Severity::Warning),
        vec!["query-in-path", "inferred-input"]
    );
    let op = &cap(&c).consumes[0].operations[0];
    assert_eq!(
        op.path,
        vec![
            PathPart::Literal("/items/".into()),
            PathPart::Param("itemId".into())
        ]
    );
    let view = op.inputs.iter().find(|i| i.name == "view");
    assert_eq!(
        view.map(|i| (i.location, i.fixed.clone())),
        Some((
            Some(ParamLocation::Query),
            Some(literal(serde_json::json!("full text")))
        ))
    );
    // `q` is declared, so the declaration wins over `q={term}`.
    assert!(op.inputs.iter().all(|i| i.name != "term"));
}

#[test]
fn an_optional_input_that_alone_feeds_a_required_parameter_becomes_required() {
    let c = check("rules/optional-input-feeds-required-parameter.yaml");
    let tool = &cap(&c).mcp[0].tools[0];
    assert!(tool.inputs[0].required);
    assert_eq!(schema(tool)["required"], serde_json::json!(["itemId"]));
    assert_eq!(codes(&c, Severity::Warning), vec!["input-made-required"]);
}

#[test]
fn an_input_pattern_is_kept_for_the_runtime_and_advertised_in_both_schemas() {
    let c = check("rules/input-pattern.yaml");
    let route = &cap(&c).rest[0].routes[0];
    assert_eq!(
        route.inputs[0].pattern.as_deref(),
        Some("^[a-z]{2}-[0-9]+$")
    );
    let tool = &cap(&c).mcp[0].tools[0];
    assert_eq!(
        schema(tool)["properties"]["itemId"]["pattern"],
        "^[a-z]{2}-[0-9]+$"
    );
    let generated = naftiko_codegen::Generator::new()
        .generate(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/rules/input-pattern.yaml"),
            "input-pattern.yaml",
        )
        .map(|generated| generated.code)
        .unwrap_or_default();
    assert!(
        generated.contains(r#"\"pattern\": \"^[a-z]{2}-[0-9]+$\""#),
        "the OpenAPI document names the pattern"
    );
}

#[test]
fn a_pattern_the_runtime_cannot_run_is_a_located_error() {
    let c = check("rules/input-pattern-look-behind.yaml");
    let bad: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.code == "bad-pattern")
        .collect();
    assert_eq!(
        bad.len(),
        2,
        "{:#?}",
        c.diagnostics.iter().collect::<Vec<_>>()
    );
    assert_eq!((bad[0].line, bad[1].line), (31, 39));
}
