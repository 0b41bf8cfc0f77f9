//! What calling an exposed route or tool must do upstream, computed from the spec tables.
//!
//! A `Handler::Call` makes one request; `Handler::Steps` one per call step, in order, each
//! step able to read the answers of earlier ones (so the echo answers are planned here: every
//! field a later step reads is planted in the answer it reads it from); `Handler::Static`
//! none.

pub mod forward;
pub mod request;
pub mod value;

use std::collections::{BTreeSet, HashMap};

use naftiko::spec::{
    ApiKeyPlacement, Arg, Auth, CapabilitySpec, Handler, HttpOperation, Mapping, OperationId,
    Output, ParamLocation, PathPart, PathSegment, RawFormat, Step, TemplatePart, Value,
};
use serde_json::Value as Json;

use crate::echo::default_answer;
use crate::render::{Rendered, render};
use request::{ExpectedRequest, expect_call, operation_of};
use value::{Inputs, Scope, plant, select};

/// What a call of a route or tool must produce.
#[derive(Debug)]
pub struct Expected {
    /// The upstream requests, in order.
    pub requests: Vec<ExpectedRequest>,
    /// What the echo upstream must answer to each of them.
    /// What the echo upstream must answer to each of them, in each operation's format.
    pub answers: Vec<Rendered>,
    pub response: ExpectedResponse,
}

/// What the caller of the route or tool must get back.
#[derive(Debug, PartialEq)]
pub enum ExpectedResponse {
    /// The upstream answer, passed through as it is.
    Passthrough(Json),
    /// A JSON value shaped by an output mapping (its shape is not checked here).
    Mapped,
    /// Nothing: the answer to a `HEAD` request has no body to pass through.
    Empty,
    /// A fixed body from the spec.
    Static { body: &'static str },
}

/// The expectation of calling `handler` with `given` caller inputs.
pub fn expect(
    spec: &'static CapabilitySpec,
    handler: &'static Handler,
    given: &Inputs,
    secrets: &HashMap<String, String>,
) -> Result<Expected, String> {
    let no_steps = Inputs::new();
    match handler {
        Handler::Static { body, .. } => Ok(Expected {
            requests: Vec::new(),
            answers: Vec::new(),
            response: ExpectedResponse::Static { body },
        }),
        Handler::Call {
            operation,
            args,
            output,
        } => {
            let scope = Scope {
                inputs: given,
                secrets,
                steps: &no_steps,
            };
            let request = expect_call(spec, *operation, args, scope)?;
            let operation = operation_of(spec, *operation)?;
            let answer = default_answer();
            // Passed through, the answer is bytes whatever the format; mapped, it is read in
            // the operation's format.
            let (rendered, response) = match output {
                Output::Passthrough if operation.method == "HEAD" => {
                    (render(&answer, &RawFormat::Json), ExpectedResponse::Empty)
                }
                Output::Passthrough => (
                    render(&answer, &RawFormat::Json),
                    ExpectedResponse::Passthrough(answer),
                ),
                Output::Mapped(_) => (
                    render(&answer, &operation.output_format),
                    ExpectedResponse::Mapped,
                ),
            };
            Ok(Expected {
                requests: vec![request],
                answers: vec![rendered],
                response,
            })
        }
        Handler::Steps { steps, output } => {
            let planned = plan_answers(steps);
            let mut outputs = Inputs::new();
            let mut requests = Vec::new();
            let mut answers = Vec::new();
            for (step, planned) in steps.iter().zip(planned) {
                match step {
                    Step::Call {
                        name,
                        operation,
                        args,
                    } => {
                        let scope = Scope {
                            inputs: given,
                            secrets,
                            steps: &outputs,
                        };
                        requests.push(expect_call(spec, *operation, args, scope)?);
                        let operation = operation_of(spec, *operation)?;
                        answers.push((planned.clone(), &operation.output_format));
                        outputs.insert(name.to_string(), planned);
                    }
                    Step::Lookup { name, .. } => {
                        if steps_read(steps).contains(&**name) {
                            return Err(format!(
                                "a call reads the output of lookup step `{name}`, which this harness does not model"
                            ));
                        }
                        outputs.insert(name.to_string(), Json::Null);
                    }
                }
            }
            // Every step's answer is read in its operation's format; the last one passed
            // through comes back as those bytes, so only a JSON one is compared.
            let response = match (output, answers.last()) {
                (Output::Passthrough, Some((last, RawFormat::Json))) => {
                    ExpectedResponse::Passthrough(last.clone())
                }
                _ => ExpectedResponse::Mapped,
            };
            Ok(Expected {
                requests,
                answers: answers
                    .iter()
                    .map(|(answer, format)| render(answer, format))
                    .collect(),
                response,
            })
        }
    }
}

/// The answer each step gets from the echo (`{"ok":true}` for non-call steps, unused): the
/// default answer with every path that a call or lookup reads from it planted with a value
/// that names step and path.
fn plan_answers(steps: &[Step]) -> Vec<Json> {
    let mut reads: Vec<(&str, &[PathSegment])> = Vec::new();
    for step in steps {
        match step {
            Step::Call { args, .. } => {
                for arg in args.iter() {
                    step_reads(&arg.value, &mut reads);
                }
            }
            Step::Lookup { lookup_value, .. } => step_reads(lookup_value, &mut reads),
        }
    }
    steps
        .iter()
        .map(|step| {
            let name = match step {
                Step::Call { name, .. } | Step::Lookup { name, .. } => &**name,
            };
            let mut answer = default_answer();
            for (_, path) in reads.iter().filter(|(step, _)| *step == name) {
                if select(&answer, path).is_null() {
                    plant(
                        &mut answer,
                        path,
                        Json::String(format!("{name} {path:?} v/1")),
                    );
                }
            }
            answer
        })
        .collect()
}

/// Step names a call's arguments read.
fn steps_read(steps: &[Step]) -> BTreeSet<&str> {
    let mut reads = Vec::new();
    for step in steps {
        if let Step::Call { args, .. } = step {
            for arg in args.iter() {
                step_reads(&arg.value, &mut reads);
            }
        }
    }
    reads.into_iter().map(|(step, _)| step).collect()
}

fn step_reads<'a>(value: &'a Value, reads: &mut Vec<(&'a str, &'a [PathSegment])>) {
    walk_value(value, &mut |value| {
        if let Value::Step { step, path } = value {
            reads.push((&**step, &**path));
        }
    });
}

