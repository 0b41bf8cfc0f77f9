//! Checking a `forward` (proxy) resource: one call with a sub-path that needs encoding, a query,
//! a body, a trusted and an untrusted header; upstream must get them at the namespace's base
//! URL with the namespace's credentials, and the caller must get the upstream answer back.

use naftiko::spec::RestForward;
use serde_json::Value as Json;

use crate::caller::{self, Credential};
use crate::compare::compare;
use crate::drive::Checker;
use crate::echo::default_answer;
use crate::oracle::forward::{ForwardCall, expect_forward};
use crate::report::Item;

/// A header no forward trusts: it must never reach upstream.
const UNTRUSTED: &str = "x-corpus-harness-untrusted";

impl Checker<'_> {
    pub(crate) async fn check_forward(
        &self,
        base: &str,
        forward: &'static RestForward,
        credential: Option<&Credential>,
        item: &mut Item,
    ) {
        let query = [
            ("x".to_owned(), "1".to_owned()),
            ("y".to_owned(), "two words/\u{e9}".to_owned()),
        ];
        let mut headers: Vec<(String, String)> = forward
            .trusted_headers
            .iter()
            .map(|name| (name.to_string(), format!("trusted {name}")))
            .collect();
        headers.push((UNTRUSTED.to_owned(), "nope".to_owned()));
        let call = ForwardCall {
            method: "POST",
            sub_path: "/corpus-harness/a%20b/caf%C3%A9",
            query: &query,
            headers: &headers,
            content_type: "application/json",
            body: r#"{"forwarded":"body v/1"}"#,
        };
        let expected = match expect_forward(self.spec, forward, &call, self.secrets) {
            Ok(expected) => expected,
            Err(problem) => return item.fail("binding", problem),
        };
        self.echo.reset(Vec::new());
        let answer =
            match caller::call_forward(self.client, base, &forward.prefix, &call, credential).await
            {
                Ok(answer) => answer,
                Err(error) => return item.fail("call", error),
            };
        match self.echo.received().as_slice() {
            [got] => {
                for mismatch in compare(&expected, got) {
                    let detail = format!("{}: {}", expected.operation, mismatch.detail);
                    item.fail(mismatch.aspect, detail);
                }
                if !got.header_values(UNTRUSTED).is_empty() {
                    let detail = format!("the untrusted header `{UNTRUSTED}` was passed on");
                    item.fail("header", detail);
                }
            }
            other => item.fail(
                "count",
                format!(
                    "want 1 upstream request, got {} (answer {})",
                    other.len(),
                    answer.status
                ),
            ),
        }
        let want = default_answer();
        let got: Json = serde_json::from_slice(&answer.body).unwrap_or(Json::Null);
        if answer.status != 200 || got != want {
            let body = String::from_utf8_lossy(&answer.body);
            let detail = format!("want 200 `{want}`, got {} `{body}`", answer.status);
            item.fail("response", detail);
        }
    }
}
