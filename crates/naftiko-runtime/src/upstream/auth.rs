//! Authenticating upstream requests: Bearer, API key (header, query or cookie; a key in the
//! path or the body is put there by request building), Basic, HTTP Digest (RFC 7616) and AWS
//! Signature Version 4.
//!
//! Credentials are put into headers marked sensitive and never copied into an error message.
//! A credential header made of secrets and literals only (the usual case) is built once, when
//! the client is ([`Prebuilt`]); one that names caller inputs is evaluated per request.
//!
//! Digest needs a challenge from the server first: the request goes out without credentials,
//! and when the answer is `401` with a `WWW-Authenticate: Digest …` challenge, it is sent once
//! more with the computed `Authorization`. Supported: `MD5`, `SHA-256` and their `-sess`
//! variants, with `qop=auth` or without qop (RFC 2069). `auth-int` and `userhash` are not, and
//! the 401 is then returned as is. No nonce is cached between calls, so every call costs one
//! extra round trip; that keeps the client stateless.
//!
//! AWS Signature Version 4 ([`AwsSigner`]) signs the request as it is finally sent, after
//! hooks, with the body as encoded: the official `aws-sigv4` crate computes the signature, the
//! body's SHA-256 goes out in `x-amz-content-sha256`, and `x-amz-date`, `Authorization` and
//! (with temporary credentials) `x-amz-security-token` are added.

use std::hash::{BuildHasher, Hasher};

use base64::Engine as _;
use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use md5::Md5;
use sha2::{Digest as _, Sha256};

use super::wire::{Wire, config_problem, header_name};
use crate::config::AwsSettings;
use crate::error::Error;
use crate::interp::inputs::Inputs;
use crate::interp::value::{Scope, evaluate_text};
use crate::secret::Secrets;
use crate::spec::{ApiKeyPlacement, Auth, ConsumesSpec, TemplatePart, Value};

/// The credential of a namespace whose credential depends on nothing a request brings: the
/// same for every call, so it is built once instead of formatted and checked per request.
#[derive(Clone)]
pub(crate) enum Prebuilt {
    /// Nothing to add: no scheme, Digest, or a credential that evaluates to nothing.
    Nothing,
    /// This header (marked sensitive), set on every request.
    Header(HeaderName, HeaderValue),
}

/// The credential built once, or `None` when it must be evaluated per request: it names caller
/// inputs or step outputs, it goes into the query or a cookie, or it cannot be sent (that error
/// is then reported by every call, as it would be without this).
pub(crate) fn prebuild(consumes: &ConsumesSpec, secrets: &Secrets) -> Option<Prebuilt> {
    let fixed = match &consumes.auth {
        Auth::None | Auth::Digest { .. } | Auth::AwsSigV4 { .. } => {
            return Some(Prebuilt::Nothing);
        }
        Auth::Bearer { token } => is_fixed(token),
        Auth::ApiKey {
            value,
            placement: ApiKeyPlacement::Header,
            ..
        } => is_fixed(value),
        Auth::ApiKey { .. } => false,
        Auth::Basic { username, password } => is_fixed(username) && is_fixed(password),
    };
    if !fixed {
        return None;
    }
    let no_inputs = Inputs::new();
    let no_steps = serde_json::Map::new();
    let scope = Scope {
        inputs: &no_inputs,
        secrets,
        steps: &no_steps,
    };
    let mut wire = Wire::default();
    evaluate_into(consumes, scope, &mut wire).ok()?;
    let mut headers = wire.headers.into_iter();
    Some(match headers.next() {
        None => Prebuilt::Nothing,
        Some((Some(name), value)) if headers.next().is_none() => Prebuilt::Header(name, value),
        // Never produced by one credential; evaluated per request should it ever be.
        Some(_) => return None,
    })
}

/// Whether `value` is made of literals and secrets only (the same text on every request).
fn is_fixed(value: &Value) -> bool {
    match value {
        Value::Literal(_) | Value::Secret(_) => true,
        Value::Input(_) | Value::Step { .. } => false,
        Value::Template(parts) => parts.iter().all(|part| match part {
            TemplatePart::Text(_) => true,
            TemplatePart::Value(inner) => is_fixed(inner),
        }),
        Value::Object(fields) => fields.iter().all(|(_, field)| is_fixed(field)),
        Value::Array(items) => items.iter().all(is_fixed),
    }
}

