//! What naftiko-rs does with every key the official JSON Schemas define: the one table that
//! the normalizer's key checks consult and `SPEC-COVERAGE.md` is generated from.
//!
//! A row is a property path, its schema versions and its [`Status`]. Paths are written from the
//! capability: `exposes[].tools[].tags`. `[]` is each entry of a collection, whether the schema
//! makes it a list (`items`) or a name-keyed map (`additionalProperties`, `patternProperties`):
//! the normalizer reads both forms alike. A definition reached through `$ref` is written where
//! it is used. A branch of `oneOf`/`anyOf` that fixes `type` to a constant is named by it
//! (`exposes[]<mcp>.tools`, `consumes[]<http>.authentication<bearer>.token`); other branches,
//! and `allOf`, merge at their place. The keys under `capability` are written
//! without that prefix, because a fragment file has the same sections at its top level
//! (`consumes`, `exposes`, `aggregates`, `binds`). A definition that contains itself (output
//! parameters nested in output parameters) is listed once, at its first place.
//!
//! Updating a row is one line: keep the path, change the status.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

/// A format version whose schema defines a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `naftiko: 1.0.0-alpha1`
    Alpha1,
    /// `naftiko: 1.0.0-alpha2`
    Alpha2,
    /// `naftiko: 1.0.0-alpha3`
    Alpha3,
    /// `ikanos: 1.0.0-beta5`
    IkanosBeta5,
}

impl Version {
    /// Every version, oldest first.
    pub const ALL: [Version; 4] = [
        Version::Alpha1,
        Version::Alpha2,
        Version::Alpha3,
        Version::IkanosBeta5,
    ];

    /// The version as a spec writes it.
    pub fn name(self) -> &'static str {
        match self {
            Version::Alpha1 => "naftiko 1.0.0-alpha1",
            Version::Alpha2 => "naftiko 1.0.0-alpha2",
            Version::Alpha3 => "naftiko 1.0.0-alpha3",
            Version::IkanosBeta5 => "ikanos 1.0.0-beta5",
        }
    }

    /// The file name of its official JSON Schema.
    pub fn schema_file(self) -> &'static str {
        match self {
            Version::Alpha1 => "naftiko-v1.0.0-alpha1.json",
            Version::Alpha2 => "naftiko-v1.0.0-alpha2.json",
            Version::Alpha3 => "naftiko-v1.0.0-alpha3.json",
            Version::IkanosBeta5 => "ikanos-v1.0.0-beta5.json",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Version::Alpha1 => A1,
            Version::Alpha2 => A2,
            Version::Alpha3 => A3,
            Version::IkanosBeta5 => B5,
        }
    }
}

/// The versions whose schema defines a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions(u8);

impl Versions {
    /// Whether `version`'s schema defines the key.
    pub fn contains(self, version: Version) -> bool {
        self.0 & version.bit() != 0
    }

    /// The versions, oldest first.
    pub fn iter(self) -> impl Iterator<Item = Version> {
        Version::ALL.into_iter().filter(move |v| self.contains(*v))
    }
}

/// What the code generator does with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Read and acted on; `test` (`<crate>/tests/<file>.rs::<function>`) shows it.
    Honoured { test: &'static str },
    /// Words for people (labels, tags, dates, owners): read without a diagnostic, and by its
    /// definition in the format nothing the service does depends on it.
    Descriptive,
    /// Not acted on: every occurrence is a warning with `code`, saying `why`.
    Ignored {
        code: &'static str,
        why: &'static str,
    },
    /// Cannot become correct code: every occurrence is an error with `code`, saying `why`.
    Refused {
        code: &'static str,
        why: &'static str,
    },
}

/// One key of the schemas and what is done with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The property path (see the module documentation for the notation).
    pub path: &'static str,
    /// The versions whose schema defines it.
    pub versions: Versions,
    /// What the code generator does with it.
    pub status: Status,
}

/// Every row, sorted by path.
pub fn rows() -> impl Iterator<Item = Row> {
    (0..ROWS.len()).map(row)
}

/// Row number `at` of the table.
fn row(at: usize) -> Row {
    let (path, versions, status) = ROWS[at];
    Row {
        path,
        versions: Versions(versions),
        status,
    }
}

/// The row of key `key` of the mapping at `section` (a path of the table; `""` for the top
/// level and for `capability` itself).
pub fn lookup(section: &str, key: &str) -> Option<Row> {
    INDEX.by_place.get(section)?.get(key).map(|&at| row(at))
}

/// The row of `key` in a section that differs from `section` only in an adapter, body or
/// authentication type: the key exists, but on another kind of entry.
pub fn elsewhere(section: &str, key: &str) -> Option<Row> {
    let candidates = INDEX.by_untyped_place.get(&untyped(section))?.get(key)?;
    candidates
        .iter()
        .find(|&&at| split(ROWS[at].0).0 != section)
        .map(|&at| row(at))
}

/// The rows by place, built on first use: every key of every spec is looked up, and a scan
/// of the table per key was most of the time the code generator took on the corpus.
struct Index {
    /// Section → key → row number.
    by_place: HashMap<&'static str, HashMap<&'static str, usize>>,
    /// Section without entry types → key → row numbers, in table order.
    by_untyped_place: HashMap<String, HashMap<&'static str, Vec<usize>>>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut index = Index {
        by_place: HashMap::new(),
        by_untyped_place: HashMap::new(),
    };
    for (at, &(path, _, _)) in ROWS.iter().enumerate() {
        let (parent, key) = split(path);
        index
            .by_place
            .entry(parent)
            .or_default()
            .entry(key)
            .or_insert(at);
        index
            .by_untyped_place
            .entry(untyped(parent))
            .or_default()
            .entry(key)
            .or_default()
            .push(at);
    }
    index
});

/// `exposes[]<mcp>.tools[]` → `exposes[].tools[]`.
fn untyped(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The keys the table knows for the mapping at `section`.
pub fn keys_of(section: &str) -> impl Iterator<Item = &'static str> {
    let section = section.to_string();
    ROWS.iter()
        .map(|(path, _, _)| split(path))
        .filter(move |(parent, _)| *parent == section.as_str())
        .map(|(_, key)| key)
}

/// `a.b[].c` → (`a.b[]`, `c`); a top-level key has the parent `""`.
fn split(path: &str) -> (&str, &str) {
    path.rsplit_once('.').unwrap_or(("", path))
}

/// `SPEC-COVERAGE.md`: the table for people, one line per key.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str(
        "<!-- @generated from crates/naftiko-codegen/src/coverage.rs; \
         regenerate with UPDATE_SPEC_COVERAGE=1 cargo test -p naftiko-codegen --test spec_coverage -->\n\n",
    );
    out.push_str("# Spec coverage\n\n");
    out.push_str(
        "Every key the official JSON Schemas of the format define, and what naftiko-rs does \
         with it. *honoured*: read and acted on, with the test that shows it. *descriptive*: \
         words for people, read without a diagnostic. *ignored*: not acted on, and each \
         occurrence is a warning with the code shown. *refused*: each occurrence is an error \
         with the code shown. A key that no schema defines is an `unknown-key` warning.\n\n",
    );
    out.push_str(
        "Paths start inside `capability` (a fragment file has the same sections at its top \
         level); `[]` is each entry of a list or of a name-keyed map. Versions: \
         a1, a2, a3 are naftiko 1.0.0-alpha1 to -alpha3, b5 is ikanos 1.0.0-beta5.\n\n",
    );
    let mut counts = [0usize; 4];
    for row in rows() {
        let i = match row.status {
            Status::Honoured { .. } => 0,
            Status::Descriptive => 1,
            Status::Ignored { .. } => 2,
            Status::Refused { .. } => 3,
        };
        if let Some(c) = counts.get_mut(i) {
            *c += 1;
        }
    }
    let [h, d, i, r] = counts;
    let _ = writeln!(
        out,
        "{} keys: {h} honoured, {d} descriptive, {i} ignored, {r} refused.\n",
        ROWS.len()
    );
    out.push_str("| key | versions | status | code | why, or the test that shows it |\n");
    out.push_str("|---|---|---|---|---|\n");
    for row in rows() {
        let versions: Vec<&str> = row
            .versions
            .iter()
            .map(|v| match v {
                Version::Alpha1 => "a1",
                Version::Alpha2 => "a2",
                Version::Alpha3 => "a3",
                Version::IkanosBeta5 => "b5",
            })
            .collect();
        let (status, code, why) = match row.status {
            Status::Honoured { test } => ("honoured", String::new(), format!("`{test}`")),
            Status::Descriptive => ("descriptive", String::new(), String::new()),
            Status::Ignored { code, why } => ("ignored", format!("`{code}`"), why.to_string()),
            Status::Refused { code, why } => ("refused", format!("`{code}`"), why.to_string()),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {status} | {code} | {why} |",
            row.path,
            versions.join(" ")
        );
    }
    out
}

