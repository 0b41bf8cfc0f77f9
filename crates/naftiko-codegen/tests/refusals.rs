//! Keys whose meaning generated code cannot honour: refused with a located error by default,
//! and accepted with a warning only where the spec itself asks for the weaker behaviour. The
//! specs are in `tests/specs/refusals/`.

mod check_spec;

use check_spec::{cap, check_filled, codes};
use naftiko_codegen::Severity;

#[test]
fn a_tunnel_fails_closed_unless_the_spec_asks_for_direct_calls() {
    let spec = "refusals/tunnel.yaml";
    for fallback in ["fallback: fail", "# no fallback: `fail` is the default"] {
        let c = check_filled(spec, "__FALLBACK__", fallback);
        assert_eq!(codes(&c, Severity::Error), ["unsupported-tunnel"], "{fallback}");
        let error = c
            .diagnostics
            .iter()
            .find(|d| d.code == "unsupported-tunnel")
            .unwrap_or_else(|| unreachable!());
        // At the `tunnel` key.
        assert_eq!((error.line, error.column), (11, 7));
        assert!(error.message.contains("ziti service `crm-api`"), "{}", error.message);
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
