//! What upstream received against what it should have: method, path (segment by segment,
//! decoded, so a value's `/` must have stayed inside its segment), query (exactly, as a
//! multiset), headers and cookies (the expected ones present; a secret in no other header),
//! body (by kind, with its content type).

use percent_encoding::percent_decode_str;
use serde_json::Value as Json;

use crate::echo::Received;
use crate::oracle::request::{ExpectedBody, ExpectedRequest, Param, form_pairs};

/// The prefix of every synthetic secret value, to spot one where it does not belong.
pub const SECRET_PREFIX: &str = "secret-";

/// One way a request differed from what it should have been.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// `method`, `path`, `query`, `header`, `cookie`, `body`, `auth`.
    pub aspect: &'static str,
    pub detail: String,
}

fn mismatch(aspect: &'static str, detail: String) -> Mismatch {
    Mismatch { aspect, detail }
}

/// Every difference between `received` and `expected`.
pub fn compare(expected: &ExpectedRequest, received: &Received) -> Vec<Mismatch> {
    let mut found = Vec::new();
    if !received.method.eq_ignore_ascii_case(expected.method) {
        found.push(mismatch(
            "method",
            format!("want {}, got {}", expected.method, received.method),
        ));
    }
    if segments(&received.raw_path) != segments(&expected.path) {
        found.push(mismatch(
            "path",
            format!("want {}, got {}", expected.path, received.raw_path),
        ));
    }
    compare_query(expected, received, &mut found);
    compare_headers(expected, received, &mut found);
    compare_cookies(expected, received, &mut found);
    compare_body(&expected.body, received, &mut found);
    found
}

/// The path's segments, each percent-decoded: `/a/b%2Fc` is `["", "a", "b/c"]`.
pub fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .map(|segment| percent_decode_str(segment).decode_utf8_lossy().into_owned())
        .collect()
}

fn aspect_of(param: &Param, otherwise: &'static str) -> &'static str {
    if param.auth { "auth" } else { otherwise }
}

fn compare_query(expected: &ExpectedRequest, received: &Received, found: &mut Vec<Mismatch>) {
    let mut left = form_pairs(received.raw_query.as_deref().unwrap_or(""));
    for param in &expected.query {
        match left
            .iter()
            .position(|(name, value)| *name == param.name && *value == param.value)
        {
            Some(at) => {
                left.remove(at);
            }
            None => found.push(mismatch(
                aspect_of(param, "query"),
                format!(
                    "missing `{}={}` in query `{}`",
                    param.name,
                    param.value,
                    received.raw_query.as_deref().unwrap_or("")
                ),
            )),
        }
    }
    for (name, value) in left {
        found.push(mismatch(
            if value.contains(SECRET_PREFIX) {
                "auth"
            } else {
                "query"
            },
            format!("unexpected query parameter `{name}={value}`"),
        ));
    }
}

fn compare_headers(expected: &ExpectedRequest, received: &Received, found: &mut Vec<Mismatch>) {
    for param in &expected.headers {
        let values = received.header_values(&param.name);
        if !values.contains(&param.value.as_bytes()) {
            let got: Vec<String> = values
                .iter()
                .map(|value| String::from_utf8_lossy(value).into_owned())
                .collect();
            found.push(mismatch(
                aspect_of(param, "header"),
                format!(
                    "header `{}`: want `{}`, got {:?}",
                    param.name, param.value, got
                ),
            ));
        }
    }
    for (name, value) in &received.headers {
        let expected_here = name == "cookie"
            || expected
                .headers
                .iter()
                .any(|param| param.name.eq_ignore_ascii_case(name));
        if !expected_here && String::from_utf8_lossy(value).contains(SECRET_PREFIX) {
            found.push(mismatch(
                "auth",
                format!("a secret was sent in header `{name}`, which nothing asks for"),
            ));
        }
    }
}

/// Every `name=value` of every `Cookie` header, values percent-decoded.
fn cookies(received: &Received) -> Vec<(String, String)> {
    let headers: Vec<String> = received
        .header_values("cookie")
        .iter()
        .map(|header| String::from_utf8_lossy(header).into_owned())
        .collect();
    headers
        .iter()
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            Some((
                name.to_owned(),
                percent_decode_str(value).decode_utf8_lossy().into_owned(),
            ))
        })
        .collect()
}

fn compare_cookies(expected: &ExpectedRequest, received: &Received, found: &mut Vec<Mismatch>) {
    let got = cookies(received);
    for param in &expected.cookies {
        if !got
            .iter()
            .any(|(name, value)| *name == param.name && *value == param.value)
        {
            found.push(mismatch(
                aspect_of(param, "cookie"),
                format!(
                    "cookie `{}`: want `{}`, got {got:?}",
                    param.name, param.value
                ),
            ));
        }
    }
}

fn content_type(received: &Received) -> String {
    received
        .header_values("content-type")
        .first()
        .map(|value| String::from_utf8_lossy(value).into_owned())
        .unwrap_or_default()
}