const A1: u8 = 1;
const A2: u8 = 2;
const A3: u8 = 4;
const B5: u8 = 8;
const ALL: u8 = A1 | A2 | A3 | B5;

const fn honoured(test: &'static str) -> Status {
    Status::Honoured { test }
}

const fn ignored(code: &'static str, why: &'static str) -> Status {
    Status::Ignored { code, why }
}

const fn refused(code: &'static str, why: &'static str) -> Status {
    Status::Refused { code, why }
}

const METADATA: Status = Status::Descriptive;
const T_CONTROL_ADDRESS: Status = T_ADAPTERS;

const T_TOP: Status =
    honoured("naftiko-codegen/tests/corpus.rs::the_seed_validates_with_warnings_only");
const T_CONSUMES: Status =
    honoured("naftiko-codegen/tests/rules.rs::consumed_path_placeholders_are_inputs");
const T_CONSUMED_PARAMS: Status =
    honoured("naftiko-codegen/tests/rules.rs::rule5_types_come_from_the_consumed_parameter");
const T_BODIES: Status = honoured("naftiko-runtime/tests/client.rs::bodies_of_every_kind");
const T_AUTH: Status =
    honoured("naftiko-runtime/tests/client.rs::api_key_basic_cookie_and_digest_authenticate");
const T_BINDS: Status =
    honoured("naftiko-codegen/tests/rules.rs::rule6_secrets_are_bound_and_listed");
const T_IMPORTS: Status =
    honoured("naftiko-codegen/tests/imports.rs::imports_resolve_relative_to_the_importing_file");
const T_ADAPTERS: Status = honoured(
    "naftiko-codegen/tests/adapters_rules.rs::control_adapters_take_their_namespace_or_control_for_their_address",
);
const T_CONTROL: Status = honoured(
    "naftiko-runtime/tests/control.rs::control_serves_liveness_readiness_and_metrics_after_requests",
);
const T_CONTROL_SETTINGS: Status = honoured(
    "naftiko-codegen/tests/adapters_rules.rs::control_settings_we_do_not_honour_say_so_and_scripting_is_refused",
);
/// Read by the observability reader, which decides some keys by value: `propagation` other
/// than `w3c` and an enabled `traces.local` (a `/traces` endpoint) are warned
/// (`control-setting-ignored`), and `buffer-size` only sizes that endpoint.
const T_OBSERVABILITY: Status = honoured(
    "naftiko-codegen/tests/adapters_rules.rs::observability_gives_opentelemetry_its_defaults_and_turns_metrics_off",
);
const T_ROUTES: Status = honoured(
    "naftiko-runtime/tests/rest.rs::get_reaches_upstream_with_method_path_and_auth_and_passes_bytes_through",
);
const T_FORWARD: Status = honoured(
    "naftiko-runtime/tests/forward.rs::a_forwarded_request_carries_method_path_query_body_trusted_headers_and_auth",
);
const T_MCP_RESOURCE: Status = honoured(
    "naftiko-codegen/tests/adapters_rules.rs::an_mcp_resource_uri_with_placeholders_is_a_template_that_supplies_inputs",
);
const T_PROMPTS: Status =
    honoured("naftiko-runtime/tests/mcp.rs::resources_and_prompts_are_served");
const T_TOOLS: Status = honoured(
    "naftiko-runtime/tests/mcp.rs::a_call_returns_structured_content_and_the_same_json_as_text",
);
const T_HINTS: Status = honoured(
    "naftiko-runtime/tests/mcp.rs::tools_are_listed_with_schema_and_annotations_in_both_eras",
);
const T_EXPOSED_PARAMS: Status =
    honoured("naftiko-runtime/tests/rest.rs::missing_or_invalid_input_is_a_400_naming_the_field");
const T_PATTERN: Status = honoured(
    "naftiko-codegen/tests/rules.rs::an_input_pattern_is_kept_for_the_runtime_and_advertised_in_both_schemas",
);
const T_OUTPUTS: Status = honoured("naftiko-runtime/tests/invoke.rs::mapped_output_is_shaped_json");
/// A consumed operation's outputs shape what its typed client method returns.
const T_CONSUMED_OUTPUTS: Status =
    honoured("naftiko-tests/tests/typed_outputs.rs::the_client_returns_the_declared_fields_typed");
const T_STEPS: Status =
    honoured("naftiko-runtime/tests/invoke.rs::steps_feed_lookups_and_the_mapping");
const T_AGGREGATES: Status =
    honoured("naftiko-codegen/tests/rules.rs::unknown_call_targets_are_errors_with_a_suggestion");
const T_IMPORT_KINDS: Status = honoured(
    "naftiko-codegen/tests/imports.rs::exposes_aggregates_and_binds_import_one_namespaced_entry_each",
);

const SCRIPT_STEP: Status = refused(
    "unsupported-step",
    "script steps run code in a script engine; a compiled capability has none",
);
const OAUTH2: Status = refused(
    "unsupported-auth",
    "OAuth 2 token exchange and token validation are not implemented",
);
const SCRIPTING: Status = refused(
    "unsupported-scripting",
    "the control port cannot run scripts: a compiled capability has no script engine",
);
const CONTROL_SETTING: Status = ignored(
    "control-setting-ignored",
    "the control adapter serves health and Prometheus metrics only",
);
const SKILL: Status = ignored(
    "adapter-not-generated",
    "skill adapters are not generated; the adapter is skipped",
);
// Read by the consumes reader, which decides by value: a tunnel is refused
// (`unsupported-tunnel`) unless `fallback: direct` asks for direct calls (`tunnel-direct`).
const TUNNEL: Status = honoured(
    "naftiko-codegen/tests/refusals.rs::a_tunnel_fails_closed_unless_the_spec_asks_for_direct_calls",
);
const MCP_CACHE: Status = honoured(
    "naftiko-runtime/tests/mcp.rs::cache_hints_of_the_adapter_are_on_its_list_and_read_results",
);
const BINARY_RESOURCE: Status = honoured(
    "naftiko-codegen/tests/refusals.rs::a_binary_file_resource_is_embedded_as_base64_and_needs_binary_true",
);
const T_MCP_TRANSPORT: Status = honoured(
    "naftiko-codegen/tests/adapters_rules.rs::an_mcp_adapter_speaks_over_the_transport_it_declares",
);
const T_DISPLAY: Status =
    honoured("naftiko-codegen/tests/refusals.rs::info_display_names_the_capability");
