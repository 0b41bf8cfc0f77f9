//! The one rmcp `ServerHandler` of the runtime: it serves any generated MCP adapter table.
//!
//! Everything that does not depend on a request — the tool, resource and prompt descriptions,
//! the parsed input schemas, the server info — is built once in [`McpServer::new`] and shared
//! behind an `Arc`, so the per-request clone the HTTP transport makes is one reference count.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::future::Either;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, GetPromptRequestMethod, GetPromptRequestParams,
    GetPromptResponse, Implementation, ListPromptsRequestMethod, ListPromptsResult,
    ListResourceTemplatesRequestMethod, ListResourceTemplatesResult, ListResourcesRequestMethod,
    ListResourcesResult, ListToolsResult, PaginatedRequestParams, Prompt, PromptsCapability,
    ReadResourceRequestMethod, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult,
    Resource, ResourceTemplate, ResourcesCapability, ServerCapabilities, ServerConfig, Tool,
    ToolsCapability,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};

use super::{prompts, resources, results, tools};
use crate::access::{self, AccessRecord};
use crate::interp::inputs::check_all;
use crate::invoke::invoke;
use crate::runtime::Runtime;
use crate::spec::{
    Auth, McpAdapterSpec, McpCacheScope, McpResourceContent, McpTransport, list, text,
};

/// `result` with the adapter's `ttlMs` and `cacheScope`, where the spec sets them (the list and
/// read results share the two fields but no trait). rmcp fills what stays unset for clients of
/// the 2026-07-28 protocol.
macro_rules! cache_hints {
    ($result:expr, $adapter:expr) => {{
        let mut result = $result;
        let adapter: &McpAdapterSpec = $adapter;
        if let Some(ttl_ms) = adapter.ttl_ms {
            result.ttl_ms = Some(ttl_ms);
        }
        if let Some(scope) = adapter.cache_scope {
            result.cache_scope = Some(match scope {
                McpCacheScope::Public => rmcp::model::CacheScope::Public,
                McpCacheScope::Private => rmcp::model::CacheScope::Private,
            });
        }
        result
    }};
}

/// Serves one MCP adapter of a capability. Cheap to clone.
#[derive(Clone)]
pub(crate) struct McpServer {
    served: Arc<Served>,
}

struct Served {
    rt: Runtime,
    adapter: &'static McpAdapterSpec,
    /// Same order as `adapter.tools`.
    tools: Vec<Tool>,
    tool_by_name: HashMap<&'static str, usize>,
    /// Fixed resources (`resources/list`).
    resources: Vec<Resource>,
    /// Resources whose URI is a template (`resources/templates/list`).
    resource_templates: Vec<ResourceTemplate>,
    prompts: Vec<Prompt>,
    info: ServerConfig,
}

/// Served in place of an adapter index that does not exist, so that a wrong index is a logged
/// error and an empty server rather than a panic.
static NO_ADAPTER: McpAdapterSpec = McpAdapterSpec {
    namespace: text("missing-adapter"),
    env_prefix: text("MISSING_ADAPTER"),
    default_addr: text("127.0.0.1:0"),
    transport: McpTransport::Http,
    ttl_ms: None,
    cache_scope: None,
    description: text(""),
    tools: list(&[]),
    resources: list(&[]),
    prompts: list(&[]),
    auth: Auth::None,
};

impl McpServer {
    pub(crate) fn new(rt: Runtime, adapter: usize) -> McpServer {
        let adapter = adapter_spec(&rt, adapter);
        let tools = adapter.tools.iter().map(tools::describe).collect();
        let tool_by_name = adapter
            .tools
            .iter()
            .enumerate()
            .map(|(at, tool)| (&*tool.name, at))
            .collect();
        let resources = adapter
            .resources
            .iter()
            .filter_map(resources::describe)
            .collect();
        let resource_templates = adapter
            .resources
            .iter()
            .filter_map(resources::describe_template)
            .collect();
        let prompts = adapter.prompts.iter().map(prompts::describe).collect();
        let info = server_info(&rt.spec().name, adapter);
        McpServer {
            served: Arc::new(Served {
                rt,
                adapter,
                tools,
                tool_by_name,
                resources,
                resource_templates,
                prompts,
                info,
            }),
        }
    }

