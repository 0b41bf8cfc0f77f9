//! A second, independent reading of a spec: for its simplest routes and tools, what the
//! upstream must receive (method and path), taken from the YAML file itself rather than from
//! the tables the code generator produced. The harness's oracle works from those tables, so it
//! cannot see the generator misreading the YAML (a wrong method, a lost or extra path segment);
//! this reading can.
//!
//! "Simplest" means: a REST operation or MCP tool (list form) whose `call` is the text
//! `namespace.operation`, with no `steps`, calling a consumed operation (list form, inline in
//! the file, of a namespace whose `baseUri` has no placeholder) whose path is made of literal
//! segments and whole-segment placeholders. Everything
//! else is left to the oracle; [`Reading::understood`] says how much this reading covers, and
//! the harness holds it to a floor.
//!
//! For the same kind of call (a `call` in text, no `steps`, `ref` or `mappings`) to a consumed
//! operation that answers JSON, the reading also takes the output mapping ([`mapping`]): the
//! answer the upstream is to give and the body the caller must then get back.

pub mod mapping;
pub mod yaml;

use std::collections::HashMap;

use percent_encoding::percent_decode_str;
use serde_json::Value as Json;

use mapping::Mapped;

/// What the upstream must receive for one call.
#[derive(Debug, Clone, PartialEq)]
pub struct Upstream {
    /// The consumed namespace (its echo serves it under its own base path).
    pub namespace: String,
    pub method: String,
    /// The consumed path: a literal segment, or `None` for a placeholder.
    pub segments: Vec<Option<String>>,
}

/// The simple routes and tools of one spec.
#[derive(Debug, Default)]
pub struct Reading {
    /// (adapter namespace, method, path with placeholders as `{}`) → upstream.
    routes: HashMap<(String, String, String), Upstream>,
    /// (adapter namespace, tool name) → upstream.
    tools: HashMap<(String, String), Upstream>,
    /// Routes, keyed like `routes`, whose output mapping this reading understands.
    mapped_routes: HashMap<(String, String, String), Mapped>,
    /// Tools, keyed like `tools`, whose output mapping this reading understands.
    mapped_tools: HashMap<(String, String), Mapped>,
}