/// Calls `visit` on `value` and every value inside it.
fn walk_value<'a>(value: &'a Value, visit: &mut dyn FnMut(&'a Value)) {
    visit(value);
    match value {
        Value::Template(parts) => {
            for part in parts.iter() {
                if let TemplatePart::Value(inner) = part {
                    walk_value(inner, visit);
                }
            }
        }
        Value::Object(fields) => fields
            .iter()
            .for_each(|(_, inner)| walk_value(inner, visit)),
        Value::Array(items) => items.iter().for_each(|inner| walk_value(inner, visit)),
        _ => {}
    }
}

/// The caller inputs `handler` passes on to some upstream call (its arguments name them).
pub fn inputs_sent_upstream<'a>(handler: &'a Handler) -> BTreeSet<&'a str> {
    let mut names = BTreeSet::new();
    let mut add = |args: &'a [Arg]| {
        for arg in args {
            walk_value(&arg.value, &mut |value| {
                if let Value::Input(name) = value {
                    names.insert(&**name);
                }
            });
        }
    };
    match handler {
        Handler::Call { args, .. } => add(args),
        Handler::Steps { steps, .. } => {
            for step in steps.iter() {
                if let Step::Call { args, .. } = step {
                    add(args);
                }
            }
        }
        Handler::Static { .. } => {}
    }
    names
}

/// The caller inputs `handler` reads anywhere: arguments, lookups, output mappings.
pub fn inputs_read<'a>(handler: &'a Handler) -> BTreeSet<&'a str> {
    let mut names = inputs_sent_upstream(handler);
    let mut add = |value: &'a Value| {
        walk_value(value, &mut |value| {
            if let Value::Input(name) = value {
                names.insert(&**name);
            }
        });
    };
    let output = match handler {
        Handler::Call { output, .. } => Some(output),
        Handler::Steps { steps, output } => {
            for step in steps.iter() {
                if let Step::Lookup { lookup_value, .. } = step {
                    add(lookup_value);
                }
            }
            Some(output)
        }
        Handler::Static { .. } => None,
    };
    if let Some(Output::Mapped(mapping)) = output {
        mapping_values(mapping, &mut add);
    }
    names
}

