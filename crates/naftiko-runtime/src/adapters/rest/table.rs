//! Checking a REST adapter's route table before axum sees it.
//!
//! axum's `Router::route` and `MethodRouter::on` panic on a bad path, on two placeholders with
//! different names at one segment (`/runs/{id}` next to `/runs/{runId}/cancel`) and on a method
//! registered twice for one path. Real specs contain all three, and a spec mistake must never
//! take the process down at start-up, so the table is checked here first, and only a table that
//! passes is handed to axum. The check is deliberately stricter than axum's router: a path
//! segment is either literal text or exactly one `{name}` placeholder, never a mix, never a
//! catch-all. Everything the code generator emits fits that shape.

use std::collections::{BTreeMap, HashMap};

use axum::routing::MethodFilter;
use http::Method;

use crate::spec::RestRoute;

/// The routes that share one path, in table order.
pub(crate) struct PathGroup {
    pub path: &'static str,
    pub routes: Vec<GroupedRoute>,
}

/// One route of a [`PathGroup`].
pub(crate) struct GroupedRoute {
    pub method: Method,
    pub filter: MethodFilter,
    /// The route's position in its adapter's table (its metrics are kept under it).
    pub index: usize,
    pub route: &'static RestRoute,
}

impl PathGroup {
    /// The `Allow` header value for this path (`HEAD` rides along with `GET`, as axum serves it).
    pub fn allow(&self) -> String {
        let mut methods: Vec<&str> = Vec::new();
        for GroupedRoute { method, .. } in self.routes.iter() {
            methods.push(method.as_str());
            if method == Method::GET {
                methods.push("HEAD");
            }
        }
        let mut seen = Vec::new();
        methods.retain(|method| {
            let first = !seen.contains(method);
            seen.push(*method);
            first
        });
        methods.join(",")
    }

    pub fn has(&self, method: &Method) -> bool {
        self.routes.iter().any(|grouped| grouped.method == *method)
    }
}

