//! Resolution of `forward` resources, `control` adapters, environment prefixes and route
//! placeholders, on small inline specs.

mod inline;

use inline::{cap, check, codes, messages};
use naftiko_codegen::Severity;

/// Two consumed namespaces (`notion`, `github`) and the given exposes block.
fn spec(exposes: &str) -> String {
    format!(
        r#"naftiko: 1.0.0-alpha3
info: {{label: T, description: t}}
capability:
  consumes:
    - type: http
      namespace: notion
      baseUri: https://api.notion.com/v1
      resources:
        - name: pages
          path: /pages/{{id}}
          operations:
            - {{name: get-page, method: GET, inputParameters: [{{name: id, in: path, required: true}}]}}
    - type: http
      namespace: github
      baseUri: https://api.github.com
  exposes:
{exposes}
"#
    )
}

fn rest(resources: &str) -> String {
    spec(&format!(
        "    - type: rest\n      namespace: api\n      port: 8080\n      resources:\n{resources}"
    ))
}

#[test]
fn every_spelling_of_a_forward_path_gives_its_literal_prefix() {
    for (path, prefix) in [
        ("/notion/{{path}}", "/notion"),
        ("/notion/{path}", "/notion"),
        ("/notion", "/notion"),
        ("/notion/", "/notion"),
        ("/a/b/{rest}", "/a/b"),
        ("/{path}", ""),
    ] {
        let c = check(&rest(&format!(
            "        - path: \"{path}\"\n          forward: {{targetNamespace: github}}"
        )));
        let forward = &cap(&c).rest[0].forwards[0];
        assert_eq!(forward.prefix, prefix, "{path}");
        assert_eq!(forward.namespace, 1, "{path}");
        assert_eq!(forward.name, format!("forward {path}"));
    }
}

#[test]
fn a_forward_path_with_a_placeholder_before_the_rest_is_an_error() {
    let c = check(&rest(
        "        - path: /t/{tenant}/{path}\n          forward: {targetNamespace: github}",
    ));
    assert_eq!(codes(&c, Severity::Error), ["bad-forward-path"]);
}

#[test]
fn trusted_headers_are_lower_case_without_duplicates_or_hop_by_hop_headers() {
    let c = check(&rest(
        "        - path: /n/{path}\n          name: proxy\n          forward:\n            targetNamespace: notion\n            trustedHeaders: [Notion-Version, notion-version, X-Id, Connection]",
    ));
    assert_eq!(codes(&c, Severity::Warning), ["trusted-header-ignored"]);
    let forward = &cap(&c).rest[0].forwards[0];
    assert_eq!(forward.trusted_headers, ["notion-version", "x-id"]);
    assert_eq!(forward.name, "proxy");
    let bad = check(&rest(
        "        - path: /n\n          forward: {targetNamespace: notion, trustedHeaders: [\"Bad Header\"]}",
    ));
    assert_eq!(codes(&bad, Severity::Error), ["bad-header"]);
}

#[test]
fn the_target_namespace_is_matched_like_calls_are() {
    let folded = check(&rest(
        "        - path: /n\n          forward: {targetNamespace: Notion}",
    ));
    assert_eq!(codes(&folded, Severity::Warning), ["case-folded-name"]);
    assert_eq!(cap(&folded).rest[0].forwards[0].namespace, 0);
    let unknown = check(&rest(
        "        - path: /n\n          forward: {targetNamespace: notoin}",
    ));
    assert_eq!(codes(&unknown, Severity::Error), ["unknown-namespace"]);
    let help = unknown
        .diagnostics
        .iter()
        .find_map(|d| d.help.clone())
        .unwrap_or_default();
    assert!(help.contains("notion"), "{help}");
}

#[test]
fn routes_next_to_a_forward_must_leave_it_its_sub_paths() {
    let route = |path: &str| {
        format!(
            "        - path: {path}\n          operations:\n            - {{method: GET, name: g, call: notion.get-page}}\n"
        )
    };
    let forward = "        - path: /n/{path}\n          forward: {targetNamespace: notion}\n";
    let fine = check(&rest(&format!("{}{forward}", route("/n/pages/{id}"))));
    assert_eq!(cap(&fine).rest[0].routes.len(), 1);
    let clash = check(&rest(&format!("{}{forward}", route("/n/{id}"))));
    assert_eq!(codes(&clash, Severity::Error), ["forward-conflict"]);
    let twice = check(&rest(&format!(
        "{forward}        - path: /n\n          forward: {{targetNamespace: github}}\n"
    )));
    assert_eq!(codes(&twice, Severity::Error), ["duplicate-route"]);
}

#[test]
fn control_adapters_take_their_namespace_or_control_for_their_address() {
    let c = check(&spec(
        "    - type: control\n      port: 9199\n    - type: control\n      namespace: ops-port\n      address: 0.0.0.0\n      port: 9200",
    ));
    let control = &cap(&c).control;
    assert_eq!(control.len(), 2);
    assert_eq!(
        (
            control[0].namespace.as_str(),
            control[0].env_prefix.as_str()
        ),
        ("control", "CONTROL")
    );
    assert_eq!(control[0].default_addr, "127.0.0.1:9199");
    assert_eq!(control[1].env_prefix, "OPS_PORT");
    assert_eq!(control[1].default_addr, "0.0.0.0:9200");
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
}

