//! The running capability: configuration read from the environment and one client per
//! consumed namespace, shared by every adapter.
//!
//! ```no_run
//! # async fn demo(spec: &'static naftiko_runtime::spec::CapabilitySpec) -> Result<(), naftiko_runtime::Error> {
//! let runtime = naftiko_runtime::Runtime::from_env(spec)?; // fails naming every missing variable
//! # Ok(()) }
//! ```

pub(crate) mod control_state;
pub(crate) mod metrics;

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use crate::config;
use crate::error::Error;
use crate::runtime::control_state::ControlState;
use crate::runtime::control_state::{BothHooks, UpstreamMeter};
use crate::secret::Secrets;
use crate::spec::CapabilitySpec;
use crate::upstream::{ClientCore, Hooks};

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
    rest_addrs: Vec<SocketAddr>,
    mcp_addrs: Vec<SocketAddr>,
    control_addrs: Vec<SocketAddr>,
    /// Metrics and readiness, when the capability has a control adapter.
    control: Option<Arc<ControlState>>,
    env: Arc<EnvSource>,
}

/// The adapter settings (`<ADAPTER_PREFIX>_<SUFFIX>`) that [`Runtime::from_lookup`] reads up
/// front, so that [`Runtime::env`] can answer them later. An adapter setting read with
/// `env()` belongs in this list.
pub const ADAPTER_SETTINGS: &[&str] = &[
    "ADDR",
    "MAX_BODY_BYTES",
    "SESSIONS",
    "ALLOWED_HOSTS",
    "ALLOWED_ORIGINS",
    "READ_TIMEOUT_MS",
    "WRITE_TIMEOUT_MS",
    "MAX_CONNECTIONS",
];

/// A settings lookup kept for the runtime's lifetime.
type KeptLookup = Box<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Where [`Runtime::env`] reads settings.
enum EnvSource {
    Process,
    /// What a borrowed lookup answered during construction (it cannot be kept).
    Recorded(HashMap<String, Option<String>>),
    Kept(KeptLookup),
}

impl Runtime {
    /// Reads the configuration from the process environment.
    pub fn from_env(spec: &'static CapabilitySpec) -> Result<Runtime, Error> {
        Self::build(spec, &|name| std::env::var(name).ok(), EnvSource::Process)
    }

    /// Reads the configuration through `lookup` (tests, or settings from elsewhere).
    /// `lookup` is borrowed, so [`Runtime::env`] then answers only the names read here: every
    /// secret, base URL, timeout and body limit, and the [`ADAPTER_SETTINGS`] of every adapter.
    /// [`Runtime::from_source`] keeps its lookup and answers any name.
    pub fn from_lookup(
        spec: &'static CapabilitySpec,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Runtime, Error> {
        let recorded = RefCell::new(HashMap::new());
        let recording = |name: &str| {
            let value = lookup(name);
            recorded.borrow_mut().insert(name.to_owned(), value.clone());
            value
        };
        let mut runtime = Self::build(spec, &recording, EnvSource::Process)?;
        let prefixes = spec
            .rest
            .iter()
            .map(|adapter| adapter.env_prefix)
            .chain(spec.mcp.iter().map(|adapter| adapter.env_prefix))
            .chain(spec.control.iter().map(|adapter| adapter.env_prefix));
        for prefix in prefixes {
            for suffix in ADAPTER_SETTINGS {
                recording(&format!("{prefix}_{suffix}"));
            }
        }
        if let Some(inner) = Arc::get_mut(&mut runtime.inner) {
            inner.env = Arc::new(EnvSource::Recorded(recorded.into_inner()));
        }
        Ok(runtime)
    }