impl Reading {
    /// Reads the spec file's text.
    pub fn of(text: &str) -> Result<Reading, String> {
        let root = yaml::parse(text)?;
        let capability = &root["capability"];
        let operations = consumed_operations(&capability["consumes"]);
        let answers_json = json_operations(&capability["consumes"]);
        let mut reading = Reading::default();
        for adapter in list(&capability["exposes"]) {
            let namespace = text_of(&adapter["namespace"]);
            match text_of(&adapter["type"]).as_str() {
                "rest" => {
                    for resource in list(&adapter["resources"]) {
                        let Some(path) = path_key(&text_of(&resource["path"])) else {
                            continue;
                        };
                        for operation in list(&resource["operations"]) {
                            let method = text_of(&operation["method"]).to_ascii_uppercase();
                            let key = (namespace.clone(), method, path.clone());
                            // A HEAD answer has no body to shape.
                            if key.1 != "HEAD"
                                && let Some(mapped) = mapped_call(operation, &answers_json)
                            {
                                reading.mapped_routes.insert(key.clone(), mapped);
                            }
                            if let Some(upstream) = simple_call(operation, &operations) {
                                reading.routes.insert(key, upstream);
                            }
                        }
                    }
                }
                "mcp" => {
                    for tool in list(&adapter["tools"]) {
                        let key = (namespace.clone(), text_of(&tool["name"]));
                        if let Some(mapped) = mapped_call(tool, &answers_json) {
                            reading.mapped_tools.insert(key.clone(), mapped);
                        }
                        if let Some(upstream) = simple_call(tool, &operations) {
                            reading.tools.insert(key, upstream);
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(reading)
    }

    /// The upstream call of a generated route, when this reading understands it.
    pub fn route(&self, adapter: &str, method: &str, router_path: &str) -> Option<&Upstream> {
        let path = path_key(router_path)?;
        let key = (adapter.to_owned(), method.to_ascii_uppercase(), path);
        self.routes.get(&key)
    }

    /// The upstream call of a generated tool, when this reading understands it.
    pub fn tool(&self, adapter: &str, name: &str) -> Option<&Upstream> {
        self.tools.get(&(adapter.to_owned(), name.to_owned()))
    }

    /// How many routes and tools this reading understood.
    pub fn understood(&self) -> usize {
        self.routes.len() + self.tools.len()
    }

    /// The output mapping of a generated route, when this reading understands it.
    pub fn route_mapping(&self, adapter: &str, method: &str, router_path: &str) -> Option<&Mapped> {
        let path = path_key(router_path)?;
        let key = (adapter.to_owned(), method.to_ascii_uppercase(), path);
        self.mapped_routes.get(&key)
    }

    /// The output mapping of a generated tool, when this reading understands it.
    pub fn tool_mapping(&self, adapter: &str, name: &str) -> Option<&Mapped> {
        self.mapped_tools
            .get(&(adapter.to_owned(), name.to_owned()))
    }
}

impl Upstream {
    /// Whether a request the upstream received (`method`, raw path) is this call, served under
    /// `base_path`; otherwise what differs.
    pub fn check(&self, base_path: &str, method: &str, raw_path: &str) -> Result<(), String> {
        if !method.eq_ignore_ascii_case(&self.method) {
            return Err(format!("method {method}, the YAML says {}", self.method));
        }
        let Some(rest) = raw_path.strip_prefix(base_path) else {
            return Err(format!("path {raw_path} is not under {base_path}"));
        };
        let got: Vec<String> = rest
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(|segment| percent_decode_str(segment).decode_utf8_lossy().into_owned())
            .collect();
        let fits = got.len() == self.segments.len()
            && got
                .iter()
                .zip(&self.segments)
                .all(|(got, want)| match want {
                    Some(literal) => got == literal,
                    None => !got.is_empty(),
                });
        if fits {
            Ok(())
        } else {
            let want: Vec<&str> = self
                .segments
                .iter()
                .map(|s| s.as_deref().unwrap_or("{}"))
                .collect();
            Err(format!(
                "path {raw_path}, the YAML says {base_path}/{}",
                want.join("/")
            ))
        }
    }
}

/// `namespace.operation` → its method and path segments, for consumed operations in list form.
fn consumed_operations(consumes: &Json) -> HashMap<String, (String, Vec<Option<String>>)> {
    let mut operations = HashMap::new();
    for namespace in list(consumes) {
        let name = text_of(&namespace["namespace"]);
        // A placeholder in the path of `baseUri` (Telegram's `/bot{token}`) can put part of it
        // in every request path: a shape this reading leaves alone. (One in the host only makes
        // the whole base URL configuration, which the harness sets.)
        let base = text_of(&namespace["baseUri"]);
        let after_scheme = base
            .split_once("://")
            .map_or(base.as_str(), |(_, rest)| rest);
        if after_scheme
            .split_once('/')
            .is_some_and(|(_, path)| path.contains('{'))
        {
            continue;
        }
        for resource in list(&namespace["resources"]) {
            let Some(segments) = segments(&text_of(&resource["path"])) else {
                continue;
            };
            for operation in list(&resource["operations"]) {
                // An operation with a path of its own is a shape this reading leaves alone.
                if !operation["path"].is_null() {
                    continue;
                }
                let method = text_of(&operation["method"]).to_ascii_uppercase();
                let key = format!("{name}.{}", text_of(&operation["name"]));
                let call = (method, segments.clone());
                // A name used twice for different requests is ambiguous: not understood here
                // (an empty method marks it), and an error of the code generator.
                let entry = operations.entry(key).or_insert_with(|| call.clone());
                if *entry != call {
                    entry.0.clear();
                }
            }
        }
    }
    operations
}

/// `namespace.operation` → whether it answers JSON (no `outputRawFormat` or `json`, no
/// `outputMediaType` or a JSON one), for consumed operations in list form; a name used twice
/// counts as not answering JSON.
fn json_operations(consumes: &Json) -> HashMap<String, bool> {
    let mut operations: HashMap<String, bool> = HashMap::new();
    for namespace in list(consumes) {
        let name = text_of(&namespace["namespace"]);
        for resource in list(&namespace["resources"]) {
            for operation in list(&resource["operations"]) {
                let format = text_of(&operation["outputRawFormat"]);
                let media = text_of(&operation["outputMediaType"]);
                let json = (format.is_empty() || format.eq_ignore_ascii_case("json"))
                    && (media.is_empty() || media.to_ascii_lowercase().contains("json"));
                let key = format!("{name}.{}", text_of(&operation["name"]));
                operations
                    .entry(key)
                    .and_modify(|known| *known = false)
                    .or_insert(json);
            }
        }
    }
    operations
}

/// The output mapping of an exposed operation or tool that makes one call (plain `call`, no
/// `steps`, `ref` or `mappings`) to a consumed operation answering JSON.
fn mapped_call(exposed: &Json, answers_json: &HashMap<String, bool>) -> Option<Mapped> {
    if ["steps", "ref", "mappings"]
        .iter()
        .any(|key| !exposed[key].is_null())
    {
        return None;
    }
    let call = exposed["call"].as_str()?;
    if !answers_json.get(call).copied().unwrap_or(false) {
        return None;
    }
    mapping::mapped(&exposed["outputParameters"])
}

/// The upstream call of an exposed operation or tool whose `call` is plain text, no steps.
fn simple_call(
    exposed: &Json,
    operations: &HashMap<String, (String, Vec<Option<String>>)>,
) -> Option<Upstream> {
    if !exposed["steps"].is_null() {
        return None;
    }
    let call = exposed["call"].as_str()?;
    let (method, segments) = operations.get(call)?;
    if method.is_empty() {
        return None;
    }
    let namespace = call.split_once('.')?.0.to_owned();
    Some(Upstream {
        namespace,
        method: method.clone(),
        segments: segments.clone(),
    })
}

/// A path's segments: literals, and `None` for a whole-segment `{name}` or `{{name}}`; `None`
/// for a path with any other use of braces (left to the oracle).
fn segments(path: &str) -> Option<Vec<Option<String>>> {
    path.split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let inner = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'));
            match inner {
                Some(name) if !name.trim_matches(['{', '}']).contains(['{', '}']) => Some(None),
                Some(_) => None,
                None if segment.contains(['{', '}']) => None,
                None => Some(Some(segment.to_owned())),
            }
        })
        .collect()
}

/// A path with every placeholder written `{}`, to match an exposed path with a route's.
fn path_key(path: &str) -> Option<String> {
    let parts: Vec<String> = segments(path)?
        .into_iter()
        .map(|segment| segment.unwrap_or_else(|| "{}".to_owned()))
        .collect();
    Some(format!("/{}", parts.join("/")))
}

fn list(value: &Json) -> &[Json] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

fn text_of(value: &Json) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::{Reading, Upstream};

    const SPEC: &str = "
capability:
  consumes:
    - namespace: runs-api
      resources:
        - path: /v1/runs/{{runId}}
          operations:
            - name: get-run
              method: get
  exposes:
    - type: rest
      namespace: api
      resources:
        - path: /runs/{id}
          operations:
            - method: GET
              call: runs-api.get-run
    - type: mcp
      namespace: tools
      tools:
        - name: get-run
          call: runs-api.get-run
        - name: stepped
          call: runs-api.get-run
          steps: []
";

    #[test]
    fn reads_simple_routes_and_tools_from_the_yaml() {
        let reading = Reading::of(SPEC).unwrap_or_else(|e| panic!("{e}"));
        let want = Upstream {
            namespace: "runs-api".into(),
            method: "GET".into(),
            segments: vec![Some("v1".into()), Some("runs".into()), None],
        };
        assert_eq!(reading.route("api", "GET", "/runs/{runid}"), Some(&want));
        assert_eq!(reading.tool("tools", "get-run"), Some(&want));
        assert_eq!(reading.tool("tools", "stepped"), None);
        assert_eq!(reading.understood(), 2);
    }

    #[test]
    fn mappings_are_read_for_single_calls_to_json_operations() {
        let spec = "
capability:
  consumes:
    - namespace: runs-api
      resources:
        - path: /runs
          operations:
            - {name: get-run, method: GET}
            - {name: get-csv, method: GET, outputRawFormat: csv}
  exposes:
    - type: rest
      namespace: api
      resources:
        - path: /runs/{id}
          operations:
            - method: GET
              call: runs-api.get-run
              outputParameters: [{name: state, mapping: $.status}]
            - method: HEAD
              call: runs-api.get-run
              outputParameters: [{name: state, mapping: $.status}]
    - type: mcp
      namespace: tools
      tools:
        - name: mapped
          call: runs-api.get-run
          outputParameters: [{name: state, mapping: $.status}]
        - name: table
          call: runs-api.get-csv
          outputParameters: [{name: state, mapping: $.status}]
        - name: stepped
          call: runs-api.get-run
          steps: []
          outputParameters: [{name: state, mapping: $.status}]
        - name: whole
          call: runs-api.get-run
          outputParameters: [{name: result, mapping: $.}]
";
        let reading = Reading::of(spec).unwrap_or_else(|e| panic!("{e}"));
        let state = |mapped: Option<&super::Mapped>| mapped.map(|m| m.response.clone());
        let want = Some(serde_json::json!({"state": "v1 status"}));
        assert_eq!(
            state(reading.route_mapping("api", "get", "/runs/{x}")),
            want
        );
        assert_eq!(
            state(reading.route_mapping("api", "HEAD", "/runs/{x}")),
            None
        );
        assert_eq!(state(reading.tool_mapping("tools", "mapped")), want);
        for unread in ["table", "stepped", "whole"] {
            assert_eq!(
                state(reading.tool_mapping("tools", unread)),
                None,
                "{unread}"
            );
        }
    }

    #[test]
    fn a_request_must_have_the_method_and_every_literal_segment() {
        let want = Upstream {
            namespace: "runs-api".into(),
            method: "GET".into(),
            segments: vec![Some("v1".into()), Some("runs".into()), None],
        };
        assert!(want.check("/u0", "GET", "/u0/v1/runs/r%2F1").is_ok());
        assert!(want.check("/u0", "POST", "/u0/v1/runs/r1").is_err());
        assert!(want.check("/u0", "GET", "/u0/v1/run/r1").is_err());
        assert!(want.check("/u0", "GET", "/u0/v1/runs/r1/x").is_err());
        assert!(want.check("/u1", "GET", "/u0/v1/runs/r1").is_err());
    }

    #[test]
    fn an_operation_name_used_twice_is_not_understood() {
        let spec = "
capability:
  consumes:
    - namespace: gh
      resources:
        - path: /actions/secrets
          operations: [{name: list, method: GET}]
        - path: /dependabot/secrets
          operations: [{name: list, method: GET}]
  exposes:
    - type: mcp
      namespace: tools
      tools: [{name: list, call: gh.list}]
";
        let reading = Reading::of(spec).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reading.understood(), 0);
    }
}