/// Adds the namespace's credentials (all schemes but Digest, which needs a challenge first):
/// the prebuilt one when there is one, else evaluated in `scope`. A credential that evaluates
/// to nothing is left out, so the upstream's 401 reaches the caller.
pub(crate) fn apply(
    consumes: &ConsumesSpec,
    prebuilt: Option<&Prebuilt>,
    scope: Scope<'_>,
    wire: &mut Wire,
) -> Result<(), Error> {
    match prebuilt {
        Some(Prebuilt::Nothing) => Ok(()),
        Some(Prebuilt::Header(name, value)) => {
            wire.headers.insert(name.clone(), value.clone());
            Ok(())
        }
        None => evaluate_into(consumes, scope, wire),
    }
}

fn evaluate_into(consumes: &ConsumesSpec, scope: Scope<'_>, wire: &mut Wire) -> Result<(), Error> {
    match &consumes.auth {
        // Digest answers a challenge and a signature covers the final request: both later.
        Auth::None | Auth::Digest { .. } | Auth::AwsSigV4 { .. } => {}
        Auth::Bearer { token } => {
            if let Some(token) = evaluate_text(token, scope) {
                // Some specs put the scheme into the token template already.
                let has_scheme = token
                    .get(..7)
                    .is_some_and(|scheme| scheme.eq_ignore_ascii_case("bearer "));
                let value = if has_scheme {
                    token
                } else {
                    format!("Bearer {token}")
                };
                wire.headers
                    .insert(AUTHORIZATION, sensitive(consumes, "bearer token", &value)?);
            }
        }
        Auth::ApiKey {
            name,
            value,
            placement,
        } => {
            if let Some(key) = evaluate_text(value, scope) {
                match placement {
                    ApiKeyPlacement::Header => {
                        wire.headers
                            .insert(header_name(name)?, sensitive(consumes, "API key", &key)?);
                    }
                    ApiKeyPlacement::Query => wire.query.push((name.to_string(), key)),
                    ApiKeyPlacement::Cookie => wire.cookies.push((name.to_string(), key)),
                    // The resolver put the key into the operation's path already.
                    ApiKeyPlacement::Path => {}
                    // Request building puts it into the body (see `request`).
                    ApiKeyPlacement::Body => {}
                }
            }
        }
        Auth::Basic { username, password } => {
            if let Some(username) = evaluate_text(username, scope) {
                let password = evaluate_text(password, scope).unwrap_or_default();
                let encoded = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{password}"));
                wire.headers.insert(
                    AUTHORIZATION,
                    sensitive(consumes, "basic credentials", &format!("Basic {encoded}"))?,
                );
            }
        }
    }
    Ok(())
}

/// Signs the requests of one namespace with AWS Signature Version 4.
#[derive(Clone)]
pub(crate) struct AwsSigner {
    credentials: aws_credential_types::Credentials,
    region: String,
    service: &'static str,
}

impl AwsSigner {
    /// The signer for `service` (the spec's signing name), with the settings read and checked
    /// at start-up.
    pub(crate) fn new(service: &'static str, settings: AwsSettings) -> Self {
        AwsSigner {
            credentials: aws_credential_types::Credentials::new(
                settings.access_key_id.expose(),
                settings.secret_access_key.expose(),
                settings
                    .session_token
                    .as_ref()
                    .map(|token| token.expose().to_owned()),
                None,
                "environment",
            ),
            region: settings.region,
            service,
        }
    }

    /// Adds the signature of this exact request (now) to `headers`. The headers given are
    /// signed as they are, so nothing may change them afterwards but the transport's `Host`
    /// (the URL's authority, which the signature covers the same way) and `Content-Length`.
    pub(crate) fn sign(
        &self,
        consumes: &ConsumesSpec,
        method: &Method,
        url: &url::Url,
        headers: &mut HeaderMap,
        body: &[u8],
    ) -> Result<(), Error> {
        self.sign_at(
            consumes,
            method,
            url,
            headers,
            body,
            std::time::SystemTime::now(),
        )
    }

