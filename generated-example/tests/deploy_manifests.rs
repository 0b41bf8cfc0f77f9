//! The Kubernetes manifests under `deploy/` and the `Dockerfile` agree with what the seed's
//! generated code reads: every environment variable they set is one the capability asks for,
//! the configuration they give is accepted, the ports they declare and probe are the ports the
//! adapters then bind, and the secret they reference exists with the key the spec binds.
//! Nothing here restates a name of the seed: the names come from the generated `Capability`.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use generated_example::from_macro::Capability;
use saphyr_parser::{Event, Parser};
use serde_json::Value as Json;

fn repo_file(path: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    (path, text)
}

/// The one document of `text` as JSON, every scalar a string (enough to compare names and
/// ports; Kubernetes reads `8080` and `"8080"` alike where a port is meant).
fn yaml(path: &str) -> Json {
    let (path, text) = repo_file(path);
    let mut parser = Parser::new_from_str(&text);
    // Open collections, each with the key awaiting its value when it is a mapping.
    let mut open: Vec<(Json, Option<String>)> = Vec::new();
    let mut done = None;
    while let Some(event) = parser.next_event() {
        let (event, _) = event.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let value = match event {
            Event::MappingStart(..) => {
                open.push((Json::Object(serde_json::Map::new()), None));
                continue;
            }
            Event::SequenceStart(..) => {
                open.push((Json::Array(Vec::new()), None));
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => match open.pop() {
                Some((value, _)) => value,
                None => panic!("{}: unbalanced YAML events", path.display()),
            },
            Event::Scalar(scalar, ..) => Json::String(scalar.into_owned()),
            Event::Alias(_) => panic!("{}: aliases are not expected here", path.display()),
            _ => continue,
        };
        match open.last_mut() {
            None => {
                assert!(done.is_none(), "{}: one document expected", path.display());
                done = Some(value);
            }
            Some((Json::Array(items), _)) => items.push(value),
            Some((Json::Object(map), key)) => match key.take() {
                None => *key = Some(value.as_str().unwrap_or_default().to_owned()),
                Some(name) => {
                    map.insert(name, value);
                }
            },
            Some(_) => unreachable!("only collections are open"),
        }
    }
    done.unwrap_or_else(|| panic!("{}: no document", path.display()))
}

fn text<'a>(value: &'a Json, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Json::as_str)
        .unwrap_or_else(|| panic!("no text at {pointer} in {value}"))
}

fn port(value: &str) -> u16 {
    value
        .parse()
        .unwrap_or_else(|_| panic!("`{value}` is not a port number"))
}

/// Builds the capability from `env` (a secret's value stands in where the manifest references
/// a Secret) and returns it with every name it looked up.
fn configure(env: &[(String, String)]) -> (Capability, BTreeSet<String>) {
    let asked = RefCell::new(BTreeSet::new());
    let lookup = |name: &str| {
        asked.borrow_mut().insert(name.to_owned());
        env.iter()
            .find(|(set, _)| set == name)
            .map(|(_, value)| value.clone())
    };
    let capability = Capability::from_lookup(&lookup)
        .unwrap_or_else(|e| panic!("the manifests' configuration is refused: {e}"));
    (capability, asked.into_inner())
}