    pub(crate) fn adapter(&self) -> &'static McpAdapterSpec {
        self.served.adapter
    }

    /// Answers one `tools/call`, for rmcp's `call_tool` and for the stateless calls the HTTP
    /// transport answers itself. Ends early, as cancelled, when `cancelled` completes; a call
    /// dropped before its end is recorded as cancelled too.
    pub(crate) async fn run_tool(
        &self,
        request: CallToolRequestParams,
        caller: Caller<'_>,
        cancelled: impl Future<Output = ()>,
    ) -> Result<CallToolResponse, McpError> {
        let served = &self.served;
        let tool = served
            .tool_by_name
            .get(request.name.as_ref())
            .and_then(|at| served.adapter.tools.get(*at))
            .ok_or_else(|| {
                McpError::invalid_params(format!("unknown tool `{}`", request.name), None)
            })?;
        if let Some(record) = &caller.record {
            record.note_tool(&tool.name);
        }
        // The caller's trace context: `_meta` (SEP-414), else the HTTP request's headers.
        let mut traced = TracedCall {
            call: crate::telemetry::tool_call(
                &tool.name,
                caller.headers,
                caller.traceparent,
                caller.tracestate,
            ),
            tool: &tool.name,
        };
        // Checked before anything goes upstream: a bad call never reaches the API.
        let inputs = match check_all(&tool.inputs, request.arguments.unwrap_or_default(), false) {
            Ok(inputs) => inputs,
            Err(error) => {
                tracing::debug!(tool = &*tool.name, %error, "tool arguments refused");
                traced.done(Some("invalid_arguments"));
                return Ok(results::tool_failure(&error).into());
            }
        };
        // A tool whose hints say idempotent may have its upstream calls retried whatever their
        // method (`<PREFIX>_RETRIES`).
        let invoked = crate::upstream::idempotent_scope(
            tool.annotations.idempotent,
            invoke(&served.rt, &tool.handler, &inputs),
        );
        // `Either`, not an `async` block per wrapper: each block would hold the whole call in
        // its state again, and the call's future is moved whole wherever it goes.
        let invoked = match caller.record {
            // Made current for the upstream calls, which note their part in it.
            Some(record) => Either::Left(access::scope(record, invoked)),
            None => Either::Right(invoked),
        };
        let invoked = match traced.call.as_ref() {
            Some(span) => Either::Left(span.within(invoked)),
            None => Either::Right(invoked),
        };
        // On the heap: what stays in this function's state, and is moved with it, is a pointer.
        let invoked = Box::pin(invoked);
        let outcome = tokio::select! {
            outcome = invoked => outcome,
            // The client gave up (cancel notification or closed connection): stop waiting on
            // the upstream instead of finishing a call nobody reads.
            () = cancelled => {
                return Err(McpError::internal_error("the request was cancelled", None));
            }
        };
        let result = match outcome {
            Ok(outcome) => results::tool_success(outcome),
            Err(error) => {
                tracing::info!(tool = &*tool.name, %error, "tool call failed");
                results::tool_failure(&error)
            }
        };
        traced.done((result.is_error == Some(true)).then_some("tool_error"));
        Ok(result.into())
    }
}

/// What a tool call knows of its caller besides the arguments.
pub(crate) struct Caller<'a> {
    /// The HTTP request's headers (none over stdio).
    pub(crate) headers: Option<&'a http::HeaderMap>,
    /// The server's access record of the HTTP request.
    pub(crate) record: Option<Arc<AccessRecord>>,
    /// The trace context the request's `_meta` carries.
    pub(crate) traceparent: Option<&'a str>,
    pub(crate) tracestate: Option<&'a str>,
}

/// The telemetry of one tool call; one that ends without [`TracedCall::done`] (cancelled, or
/// its future dropped with the connection) is recorded as cancelled.
struct TracedCall<'a> {
    call: Option<crate::telemetry::ServerCall>,
    tool: &'a str,
}

impl TracedCall<'_> {
    fn done(&mut self, error: Option<&'static str>) {
        crate::telemetry::tool_call_done(self.call.take(), self.tool, error);
    }
}

impl Drop for TracedCall<'_> {
    fn drop(&mut self) {
        if self.call.is_some() {
            self.done(Some("cancelled"));
        }
    }
}

/// The adapter at `index`, or an empty one (logged) when the index is out of range.
pub(crate) fn adapter_spec(rt: &Runtime, index: usize) -> &'static McpAdapterSpec {
    let spec = rt.spec();
    match spec.mcp.get(index) {
        Some(adapter) => adapter,
        None => {
            tracing::error!(
                index,
                adapters = spec.mcp.len(),
                capability = &*spec.name,
                "no MCP adapter at this index; serving an empty MCP server"
            );
            &NO_ADAPTER
        }
    }
}

