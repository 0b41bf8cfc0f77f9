//! The running capability: configuration read from the environment and one client per
//! consumed namespace, shared by every adapter.
//!
//! ```no_run
//! # async fn demo(spec: &'static naftiko_runtime::spec::CapabilitySpec) -> Result<(), naftiko_runtime::Error> {
//! let runtime = naftiko_runtime::Runtime::from_env(spec)?; // fails naming every missing variable
//! # Ok(()) }
//! ```

mod builder;
pub(crate) mod control_state;
pub(crate) mod metrics;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use crate::config::{self, ControlSettings, McpSettings, RestSettings};
use crate::error::Error;
use crate::runtime::control_state::ControlState;
use crate::runtime::control_state::{BothHooks, UpstreamMeter};
use crate::secret::Secrets;
use crate::spec::{CapabilitySpec, ConsumesId};
use crate::upstream::{ClientCore, Hooks, HttpClient, SharedTransport};

pub use builder::Builder;

/// A capability ready to serve: secrets read, base URLs and addresses resolved, clients built.
/// Cheap to clone: everything is behind one `Arc`.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<RuntimeInner>,
}

#[derive(Clone)]
struct RuntimeInner {
    spec: &'static CapabilitySpec,
    clients: Vec<ClientCore>,
    unconfigured: ClientCore,
    secrets: Arc<Secrets>,
    /// Each adapter's settings, read with everything else when the runtime was built.
    rest: Vec<RestSettings>,
    mcp: Vec<McpSettings>,
    control_settings: Vec<ControlSettings>,
    /// Metrics and readiness, when the capability has a control adapter.
    control: Option<Arc<ControlState>>,
    /// OpenTelemetry's settings, for [`crate::init_telemetry`].
    telemetry: crate::telemetry::Settings,
    /// `NAFTIKO_WORKERS`, when set.
    workers: Option<usize>,
}

impl Runtime {
    /// Reads the configuration from the process environment.
    pub fn from_env(spec: &'static CapabilitySpec) -> Result<Runtime, Error> {
        Self::build(spec, &|name| std::env::var(name).ok(), HttpClient::Builtin)
    }

    /// Settings given in code (base URLs, timeouts, secrets, the HTTP client), and the
    /// environment only if asked: see [`Builder`].
    pub fn builder(spec: &'static CapabilitySpec) -> Builder<Runtime> {
        Builder::new(spec, |runtime| runtime)
    }

    /// Reads the configuration through `lookup` (tests, or settings from elsewhere). Every
    /// setting is read here, once: `lookup` is not kept.
    pub fn from_lookup(
        spec: &'static CapabilitySpec,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Runtime, Error> {
        Self::build(spec, lookup, HttpClient::Builtin)
    }

    fn build(
        spec: &'static CapabilitySpec,
        lookup: &dyn Fn(&str) -> Option<String>,
        http_client: HttpClient,
    ) -> Result<Runtime, Error> {
        let settings = config::read(spec, lookup)?;
        let telemetry = crate::telemetry::Settings::read(
            crate::telemetry::Defaults::of(spec, &|template| {
                // An OTLP endpoint names bind keys at most: no inputs, no steps.
                let scope = crate::interp::value::Scope {
                    inputs: &crate::interp::inputs::Inputs::new(),
                    secrets: &settings.secrets,
                    steps: &serde_json::Map::new(),
                };
                crate::interp::value::evaluate_text(template, scope)
            }),
            lookup,
        );
        let secrets = Arc::new(settings.secrets);
        let shared =
            SharedTransport::new(http_client, settings.proxy).map_err(|problem| Error::Config {
                missing: Vec::new(),
                problems: vec![format!("cannot build the upstream HTTP client: {problem}")],
            })?;
        let mut problems = Vec::new();
        let mut clients = Vec::with_capacity(spec.consumes.len());
        for (consumes, client_settings) in spec.consumes.iter().zip(settings.clients) {
            match ClientCore::new(consumes, client_settings, secrets.clone(), &shared) {
                Ok(client) => clients.push(client),
                Err(problem) => problems.push(problem),
            }
        }
        let control = ControlState::for_spec(spec);
        if let Some(state) = ControlState::recording(control.as_ref()) {
            for (index, client) in clients.iter_mut().enumerate() {
                client.set_hooks(Arc::new(UpstreamMeter {
                    state: Arc::clone(state),
                    consumes: index,
                }));
            }
        }
        if !problems.is_empty() {
            return Err(Error::Config {
                missing: Vec::new(),
                problems,
            });
        }
        Ok(Runtime {
            inner: Arc::new(RuntimeInner {
                spec,
                clients,
                unconfigured: ClientCore::unconfigured(),
                secrets,
                rest: settings.rest,
                mcp: settings.mcp,
                control_settings: settings.control,
                control,
                telemetry,
                workers: settings.workers,
            }),
        })
    }

