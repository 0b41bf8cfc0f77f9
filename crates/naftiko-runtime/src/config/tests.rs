use std::path::PathBuf;

use super::serving::{
    DEFAULT_MAX_HEADER_BYTES, DEFAULT_READ_TIMEOUT, DEFAULT_WRITE_TIMEOUT, read_serving,
};
use super::*;
use crate::spec::{Auth, McpAdapterSpec, McpTransport, RestAdapterSpec, list, text};

static CONSUMES: &[ConsumesSpec] = &[
    ConsumesSpec {
        namespace: text("runs"),
        env_prefix: text("RUNS"),
        base_url: text("https://api.example.com/v1"),
        timeout_ms: 30_000,
        description: text(""),
        auth: Auth::None,
        default_params: list(&[]),
        operations: list(&[]),
    },
    ConsumesSpec {
        namespace: text("other"),
        env_prefix: text("OTHER"),
        base_url: text(""),
        timeout_ms: 5_000,
        description: text(""),
        auth: Auth::None,
        default_params: list(&[]),
        operations: list(&[]),
    },
];
static SECRETS: &[SecretSpec] = &[
    SecretSpec {
        key: text("API_KEY"),
        source_name: text("API_KEY"),
        file: None,
    },
    SecretSpec {
        key: text("TOKEN"),
        source_name: text("INNGEST_TOKEN"),
        file: None,
    },
    SecretSpec {
        key: text("SIGNING"),
        source_name: text("SIGNING"),
        file: None,
    },
];
static REST: &[RestAdapterSpec] = &[RestAdapterSpec {
    namespace: text("runs-rest"),
    env_prefix: text("RUNS_REST"),
    default_addr: text("127.0.0.1:8080"),
    description: text(""),
    routes: list(&[]),
    openapi: text("{}"),
    auth: Auth::None,
    forwards: list(&[]),
}];
static MCP: &[McpAdapterSpec] = &[McpAdapterSpec {
    namespace: text("runs-mcp"),
    env_prefix: text("RUNS_MCP"),
    default_addr: text("0.0.0.0:9090"),
    transport: McpTransport::Http,
    ttl_ms: None,
    cache_scope: None,
    description: text(""),
    tools: list(&[]),
    resources: list(&[]),
    prompts: list(&[]),
    auth: Auth::None,
}];
static SPEC: CapabilitySpec = CapabilitySpec {
    name: text("t"),
    description: text(""),
    consumes: list(CONSUMES),
    secrets: list(SECRETS),
    rest: list(REST),
    mcp: list(MCP),
    control: list(&[]),
};

fn read_with(vars: &[(&str, &str)]) -> Result<Settings, Error> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    read(&SPEC, &|name| vars.get(name).cloned())
}

#[test]
fn every_missing_variable_is_named_at_once() {
    match read_with(&[("TOKEN", "t"), ("SIGNING", "")]) {
        Err(Error::Config { missing, problems }) => {
            assert_eq!(missing, ["API_KEY", "SIGNING", "OTHER_BASE_URL"]);
            assert!(problems.is_empty(), "{problems:?}");
        }
        Err(other) => unreachable!("wrong error {other}"),
        Ok(_) => unreachable!("config without secrets accepted"),
    }
}

