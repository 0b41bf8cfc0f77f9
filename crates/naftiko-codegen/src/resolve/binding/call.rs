//! Binding the inputs of one consumed operation: `with` entries, pass-through by name and
//! inferred caller inputs (rules 1, 2, 4 and 5), and matching caller references.

use super::super::Resolver;
use super::{Exposure, Surface};
use crate::diag::Severity;
use crate::model::{Located, Span, Text};
use crate::names::{self, Match};
use crate::resolve::provenance::{BindingKind, InputOrigin};
use naftiko_spec::{
    Arg, CallerInput, OperationId, OperationInput, ParamLocation, TemplatePart, Value, ValueType,
};

impl Resolver<'_> {
    /// Binds every input of operation `op` (see the module doc), noting how each was bound
    /// under `step` (empty for a single call) in `exp`.
    pub(super) fn bind_call(
        &mut self,
        op: OperationId,
        with: &[(Text, Located<serde_json::Value>)],
        exp: &mut Exposure,
        steps: &[String],
        step: &str,
        call_span: &Span,
    ) -> Vec<Arg> {
        let bound = self.bind_inputs(op, with, exp, steps, call_span);
        bound
            .into_iter()
            .map(|(arg, kind)| {
                exp.notes
                    .bindings
                    .insert((step.to_string(), arg.input.to_string()), kind);
                arg
            })
            .collect()
    }

    fn bind_inputs(
        &mut self,
        op: OperationId,
        with: &[(Text, Located<serde_json::Value>)],
        exp: &mut Exposure,
        steps: &[String],
        call_span: &Span,
    ) -> Vec<(Arg, BindingKind)> {
        let scope = self.exposed_scope(exp, steps);
        let entries: Vec<(Text, Value, Span)> = with
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    self.interpret_at(&v.value, &scope, &v.span),
                    v.span.clone(),
                )
            })
            .collect();
        self.add_undeclared_with_keys(op, &entries);
        let inputs = self.op(op).inputs.clone();
        let mut args = Vec::new();
        for input in inputs.iter().filter(|i| i.fixed.is_none()) {
            let bound = match self.bind_with_entry(input, &entries, exp, call_span) {
                WithEntry::Bound(arg, kind) => Some((arg, kind)),
                WithEntry::Refused => None,
                WithEntry::Absent => match self.pass_through(input, exp, call_span) {
                    Some(bound) => Some(bound),
                    None => self.infer_unsupplied(input, exp, call_span),
                },
            };
            args.extend(bound);
        }
        args
    }

    /// `with` keys naming no declared input: the author meant an extra parameter, so the
    /// operation gains it (in the body or the query, as its method suggests), with a warning.
    fn add_undeclared_with_keys(&mut self, op: OperationId, entries: &[(Text, Value, Span)]) {
        for (key, _, _) in entries {
            let inputs = &self.op(op).inputs;
            if matches!(
                names::find(&key.value, inputs.iter().map(|i| i.name.as_ref())),
                Match::None
            ) {
                let method = self.op(op).method.to_string();
                let location = if matches!(method.as_str(), "POST" | "PUT" | "PATCH") {
                    ParamLocation::Body
                } else {
                    ParamLocation::Query
                };
                let opname = self.op(op).name.to_string();
                self.diag(
                    Severity::Warning,
                    "undeclared-parameter",
                    &key.span,
                    format!(
                        "`{opname}` declares no parameter `{}`; sent as a {} parameter",
                        key.value,
                        location.as_str()
                    ),
                )
                .help(format!(
                    "declare it in the consumed operation's `inputParameters` with `in: {}`",
                    location.as_str()
                ));
                self.op_mut(op).inputs.to_mut().push(OperationInput {
                    name: key.value.clone().into(),
                    wire_name: key.value.clone().into(),
                    location: Some(location),
                    ty: ValueType::Any,
                    required: false,
                    fixed: None,
                    description: "".into(),
                });
            }
        }
    }

    /// Rules 1 and 2: the `with` entry whose key names `input`, exactly or folded, its caller
    /// references bound.
    fn bind_with_entry(
        &mut self,
        input: &OperationInput,
        entries: &[(Text, Value, Span)],
        exp: &mut Exposure,
        call_span: &Span,
    ) -> WithEntry {
        let keys: Vec<&str> = entries.iter().map(|(k, _, _)| k.value.as_str()).collect();
        let found = match names::find(&input.name, keys.iter().copied()) {
            Match::Exact(k) => Some((k.to_string(), BindingKind::With)),
            Match::Folded(k) => Some((k.to_string(), BindingKind::WithFolded)),
            Match::Ambiguous(c) => {
                let at = entries
                    .iter()
                    .find(|(k, _, _)| k.value == c[0])
                    .map_or(call_span.clone(), |e| e.0.span.clone());
                self.diag(
                    Severity::Error,
                    "ambiguous-name",
                    &at,
                    format!(
                        "`with` keys {} all match parameter `{}`",
                        c.join(", "),
                        input.name
                    ),
                );
                return WithEntry::Refused;
            }
            Match::None => None,
        };
        let Some((key, kind)) = found else {
            return WithEntry::Absent;
        };
        let Some(pos) = entries.iter().position(|(k, _, _)| k.value == key) else {
            return WithEntry::Refused;
        };
        let (k, v, vspan) = &entries[pos];
        if kind == BindingKind::WithFolded {
            self.diag(
                Severity::Warning,
                "case-folded-name",
                &k.span,
                format!(
                    "`with` key `{key}` matched parameter `{}` ignoring case and separators",
                    input.name
                ),
            )
            .help(format!("write `{}`", input.name));
        }
        self.folded_refs.clear();
        let value = self.bind_caller_refs_typed(v.clone(), exp, input.required, input.ty, vspan);
        if input.required {
            self.require_input(exp, &value, &input.name, vspan);
        }
        let kind = if kind == BindingKind::With && !self.folded_refs.is_empty() {
            BindingKind::WithInputFolded
        } else {
            kind
        };
        WithEntry::Bound(
            Arg {
                input: input.name.clone(),
                value,
            },
            kind,
        )
    }

    /// Rule 4: a caller input of the same name, passed through.
    fn pass_through(
        &mut self,
        input: &OperationInput,
        exp: &mut Exposure,
        call_span: &Span,
    ) -> Option<(Arg, BindingKind)> {
        let found = match names::find(&input.name, exp.inputs.iter().map(|i| &*i.name)) {
            Match::Exact(n) => Some(n.to_string()),
            Match::Folded(n) => {
                let n = n.to_string();
                self.diag(Severity::Warning, "case-folded-name", call_span, format!("parameter `{}` takes caller input `{n}` (matched ignoring case and separators)", input.name));
                Some(n)
            }
            _ => None,
        };
        let n = found?;
        let value = Value::Input(n.into());
        if input.required {
            self.require_input(exp, &value, &input.name, call_span);
        }
        Some((
            Arg {
                input: input.name.clone(),
                value,
            },
            BindingKind::PassThrough,
        ))
    }

    /// Rule 5: a required input nothing supplies becomes a caller input.
    fn infer_unsupplied(
        &mut self,
        input: &OperationInput,
        exp: &mut Exposure,
        call_span: &Span,
    ) -> Option<(Arg, BindingKind)> {
        if !input.required {
            return None;
        }
        let name = self.infer_input(
            exp,
            &input.name,
            input.ty,
            true,
            &input.description,
            call_span,
        );
        Some((
            Arg {
                input: input.name.clone(),
                value: Value::Input(name.into()),
            },
            BindingKind::Inferred,
        ))
    }

    /// A required upstream parameter whose only source is one optional caller input: without
    /// it every call would fail, so the input is required (and advertised so), with a warning.
    fn require_input(&mut self, exp: &mut Exposure, value: &Value, param: &str, span: &Span) {
        let Value::Input(name) = value else { return };
        let Some(input) = exp
            .inputs
            .iter_mut()
            .find(|i| i.name == *name && !i.required)
        else {
            return;
        };
        input.required = true;
        self.diag(
            Severity::Warning,
            "input-made-required",
            span,
            format!("caller input `{name}` is optional, but it alone supplies required parameter `{param}`; it becomes required"),
        )
        .help(format!("mark `{name}` `required: true`, or give `{param}` a default with `value:`"));
    }

    /// Matches every caller reference in `v` to a caller input (exact, folded) or infers one.
    pub(in crate::resolve) fn bind_caller_refs(
        &mut self,
        v: Value,
        exp: &mut Exposure,
        required: bool,
        span: &Span,
    ) -> Value {
        self.bind_caller_refs_typed(v, exp, required, ValueType::String, span)
    }

    /// As [`Self::bind_caller_refs`]; an input inferred for the whole value gets type `ty`.
    fn bind_caller_refs_typed(
        &mut self,
        v: Value,
        exp: &mut Exposure,
        required: bool,
        ty: ValueType,
        span: &Span,
    ) -> Value {
        match v {
            Value::Input(name) => {
                let resolved = match names::find(&name, exp.inputs.iter().map(|i| &*i.name)) {
                    Match::Exact(n) => n.to_string(),
                    Match::Folded(n) => {
                        let n = n.to_string();
                        let what = match exp.surface {
                            Surface::Rest => format!(
                                "{} input",
                                exp.inputs
                                    .iter()
                                    .find(|i| i.name == n)
                                    .map_or("", |i| i.location.as_str())
                            ),
                            Surface::Mcp => "argument".to_string(),
                        };
                        self.diag(
                            Severity::Warning,
                            "case-folded-name",
                            span,
                            format!("`{name}` matched {what} `{n}` ignoring case and separators"),
                        )
                        .help(format!("write `{n}`"));
                        self.folded_refs.push(name.to_string());
                        n
                    }
                    Match::Ambiguous(c) => {
                        self.diag(
                            Severity::Error,
                            "ambiguous-name",
                            span,
                            format!("`{name}` matches caller inputs {}", c.join(" and ")),
                        );
                        name.to_string()
                    }
                    Match::None => self.infer_input(exp, &name, ty, required, "", span),
                };
                Value::Input(resolved.into())
            }
            Value::Template(parts) => Value::Template(
                parts
                    .into_owned()
                    .into_iter()
                    .map(|p| match p {
                        TemplatePart::Value(v) => {
                            TemplatePart::Value(self.bind_caller_refs(v, exp, required, span))
                        }
                        t => t,
                    })
                    .collect::<Vec<_>>()
                    .into(),
            ),
            Value::Object(fields) => Value::Object(
                fields
                    .into_owned()
                    .into_iter()
                    .map(|(k, v)| (k, self.bind_caller_refs(v, exp, false, span)))
                    .collect::<Vec<_>>()
                    .into(),
            ),
            Value::Array(items) => Value::Array(
                items
                    .into_owned()
                    .into_iter()
                    .map(|v| self.bind_caller_refs(v, exp, false, span))
                    .collect::<Vec<_>>()
                    .into(),
            ),
            other => other,
        }
    }

    fn infer_input(
        &mut self,
        exp: &mut Exposure,
        name: &str,
        ty: ValueType,
        required: bool,
        description: &str,
        span: &Span,
    ) -> String {
        let location = exp.infer_location();
        let (what, help) = match exp.surface {
            Surface::Mcp => (
                format!("tool argument `{name}`"),
                format!(
                    "declare it in the tool's `inputParameters` (`- name: {name}`, `type`, `required`)"
                ),
            ),
            Surface::Rest => (
                format!("{} parameter `{name}`", location.as_str()),
                format!(
                    "declare it in the operation's `inputParameters` with `in: {}`",
                    location.as_str()
                ),
            ),
        };
        self.diag(
            Severity::Warning,
            "inferred-input",
            span,
            format!("nothing supplies `{name}`; it becomes {what}"),
        )
        .help(help);
        exp.add_input(
            CallerInput {
                name: name.to_string().into(),
                location,
                wire_name: name.to_string().into(),
                ty,
                required,
                description: description.to_string().into(),
                schema: None,
                pattern: None,
            },
            InputOrigin::Inferred,
        );
        name.to_string()
    }
}

/// How the `with` entries settle one input of a call.
enum WithEntry {
    /// No key names it: pass-through or inference decide.
    Absent,
    /// The entry naming it, bound.
    Bound(Arg, BindingKind),
    /// Left unbound: the keys naming it are ambiguous (an error, reported).
    Refused,
}