    /// The same runtime with `hooks` called around every upstream call of every namespace.
    /// They replace hooks given before; the metrics of a control adapter keep being recorded.
    pub fn with_hooks(self, hooks: impl Hooks) -> Runtime {
        let hooks: Arc<dyn Hooks> = Arc::new(hooks);
        let mut inner = Arc::unwrap_or_clone(self.inner);
        let control = ControlState::recording(inner.control.as_ref()).cloned();
        for (index, client) in inner.clients.iter_mut().enumerate() {
            match &control {
                Some(state) => client.set_hooks(Arc::new(BothHooks {
                    first: Arc::new(UpstreamMeter {
                        state: Arc::clone(state),
                        consumes: index,
                    }),
                    second: hooks.clone(),
                })),
                None => client.set_hooks(hooks.clone()),
            }
        }
        Runtime {
            inner: Arc::new(inner),
        }
    }

    pub fn spec(&self) -> &'static CapabilitySpec {
        self.inner.spec
    }

    /// The client of the consumed namespace `id`. An id of another capability (which
    /// generated code never produces) gives a client whose calls fail with `Error::Config`.
    pub fn client(&self, id: ConsumesId) -> &ClientCore {
        self.inner
            .clients
            .get(id.index())
            .unwrap_or(&self.inner.unconfigured)
    }

    /// The capability's secrets, for handlers and for the adapters that check their callers'
    /// credentials. Kept inside the crate: users reach secrets only through the spec's binds.
    pub(crate) fn secrets(&self) -> &Secrets {
        &self.inner.secrets
    }

    /// Where REST adapter `adapter` listens: `<PREFIX>_ADDR` or the spec's address.
    pub fn rest_addr(&self, adapter: usize) -> SocketAddr {
        self.inner
            .rest
            .get(adapter)
            .map_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), |settings| {
                settings.addr
            })
    }

    /// Where MCP adapter `adapter` listens: `<PREFIX>_ADDR` or the spec's address.
    pub fn mcp_addr(&self, adapter: usize) -> SocketAddr {
        self.inner
            .mcp
            .get(adapter)
            .map_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), |settings| {
                settings.addr
            })
    }

    /// Where control adapter `adapter` listens: `<PREFIX>_ADDR` (`CONTROL_ADDR` for an adapter
    /// without namespace) or the spec's address.
    pub fn control_addr(&self, adapter: usize) -> SocketAddr {
        self.inner
            .control_settings
            .get(adapter)
            .map_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), |settings| {
                settings.addr
            })
    }

    /// Metrics and readiness; `None` when the capability has no control adapter.
    pub(crate) fn telemetry_settings(&self) -> &crate::telemetry::Settings {
        &self.inner.telemetry
    }

    pub(crate) fn control_state(&self) -> Option<&Arc<ControlState>> {
        self.inner.control.as_ref()
    }

    /// The settings of REST adapter `adapter`; `None` for an index the spec does not have.
    pub(crate) fn rest_settings(&self, adapter: usize) -> Option<&RestSettings> {
        self.inner.rest.get(adapter)
    }

    /// The settings of MCP adapter `adapter`; `None` for an index the spec does not have.
    pub(crate) fn mcp_settings(&self, adapter: usize) -> Option<&McpSettings> {
        self.inner.mcp.get(adapter)
    }

    /// The settings of control adapter `adapter`; `None` for an index the spec does not have.
    pub(crate) fn control_settings(&self, adapter: usize) -> Option<&ControlSettings> {
        self.inner.control_settings.get(adapter)
    }

    /// `NAFTIKO_WORKERS`: how many threads serve the HTTP adapters; `None` when unset.
    pub(crate) fn workers(&self) -> Option<usize> {
        self.inner.workers
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("capability", &self.inner.spec.name)
            .field("clients", &self.inner.clients)
            .field("secrets", &self.inner.secrets)
            .field("rest", &self.inner.rest)
            .field("mcp", &self.inner.mcp)
            .field("control_settings", &self.inner.control_settings)
            .finish_non_exhaustive()
    }
}

