//! Finding what a spec refers to by name: consumed operations (`ns.op`), aggregate functions
//! (`ref`), with rule 2 (exact, then folded with a warning) and a did-you-mean otherwise.

use super::super::Resolver;
use crate::diag::Severity;
use crate::model::{Span, Text};
use crate::names::{self, Match};
use naftiko_spec::{ConsumesId, OperationId};

impl Resolver<'_> {
    /// `ns.operation` → the operation, with exact-then-folded matching and a did-you-mean.
    pub(in crate::resolve) fn find_operation(&mut self, call: &Text) -> Option<OperationId> {
        // A namespace may itself contain dots (`… CSF 2.0 — Sandbox API`): a known namespace
        // followed by `.` wins over splitting at the first dot.
        let dotted = self
            .namespaces
            .iter()
            .map(|n| n.namespace.as_ref())
            .filter(|n| n.contains('.'))
            .filter_map(|n| Some((n, call.value.strip_prefix(n)?.strip_prefix('.')?)))
            .max_by_key(|(n, _)| n.len())
            .map(|(n, op)| (n.to_string(), op.trim().to_string()));
        let split = dotted.or_else(|| {
            let (n, o) = call.value.split_once('.')?;
            Some((n.trim().to_string(), o.trim().to_string()))
        });
        let (ns_name, op_name) = match split {
            Some(pair) => pair,
            // `namespace/resource/operation` (an OpenAPI-ish spelling some specs use): the first
            // and last parts say it all.
            None if call.value.matches('/').count() >= 1 => {
                let parts: Vec<&str> = call
                    .value
                    .split('/')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect();
                let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
                    return None;
                };
                let (first, last) = (first.to_string(), last.to_string());
                self.diag(
                    Severity::Warning,
                    "dialect-call-path",
                    &call.span,
                    format!("`call: {}` read as `{first}.{last}`", call.value),
                )
                .help(format!("write `call: {first}.{last}`"));
                (first, last)
            }
            None => {
                let known = self.namespace_names().join(", ");
                self.diag(
                    Severity::Error,
                    "bad-call",
                    &call.span,
                    format!("`call: {}` must be `<namespace>.<operation>`", call.value),
                )
                .help(format!("namespaces: {known}"));
                return None;
            }
        };
        let (ns_name, op_name) = (ns_name.as_str(), op_name.as_str());
        let ns_names = self.namespace_names();
        let help = suggest_help(ns_name, &ns_names);
        let unknown = (format!("`call` names unknown namespace `{ns_name}`"), help);
        let ns = self.match_name(
            "namespace",
            ns_name,
            &ns_names,
            &call.span,
            "unknown-namespace",
            unknown,
        )?;
        let ns_index = self.namespaces.iter().position(|n| n.namespace == ns)?;
        let op_names: Vec<String> = self.namespaces[ns_index]
            .operations
            .iter()
            .map(|o| o.name.to_string())
            .collect();
        let help = match crate::normalize::suggest(op_name, op_names.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{ns}.{s}`?"),
            None => format!("`{ns}` has: {}", op_names.join(", ")),
        };
        let unknown = (format!("`{ns}` has no operation `{op_name}`"), help);
        let op = self.match_name(
            "operation",
            op_name,
            &op_names,
            &call.span,
            "unknown-operation",
            unknown,
        )?;
        let op_index = self.namespaces[ns_index]
            .operations
            .iter()
            .position(|o| o.name == op)?;
        self.unambiguous(ns_index, op_index, &call.span)?;
        operation_id(ns_index, op_index)
    }

    /// Two operations of one namespace with the same name but a different method or path (a
    /// spec generated from two API tags often repeats names): a `call` cannot say which it
    /// means, and taking the first would send some routes to the other's path. An error at
    /// the call; exact repeats are the same operation and pass.
    fn unambiguous(&mut self, ns_index: usize, op_index: usize, at: &Span) -> Option<()> {
        let operations = &self.namespaces[ns_index].operations;
        let chosen = &operations[op_index];
        let namesakes: Vec<String> = operations
            .iter()
            .filter(|o| o.name == chosen.name)
            .map(|o| format!("{} {}", o.method, naftiko_spec::path_text(&o.path)))
            .collect();
        if namesakes.iter().all(|shape| *shape == namesakes[0]) {
            return Some(());
        }
        let (ns, op) = (
            self.namespaces[ns_index].namespace.clone(),
            chosen.name.clone(),
        );
        self.diag(
            Severity::Error,
            "ambiguous-operation",
            at,
            format!(
                "`{ns}` has {} operations named `{op}` ({}); `call` cannot say which",
                namesakes.len(),
                namesakes.join(", ")
            ),
        )
        .help("give each operation a name of its own");
        None
    }

    /// The consumed operation an exposed operation or tool without `call` means: the one that
    /// has its name, in any namespace (exactly, else ignoring case and separators — rule 2).
    /// Specs generated from an API often expose each operation under its consumed name and
    /// leave `call` out. No or several candidates: `None`, and the caller reports `no-call`.
    pub(super) fn implied_operation(&mut self, name: &Text) -> Option<OperationId> {
        let candidates: Vec<(OperationId, &str)> = self
            .namespaces
            .iter()
            .enumerate()
            .flat_map(|(namespace, ns)| {
                ns.operations
                    .iter()
                    .enumerate()
                    .map(move |(operation, op)| (operation_id(namespace, operation), &*op.name))
            })
            .filter_map(|(id, name)| Some((id?, name)))
            .collect();
        let exact: Vec<&(OperationId, &str)> = candidates
            .iter()
            .filter(|(_, n)| *n == name.value)
            .collect();
        let hits = if exact.is_empty() {
            let folded = names::fold(&name.value);
            candidates
                .iter()
                .filter(|(_, n)| names::fold(n) == folded)
                .collect()
        } else {
            exact
        };
        let [(op, _)] = hits.as_slice() else {
            return None;
        };
        let op = *op;
        let ns = &self.namespaces[op.consumes.index()];
        let call = format!("{}.{}", ns.namespace, self.op(op).name);
        self.diag(
            Severity::Warning,
            "implied-call",
            &name.span,
            format!(
                "no `call`: `{}` calls `{call}`, the consumed operation of that name",
                name.value
            ),
        )
        .help(format!("write `call: {call}`"));
        Some(op)
    }

    pub(super) fn find_function(&mut self, reference: &Text) -> Option<(usize, usize)> {
        let Some((ns, f)) = reference.value.split_once('.') else {
            self.diag(
                Severity::Error,
                "bad-ref",
                &reference.span,
                format!(
                    "`ref: {}` must be `<aggregate>.<function>`",
                    reference.value
                ),
            );
            return None;
        };
        let agg = self
            .spec
            .aggregates
            .iter()
            .position(|a| a.namespace.value == ns);
        let Some(agg) = agg else {
            let known: Vec<String> = self
                .spec
                .aggregates
                .iter()
                .map(|a| a.namespace.value.clone())
                .collect();
            self.diag(
                Severity::Error,
                "unknown-ref",
                &reference.span,
                format!("`ref` names unknown aggregate `{ns}`"),
            )
            .help(suggest_help(ns, &known));
            return None;
        };
        let funcs: Vec<String> = self.spec.aggregates[agg]
            .functions
            .iter()
            .map(|f| f.name.value.clone())
            .collect();
        match funcs.iter().position(|n| n == f) {
            Some(i) => Some((agg, i)),
            None => {
                self.diag(
                    Severity::Error,
                    "unknown-ref",
                    &reference.span,
                    format!("aggregate `{ns}` has no function `{f}`"),
                )
                .help(suggest_help(f, &funcs));
                None
            }
        }
    }

    /// Rule 2 for a name the spec refers to: exact, else folded (a warning), else an error —
    /// `ambiguous-name` when several fold alike, `unknown_code` with `unknown` (message, help)
    /// when none.
    fn match_name(
        &mut self,
        what: &str,
        written: &str,
        known: &[String],
        span: &Span,
        unknown_code: &'static str,
        unknown: (String, String),
    ) -> Option<String> {
        match names::find(written, known.iter().map(String::as_str)) {
            Match::Exact(n) => Some(n.to_string()),
            Match::Folded(n) => {
                let message =
                    format!("{what} `{written}` matched `{n}` ignoring case and separators");
                self.diag(Severity::Warning, "case-folded-name", span, message)
                    .help(format!("write `{n}`"));
                Some(n.to_string())
            }
            Match::Ambiguous(c) => {
                let message = format!(
                    "{what} `{written}` matches {} after folding",
                    c.join(" and ")
                );
                self.diag(Severity::Error, "ambiguous-name", span, message);
                None
            }
            Match::None => {
                let (message, help) = unknown;
                self.diag(Severity::Error, unknown_code, span, message)
                    .help(help);
                None
            }
        }
    }

    pub(in crate::resolve) fn namespace_names(&self) -> Vec<String> {
        self.namespaces
            .iter()
            .map(|n| n.namespace.to_string())
            .collect()
    }
}

/// The id of operation `operation` of namespace `namespace`; `None` past `u32::MAX`, which
/// no spec reaches.
fn operation_id(namespace: usize, operation: usize) -> Option<OperationId> {
    Some(OperationId {
        consumes: ConsumesId(u32::try_from(namespace).ok()?),
        index: u32::try_from(operation).ok()?,
    })
}

/// "did you mean `x`?" or the list of what exists.
pub fn suggest_help(name: &str, known: &[String]) -> String {
    match crate::normalize::suggest(name, known.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`?"),
        None if known.is_empty() => "nothing of that kind is defined".to_string(),
        None => format!("known: {}", known.join(", ")),
    }
}
