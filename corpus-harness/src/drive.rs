//! Running one generated spec: an echo upstream, the capability started on it (every base URL
//! pointed at the echo, every secret `secret-<KEY>`, every adapter on 127.0.0.1:0), then every
//! REST route and MCP tool called twice (all inputs, then only the required ones) and every
//! forward once, each checked by [`crate::verdict`].

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;

use naftiko::spec::{Auth, CapabilitySpec, McpAdapterSpec, McpTransport, RestAdapterSpec};
use serde_json::{Value as Json, json};

use crate::caller::{self, Answer, Credential};
use crate::compare::SECRET_PREFIX;
use crate::echo::{self, Echo};
use crate::reading::{Reading, Upstream};
use crate::registry::GeneratedSpec;
use crate::report::{Item, Kind, SpecReport};
use crate::synth::{self, Mode};
use crate::verdict::{check_listed, check_tool_answer};

/// The environment the capability starts with, and the secrets the oracle knows.
pub struct Setup {
    pub env: HashMap<String, String>,
    pub secrets: HashMap<String, String>,
}

/// Every variable the capability reads, pointed at `echo` and at free loopback ports.
pub fn setup(spec: &CapabilitySpec, echo: &Echo) -> Setup {
    let mut env = HashMap::new();
    let mut secrets = HashMap::new();
    for (index, consumes) in spec.consumes.iter().enumerate() {
        let prefix = &consumes.env_prefix;
        env.insert(format!("{prefix}_BASE_URL"), echo.base_url(index));
        env.insert(format!("{prefix}_TIMEOUT_MS"), "20000".to_owned());
        if matches!(consumes.auth, Auth::AwsSigV4 { .. }) {
            // The standard variables an AWS signature is made with. The secret key never
            // travels: as a known secret, the comparison checks no header carries it.
            let key = format!("{SECRET_PREFIX}AWS_SECRET_ACCESS_KEY");
            env.insert("AWS_ACCESS_KEY_ID".to_owned(), "AKIDHARNESS".to_owned());
            env.insert("AWS_SECRET_ACCESS_KEY".to_owned(), key.clone());
            secrets.insert("AWS_SECRET_ACCESS_KEY".to_owned(), key);
            env.insert("AWS_REGION".to_owned(), "us-east-1".to_owned());
        }
    }
    for secret in spec.secrets.iter() {
        let value = format!("{SECRET_PREFIX}{}", secret.key);
        env.insert(secret.key.to_string(), value.clone());
        secrets.insert(secret.key.to_string(), value);
    }
    let prefixes = (spec.rest.iter().map(|adapter| &*adapter.env_prefix))
        .chain(spec.mcp.iter().map(|adapter| &*adapter.env_prefix))
        .chain(spec.control.iter().map(|adapter| &*adapter.env_prefix));
    for prefix in prefixes {
        env.insert(format!("{prefix}_ADDR"), "127.0.0.1:0".to_owned());
    }
    Setup { env, secrets }
}

/// The spec the harness serves: the generated one, or, when an MCP adapter declares
/// `transport: stdio`, a copy with that adapter over HTTP. Served on stdio it would read the
/// test process's stdin (and stop the server at its end); the tools behind it are the same, and
/// the stdio transport itself is tested in `naftiko-tests` (`tests/mcp_stdio.rs`).
fn served_spec(spec: &'static CapabilitySpec) -> &'static CapabilitySpec {
    if spec
        .mcp
        .iter()
        .all(|adapter| adapter.transport != McpTransport::Stdio)
    {
        return spec;
    }
    let mut copy = spec.clone();
    for adapter in copy.mcp.to_mut() {
        adapter.transport = McpTransport::Http;
    }
    // One small copy per such spec for the length of the test run.
    Box::leak(Box::new(copy))
}

/// What every check of one spec shares.
pub struct Checker<'a> {
    pub spec: &'static CapabilitySpec,
    pub echo: &'a Echo,
    pub secrets: &'a HashMap<String, String>,
    pub client: &'a reqwest::Client,
    /// The spec's YAML read independently of the code generator.
    pub reading: &'a Reading,
}