const RESPONSE_DOCS: Status = ignored(
    "ignored-key",
    "declared responses are not put into the OpenAPI document; the upstream answer passes through as it is",
);
const CONTROL_AUTH: Status = honoured(
    "naftiko-runtime/tests/control.rs::a_control_adapter_with_authentication_refuses_callers_without_it",
);
const MAX_BINARY: Status = ignored(
    "max-binary-size-not-enforced",
    "not enforced; upstream answers are bounded by the consumed namespace's `<NS>_MAX_BODY_BYTES` (default 16 MiB), which is what to set",
);
const OUTPUT_MEDIA_TYPE: Status = ignored(
    "ignored-key",
    "the answer keeps the content type the upstream sent (or JSON when it is mapped)",
);
const CACHEABLE: Status = ignored(
    "ignored-key",
    "responses are never cached; the hint changes nothing",
);
const CONSUMED_MAPPINGS: Status = ignored(
    "ignored-key",
    "mappings of a consumed operation are not applied; map outputs on the exposed side",
);

#[rustfmt::skip]
const ROWS: &[(&str, u8, Status)] = &[
    ("aggregates", A2 | A3 | B5, T_AGGREGATES),
    ("aggregates[].as", B5, T_IMPORT_KINDS),
    ("aggregates[].description", B5, T_AGGREGATES),
    ("aggregates[].display", B5, METADATA),
    ("aggregates[].flows", B5, T_AGGREGATES),
    ("aggregates[].flows[].call", B5, T_AGGREGATES),
    ("aggregates[].flows[].description", B5, T_AGGREGATES),
    ("aggregates[].flows[].inputParameters", B5, T_EXPOSED_PARAMS),
    ("aggregates[].flows[].inputParameters[].description", B5, T_EXPOSED_PARAMS),
    ("aggregates[].flows[].inputParameters[].required", B5, T_EXPOSED_PARAMS),
    ("aggregates[].flows[].inputParameters[].type", B5, T_EXPOSED_PARAMS),
    ("aggregates[].flows[].mappings", B5, T_STEPS),
    ("aggregates[].flows[].mappings[].target", B5, T_STEPS),
    ("aggregates[].flows[].mappings[].value", B5, T_STEPS),
    ("aggregates[].flows[].outputMediaType", B5, OUTPUT_MEDIA_TYPE),
    ("aggregates[].flows[].outputParameters", B5, T_OUTPUTS),
    ("aggregates[].flows[].outputParameters[].const", B5, T_OUTPUTS),
    ("aggregates[].flows[].outputParameters[].items", B5, T_OUTPUTS),
    ("aggregates[].flows[].outputParameters[].mapping", B5, T_OUTPUTS),
    ("aggregates[].flows[].outputParameters[].properties", B5, T_OUTPUTS),
    ("aggregates[].flows[].outputParameters[].type", B5, T_OUTPUTS),
    ("aggregates[].flows[].outputParameters[].value", B5, T_OUTPUTS),
    ("aggregates[].flows[].semantics", B5, T_HINTS),
    ("aggregates[].flows[].semantics.cacheable", B5, CACHEABLE),
    ("aggregates[].flows[].semantics.idempotent", B5, T_HINTS),
    ("aggregates[].flows[].semantics.safe", B5, T_HINTS),
    ("aggregates[].flows[].steps", B5, T_STEPS),
    ("aggregates[].flows[].steps[].call", B5, T_STEPS),
    ("aggregates[].flows[].steps[].dependencies", B5, SCRIPT_STEP),
    ("aggregates[].flows[].steps[].file", B5, SCRIPT_STEP),
    ("aggregates[].flows[].steps[].index", B5, T_STEPS),
    ("aggregates[].flows[].steps[].language", B5, SCRIPT_STEP),
    ("aggregates[].flows[].steps[].location", B5, SCRIPT_STEP),
    ("aggregates[].flows[].steps[].lookupValue", B5, T_STEPS),
    ("aggregates[].flows[].steps[].match", B5, T_STEPS),
    ("aggregates[].flows[].steps[].outputParameters", B5, T_STEPS),
    ("aggregates[].flows[].steps[].type", B5, T_STEPS),
    ("aggregates[].flows[].steps[].with", B5, T_STEPS),
    ("aggregates[].flows[].tags", B5, METADATA),
    ("aggregates[].flows[].with", B5, T_STEPS),
    ("aggregates[].from", B5, T_IMPORT_KINDS),
    ("aggregates[].functions", A2 | A3, T_AGGREGATES),
    ("aggregates[].functions[].call", A2 | A3, T_AGGREGATES),
    ("aggregates[].functions[].description", A2 | A3, T_AGGREGATES),
    ("aggregates[].functions[].inputParameters", A2 | A3, T_EXPOSED_PARAMS),
    ("aggregates[].functions[].inputParameters[].description", A2 | A3, T_EXPOSED_PARAMS),
    ("aggregates[].functions[].inputParameters[].name", A2 | A3, T_EXPOSED_PARAMS),
    ("aggregates[].functions[].inputParameters[].required", A2 | A3, T_EXPOSED_PARAMS),
    ("aggregates[].functions[].inputParameters[].type", A2 | A3, T_EXPOSED_PARAMS),
    ("aggregates[].functions[].mappings", A2 | A3, T_STEPS),
    ("aggregates[].functions[].mappings[].targetName", A2 | A3, T_STEPS),
    ("aggregates[].functions[].mappings[].value", A2 | A3, T_STEPS),
    ("aggregates[].functions[].name", A2 | A3, T_AGGREGATES),
    ("aggregates[].functions[].outputParameters", A2 | A3, T_OUTPUTS),
    ("aggregates[].functions[].outputParameters[].const", A2 | A3, T_OUTPUTS),
    ("aggregates[].functions[].outputParameters[].items", A2 | A3, T_OUTPUTS),
    ("aggregates[].functions[].outputParameters[].mapping", A2 | A3, T_OUTPUTS),
    ("aggregates[].functions[].outputParameters[].name", A2 | A3, T_OUTPUTS),
    ("aggregates[].functions[].outputParameters[].properties", A2 | A3, T_OUTPUTS),
    ("aggregates[].functions[].outputParameters[].type", A2 | A3, T_OUTPUTS),
    ("aggregates[].functions[].outputParameters[].value", A2 | A3, T_OUTPUTS),
    ("aggregates[].functions[].semantics", A2 | A3, T_HINTS),
    ("aggregates[].functions[].semantics.cacheable", A2 | A3, CACHEABLE),
    ("aggregates[].functions[].semantics.idempotent", A2 | A3, T_HINTS),
    ("aggregates[].functions[].semantics.safe", A2 | A3, T_HINTS),
    ("aggregates[].functions[].steps", A2 | A3, T_STEPS),
    ("aggregates[].functions[].steps[].call", A2 | A3, T_STEPS),
    ("aggregates[].functions[].steps[].dependencies", A2 | A3, SCRIPT_STEP),
    ("aggregates[].functions[].steps[].file", A2 | A3, SCRIPT_STEP),
    ("aggregates[].functions[].steps[].index", A2 | A3, T_STEPS),
    ("aggregates[].functions[].steps[].language", A2 | A3, SCRIPT_STEP),
    ("aggregates[].functions[].steps[].location", A2 | A3, SCRIPT_STEP),
    ("aggregates[].functions[].steps[].lookupValue", A2 | A3, T_STEPS),
    ("aggregates[].functions[].steps[].match", A2 | A3, T_STEPS),
    ("aggregates[].functions[].steps[].name", A2 | A3, T_STEPS),
    ("aggregates[].functions[].steps[].outputParameters", A2 | A3, T_STEPS),
    ("aggregates[].functions[].steps[].type", A2 | A3, T_STEPS),
    ("aggregates[].functions[].steps[].with", A2 | A3, T_STEPS),
    ("aggregates[].functions[].with", A2 | A3, T_STEPS),
    ("aggregates[].import", B5, T_IMPORT_KINDS),
    ("aggregates[].label", A2 | A3, METADATA),
    ("aggregates[].namespace", A2 | A3 | B5, T_AGGREGATES),
    ("binds", ALL, T_BINDS),
    ("binds[].as", B5, T_IMPORT_KINDS),
    ("binds[].description", ALL, T_BINDS),
    ("binds[].from", B5, T_IMPORT_KINDS),
    ("binds[].import", B5, T_IMPORT_KINDS),
    ("binds[].keys", ALL, T_BINDS),
    ("binds[].location", ALL, T_BINDS),
    ("binds[].namespace", ALL, T_BINDS),
    ("capability", ALL, T_TOP),
    ("consumes", ALL, T_CONSUMES),
    ("consumes[].as", ALL, T_IMPORTS),
    ("consumes[].description", A2 | A3 | B5, T_CONSUMES),
    ("consumes[].from", B5, T_IMPORTS),
    ("consumes[].import", ALL, T_IMPORTS),
    ("consumes[].location", A1 | A2 | A3, T_IMPORTS),
    ("consumes[]<http>.authentication", ALL, T_AUTH),
    ("consumes[]<http>.authentication<apikey>.key", ALL, T_AUTH),
    ("consumes[]<http>.authentication<apikey>.placement", ALL, T_AUTH),
    ("consumes[]<http>.authentication<apikey>.type", ALL, T_AUTH),
    ("consumes[]<http>.authentication<apikey>.value", ALL, T_AUTH),
    ("consumes[]<http>.authentication<basic>.password", ALL, T_AUTH),
    ("consumes[]<http>.authentication<basic>.type", ALL, T_AUTH),
    ("consumes[]<http>.authentication<basic>.username", ALL, T_AUTH),
    ("consumes[]<http>.authentication<bearer>.token", ALL, T_AUTH),
    ("consumes[]<http>.authentication<bearer>.type", ALL, T_AUTH),
    ("consumes[]<http>.authentication<digest>.password", ALL, T_AUTH),
    ("consumes[]<http>.authentication<digest>.type", ALL, T_AUTH),
    ("consumes[]<http>.authentication<digest>.username", ALL, T_AUTH),
    ("consumes[]<http>.authentication<oauth2>.audience", A2 | A3 | B5, OAUTH2),
    ("consumes[]<http>.authentication<oauth2>.authorizationServerUri", A2 | A3 | B5, OAUTH2),
    ("consumes[]<http>.authentication<oauth2>.resource", A2 | A3 | B5, OAUTH2),
    ("consumes[]<http>.authentication<oauth2>.scopes", A2 | A3 | B5, OAUTH2),
    ("consumes[]<http>.authentication<oauth2>.tokenEndpoint", A2 | A3 | B5, OAUTH2),
    ("consumes[]<http>.authentication<oauth2>.tokenValidation", A2 | A3 | B5, OAUTH2),
    ("consumes[]<http>.authentication<oauth2>.type", A2 | A3 | B5, OAUTH2),
    ("consumes[]<http>.baseUri", ALL, T_CONSUMES),
    ("consumes[]<http>.description", ALL, T_CONSUMES),
    ("consumes[]<http>.inputParameters", ALL, T_CONSUMED_PARAMS),
    ("consumes[]<http>.inputParameters[].in", ALL, T_CONSUMED_PARAMS),
    ("consumes[]<http>.inputParameters[].name", A1 | A2 | A3, T_CONSUMED_PARAMS),
    ("consumes[]<http>.inputParameters[].value", ALL, T_CONSUMED_PARAMS),
    ("consumes[]<http>.namespace", ALL, T_CONSUMES),
    ("consumes[]<http>.resources", ALL, T_CONSUMES),
    ("consumes[]<http>.resources[].description", ALL, T_CONSUMES),
    ("consumes[]<http>.resources[].display", B5, METADATA),
    ("consumes[]<http>.resources[].inputParameters", ALL, T_CONSUMED_PARAMS),
    ("consumes[]<http>.resources[].inputParameters[].in", ALL, T_CONSUMED_PARAMS),
    ("consumes[]<http>.resources[].inputParameters[].name", A1 | A2 | A3, T_CONSUMED_PARAMS),
    ("consumes[]<http>.resources[].inputParameters[].value", ALL, T_CONSUMED_PARAMS),
    ("consumes[]<http>.resources[].label", A1 | A2 | A3, METADATA),
    ("consumes[]<http>.resources[].name", A1 | A2 | A3, T_CONSUMES),
    ("consumes[]<http>.resources[].operations", ALL, T_CONSUMES),
    ("consumes[]<http>.resources[].operations[].body", ALL, T_BODIES),
    ("consumes[]<http>.resources[].operations[].body.data", ALL, T_BODIES),
    ("consumes[]<http>.resources[].operations[].body.type", ALL, T_BODIES),
    ("consumes[]<http>.resources[].operations[].body<formUrlEncoded>.data", ALL, T_BODIES),
    ("consumes[]<http>.resources[].operations[].body<formUrlEncoded>.type", ALL, T_BODIES),
    ("consumes[]<http>.resources[].operations[].body<json>.data", ALL, T_BODIES),
    ("consumes[]<http>.resources[].operations[].body<json>.type", ALL, T_BODIES),
    ("consumes[]<http>.resources[].operations[].body<multipartForm>.data", ALL, T_BODIES),
    ("consumes[]<http>.resources[].operations[].body<multipartForm>.data[].contentType", ALL, T_BODIES),
    ("consumes[]<http>.resources[].operations[].body<multipartForm>.data[].filename", ALL, T_BODIES),
    ("consumes[]<http>.resources[].operations[].body<multipartForm>.data[].name", ALL, T_BODIES),
    ("consumes[]<http>.resources[].operations[].body<multipartForm>.data[].value", ALL, T_BODIES),
    ("consumes[]<http>.resources[].operations[].body<multipartForm>.type", ALL, T_BODIES),
    ("consumes[]<http>.resources[].operations[].description", ALL, T_CONSUMES),
    ("consumes[]<http>.resources[].operations[].display", B5, METADATA),
    ("consumes[]<http>.resources[].operations[].inputParameters", ALL, T_CONSUMED_PARAMS),
    ("consumes[]<http>.resources[].operations[].inputParameters[].in", ALL, T_CONSUMED_PARAMS),
    ("consumes[]<http>.resources[].operations[].inputParameters[].name", A1 | A2 | A3, T_CONSUMED_PARAMS),
    ("consumes[]<http>.resources[].operations[].inputParameters[].value", ALL, T_CONSUMED_PARAMS),
    ("consumes[]<http>.resources[].operations[].label", A1 | A2 | A3, METADATA),
    ("consumes[]<http>.resources[].operations[].mappings", B5, CONSUMED_MAPPINGS),
    ("consumes[]<http>.resources[].operations[].maxBinarySize", B5, MAX_BINARY),
    ("consumes[]<http>.resources[].operations[].method", ALL, T_CONSUMES),
    ("consumes[]<http>.resources[].operations[].name", A1 | A2 | A3, T_CONSUMES),
    ("consumes[]<http>.resources[].operations[].outputMediaType", B5, OUTPUT_MEDIA_TYPE),
    ("consumes[]<http>.resources[].operations[].outputParameters", ALL, T_CONSUMED_OUTPUTS),
    ("consumes[]<http>.resources[].operations[].outputParameters[].const", B5, T_CONSUMED_OUTPUTS),
    ("consumes[]<http>.resources[].operations[].outputParameters[].items", B5, T_CONSUMED_OUTPUTS),
    ("consumes[]<http>.resources[].operations[].outputParameters[].mapping", B5, T_CONSUMED_OUTPUTS),
    ("consumes[]<http>.resources[].operations[].outputParameters[].name", A1 | A2 | A3, T_CONSUMED_OUTPUTS),
    ("consumes[]<http>.resources[].operations[].outputParameters[].properties", B5, T_CONSUMED_OUTPUTS),
    ("consumes[]<http>.resources[].operations[].outputParameters[].type", ALL, T_CONSUMED_OUTPUTS),
    ("consumes[]<http>.resources[].operations[].outputParameters[].value", ALL, T_CONSUMED_OUTPUTS),
    ("consumes[]<http>.resources[].operations[].outputRawFormat", ALL, T_OUTPUTS),
    ("consumes[]<http>.resources[].operations[].outputSchema", A2 | A3 | B5, T_OUTPUTS),
    ("consumes[]<http>.resources[].operations[].tags", B5, METADATA),
    ("consumes[]<http>.resources[].path", ALL, T_CONSUMES),
    ("consumes[]<http>.resources[].tags", B5, METADATA),
    ("consumes[]<http>.tunnel", B5, TUNNEL),
    ("consumes[]<http>.tunnel<ziti>.fallback", B5, TUNNEL),
    ("consumes[]<http>.tunnel<ziti>.identity", B5, TUNNEL),
    ("consumes[]<http>.tunnel<ziti>.service", B5, TUNNEL),
    ("consumes[]<http>.tunnel<ziti>.type", B5, TUNNEL),
    ("consumes[]<http>.type", ALL, T_CONSUMES),
    ("exposes", ALL, T_ADAPTERS),
    ("exposes[].as", B5, T_IMPORT_KINDS),
    ("exposes[].description", B5, T_ADAPTERS),
    ("exposes[].from", B5, T_IMPORT_KINDS),
    ("exposes[].import", B5, T_IMPORT_KINDS),
    ("exposes[]<control>.address", A2 | A3 | B5, T_CONTROL_ADDRESS),
    ("exposes[]<control>.authentication", A2 | A3 | B5, CONTROL_AUTH),
    ("exposes[]<control>.authentication<apikey>.key", A2 | A3 | B5, CONTROL_AUTH),
    ("exposes[]<control>.authentication<apikey>.placement", A2 | A3 | B5, CONTROL_AUTH),
    ("exposes[]<control>.authentication<apikey>.type", A2 | A3 | B5, CONTROL_AUTH),
    ("exposes[]<control>.authentication<apikey>.value", A2 | A3 | B5, CONTROL_AUTH),
    ("exposes[]<control>.authentication<basic>.password", A2 | A3 | B5, CONTROL_AUTH),
    ("exposes[]<control>.authentication<basic>.type", A2 | A3 | B5, CONTROL_AUTH),
    ("exposes[]<control>.authentication<basic>.username", A2 | A3 | B5, CONTROL_AUTH),
    ("exposes[]<control>.authentication<bearer>.token", A2 | A3 | B5, CONTROL_AUTH),
    ("exposes[]<control>.authentication<bearer>.type", A2 | A3 | B5, CONTROL_AUTH),
    ("exposes[]<control>.authentication<digest>.password", A2 | A3 | B5, CONTROL_AUTH),
    ("exposes[]<control>.authentication<digest>.type", A2 | A3 | B5, CONTROL_AUTH),
    ("exposes[]<control>.authentication<digest>.username", A2 | A3 | B5, CONTROL_AUTH),
    ("exposes[]<control>.authentication<oauth2>.audience", A2 | A3 | B5, OAUTH2),
    ("exposes[]<control>.authentication<oauth2>.authorizationServerUri", A2 | A3 | B5, OAUTH2),
    ("exposes[]<control>.authentication<oauth2>.resource", A2 | A3 | B5, OAUTH2),
    ("exposes[]<control>.authentication<oauth2>.scopes", A2 | A3 | B5, OAUTH2),
    ("exposes[]<control>.authentication<oauth2>.tokenEndpoint", A2 | A3 | B5, OAUTH2),
    ("exposes[]<control>.authentication<oauth2>.tokenValidation", A2 | A3 | B5, OAUTH2),
    ("exposes[]<control>.authentication<oauth2>.type", A2 | A3 | B5, OAUTH2),
    ("exposes[]<control>.management", A2 | A3 | B5, T_CONTROL_SETTINGS),
    ("exposes[]<control>.management.health", A2 | A3 | B5, T_CONTROL),
    ("exposes[]<control>.management.info", A2 | A3 | B5, CONTROL_SETTING),
    ("exposes[]<control>.management.logs", A2 | A3 | B5, CONTROL_SETTING),
    ("exposes[]<control>.management.logs.level-control", A2 | A3 | B5, CONTROL_SETTING),
    ("exposes[]<control>.management.logs.max-subscribers", A2 | A3 | B5, CONTROL_SETTING),
    ("exposes[]<control>.management.logs.stream", A2 | A3 | B5, CONTROL_SETTING),
    ("exposes[]<control>.management.reload", A2 | A3 | B5, CONTROL_SETTING),
    ("exposes[]<control>.management.scripting", A2 | A3 | B5, SCRIPTING),
    ("exposes[]<control>.management.scripting.allowedLanguages", A2 | A3 | B5, SCRIPTING),
    ("exposes[]<control>.management.scripting.defaultLanguage", A2 | A3 | B5, SCRIPTING),
    ("exposes[]<control>.management.scripting.defaultLocation", A2 | A3 | B5, SCRIPTING),
    ("exposes[]<control>.management.scripting.enabled", A2 | A3 | B5, SCRIPTING),
    ("exposes[]<control>.management.scripting.statementLimit", A2 | A3 | B5, SCRIPTING),
    ("exposes[]<control>.management.scripting.timeout", A2 | A3 | B5, SCRIPTING),
    ("exposes[]<control>.management.validate", A2 | A3 | B5, CONTROL_SETTING),
    ("exposes[]<control>.observability", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.observability.enabled", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.observability.exporters", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.observability.exporters.otlp", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.observability.exporters.otlp.endpoint", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.observability.metrics", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.observability.metrics.local", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.observability.metrics.local.enabled", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.observability.traces", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.observability.traces.local", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.observability.traces.local.buffer-size", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.observability.traces.local.enabled", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.observability.traces.propagation", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.observability.traces.sampling", A2 | A3 | B5, T_OBSERVABILITY),
    ("exposes[]<control>.port", A2 | A3 | B5, T_CONTROL_ADDRESS),
    ("exposes[]<control>.type", A2 | A3 | B5, T_CONTROL_ADDRESS),
    ("exposes[]<mcp>.address", ALL, T_ADAPTERS),
    ("exposes[]<mcp>.authentication", A2 | A3 | B5, T_AUTH),
    ("exposes[]<mcp>.authentication<apikey>.key", A2 | A3 | B5, T_AUTH),
    ("exposes[]<mcp>.authentication<apikey>.placement", A2 | A3 | B5, T_AUTH),
    ("exposes[]<mcp>.authentication<apikey>.type", A2 | A3 | B5, T_AUTH),
    ("exposes[]<mcp>.authentication<apikey>.value", A2 | A3 | B5, T_AUTH),
    ("exposes[]<mcp>.authentication<basic>.password", A2 | A3 | B5, T_AUTH),
    ("exposes[]<mcp>.authentication<basic>.type", A2 | A3 | B5, T_AUTH),
    ("exposes[]<mcp>.authentication<basic>.username", A2 | A3 | B5, T_AUTH),
    ("exposes[]<mcp>.authentication<bearer>.token", A2 | A3 | B5, T_AUTH),
    ("exposes[]<mcp>.authentication<bearer>.type", A2 | A3 | B5, T_AUTH),
    ("exposes[]<mcp>.authentication<digest>.password", A2 | A3 | B5, T_AUTH),
    ("exposes[]<mcp>.authentication<digest>.type", A2 | A3 | B5, T_AUTH),
    ("exposes[]<mcp>.authentication<digest>.username", A2 | A3 | B5, T_AUTH),
    ("exposes[]<mcp>.authentication<oauth2>.audience", A2 | A3 | B5, OAUTH2),
    ("exposes[]<mcp>.authentication<oauth2>.authorizationServerUri", A2 | A3 | B5, OAUTH2),
    ("exposes[]<mcp>.authentication<oauth2>.resource", A2 | A3 | B5, OAUTH2),
    ("exposes[]<mcp>.authentication<oauth2>.scopes", A2 | A3 | B5, OAUTH2),
    ("exposes[]<mcp>.authentication<oauth2>.tokenEndpoint", A2 | A3 | B5, OAUTH2),
    ("exposes[]<mcp>.authentication<oauth2>.tokenValidation", A2 | A3 | B5, OAUTH2),
    ("exposes[]<mcp>.authentication<oauth2>.type", A2 | A3 | B5, OAUTH2),
    ("exposes[]<mcp>.cacheScope", B5, MCP_CACHE),
    ("exposes[]<mcp>.description", ALL, T_ADAPTERS),
    ("exposes[]<mcp>.maxBinarySize", B5, MAX_BINARY),
    ("exposes[]<mcp>.namespace", ALL, T_ADAPTERS),
    ("exposes[]<mcp>.port", ALL, T_ADAPTERS),
    ("exposes[]<mcp>.prompts", ALL, T_PROMPTS),
    ("exposes[]<mcp>.prompts[].arguments", ALL, T_PROMPTS),
    ("exposes[]<mcp>.prompts[].arguments[].description", ALL, T_PROMPTS),
    ("exposes[]<mcp>.prompts[].arguments[].display", B5, METADATA),
    ("exposes[]<mcp>.prompts[].arguments[].label", A1 | A2 | A3, METADATA),
    ("exposes[]<mcp>.prompts[].arguments[].name", A1 | A2 | A3, T_PROMPTS),
    ("exposes[]<mcp>.prompts[].arguments[].required", ALL, T_PROMPTS),
    ("exposes[]<mcp>.prompts[].description", ALL, T_PROMPTS),
    ("exposes[]<mcp>.prompts[].display", B5, T_PROMPTS),
    ("exposes[]<mcp>.prompts[].label", A1 | A2 | A3, T_PROMPTS),
    ("exposes[]<mcp>.prompts[].location", ALL, T_PROMPTS),
    ("exposes[]<mcp>.prompts[].name", A1 | A2 | A3, T_PROMPTS),
    ("exposes[]<mcp>.prompts[].template", ALL, T_PROMPTS),
    ("exposes[]<mcp>.prompts[].template[].content", ALL, T_PROMPTS),
    ("exposes[]<mcp>.prompts[].template[].role", ALL, T_PROMPTS),
    ("exposes[]<mcp>.resources", ALL, T_MCP_RESOURCE),
    ("exposes[]<mcp>.resources[].binary", B5, BINARY_RESOURCE),
    ("exposes[]<mcp>.resources[].call", ALL, T_MCP_RESOURCE),
    ("exposes[]<mcp>.resources[].description", ALL, T_MCP_RESOURCE),
    ("exposes[]<mcp>.resources[].display", B5, T_MCP_RESOURCE),
    ("exposes[]<mcp>.resources[].label", A1 | A2 | A3, T_MCP_RESOURCE),
    ("exposes[]<mcp>.resources[].location", ALL, T_MCP_RESOURCE),
    ("exposes[]<mcp>.resources[].mappings", ALL, T_STEPS),
    ("exposes[]<mcp>.resources[].mappings[].target", B5, T_STEPS),
    ("exposes[]<mcp>.resources[].mappings[].targetName", A1 | A2 | A3, T_STEPS),
    ("exposes[]<mcp>.resources[].mappings[].value", ALL, T_STEPS),
    ("exposes[]<mcp>.resources[].mimeType", ALL, T_MCP_RESOURCE),
    ("exposes[]<mcp>.resources[].name", A1 | A2 | A3, T_MCP_RESOURCE),
    ("exposes[]<mcp>.resources[].outputParameters", ALL, T_OUTPUTS),
    ("exposes[]<mcp>.resources[].outputParameters[].const", ALL, T_OUTPUTS),
    ("exposes[]<mcp>.resources[].outputParameters[].items", ALL, T_OUTPUTS),
    ("exposes[]<mcp>.resources[].outputParameters[].mapping", ALL, T_OUTPUTS),
    ("exposes[]<mcp>.resources[].outputParameters[].name", A1 | A2 | A3, T_MCP_RESOURCE),
    ("exposes[]<mcp>.resources[].outputParameters[].properties", ALL, T_OUTPUTS),
    ("exposes[]<mcp>.resources[].outputParameters[].type", ALL, T_OUTPUTS),
    ("exposes[]<mcp>.resources[].outputParameters[].value", A2 | A3 | B5, T_OUTPUTS),
    ("exposes[]<mcp>.resources[].steps", ALL, T_STEPS),
    ("exposes[]<mcp>.resources[].steps[].call", ALL, T_STEPS),
    ("exposes[]<mcp>.resources[].steps[].dependencies", A2 | A3 | B5, SCRIPT_STEP),
    ("exposes[]<mcp>.resources[].steps[].file", A2 | A3 | B5, SCRIPT_STEP),
    ("exposes[]<mcp>.resources[].steps[].index", ALL, T_STEPS),
    ("exposes[]<mcp>.resources[].steps[].language", A2 | A3 | B5, SCRIPT_STEP),
    ("exposes[]<mcp>.resources[].steps[].location", A2 | A3 | B5, SCRIPT_STEP),
    ("exposes[]<mcp>.resources[].steps[].lookupValue", ALL, T_STEPS),
    ("exposes[]<mcp>.resources[].steps[].match", ALL, T_STEPS),
    ("exposes[]<mcp>.resources[].steps[].name", A1 | A2 | A3, T_MCP_RESOURCE),
    ("exposes[]<mcp>.resources[].steps[].outputParameters", ALL, T_STEPS),
    ("exposes[]<mcp>.resources[].steps[].type", ALL, T_STEPS),
    ("exposes[]<mcp>.resources[].steps[].with", ALL, T_STEPS),
    ("exposes[]<mcp>.resources[].uri", ALL, T_MCP_RESOURCE),
    ("exposes[]<mcp>.resources[].with", ALL, T_STEPS),
    ("exposes[]<mcp>.tools", ALL, T_TOOLS),
    ("exposes[]<mcp>.tools[].call", ALL, T_TOOLS),
    ("exposes[]<mcp>.tools[].description", ALL, T_TOOLS),
    ("exposes[]<mcp>.tools[].display", B5, T_TOOLS),
    ("exposes[]<mcp>.tools[].hints", A2 | A3 | B5, T_HINTS),
    ("exposes[]<mcp>.tools[].hints.destructive", A2 | A3 | B5, T_HINTS),
    ("exposes[]<mcp>.tools[].hints.idempotent", A2 | A3 | B5, T_HINTS),
    ("exposes[]<mcp>.tools[].hints.openWorld", A2 | A3 | B5, T_HINTS),
    ("exposes[]<mcp>.tools[].hints.readOnly", A2 | A3 | B5, T_HINTS),
    ("exposes[]<mcp>.tools[].inputParameters", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<mcp>.tools[].inputParameters[].description", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<mcp>.tools[].inputParameters[].name", A1 | A2 | A3, T_EXPOSED_PARAMS),
    ("exposes[]<mcp>.tools[].inputParameters[].required", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<mcp>.tools[].inputParameters[].type", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<mcp>.tools[].label", A1 | A2 | A3, T_TOOLS),
    ("exposes[]<mcp>.tools[].mappings", ALL, T_STEPS),
    ("exposes[]<mcp>.tools[].mappings[].target", B5, T_STEPS),
    ("exposes[]<mcp>.tools[].mappings[].targetName", A1 | A2 | A3, T_STEPS),
    ("exposes[]<mcp>.tools[].mappings[].value", ALL, T_STEPS),
    ("exposes[]<mcp>.tools[].name", A1 | A2 | A3, T_TOOLS),
    ("exposes[]<mcp>.tools[].outputParameters", ALL, T_OUTPUTS),
    ("exposes[]<mcp>.tools[].outputParameters[].const", ALL, T_OUTPUTS),
    ("exposes[]<mcp>.tools[].outputParameters[].items", ALL, T_OUTPUTS),
    ("exposes[]<mcp>.tools[].outputParameters[].mapping", ALL, T_OUTPUTS),
    ("exposes[]<mcp>.tools[].outputParameters[].name", A1 | A2 | A3, T_OUTPUTS),
    ("exposes[]<mcp>.tools[].outputParameters[].properties", ALL, T_OUTPUTS),
    ("exposes[]<mcp>.tools[].outputParameters[].type", ALL, T_OUTPUTS),
    ("exposes[]<mcp>.tools[].outputParameters[].value", A2 | A3 | B5, T_OUTPUTS),
    ("exposes[]<mcp>.tools[].ref", A2 | A3 | B5, T_AGGREGATES),
    ("exposes[]<mcp>.tools[].steps", ALL, T_STEPS),
    ("exposes[]<mcp>.tools[].steps[].call", ALL, T_STEPS),
    ("exposes[]<mcp>.tools[].steps[].dependencies", A2 | A3 | B5, SCRIPT_STEP),
    ("exposes[]<mcp>.tools[].steps[].file", A2 | A3 | B5, SCRIPT_STEP),
    ("exposes[]<mcp>.tools[].steps[].index", ALL, T_STEPS),
    ("exposes[]<mcp>.tools[].steps[].language", A2 | A3 | B5, SCRIPT_STEP),
    ("exposes[]<mcp>.tools[].steps[].location", A2 | A3 | B5, SCRIPT_STEP),
    ("exposes[]<mcp>.tools[].steps[].lookupValue", ALL, T_STEPS),
    ("exposes[]<mcp>.tools[].steps[].match", ALL, T_STEPS),
    ("exposes[]<mcp>.tools[].steps[].name", A1 | A2 | A3, T_STEPS),
    ("exposes[]<mcp>.tools[].steps[].outputParameters", ALL, T_STEPS),
    ("exposes[]<mcp>.tools[].steps[].type", ALL, T_STEPS),
    ("exposes[]<mcp>.tools[].steps[].with", ALL, T_STEPS),
    ("exposes[]<mcp>.tools[].tags", B5, METADATA),
    ("exposes[]<mcp>.tools[].with", ALL, T_STEPS),
    ("exposes[]<mcp>.transport", ALL, T_MCP_TRANSPORT),
    ("exposes[]<mcp>.ttlMs", B5, MCP_CACHE),
    ("exposes[]<mcp>.type", ALL, T_ADAPTERS),
    ("exposes[]<rest>.address", ALL, T_ADAPTERS),
    ("exposes[]<rest>.authentication", ALL, T_AUTH),
    ("exposes[]<rest>.authentication<apikey>.key", ALL, T_AUTH),
    ("exposes[]<rest>.authentication<apikey>.placement", ALL, T_AUTH),
    ("exposes[]<rest>.authentication<apikey>.type", ALL, T_AUTH),
    ("exposes[]<rest>.authentication<apikey>.value", ALL, T_AUTH),
    ("exposes[]<rest>.authentication<basic>.password", ALL, T_AUTH),
    ("exposes[]<rest>.authentication<basic>.type", ALL, T_AUTH),
    ("exposes[]<rest>.authentication<basic>.username", ALL, T_AUTH),
    ("exposes[]<rest>.authentication<bearer>.token", ALL, T_AUTH),
    ("exposes[]<rest>.authentication<bearer>.type", ALL, T_AUTH),
    ("exposes[]<rest>.authentication<digest>.password", ALL, T_AUTH),
    ("exposes[]<rest>.authentication<digest>.type", ALL, T_AUTH),
    ("exposes[]<rest>.authentication<digest>.username", ALL, T_AUTH),
    ("exposes[]<rest>.authentication<oauth2>.audience", A2 | A3 | B5, OAUTH2),
    ("exposes[]<rest>.authentication<oauth2>.authorizationServerUri", A2 | A3 | B5, OAUTH2),
    ("exposes[]<rest>.authentication<oauth2>.resource", A2 | A3 | B5, OAUTH2),
    ("exposes[]<rest>.authentication<oauth2>.scopes", A2 | A3 | B5, OAUTH2),
    ("exposes[]<rest>.authentication<oauth2>.tokenEndpoint", A2 | A3 | B5, OAUTH2),
    ("exposes[]<rest>.authentication<oauth2>.tokenValidation", A2 | A3 | B5, OAUTH2),
    ("exposes[]<rest>.authentication<oauth2>.type", A2 | A3 | B5, OAUTH2),
    ("exposes[]<rest>.maxBinarySize", B5, MAX_BINARY),
    ("exposes[]<rest>.namespace", ALL, T_ADAPTERS),
    ("exposes[]<rest>.port", ALL, T_ADAPTERS),
    ("exposes[]<rest>.resources", ALL, T_ROUTES),
    ("exposes[]<rest>.resources[].description", ALL, T_ROUTES),
    ("exposes[]<rest>.resources[].display", B5, METADATA),
    ("exposes[]<rest>.resources[].forward", ALL, T_FORWARD),
    ("exposes[]<rest>.resources[].forward.targetNamespace", ALL, T_FORWARD),
    ("exposes[]<rest>.resources[].forward.trustedHeaders", ALL, T_FORWARD),
    ("exposes[]<rest>.resources[].inputParameters", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<rest>.resources[].inputParameters[].description", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<rest>.resources[].inputParameters[].in", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<rest>.resources[].inputParameters[].name", A1 | A2 | A3, T_EXPOSED_PARAMS),
    ("exposes[]<rest>.resources[].inputParameters[].pattern", ALL, T_PATTERN),
    ("exposes[]<rest>.resources[].inputParameters[].type", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<rest>.resources[].inputParameters[].value", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<rest>.resources[].label", A1 | A2 | A3, METADATA),
    ("exposes[]<rest>.resources[].name", A1 | A2 | A3, T_ROUTES),
    ("exposes[]<rest>.resources[].operations", ALL, T_ROUTES),
    ("exposes[]<rest>.resources[].operations[].call", ALL, T_ROUTES),
    ("exposes[]<rest>.resources[].operations[].description", ALL, T_ROUTES),
    ("exposes[]<rest>.resources[].operations[].display", B5, METADATA),
    ("exposes[]<rest>.resources[].operations[].inputParameters", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<rest>.resources[].operations[].inputParameters[].description", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<rest>.resources[].operations[].inputParameters[].in", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<rest>.resources[].operations[].inputParameters[].name", A1 | A2 | A3, T_EXPOSED_PARAMS),
    ("exposes[]<rest>.resources[].operations[].inputParameters[].pattern", ALL, T_PATTERN),
    ("exposes[]<rest>.resources[].operations[].inputParameters[].type", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<rest>.resources[].operations[].inputParameters[].value", ALL, T_EXPOSED_PARAMS),
    ("exposes[]<rest>.resources[].operations[].label", A1 | A2 | A3, METADATA),
    ("exposes[]<rest>.resources[].operations[].mappings", ALL, T_STEPS),
    ("exposes[]<rest>.resources[].operations[].mappings[].target", B5, T_STEPS),
    ("exposes[]<rest>.resources[].operations[].mappings[].targetName", A1 | A2 | A3, T_STEPS),
    ("exposes[]<rest>.resources[].operations[].mappings[].value", ALL, T_STEPS),
    ("exposes[]<rest>.resources[].operations[].method", ALL, T_ROUTES),
    ("exposes[]<rest>.resources[].operations[].name", A1 | A2 | A3, T_ROUTES),
    ("exposes[]<rest>.resources[].operations[].outputParameters", ALL, T_OUTPUTS),
    ("exposes[]<rest>.resources[].operations[].outputParameters[].const", ALL, T_OUTPUTS),
    ("exposes[]<rest>.resources[].operations[].outputParameters[].items", ALL, T_OUTPUTS),
    ("exposes[]<rest>.resources[].operations[].outputParameters[].mapping", ALL, T_OUTPUTS),
    ("exposes[]<rest>.resources[].operations[].outputParameters[].name", A1 | A2 | A3, T_OUTPUTS),
    ("exposes[]<rest>.resources[].operations[].outputParameters[].properties", ALL, T_OUTPUTS),
    ("exposes[]<rest>.resources[].operations[].outputParameters[].type", ALL, T_OUTPUTS),
    ("exposes[]<rest>.resources[].operations[].outputParameters[].value", A2 | A3 | B5, T_OUTPUTS),
    ("exposes[]<rest>.resources[].operations[].ref", A2 | A3 | B5, T_AGGREGATES),
    ("exposes[]<rest>.resources[].operations[].responseBinary", B5, RESPONSE_DOCS),
    ("exposes[]<rest>.resources[].operations[].responseBinary.description", B5, RESPONSE_DOCS),
    ("exposes[]<rest>.resources[].operations[].responseBinary.mediaType", B5, RESPONSE_DOCS),
    ("exposes[]<rest>.resources[].operations[].responseBinary.status", B5, RESPONSE_DOCS),
    ("exposes[]<rest>.resources[].operations[].responses", B5, RESPONSE_DOCS),
    ("exposes[]<rest>.resources[].operations[].responses[].content", B5, RESPONSE_DOCS),
    ("exposes[]<rest>.resources[].operations[].responses[].content[].binary", B5, RESPONSE_DOCS),
    ("exposes[]<rest>.resources[].operations[].responses[].content[].schema", B5, RESPONSE_DOCS),
    ("exposes[]<rest>.resources[].operations[].responses[].description", B5, RESPONSE_DOCS),
    ("exposes[]<rest>.resources[].operations[].steps", ALL, T_STEPS),
    ("exposes[]<rest>.resources[].operations[].steps[].call", ALL, T_STEPS),
    ("exposes[]<rest>.resources[].operations[].steps[].dependencies", A2 | A3 | B5, SCRIPT_STEP),
    ("exposes[]<rest>.resources[].operations[].steps[].file", A2 | A3 | B5, SCRIPT_STEP),
    ("exposes[]<rest>.resources[].operations[].steps[].index", ALL, T_STEPS),
    ("exposes[]<rest>.resources[].operations[].steps[].language", A2 | A3 | B5, SCRIPT_STEP),
    ("exposes[]<rest>.resources[].operations[].steps[].location", A2 | A3 | B5, SCRIPT_STEP),
    ("exposes[]<rest>.resources[].operations[].steps[].lookupValue", ALL, T_STEPS),
    ("exposes[]<rest>.resources[].operations[].steps[].match", ALL, T_STEPS),
    ("exposes[]<rest>.resources[].operations[].steps[].name", A1 | A2 | A3, T_STEPS),
    ("exposes[]<rest>.resources[].operations[].steps[].outputParameters", ALL, T_STEPS),
    ("exposes[]<rest>.resources[].operations[].steps[].type", ALL, T_STEPS),
    ("exposes[]<rest>.resources[].operations[].steps[].with", ALL, T_STEPS),
    ("exposes[]<rest>.resources[].operations[].tags", B5, METADATA),
    ("exposes[]<rest>.resources[].operations[].with", ALL, T_STEPS),
    ("exposes[]<rest>.resources[].path", ALL, T_ROUTES),
    ("exposes[]<rest>.resources[].tags", B5, METADATA),
    ("exposes[]<rest>.type", ALL, T_ADAPTERS),
    ("exposes[]<skill>.address", ALL, SKILL),
    ("exposes[]<skill>.authentication", ALL, SKILL),
    ("exposes[]<skill>.authentication<apikey>.key", ALL, SKILL),
    ("exposes[]<skill>.authentication<apikey>.placement", ALL, SKILL),
    ("exposes[]<skill>.authentication<apikey>.type", ALL, SKILL),
    ("exposes[]<skill>.authentication<apikey>.value", ALL, SKILL),
    ("exposes[]<skill>.authentication<basic>.password", ALL, SKILL),
    ("exposes[]<skill>.authentication<basic>.type", ALL, SKILL),
    ("exposes[]<skill>.authentication<basic>.username", ALL, SKILL),
    ("exposes[]<skill>.authentication<bearer>.token", ALL, SKILL),
    ("exposes[]<skill>.authentication<bearer>.type", ALL, SKILL),
    ("exposes[]<skill>.authentication<digest>.password", ALL, SKILL),
    ("exposes[]<skill>.authentication<digest>.type", ALL, SKILL),
    ("exposes[]<skill>.authentication<digest>.username", ALL, SKILL),
    ("exposes[]<skill>.authentication<oauth2>.audience", A2 | A3 | B5, SKILL),
    ("exposes[]<skill>.authentication<oauth2>.authorizationServerUri", A2 | A3 | B5, SKILL),
    ("exposes[]<skill>.authentication<oauth2>.resource", A2 | A3 | B5, SKILL),
    ("exposes[]<skill>.authentication<oauth2>.scopes", A2 | A3 | B5, SKILL),
    ("exposes[]<skill>.authentication<oauth2>.tokenEndpoint", A2 | A3 | B5, SKILL),
    ("exposes[]<skill>.authentication<oauth2>.tokenValidation", A2 | A3 | B5, SKILL),
    ("exposes[]<skill>.authentication<oauth2>.type", A2 | A3 | B5, SKILL),
    ("exposes[]<skill>.description", ALL, SKILL),
    ("exposes[]<skill>.namespace", ALL, SKILL),
    ("exposes[]<skill>.port", ALL, SKILL),
    ("exposes[]<skill>.skills", ALL, SKILL),
    ("exposes[]<skill>.skills[].allowed-tools", ALL, SKILL),
    ("exposes[]<skill>.skills[].argument-hint", ALL, SKILL),
    ("exposes[]<skill>.skills[].compatibility", ALL, SKILL),
    ("exposes[]<skill>.skills[].description", ALL, SKILL),
    ("exposes[]<skill>.skills[].disable-model-invocation", ALL, SKILL),
    ("exposes[]<skill>.skills[].license", ALL, SKILL),
    ("exposes[]<skill>.skills[].location", ALL, SKILL),
    ("exposes[]<skill>.skills[].metadata", ALL, SKILL),
    ("exposes[]<skill>.skills[].name", A1 | A2 | A3, SKILL),
    ("exposes[]<skill>.skills[].tools", ALL, SKILL),
    ("exposes[]<skill>.skills[].tools[].description", ALL, SKILL),
    ("exposes[]<skill>.skills[].tools[].from", ALL, SKILL),
    ("exposes[]<skill>.skills[].tools[].from.action", ALL, SKILL),
    ("exposes[]<skill>.skills[].tools[].from.sourceNamespace", ALL, SKILL),
    ("exposes[]<skill>.skills[].tools[].instruction", ALL, SKILL),
    ("exposes[]<skill>.skills[].tools[].name", A1 | A2 | A3, SKILL),
    ("exposes[]<skill>.skills[].user-invocable", ALL, SKILL),
    ("exposes[]<skill>.type", ALL, SKILL),
    ("ikanos", B5, T_TOP),
    ("info", ALL, T_TOP),
    ("info.created", ALL, METADATA),
    ("info.description", ALL, T_TOP),
    ("info.display", B5, T_DISPLAY),
    ("info.label", A1 | A2 | A3, METADATA),
    ("info.modified", ALL, METADATA),
    ("info.stakeholders", ALL, METADATA),
    ("info.stakeholders[].email", ALL, METADATA),
    ("info.stakeholders[].fullName", ALL, METADATA),
    ("info.stakeholders[].role", ALL, METADATA),
    ("info.tags", ALL, METADATA),
    ("info.version", B5, METADATA),
    ("naftiko", A1 | A2 | A3, T_TOP),
];
