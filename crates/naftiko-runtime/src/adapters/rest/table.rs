//! Checking a REST adapter's route table before axum sees it.
//!
//! axum's `Router::route` and `MethodRouter::on` panic on a bad path, on two placeholders with
//! different names at one segment (`/runs/{id}` next to `/runs/{runId}/cancel`) and on a method
//! registered twice for one path. Real specs contain all three, and a spec mistake must never
//! take the process down at start-up, so the table is checked here first, and only a table that
//! passes is handed to axum. The check is deliberately stricter than axum's router: a path
//! segment axum sees is either literal text or exactly one `{name}` placeholder, never a
//! catch-all. Everything the code generator emits fits that shape.
//!
//! A placeholder with literal text around it in one segment (Google's `{name}:cancel`,
//! Facebook's `act_{id}`) is routed as the whole segment, since axum matches whole segments
//! only: `/v1/{name}:cancel` is served at `/v1/{name}`, and the route's [`Affix`] says which text
//! a request's segment must start and end with. Routes of one method whose paths differ only in
//! such text share the router path; the handler picks the one whose text the request carries.

use std::collections::{BTreeMap, HashMap};

use axum::routing::MethodFilter;
use http::Method;

use crate::spec::RestRoute;

/// The routes that share one router path, in table order.
pub(crate) struct PathGroup {
    /// The path axum routes: every placeholder a whole segment.
    pub path: String,
    pub routes: Vec<GroupedRoute>,
}

/// Literal text a route's path puts around a placeholder in one segment: the router captures
/// the whole segment under `param`, the request matches when it starts with `before` and ends
/// with `after` around a non-empty value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Affix {
    pub param: &'static str,
    pub before: &'static str,
    pub after: &'static str,
}

impl Affix {
    /// The placeholder's value inside a captured segment, or `None` when the segment does not
    /// carry this route's text.
    pub fn strip<'v>(&self, segment: &'v str) -> Option<&'v str> {
        let value = segment
            .strip_prefix(self.before)?
            .strip_suffix(self.after)?;
        (!value.is_empty()).then_some(value)
    }

    /// Whether some segment could match both: each text starts (ends) the other's.
    fn overlaps(&self, other: &Affix) -> bool {
        (self.before.starts_with(other.before) || other.before.starts_with(self.before))
            && (self.after.ends_with(other.after) || other.after.ends_with(self.after))
    }

    /// Whether every segment this matches, `other` matches too (this is the narrower).
    fn within(&self, other: &Affix) -> bool {
        self.before.starts_with(other.before) && self.after.ends_with(other.after)
    }
}

/// One route of a [`PathGroup`].
pub(crate) struct GroupedRoute {
    pub method: Method,
    pub filter: MethodFilter,
    /// The route's position in its adapter's table (its metrics are kept under it).
    pub index: usize,
    pub route: &'static RestRoute,
    /// Text around placeholders inside segments, by position; empty for most routes.
    pub affixes: Vec<Affix>,
}

