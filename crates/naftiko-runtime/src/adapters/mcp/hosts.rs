//! Which `Host` and `Origin` headers an MCP server over HTTP accepts (DNS rebinding defence).
//!
//! A web page can make a browser send requests to a server on the user's machine once a DNS
//! name it controls resolves to 127.0.0.1; the `Host` header then still names the attacker's
//! domain, and the `Origin` header names the attacker's page. rmcp checks both headers and
//! answers 403; this module only decides the lists it checks against:
//!
//! - hosts: `localhost`, `127.0.0.1` and `::1` on any port, plus the address the server is
//!   bound to; `<PREFIX>_ALLOWED_HOSTS` (comma separated, `host` or `host:port`) replaces
//!   the list, and `*` accepts any host (for deployments behind a proxy that checks it);
//! - origins: `http`/`https` on those same hosts, any port; `<PREFIX>_ALLOWED_ORIGINS`
//!   (comma separated, `scheme://host[:port|:*]`) replaces the list, `*` turns the check off.
//!   Requests without an `Origin` header (every non-browser client) are not affected.

use std::net::{IpAddr, SocketAddr};

const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// The lists rmcp checks; `None` means "accept any".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HostPolicy {
    pub(crate) allowed_hosts: Option<Vec<String>>,
    pub(crate) allowed_origins: Option<Vec<String>>,
}

impl HostPolicy {
    /// The policy for a server bound to `bound`, given `<PREFIX>_ALLOWED_HOSTS` and
    /// `<PREFIX>_ALLOWED_ORIGINS` as set (or not).
    pub(crate) fn new(hosts: Option<&str>, origins: Option<&str>, bound: SocketAddr) -> HostPolicy {
        HostPolicy {
            allowed_hosts: configured_list(hosts).unwrap_or_else(|| Some(default_hosts(bound))),
            allowed_origins: configured_list(origins)
                .unwrap_or_else(|| Some(default_origins(bound))),
        }
    }

    /// Writes the policy into rmcp's transport configuration.
    pub(crate) fn apply(
        &self,
        config: rmcp::transport::StreamableHttpServerConfig,
    ) -> rmcp::transport::StreamableHttpServerConfig {
        let config = match &self.allowed_hosts {
            Some(hosts) => config.with_allowed_hosts(hosts.iter().cloned()),
            None => config.disable_allowed_hosts(),
        };
        match &self.allowed_origins {
            // Enforced even when the list is empty: an empty list then refuses every browser.
            Some(origins) => config
                .with_allowed_origins(origins.iter().cloned())
                .enforce_origin_validation(),
            None => config.disable_allowed_origins(),
        }
    }
}

/// `None` when the variable is unset or blank (use the defaults), `Some(None)` for `*`.
fn configured_list(value: Option<&str>) -> Option<Option<Vec<String>>> {
    let value = value?.trim();
    if value.is_empty() {
        return None;
    }
    let entries: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(str::to_owned)
        .collect();
    if entries.iter().any(|entry| entry == "*") {
        return Some(None);
    }
    Some(Some(entries))
}

/// The loopback names plus the bound address, as hosts (without port: any port matches).
fn default_hosts(bound: SocketAddr) -> Vec<String> {
    let mut hosts: Vec<String> = LOOPBACK_HOSTS
        .iter()
        .map(|host| (*host).to_owned())
        .collect();
    if let Some(host) = bound_host(bound.ip())
        && !hosts.contains(&host)
    {
        hosts.push(host);
    }
    hosts
}

fn default_origins(bound: SocketAddr) -> Vec<String> {
    default_hosts(bound)
        .iter()
        .flat_map(|host| ["http", "https"].map(|scheme| format!("{scheme}://{host}:*")))
        .collect()
}

/// The bound address as a host name, unless it is a wildcard address: a server bound to
/// 0.0.0.0 is reached under some other name, which only its operator knows.
fn bound_host(ip: IpAddr) -> Option<String> {
    if ip.is_unspecified() {
        return None;
    }
    Some(match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse()
            .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    #[test]
    fn defaults_are_loopback_plus_bound_address() {
        let policy = HostPolicy::new(None, None, addr("10.1.2.3:9090"));
        let hosts = policy.allowed_hosts.unwrap_or_default();
        assert_eq!(hosts, ["localhost", "127.0.0.1", "[::1]", "10.1.2.3"]);
        let origins = policy.allowed_origins.unwrap_or_default();
        assert!(origins.contains(&"http://localhost:*".to_owned()));
        assert!(origins.contains(&"https://10.1.2.3:*".to_owned()));
    }

    #[test]
    fn wildcard_bind_adds_nothing() {
        let policy = HostPolicy::new(None, None, addr("0.0.0.0:9090"));
        assert_eq!(policy.allowed_hosts.map(|hosts| hosts.len()), Some(3));
    }

    #[test]
    fn set_lists_replace_the_defaults() {
        let policy = HostPolicy::new(
            Some(" mcp.example.com , example.org:8443,"),
            Some("*"),
            addr("127.0.0.1:1"),
        );
        assert_eq!(
            policy.allowed_hosts,
            Some(vec![
                "mcp.example.com".to_owned(),
                "example.org:8443".to_owned()
            ])
        );
        assert_eq!(policy.allowed_origins, None);
    }

    #[test]
    fn star_accepts_any_host_and_blank_keeps_defaults() {
        let policy = HostPolicy::new(Some("*"), Some("  "), addr("127.0.0.1:1"));
        assert_eq!(policy.allowed_hosts, None);
        assert!(
            policy
                .allowed_origins
                .is_some_and(|origins| !origins.is_empty())
        );
    }
}