fn compare_body(expected: &ExpectedBody, received: &Received, found: &mut Vec<Mismatch>) {
    let content_type = content_type(received);
    let text = String::from_utf8_lossy(&received.body).into_owned();
    let mut want_type = |prefix: &str| {
        if !content_type
            .to_ascii_lowercase()
            .starts_with(&prefix.to_ascii_lowercase())
        {
            found.push(mismatch(
                "body",
                format!("content type: want `{prefix}`, got `{content_type}`"),
            ));
        }
    };
    let problem = match expected {
        ExpectedBody::Empty => {
            (!received.body.is_empty()).then(|| format!("want no body, got `{text}`"))
        }
        ExpectedBody::Json(want) => {
            want_type("application/json");
            match serde_json::from_slice::<Json>(&received.body) {
                Ok(got) if got == *want => None,
                _ => Some(format!("want JSON `{want}`, got `{text}`")),
            }
        }
        ExpectedBody::Form(want) => {
            want_type("application/x-www-form-urlencoded");
            let mut got = form_pairs(&text);
            let mut want = want.clone();
            got.sort();
            want.sort();
            (got != want).then(|| format!("want form {want:?}, got `{text}`"))
        }
        ExpectedBody::Multipart(want) => {
            want_type("multipart/form-data");
            let mut got = multipart_parts(&content_type, &received.body);
            let mut want = want.clone();
            got.sort();
            want.sort();
            (got != want).then(|| format!("want parts {want:?}, got {got:?}"))
        }
        ExpectedBody::Text {
            content_type: ty,
            data,
        } => {
            want_type(ty);
            (text != *data).then(|| format!("want `{data}`, got `{text}`"))
        }
    };
    if let Some(problem) = problem {
        found.push(mismatch("body", problem));
    }
}

/// `(name, data)` of every part of a `multipart/form-data` body.
fn multipart_parts(content_type: &str, body: &[u8]) -> Vec<(String, String)> {
    let Some(boundary) = content_type
        .split(';')
        .find_map(|param| param.trim().strip_prefix("boundary="))
    else {
        return Vec::new();
    };
    let delimiter = format!("--{}", boundary.trim_matches('"'));
    let text = String::from_utf8_lossy(body);
    text.split(delimiter.as_str())
        .skip(1)
        .filter_map(|part| {
            let (head, data) = part.split_once("\r\n\r\n")?;
            let name = head
                .split(';')
                .find_map(|item| item.trim().strip_prefix("name="))?
                .trim()
                .trim_matches('"')
                .to_owned();
            Some((name, data.strip_suffix("\r\n").unwrap_or(data).to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received(path: &str, query: Option<&str>, headers: &[(&str, &str)], body: &str) -> Received {
        Received {
            method: "POST".to_owned(),
            raw_path: path.to_owned(),
            raw_query: query.map(str::to_owned),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
                .collect(),
            body: bytes::Bytes::from(body.to_owned()),
        }
    }

    fn param(name: &str, value: &str, auth: bool) -> Param {
        Param {
            name: name.to_owned(),
            value: value.to_owned(),
            auth,
        }
    }

    fn expected() -> ExpectedRequest {
        ExpectedRequest {
            operation: "ns.op".to_owned(),
            method: "POST",
            path: "/u0/runs/a%20b%2Fc".to_owned(),
            query: vec![param("q", "x y", false), param("key", "secret-K", true)],
            headers: vec![param("x-v", "1", false)],
            cookies: vec![],
            body: ExpectedBody::Json(serde_json::json!({"a": 1})),
        }
    }

    #[test]
    fn an_exact_request_passes() {
        let got = received(
            "/u0/runs/a%20b%2Fc",
            Some("key=secret-K&q=x+y"),
            &[("x-v", "1"), ("content-type", "application/json")],
            r#"{"a":1}"#,
        );
        assert_eq!(compare(&expected(), &got), vec![]);
    }

    #[test]
    fn every_difference_is_named() {
        let got = received(
            "/u0/runs/a%20b/c",
            Some("q=x+y&extra=1"),
            &[
                ("x-leak", "Bearer secret-K"),
                ("content-type", "text/plain"),
            ],
            r#"{"a":2}"#,
        );
        let aspects: Vec<&str> = compare(&expected(), &got)
            .iter()
            .map(|m| m.aspect)
            .collect();
        assert_eq!(
            aspects,
            ["path", "auth", "query", "header", "auth", "body", "body"]
        );
    }

    #[test]
    fn multipart_bodies_are_read_part_by_part() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n1\r\n--XyZ--\r\n";
        assert_eq!(
            multipart_parts("multipart/form-data; boundary=XyZ", body.as_bytes()),
            vec![
                ("file".to_owned(), "hello".to_owned()),
                ("n".to_owned(), "1".to_owned())
            ]
        );
    }
}