    fn sign_at(
        &self,
        consumes: &ConsumesSpec,
        method: &Method,
        url: &url::Url,
        headers: &mut HeaderMap,
        body: &[u8],
        time: std::time::SystemTime,
    ) -> Result<(), Error> {
        use aws_sigv4::http_request::{
            PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign,
        };
        let unusable = |what: &str| {
            config_problem(format!(
                "cannot sign the request to `{}` for AWS: {what}",
                consumes.namespace
            ))
        };
        let mut signed_headers = Vec::with_capacity(headers.len());
        for (name, value) in headers.iter() {
            let value = value
                .to_str()
                .map_err(|_| unusable(&format!("header `{name}` is not visible ASCII")))?;
            signed_headers.push((name.as_str(), value));
        }
        let mut settings = SigningSettings::default();
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        let identity = self.credentials.clone().into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(self.service)
            .time(time)
            .settings(settings)
            .build()
            .map_err(|_| unusable("the signing parameters are incomplete"))?
            .into();
        let request = SignableRequest::new(
            method.as_str(),
            url.as_str(),
            signed_headers.into_iter(),
            SignableBody::Bytes(body),
        )
        .map_err(|_| unusable("the URL cannot be signed"))?;
        // The signing crate traces the request it signs (URL and headers, where a secret may
        // be) at trace level: those events are not let out.
        let signed =
            tracing::subscriber::with_default(tracing::subscriber::NoSubscriber::default(), || {
                sign(request, &params)
            })
            .map_err(|_| unusable("the signature could not be computed"))?;
        let (instructions, _signature) = signed.into_parts();
        let (added, _query) = instructions.into_parts();
        for header in added {
            let name = HeaderName::from_static(header.name());
            let mut value = HeaderValue::from_str(header.value())
                .map_err(|_| unusable("a signing header is not a header value"))?;
            value.set_sensitive(header.sensitive() || name == AUTHORIZATION);
            headers.insert(name, value);
        }
        Ok(())
    }
}