/// Installs OpenTelemetry for `rt`'s capability when an OTLP endpoint is configured
/// (`OTEL_EXPORTER_OTLP_ENDPOINT` and the other `OTEL_*` variables, as read when `rt` was
/// built, over a control adapter's `observability` in the spec), and returns whether it is
/// installed; always `false` without the `otel` feature.
/// Installed once per process: later calls change nothing. Call it inside the tokio runtime
/// that serves (it carries the exports) and before the routers are built (they get the server
/// spans then). [`serve`](crate::serve) calls it.
///
/// The tracer provider and the W3C propagator also become OpenTelemetry's global ones, so that
/// spans the program makes itself join the same traces.
pub fn init_telemetry(rt: &Runtime) -> bool {
    crate::telemetry::install(rt.telemetry_settings(), crate::upstream::tls_config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{
        Auth, ConsumesSpec, HttpOperation, McpAdapterSpec, McpTransport, RawFormat, RequestBody,
    };
    use crate::spec::{list, text};

    static CONSUMES: &[ConsumesSpec] = &[ConsumesSpec {
        namespace: text("runs"),
        env_prefix: text("RUNS"),
        base_url: text("https://api.example.com"),
        description: text(""),
        timeout_ms: 30_000,
        auth: Auth::None,
        default_params: list(&[]),
        operations: list(&[]),
    }];
    static MCP: &[McpAdapterSpec] = &[McpAdapterSpec {
        namespace: text("tools"),
        env_prefix: text("TOOLS"),
        default_addr: text("127.0.0.1:9090"),
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
        secrets: list(&[]),
        rest: list(&[]),
        mcp: list(MCP),
        control: list(&[]),
    };

    fn lookup(name: &str) -> Option<String> {
        match name {
            "TOOLS_ALLOWED_HOSTS" => Some("example.org".to_owned()),
            "TOOLS_ADDR" => Some("7000".to_owned()),
            _ => None,
        }
    }

    /// The spec's OTLP endpoint names a bind key, filled in from the secrets at start-up.
    #[cfg(feature = "otel")]
    #[test]
    fn an_observability_endpoint_is_rendered_from_the_secrets() {
        use crate::spec::{ControlAdapterSpec, ObservabilitySpec, SecretSpec, TemplatePart, Value};
        use std::borrow::Cow;
        static OBSERVED: CapabilitySpec = CapabilitySpec {
            name: text("t"),
            description: text(""),
            consumes: list(&[]),
            secrets: Cow::Borrowed(&[SecretSpec {
                key: text("COLLECTOR"),
                source_name: text("COLLECTOR"),
                file: None,
            }]),
            rest: list(&[]),
            mcp: list(&[]),
            control: Cow::Borrowed(&[ControlAdapterSpec {
                namespace: text("control"),
                env_prefix: text("CONTROL"),
                default_addr: text("127.0.0.1:0"),
                auth: Auth::None,
                metrics: true,
                observability: ObservabilitySpec {
                    enabled: true,
                    otlp_endpoint: Some(Value::Template(Cow::Borrowed(&[
                        TemplatePart::Text(text("http://")),
                        TemplatePart::Value(Value::Secret(text("COLLECTOR"))),
                        TemplatePart::Text(text(":4318")),
                    ]))),
                    trace_sampling: None,
                },
            }]),
        };
        let rt = Runtime::from_lookup(&OBSERVED, &|name| {
            (name == "COLLECTOR").then(|| "otel.internal".to_owned())
        })
        .unwrap_or_else(|error| unreachable!("{error}"));
        assert_eq!(
            rt.telemetry_settings().traces_endpoint(),
            Some("http://otel.internal:4318/v1/traces")
        );
    }

    #[test]
    fn adapter_settings_are_read_with_everything_else() {
        let runtime =
            Runtime::from_lookup(&SPEC, &lookup).unwrap_or_else(|error| unreachable!("{error}"));
        assert_eq!(
            runtime
                .mcp_settings(0)
                .and_then(|settings| settings.allowed_hosts.as_deref()),
            Some("example.org")
        );
        assert_eq!(
            runtime.mcp_addr(0),
            SocketAddr::from(([127, 0, 0, 1], 7000))
        );
        assert!(runtime.mcp_settings(1).is_none());
        assert_eq!(
            runtime.client(ConsumesId(0)).base_url(),
            Some("https://api.example.com/")
        );
        assert!(format!("{runtime:?}").contains("runs"));
    }

    #[test]
    fn a_bad_serving_setting_is_reported_with_the_other_problems() {
        let bad = |name: &str| match name {
            "TOOLS_ADDR" => Some("nowhere".to_owned()),
            "TOOLS_READ_TIMEOUT_MS" => Some("0".to_owned()),
            _ => None,
        };
        let Err(Error::Config { problems, .. }) = Runtime::from_lookup(&SPEC, &bad) else {
            unreachable!("bad settings accepted")
        };
        let all = problems.join("\n");
        assert!(
            all.contains("TOOLS_ADDR") && all.contains("TOOLS_READ_TIMEOUT_MS"),
            "{all}"
        );
    }

    #[tokio::test]
    async fn an_unknown_namespace_index_fails_calls_instead_of_panicking() {
        static OP: HttpOperation = HttpOperation {
            name: text("ghost"),
            method: text("GET"),
            description: text(""),
            path: list(&[]),
            inputs: list(&[]),
            body: RequestBody::Fields,
            output_format: RawFormat::Json,
            output: crate::spec::Output::Passthrough,
            output_schema: None,
        };
        let runtime =
            Runtime::from_lookup(&SPEC, &lookup).unwrap_or_else(|error| unreachable!("{error}"));
        let result = runtime
            .client(ConsumesId(7))
            .call(&OP, &crate::interp::inputs::Inputs::new())
            .await;
        assert!(matches!(result, Err(Error::Config { .. })), "{result:?}");
    }
}
