//! Reading a capability's configuration from the environment at start-up.
//!
//! Everything is read once, and every problem is collected before reporting, so one failed
//! start names every variable to set instead of sending the operator round in circles:
//! secrets (bind keys), `<PREFIX>_BASE_URL`, `<PREFIX>_TIMEOUT_MS`, `<PREFIX>_MAX_BODY_BYTES`
//! and `<PREFIX>_RETRIES` per consumed namespace (with the `AWS_*` credentials and region when
//! one is signed with AWS Signature Version 4), and per exposed adapter its `<PREFIX>_ADDR`,
//! how it serves its connections ([`serving`]) and what it alone reads ([`adapters`]); and the
//! forward proxy for upstream calls ([`proxy`]: `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`…); and
//! `NAFTIKO_WORKERS`, how many threads serve the HTTP adapters. Nothing reads the
//! environment later: the runtime keeps these typed settings and the adapters take theirs.

mod adapters;
mod proxy;
mod secrets_file;
mod serving;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use secrets_file::SecretsFile;
#[cfg(test)]
use secrets_file::file_uri_path;

use crate::error::Error;
use crate::secret::{SecretString, Secrets};
use crate::spec::{Auth, CapabilitySpec, ConsumesSpec, SecretSpec};

#[cfg(test)]
pub(crate) use adapters::MCP_DEFAULT_MAX_BODY_BYTES;
pub(crate) use adapters::{
    ControlSettings, McpSettings, REST_DEFAULT_MAX_BODY_BYTES, RestSettings,
};
pub(crate) use proxy::ProxySettings;
pub(crate) use serving::{DEFAULT_MAX_CONNECTIONS, ServingSettings};

/// The largest upstream body read unless `<PREFIX>_MAX_BODY_BYTES` says otherwise.
pub(crate) const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Everything the environment decided, validated.
pub(crate) struct Settings {
    pub secrets: Secrets,
    /// One per `CapabilitySpec::consumes`, same order.
    pub clients: Vec<ClientSettings>,
    /// One per `CapabilitySpec::rest`, same order; likewise `mcp` and `control`.
    pub rest: Vec<RestSettings>,
    pub mcp: Vec<McpSettings>,
    pub control: Vec<ControlSettings>,
    /// The forward proxy of every upstream call.
    pub proxy: ProxySettings,
    /// `NAFTIKO_WORKERS`: how many serving threads; `None` when unset (one per core), 0 for
    /// none (the caller's runtime serves).
    pub workers: Option<usize>,
}

/// The most serving threads `NAFTIKO_WORKERS` may ask for: past it is a typo, not a machine.
pub(crate) const MAX_WORKERS: usize = 1024;

pub(crate) struct ClientSettings {
    pub base_url: url::Url,
    pub timeout: Duration,
    pub max_body_bytes: usize,
    /// `<PREFIX>_RETRIES`: how many times a failed idempotent call may be sent again (0, the
    /// default, never).
    pub retries: u32,
    /// Set when the namespace signs its requests with AWS Signature Version 4.
    pub aws: Option<AwsSettings>,
}

/// What signing with AWS Signature Version 4 takes from the environment: the standard
/// variables every AWS tool reads. All of it stays out of `Debug` output.
#[derive(Clone)]
pub(crate) struct AwsSettings {
    pub access_key_id: SecretString,
    pub secret_access_key: SecretString,
    pub session_token: Option<SecretString>,
    /// The spec's `region`, else `AWS_REGION`, else `AWS_DEFAULT_REGION`.
    pub region: String,
}

/// Missing names and unusable values, gathered across the whole spec.
#[derive(Default)]
struct Report {
    missing: Vec<String>,
    problems: Vec<String>,
}

impl Report {
    fn missing(&mut self, name: &str) {
        if !self.missing.iter().any(|known| known == name) {
            self.missing.push(name.to_owned());
        }
    }
}

