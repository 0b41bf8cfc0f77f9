//! What a generated typed client's method is made of: a [`Call`] that takes the method's typed
//! input field by field, in the operation's declared order, and sends it; and what it makes of
//! a JSON answer ([`json_body`]): the body parsed (an empty one is `null`, as some APIs answer
//! `200` with nothing), shaped by the operation's declared outputs when it has any, then
//! deserialized into the method's output type.
//!
//! A `Call` fills the same `Inputs` that the REST and MCP adapters hand to
//! [`ClientCore::call`], straight from the typed values (a `String` is moved in, not copied),
//! so auth, hooks, retries, timeouts, required-field checks and the formatting of values on
//! the wire are the spec-driven machinery's, exactly as for the adapters.

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use super::wire::config_problem;
use super::{ClientCore, Response};
use crate::error::Error;
use crate::interp::inputs::Inputs;
use crate::interp::mapping;
use crate::interp::value::Scope;
use crate::secret::Secrets;
use crate::spec::{HttpOperation, Output, PathPart};

/// The names generated client modules use, imported there with one glob (`use
/// …::__private::prelude::*`). A generated module defines only `Client` and type names ending in
/// `Input…` or holding `Output`, so none of these can be shadowed there.
pub mod prelude {
    pub use super::Call;
    pub use crate::{ClientCore, Error, Response};
    pub use bytes::Bytes;
    pub use core::clone::Clone;
    pub use core::cmp::PartialEq;
    pub use core::default::Default;
    pub use core::fmt::Debug;
    pub use core::option::Option;
    pub use core::result::Result;
    pub use serde::{Deserialize, Serialize};
    pub use serde_json::Value;
    pub use std::string::String;
    pub use std::vec::Vec;
}

/// A value of a typed input field, as the runtime's `Inputs` hold it: the JSON value
/// `serde_json::to_value` would give (a non-finite `f64` is `null`), `None` for an optional
/// field left out.
pub trait Arg {
    fn into_json(self) -> Option<Json>;
}

impl Arg for String {
    fn into_json(self) -> Option<Json> {
        Some(Json::String(self))
    }
}

impl Arg for i64 {
    fn into_json(self) -> Option<Json> {
        Some(Json::from(self))
    }
}

impl Arg for f64 {
    fn into_json(self) -> Option<Json> {
        Some(Json::from(self))
    }
}

impl Arg for bool {
    fn into_json(self) -> Option<Json> {
        Some(Json::Bool(self))
    }
}

impl Arg for Json {
    fn into_json(self) -> Option<Json> {
        Some(self)
    }
}

impl<T: Arg> Arg for Option<T> {
    fn into_json(self) -> Option<Json> {
        self.and_then(Arg::into_json)
    }
}

/// One call of a consumed operation, as a generated method writes it:
///
/// ```ignore
/// Call::new(&self.core, operation, "GET", "/v1/runs/{runId}")
///     .path("runId", input.run_id)
///     .query("limit", input.limit)
///     .json()
///     .await
/// ```
///
/// The method and path template the code shows are checked against the operation's (a
/// mismatch is `Error::Config`, nothing is sent). Where a value goes on the wire is the spec's
/// decision; the name of the setter (`path`, `query`, `header`, `cookie`, `body`, or
/// `template` for an input only the request's templates read) is written by the generator
/// from that same decision, so that the code shows it.
#[must_use = "a call does nothing until it is sent"]
pub struct Call<'a> {
    core: &'a ClientCore,
    operation: &'static HttpOperation,
    args: Inputs,
    /// The method and path template the code shows agree with the operation.
    agrees: bool,
}

impl<'a> Call<'a> {
    pub fn new(
        core: &'a ClientCore,
        operation: &'static HttpOperation,
        method: &str,
        path: &str,
    ) -> Self {
        Call {
            core,
            operation,
            args: Inputs::new(),
            agrees: *operation.method == *method && is_path_template(&operation.path, path),
        }
    }

    fn arg(mut self, name: &'static str, value: impl Arg) -> Self {
        if let Some(value) = value.into_json() {
            self.args.insert(name.to_owned(), value);
        }
        self
    }

    /// A path parameter.
    pub fn path(self, name: &'static str, value: impl Arg) -> Self {
        self.arg(name, value)
    }

    /// A query parameter.
    pub fn query(self, name: &'static str, value: impl Arg) -> Self {
        self.arg(name, value)
    }

    /// A header.
    pub fn header(self, name: &'static str, value: impl Arg) -> Self {
        self.arg(name, value)
    }

    /// A cookie.
    pub fn cookie(self, name: &'static str, value: impl Arg) -> Self {
        self.arg(name, value)
    }

    /// A field of the body.
    pub fn body(self, name: &'static str, value: impl Arg) -> Self {
        self.arg(name, value)
    }

    /// An input that only the request's templates (a body, a header value) read.
    pub fn template(self, name: &'static str, value: impl Arg) -> Self {
        self.arg(name, value)
    }

    /// Sends the request; the answer's body as it came.
    pub async fn send(self) -> Result<Response<Bytes>, Error> {
        if !self.agrees {
            return Err(config_problem(format!(
                "the generated code of operation `{}` does not match its spec (`{} {}`): generate it again",
                self.operation.name,
                self.operation.method,
                crate::spec::path_text(&self.operation.path)
            )));
        }
        self.core.call(self.operation, &self.args).await
    }

    /// Sends the request; the answer's JSON body as `T` (see [`json_body`]).
    pub async fn json<T: DeserializeOwned>(self) -> Result<Response<T>, Error> {
        let output = &self.operation.output;
        json_body(self.send().await?, output)
    }
}

