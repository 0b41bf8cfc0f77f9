//! A capability's REST and MCP adapters as one axum `Router`, for a program that serves HTTP
//! itself ([`router`]).
//!
//! Each adapter keeps the router it has on its own listener (its 404 and 405 answers, its
//! authentication, its body limits), mounted at exactly the paths it routes: the merged router
//! has no fallback of its own, so merging it into an application leaves that application's
//! fallback in charge of every other path, and no layer of ours (an MCP adapter's credential
//! check, say) reaches the application's routes.

use std::sync::Arc;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use tower::ServiceExt as _;

use crate::error::Error;
use crate::runtime::Runtime;

/// Every REST adapter of `rt`'s capability and every MCP adapter it serves over HTTP, each at
/// its paths (a REST adapter's routes, its `/openapi.json` and its forwards' prefixes; an MCP
/// adapter's `/mcp`), as one router to merge into an application's own.
///
/// What an adapter owns per listener when [`crate::Server`] serves it does not carry over: its
/// `<PREFIX>_ADDR` is not read (the application's listener is the only one), and connection
/// handling (deadlines, the connection cap, the request-head cap, access lines, graceful
/// shutdown) is the application's server's to provide. An MCP adapter over stdio and the
/// control adapters are left out: the one is not HTTP, the others report on listeners that do
/// not exist here.
///
/// Fails with [`Error::Serve`] when two adapters route overlapping paths (two REST adapters
/// both routing `/runs/{id}`, or two MCP adapters both at `/mcp`), naming both, since axum
/// would panic on the merge; and as the adapters' own routers fail (a setting or credential
/// that cannot be used).
pub fn router(rt: Runtime) -> Result<Router, Error> {
    let spec = rt.spec();
    let mut mounted = Mounted::default();
    #[cfg(feature = "rest")]
    for (index, adapter) in spec.rest.iter().enumerate() {
        let (router, paths) = crate::adapters::rest::router_and_paths(rt.clone(), index)?;
        mounted.mount(
            format!("REST adapter `{}`", &*adapter.namespace),
            router,
            paths,
        )?;
    }
    #[cfg(feature = "mcp")]
    for (index, adapter) in spec.mcp.iter().enumerate() {
        if adapter.transport == crate::spec::McpTransport::Stdio {
            continue;
        }
        let router = crate::adapters::mcp::router(rt.clone(), index);
        let paths = vec![crate::adapters::mcp::MCP_PATH.to_owned()];
        mounted.mount(
            format!("MCP adapter `{}`", &*adapter.namespace),
            router,
            paths,
        )?;
    }
    #[cfg(not(feature = "rest"))]
    if let Some(adapter) = spec.rest.first() {
        return Err(left_out("REST", &adapter.namespace, "rest"));
    }
    #[cfg(not(feature = "mcp"))]
    if let Some(adapter) = spec.mcp.first() {
        return Err(left_out("MCP", &adapter.namespace, "mcp"));
    }
    Ok(mounted.router)
}

#[cfg(not(all(feature = "rest", feature = "mcp")))]
fn left_out(kind: &str, namespace: &str, feature: &str) -> Error {
    Error::Serve(format!(
        "{kind} adapter `{namespace}` cannot be routed: this program was built without the \
         `{feature}` feature of naftiko"
    ))
}

/// The merged router so far, and which adapter owns each path template in it.
#[derive(Default)]
struct Mounted {
    router: Router,
    /// The path templates as axum's own path matcher holds them, so that an overlap axum
    /// would panic on is found first.
    matcher: matchit::Router<()>,
    owners: Vec<(String, Arc<str>)>,
}

impl Mounted {
    fn mount(&mut self, label: String, router: Router, paths: Vec<String>) -> Result<(), Error> {
        let label: Arc<str> = label.into();
        let mut own: Vec<String> = Vec::with_capacity(paths.len());
        for path in paths {
            if own.contains(&path) {
                continue;
            }
            if let Err(error) = self.matcher.insert(path.as_str(), ()) {
                return Err(self.overlap(&label, &path, &error));
            }
            own.push(path);
        }
        // The adapter's router routes the request again, by the same path; the template the
        // merged router matched is taken off first, or axum would prefix it to the inner one.
        let service = tower::service_fn(move |mut request: Request| {
            request.extensions_mut().remove::<MatchedPath>();
            router.clone().oneshot(request)
        });
        for path in own {
            self.router = std::mem::take(&mut self.router).route_service(&path, service.clone());
            self.owners.push((path, Arc::clone(&label)));
        }
        Ok(())
    }

    /// The error for `path` of adapter `label`, which overlaps a path mounted earlier.
    fn overlap(&self, label: &str, path: &str, error: &matchit::InsertError) -> Error {
        // The path matcher names the route it collides with only approximately; trying each
        // earlier path alone beside `path` finds the one, and its adapter.
        let earlier = self.owners.iter().find(|(earlier, _)| {
            let mut pair = matchit::Router::new();
            pair.insert(earlier.as_str(), ()).is_ok() && pair.insert(path, ()).is_err()
        });
        match earlier {
            Some((earlier, owner)) if earlier == path => Error::Serve(format!(
                "{label} and {owner} both route `{path}`; one router cannot serve both \
                 (`Server` serves each adapter on its own listener)"
            )),
            Some((earlier, owner)) => Error::Serve(format!(
                "{label} routes `{path}`, which overlaps `{earlier}` of {owner}; one router \
                 cannot serve both (`Server` serves each adapter on its own listener)"
            )),
            None => Error::Serve(format!("{label} cannot route `{path}`: {error}")),
        }
    }
}
