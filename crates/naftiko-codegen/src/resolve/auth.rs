//! Credentials: the authentication sent to a consumed API and the check an exposed adapter
//! makes of its callers. Neither has a caller to read from, so what they refer to is a secret.

use super::Resolver;
use super::template::Scope;
use crate::diag::Severity;
use crate::model::{self, ConsumedOperation, Span, Text};
use naftiko_spec::{ApiKeyPlacement, Auth, ParamLocation, TemplatePart, Value};

impl Resolver<'_> {
    pub(super) fn consumed_auth(&mut self, a: &model::Auth, scope: &Scope) -> Auth {
        let secret_scope = self.auth_scope(scope);
        let read = |r: &mut Self, t: &model::Text| r.secret_value(&t.value, &secret_scope, &t.span);
        match a {
            model::Auth::Bearer { token } => Auth::Bearer {
                token: read(self, token),
            },
            model::Auth::ApiKey {
                name,
                value,
                placement,
                ..
            } => Auth::ApiKey {
                name: name.value.clone().into(),
                value: read(self, value),
                placement: *placement,
            },
            model::Auth::Basic { username, password } => Auth::Basic {
                username: read(self, username),
                password: read(self, password),
            },
            model::Auth::Digest { username, password } => Auth::Digest {
                username: read(self, username),
                password: read(self, password),
            },
            model::Auth::AwsSigV4 {
                service, region, ..
            } => Auth::AwsSigV4 {
                service: service.value.clone().into(),
                region: region.as_ref().map(|r| r.value.clone().into()),
            },
            model::Auth::OAuth2 { span } => {
                self.diag(
                    Severity::Error,
                    "unsupported-auth",
                    span,
                    "oauth2 client authentication of a consumed API is not supported",
                )
                .help("obtain a token outside and use `type: bearer` with `token: '{{TOKEN}}'`");
                Auth::None
            }
            model::Auth::Unsupported { kind } => {
                self.diag(
                    Severity::Error,
                    "unsupported-auth",
                    &kind.span,
                    format!("authentication type `{}` is not supported", kind.value),
                )
                .help("supported: bearer, apikey (header, query, cookie, path, body), basic, digest, aws-sigv4");
                Auth::None
            }
        }
    }

    /// In auth, a bare `{{X}}` can only be a secret: there is no caller.
    pub(super) fn auth_scope(&self, scope: &Scope) -> Scope {
        Scope {
            bind_keys: self.bind_keys.clone(),
            ..scope.clone()
        }
    }

    /// A value in auth: `{{X}}` and `${X}` are secrets; a bare word is a literal.
    pub(super) fn secret_value(&mut self, text: &str, scope: &Scope, span: &Span) -> Value {
        let v = self.interpret_str_at(text, scope, span);
        secrets_only(v)
    }

    /// A header (or body field) parameter the namespace's authentication also sets: the
    /// credential wins (a caller must not replace the server's), so the caller's value is never
    /// sent.
    pub(super) fn warn_auth_params(
        &mut self,
        r: &model::ConsumedResource,
        op: &ConsumedOperation,
        location: ParamLocation,
        name: &str,
    ) {
        // Header names are case-insensitive; body field names are not.
        let (code, what) = match location {
            ParamLocation::Body => ("auth-body-param", "body field"),
            _ => ("auth-header-param", "header"),
        };
        for p in r.params.iter().chain(&op.params) {
            let at = p.location.as_ref().is_some_and(|l| l.value == location);
            let named = if location == ParamLocation::Body {
                p.name.value == name
            } else {
                p.name.value.eq_ignore_ascii_case(name)
            };
            if at && named {
                self.diag(
                    Severity::Warning,
                    code,
                    &p.span,
                    format!(
                        "{what} `{}` is set by the namespace's authentication; a value given for it is not sent",
                        p.name.value
                    ),
                )
                .help("remove the parameter, or the authentication if callers bring their own");
            }
        }
    }

    pub(super) fn exposed_auth(&mut self, auth: Option<&model::Auth>) -> Auth {
        let Some(a) = auth else {
            return Auth::None;
        };
        let scope = self.bind_scope();
        let read = |r: &mut Self, t: &Text| {
            let v = r.interpret_str_at(&t.value, &scope, &t.span);
            // On the exposed side too, a bare `{{X}}` can only name a secret.
            match v {
                Value::Input(n) => Value::Secret(n),
                other => other,
            }
        };
        match a {
            model::Auth::Bearer { token } => Auth::Bearer {
                token: read(self, token),
            },
            model::Auth::ApiKey { extra, name, .. } if !extra.is_empty() => {
                self.diag(
                    Severity::Error,
                    "unsupported-auth",
                    &name.span,
                    "callers authenticated by several API keys at once are not supported",
                )
                .help("use one apikey, bearer or basic");
                Auth::None
            }
            model::Auth::ApiKey {
                name,
                placement: placement @ (ApiKeyPlacement::Path | ApiKeyPlacement::Body),
                ..
            } => {
                self.diag(
                    Severity::Error,
                    "bad-apikey-placement",
                    &name.span,
                    format!(
                        "callers cannot be asked for an API key in the {}: only a header, the query or a cookie carries a caller's credential",
                        placement.as_str()
                    ),
                )
                .help("ask callers for the key in a header, the query or a cookie");
                Auth::None
            }
            model::Auth::ApiKey {
                name,
                value,
                placement,
                ..
            } => Auth::ApiKey {
                name: name.value.clone().into(),
                value: read(self, value),
                placement: *placement,
            },
            model::Auth::Basic { username, password } => Auth::Basic {
                username: read(self, username),
                password: read(self, password),
            },
            model::Auth::Digest { username, .. } => {
                self.diag(
                    Severity::Error,
                    "unsupported-auth",
                    &username.span,
                    "digest authentication of callers is not supported",
                )
                .help("use bearer, apikey or basic");
                Auth::None
            }
            model::Auth::AwsSigV4 { span, .. } => {
                self.diag(
                    Severity::Error,
                    "unsupported-auth",
                    span,
                    "checking callers' AWS signatures is not supported: aws-sigv4 signs requests to consumed APIs",
                )
                .help("use bearer, apikey or basic");
                Auth::None
            }
            model::Auth::OAuth2 { span } => {
                self.diag(
                    Severity::Error,
                    "unsupported-auth",
                    span,
                    "oauth2 resource-server validation of callers is not supported yet",
                )
                .help("use bearer with a secret token, or put an OAuth2 proxy in front");
                Auth::None
            }
            model::Auth::Unsupported { kind } => {
                self.diag(
                    Severity::Error,
                    "unsupported-auth",
                    &kind.span,
                    format!("authentication type `{}` is not supported", kind.value),
                )
                .help("use bearer, apikey or basic");
                Auth::None
            }
        }
    }
}

/// In auth every reference is a secret: an input reference `{{X}}` becomes secret X.
fn secrets_only(v: Value) -> Value {
    match v {
        Value::Input(name) => Value::Secret(name),
        Value::Template(parts) => Value::Template(
            parts
                .into_owned()
                .into_iter()
                .map(|p| match p {
                    TemplatePart::Value(v) => TemplatePart::Value(secrets_only(v)),
                    t => t,
                })
                .collect::<Vec<_>>()
                .into(),
        ),
        other => other,
    }
}
