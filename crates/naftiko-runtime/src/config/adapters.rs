//! The settings of each exposed adapter, by its environment prefix, read once at start-up with
//! the rest of the configuration. The adapters only apply them; reading them here, below the
//! runtime, is what lets one pass over the environment report every problem at once.
//!
//! Unlike the other settings these are read as given, blank values included, which is how the
//! adapters always read them: a blank `<PREFIX>_MAX_BODY_BYTES` of a REST adapter is refused,
//! blank MCP settings mean their defaults.

use std::net::SocketAddr;

use super::Report;
use super::serving::{DEFAULT_MAX_CONNECTIONS, ServingSettings, read_serving_into};

/// The REST request body limit when `<PREFIX>_MAX_BODY_BYTES` is not set.
pub(crate) const REST_DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// MCP requests larger than this are refused with 413 unless `<PREFIX>_MAX_BODY_BYTES` says
/// otherwise. Tool arguments are small; this bounds what one client can make us buffer.
pub(crate) const MCP_DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// A REST adapter's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RestSettings {
    pub addr: SocketAddr,
    pub serving: ServingSettings,
    /// `<PREFIX>_MAX_BODY_BYTES`: the largest request body read.
    pub max_body_bytes: usize,
}

/// An MCP adapter's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct McpSettings {
    pub addr: SocketAddr,
    pub serving: ServingSettings,
    /// `<PREFIX>_SESSIONS`: keep a session per client.
    pub sessions: bool,
    /// `<PREFIX>_DIRECT_CALLS`: answer stateless `tools/call` requests in front of rmcp.
    pub direct_calls: bool,
    /// `<PREFIX>_MAX_BODY_BYTES`: larger requests get 413.
    pub max_body_bytes: usize,
    /// `<PREFIX>_ALLOWED_HOSTS` as given; the adapter derives its host policy from it and the
    /// bound address.
    pub allowed_hosts: Option<String>,
    /// `<PREFIX>_ALLOWED_ORIGINS` as given.
    pub allowed_origins: Option<String>,
}

/// A control adapter's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ControlSettings {
    pub addr: SocketAddr,
    pub serving: ServingSettings,
}

/// The serving settings under `prefix`, their problems added to `report`.
pub(super) fn serving(
    prefix: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    report: &mut Report,
) -> ServingSettings {
    read_serving_into(prefix, lookup, DEFAULT_MAX_CONNECTIONS, report)
}

/// `<PREFIX>_MAX_BODY_BYTES` of a REST adapter: any whole number, or a problem naming it.
pub(super) fn rest_max_body_bytes(
    prefix: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    report: &mut Report,
) -> usize {
    let variable = format!("{prefix}_MAX_BODY_BYTES");
    match lookup(&variable) {
        None => REST_DEFAULT_MAX_BODY_BYTES,
        Some(text) => text.trim().parse::<usize>().unwrap_or_else(|_| {
            report.problems.push(format!(
                "{variable} must be a number of bytes, not `{text}`"
            ));
            REST_DEFAULT_MAX_BODY_BYTES
        }),
    }
}

/// The MCP settings under `prefix` but the address and serving settings. Unusable values are
/// logged and replaced by their defaults rather than refused, as the MCP adapter always did.
pub(super) fn mcp(
    prefix: &str,
    addr: SocketAddr,
    serving: ServingSettings,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> McpSettings {
    let sessions = flag(prefix, "SESSIONS", false, "MCP sessions stay off", lookup);
    let direct_calls = flag(
        prefix,
        "DIRECT_CALLS",
        true,
        "stateless tools/call requests stay answered in front of rmcp",
        lookup,
    );
    let body_var = format!("{prefix}_MAX_BODY_BYTES");
    let max_body_bytes = match lookup(&body_var).as_deref().map(str::trim) {
        None | Some("") => MCP_DEFAULT_MAX_BODY_BYTES,
        Some(value) => match value.parse::<usize>() {
            Ok(bytes) if bytes > 0 => bytes,
            _ => {
                tracing::error!(
                    variable = body_var,
                    value,
                    default = MCP_DEFAULT_MAX_BODY_BYTES,
                    "not a positive byte count; using the default"
                );
                MCP_DEFAULT_MAX_BODY_BYTES
            }
        },
    };
    McpSettings {
        addr,
        serving,
        sessions,
        direct_calls,
        max_body_bytes,
        allowed_hosts: lookup(&format!("{prefix}_ALLOWED_HOSTS")),
        allowed_origins: lookup(&format!("{prefix}_ALLOWED_ORIGINS")),
    }
}

impl McpSettings {
    /// The settings of an adapter the spec does not have (a wrong index): every default.
    pub(crate) fn defaults(addr: SocketAddr) -> McpSettings {
        McpSettings {
            addr,
            serving: ServingSettings::defaults(),
            sessions: false,
            direct_calls: true,
            max_body_bytes: MCP_DEFAULT_MAX_BODY_BYTES,
            allowed_hosts: None,
            allowed_origins: None,
        }
    }
}

/// `<PREFIX>_<NAME>` as a boolean; blank or unset is `default`, and so (logged, with what
/// that means) is any other word.
fn flag(
    prefix: &str,
    name: &str,
    default: bool,
    meaning_of_default: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> bool {
    let variable = format!("{prefix}_{name}");
    match lookup(&variable).as_deref().map(str::trim) {
        None | Some("") => default,
        Some(value) => parse_flag(value).unwrap_or_else(|| {
            tracing::error!(
                variable,
                value,
                "not a boolean (true/false/1/0/yes/no); {meaning_of_default}"
            );
            default
        }),
    }
}

fn parse_flag(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}