#[test]
fn control_settings_we_do_not_honour_say_so_and_scripting_is_refused() {
    let ignored = check(&spec(
        "    - type: control\n      port: 9199\n      management: {health: true, info: true}\n      observability: {traces: {sampling: 0.5}}",
    ));
    assert_eq!(
        codes(&ignored, Severity::Warning),
        ["control-setting-ignored", "control-setting-ignored"]
    );
    assert!(messages(&ignored, "control-setting-ignored")[0].contains("`info`"));
    let disabled = check(&spec(
        "    - type: control\n      port: 9199\n      management: {health: true, scripting: {enabled: false}}\n      observability: {enabled: false}",
    ));
    assert!(
        disabled.diagnostics.is_empty(),
        "{:?}",
        disabled.diagnostics
    );
    let scripting = check(&spec(
        "    - type: control\n      port: 9199\n      management:\n        scripting: {enabled: true, defaultLanguage: javascript}",
    ));
    assert_eq!(
        codes(&scripting, Severity::Error),
        ["unsupported-scripting"]
    );
}

#[test]
fn namespaces_that_fold_to_one_environment_prefix_are_an_error_naming_both() {
    let c = check(&spec(
        "    - type: rest\n      namespace: Notion\n      port: 8080\n      resources:\n        - path: /n\n          forward: {targetNamespace: notion}",
    ));
    assert_eq!(codes(&c, Severity::Error), ["env-prefix-collision"]);
    let message = &messages(&c, "env-prefix-collision")[0];
    assert!(
        message.contains("`Notion`") && message.contains("`notion`") && message.contains("NOTION_"),
        "{message}"
    );
    let controls = check(&spec(
        "    - type: control\n      port: 1\n    - type: control\n      port: 2",
    ));
    assert_eq!(codes(&controls, Severity::Error), ["env-prefix-collision"]);
    let same_name = check(&spec(
        "    - type: control\n      namespace: api\n      port: 1\n    - type: mcp\n      namespace: api\n      tools: [{name: t, call: notion.get-page}]",
    ));
    assert_eq!(codes(&same_name, Severity::Error), ["duplicate-namespace"]);
    let named_control = check(&spec(
        "    - type: control\n      port: 1\n    - type: mcp\n      namespace: control\n      tools: [{name: t, call: notion.get-page}]",
    ));
    assert_eq!(
        codes(&named_control, Severity::Error),
        ["env-prefix-collision"]
    );
}

#[test]
fn one_placeholder_twice_in_a_path_is_an_error() {
    let c = check(&rest(
        "        - path: /a/{sid}/b/{sid}\n          operations:\n            - {method: GET, name: g, call: notion.get-page, with: {id: rest.sid}}",
    ));
    assert_eq!(codes(&c, Severity::Error), ["duplicate-placeholder"]);
}

#[test]
fn a_placeholder_name_taken_earlier_in_its_path_is_routed_under_another_name() {
    // `/w/{sid}` names the first position `sid`; the second route then routes `{ws}` as
    // `{sid}`, so its own `{sid}` needs another router name.
    let c = check(&rest(
        "        - path: /w/{sid}\n          operations:\n            - {method: GET, name: a, call: notion.get-page, with: {id: rest.sid}}\n        - path: /w/{ws}/t/{sid}\n          operations:\n            - {method: GET, name: b, call: notion.get-page, with: {id: rest.sid}}",
    ));
    let routes = &cap(&c).rest[0].routes;
    assert_eq!(routes[1].path, "/w/{sid}/t/{sid_2}");
    let inputs: Vec<(&str, &str)> = routes[1]
        .inputs
        .iter()
        .map(|i| (i.name.as_str(), i.wire_name.as_str()))
        .collect();
    assert_eq!(inputs, [("ws", "sid"), ("sid", "sid_2")]);
    assert!(
        messages(&c, "renamed-placeholder")
            .iter()
            .any(|m| m.contains("{sid_2}")),
        "{:?}",
        c.diagnostics
    );
}

fn mcp_resource(uri: &str, with: &str) -> String {
    spec(&format!(
        "    - type: mcp\n      namespace: m\n      port: 8090\n      tools: []\n      resources:\n        - name: page\n          uri: \"{uri}\"\n          call: notion.get-page{with}"
    ))
}

#[test]
fn an_mcp_resource_uri_with_placeholders_is_a_template_that_supplies_inputs() {
    use naftiko_codegen::ir::PathPart;
    let c = check(&mcp_resource("notion://pages/{id}", ""));
    let resource = &cap(&c).mcp[0].resources[0];
    assert_eq!(
        resource.uri_template,
        [
            PathPart::Literal("notion://pages/".into()),
            PathPart::Param("id".into())
        ]
    );
    // A fixed URI with a `with` literal is no template.
    let c = check(&mcp_resource(
        "notion://pages/home",
        "\n          with: {id: home}",
    ));
    assert!(cap(&c).mcp[0].resources[0].uri_template.is_empty());
    // A fixed URI whose call needs an input nothing gives: the error names it.
    let c = check(&mcp_resource("notion://pages/home", ""));
    assert_eq!(
        messages(&c, "resource-needs-input"),
        ["resource `page` needs caller input `id`, which its URI does not give"]
    );
    // Touching placeholders cannot be told apart on a read.
    let c = check(&mcp_resource("notion://pages/{id}{rev}", ""));
    assert!(codes(&c, Severity::Error).contains(&"bad-uri-template"));
}