/// Starts `entry` (its YAML under `corpus_dir`), calls everything it exposes, and reports.
pub async fn run_spec(entry: &'static GeneratedSpec, corpus_dir: &Path) -> SpecReport {
    let report = SpecReport::new(entry);
    let reading = std::fs::read_to_string(corpus_dir.join(entry.file))
        .map_err(|error| error.to_string())
        .and_then(|text| Reading::of(&text));
    let reading = match reading {
        Ok(reading) => reading,
        Err(error) => return report.broken(format!("reading the YAML independently: {error}")),
    };
    let echo = match Echo::start().await {
        Ok(echo) => echo,
        Err(error) => return report.broken(format!("echo upstream: {error}")),
    };
    let spec = served_spec(entry.spec);
    let setup = setup(spec, &echo);
    let lookup = |name: &str| setup.env.get(name).cloned();
    let started = if std::ptr::eq(spec, entry.spec) {
        (entry.start)(&lookup)
    } else {
        naftiko::Runtime::from_lookup(spec, &lookup)
    };
    let runtime = match started {
        Ok(runtime) => runtime,
        Err(error) => return report.broken(format!("does not start: {error}")),
    };
    let server = match naftiko::Server::bind(runtime).await {
        Ok(server) => server,
        Err(error) => return report.broken(format!("does not bind: {error}")),
    };
    let client = match reqwest::Client::builder()
        .timeout(caller::REQUEST_TIMEOUT)
        .no_proxy()
        .build()
    {
        Ok(client) => client,
        Err(error) => return report.broken(format!("HTTP client: {error}")),
    };
    let (rest_addrs, mcp_addrs) = (server.rest_addrs(), server.mcp_addrs());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));

    let checker = Checker {
        spec,
        echo: &echo,
        secrets: &setup.secrets,
        client: &client,
        reading: &reading,
    };
    let mut report = report;
    for (adapter, addr) in spec.rest.iter().zip(rest_addrs) {
        report.items.extend(checker.routes(adapter, addr).await);
    }
    for (adapter, addr) in spec.mcp.iter().zip(mcp_addrs) {
        report.items.extend(checker.tools(adapter, addr).await);
    }
    report.read_independently = spec
        .rest
        .iter()
        .flat_map(|adapter| {
            (adapter.routes.iter()).filter(|route| {
                reading
                    .route(&adapter.namespace, &route.method, &route.path)
                    .is_some()
            })
        })
        .count()
        + (spec.mcp.iter())
            .flat_map(|adapter| {
                (adapter.tools.iter())
                    .filter(|tool| reading.tool(&adapter.namespace, &tool.name).is_some())
            })
            .count();
    report.mapped_independently = spec
        .rest
        .iter()
        .flat_map(|adapter| {
            (adapter.routes.iter()).filter(|route| {
                reading
                    .route_mapping(&adapter.namespace, &route.method, &route.path)
                    .is_some()
            })
        })
        .count()
        + (spec.mcp.iter())
            .flat_map(|adapter| {
                (adapter.tools.iter()).filter(|tool| {
                    reading
                        .tool_mapping(&adapter.namespace, &tool.name)
                        .is_some()
                })
            })
            .count();
    let _ = stop.send(());
    let _ = running.await;
    report
}

