//! Binding an exposed route, tool or function to what it calls (rules 1, 2, 4 and 5).
//!
//! For every input of the consumed operation the binder decides, in this order: a `with`
//! entry (exact name, then folded), a caller input of the same name (pass-through), or — when
//! the input is required — a caller input made up for it (inferred, with a warning). Caller
//! references inside `with` values are matched against the declared inputs the same way.

mod call;
mod lookup;

pub use lookup::suggest_help;

use super::Resolver;
use super::provenance::{InputOrigin, SiteNotes};
use super::template::Scope;
use crate::diag::Severity;
use crate::model::{Span, StepSpec, Target, Text};
use naftiko_spec::{CallerInput, Handler, OperationId, Output, ParamLocation, Step, Value};

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
    /// Why each input exists and how each call was bound, for `explain`.
    pub notes: SiteNotes,
}

impl Exposure {
    pub fn new(surface: Surface, namespace: &str, method: &str) -> Exposure {
        Exposure {
            surface,
            namespace: namespace.to_string(),
            method: method.to_string(),
            inputs: Vec::new(),
            notes: SiteNotes::default(),
        }
    }

    /// Adds a caller input, noting why it exists.
    pub fn add_input(&mut self, input: CallerInput, origin: InputOrigin) {
        self.notes.origins.insert(input.name.to_string(), origin);
        self.inputs.push(input);
    }

    fn infer_location(&self) -> ParamLocation {
        match (self.surface, self.method.as_str()) {
            (Surface::Mcp, _) => ParamLocation::Body,
            (Surface::Rest, "POST" | "PUT" | "PATCH") => ParamLocation::Body,
            (Surface::Rest, _) => ParamLocation::Query,
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
        }
    }

    /// Binds `target`; `None` when it cannot become correct code (errors were reported).
    /// `name` is the exposed operation's or tool's own name, which names the call when the
    /// target has none (see `implied_operation`).
    pub(super) fn bind_target(
        &mut self,
        target: &Target,
        name: Option<&Text>,
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
            return Some(self.bind_call_target(op, target, exp, &call.span, owner));
        }
        if let Some(body) = self.static_output(&target.outputs) {
            return Some(Handler::Static {
                body: body.into(),
                content_type: "application/json".into(),
            });
        }
        if let Some(op) = name.and_then(|n| self.implied_operation(n)) {
            return Some(self.bind_call_target(op, target, exp, owner, owner));
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

    fn bind_call_target(
        &mut self,
        op: OperationId,
        target: &Target,
        exp: &mut Exposure,
        call_span: &Span,
        owner: &Span,
    ) -> Handler {
        let args = self.bind_call(op, &target.with, exp, &[], "", call_span);
        let output = self.output(&target.outputs, Some(op), owner);
        Handler::Call {
            operation: op,
            args: args.into(),
            output,
        }
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
            if !exp.inputs.iter().any(|i| *i.name == p.name.value) {
                let input = self.declared_input(p, exp.surface, &exp.method);
                exp.add_input(input, InputOrigin::Declared);
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
        let h = self.bind_target(&merged, None, exp, &reference.span);
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
                        let args = self.bind_call(op, with, exp, &names, &name.value, &call.span);
                        steps.push(Step::Call {
                            name: name.value.clone().into(),
                            operation: op,
                            args: args.into(),
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
                        name: name.value.clone().into(),
                        index: index.value.clone().into(),
                        match_field: match_field.value.clone().into(),
                        lookup_value,
                        fields: fields
                            .iter()
                            .cloned()
                            .map(Into::into)
                            .collect::<Vec<_>>()
                            .into(),
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
        ok.then_some(Handler::Steps {
            steps: steps.into(),
            output,
        })
    }

    fn steps_output(&mut self, target: &Target, exp: &mut Exposure, names: &[String]) -> Output {
        use naftiko_spec::Mapping;
        let scope = self.exposed_scope(exp, names);
        if !target.mappings.is_empty() {
            let mut fields = Vec::new();
            for (t, v) in &target.mappings {
                let value = self.interpret_str_at(&v.value, &scope, &v.span);
                let value = self.bind_caller_refs(value, exp, false, &v.span);
                fields.push((t.value.clone().into(), Mapping::Value(value)));
            }
            return Output::Mapped(Mapping::Object {
                path: Vec::new().into(),
                fields: fields.into(),
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
                step: last.clone().into(),
                path: Vec::new().into(),
            })),
            None => Output::Passthrough,
        }
    }
}