impl PathGroup {
    /// The `Allow` header value for this path (`HEAD` rides along with `GET`, as axum serves it).
    pub fn allow(&self) -> String {
        let mut methods: Vec<&str> = Vec::with_capacity(self.routes.len() + 1);
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

    /// The routes of each method, methods in table order: axum takes one handler per method.
    pub fn by_method(&self) -> Vec<(MethodFilter, Vec<&GroupedRoute>)> {
        let mut out: Vec<(MethodFilter, Vec<&GroupedRoute>)> = Vec::new();
        for grouped in &self.routes {
            match out
                .iter_mut()
                .find(|(_, routes)| routes.iter().any(|r| r.method == grouped.method))
            {
                Some((_, routes)) => routes.push(grouped),
                None => out.push((grouped.filter, vec![grouped])),
            }
        }
        out
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
    let mut group_of_path: HashMap<String, usize> = HashMap::new();
    for (route_index, route) in routes.iter().enumerate() {
        let method = parse_method(route)?;
        let filter = MethodFilter::try_from(method.clone()).map_err(|_| {
            format!(
                "route `{}` uses method `{}`, which the REST server cannot route",
                route.name, route.method
            )
        })?;
        let (router_path, affixes) = router_path(&route.path)?;
        let index = *group_of_path.entry(router_path.clone()).or_insert_with(|| {
            groups.push(PathGroup {
                path: router_path,
                routes: Vec::new(),
            });
            groups.len() - 1
        });
        let Some(group) = groups.get_mut(index) else {
            return Err(format!("internal error grouping route `{}`", route.name));
        };
        for earlier in group
            .routes
            .iter()
            .filter(|grouped| grouped.method == method)
        {
            if earlier.affixes == affixes {
                return Err(format!(
                    "routes `{}` and `{}` both serve {} {}",
                    earlier.route.name, route.name, method, route.path
                ));
            }
            if ambiguous(&earlier.affixes, &affixes) {
                return Err(format!(
                    "routes `{}` ({}) and `{}` ({}) can both match one {method} request, and neither is the narrower",
                    earlier.route.name, earlier.route.path, route.name, route.path
                ));
            }
        }
        group.routes.push(GroupedRoute {
            method,
            filter,
            index: route_index,
            route,
            affixes,
        });
    }
    let mut paths: Vec<&str> = groups.iter().map(|group| group.path.as_str()).collect();
    paths.extend(
        extra_paths
            .iter()
            .copied()
            .filter(|extra| !group_of_path.contains_key(*extra)),
    );
    check_paths(&paths)?;
    Ok(groups)
}

/// Two routes of one method at one router path that some request matches both ways, with
/// neither the narrower at every placeholder: nothing says which one it is for.
fn ambiguous(a: &[Affix], b: &[Affix]) -> bool {
    let blank = |param| Affix {
        param,
        before: "",
        after: "",
    };
    let at = |affixes: &[Affix], param: &'static str| {
        affixes
            .iter()
            .find(|affix| affix.param == param)
            .copied()
            .unwrap_or(blank(param))
    };
    let params = a.iter().chain(b).map(|affix| affix.param);
    let pairs: Vec<(Affix, Affix)> = params.map(|param| (at(a, param), at(b, param))).collect();
    pairs.iter().all(|(x, y)| x.overlaps(y))
        && !pairs.iter().all(|(x, y)| x.within(y))
        && !pairs.iter().all(|(x, y)| y.within(x))
}

/// The path axum routes for `path` (text around a placeholder dropped) and that text, per
/// placeholder that has some.
fn router_path(path: &'static str) -> Result<(String, Vec<Affix>), String> {
    let mut out = String::with_capacity(path.len());
    let mut affixes = Vec::new();
    for segment in path.split('/').skip(1) {
        out.push('/');
        match split_segment(segment) {
            Some((before, name, after)) if !(before.is_empty() && after.is_empty()) => {
                out.push('{');
                out.push_str(name);
                out.push('}');
                affixes.push(Affix {
                    param: name,
                    before,
                    after,
                });
            }
            _ => out.push_str(segment),
        }
    }
    if !path.starts_with('/') {
        // Left as written: the path check names the problem.
        return Ok((path.to_owned(), affixes));
    }
    Ok((out, affixes))
}

/// `before{name}after` → its three parts, when the segment holds exactly one placeholder.
fn split_segment(segment: &str) -> Option<(&str, &str, &str)> {
    let (before, rest) = segment.split_once('{')?;
    let (name, after) = rest.split_once('}')?;
    let plain = |text: &str| !text.contains(['{', '}']);
    (plain(before) && plain(name) && plain(after)).then_some((before, name, after))
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
                "path `{path}` has segment `{segment}`, which holds an unclosed placeholder or more than one"
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
            output_schema: None,
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
        let paths: Vec<&str> = groups.iter().map(|g| g.path.as_str()).collect();
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
    fn text_around_a_placeholder_is_routed_as_the_whole_segment() -> Result<(), String> {
        static GOOGLE: &[RestRoute] = &[
            route("GET", "/v2/{name}", "get"),
            route("POST", "/v2/{name}:end", "end"),
            route("POST", "/v2/{name}:start", "start"),
            route("GET", "/act_{id}/ads", "ads"),
        ];
        let groups = group_routes(GOOGLE, &[])?;
        let paths: Vec<&str> = groups.iter().map(|g| g.path.as_str()).collect();
        assert_eq!(paths, ["/v2/{name}", "/{id}/ads"]);
        assert_eq!(groups[0].routes.len(), 3);
        assert_eq!(groups[0].allow(), "GET,HEAD,POST");
        let end = &groups[0].routes[1].affixes[0];
        assert_eq!(end.strip("spaces/1:end"), Some("spaces/1"));
        assert_eq!(end.strip("spaces/1:start"), None);
        assert_eq!(end.strip(":end"), None);
        let act = &groups[1].routes[0].affixes[0];
        assert_eq!((act.param, act.before, act.after), ("id", "act_", ""));
        assert_eq!(act.strip("act_42"), Some("42"));
        assert_eq!(act.strip("42"), None);
        Ok(())
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
        static TWO_IN_ONE: &[RestRoute] = &[route("GET", "/runs/{a}-{b}", "a")];
        assert!(error_of(TWO_IN_ONE).contains("cannot route"));
        static CROSSING: &[RestRoute] = &[
            route("GET", "/acts/act_{id}", "a"),
            route("GET", "/acts/{id}.json", "b"),
        ];
        assert!(error_of(CROSSING).contains("neither is the narrower"));
        static SAME_TEXT: &[RestRoute] = &[
            route("POST", "/b/{id}:cancel", "a"),
            route("POST", "/b/{id}:cancel", "b"),
        ];
        assert!(error_of(SAME_TEXT).contains("both serve POST"));
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
                route("GET", "/v1/{name}", "a"),
                route("POST", "/v1/{name}:cancel", "b"),
                route("POST", "/v1/{name}:undelete", "c"),
                route("GET", "/v1/act_{name}/ads", "d"),
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
                    for (filter, _) in group.by_method() {
                        methods = methods.on(filter, || async { "ok" });
                    }
                    router = router.route(&group.path, methods);
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
