//! Binding an exposed route, tool or function to what it calls (rules 1, 2, 4 and 5).
//!
//! For every input of the consumed operation the binder decides, in this order: a `with`
//! entry (exact name, then folded), a caller input of the same name (pass-through), or — when
//! the input is required — a caller input made up for it (inferred, with a warning). Caller
//! references inside `with` values are matched against the declared inputs the same way.

use super::Resolver;
use super::template::Scope;
use crate::diag::Severity;
use crate::ir::{
    Arg, BindingKind, CallerInput, Handler, InputOrigin, OpRef, OperationInput, Output, ParamIn,
    Step, TemplatePart, Value, ValueType,
};
use crate::model::{Located, Span, StepSpec, Target, Text};
use crate::names::{self, Match};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Rest,
    Mcp,
}

/// The caller side of one route or tool while it is being bound.
pub struct Exposure {
    pub surface: Surface,
    /// The adapter's namespace (`<ns>.X` means caller input X).
    pub namespace: String,
    /// REST method, to place inferred inputs (query for reads, body for writes).
    pub method: String,
    pub inputs: Vec<CallerInput>,
}

impl Exposure {
    fn infer_location(&self) -> ParamIn {
        match (self.surface, self.method.as_str()) {
            (Surface::Mcp, _) => ParamIn::Body,
            (Surface::Rest, "POST" | "PUT" | "PATCH") => ParamIn::Body,
            (Surface::Rest, _) => ParamIn::Query,
        }
    }
}