#[test]
fn the_deployment_sets_what_the_capability_reads_and_probes_its_ports() {
    let deployment = yaml("deploy/deployment.yaml");
    let secret = yaml("deploy/secret.example.yaml");
    let service = yaml("deploy/service.yaml");
    let hpa = yaml("deploy/hpa.yaml");
    let container = deployment
        .pointer("/spec/template/spec/containers/0")
        .unwrap_or_else(|| panic!("no container in {deployment}"));

    // The environment, with each secretKeyRef resolved against the example Secret.
    let secret_name = text(&secret, "/metadata/name");
    let mut env = Vec::new();
    let mut from_secret = Vec::new();
    for variable in container["env"].as_array().into_iter().flatten() {
        let name = text(variable, "/name").to_owned();
        let value = match variable.pointer("/valueFrom/secretKeyRef") {
            Some(reference) => {
                assert_eq!(text(reference, "/name"), secret_name, "{name}");
                let key = text(reference, "/key");
                from_secret.push(name.clone());
                text(&secret, &format!("/stringData/{key}")).to_owned()
            }
            None => text(variable, "/value").to_owned(),
        };
        env.push((name, value));
    }
    let (capability, asked) = configure(&env);
    for (name, _) in &env {
        // RUST_LOG is the binary's (tracing's filter), not the capability's.
        assert!(
            asked.contains(name) || name == "RUST_LOG",
            "the Deployment sets {name}, which the capability never reads (it reads {asked:?})"
        );
    }
    // Every secret of the spec comes from the Secret, and nothing else does.
    let spec_secrets: BTreeSet<&str> = Capability::spec()
        .secrets
        .iter()
        .map(|secret| &*secret.key)
        .collect();
    let referenced: BTreeSet<&str> = from_secret.iter().map(String::as_str).collect();
    assert_eq!(referenced, spec_secrets);
    // The upstream's base URL is set, not left to the spec's default by accident.
    for namespace in Capability::spec().consumes.iter() {
        let base_url = format!("{}_BASE_URL", namespace.env_prefix);
        assert!(
            env.iter().any(|(name, _)| *name == base_url),
            "{base_url} unset"
        );
    }

    // Ports: each adapter binds the port its container port declares, on every interface.
    let runtime = capability.runtime();
    let declared = |name: &str| {
        container["ports"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|entry| text(entry, "/name") == name)
            .map(|entry| port(text(entry, "/containerPort")))
            .unwrap_or_else(|| panic!("no container port `{name}`"))
    };
    let rest = runtime.rest_addr(0);
    let mcp = runtime.mcp_addr(0);
    assert!(rest.ip().is_unspecified(), "REST binds {rest} only");
    assert!(mcp.ip().is_unspecified(), "MCP binds {mcp} only");
    assert_eq!(declared("rest"), rest.port());
    assert_eq!(declared("mcp"), mcp.port());

    // The probes: the seed has no control adapter, so they check the REST port.
    assert!(
        Capability::spec().control.is_empty(),
        "the seed has a control adapter now: probe /health/live and /health/ready on it"
    );
    for probe in ["livenessProbe", "readinessProbe"] {
        assert_eq!(
            text(container, &format!("/{probe}/tcpSocket/port")),
            "rest",
            "{probe}"
        );
    }

    // The Service forwards to the same named ports; the autoscaler scales this Deployment.
    let name = text(&deployment, "/metadata/name");
    for entry in service["spec"]["ports"].as_array().into_iter().flatten() {
        let target = text(entry, "/targetPort");
        declared(target);
    }
    assert_eq!(
        service["spec"]["selector"],
        deployment["spec"]["template"]["metadata"]["labels"]
    );
    assert_eq!(text(&hpa, "/spec/scaleTargetRef/name"), name);
    assert_eq!(text(&hpa, "/spec/scaleTargetRef/kind"), "Deployment");
}

#[test]
fn the_image_binds_every_interface_on_the_ports_it_exposes() {
    let (_, dockerfile) = repo_file("Dockerfile");
    // `ENV A=x \ B=y` and `EXPOSE p q` of the final stage.
    let last_stage = dockerfile
        .rsplit("\nFROM ")
        .next()
        .unwrap_or_default()
        .replace("\\\n", " ");
    let mut env = Vec::new();
    let mut exposed = BTreeSet::new();
    for line in last_stage.lines().map(str::trim) {
        if let Some(pairs) = line.strip_prefix("ENV ") {
            for pair in pairs.split_whitespace() {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                env.push((name.to_owned(), value.to_owned()));
            }
        } else if let Some(ports) = line.strip_prefix("EXPOSE ") {
            exposed.extend(ports.split_whitespace().map(port));
        }
    }
    assert!(
        last_stage.contains("\nUSER nonroot"),
        "the image runs as root"
    );
    // Secrets are given at run time, never baked into the image.
    let mut configured = env.clone();
    for secret in Capability::spec().secrets.iter() {
        assert!(
            env.iter().all(|(name, _)| *name != *secret.key),
            "{}",
            secret.key
        );
        configured.push((secret.key.to_string(), "given-at-run-time".to_owned()));
    }
    let (capability, asked) = configure(&configured);
    for (name, _) in &env {
        assert!(asked.contains(name), "the image sets {name}, never read");
    }
    let runtime = capability.runtime();
    let bound: BTreeSet<u16> = [runtime.rest_addr(0), runtime.mcp_addr(0)]
        .iter()
        .inspect(|addr| assert!(addr.ip().is_unspecified(), "{addr} is not every interface"))
        .map(|addr| addr.port())
        .collect();
    assert_eq!(exposed, bound);
}
