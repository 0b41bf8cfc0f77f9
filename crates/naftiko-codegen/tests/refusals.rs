//! Keys whose meaning generated code cannot honour in full: refused with a located error by
//! default, and accepted with a warning where the spec asks for the weaker behaviour or a safe
//! reading exists; and keys that were dropped before and are now read (`info.display`). The
//! specs are in `tests/specs/refusals/`.

mod check_spec;

use check_spec::{cap, check_filled, codes};
use naftiko_codegen::Severity;

#[test]
fn a_tunnel_fails_closed_unless_the_spec_asks_for_direct_calls() {
    let spec = "refusals/tunnel.yaml";
    for fallback in ["fallback: fail", "# no fallback: `fail` is the default"] {
        let c = check_filled(spec, "__FALLBACK__", fallback);
        assert_eq!(
            codes(&c, Severity::Error),
            ["unsupported-tunnel"],
            "{fallback}"
        );
        let error = c
            .diagnostics
            .iter()
            .find(|d| d.code == "unsupported-tunnel")
            .unwrap_or_else(|| unreachable!());
        // At the `tunnel` key.
        assert_eq!((error.line, error.column), (11, 7));
        assert!(
            error.message.contains("ziti service `crm-api`"),
            "{}",
            error.message
        );
    }

    let direct = check_filled(spec, "__FALLBACK__", "fallback: direct");
    assert_eq!(codes(&direct, Severity::Warning), ["tunnel-direct"]);
    assert_eq!(cap(&direct).consumes[0].base_url, "http://127.0.0.1:8081");

    let unknown = check_filled(spec, "__FALLBACK__", "fallback: sideways");
    assert_eq!(codes(&unknown, Severity::Error), ["bad-tunnel-fallback"]);
    let typo = check_filled(spec, "__FALLBACK__", "fallbak: direct");
    assert_eq!(codes(&typo, Severity::Error), ["unsupported-tunnel"]);
    assert_eq!(codes(&typo, Severity::Warning), ["unknown-key"]);
}

#[test]
fn a_bind_location_the_program_cannot_read_is_warned_about() {
    let spec = "refusals/bind-location.yaml";
    for location in [
        "vault://secret/data/shop",
        "k8s-secret://shop/api",
        "./secrets.yaml",
    ] {
        let c = check_filled(spec, "__LOCATION__", location);
        assert_eq!(
            codes(&c, Severity::Warning),
            ["bind-location-unsupported"],
            "{location}"
        );
        let warning = c
            .diagnostics
            .iter()
            .next()
            .unwrap_or_else(|| unreachable!());
        assert_eq!(warning.line, 7, "{location}");
        assert!(
            warning
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("file://"),
            "the help says what is supported"
        );
        // Read from the environment, and said so.
        assert_eq!(cap(&c).secrets[0].file, None);
    }
    let file = check_filled(spec, "__LOCATION__", "file:///./shared/secrets.yaml");
    assert!(codes(&file, Severity::Warning).is_empty());
    assert_eq!(
        cap(&file).secrets[0].file.as_deref(),
        Some("file:///./shared/secrets.yaml")
    );
}

#[test]
fn info_display_names_the_capability() {
    let c = check_filled(
        "refusals/bind-location.yaml",
        "__LOCATION__",
        "file:///./s.json",
    );
    assert_eq!(cap(&c).name, "Display Name");
}

#[test]
fn a_binary_file_resource_is_embedded_as_base64_and_needs_binary_true() {
    use naftiko_codegen::spec::McpResourceContent;
    let spec = "refusals/binary-resource.yaml";
    let binary = check_filled(spec, "__BINARY__", "binary: true");
    let resource = &cap(&binary).mcp[0].resources[0];
    assert!(resource.binary);
    assert_eq!(resource.mime_type, "application/octet-stream");
    // base64 of 89 50 4E 47 0D 0A 1A 0A 00 FF FE (pixel.bin).
    assert_eq!(
        resource.content,
        McpResourceContent::Static("iVBORw0KGgoA//4=".into())
    );

    let text = check_filled(spec, "__BINARY__", "binary: false");
    assert_eq!(codes(&text, Severity::Error), ["file-not-text"]);
    let help = text.diagnostics.iter().find_map(|d| d.help.clone());
    assert!(help.unwrap_or_default().contains("binary: true"));
}

#[test]
fn max_binary_size_is_warned_about_where_it_is_written() {
    let spec = "refusals/bind-location.yaml";
    let c = check_filled(spec, "__LOCATION__", "file:///./s.json");
    assert!(codes(&c, Severity::Warning).is_empty());
    let yaml = check_spec::spec(spec)
        .replace("__LOCATION__", "file:///./s.json")
        .replace(
            "      port: 8080\n",
            "      port: 8080\n      maxBinarySize: 5MiB\n",
        )
        .replace(
            "list-items: {method: GET}",
            "list-items: {method: GET, maxBinarySize: 1MiB}",
        );
    let c = naftiko_codegen::check_bytes(yaml.as_bytes(), &check_spec::spec_path(spec), spec);
    assert_eq!(
        codes(&c, Severity::Warning),
        [
            "max-binary-size-not-enforced",
            "max-binary-size-not-enforced"
        ]
    );
}
