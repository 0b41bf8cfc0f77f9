//! Resolution of `forward` resources, `control` adapters, environment prefixes and route
//! placeholders, on the small specs in `tests/specs/adapters_rules/`: each consumes `notion`
//! (one operation, `get-page`) and `github` (none), and exposes what the test is about.

mod check_spec;

use check_spec::{cap, check, check_filled, codes, messages};
use naftiko_codegen::Severity;
use naftiko_codegen::spec::{ConsumesId, ObservabilitySpec, Value};

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
        let c = check_filled("adapters_rules/forward-at-path.yaml", "__PATH__", path);
        let forward = &cap(&c).rest[0].forwards[0];
        assert_eq!(forward.prefix, prefix, "{path}");
        assert_eq!(forward.consumes, ConsumesId(1), "{path}");
        assert_eq!(forward.name, format!("forward {path}"));
    }
}

#[test]
fn a_forward_path_with_a_placeholder_before_the_rest_is_an_error() {
    let c = check("adapters_rules/forward-path-with-placeholder-before-rest.yaml");
    assert_eq!(codes(&c, Severity::Error), ["bad-forward-path"]);
}

#[test]
fn trusted_headers_are_lower_case_without_duplicates_or_hop_by_hop_headers() {
    let c = check("adapters_rules/forward-trusted-headers.yaml");
    assert_eq!(codes(&c, Severity::Warning), ["trusted-header-ignored"]);
    let forward = &cap(&c).rest[0].forwards[0];
    assert_eq!(*forward.trusted_headers, ["notion-version", "x-id"]);
    assert_eq!(forward.name, "proxy");
    let bad = check("adapters_rules/forward-trusted-header-with-space.yaml");
    assert_eq!(codes(&bad, Severity::Error), ["bad-header"]);
}

#[test]
fn the_target_namespace_is_matched_like_calls_are() {
    let folded = check("adapters_rules/forward-target-differs-in-case.yaml");
    assert_eq!(codes(&folded, Severity::Warning), ["case-folded-name"]);
    assert_eq!(cap(&folded).rest[0].forwards[0].consumes, ConsumesId(0));
    let unknown = check("adapters_rules/forward-target-misspelt.yaml");
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
    let fine = check("adapters_rules/route-beside-forward-fine.yaml");
    assert_eq!(cap(&fine).rest[0].routes.len(), 1);
    let clash = check("adapters_rules/route-beside-forward-clash.yaml");
    assert_eq!(codes(&clash, Severity::Error), ["forward-conflict"]);
    let twice = check("adapters_rules/forward-twice-at-one-prefix.yaml");
    assert_eq!(codes(&twice, Severity::Error), ["duplicate-route"]);
}

#[test]
fn control_adapters_take_their_namespace_or_control_for_their_address() {
    let c = check("adapters_rules/two-control-adapters.yaml");
    let control = &cap(&c).control;
    assert_eq!(control.len(), 2);
    assert_eq!(
        (&*control[0].namespace, &*control[0].env_prefix),
        ("control", "CONTROL")
    );
    assert_eq!(control[0].default_addr, "127.0.0.1:9199");
    assert_eq!(control[1].env_prefix, "OPS_PORT");
    assert_eq!(control[1].default_addr, "0.0.0.0:9200");
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
}

#[test]
fn control_settings_we_do_not_honour_say_so_and_scripting_is_refused() {
    let ignored = check("adapters_rules/control-settings-ignored.yaml");
    assert_eq!(
        codes(&ignored, Severity::Warning),
        ["control-setting-ignored"]
    );
    assert!(messages(&ignored, "control-setting-ignored")[0].contains("`info`"));
    let disabled = check("adapters_rules/control-settings-disabled.yaml");
    assert!(
        disabled.diagnostics.is_empty(),
        "{:?}",
        disabled.diagnostics
    );
    let scripting = check("adapters_rules/control-scripting-enabled.yaml");
    assert_eq!(
        codes(&scripting, Severity::Error),
        ["unsupported-scripting"]
    );
}

