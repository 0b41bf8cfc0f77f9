//! Putting the handler on a wire: Streamable HTTP (an axum router) or stdio.

use std::net::SocketAddr;
use std::sync::Arc;

use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpServerConfig;
use rmcp::transport::streamable_http_server::StreamableHttpService;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;

use super::auth;
use super::direct::DirectCalls;
use super::handler::{McpServer, adapter_spec};
use super::hosts::HostPolicy;
use crate::config::McpSettings;
use crate::error::Error;
use crate::runtime::Runtime;

/// The path the MCP endpoint is served at.
pub const MCP_PATH: &str = "/mcp";

/// Transport settings of one adapter, read from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HttpSettings {
    /// Keep a session per client (`<PREFIX>_SESSIONS=true`). Off by default: without sessions
    /// any instance can answer any request, so instances scale behind a plain load balancer.
    sessions: bool,
    /// Answer stateless `tools/call` requests in front of rmcp (`<PREFIX>_DIRECT_CALLS`, on by
    /// default; see `direct.rs`).
    direct_calls: bool,
    max_body_bytes: usize,
    hosts: HostPolicy,
}

impl HttpSettings {
    /// What the adapter serves with, given its settings and the address it is bound to.
    fn new(settings: &McpSettings, bound: SocketAddr) -> Self {
        HttpSettings {
            sessions: settings.sessions,
            direct_calls: settings.direct_calls,
            max_body_bytes: settings.max_body_bytes,
            hosts: HostPolicy::new(
                settings.allowed_hosts.as_deref(),
                settings.allowed_origins.as_deref(),
                bound,
            ),
        }
    }

    fn rmcp_config(&self) -> StreamableHttpServerConfig {
        let config = StreamableHttpServerConfig::default()
            .with_legacy_session_mode(self.sessions)
            // Without sessions nothing is pushed later, so a plain JSON answer is enough and
            // proxies need not understand server-sent events.
            .with_json_response(!self.sessions)
            .with_max_request_body_bytes(self.max_body_bytes);
        self.hosts.apply(config)
    }
}

/// The MCP endpoint of adapter `adapter` of `rt`'s capability, at `/mcp`.
pub fn router(rt: Runtime, adapter: usize) -> axum::Router {
    let server = McpServer::new(rt.clone(), adapter);
    let spec = server.adapter();
    // The empty stand-in served for a wrong index has every default and is bound nowhere in
    // particular.
    let fallback;
    let adapter_settings = match rt.mcp_settings(adapter) {
        Some(settings) => settings,
        None => {
            fallback = McpSettings::defaults(SocketAddr::from(([127, 0, 0, 1], 0)));
            &fallback
        }
    };
    let settings = HttpSettings::new(adapter_settings, adapter_settings.addr);
    tracing::debug!(
        adapter = &*spec.namespace,
        sessions = settings.sessions,
        direct_calls = settings.direct_calls,
        max_body_bytes = settings.max_body_bytes,
        allowed_hosts = ?settings.hosts.allowed_hosts,
        "MCP over Streamable HTTP"
    );
    let config = settings.rmcp_config();
    let factory = {
        let server = server.clone();
        move || Ok::<_, std::io::Error>(server.clone())
    };
    let router = if settings.sessions {
        let sessions = Arc::new(LocalSessionManager::default());
        axum::Router::new().route_service(
            MCP_PATH,
            StreamableHttpService::new(factory, sessions, config),
        )
    } else {
        let sessions = Arc::new(NeverSessionManager::default());
        let rmcp = StreamableHttpService::new(factory, sessions, config);
        if settings.direct_calls {
            let direct = DirectCalls::new(server, rmcp, &settings.hosts, settings.max_body_bytes);
            axum::Router::new().route_service(MCP_PATH, direct)
        } else {
            axum::Router::new().route_service(MCP_PATH, rmcp)
        }
    };
    auth::guard(router, spec, &rt)
}

/// Serves adapter `adapter` over stdin/stdout until the client closes stdin.
///
/// Stdout carries the protocol: log to stderr while this runs ([`crate::init_logging`], called
/// here unless the program installed a subscriber, does).
pub async fn serve_stdio(rt: Runtime, adapter: usize) -> Result<(), Error> {
    crate::logging::init_logging();
    serve_over(rt, adapter, rmcp::transport::stdio()).await
}

