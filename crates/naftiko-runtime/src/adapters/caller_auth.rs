//! The credential callers of an exposed adapter (REST, MCP over HTTP or control) must present
//! (`exposes[].authentication`).
//!
//! The expected values are evaluated once, when the router is built (they usually come from a
//! bind, read at start-up), and kept as bytes that are never printed. A presented credential is
//! compared in constant time so the answer's timing does not reveal how much of a guess was
//! right. A refusal is a 401 problem with a `WWW-Authenticate` challenge; it never says which
//! part was wrong.

use std::fmt;
use std::sync::Arc;

use axum::Router;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};

use crate::adapters::problem::Problem;
use crate::error::Error;
use crate::interp::inputs::Inputs;
use crate::interp::value::{Scope, evaluate_text};
use crate::secret::Secrets;
use crate::spec::{ApiKeyPlacement, Auth, Value};

/// What a request must carry to be served.
pub(crate) struct AuthCheck {
    expected: Expected,
    challenge: HeaderValue,
}

enum Expected {
    Nothing,
    Bearer(Vec<u8>),
    ApiKey {
        name: &'static str,
        placement: ApiKeyPlacement,
        value: Vec<u8>,
    },
    Basic {
        username: Vec<u8>,
        password: Vec<u8>,
    },
}

impl fmt::Debug for AuthCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match &self.expected {
            Expected::Nothing => "none",
            Expected::Bearer(_) => "bearer",
            Expected::ApiKey { .. } => "apikey",
            Expected::Basic { .. } => "basic",
        };
        f.debug_struct("AuthCheck")
            .field("scheme", &scheme)
            .finish_non_exhaustive()
    }
}

impl AuthCheck {
    /// Evaluates the expected credential of `auth`. `realm` names the adapter in challenges.
    pub fn build(auth: &'static Auth, realm: &str, secrets: &Secrets) -> Result<AuthCheck, Error> {
        let value_of = |value: &'static Value, what: &str| -> Result<Vec<u8>, Error> {
            let empty = Inputs::new();
            let steps = serde_json::Map::new();
            let scope = Scope {
                inputs: &empty,
                secrets,
                steps: &steps,
            };
            match evaluate_text(value, scope) {
                Some(text) if !text.is_empty() => Ok(text.into_bytes()),
                // An empty expected credential would let every caller in; refuse to start instead.
                _ => Err(Error::Config {
                    missing: Vec::new(),
                    problems: vec![format!("adapter `{realm}`: the expected {what} is empty")],
                }),
            }
        };
        let realm = realm.replace(['"', '\\'], "");
        let (expected, challenge) = match auth {
            Auth::None => (Expected::Nothing, String::new()),
            Auth::Bearer { token } => (
                Expected::Bearer(value_of(token, "bearer token")?),
                format!("Bearer realm=\"{realm}\""),
            ),
            Auth::ApiKey {
                name,
                value,
                placement,
            } => (
                Expected::ApiKey {
                    name,
                    placement: *placement,
                    value: value_of(value, "API key")?,
                },
                format!("ApiKey realm=\"{realm}\""),
            ),
            Auth::Basic { username, password } => (
                Expected::Basic {
                    username: value_of(username, "username")?,
                    password: value_of(password, "password")?,
                },
                format!("Basic realm=\"{realm}\", charset=\"UTF-8\""),
            ),
            // The code generator never asks callers for digest or an AWS signature; a
            // hand-built spec that does would otherwise let every caller in.
            Auth::Digest { .. } | Auth::AwsSigV4 { .. } => {
                return Err(Error::Config {
                    missing: Vec::new(),
                    problems: vec![format!(
                        "adapter `{realm}`: this authentication of callers is not supported"
                    )],
                });
            }
        };
        let challenge = HeaderValue::from_str(&challenge).map_err(|_| {
            Error::Serve(format!(
                "adapter `{realm}`: its name cannot appear in a header"
            ))
        })?;
        Ok(AuthCheck {
            expected,
            challenge,
        })
    }

    pub fn is_required(&self) -> bool {
        !matches!(self.expected, Expected::Nothing)
    }

    /// `Ok` when the request carries the expected credential, else the 401 answer.
    pub fn check(&self, parts: &Parts) -> Result<(), Response> {
        let accepted = match &self.expected {
            Expected::Nothing => true,
            Expected::Bearer(token) => presented_scheme(parts, "Bearer")
                .is_some_and(|given| constant_time_eq(given.as_bytes(), token)),
            Expected::ApiKey {
                name,
                placement,
                value,
            } => presented_key(parts, name, *placement)
                .is_some_and(|given| constant_time_eq(given.as_bytes(), value)),
            Expected::Basic { username, password } => {
                presented_basic(parts).is_some_and(|(user, pass)| {
                    // `&`, not `&&`: check both so timing does not tell which one was wrong.
                    constant_time_eq(&user, username) & constant_time_eq(&pass, password)
                })
            }
        };
        if accepted {
            return Ok(());
        }
        let mut response = Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Unauthorized",
            "missing or wrong credentials",
        )
        .into_response();
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, self.challenge.clone());
        Err(response)
    }
}