impl Checker<'_> {
    /// Every route and forward of a REST adapter.
    async fn routes(&self, adapter: &'static RestAdapterSpec, addr: SocketAddr) -> Vec<Item> {
        let base = format!("http://{addr}");
        let credential = caller::credential(&adapter.auth, self.secrets);
        let mut items = Vec::new();
        for route in adapter.routes.iter() {
            let name = format!("{} {}", route.method, route.path);
            let mut item = Item::new(Kind::Route, &adapter.namespace, name);
            match &credential {
                Ok(credential) => {
                    for mode in [Mode::All, Mode::RequiredOnly] {
                        let inputs = synth::inputs(&route.inputs, mode);
                        let mapped = self.reading.route_mapping(
                            &adapter.namespace,
                            &route.method,
                            &route.path,
                        );
                        let call = caller::call_route(
                            self.client,
                            &base,
                            route,
                            &inputs,
                            credential.as_ref(),
                        );
                        self.check_call(
                            &route.handler,
                            &inputs,
                            Kind::Route,
                            mode,
                            &mut item,
                            mapped,
                            call,
                        )
                        .await;
                        let read =
                            self.reading
                                .route(&adapter.namespace, &route.method, &route.path);
                        if let Some(upstream) = read {
                            self.check_reading(upstream, mode, &mut item);
                        }
                    }
                }
                Err(error) => item.fail("auth", error.clone()),
            }
            items.push(item);
        }
        for forward in adapter.forwards.iter() {
            let name = format!("forward {}/…", forward.prefix);
            let mut item = Item::new(Kind::Route, &adapter.namespace, name);
            match &credential {
                Ok(credential) => {
                    self.check_forward(&base, forward, credential.as_ref(), &mut item)
                        .await;
                }
                Err(error) => item.fail("auth", error.clone()),
            }
            items.push(item);
        }
        items
    }

    /// Every tool of an MCP adapter: listed with the schema of its inputs, then called.
    async fn tools(&self, adapter: &'static McpAdapterSpec, addr: SocketAddr) -> Vec<Item> {
        let url = format!("http://{addr}/mcp");
        let credential: Result<Option<Credential>, String> =
            caller::credential(&adapter.auth, self.secrets);
        let listed = match &credential {
            Ok(credential) => {
                caller::mcp_request(
                    self.client,
                    &url,
                    1,
                    "tools/list",
                    json!({}),
                    credential.as_ref(),
                )
                .await
            }
            Err(error) => Err(error.clone()),
        };
        let mut items = Vec::new();
        for tool in adapter.tools.iter() {
            let mut item = Item::new(Kind::Tool, &adapter.namespace, tool.name.to_string());
            let credential = match &credential {
                Ok(credential) => credential.as_ref(),
                Err(error) => {
                    item.fail("auth", error.clone());
                    items.push(item);
                    continue;
                }
            };
            check_listed(&listed, tool, &mut item);
            let mapped = self.reading.tool_mapping(&adapter.namespace, &tool.name);
            for mode in [Mode::All, Mode::RequiredOnly] {
                let inputs = synth::inputs(&tool.inputs, mode);
                let arguments: serde_json::Map<String, Json> = inputs
                    .iter()
                    .map(|(input, value)| (input.name.to_string(), value.clone()))
                    .collect();
                let params = json!({"name": tool.name, "arguments": arguments});
                let call = async {
                    let answer =
                        caller::mcp_request(self.client, &url, 2, "tools/call", params, credential)
                            .await?;
                    Ok(Answer {
                        status: 200,
                        content_type: "application/json".to_owned(),
                        body: bytes::Bytes::from(answer.to_string()),
                    })
                };
                if let Some(answer) = self
                    .check_call(
                        &tool.handler,
                        &inputs,
                        Kind::Tool,
                        mode,
                        &mut item,
                        mapped,
                        call,
                    )
                    .await
                {
                    check_tool_answer(&answer, &mut item, mode);
                }
                if let Some(upstream) = self.reading.tool(&adapter.namespace, &tool.name) {
                    self.check_reading(upstream, mode, &mut item);
                }
            }
            items.push(item);
        }
        items
    }

    /// The first request of the call just made, against the independent reading: its method
    /// and every literal path segment as the YAML says. (A call that reached nothing is already
    /// a failure of the oracle's count check.)
    fn check_reading(&self, upstream: &Upstream, mode: Mode, item: &mut Item) {
        let Some(index) = (self.spec.consumes.iter())
            .position(|consumes| *consumes.namespace == *upstream.namespace)
        else {
            item.fail(
                "independent",
                format!(
                    "namespace `{}` of the YAML was not generated",
                    upstream.namespace
                ),
            );
            return;
        };
        if let Some(got) = self.echo.received().first() {
            let base = echo::base_path(index);
            if let Err(problem) = upstream.check(&base, &got.method, &got.raw_path) {
                item.fail("independent", format!("{}: {problem}", mode.label()));
            }
        }
    }
}