/// Serves adapter `adapter` over any byte stream pair rmcp accepts, until it closes.
async fn serve_over<T, E, A>(rt: Runtime, adapter: usize, transport: T) -> Result<(), Error>
where
    T: rmcp::transport::IntoTransport<rmcp::RoleServer, E, A>,
    E: std::error::Error + Send + Sync + 'static,
{
    let server = McpServer::new(rt.clone(), adapter);
    let namespace: &str = &adapter_spec(&rt, adapter).namespace;
    let failed = |error: &dyn std::fmt::Display| {
        Error::Serve(format!("MCP adapter `{namespace}` over stdio: {error}"))
    };
    let running = server
        .serve(transport)
        .await
        .map_err(|error| failed(&error))?;
    let reason = running.waiting().await.map_err(|error| failed(&error))?;
    tracing::debug!(adapter = namespace, ?reason, "MCP over stdio ended");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{list, text};

    use crate::config::MCP_DEFAULT_MAX_BODY_BYTES as DEFAULT_MAX_BODY_BYTES;

    /// The HTTP settings of adapter `RUNS_MCP` when the environment holds `vars`.
    fn settings(vars: &[(&str, &str)]) -> HttpSettings {
        use crate::spec::{Auth, CapabilitySpec, McpAdapterSpec, McpTransport};
        static MCP: &[McpAdapterSpec] = &[McpAdapterSpec {
            namespace: text("runs-mcp"),
            env_prefix: text("RUNS_MCP"),
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
            consumes: list(&[]),
            secrets: list(&[]),
            rest: list(&[]),
            mcp: list(MCP),
            control: list(&[]),
        };
        let lookup = |name: &str| {
            vars.iter()
                .find(|(var, _)| *var == name)
                .map(|(_, value)| (*value).to_owned())
        };
        let rt =
            Runtime::from_lookup(&SPEC, &lookup).unwrap_or_else(|error| unreachable!("{error}"));
        let Some(mcp) = rt.mcp_settings(0) else {
            unreachable!("the adapter has settings")
        };
        HttpSettings::new(mcp, mcp.addr)
    }

    #[test]
    fn stateless_with_a_body_limit_by_default() {
        let defaults = settings(&[]);
        assert!(!defaults.sessions);
        assert_eq!(defaults.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        let config = defaults.rmcp_config();
        assert!(!config.legacy_session_mode);
        assert!(config.json_response);
        assert_eq!(config.max_request_body_bytes, DEFAULT_MAX_BODY_BYTES);
        assert!(config.allowed_hosts.iter().any(|host| host == "localhost"));
        assert!(!config.allowed_origins.is_empty());
    }

    #[test]
    fn env_overrides() {
        let chosen = settings(&[
            ("RUNS_MCP_SESSIONS", "true"),
            ("RUNS_MCP_MAX_BODY_BYTES", "2048"),
        ]);
        assert!(chosen.sessions);
        assert_eq!(chosen.max_body_bytes, 2048);
        assert!(chosen.rmcp_config().legacy_session_mode);
    }

    #[test]
    fn bad_values_fall_back() {
        let chosen = settings(&[
            ("RUNS_MCP_SESSIONS", "maybe"),
            ("RUNS_MCP_MAX_BODY_BYTES", "-1"),
        ]);
        assert!(!chosen.sessions);
        assert_eq!(chosen.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
    }

    mod stdio {
        use std::time::Duration;

        use rmcp::ServiceExt;
        use rmcp::model::{CallToolRequestParams, ClientConfig};

        use super::super::serve_over;
        use crate::adapters::mcp::test_spec::PING;
        use crate::runtime::Runtime;

        type TestResult = Result<(), Box<dyn std::error::Error>>;

        /// The stdio path minus the process's own stdin/stdout: an in-memory pipe.
        #[tokio::test]
        async fn serves_over_a_byte_stream_until_the_client_leaves() -> TestResult {
            let rt = Runtime::from_lookup(&PING, &|_| None)?;
            let (server_end, client_end) = tokio::io::duplex(64 * 1024);
            let server = tokio::spawn(serve_over(rt, 0, server_end));
            let limit = Duration::from_secs(20);

            let client =
                tokio::time::timeout(limit, ClientConfig::default().serve(client_end)).await??;
            let tools = tokio::time::timeout(limit, client.list_all_tools()).await??;
            assert_eq!(
                tools
                    .iter()
                    .map(|tool| tool.name.as_ref())
                    .collect::<Vec<_>>(),
                ["ping"]
            );
            let result =
                tokio::time::timeout(limit, client.call_tool(CallToolRequestParams::new("ping")))
                    .await??;
            assert_eq!(
                result.structured_content,
                Some(serde_json::json!({"pong": true}))
            );

            client.cancel().await?;
            // The server ends cleanly once its peer is gone.
            tokio::time::timeout(limit, server).await???;
            Ok(())
        }
    }
}
