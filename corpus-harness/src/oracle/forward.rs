//! What a `forward` (proxy) resource must send upstream, from its table entry: the caller's
//! method, sub-path, query, body and trusted headers, to the namespace's base URL, plus what the
//! namespace adds to every request (its default parameters and its credentials).

use std::collections::HashMap;

use naftiko::spec::{CapabilitySpec, ParamLocation, RestForward};

use super::request::{ExpectedBody, ExpectedRequest, Param, put, put_auth};
use super::value::{Inputs, Scope, eval};
use crate::echo::base_path;

/// A request as a caller sends it to a forward (the sub-path as written, already encoded).
pub struct ForwardCall<'a> {
    pub method: &'static str,
    pub sub_path: &'a str,
    pub query: &'a [(String, String)],
    /// Caller headers, lower case (trusted or not).
    pub headers: &'a [(String, String)],
    pub content_type: &'a str,
    pub body: &'a str,
}

pub fn expect_forward(
    spec: &CapabilitySpec,
    forward: &RestForward,
    call: &ForwardCall<'_>,
    secrets: &HashMap<String, String>,
) -> Result<ExpectedRequest, String> {
    let consumes = spec.namespace(forward.consumes).ok_or_else(|| {
        format!(
            "forward `{}` names consumes #{}",
            forward.name, forward.consumes.0
        )
    })?;
    let passed = |name: &str| {
        forward
            .trusted_headers
            .iter()
            .any(|trusted| trusted == name)
            || matches!(name, "content-type" | "accept")
    };
    let mut expected = ExpectedRequest {
        operation: format!("{} (forward {})", consumes.namespace, forward.name),
        method: call.method,
        path: format!("{}{}", base_path(forward.consumes.index()), call.sub_path),
        query: call
            .query
            .iter()
            .map(|(name, value)| Param {
                name: name.clone(),
                value: value.clone(),
                auth: false,
            })
            .collect(),
        headers: call
            .headers
            .iter()
            .filter(|(name, _)| passed(name))
            .map(|(name, value)| Param {
                name: name.clone(),
                value: value.clone(),
                auth: false,
            })
            .collect(),
        cookies: Vec::new(),
        body: ExpectedBody::Text {
            content_type: call.content_type.to_owned(),
            data: call.body.to_owned(),
        },
    };
    let empty = Inputs::new();
    let scope = Scope {
        inputs: &empty,
        secrets,
        steps: &empty,
    };
    let mut body_fields = Inputs::new();
    for param in consumes.default_params.iter() {
        let present = match param.location {
            ParamLocation::Query => expected.query.iter().any(|p| p.name == param.name),
            ParamLocation::Header => expected
                .headers
                .iter()
                .any(|p| p.name.eq_ignore_ascii_case(&param.name)),
            ParamLocation::Cookie => expected.cookies.iter().any(|p| p.name == param.name),
            // The body streams through untouched.
            ParamLocation::Path | ParamLocation::Body => true,
        };
        if !present && let Some(value) = eval(&param.value, scope) {
            put(
                &mut expected,
                &mut body_fields,
                param.location,
                &param.name,
                &value,
                false,
            );
        }
    }
    put_auth(&consumes.auth, scope, &mut expected);
    Ok(expected)
}
