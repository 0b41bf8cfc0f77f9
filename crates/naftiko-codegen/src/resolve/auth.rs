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
                .help("supported: bearer, apikey (header, query, cookie), basic, digest");
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

    /// A header parameter the namespace's authentication also sets: the credential wins (a
    /// caller must not replace the server's), so the caller's value is never sent.
    pub(super) fn warn_auth_header_params(
        &mut self,
        r: &model::ConsumedResource,
        op: &ConsumedOperation,
        header: &str,
    ) {
        for p in r.params.iter().chain(&op.params) {
            let is_header = p
                .location
                .as_ref()
                .is_some_and(|l| l.value == ParamLocation::Header);
            if is_header && p.name.value.eq_ignore_ascii_case(header) {
                self.diag(
                    Severity::Warning,
                    "auth-header-param",
                    &p.span,
                    format!(
                        "header `{}` is set by the namespace's authentication; a value given for it is not sent",
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
        let scope = Scope {
            bind_namespaces: self.bind_namespaces.clone(),
            bind_keys: self.bind_keys.clone(),
            ..Scope::default()
        };
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
                placement: ApiKeyPlacement::Path,
                ..
            } => {
                self.diag(
                    Severity::Error,
                    "bad-apikey-placement",
                    &name.span,
                    "callers cannot be asked for an API key in the path: a route's path is not a credential",
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