    /// Like [`Runtime::from_lookup`], keeping `source` so that [`Runtime::env`] can read any name later.
    pub fn from_source(
        spec: &'static CapabilitySpec,
        source: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Result<Runtime, Error> {
        let source: KeptLookup = Box::new(source);
        let mut runtime = Self::build(spec, &|name| source(name), EnvSource::Process)?;
        if let Some(inner) = Arc::get_mut(&mut runtime.inner) {
            inner.env = Arc::new(EnvSource::Kept(source));
        }
        Ok(runtime)
    }

    fn build(
        spec: &'static CapabilitySpec,
        lookup: &dyn Fn(&str) -> Option<String>,
        env: EnvSource,
    ) -> Result<Runtime, Error> {
        let settings = config::read(spec, lookup)?;
        let secrets = Arc::new(settings.secrets);
        let mut problems = Vec::new();
        let mut clients = Vec::with_capacity(spec.consumes.len());
        for (consumes, client_settings) in spec.consumes.iter().zip(settings.clients) {
            match ClientCore::new(consumes, client_settings, secrets.clone()) {
                Ok(client) => clients.push(client),
                Err(problem) => problems.push(problem),
            }
        }
        let control = ControlState::for_spec(spec);
        if let Some(state) = &control {
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
                rest_addrs: settings.rest_addrs,
                mcp_addrs: settings.mcp_addrs,
                control_addrs: settings.control_addrs,
                control,
                env: Arc::new(env),
            }),
        })
    }

    /// The same runtime with `hooks` called around every upstream call of every namespace.
    /// They replace hooks given before; the metrics of a control adapter keep being recorded.
    pub fn with_hooks(self, hooks: impl Hooks) -> Runtime {
        let hooks: Arc<dyn Hooks> = Arc::new(hooks);
        let mut inner = Arc::unwrap_or_clone(self.inner);
        let control = inner.control.clone();
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

    /// The client of `spec().consumes[consumes_index]`. An index out of range (which generated
    /// code never produces) gives a client whose calls fail with `Error::Config`.
    pub fn client(&self, consumes_index: usize) -> &ClientCore {
        self.inner
            .clients
            .get(consumes_index)
            .unwrap_or(&self.inner.unconfigured)
    }

    /// The capability's secrets (for adapters that check credentials of their callers).
    pub fn secrets(&self) -> &Secrets {
        &self.inner.secrets
    }

    /// Where REST adapter `adapter` listens: `<PREFIX>_ADDR` or the spec's address.
    pub fn rest_addr(&self, adapter: usize) -> SocketAddr {
        self.inner
            .rest_addrs
            .get(adapter)
            .copied()
            .unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
    }

    /// Where MCP adapter `adapter` listens: `<PREFIX>_ADDR` or the spec's address.
    pub fn mcp_addr(&self, adapter: usize) -> SocketAddr {
        self.inner
            .mcp_addrs
            .get(adapter)
            .copied()
            .unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
    }

    /// Where control adapter `adapter` listens: `<PREFIX>_ADDR` (`CONTROL_ADDR` for an adapter
    /// without namespace) or the spec's address.
    pub fn control_addr(&self, adapter: usize) -> SocketAddr {
        self.inner
            .control_addrs
            .get(adapter)
            .copied()
            .unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
    }

    /// Metrics and readiness; `None` when the capability has no control adapter.
    pub(crate) fn control_state(&self) -> Option<&Arc<ControlState>> {
        self.inner.control.as_ref()
    }

    /// A setting from the source the runtime was built from (see the constructors). Never use
    /// this for secrets: [`Runtime::secrets`] holds them.
    pub fn env(&self, name: &str) -> Option<String> {
        match self.inner.env.as_ref() {
            EnvSource::Process => std::env::var(name).ok(),
            EnvSource::Recorded(values) => values.get(name).cloned().flatten(),
            EnvSource::Kept(source) => source(name),
        }
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("capability", &self.inner.spec.name)
            .field("clients", &self.inner.clients)
            .field("secrets", &self.inner.secrets)
            .field("rest_addrs", &self.inner.rest_addrs)
            .field("mcp_addrs", &self.inner.mcp_addrs)
            .field("control_addrs", &self.inner.control_addrs)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{
        Auth, ConsumesSpec, ExposedAuth, HttpOperation, McpAdapterSpec, RawFormat, RequestBody,
    };

    static CONSUMES: &[ConsumesSpec] = &[ConsumesSpec {
        namespace: "runs",
        env_prefix: "RUNS",
        base_url: "https://api.example.com",
        timeout_ms: 30_000,
        auth: Auth::None,
        default_params: &[],
    }];
    static MCP: &[McpAdapterSpec] = &[McpAdapterSpec {
        namespace: "tools",
        env_prefix: "TOOLS",
        default_addr: "127.0.0.1:9090",
        description: "",
        tools: &[],
        resources: &[],
        prompts: &[],
        auth: ExposedAuth::None,
    }];
    static SPEC: CapabilitySpec = CapabilitySpec {
        name: "t",
        description: "",
        consumes: CONSUMES,
        secrets: &[],
        rest: &[],
        mcp: MCP,
        control: &[],
    };

    fn lookup(name: &str) -> Option<String> {
        match name {
            "TOOLS_ALLOWED_HOSTS" => Some("example.org".to_owned()),
            "TOOLS_ADDR" => Some("7000".to_owned()),
            "UNRELATED" => Some("x".to_owned()),
            _ => None,
        }
    }

    #[test]
    fn env_answers_what_the_lookup_said() {
        let borrowed =
            Runtime::from_lookup(&SPEC, &lookup).unwrap_or_else(|error| unreachable!("{error}"));
        assert_eq!(
            borrowed.env("TOOLS_ALLOWED_HOSTS").as_deref(),
            Some("example.org")
        );
        assert_eq!(
            borrowed.env("UNRELATED"),
            None,
            "a borrowed lookup is not kept"
        );
        assert_eq!(
            borrowed.mcp_addr(0),
            SocketAddr::from(([127, 0, 0, 1], 7000))
        );
        assert_eq!(
            borrowed.client(0).base_url(),
            Some("https://api.example.com/")
        );
        let kept =
            Runtime::from_source(&SPEC, lookup).unwrap_or_else(|error| unreachable!("{error}"));
        assert_eq!(kept.env("UNRELATED").as_deref(), Some("x"));
        assert!(format!("{kept:?}").contains("runs"));
    }

    #[tokio::test]
    async fn an_unknown_namespace_index_fails_calls_instead_of_panicking() {
        static OP: HttpOperation = HttpOperation {
            consumes: 7,
            name: "ghost",
            method: "GET",
            path: &[],
            inputs: &[],
            body: RequestBody::Fields,
            output_format: RawFormat::Json,
        };
        let runtime =
            Runtime::from_lookup(&SPEC, &lookup).unwrap_or_else(|error| unreachable!("{error}"));
        let result = runtime
            .client(OP.consumes)
            .call(&OP, &crate::interp::inputs::Inputs::new())
            .await;
        assert!(matches!(result, Err(Error::Config { .. })), "{result:?}");
    }
}
