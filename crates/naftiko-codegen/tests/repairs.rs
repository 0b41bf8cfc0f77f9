//! Defects of published specs that have one unambiguous reading: each is repaired into working
//! code with a located warning (DESIGN.md, rule 10), and its near misses stay errors.
//!
//! The specs are in `tests/specs/repairs/`: each consumes `GET /items` (`shop.list-items`) and
//! exposes it on REST, with the defect the test is about.

mod check_spec;

use check_spec::{cap, check, check_filled, codes};
use naftiko_codegen::spec::{
    ApiKeyPlacement, Auth, DefaultParam, Handler, ParamLocation, RequestBody as Body, Value,
};
use naftiko_codegen::{Checked, Severity};

#[test]
fn an_empty_base_uri_is_configuration_required_at_start_up() {
    let c = check("repairs/empty-base-uri.yaml");
    assert!(codes(&c, Severity::Warning).contains(&"empty-base-uri"));
    let ns = &cap(&c).consumes[0];
    // Empty: the runtime then requires `SHOP_BASE_URL` and names it when it is missing.
    assert_eq!((&*ns.base_url, &*ns.env_prefix), ("", "SHOP"));
    // Not a URL at all is still an error.
    let c = check("repairs/base-uri-not-a-url.yaml");
    assert!(codes(&c, Severity::Error).contains(&"bad-base-uri"));
}

#[test]
fn a_missing_base_uri_is_configuration_required_at_start_up() {
    let c = check("repairs/no-base-uri.yaml");
    assert_eq!(codes(&c, Severity::Error), Vec::<&str>::new());
    assert_eq!(codes(&c, Severity::Warning), vec!["no-base-uri"]);
    assert!(check_spec::messages(&c, "no-base-uri")[0].contains("`SHOP_BASE_URL`"));
    let ns = &cap(&c).consumes[0];
    assert_eq!((&*ns.base_url, &*ns.env_prefix), ("", "SHOP"));
}

fn body_of(c: &Checked) -> &Body {
    &cap(c).consumes[0].operations[0].body
}

#[test]
fn raw_bodies_of_binary_yaml_and_media_types_are_sent_as_they_are() {
    for (kind, content_type) in [
        ("binary", "application/octet-stream"),
        ("octet-stream", "application/octet-stream"),
        ("yaml", "application/yaml"),
        ("application/cbor", "application/cbor"),
    ] {
        // The one string field that wraps the content is the body, with a warning.
        let c = check_filled("repairs/raw-body-of-type.yaml", "__TYPE__", kind);
        assert!(
            codes(&c, Severity::Warning).contains(&"raw-body-field"),
            "{kind}"
        );
        match body_of(&c) {
            Body::Text {
                content_type: ct,
                data,
            } => {
                assert_eq!(ct, content_type, "{kind}");
                assert!(
                    !matches!(data, Value::Literal(_)),
                    "{kind}: the caller's input fills the body, got {data:?}"
                );
            }
            other => panic!("{kind}: {other:?}"),
        }
    }
    // A structure cannot be sent as raw bytes faithfully: refused, located at `data`.
    let c = check("repairs/binary-body-with-structured-data.yaml");
    let bad = c
        .diagnostics
        .iter()
        .find(|d| d.code == "unsupported-body-type")
        .unwrap_or_else(|| panic!("{:#?}", c.diagnostics.iter().collect::<Vec<_>>()));
    assert!(bad.message.contains("binary"), "{}", bad.message);
    // Media types that name a structured body keep their structured meaning.
    let c = check("repairs/json-media-type-body.yaml");
    assert!(matches!(body_of(&c), Body::Json(_)));
    let c = check("repairs/unknown-body-type.yaml");
    assert!(codes(&c, Severity::Error).contains(&"unsupported-body-type"));
}