impl Resolver<'_> {
    fn exposed_scope(&self, exp: &Exposure, steps: &[String]) -> Scope {
        let mut input_prefixes: Vec<String> = [
            "rest",
            "tools",
            "mcp",
            "input",
            "inputs",
            "params",
            "args",
            "arguments",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        input_prefixes.push(exp.namespace.clone());
        input_prefixes.extend(self.aggregate_namespaces.iter().cloned());
        Scope {
            input_prefixes,
            bind_namespaces: self.bind_namespaces.clone(),
            bind_keys: self.bind_keys.clone(),
            steps: steps.to_vec(),
            braces_required: false,
        }
    }

    /// Binds `target`; `None` when it cannot become correct code (errors were reported).
    pub(super) fn bind_target(
        &mut self,
        target: &Target,
        exp: &mut Exposure,
        owner: &Span,
    ) -> Option<Handler> {
        if let Some(reference) = &target.reference {
            return self.bind_reference(reference, target, exp);
        }
        if !target.steps.is_empty() {
            return self.bind_steps(target, exp);
        }
        if let Some(call) = &target.call {
            let op = self.find_operation(call)?;
            let args = self.bind_call(op, &target.with, exp, &[], &call.span);
            let output = self.output(&target.outputs, Some(op), owner);
            return Some(Handler::Call { op, args, output });
        }
        if let Some(body) = self.static_output(&target.outputs) {
            return Some(Handler::Static {
                body,
                content_type: "application/json".into(),
            });
        }
        self.diag(
            Severity::Error,
            "no-call",
            owner,
            "nothing to call: no `call`, `steps` or `ref`",
        )
        .help("add `call: <consumes-namespace>.<operation>`");
        None
    }

    fn bind_reference(
        &mut self,
        reference: &Text,
        target: &Target,
        exp: &mut Exposure,
    ) -> Option<Handler> {
        let (agg, func) = self.find_function(reference)?;
        let function = self.spec.aggregates.get(agg)?.functions.get(func)?.clone();
        for p in &function.params {
            if !exp.inputs.iter().any(|i| i.name == p.name.value) {
                let input = self.declared_input(p, exp.surface, &exp.method);
                exp.inputs.push(input);
            }
        }
        let mut merged = function.target.clone();
        if !target.outputs.is_empty() {
            merged.outputs = target.outputs.clone();
        }
        if !target.with.is_empty() {
            merged.with.extend(target.with.iter().cloned());
        }
        merged.reference = None;
        if self.ref_depth > 8 {
            self.diag(
                Severity::Error,
                "ref-cycle",
                &reference.span,
                "`ref` chain too deep (a cycle?)",
            );
            return None;
        }
        self.ref_depth += 1;
        let h = self.bind_target(&merged, exp, &reference.span);
        self.ref_depth -= 1;
        h
    }

    fn bind_steps(&mut self, target: &Target, exp: &mut Exposure) -> Option<Handler> {
        let mut steps = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let mut ok = true;
        for s in &target.steps {
            match s {
                StepSpec::Call { name, call, with } => {
                    if let Some(op) = self.find_operation(call) {
                        let args = self.bind_call(op, with, exp, &names, &call.span);
                        steps.push(Step::Call {
                            name: name.value.clone(),
                            op,
                            args,
                        });
                    } else {
                        ok = false;
                    }
                    names.push(name.value.clone());
                }
                StepSpec::Lookup {
                    name,
                    index,
                    match_field,
                    lookup_value,
                    fields,
                } => {
                    if !names.contains(&index.value) {
                        self.diag(
                            Severity::Error,
                            "unknown-step",
                            &index.span,
                            format!("lookup index `{}` is not an earlier step", index.value),
                        )
                        .help(suggest_help(&index.value, &names));
                        ok = false;
                    }
                    let scope = self.exposed_scope(exp, &names);
                    let lookup_value =
                        self.interpret_str_at(&lookup_value.value, &scope, &lookup_value.span);
                    let lookup_value = self.bind_caller_refs(lookup_value, exp, false, &name.span);
                    steps.push(Step::Lookup {
                        name: name.value.clone(),
                        index: index.value.clone(),
                        match_field: match_field.value.clone(),
                        lookup_value,
                        fields: fields.clone(),
                    });
                    names.push(name.value.clone());
                }
                StepSpec::Unsupported { name, kind } => {
                    self.diag(Severity::Error, "unsupported-step", &kind.span, format!("step `{}` of type `{}` cannot be compiled", name.value, kind.value))
                        .help("only `call` and `lookup` steps are supported; script steps would run arbitrary code");
                    ok = false;
                }
            }
        }
        let output = self.steps_output(target, exp, &names);
        ok.then_some(Handler::Steps { steps, output })
    }

    fn steps_output(&mut self, target: &Target, exp: &mut Exposure, names: &[String]) -> Output {
        use crate::ir::Mapping;
        let scope = self.exposed_scope(exp, names);
        if !target.mappings.is_empty() {
            let mut fields = Vec::new();
            for (t, v) in &target.mappings {
                let value = self.interpret_str_at(&v.value, &scope, &v.span);
                let value = self.bind_caller_refs(value, exp, false, &v.span);
                fields.push((t.value.clone(), Mapping::Value(value)));
            }
            return Output::Mapped(Mapping::Object {
                path: Vec::new(),
                fields,
            });
        }
        if !target.outputs.is_empty()
            && target
                .outputs
                .iter()
                .any(|o| o.mapping.is_some() || !o.properties.is_empty())
        {
            return self.output(&target.outputs, None, &target.span);
        }
        match names.last() {
            Some(last) => Output::Mapped(Mapping::Value(Value::Step {
                step: last.clone(),
                path: Vec::new(),
            })),
            None => Output::Passthrough,
        }
    }

    /// `ns.operation` → the operation, with exact-then-folded matching and a did-you-mean.
    pub(super) fn find_operation(&mut self, call: &Text) -> Option<OpRef> {
        let (ns_name, op_name) = match call.value.split_once('.') {
            Some((n, o)) => (n.trim().to_string(), o.trim().to_string()),
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
            .map(|o| o.name.clone())
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
        Some(OpRef {
            namespace: ns_index,
            operation: op_index,
        })
    }

    fn find_function(&mut self, reference: &Text) -> Option<(usize, usize)> {
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

    /// Binds every input of operation `op` (see the module doc).
    fn bind_call(
        &mut self,
        op: OpRef,
        with: &[(Text, Located<serde_json::Value>)],
        exp: &mut Exposure,
        steps: &[String],
        call_span: &Span,
    ) -> Vec<Arg> {
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
        let mut used = vec![false; entries.len()];
        // `with` keys naming no declared input: the author meant an extra parameter.
        for (i, (key, _, _)) in entries.iter().enumerate() {
            let inputs = &self.namespaces[op.namespace].operations[op.operation].inputs;
            if matches!(
                names::find(&key.value, inputs.iter().map(|i| i.name.as_str())),
                Match::None
            ) {
                let method = self.namespaces[op.namespace].operations[op.operation]
                    .method
                    .clone();
                let location = if matches!(method.as_str(), "POST" | "PUT" | "PATCH") {
                    ParamIn::Body
                } else {
                    ParamIn::Query
                };
                let opname = self.namespaces[op.namespace].operations[op.operation]
                    .name
                    .clone();
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
                self.namespaces[op.namespace].operations[op.operation]
                    .inputs
                    .push(OperationInput {
                        name: key.value.clone(),
                        wire_name: key.value.clone(),
                        location: Some(location),
                        ty: ValueType::Any,
                        required: false,
                        fixed: None,
                        description: String::new(),
                    });
                let _ = i;
            }
        }
        let inputs = self.namespaces[op.namespace].operations[op.operation]
            .inputs
            .clone();
        let mut args = Vec::new();
        for input in inputs.iter().filter(|i| i.fixed.is_none()) {
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
                    continue;
                }
                Match::None => None,
            };
            if let Some((key, kind)) = found {
                let Some(pos) = entries.iter().position(|(k, _, _)| k.value == key) else {
                    continue;
                };
                used[pos] = true;
                let (k, v, vspan) = &entries[pos];
                if kind == BindingKind::WithFolded {
                    self.diag(Severity::Warning, "case-folded-name", &k.span, format!("`with` key `{key}` matched parameter `{}` ignoring case and separators", input.name))
                        .help(format!("write `{}`", input.name));
                }
                self.folded_refs.clear();
                let value =
                    self.bind_caller_refs_typed(v.clone(), exp, input.required, input.ty, vspan);
                let kind = if kind == BindingKind::With && !self.folded_refs.is_empty() {
                    BindingKind::WithInputFolded
                } else {
                    kind
                };
                args.push(Arg {
                    input: input.name.clone(),
                    value,
                    kind,
                });
                continue;
            }
            // Rule 4: a caller input of the same name.
            match names::find(&input.name, exp.inputs.iter().map(|i| i.name.as_str())) {
                Match::Exact(n) => {
                    args.push(Arg {
                        input: input.name.clone(),
                        value: Value::Input(n.to_string()),
                        kind: BindingKind::PassThrough,
                    });
                    continue;
                }
                Match::Folded(n) => {
                    let n = n.to_string();
                    self.diag(Severity::Warning, "case-folded-name", call_span, format!("parameter `{}` takes caller input `{n}` (matched ignoring case and separators)", input.name));
                    args.push(Arg {
                        input: input.name.clone(),
                        value: Value::Input(n),
                        kind: BindingKind::PassThrough,
                    });
                    continue;
                }
                _ => {}
            }
            // Rule 5: a required input nothing supplies becomes a caller input.
            if input.required {
                let name = self.infer_input(
                    exp,
                    &input.name,
                    input.ty,
                    true,
                    &input.description,
                    call_span,
                );
                args.push(Arg {
                    input: input.name.clone(),
                    value: Value::Input(name),
                    kind: BindingKind::Inferred,
                });
            }
        }
        args
    }

    /// Matches every caller reference in `v` to a caller input (exact, folded) or infers one.
    pub(super) fn bind_caller_refs(
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
                let resolved = match names::find(&name, exp.inputs.iter().map(|i| i.name.as_str()))
                {
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
                        self.folded_refs.push(name.clone());
                        n
                    }
                    Match::Ambiguous(c) => {
                        self.diag(
                            Severity::Error,
                            "ambiguous-name",
                            span,
                            format!("`{name}` matches caller inputs {}", c.join(" and ")),
                        );
                        name
                    }
                    Match::None => self.infer_input(exp, &name, ty, required, "", span),
                };
                Value::Input(resolved)
            }
            Value::Template(parts) => Value::Template(
                parts
                    .into_iter()
                    .map(|p| match p {
                        TemplatePart::Value(v) => {
                            TemplatePart::Value(self.bind_caller_refs(v, exp, required, span))
                        }
                        t => t,
                    })
                    .collect(),
            ),
            Value::Object(fields) => Value::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (k, self.bind_caller_refs(v, exp, false, span)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .map(|v| self.bind_caller_refs(v, exp, false, span))
                    .collect(),
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
        exp.inputs.push(CallerInput {
            name: name.to_string(),
            location,
            wire_name: name.to_string(),
            ty,
            required,
            description: description.to_string(),
            origin: InputOrigin::Inferred,
            schema: None,
        });
        name.to_string()
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

    pub(super) fn namespace_names(&self) -> Vec<String> {
        self.namespaces
            .iter()
            .map(|n| n.namespace.clone())
            .collect()
    }
}

/// "did you mean `x`?" or the list of what exists.
pub fn suggest_help(name: &str, known: &[String]) -> String {
    match crate::normalize::suggest(name, known.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`?"),
        None if known.is_empty() => "nothing of that kind is defined".to_string(),
        None => format!("known: {}", known.join(", ")),
    }
}