#[test]
fn overrides_and_unusable_values() {
    let ok = read_with(&[
        ("API_KEY", "k"),
        ("INNGEST_TOKEN", "from-source-name"),
        ("SIGNING", "s"),
        ("OTHER_BASE_URL", "http://127.0.0.1:9/x"),
        ("RUNS_TIMEOUT_MS", "250"),
        ("RUNS_REST_ADDR", "3000"),
        ("RUNS_MCP_ADDR", "127.0.0.2:4000"),
    ]);
    let Ok(settings) = ok else {
        unreachable!("valid config rejected")
    };
    assert_eq!(
        settings.secrets.get("TOKEN").map(SecretString::expose),
        Some("from-source-name")
    );
    assert_eq!(settings.clients[0].timeout, Duration::from_millis(250));
    assert_eq!(settings.clients[1].timeout, Duration::from_millis(5000));
    assert_eq!(
        settings.clients[1].base_url.as_str(),
        "http://127.0.0.1:9/x"
    );
    assert_eq!(
        settings.rest[0].addr,
        SocketAddr::from(([127, 0, 0, 1], 3000))
    );
    assert_eq!(
        settings.mcp[0].addr,
        SocketAddr::from(([127, 0, 0, 2], 4000))
    );

    let bad = read_with(&[
        ("API_KEY", "k"),
        ("TOKEN", "t"),
        ("SIGNING", "s"),
        ("OTHER_BASE_URL", "ftp://x"),
        ("RUNS_TIMEOUT_MS", "soon"),
        ("RUNS_REST_ADDR", "localhost"),
    ]);
    let Err(Error::Config { missing, problems }) = bad else {
        unreachable!("bad config accepted")
    };
    assert!(missing.is_empty());
    let all = problems.join("\n");
    for name in ["OTHER_BASE_URL", "RUNS_TIMEOUT_MS", "RUNS_REST_ADDR"] {
        assert!(all.contains(name), "{name} not named in {all}");
    }
}

#[test]
fn serving_settings_default_override_and_refuse_zero() {
    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let defaults = read_serving("A", &vars(&[]), 500);
    assert_eq!(
        defaults.ok(),
        Some(ServingSettings {
            read_timeout: DEFAULT_READ_TIMEOUT,
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            max_connections: 500,
            max_connections_set: false,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
        })
    );
    let set = read_serving(
        "A",
        &vars(&[
            ("A_WRITE_TIMEOUT_MS", "250"),
            ("A_MAX_CONNECTIONS", "2"),
            ("A_MAX_HEADER_BYTES", "100000"),
        ]),
        500,
    );
    let Ok(set) = set else {
        unreachable!("valid settings refused")
    };
    assert_eq!(set.write_timeout, Duration::from_millis(250));
    assert_eq!((set.max_connections, set.max_connections_set), (2, true));
    assert_eq!(set.max_header_bytes, 100_000);
    let refused = read_serving(
        "A",
        &vars(&[
            ("A_WRITE_TIMEOUT_MS", "0"),
            ("A_MAX_CONNECTIONS", "many"),
            ("A_MAX_HEADER_BYTES", "0"),
        ]),
        500,
    );
    let Err(Error::Config { problems, .. }) = refused else {
        unreachable!("zero and non-numbers accepted")
    };
    let all = problems.join("\n");
    assert!(
        all.contains("A_WRITE_TIMEOUT_MS")
            && all.contains("A_MAX_CONNECTIONS")
            && all.contains("A_MAX_HEADER_BYTES"),
        "{all}"
    );
}

#[test]
fn secrets_come_from_a_json_file() {
    let path =
        std::env::temp_dir().join(format!("naftiko-config-test-{}.json", std::process::id()));
    let written = std::fs::write(&path, r#"{"apiKey": "from-file", "OTHER": 7}"#);
    assert!(written.is_ok());
    let uri = format!("file://{}", path.display());
    let specs: &'static [SecretSpec] = Box::leak(Box::new([
        SecretSpec {
            key: text("API_KEY"),
            source_name: text("apiKey"),
            file: Some(uri.clone().into()),
        },
        SecretSpec {
            key: text("OTHER"),
            source_name: text("OTHER"),
            file: Some(uri.clone().into()),
        },
        SecretSpec {
            key: text("ENV_WINS"),
            source_name: text("ENV_WINS"),
            file: Some(uri.clone().into()),
        },
    ]));
    let mut report = Report::default();
    let secrets = read_secrets(
        specs,
        &|name| (name == "ENV_WINS").then(|| "env".to_owned()),
        &mut report,
    );
    let _ = std::fs::remove_file(&path);
    assert!(report.missing.is_empty() && report.problems.is_empty());
    assert_eq!(
        secrets.get("API_KEY").map(SecretString::expose),
        Some("from-file")
    );
    assert_eq!(secrets.get("OTHER").map(SecretString::expose), Some("7"));
    assert_eq!(
        secrets.get("ENV_WINS").map(SecretString::expose),
        Some("env")
    );

    static NO_FILE: &[SecretSpec] = &[SecretSpec {
        key: text("K"),
        source_name: text("K"),
        file: Some(text("file:///./does-not-exist-naftiko.json")),
    }];
    let mut report = Report::default();
    read_secrets(NO_FILE, &|_| None, &mut report);
    assert_eq!(report.missing, ["K"]);
    assert_eq!(report.problems.len(), 1);
}