pub(crate) fn read(
    spec: &'static CapabilitySpec,
    given: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, Error> {
    let mut report = Report::default();
    // An empty variable is almost always a mistake (`export KEY=` in a script); treat it as unset.
    let lookup = |name: &str| given(name).filter(|value| !value.trim().is_empty());

    let secrets = read_secrets(&spec.secrets, &lookup, &mut report);
    let clients: Vec<ClientSettings> = spec
        .consumes
        .iter()
        .filter_map(|consumes| read_client(consumes, &lookup, &mut report))
        .collect();
    let rest = spec.rest.iter().map(|a| (&*a.env_prefix, &*a.default_addr));
    let rest_addrs = read_addrs(rest, &lookup, &mut report);
    let mcp = spec.mcp.iter().map(|a| (&*a.env_prefix, &*a.default_addr));
    let mcp_addrs = read_addrs(mcp, &lookup, &mut report);
    let control = spec
        .control
        .iter()
        .map(|a| (&*a.env_prefix, &*a.default_addr));
    let control_addrs = read_addrs(control, &lookup, &mut report);
    let proxy = proxy::read(&lookup, &mut report);
    let workers = read_workers(&lookup, &mut report);

    let rest = spec
        .rest
        .iter()
        .zip(rest_addrs)
        .map(|(adapter, addr)| RestSettings {
            addr,
            serving: adapters::serving(&adapter.env_prefix, &lookup, &mut report),
            max_body_bytes: adapters::rest_max_body_bytes(&adapter.env_prefix, given, &mut report),
        })
        .collect();
    let mcp = spec
        .mcp
        .iter()
        .zip(mcp_addrs)
        .map(|(adapter, addr)| {
            let serving = adapters::serving(&adapter.env_prefix, &lookup, &mut report);
            adapters::mcp(&adapter.env_prefix, addr, serving, given)
        })
        .collect();
    let control = spec
        .control
        .iter()
        .zip(control_addrs)
        .map(|(adapter, addr)| ControlSettings {
            addr,
            serving: adapters::serving(&adapter.env_prefix, &lookup, &mut report),
        })
        .collect();

    if report.missing.is_empty() && report.problems.is_empty() {
        Ok(Settings {
            secrets,
            clients,
            rest,
            mcp,
            control,
            proxy,
            workers,
        })
    } else {
        Err(Error::Config {
            missing: report.missing,
            problems: report.problems,
        })
    }
}

fn read_secrets(
    specs: &'static [SecretSpec],
    lookup: &dyn Fn(&str) -> Option<String>,
    report: &mut Report,
) -> Secrets {
    let mut secrets = Secrets::new();
    // Several keys usually share one file; read and parse it once.
    let mut files: HashMap<&'static str, Option<SecretsFile>> = HashMap::new();
    for spec in specs {
        let from_env = lookup(&spec.key).or_else(|| {
            let alternative = !spec.source_name.is_empty() && spec.source_name != spec.key;
            alternative.then(|| lookup(&spec.source_name)).flatten()
        });
        let from_file = || {
            let uri: &str = spec.file.as_deref()?;
            let file = files
                .entry(uri)
                .or_insert_with(|| secrets_file::read(uri, report))
                .as_ref()?;
            [&*spec.source_name, &*spec.key]
                .into_iter()
                .filter(|name| !name.is_empty())
                .find_map(|name| file.get(name).cloned())
        };
        match from_env.or_else(from_file) {
            Some(value) => secrets.insert(&spec.key, SecretString::new(value)),
            None => report.missing(&spec.key),
        }
    }
    secrets
}

fn read_client(
    spec: &ConsumesSpec,
    lookup: &dyn Fn(&str) -> Option<String>,
    report: &mut Report,
) -> Option<ClientSettings> {
    let base_var = format!("{}_BASE_URL", &*spec.env_prefix);
    let overridden = lookup(&base_var);
    let base_text = overridden
        .clone()
        .unwrap_or_else(|| spec.base_url.to_string());
    let base_url = if base_text.is_empty() {
        report.missing(&base_var);
        None
    } else {
        let source = if overridden.is_some() {
            format!("`{base_var}`")
        } else {
            format!(
                "the baseUri of `{}` (set `{base_var}` to override it)",
                spec.namespace
            )
        };
        match url::Url::parse(base_text.trim()) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                Some(url)
            }
            Ok(_) => {
                report
                    .problems
                    .push(format!("{source} must be an http or https URL"));
                None
            }
            Err(error) => {
                report
                    .problems
                    .push(format!("{source} is not a valid URL: {error}"));
                None
            }
        }
    };
    let timeout_ms = read_number(&format!("{}_TIMEOUT_MS", &*spec.env_prefix), lookup, report)
        .unwrap_or(spec.timeout_ms);
    let max_body_bytes = read_number(
        &format!("{}_MAX_BODY_BYTES", &*spec.env_prefix),
        lookup,
        report,
    )
    .and_then(|bytes| usize::try_from(bytes).ok())
    .unwrap_or(DEFAULT_MAX_BODY_BYTES);
    let retries_var = format!("{}_RETRIES", &*spec.env_prefix);
    let retries = match lookup(&retries_var) {
        None => 0,
        Some(text) if text.trim().is_empty() => 0,
        Some(text) => text.trim().parse::<u32>().unwrap_or_else(|_| {
            report.problems.push(format!(
                "`{retries_var}` must be a whole number of retries, got `{}`",
                text.trim()
            ));
            0
        }),
    };
    let aws = match &spec.auth {
        Auth::AwsSigV4 { region, .. } => Some(read_aws(spec, region.as_deref(), lookup, report)?),
        _ => None,
    };
    Some(ClientSettings {
        base_url: base_url?,
        timeout: Duration::from_millis(timeout_ms.max(1)),
        max_body_bytes,
        retries,
        aws,
    })
}