fn server_info(capability_name: &str, adapter: &'static McpAdapterSpec) -> ServerConfig {
    let mut capabilities = ServerCapabilities::default();
    capabilities.tools = Some(ToolsCapability::default());
    if !adapter.resources.is_empty() {
        capabilities.resources = Some(ResourcesCapability::default());
    }
    if !adapter.prompts.is_empty() {
        capabilities.prompts = Some(PromptsCapability::default());
    }
    let mut implementation = Implementation::new(&*adapter.namespace, env!("CARGO_PKG_VERSION"));
    if !capability_name.is_empty() && capability_name != adapter.namespace {
        implementation = implementation.with_title(capability_name);
    }
    let info = ServerConfig::new(capabilities).with_server_info(implementation);
    if adapter.description.is_empty() {
        info
    } else {
        info.with_instructions(&*adapter.description)
    }
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        self.served.info.clone()
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let at = *self.served.tool_by_name.get(name)?;
        self.served.tools.get(at).cloned()
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let result = ListToolsResult::with_all_items(self.served.tools.clone());
        Ok(cache_hints!(result, self.served.adapter))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        // rmcp runs this in a task of its own: the HTTP request's parts come along in the
        // context's extensions.
        let parts = context.extensions.get::<http::request::Parts>();
        let caller = Caller {
            headers: parts.map(|parts| &parts.headers),
            record: parts
                .and_then(|parts| parts.extensions.get::<Arc<AccessRecord>>())
                .cloned(),
            traceparent: context.meta.get_traceparent(),
            tracestate: context.meta.get_tracestate(),
        };
        self.run_tool(request, caller, context.ct.cancelled()).await
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        if self.served.adapter.resources.is_empty() {
            return Err(McpError::method_not_found::<ListResourcesRequestMethod>());
        }
        let result = ListResourcesResult::with_all_items(self.served.resources.clone());
        Ok(cache_hints!(result, self.served.adapter))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        let adapter = self.served.adapter;
        if adapter.resources.is_empty() {
            return Err(McpError::method_not_found::<ReadResourceRequestMethod>());
        }
        let (resource, inputs) = resources::find(&adapter.resources, &request.uri)?;
        let contents = match &resource.content {
            McpResourceContent::Static(text) => resources::embedded(resource, text),
            McpResourceContent::Dynamic(handler) => {
                let outcome = tokio::select! {
                    outcome = invoke(&self.served.rt, handler, &inputs) => outcome,
                    () = context.ct.cancelled() => {
                        return Err(McpError::internal_error("the request was cancelled", None));
                    }
                };
                let outcome = outcome.map_err(|error| {
                    tracing::info!(resource = &*resource.uri, %error, "resource read failed");
                    McpError::internal_error(
                        format!("reading `{}` failed: {error}", request.uri),
                        None,
                    )
                })?;
                if outcome.status.is_client_error() || outcome.status.is_server_error() {
                    return Err(McpError::internal_error(
                        format!(
                            "reading `{}` failed: upstream answered {}",
                            request.uri, outcome.status
                        ),
                        None,
                    ));
                }
                results::resource_contents(&request.uri, resource, outcome)
            }
        };
        let result = ReadResourceResult::new(vec![contents]);
        Ok(cache_hints!(result, adapter).into())
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        if self.served.adapter.resources.is_empty() {
            return Err(McpError::method_not_found::<
                ListResourceTemplatesRequestMethod,
            >());
        }
        let result =
            ListResourceTemplatesResult::with_all_items(self.served.resource_templates.clone());
        Ok(cache_hints!(result, self.served.adapter))
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        if self.served.adapter.prompts.is_empty() {
            return Err(McpError::method_not_found::<ListPromptsRequestMethod>());
        }
        let result = ListPromptsResult::with_all_items(self.served.prompts.clone());
        Ok(cache_hints!(result, self.served.adapter))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        let adapter = self.served.adapter;
        if adapter.prompts.is_empty() {
            return Err(McpError::method_not_found::<GetPromptRequestMethod>());
        }
        let prompt = adapter
            .prompts
            .iter()
            .find(|prompt| prompt.name == request.name)
            .ok_or_else(|| {
                McpError::invalid_params(format!("unknown prompt `{}`", request.name), None)
            })?;
        prompts::render(prompt, &request.arguments.unwrap_or_default()).map(Into::into)
    }
}