fn mapping_values<'a>(mapping: &'a Mapping, add: &mut dyn FnMut(&'a Value)) {
    match mapping {
        Mapping::Value(value) => add(value),
        Mapping::Object { fields, .. } => fields
            .iter()
            .for_each(|(_, inner)| mapping_values(inner, add)),
        Mapping::Array { items, .. } => mapping_values(items, add),
        Mapping::Select { .. } | Mapping::Const(_) => {}
    }
}

/// Why the resolved spec itself sends caller input `name` nowhere, when it does: every operation input it
/// feeds is an `in: path` parameter whose path has no placeholder for it (the code generator
/// warns `path-param-without-placeholder` and drops it), or every one is a header the
/// namespace's authentication sets (`auth-header-param`) or the body field its API key is
/// placed in (`auth-body-param`).
pub fn unplaced_by_design(
    spec: &CapabilitySpec,
    handler: &Handler,
    name: &str,
) -> Option<&'static str> {
    let calls: Vec<(OperationId, &[Arg])> = match handler {
        Handler::Call {
            operation, args, ..
        } => vec![(*operation, &**args)],
        Handler::Steps { steps, .. } => steps
            .iter()
            .filter_map(|step| match step {
                Step::Call {
                    operation, args, ..
                } => Some((*operation, &**args)),
                Step::Lookup { .. } => None,
            })
            .collect(),
        Handler::Static { .. } => Vec::new(),
    };
    let mut fed: Vec<(OperationId, &HttpOperation, &str)> = Vec::new();
    for (id, args) in calls {
        let Some(operation) = spec.operation(id) else {
            continue;
        };
        for arg in args {
            let mut mentions = false;
            walk_value(&arg.value, &mut |value| {
                mentions |= matches!(value, Value::Input(n) if *n == name)
            });
            if mentions {
                fed.push((id, operation, &arg.input));
            }
        }
    }
    fn declared<'a>(
        operation: &'a HttpOperation,
        param: &str,
    ) -> Option<(Option<ParamLocation>, &'a str)> {
        operation
            .inputs
            .iter()
            .find(|input| input.name == param)
            .map(|input| (input.location, &*input.wire_name))
    }
    let unplaced = |(_, operation, param): &(OperationId, &HttpOperation, &str)| {
        declared(operation, param)
            .is_some_and(|(location, _)| location == Some(ParamLocation::Path))
            && !operation
                .path
                .iter()
                .any(|part| matches!(part, PathPart::Param(p) if p == param))
    };
    // The namespace's authentication sets this header itself, and wins.
    let auth_header = |(id, operation, param): &(OperationId, &HttpOperation, &str)| {
        let sets: &str = match spec.namespace(id.consumes).map(|ns| &ns.auth) {
            Some(Auth::Bearer { .. } | Auth::Basic { .. } | Auth::AwsSigV4 { .. }) => {
                "authorization"
            }
            Some(Auth::ApiKey {
                name,
                placement: ApiKeyPlacement::Header,
                ..
            }) => name,
            _ => return false,
        };
        declared(operation, param).is_some_and(|(location, wire)| {
            location == Some(ParamLocation::Header) && wire.eq_ignore_ascii_case(sets)
        })
    };
    // The namespace's API key is a body field of this name, and wins.
    let auth_body = |(id, operation, param): &(OperationId, &HttpOperation, &str)| {
        let Some(Auth::ApiKey {
            name,
            placement: ApiKeyPlacement::Body,
            ..
        }) = spec.namespace(id.consumes).map(|ns| &ns.auth)
        else {
            return false;
        };
        declared(operation, param).is_some_and(|(location, wire)| {
            location == Some(ParamLocation::Body) && wire == &**name
        })
    };
    if fed.is_empty() {
        None
    } else if fed.iter().all(unplaced) {
        Some("path-param-without-placeholder")
    } else if fed.iter().all(auth_header) {
        Some("auth-header-param")
    } else if fed.iter().all(auth_body) {
        Some("auth-body-param")
    } else {
        None
    }
}