#[test]
fn file_uris_resolve_against_the_current_directory() {
    let cwd = std::env::current_dir().unwrap_or_default();
    assert_eq!(
        file_uri_path("file:///./secrets.json"),
        cwd.join("./secrets.json")
    );
    assert_eq!(
        file_uri_path("file://secrets.json"),
        cwd.join("secrets.json")
    );
    assert_eq!(
        file_uri_path("file:///etc/app/secrets%20x.json"),
        PathBuf::from("/etc/app/secrets x.json")
    );
}

#[test]
fn secrets_come_from_a_flat_yaml_file() {
    let path =
        std::env::temp_dir().join(format!("naftiko-config-test-{}.yaml", std::process::id()));
    let yaml = "# the tutorials' shared/secrets.yaml\nNOTION_TOKEN: secret_abc\nquoted: \"a: b # c\"\nPORT: 0123\nEMPTY: ~\nnested:\n  inner: x\nLAST: 'z'\n";
    assert!(std::fs::write(&path, yaml).is_ok());
    let uri: crate::spec::Str = format!("file://{}", path.display()).into();
    let spec = |key: &'static str, source: &'static str| SecretSpec {
        key: text(key),
        source_name: text(source),
        file: Some(uri.clone()),
    };
    let specs: &'static [SecretSpec] = Box::leak(Box::new([
        spec("NOTION_TOKEN", "NOTION_TOKEN"),
        spec("QUOTED", "quoted"),
        spec("PORT", "PORT"),
        spec("LAST", "LAST"),
        spec("EMPTY", "EMPTY"),
        spec("NESTED", "nested"),
    ]));
    let mut report = Report::default();
    let secrets = read_secrets(specs, &|_| None, &mut report);
    let _ = std::fs::remove_file(&path);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let get = |key: &str| secrets.get(key).map(SecretString::expose);
    assert_eq!(get("NOTION_TOKEN"), Some("secret_abc"));
    assert_eq!(get("QUOTED"), Some("a: b # c"));
    assert_eq!(get("PORT"), Some("0123"), "scalars are kept as written");
    assert_eq!(get("LAST"), Some("z"));
    // A null or a nested value is no value: start-up names the key as missing.
    assert_eq!(report.missing, ["EMPTY", "NESTED"]);
}

#[test]
fn a_secrets_file_that_is_not_flat_is_refused_without_quoting_it() {
    use super::secrets_file::parse;
    for bad in [
        "- a\n- b\n",
        "just text",
        "a: [1\n",
        "",
        "a: 1\n---\nb: 2\n",
        "[1, 2]",
    ] {
        let refused = parse(bad);
        assert!(refused.is_err(), "{bad:?} accepted");
        let why = refused.err().unwrap_or_default();
        assert!(!why.contains('1') || why.contains("line"), "{why}");
    }
    let json = parse(r#"{"A": "x", "B": 2, "C": true, "D": {"e": 1}, "E": ""}"#);
    let json = json.unwrap_or_default();
    assert_eq!(json.len(), 3, "{json:?}");
    let flow = parse("{A: x, B: y}").unwrap_or_default();
    assert_eq!(flow.get("B").map(String::as_str), Some("y"));
}