#[test]
fn an_exposed_operation_without_call_calls_the_consumed_operation_of_its_name() {
    let c = check("repairs/operation-without-call.yaml");
    assert!(codes(&c, Severity::Warning).contains(&"implied-call"));
    let route = &cap(&c).rest[0].routes[0];
    assert!(
        matches!(&route.handler, Handler::Call { operation, .. } if operation.consumes.0 == 0 && operation.index == 0),
        "{:?}",
        route.handler
    );
    // The same name in two namespaces: no guess, `no-call` stays.
    let c = check("repairs/operation-without-call-two-namespaces.yaml");
    assert!(codes(&c, Severity::Error).contains(&"no-call"));
    // Static (mock) outputs win over a name that happens to match.
    let c = check("repairs/operation-without-call-static-output.yaml");
    assert!(matches!(
        &cap(&c).rest[0].routes[0].handler,
        Handler::Static { .. }
    ));
}

#[test]
fn apikey_dialects_that_name_the_place_or_the_value_differently() {
    let with_auth = |auth: &str| {
        check_filled(
            "repairs/shop-authentication.yaml",
            "__AUTHENTICATION__",
            auth,
        )
    };
    let c = with_auth("{type: apikey, header: X-Shop-Key, key: '{{API_KEY}}'}");
    assert!(codes(&c, Severity::Warning).contains(&"dialect-apikey-name"));
    assert!(matches!(
        &cap(&c).consumes[0].auth,
        Auth::ApiKey { name, placement: ApiKeyPlacement::Header, .. } if name == "X-Shop-Key"
    ));
    let c = with_auth("{type: apikey, in: query, name: apiKey, token: '{{API_KEY}}'}");
    assert!(matches!(
        &cap(&c).consumes[0].auth,
        Auth::ApiKey { name, placement: ApiKeyPlacement::Query, .. } if name == "apiKey"
    ));
    let c = with_auth("{type: header, header: X-Auth-Token, value: '{{API_KEY}}'}");
    assert!(matches!(
        &cap(&c).consumes[0].auth,
        Auth::ApiKey { name, placement: ApiKeyPlacement::Header, .. } if name == "X-Auth-Token"
    ));
    let c = with_auth("{type: query, name: key, value: '{{API_KEY}}'}");
    assert!(matches!(
        &cap(&c).consumes[0].auth,
        Auth::ApiKey { name, placement: ApiKeyPlacement::Query, .. } if name == "key"
    ));
    // Several keys at once: the first is the authentication, the others go with every call.
    let c = with_auth(
        "{type: apikey, headers: {X-Key-Id: '{{API_KEY}}', X-Access-Key: '{{API_KEY}}'}}",
    );
    assert!(codes(&c, Severity::Warning).contains(&"dialect-apikey-set"));
    let ns = &cap(&c).consumes[0];
    assert!(matches!(&ns.auth, Auth::ApiKey { name, .. } if name == "X-Key-Id"));
    assert!(
        matches!(
            &*ns.default_params,
            [DefaultParam { name, location: ParamLocation::Header, value: Value::Secret(key) }]
                if name == "X-Access-Key" && key == "API_KEY"
        ),
        "{:?}",
        ns.default_params
    );
    let c = with_auth(
        "{type: query, parameters: [{name: id, value: '{{API_KEY}}'}, {name: secret, value: '{{API_KEY}}'}]}",
    );
    let ns = &cap(&c).consumes[0];
    assert!(matches!(
        &ns.auth,
        Auth::ApiKey {
            placement: ApiKeyPlacement::Query,
            ..
        }
    ));
    assert!(matches!(
        &*ns.default_params,
        [DefaultParam {
            location: ParamLocation::Query,
            ..
        }]
    ));
    let c = with_auth("{type: apikey, name: apiKey}");
    assert!(codes(&c, Severity::Error).contains(&"missing-key"));
}

#[test]
fn operations_named_by_id_and_resources_without_names() {
    let c = check("repairs/operation-id-and-unnamed-resource.yaml");
    let w = codes(&c, Severity::Warning);
    assert!(
        w.contains(&"dialect-id-name") && w.contains(&"unnamed-resource"),
        "{w:?}"
    );
    assert_eq!(cap(&c).consumes[0].operations[0].name, "list-items");
}

#[test]
fn a_namespace_with_dots_is_called_by_its_whole_name() {
    let c = check("repairs/namespace-with-dots.yaml");
    assert!(matches!(
        &cap(&c).rest[0].routes[0].handler,
        Handler::Call { operation, .. } if operation.index == 0
    ));
}