/// `router` with every request checked by `check` before it is routed (for adapters whose
/// every endpoint is guarded alike; REST checks per route, after routing).
pub(crate) fn guard(router: Router, check: Arc<AuthCheck>) -> Router {
    if !check.is_required() {
        return router;
    }
    router.layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            let check = Arc::clone(&check);
            async move {
                let (parts, body) = request.into_parts();
                if let Err(refusal) = check.check(&parts) {
                    return refusal;
                }
                next.run(axum::extract::Request::from_parts(parts, body))
                    .await
            }
        },
    ))
}

/// The credential after `<scheme> ` in `Authorization` (the scheme matched without case).
fn presented_scheme<'a>(parts: &'a Parts, scheme: &str) -> Option<&'a str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (given_scheme, credential) = value.split_once(' ')?;
    given_scheme
        .eq_ignore_ascii_case(scheme)
        .then(|| credential.trim())
}

fn presented_basic(parts: &Parts) -> Option<(Vec<u8>, Vec<u8>)> {
    let encoded = presented_scheme(parts, "Basic")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let colon = decoded.iter().position(|byte| *byte == b':')?;
    let (user, pass) = decoded.split_at(colon);
    Some((user.to_vec(), pass.get(1..).unwrap_or_default().to_vec()))
}

fn presented_key(parts: &Parts, name: &str, placement: ApiKeyPlacement) -> Option<String> {
    match placement {
        ApiKeyPlacement::Header => parts.headers.get(name)?.to_str().ok().map(str::to_owned),
        ApiKeyPlacement::Query => {
            let query =
                axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri).ok()?;
            query
                .0
                .into_iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value)
        }
        ApiKeyPlacement::Cookie => cookie(parts, name),
        // Callers are never asked for a key in the path or the body (the resolver refuses it):
        // nothing is presented, so every caller is refused.
        ApiKeyPlacement::Path | ApiKeyPlacement::Body => None,
    }
}

/// The value of cookie `name` from the request's `Cookie` headers.
pub(crate) fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"').to_owned())
}