#[test]
fn observability_gives_opentelemetry_its_defaults_and_turns_metrics_off() {
    let c = check("adapters_rules/observability-honoured.yaml");
    let control = &cap(&c).control;
    assert!(!control[0].metrics, "metrics.local.enabled: false");
    assert_eq!(
        control[0].observability,
        ObservabilitySpec {
            enabled: true,
            otlp_endpoint: Some(Value::Secret("OTLP_URL".into())),
            trace_sampling: Some(0.5),
        }
    );
    assert!(
        cap(&c).secrets.iter().any(|s| &*s.key == "OTLP_URL"),
        "the endpoint's bind key is read at start-up"
    );
    // The second adapter keeps its own `/metrics` setting; its OpenTelemetry settings are not
    // read (one pipeline per process), and say so.
    assert!(!control[1].metrics, "enabled: false");
    assert_eq!(control[1].observability, ObservabilitySpec::DEFAULT);
    assert_eq!(
        codes(&c, Severity::Warning),
        [
            "control-setting-ignored",
            "control-setting-ignored",
            "observability-ignored"
        ]
    );
    let ignored = messages(&c, "control-setting-ignored");
    assert!(ignored[0].contains("`b3`"), "{}", ignored[0]);
    assert!(ignored[1].contains("`/traces`"), "{}", ignored[1]);

    let bad = check("adapters_rules/observability-bad.yaml");
    assert_eq!(
        codes(&bad, Severity::Error),
        ["wrong-type", "bad-otlp-endpoint"],
        "every problem at once"
    );
    assert!(messages(&bad, "wrong-type")[0].contains("`traces.sampling`"));
    assert!(
        bad.diagnostics
            .iter()
            .all(|d| d.severity != Severity::Warning),
        "w3c is honoured"
    );
}

#[test]
fn namespaces_that_fold_to_one_environment_prefix_are_an_error_naming_both() {
    let c = check("adapters_rules/rest-namespace-folds-onto-consumed.yaml");
    assert_eq!(codes(&c, Severity::Error), ["env-prefix-collision"]);
    let message = &messages(&c, "env-prefix-collision")[0];
    assert!(
        message.contains("`Notion`") && message.contains("`notion`") && message.contains("NOTION_"),
        "{message}"
    );
    let controls = check("adapters_rules/two-unnamed-control-adapters.yaml");
    assert_eq!(codes(&controls, Severity::Error), ["env-prefix-collision"]);
    let same_name = check("adapters_rules/control-and-mcp-same-namespace.yaml");
    assert_eq!(codes(&same_name, Severity::Error), ["duplicate-namespace"]);
    let named_control = check("adapters_rules/mcp-namespace-named-control.yaml");
    assert_eq!(
        codes(&named_control, Severity::Error),
        ["env-prefix-collision"]
    );
}

#[test]
fn one_placeholder_twice_in_a_path_is_an_error() {
    let c = check("adapters_rules/one-placeholder-twice-in-path.yaml");
    assert_eq!(codes(&c, Severity::Error), ["duplicate-placeholder"]);
}

