//! `forward` resources of REST adapters → path prefixes proxied to a consumed namespace.
//!
//! The spec writes a forward as a resource whose path ends in one placeholder for "the rest of
//! the path" (`/notion/{{path}}`, as the reference engine reads it) or as a bare prefix
//! (`/notion`). Either way the prefix is literal text and everything under it is forwarded.

use super::Resolver;
use super::binding::suggest_help;
use super::provenance::{Site, SiteNotes};
use crate::diag::Severity;
use crate::model::{self, Span};
use crate::names::{self, Match};
use naftiko_spec::{ConsumesId, RestForward, RestRoute};

/// Headers a proxy never passes on (they describe one connection), plus `host`.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
];

impl Resolver<'_> {
    pub(super) fn rest_forward(
        &mut self,
        adapter: &str,
        r: &model::ExposedResource,
        f: &model::Forward,
    ) -> Option<RestForward> {
        let prefix = self.forward_prefix(&r.path);
        let namespace = self.forward_namespace(&f.target_namespace);
        // A forwarded body is the caller's, passed through as it is: there is no field to put
        // the namespace's key into.
        if let Some(index) = namespace
            && let Some(naftiko_spec::Auth::ApiKey {
                name,
                placement: naftiko_spec::ApiKeyPlacement::Body,
                ..
            }) = self.namespaces.get(index).map(|ns| &ns.auth)
        {
            let message = format!(
                "`forward` cannot send the API key `{name}` of namespace `{}`: it is placed in the body, and a forwarded body is the caller's",
                f.target_namespace.value
            );
            self.diag(
                Severity::Error,
                "bad-apikey-placement",
                &f.target_namespace.span,
                message,
            )
            .help("place the namespace's key in a header or the query, or expose its operations as routes");
            return None;
        }
        let mut trusted_headers: Vec<String> = Vec::new();
        for header in &f.trusted_headers {
            let name = header.value.trim().to_ascii_lowercase();
            let is_token = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
            if !is_token {
                self.diag(
                    Severity::Error,
                    "bad-header",
                    &header.span,
                    format!("`{}` is not an HTTP header name", header.value),
                );
            } else if HOP_BY_HOP.contains(&name.as_str()) {
                self.diag(
                    Severity::Warning,
                    "trusted-header-ignored",
                    &header.span,
                    format!(
                        "`{}` describes one connection and is never forwarded",
                        header.value
                    ),
                );
            } else if !trusted_headers.contains(&name) {
                trusted_headers.push(name);
            }
        }
        let name = r
            .name
            .as_ref()
            .map_or_else(|| format!("forward {}", r.path.value), |n| n.value.clone());
        let forward = RestForward {
            prefix: prefix?.into(),
            consumes: ConsumesId(u32::try_from(namespace?).ok()?),
            trusted_headers: trusted_headers
                .into_iter()
                .map(Into::into)
                .collect::<Vec<_>>()
                .into(),
            description: r.description.clone().unwrap_or_default().into(),
            name: name.clone().into(),
        };
        let notes = SiteNotes {
            spec_path: Some(r.path.value.clone()),
            ..SiteNotes::default()
        };
        let site = Site::Forward {
            adapter: adapter.to_string(),
            name,
        };
        self.provenance.sites.insert(site, notes);
        Some(forward)
    }

    /// `/notion/{{path}}`, `/notion/{path}`, `/notion/` and `/notion` all give `/notion`.
    fn forward_prefix(&mut self, path: &model::Text) -> Option<String> {
        let trimmed = path.value.trim();
        let Some(rest) = trimmed.strip_prefix('/') else {
            self.diag(
                Severity::Error,
                "bad-path",
                &path.span,
                format!("path `{}` must start with `/`", path.value),
            );
            return None;
        };
        let mut segments: Vec<&str> = rest.split('/').collect();
        if segments
            .last()
            .is_some_and(|last| last.is_empty() || (last.starts_with('{') && last.ends_with('}')))
        {
            segments.pop();
        }
        if let Some(bad) = segments
            .iter()
            .find(|s| s.is_empty() || s.contains(['{', '}', '*', '?', '#']))
        {
            self.diag(
                Severity::Error,
                "bad-forward-path",
                &path.span,
                format!(
                    "segment `{bad}` of `{}`: a forward's path is literal text, optionally followed by one placeholder for the rest",
                    path.value
                ),
            )
            .help("write it as `/prefix/{path}` (or `/prefix`)");
            return None;
        }
        Some(segments.iter().map(|s| format!("/{s}")).collect())
    }

    fn forward_namespace(&mut self, target: &model::Text) -> Option<usize> {
        let known = self.namespace_names();
        let written = target.value.as_str();
        let found = match names::find(written, known.iter().map(String::as_str)) {
            Match::Exact(n) => n.to_string(),
            Match::Folded(n) => {
                let n = n.to_string();
                self.diag(
                    Severity::Warning,
                    "case-folded-name",
                    &target.span,
                    format!("namespace `{written}` matched `{n}` ignoring case and separators"),
                )
                .help(format!("write `{n}`"));
                n
            }
            Match::Ambiguous(candidates) => {
                let message = format!(
                    "namespace `{written}` matches {} after folding",
                    candidates.join(" and ")
                );
                self.diag(Severity::Error, "ambiguous-name", &target.span, message);
                return None;
            }
            Match::None => {
                let help = suggest_help(written, &known);
                self.diag(
                    Severity::Error,
                    "unknown-namespace",
                    &target.span,
                    format!("`forward` targets unknown namespace `{written}`"),
                )
                .help(help);
                return None;
            }
        };
        self.namespaces.iter().position(|n| *n.namespace == found)
    }

    /// A forward takes every sub-path of its prefix, so the router cannot also have a route
    /// with a placeholder right after that prefix; two forwards cannot share a prefix.
    pub(super) fn check_forwards(
        &mut self,
        forwards: &[(RestForward, Span, String)],
        routes: &[(usize, Span, String)],
        route_table: &[RestRoute],
    ) {
        for (index, (forward, span, forward_path)) in forwards.iter().enumerate() {
            if let Some((_, _, earlier_path)) = forwards[..index]
                .iter()
                .find(|(other, _, _)| other.prefix == forward.prefix)
            {
                let message = format!(
                    "`{earlier_path}` and `{forward_path}` both forward `{}`",
                    forward.prefix
                );
                self.diag(Severity::Error, "duplicate-route", span, message)
                    .help("keep one of them");
            }
            for (route_index, route_span, route_path) in routes {
                let Some(route) = route_table.get(*route_index) else {
                    continue;
                };
                let placeholder_after = route
                    .path
                    .strip_prefix(forward.prefix.as_ref())
                    .and_then(|rest| rest.strip_prefix('/'))
                    .is_some_and(|rest| rest.starts_with('{'));
                if placeholder_after {
                    let message = format!(
                        "`{} {route_path}` has a placeholder right where `{forward_path}` forwards every sub-path",
                        route.method
                    );
                    self.diag(Severity::Error, "forward-conflict", route_span, message)
                        .help(format!(
                            "give the route a literal segment after `{}`, or move the forward",
                            forward.prefix
                        ));
                }
            }
        }
    }
}