/// The credentials and region of a namespace signed with AWS Signature Version 4; every one
/// missing is reported (the variables once, however many namespaces sign).
fn read_aws(
    spec: &ConsumesSpec,
    region: Option<&str>,
    lookup: &dyn Fn(&str) -> Option<String>,
    report: &mut Report,
) -> Option<AwsSettings> {
    let mut required = |name: &str| {
        let value = lookup(name).map(|value| SecretString::new(value.trim()));
        if value.is_none() {
            report.missing(name);
        }
        value
    };
    let access_key_id = required("AWS_ACCESS_KEY_ID");
    let secret_access_key = required("AWS_SECRET_ACCESS_KEY");
    let session_token = lookup("AWS_SESSION_TOKEN").map(|value| SecretString::new(value.trim()));
    let region = region
        .map(str::to_owned)
        .or_else(|| lookup("AWS_REGION"))
        .or_else(|| lookup("AWS_DEFAULT_REGION"))
        .map(|region| region.trim().to_owned());
    if region.is_none() {
        report.problems.push(format!(
            "`{}` signs its requests for AWS and its spec names no region: set `AWS_REGION` (or `AWS_DEFAULT_REGION`)",
            spec.namespace
        ));
    }
    Some(AwsSettings {
        access_key_id: access_key_id?,
        secret_access_key: secret_access_key?,
        session_token,
        region: region?,
    })
}

/// A positive integer variable; `None` when unset (or unusable, which is reported).
fn read_number(
    name: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    report: &mut Report,
) -> Option<u64> {
    let text = lookup(name)?;
    match text.trim().parse::<u64>() {
        Ok(number) if number > 0 => Some(number),
        _ => {
            report.problems.push(format!(
                "`{name}` must be a positive whole number, got `{}`",
                text.trim()
            ));
            None
        }
    }
}

/// `NAFTIKO_WORKERS`: a whole number from 0 to [`MAX_WORKERS`].
fn read_workers(lookup: &dyn Fn(&str) -> Option<String>, report: &mut Report) -> Option<usize> {
    const NAME: &str = "NAFTIKO_WORKERS";
    let text = lookup(NAME)?;
    match text.trim().parse::<usize>() {
        Ok(count) if count <= MAX_WORKERS => Some(count),
        _ => {
            report.problems.push(format!(
                "`{NAME}` must be a whole number from 0 (serve on the program's own runtime) to \
                 {MAX_WORKERS}, got `{}`",
                text.trim()
            ));
            None
        }
    }
}

/// The socket address of every adapter, given as (env prefix, default address).
fn read_addrs(
    adapters: impl Iterator<Item = (&'static str, &'static str)>,
    lookup: &dyn Fn(&str) -> Option<String>,
    report: &mut Report,
) -> Vec<SocketAddr> {
    adapters
        .map(|(prefix, default_addr)| read_addr(prefix, default_addr, lookup, report))
        .collect()
}

fn read_addr(
    prefix: &str,
    default_addr: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    report: &mut Report,
) -> SocketAddr {
    let fallback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let default_host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let default = parse_addr(default_addr, default_host);
    let var = format!("{prefix}_ADDR");
    match lookup(&var) {
        Some(text) => match parse_addr(&text, default.map_or(default_host, |addr| addr.ip())) {
            Some(addr) => addr,
            None => {
                report.problems.push(format!(
                    "`{var}` must be a port or host:port, got `{}`",
                    text.trim()
                ));
                fallback
            }
        },
        None => default.unwrap_or_else(|| {
            report.problems.push(format!(
                "the address `{default_addr}` of `{prefix}` is not a host:port; set `{var}`"
            ));
            fallback
        }),
    }
}

/// `8080`, `:8080`, `0.0.0.0:8080`, `[::1]:8080` or `localhost:8080`; a bare port keeps `host`.
pub(crate) fn parse_addr(text: &str, host: IpAddr) -> Option<SocketAddr> {
    let text = text.trim();
    let port_only = text.strip_prefix(':').unwrap_or(text);
    if let Ok(port) = port_only.parse::<u16>() {
        return Some(SocketAddr::new(host, port));
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Some(addr);
    }
    // A host name: resolve once at start-up, preferring IPv4 like most local tooling does.
    if text.contains(':') {
        let addrs: Vec<SocketAddr> = text.to_socket_addrs().ok()?.collect();
        return addrs
            .iter()
            .find(|addr| addr.is_ipv4())
            .or(addrs.first())
            .copied();
    }
    None
}

#[cfg(test)]
mod tests;
