//! Building a runtime with settings given in code: for tests, and for programs that keep their
//! settings somewhere other than the environment.

use std::collections::HashMap;
use std::time::Duration;

use super::Runtime;
use crate::error::Error;
use crate::spec::CapabilitySpec;
use crate::upstream::HttpClient;

/// Settings given in code, then [`build`](Builder::build). Each setting is the one the
/// environment would give (the same names, checked the same way, every problem reported at
/// once); the environment itself is read only when asked, with [`env`](Builder::env), for
/// what the code leaves unset.
///
/// `T` is what `build` returns: a [`Runtime`] from [`Runtime::builder`], the generated
/// `Capability` from `Capability::builder()`.
///
/// ```no_run
/// # fn demo(spec: &'static naftiko_runtime::spec::CapabilitySpec) -> Result<(), naftiko_runtime::Error> {
/// use std::time::Duration;
/// let runtime = naftiko_runtime::Runtime::builder(spec)
///     .base_url("inngest-runs", "http://127.0.0.1:8288")
///     .timeout("inngest-runs", Duration::from_secs(5))
///     .secret("INNGEST_API_KEY", "test-key")
///     .build()?;
/// # Ok(()) }
/// ```
pub struct Builder<T = Runtime> {
    spec: &'static CapabilitySpec,
    vars: HashMap<String, String>,
    from_env: bool,
    http_client: HttpClient,
    problems: Vec<String>,
    finish: fn(Runtime) -> T,
}

impl<T> Builder<T> {
    /// A builder whose `build` hands the runtime to `finish` (generated code passes the
    /// constructor of its `Capability`). Users start from `Runtime::builder` or
    /// `Capability::builder()`.
    pub fn new(spec: &'static CapabilitySpec, finish: fn(Runtime) -> T) -> Builder<T> {
        Builder {
            spec,
            vars: HashMap::new(),
            from_env: false,
            http_client: HttpClient::default(),
            problems: Vec::new(),
            finish,
        }
    }

    /// Reads the process environment for every setting not given in code.
    pub fn env(mut self) -> Self {
        self.from_env = true;
        self
    }

    /// Any setting by its environment variable's name (`<NS>_ADDR`, `HTTPS_PROXY`,
    /// `<NS>_MAX_BODY_BYTES`…): the value is read as the variable's would be.
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// The base URL of the consumed namespace `namespace` (as the spec names it), in place
    /// of its `baseUri`.
    pub fn base_url(self, namespace: &str, url: impl Into<String>) -> Self {
        self.namespace_var(namespace, "BASE_URL", url.into())
    }

    /// How long one call to the consumed namespace `namespace` may take, connecting and
    /// reading the answer included.
    pub fn timeout(self, namespace: &str, timeout: Duration) -> Self {
        let millis = timeout.as_millis().max(1);
        self.namespace_var(namespace, "TIMEOUT_MS", millis.to_string())
    }

    /// The secret `key` (a bind key of the spec).
    pub fn secret(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.var(key, value)
    }

    /// The HTTP client upstream calls go through (by default the built-in one).
    pub fn http_client(mut self, client: HttpClient) -> Self {
        self.http_client = client;
        self
    }

    /// Upstream calls through the program's own `reqwest::Client` (its proxies, TLS settings
    /// and default headers apply): [`HttpClient::Reqwest`].
    #[cfg(feature = "reqwest")]
    pub fn reqwest_client(self, client: reqwest_client::Client) -> Self {
        self.http_client(HttpClient::Reqwest(client))
    }

    /// Checks every setting and builds; fails naming every problem at once.
    pub fn build(self) -> Result<T, Error> {
        let Builder {
            spec,
            vars,
            from_env,
            http_client,
            mut problems,
            finish,
        } = self;
        let lookup = |name: &str| {
            vars.get(name)
                .cloned()
                .or_else(|| from_env.then(|| std::env::var(name).ok()).flatten())
        };
        match Runtime::build(spec, &lookup, http_client) {
            Ok(runtime) if problems.is_empty() => Ok(finish(runtime)),
            Ok(_) => Err(Error::Config {
                missing: Vec::new(),
                problems,
            }),
            Err(Error::Config {
                missing,
                problems: more,
            }) => {
                problems.extend(more);
                Err(Error::Config { missing, problems })
            }
            Err(error) => Err(error),
        }
    }

    fn namespace_var(mut self, namespace: &str, suffix: &str, value: String) -> Self {
        match self
            .spec
            .consumes
            .iter()
            .find(|consumes| *consumes.namespace == *namespace)
        {
            Some(consumes) => {
                let name = format!("{}_{suffix}", &*consumes.env_prefix);
                self.vars.insert(name, value);
            }
            None => self.problems.push(format!(
                "`{namespace}` is not a consumed namespace of `{}`",
                self.spec.name
            )),
        }
        self
    }
}

impl<T> std::fmt::Debug for Builder<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Names only: values may be secrets.
        let mut names: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("Builder")
            .field("capability", &self.spec.name)
            .field("set", &names)
            .field("env", &self.from_env)
            .field("http_client", &self.http_client)
            .finish_non_exhaustive()
    }
}