/// A header value marked sensitive; the error says which credential is unusable, never its value.
fn sensitive(consumes: &ConsumesSpec, what: &str, text: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_bytes(text.as_bytes())
        .ok()
        .filter(|_| !text.contains(['\r', '\n', '\0']))
        .ok_or_else(|| {
            config_problem(format!(
                "the {what} of `{}` contains characters that cannot be sent in a header",
                consumes.namespace
            ))
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// The `Authorization` answering a Digest challenge in `headers` (of a 401), or `None` when
/// the namespace does not use Digest or no challenge is one we support.
pub(crate) fn digest_answer(
    consumes: &ConsumesSpec,
    scope: Scope<'_>,
    challenge_headers: &HeaderMap,
    method: &Method,
    url: &url::Url,
) -> Result<Option<HeaderValue>, Error> {
    let Auth::Digest { username, password } = &consumes.auth else {
        return Ok(None);
    };
    let Some(challenge) = best_challenge(challenge_headers) else {
        return Ok(None);
    };
    let username = evaluate_text(username, scope).unwrap_or_default();
    let password = evaluate_text(password, scope).unwrap_or_default();
    let uri = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let cnonce = client_nonce();
    let value = challenge.authorization(&username, &password, method.as_str(), &uri, &cnonce);
    sensitive(consumes, "digest credentials", &value).map(Some)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Algorithm {
    Md5,
    Sha256,
}

#[derive(Debug)]
struct Challenge {
    algorithm: Algorithm,
    /// Whether the name the server sent ended in `-sess`; echoed back verbatim in `algorithm_name`.
    session: bool,
    algorithm_name: Option<String>,
    realm: String,
    nonce: String,
    opaque: Option<String>,
    /// `qop=auth` offered; otherwise the RFC 2069 computation is used.
    qop_auth: bool,
}

impl Challenge {
    fn authorization(
        &self,
        username: &str,
        password: &str,
        method: &str,
        uri: &str,
        cnonce: &str,
    ) -> String {
        let hash = |text: String| match self.algorithm {
            Algorithm::Md5 => hex(&Md5::digest(text.as_bytes())),
            Algorithm::Sha256 => hex(&Sha256::digest(text.as_bytes())),
        };
        let mut ha1 = hash(format!("{username}:{}:{password}", self.realm));
        if self.session {
            ha1 = hash(format!("{ha1}:{}:{cnonce}", self.nonce));
        }
        let ha2 = hash(format!("{method}:{uri}"));
        let nonce_count = "00000001";
        let response = if self.qop_auth {
            hash(format!(
                "{ha1}:{}:{nonce_count}:{cnonce}:auth:{ha2}",
                self.nonce
            ))
        } else {
            hash(format!("{ha1}:{}:{ha2}", self.nonce))
        };
        let mut header = format!(
            "Digest username={}, realm={}, nonce={}, uri={}, response={}",
            quote(username),
            quote(&self.realm),
            quote(&self.nonce),
            quote(uri),
            quote(&response)
        );
        if let Some(name) = &self.algorithm_name {
            header.push_str(&format!(", algorithm={name}"));
        }
        if self.qop_auth {
            header.push_str(&format!(
                ", qop=auth, nc={nonce_count}, cnonce={}",
                quote(cnonce)
            ));
        }
        if let Some(opaque) = &self.opaque {
            header.push_str(&format!(", opaque={}", quote(opaque)));
        }
        header
    }
}

/// The strongest supported Digest challenge among all `WWW-Authenticate` headers.
fn best_challenge(headers: &HeaderMap) -> Option<Challenge> {
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(digest_challenges)
        .max_by_key(|challenge| challenge.algorithm)
}

/// Every Digest challenge in one header value (which may also hold other schemes).
fn digest_challenges(text: &str) -> Vec<Challenge> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some((scheme, after)) = next_scheme(rest) {
        let (params, remaining) = parse_params(after);
        rest = remaining;
        if scheme.eq_ignore_ascii_case("digest") {
            found.extend(challenge_from(&params));
        }
    }
    found
}

fn challenge_from(params: &[(String, String)]) -> Option<Challenge> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.clone())
    };
    let algorithm_name = get("algorithm");
    let (algorithm, session) = match algorithm_name
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("MD5") => (Algorithm::Md5, false),
        Some("MD5-SESS") => (Algorithm::Md5, true),
        Some("SHA-256") => (Algorithm::Sha256, false),
        Some("SHA-256-SESS") => (Algorithm::Sha256, true),
        Some(_) => return None,
    };
    let qop_auth = match get("qop") {
        None => false,
        Some(offered) => {
            if !offered
                .split(',')
                .any(|qop| qop.trim().eq_ignore_ascii_case("auth"))
            {
                return None;
            }
            true
        }
    };
    // `-sess` is defined only together with qop in RFC 7616.
    if session && !qop_auth {
        return None;
    }
    Some(Challenge {
        algorithm,
        session,
        algorithm_name,
        realm: get("realm")?,
        nonce: get("nonce")?,
        opaque: get("opaque"),
        qop_auth,
    })
}

/// The next auth scheme token and the text after it.
fn next_scheme(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
    if text.is_empty() {
        return None;
    }
    let end = text
        .find(|c: char| c == ',' || c.is_whitespace())
        .unwrap_or(text.len());
    Some((&text[..end], &text[end..]))
}

/// `name=value` pairs (values token or quoted string) up to the next scheme; returns the rest.
fn parse_params(mut text: &str) -> (Vec<(String, String)>, &str) {
    let mut params = Vec::new();
    loop {
        let trimmed = text.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let name_end = trimmed
            .find(|c: char| c == '=' || c == ',' || c.is_whitespace())
            .unwrap_or(trimmed.len());
        let (name, after_name) = trimmed.split_at(name_end);
        let after_name = after_name.trim_start();
        let Some(value_text) = after_name.strip_prefix('=') else {
            // A token without `=` starts the next challenge (or the text ended).
            return (params, trimmed);
        };
        let value_text = value_text.trim_start();
        let (value, remaining) = if let Some(quoted) = value_text.strip_prefix('"') {
            unquote(quoted)
        } else {
            let end = value_text
                .find(|c: char| c == ',' || c.is_whitespace())
                .unwrap_or(value_text.len());
            (value_text[..end].to_owned(), &value_text[end..])
        };
        params.push((name.to_owned(), value));
        text = remaining;
    }
}