/// Whether `template` is `parts` written out as `path_text` writes them, without building it.
fn is_path_template(parts: &[PathPart], template: &str) -> bool {
    let mut rest = template;
    for part in parts {
        let (open, text, close) = match part {
            PathPart::Literal(text) => ("", &**text, ""),
            PathPart::Param(name) => ("{", &**name, "}"),
            PathPart::Secret(key) => ("{{", &**key, "}}"),
        };
        let Some(after) = rest
            .strip_prefix(open)
            .and_then(|r| r.strip_prefix(text))
            .and_then(|r| r.strip_prefix(close))
        else {
            return false;
        };
        rest = after;
    }
    rest.is_empty()
}

/// The answer's body as `T`: through `output`'s mapping when it is mapped (the mapping of a
/// consumed operation reads only the body, never inputs, secrets or steps). A body that is not
/// JSON, or does not fit `T` (a required field missing, a declared number that is text), is
/// `Error::Decode` naming the namespace.
pub fn json_body<T: DeserializeOwned>(
    response: Response<Bytes>,
    output: &Output,
) -> Result<Response<T>, Error> {
    let body: Json = if response.body.is_empty() {
        Json::Null
    } else {
        response.json()?
    };
    let shaped = match output {
        Output::Passthrough => body,
        Output::Mapped(shape) => {
            let (inputs, secrets, steps) = (Inputs::new(), Secrets::new(), serde_json::Map::new());
            let scope = Scope {
                inputs: &inputs,
                secrets: &secrets,
                steps: &steps,
            };
            mapping::apply(shape, &body, scope)
        }
    };
    let typed = T::deserialize(shaped).map_err(|error| Error::Decode {
        namespace: response.namespace.to_string(),
        message: format!("the answer does not have the declared shape: {error}"),
    })?;
    Ok(response.map(|_| typed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::text;
    use serde::Serialize;

    #[test]
    fn a_path_template_matches_only_its_parts() {
        static PATH: &[PathPart] = &[
            PathPart::Literal(text("/bot")),
            PathPart::Secret(text("TOKEN")),
            PathPart::Literal(text("/runs/")),
            PathPart::Param(text("runId")),
        ];
        assert!(is_path_template(PATH, "/bot{{TOKEN}}/runs/{runId}"));
        assert_eq!(crate::spec::path_text(PATH), "/bot{{TOKEN}}/runs/{runId}");
        for other in [
            "/bot{{TOKEN}}/runs/{runId}/",
            "/bot{{TOKEN}}/runs/{run}",
            "/bot{TOKEN}/runs/{runId}",
            "/bot{{TOKEN}}/runs/",
            "",
        ] {
            assert!(!is_path_template(PATH, other), "{other}");
        }
        assert!(is_path_template(&[], ""));
    }

    #[tokio::test]
    async fn a_call_whose_code_disagrees_with_its_spec_is_refused() {
        use crate::spec::{RawFormat, RequestBody, list};
        static PATH: &[PathPart] = &[
            PathPart::Literal(text("/runs/")),
            PathPart::Param(text("runId")),
        ];
        static OP: HttpOperation = HttpOperation {
            name: text("get-run"),
            method: text("GET"),
            description: text(""),
            path: list(PATH),
            inputs: list(&[]),
            body: RequestBody::Fields,
            output_format: RawFormat::Json,
            output: Output::Passthrough,
            output_schema: None,
        };
        let core = ClientCore::unconfigured();
        for (method, path) in [("POST", "/runs/{runId}"), ("GET", "/runs/{id}")] {
            let refused = Call::new(&core, &OP, method, path).send().await;
            let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(
                message.contains("does not match its spec (`GET /runs/{runId}`)"),
                "{message}"
            );
        }
        // Agreeing, it goes on to the client (here one without a namespace).
        let sent = Call::new(&core, &OP, "GET", "/runs/{runId}").send().await;
        let message = sent.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("does not exist"), "{message}");
    }

    /// The values a typed field hands over are those serde gave when the whole input struct
    /// was serialized: non-finite numbers are `null`, an optional field left out is absent.
    #[test]
    fn args_are_what_serde_made_of_the_fields() {
        #[derive(Serialize)]
        struct Fields {
            s: String,
            i: i64,
            n: f64,
            nan: f64,
            b: bool,
            v: Json,
            #[serde(skip_serializing_if = "Option::is_none")]
            none: Option<i64>,
            some_null: Option<Json>,
        }
        let fields = Fields {
            s: "a b".to_owned(),
            i: -3,
            n: 1.5,
            nan: f64::NAN,
            b: true,
            v: serde_json::json!({"k": [1, 2]}),
            none: None,
            some_null: Some(Json::Null),
        };
        let by_serde = serde_json::to_value(&fields).ok();
        let mut by_args = serde_json::Map::new();
        let pairs: [(&str, Option<Json>); 8] = [
            ("s", fields.s.into_json()),
            ("i", fields.i.into_json()),
            ("n", fields.n.into_json()),
            ("nan", fields.nan.into_json()),
            ("b", fields.b.into_json()),
            ("v", fields.v.into_json()),
            ("none", fields.none.into_json()),
            ("some_null", fields.some_null.into_json()),
        ];
        for (name, value) in pairs {
            if let Some(value) = value {
                by_args.insert(name.to_owned(), value);
            }
        }
        assert_eq!(by_serde, Some(Json::Object(by_args)));
    }
}