/// Compares without stopping at the first difference; the time taken depends only on the
/// length of `expected`.
pub(crate) fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    let mut difference = u8::from(given.len() != expected.len());
    for (index, expected_byte) in expected.iter().enumerate() {
        let given_byte = given.get(index).copied().unwrap_or(!expected_byte);
        difference |= std::hint::black_box(given_byte ^ expected_byte);
    }
    difference == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::SecretString;
    use crate::spec::text;

    #[test]
    fn constant_time_eq_compares_whole_values() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secreT", b"secret"));
        assert!(!constant_time_eq(b"secret!", b"secret"));
        assert!(!constant_time_eq(b"secre", b"secret"));
        assert!(!constant_time_eq(b"", b"secret"));
        assert!(constant_time_eq(b"", b""));
    }

    fn parts(headers: &[(&str, &str)], uri: &str) -> Parts {
        let mut request = http::Request::builder().uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        match request.body(()) {
            Ok(request) => request.into_parts().0,
            Err(_) => http::Request::new(()).into_parts().0,
        }
    }

    fn secrets() -> Secrets {
        let mut secrets = Secrets::new();
        secrets.insert("TOKEN", SecretString::new("t0ken"));
        secrets
    }

    #[test]
    fn bearer_accepts_only_the_token() -> Result<(), Error> {
        static AUTH: Auth = Auth::Bearer {
            token: Value::Secret(text("TOKEN")),
        };
        let check = AuthCheck::build(&AUTH, "runs", &secrets())?;
        // `guard` leaves a router unguarded when no credential is required.
        assert!(check.is_required());
        static OPEN: Auth = Auth::None;
        assert!(!AuthCheck::build(&OPEN, "open", &secrets())?.is_required());
        assert!(
            check
                .check(&parts(&[("authorization", "Bearer t0ken")], "/"))
                .is_ok()
        );
        assert!(
            check
                .check(&parts(&[("authorization", "bearer t0ken")], "/"))
                .is_ok()
        );
        let Err(refused) = check.check(&parts(&[("authorization", "Bearer t0ke")], "/")) else {
            return Err(Error::Serve("accepted a wrong token".into()));
        };
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            refused.headers()[header::WWW_AUTHENTICATE],
            "Bearer realm=\"runs\""
        );
        assert!(check.check(&parts(&[], "/")).is_err());
        // Debug names the scheme, never the credential.
        assert_eq!(format!("{check:?}"), "AuthCheck { scheme: \"bearer\", .. }");
        Ok(())
    }

    /// `guard` puts the check in front of every route of a router that requires a credential,
    /// and leaves an open one as it is.
    #[tokio::test]
    async fn guard_refuses_before_routing() -> Result<(), Error> {
        use tower::ServiceExt as _;
        static AUTH: Auth = Auth::Bearer {
            token: Value::Secret(text("TOKEN")),
        };
        static OPEN: Auth = Auth::None;
        let status = |router: Router, token: Option<&'static str>| async move {
            let mut request = http::Request::builder().uri("/mcp");
            if let Some(token) = token {
                request = request.header(header::AUTHORIZATION, token);
            }
            let request = request
                .body(axum::body::Body::empty())
                .map_err(|e| Error::Serve(e.to_string()))?;
            let response = router
                .oneshot(request)
                .await
                .map_err(|e| Error::Serve(e.to_string()))?;
            Ok::<_, Error>(response.status())
        };
        let routes = || Router::new().route("/mcp", axum::routing::get(|| async { "served" }));
        let guarded = guard(
            routes(),
            Arc::new(AuthCheck::build(&AUTH, "runs", &secrets())?),
        );
        assert_eq!(
            status(guarded.clone(), None).await?,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            status(guarded.clone(), Some("Bearer wrong")).await?,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(status(guarded, Some("Bearer t0ken")).await?, StatusCode::OK);
        let open = guard(
            routes(),
            Arc::new(AuthCheck::build(&OPEN, "open", &secrets())?),
        );
        assert_eq!(status(open, None).await?, StatusCode::OK);
        Ok(())
    }

    #[test]
    fn api_key_in_header_query_and_cookie() -> Result<(), Error> {
        static IN_HEADER: Auth = Auth::ApiKey {
            name: text("x-api-key"),
            value: Value::Secret(text("TOKEN")),
            placement: ApiKeyPlacement::Header,
        };
        static IN_QUERY: Auth = Auth::ApiKey {
            name: text("key"),
            value: Value::Secret(text("TOKEN")),
            placement: ApiKeyPlacement::Query,
        };
        static IN_COOKIE: Auth = Auth::ApiKey {
            name: text("k"),
            value: Value::Secret(text("TOKEN")),
            placement: ApiKeyPlacement::Cookie,
        };
        let header_check = AuthCheck::build(&IN_HEADER, "a", &secrets())?;
        assert!(
            header_check
                .check(&parts(&[("X-Api-Key", "t0ken")], "/"))
                .is_ok()
        );
        assert!(
            header_check
                .check(&parts(&[("X-Api-Key", "nope")], "/"))
                .is_err()
        );
        let query_check = AuthCheck::build(&IN_QUERY, "a", &secrets())?;
        assert!(query_check.check(&parts(&[], "/x?a=1&key=t0ken")).is_ok());
        assert!(query_check.check(&parts(&[], "/x?key=t0k")).is_err());
        let cookie_check = AuthCheck::build(&IN_COOKIE, "a", &secrets())?;
        assert!(
            cookie_check
                .check(&parts(&[("cookie", "a=b; k=t0ken")], "/"))
                .is_ok()
        );
        assert!(
            cookie_check
                .check(&parts(&[("cookie", "k=other")], "/"))
                .is_err()
        );
        Ok(())
    }

    #[test]
    fn basic_checks_user_and_password() -> Result<(), Error> {
        static AUTH: Auth = Auth::Basic {
            username: Value::Literal(text("\"admin\"")),
            password: Value::Secret(text("TOKEN")),
        };
        let check = AuthCheck::build(&AUTH, "a", &secrets())?;
        let encode = |text: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(text)
            )
        };
        assert!(
            check
                .check(&parts(&[("authorization", &encode("admin:t0ken"))], "/"))
                .is_ok()
        );
        assert!(
            check
                .check(&parts(&[("authorization", &encode("admin:wrong"))], "/"))
                .is_err()
        );
        assert!(
            check
                .check(&parts(&[("authorization", &encode("root:t0ken"))], "/"))
                .is_err()
        );
        assert!(
            check
                .check(&parts(&[("authorization", "Basic !!!")], "/"))
                .is_err()
        );
        Ok(())
    }

    #[test]
    fn an_empty_expected_credential_stops_start_up() {
        static AUTH: Auth = Auth::Bearer {
            token: Value::Secret(text("MISSING")),
        };
        assert!(matches!(
            AuthCheck::build(&AUTH, "a", &secrets()),
            Err(Error::Config { .. })
        ));
        // Set but empty is no better: an empty bearer token would then let every caller in.
        static EMPTY: Auth = Auth::Bearer {
            token: Value::Secret(text("EMPTY")),
        };
        let mut secrets = secrets();
        secrets.insert("EMPTY", SecretString::new(""));
        assert!(matches!(
            AuthCheck::build(&EMPTY, "a", &secrets),
            Err(Error::Config { .. })
        ));
    }
}