/// The content of a quoted string whose opening quote is already consumed, and the rest.
fn unquote(text: &str) -> (String, &str) {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return (value, &text[at + 1..]),
            '\\' => {
                if let Some((_, escaped)) = chars.next() {
                    value.push(escaped);
                }
            }
            other => value.push(other),
        }
    }
    (value, "")
}

fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// 128 unpredictable bits: `RandomState` is seeded from the OS per process and varies per instance.
pub(crate) fn client_nonce() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let mut first = std::collections::hash_map::RandomState::new().build_hasher();
    first.write_u128(nanos);
    let high = first.finish();
    let low = std::collections::hash_map::RandomState::new().hash_one(high);
    format!("{high:016x}{low:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{list, text};

    #[test]
    fn rfc_7616_examples() {
        // RFC 7616 section 3.9.1: the same request answered with MD5 and with SHA-256.
        let header = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;
        let challenges = digest_challenges(header);
        assert_eq!(challenges.len(), 2);
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        let expected = [
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
            "8ca523f5e9506fed4657c9700eebdbec",
        ];
        for (challenge, response) in challenges.iter().zip(expected) {
            let answer = challenge.authorization(
                "Mufasa",
                "Circle of Life",
                "GET",
                "/dir/index.html",
                cnonce,
            );
            assert!(
                answer.contains(&format!("response=\"{response}\"")),
                "{answer}"
            );
            assert!(answer.contains("qop=auth, nc=00000001"), "{answer}");
        }
        let mut headers = HeaderMap::new();
        headers.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Basic realm="x""#),
        );
        headers.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_str(header).unwrap_or_else(|_| HeaderValue::from_static("")),
        );
        assert_eq!(
            best_challenge(&headers).map(|c| c.algorithm),
            Some(Algorithm::Sha256)
        );
    }

    fn bearer(token: Value) -> ConsumesSpec {
        ConsumesSpec {
            namespace: text("ns"),
            env_prefix: text("NS"),
            base_url: text(""),
            description: text(""),
            timeout_ms: 1,
            auth: Auth::Bearer { token },
            default_params: list(&[]),
            operations: list(&[]),
        }
    }

    #[test]
    fn fixed_credentials_are_built_once_and_others_per_request() {
        use crate::secret::SecretString;
        let mut secrets = Secrets::new();
        secrets.insert("TOKEN", SecretString::new("s3cret"));
        static FROM_SECRET: &[TemplatePart] = &[
            TemplatePart::Text(text("Bearer ")),
            TemplatePart::Value(Value::Secret(text("TOKEN"))),
        ];
        let built = match prebuild(&bearer(Value::Template(list(FROM_SECRET))), &secrets) {
            Some(Prebuilt::Header(name, value)) => Some((name, value)),
            _ => None,
        };
        assert_eq!(
            built
                .as_ref()
                .map(|(name, value)| (name.as_str(), value.to_str().ok())),
            Some(("authorization", Some("Bearer s3cret")))
        );
        assert!(built.is_some_and(|(_, value)| value.is_sensitive()));
        // Absent secret: nothing is sent, as a per-request evaluation would decide.
        assert!(matches!(
            prebuild(&bearer(Value::Secret(text("MISSING"))), &secrets),
            Some(Prebuilt::Nothing)
        ));
        // A token from the caller, or one that cannot be a header value: per request.
        assert!(prebuild(&bearer(Value::Input(text("token"))), &secrets).is_none());
        assert!(prebuild(&bearer(Value::Literal(text("\"a\\nb\""))), &secrets).is_none());
    }

    #[test]
    fn unsupported_challenges_are_skipped() {
        assert!(digest_challenges(r#"Digest realm="r", nonce="n", qop="auth-int""#).is_empty());
        assert!(
            digest_challenges(r#"Digest realm="r", nonce="n", algorithm=SHA-512-256"#).is_empty()
        );
        assert!(digest_challenges(r#"Basic realm="r""#).is_empty());
        let legacy = digest_challenges(r#"Digest realm="a \"q\"", nonce=abc"#);
        assert_eq!(
            legacy.first().map(|c| (c.realm.as_str(), c.qop_auth)),
            Some(("a \"q\"", false))
        );
    }
}