#[test]
fn a_placeholder_name_taken_earlier_in_its_path_is_routed_under_another_name() {
    // `/w/{sid}` names the first position `sid`; the second route then routes `{ws}` as
    // `{sid}`, so its own `{sid}` needs another router name.
    let c = check("adapters_rules/placeholder-name-taken-earlier-in-path.yaml");
    let routes = &cap(&c).rest[0].routes;
    assert_eq!(routes[1].path, "/w/{sid}/t/{sid_2}");
    let inputs: Vec<(&str, &str)> = routes[1]
        .inputs
        .iter()
        .map(|i| (&*i.name, &*i.wire_name))
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

#[test]
fn an_mcp_resource_uri_with_placeholders_is_a_template_that_supplies_inputs() {
    use naftiko_codegen::spec::PathPart;
    let c = check("adapters_rules/resource-uri-template.yaml");
    let resource = &cap(&c).mcp[0].resources[0];
    assert_eq!(
        *resource.uri_template,
        [
            PathPart::Literal("notion://pages/".into()),
            PathPart::Param("id".into())
        ]
    );
    // A fixed URI with a `with` literal is no template.
    let c = check("adapters_rules/resource-fixed-uri-with-literal.yaml");
    assert!(cap(&c).mcp[0].resources[0].uri_template.is_empty());
    // A fixed URI whose call needs an input nothing gives: the error names it.
    let c = check("adapters_rules/resource-fixed-uri-missing-input.yaml");
    assert_eq!(
        messages(&c, "resource-needs-input"),
        ["resource `page` needs caller input `id`, which its URI does not give"]
    );
    // Touching placeholders cannot be told apart on a read.
    let c = check("adapters_rules/resource-uri-touching-placeholders.yaml");
    assert!(codes(&c, Severity::Error).contains(&"bad-uri-template"));
}

#[test]
fn an_mcp_adapter_speaks_over_the_transport_it_declares() {
    use naftiko_codegen::spec::McpTransport;
    let stdio = check_filled(
        "adapters_rules/mcp-transport.yaml",
        "__TRANSPORT__",
        "stdio",
    );
    let mcp = &cap(&stdio).mcp;
    assert_eq!(mcp[0].transport, McpTransport::Stdio);
    assert_eq!(mcp[1].transport, McpTransport::Http, "http is the default");
    let explained = naftiko_codegen::explain(cap(&stdio), &stdio.provenance);
    assert!(explained.contains("mcp local over stdio"), "{explained}");
    assert!(
        explained.contains("mcp remote on 127.0.0.1:9191 (env REMOTE_ADDR), at /mcp"),
        "{explained}"
    );
    assert!(!explained.contains("mcp local on"), "{explained}");

    let http = check_filled("adapters_rules/mcp-transport.yaml", "__TRANSPORT__", "http");
    assert_eq!(cap(&http).mcp[0].transport, McpTransport::Http);
    let unknown = check_filled("adapters_rules/mcp-transport.yaml", "__TRANSPORT__", "sse");
    assert_eq!(codes(&unknown, Severity::Error), ["bad-transport"]);
}

#[test]
fn two_stdio_adapters_in_one_spec_are_a_located_error() {
    let c = check("adapters_rules/two-stdio-mcp-adapters.yaml");
    assert_eq!(codes(&c, Severity::Error), ["two-stdio-adapters"]);
    let error = c
        .diagnostics
        .iter()
        .find(|d| d.code == "two-stdio-adapters")
        .unwrap_or_else(|| unreachable!());
    // At the second adapter's `transport`, naming the first.
    assert_eq!((error.line, error.column), (23, 18));
    assert_eq!(error.path, "capability.exposes[1].transport");
    assert!(error.message.contains("`first`"), "{}", error.message);
}

#[test]
fn a_port_on_a_stdio_adapter_is_warned_about() {
    let c = check("adapters_rules/stdio-with-port.yaml");
    assert!(codes(&c, Severity::Warning).contains(&"stdio-port-ignored"));
    let ok = check_filled(
        "adapters_rules/mcp-transport.yaml",
        "__TRANSPORT__",
        "stdio",
    );
    assert!(!codes(&ok, Severity::Warning).contains(&"stdio-port-ignored"));
}

#[test]
fn a_control_adapter_reads_its_authentication() {
    use naftiko_codegen::spec::{Auth, Value};
    let c = check("adapters_rules/control-authentication.yaml");
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    let control = &cap(&c).control[0];
    assert_eq!(
        control.auth,
        Auth::Bearer {
            token: Value::Secret("METRICS_TOKEN".into())
        }
    );
    // The token is a secret read at start-up like every other.
    assert!(cap(&c).secrets.iter().any(|s| s.key == "METRICS_TOKEN"));
    let explained = naftiko_codegen::explain(cap(&c), &c.provenance);
    assert!(
        explained.contains("callers present: bearer token"),
        "{explained}"
    );
}

#[test]
fn mcp_cache_hints_are_read_and_checked() {
    use naftiko_codegen::spec::McpCacheScope;
    let spec = "adapters_rules/mcp-cache-hints.yaml";
    let c = check_filled(
        spec,
        "__HINTS__",
        "      ttlMs: 60000\n      cacheScope: public",
    );
    let mcp = &cap(&c).mcp;
    assert_eq!(
        (mcp[0].ttl_ms, mcp[0].cache_scope),
        (Some(60_000), Some(McpCacheScope::Public))
    );
    assert_eq!((mcp[1].ttl_ms, mcp[1].cache_scope), (None, None));
    assert!(!codes(&c, Severity::Warning).contains(&"unknown-key"));

    let negative = check_filled(spec, "__HINTS__", "      ttlMs: -1");
    assert_eq!(codes(&negative, Severity::Error), ["wrong-type"]);
    let scope = check_filled(spec, "__HINTS__", "      cacheScope: shared");
    assert_eq!(codes(&scope, Severity::Error), ["bad-cache-scope"]);
}