/// Groups `routes` by path, or says why axum would refuse (and panic on) the table.
/// `extra_paths` are paths the adapter adds itself (`/openapi.json`); they take part in the
/// placeholder-name check.
pub(crate) fn group_routes(
    routes: &'static [RestRoute],
    extra_paths: &[&'static str],
) -> Result<Vec<PathGroup>, String> {
    let mut groups: Vec<PathGroup> = Vec::new();
    let mut group_of_path: HashMap<&'static str, usize> = HashMap::new();
    for (route_index, route) in routes.iter().enumerate() {
        let method = parse_method(route)?;
        let filter = MethodFilter::try_from(method.clone()).map_err(|_| {
            format!(
                "route `{}` uses method `{}`, which the REST server cannot route",
                route.name, route.method
            )
        })?;
        let index = *group_of_path.entry(&route.path).or_insert_with(|| {
            groups.push(PathGroup {
                path: &route.path,
                routes: Vec::new(),
            });
            groups.len() - 1
        });
        let Some(group) = groups.get_mut(index) else {
            return Err(format!("internal error grouping route `{}`", route.name));
        };
        if let Some(earlier) = group.routes.iter().find(|grouped| grouped.method == method) {
            return Err(format!(
                "routes `{}` and `{}` both serve {} {}",
                earlier.route.name, route.name, method, route.path
            ));
        }
        group.routes.push(GroupedRoute {
            method,
            filter,
            index: route_index,
            route,
        });
    }
    let mut paths: Vec<&'static str> = groups.iter().map(|group| group.path).collect();
    paths.extend(
        extra_paths
            .iter()
            .copied()
            .filter(|extra| !group_of_path.contains_key(extra)),
    );
    check_paths(&paths)?;
    Ok(groups)
}

fn parse_method(route: &RestRoute) -> Result<Method, String> {
    let upper = route.method.to_ascii_uppercase();
    Method::from_bytes(upper.as_bytes()).map_err(|_| {
        format!(
            "route `{}` has an invalid method `{}`",
            route.name, route.method
        )
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment<'a> {
    Literal(&'a str),
    Param(&'a str),
}

fn parse_path(path: &str) -> Result<Vec<Segment<'_>>, String> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!("path `{path}` does not start with `/`"));
    };
    let mut seen_params: Vec<&str> = Vec::new();
    let mut segments = Vec::new();
    for segment in rest.split('/') {
        if let Some(name) = segment
            .strip_prefix('{')
            .and_then(|inner| inner.strip_suffix('}'))
        {
            let name_ok = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !name_ok {
                return Err(format!(
                    "path `{path}` has a placeholder `{segment}` the REST server cannot route"
                ));
            }
            if seen_params.contains(&name) {
                return Err(format!("path `{path}` uses placeholder `{{{name}}}` twice"));
            }
            seen_params.push(name);
            segments.push(Segment::Param(name));
        } else if segment.contains(['{', '}']) {
            return Err(format!(
                "path `{path}` has segment `{segment}`: a placeholder must be a whole path segment"
            ));
        } else if segment.starts_with([':', '*']) {
            // axum reads these as the old (0.7) capture syntax and refuses them.
            return Err(format!(
                "path `{path}` has segment `{segment}`, which axum does not accept"
            ));
        } else {
            segments.push(Segment::Literal(segment));
        }
    }
    Ok(segments)
}

/// Every placeholder at one position of the routing tree must have one name: the router keeps
/// a single parameter child per node.
fn check_paths(paths: &[&str]) -> Result<(), String> {
    // Key: the segments before the placeholder, with placeholders blanked out.
    let mut placeholder_at: BTreeMap<Vec<Option<&str>>, (&str, &str)> = BTreeMap::new();
    for path in paths {
        let segments = parse_path(path)?;
        let mut prefix: Vec<Option<&str>> = Vec::new();
        for segment in segments {
            match segment {
                Segment::Literal(text) => prefix.push(Some(text)),
                Segment::Param(name) => {
                    match placeholder_at.get(&prefix) {
                        Some((other_name, other_path)) if *other_name != name => {
                            return Err(format!(
                                "paths `{other_path}` and `{path}` name the same placeholder differently \
                                 (`{{{other_name}}}` and `{{{name}}}`)"
                            ));
                        }
                        Some(_) => {}
                        None => {
                            placeholder_at.insert(prefix.clone(), (name, path));
                        }
                    }
                    prefix.push(None);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Handler, RestRoute};
    use crate::spec::{list, text};

    const fn route(method: &'static str, path: &'static str, name: &'static str) -> RestRoute {
        RestRoute {
            method: text(method),
            path: text(path),
            name: text(name),
            description: text(""),
            inputs: list(&[]),
            handler: Handler::Static {
                body: text("{}"),
                content_type: text("application/json"),
            },
        }
    }

    static GOOD: &[RestRoute] = &[
        route("GET", "/runs/{id}", "get"),
        route("DELETE", "/runs/{id}", "delete"),
        route("POST", "/runs/{id}/cancel", "cancel"),
        route("GET", "/runs/new", "new"),
        route("GET", "/runs", "list"),
        route("GET", "/", "root"),
        route("post", "/runs", "create"),
    ];

    #[test]
    fn groups_methods_by_path() -> Result<(), String> {
        let groups = group_routes(GOOD, &["/openapi.json"])?;
        let paths: Vec<&str> = groups.iter().map(|g| g.path).collect();
        assert_eq!(
            paths,
            ["/runs/{id}", "/runs/{id}/cancel", "/runs/new", "/runs", "/"]
        );
        assert_eq!(groups[0].allow(), "GET,HEAD,DELETE");
        assert_eq!(groups[3].allow(), "GET,HEAD,POST");
        Ok(())
    }

    fn error_of(routes: &'static [RestRoute]) -> String {
        group_routes(routes, &[]).err().unwrap_or_default()
    }

    #[test]
    fn rejects_what_axum_would_panic_on() {
        static CONFLICT: &[RestRoute] = &[
            route("GET", "/runs/{id}", "a"),
            route("GET", "/runs/{runId}/jobs", "b"),
        ];
        assert!(error_of(CONFLICT).contains("name the same placeholder differently"));
        static DUPLICATE: &[RestRoute] = &[route("GET", "/runs", "a"), route("GET", "/runs", "b")];
        assert!(error_of(DUPLICATE).contains("both serve GET /runs"));
        static NO_SLASH: &[RestRoute] = &[route("GET", "runs", "a")];
        assert!(error_of(NO_SLASH).contains("does not start with `/`"));
        static MIXED: &[RestRoute] = &[route("GET", "/runs/{id}.json", "a")];
        assert!(error_of(MIXED).contains("whole path segment"));
        static OLD_SYNTAX: &[RestRoute] = &[route("GET", "/runs/:id", "a")];
        assert!(!error_of(OLD_SYNTAX).is_empty());
        static CATCH_ALL: &[RestRoute] = &[route("GET", "/files/{*rest}", "a")];
        assert!(!error_of(CATCH_ALL).is_empty());
        static TWICE: &[RestRoute] = &[route("GET", "/a/{x}/b/{x}", "a")];
        assert!(error_of(TWICE).contains("twice"));
        static EMPTY: &[RestRoute] = &[route("GET", "/a/{}", "a")];
        assert!(!error_of(EMPTY).is_empty());
        static BAD_METHOD: &[RestRoute] = &[route("GE T", "/a", "a")];
        assert!(error_of(BAD_METHOD).contains("invalid method"));
        static CUSTOM_METHOD: &[RestRoute] = &[route("PURGE", "/a", "a")];
        assert!(error_of(CUSTOM_METHOD).contains("cannot route"));
    }

    /// Whatever the check accepts, axum must accept without panicking.
    #[test]
    fn accepted_tables_never_make_axum_panic() -> Result<(), String> {
        static TABLES: &[&[RestRoute]] = &[
            GOOD,
            &[
                route("GET", "/{id}", "a"),
                route("GET", "/openapi.json", "b"),
                route("GET", "/{id}/x", "c"),
            ],
            &[
                route("GET", "/a/", "a"),
                route("GET", "/a/{x}", "b"),
                route("GET", "/a", "c"),
            ],
            &[
                route("GET", "/a//b", "a"),
                route("GET", "/a/{x}/{y}", "b"),
                route("PUT", "/a/b/{y}", "c"),
            ],
            &[
                route("GET", "/v1/v1/runs/{runid}", "a"),
                route("POST", "/v1/v1/runs/{runid}/cancel", "b"),
            ],
            &[
                route("HEAD", "/h", "a"),
                route("GET", "/h", "b"),
                route("OPTIONS", "/h", "c"),
            ],
        ];
        for table in TABLES {
            let groups = group_routes(table, &["/openapi.json"])?;
            let built = std::panic::catch_unwind(|| {
                let mut router = axum::Router::<()>::new();
                for group in &groups {
                    let mut methods = axum::routing::MethodRouter::new();
                    for GroupedRoute { filter, .. } in group.routes.iter() {
                        methods = methods.on(*filter, || async { "ok" });
                    }
                    router = router.route(group.path, methods);
                }
                if !groups.iter().any(|g| g.path == "/openapi.json") {
                    router = router.route("/openapi.json", axum::routing::get(|| async { "{}" }));
                }
                router
            });
            assert!(built.is_ok(), "axum panicked on {table:?}");
        }
        Ok(())
    }
}
