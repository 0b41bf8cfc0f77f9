//! Proxying one caller request to a consumed namespace (`forward` resources of REST adapters).
//!
//! Unlike [`ClientCore::call`], nothing here is bound from a spec operation: the method, the
//! sub-path, the query and the body are the caller's, and the answer comes back as a stream.
//! What the namespace adds is the same as for its operations: its base URL, its
//! namespace-wide parameters (`inputParameters` of the consumes entry: headers and query
//! parameters the caller did not send itself) and its authentication, which always wins over
//! whatever the caller sent. The REST side has already made the sub-path safe and chosen which
//! caller headers may pass; this module never reads a caller header it was not given.
//!
//! The body streams through untouched, except for Digest namespaces, where answering a
//! challenge means sending the request twice, and namespaces signed with AWS Signature
//! Version 4, whose signature covers the body's hash: there the body is read first (up to the
//! namespace's `<PREFIX>_MAX_BODY_BYTES`).
//!
//! The namespace's timeout (`<PREFIX>_TIMEOUT_MS`) covers the whole exchange, streamed answer
//! included, as for every other call of that namespace.

use std::time::Instant;

use bytes::Bytes;
use futures_util::future::Either;
use http::header::{AUTHORIZATION, COOKIE};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use percent_encoding::utf8_percent_encode;

use super::wire::{COOKIE_VALUE, Wire, config_problem};
use super::{ClientCore, RequestParts};
use crate::error::Error;
use crate::interp::inputs::Inputs;
use crate::interp::value::{Scope, evaluate};
use crate::spec::{ApiKeyPlacement, Auth, ParamLocation};

/// One caller request on its way upstream.
pub(crate) struct Forwarded {
    pub method: Method,
    /// The sub-path after the forward's prefix, already checked: empty or starting with `/`,
    /// no dot segments, every byte allowed in a path.
    pub sub_path: String,
    /// The caller's query string, as sent.
    pub query: Option<String>,
    /// The caller headers allowed through.
    pub headers: HeaderMap,
    /// `None` when the caller sent no body.
    pub body: Option<axum::body::Body>,
}

impl ClientCore {
    /// Sends `request` to this namespace and returns the answer with its body unread, whatever
    /// its status. `name` names the forward in hooks and logs.
    pub(crate) async fn forward(
        &self,
        name: &'static str,
        request: Forwarded,
    ) -> Result<http::Response<axum::body::Body>, Error> {
        let Some(base_url) = &self.base_url else {
            return Err(config_problem(format!(
                "forward `{name}` names a consumed namespace that does not exist"
            )));
        };
        let started = Instant::now();
        let no_inputs = Inputs::new();
        let no_steps = serde_json::Map::new();
        let scope = Scope {
            inputs: &no_inputs,
            secrets: &self.secrets,
            steps: &no_steps,
        };

        let mut url = base_url.clone();
        let base_path = base_url.path().trim_end_matches('/');
        let path = format!("{base_path}{}", request.sub_path);
        url.set_path(if path.is_empty() { "/" } else { &path });
        url.set_query(request.query.as_deref().filter(|query| !query.is_empty()));

        let mut wire = Wire::default();
        for param in self.consumes.default_params.iter() {
            let given = match param.location {
                ParamLocation::Header => request
                    .headers
                    .contains_key(param.name.to_ascii_lowercase().as_str()),
                ParamLocation::Query => url.query_pairs().any(|(known, _)| known == param.name),
                ParamLocation::Cookie => false,
                // A forwarded request has the caller's path and body.
                ParamLocation::Path | ParamLocation::Body => true,
            };
            if given {
                continue;
            }
            if let Some(value) = evaluate(&param.value, scope) {
                wire.put(param.location, &param.name, &param.name, &value)?;
            }
        }
        // Namespace-wide headers often carry keys (`X-Api-Key: {{KEY}}`): keep them out of Debug.
        wire.headers
            .values_mut()
            .for_each(|value| value.set_sensitive(true));
        super::auth::apply(self.consumes, self.credential.as_ref(), scope, &mut wire)?;
        if let Auth::ApiKey {
            name: key_name,
            placement: ApiKeyPlacement::Query,
            ..
        } = &self.consumes.auth
            && url.query_pairs().any(|(known, _)| known == *key_name)
        {
            // The namespace's key replaces one the caller put into the query.
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(known, _)| known != key_name)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.set_query(None);
            if !kept.is_empty() {
                url.query_pairs_mut().extend_pairs(kept);
            }
        }
        if !wire.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(wire.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }

        let mut headers = request.headers;
        // The namespace's headers (defaults and credentials) replace the caller's.
        let mut last_name = None;
        for (header, value) in wire.headers {
            match header {
                Some(header) => {
                    headers.insert(header.clone(), value);
                    last_name = Some(header);
                }
                None => {
                    if let Some(header) = &last_name {
                        headers.append(header.clone(), value);
                    }
                }
            }
        }
        if !wire.cookies.is_empty() {
            let mut joined: Vec<String> = headers
                .get(COOKIE)
                .and_then(|value| value.to_str().ok())
                .map(|text| vec![text.to_owned()])
                .unwrap_or_default();
            joined.extend(wire.cookies.iter().map(|(name, value)| {
                format!("{name}={}", utf8_percent_encode(value, COOKIE_VALUE))
            }));
            let mut cookie = HeaderValue::from_str(&joined.join("; ")).map_err(|_| {
                config_problem(format!(
                    "the cookies of `{}` cannot be sent in a header",
                    self.consumes.namespace
                ))
            })?;
            cookie.set_sensitive(true);
            headers.insert(COOKIE, cookie);
        }

        let mut parts = RequestParts {
            namespace: &self.consumes.namespace,
            operation: name,
            method: request.method,
            url: url.to_string(),
            headers,
        };
        if let Some(hooks) = &self.hooks {
            hooks.before(&mut parts);
        }
        if parts.url != url.as_str() {
            url = url::Url::parse(&parts.url)
                .map_err(|error| config_problem(format!("a hook set an invalid URL: {error}")))?;
        }
        // The caller's path may hold anything (the access line never shows it): the span
        // names the upstream's host, not the URL.
        let traced = crate::telemetry::ClientCall::start(
            &parts.method,
            &url,
            true,
            &self.consumes.namespace,
            name,
        );
        let mut headers = parts.headers;
        if let Some(traced) = &traced {
            traced.inject(&mut headers);
        }
        let sent = self.send_forward(parts.method, url, headers, request.body);
        // One await of either shape, so that this call's state holds the exchange once.
        let result = match &traced {
            Some(traced) => Either::Left(traced.within(sent)),
            None => Either::Right(sent),
        }
        .await;
        let elapsed = started.elapsed();
        let status = result
            .as_ref()
            .ok()
            .map(|response| response.status().as_u16());
        if let Some(traced) = traced {
            let failed = result.as_ref().err().and_then(super::error_type);
            traced.finish(status, failed);
        }
        crate::access::note_upstream(status, elapsed);
        match &result {
            Ok(response) => {
                tracing::debug!(
                    status = response.status().as_u16(),
                    elapsed_ms = elapsed.as_millis(),
                    "upstream answered a forwarded request"
                );
                if let Some(hooks) = &self.hooks {
                    hooks.after(name, response.status(), elapsed);
                }
            }
            Err(error) => {
                tracing::debug!(%error, elapsed_ms = elapsed.as_millis(), "forwarded request failed");
                if let Some(hooks) = &self.hooks {
                    hooks.failed(name, error, elapsed);
                }
            }
        }
        result
    }

    async fn send_forward(
        &self,
        method: Method,
        url: url::Url,
        headers: HeaderMap,
        body: Option<axum::body::Body>,
    ) -> Result<http::Response<axum::body::Body>, Error> {
        let Some(http) = &self.http else {
            return Err(config_problem(
                "a forward names a consumed namespace that does not exist".to_owned(),
            ));
        };
        // The call's timeout bounds the answer's head and then its streamed body.
        let deadline = tokio::time::Instant::now() + self.timeout;
        let head = tokio::time::timeout_at(
            deadline,
            self.send_forward_head(http, method, url, headers, body),
        )
        .await
        .unwrap_or_else(|_| Err(self.timeout_error()))?;
        Ok(head.map(|incoming| {
            axum::body::Body::new(super::transport::UntilDeadline::new(
                incoming,
                deadline,
                self.timeout,
            ))
        }))
    }

    async fn send_forward_head(
        &self,
        http: &super::transport::Transport,
        method: Method,
        url: url::Url,
        mut headers: HeaderMap,
        body: Option<axum::body::Body>,
    ) -> Result<http::Response<super::transport::InBody>, Error> {
        let is_digest = matches!(self.consumes.auth, Auth::Digest { .. });
        if !is_digest && self.signer.is_none() {
            let body = body.map_or_else(
                || super::transport::fixed_body(None),
                super::transport::streamed_body,
            );
            return self.send(http, method, &url, headers, body).await;
        }
        let data = match body {
            Some(body) => Some(
                axum::body::to_bytes(body, self.max_body_bytes)
                    .await
                    .map_err(|_| {
                        Error::invalid_input(
                            "body",
                            format!(
                                "is larger than {} bytes (raise `{}_MAX_BODY_BYTES`)",
                                self.max_body_bytes, self.consumes.env_prefix
                            ),
                        )
                    })?,
            ),
            None => None,
        };
        let out_body = |data: &Option<Bytes>| super::transport::fixed_body(data.clone());
        if let Some(signer) = &self.signer {
            let body = data.as_deref().unwrap_or_default();
            signer.sign(self.consumes, &method, &url, &mut headers, body)?;
            return self
                .send(http, method, &url, headers, out_body(&data))
                .await;
        }
        let response = self
            .send(http, method.clone(), &url, headers.clone(), out_body(&data))
            .await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let no_inputs = Inputs::new();
        let no_steps = serde_json::Map::new();
        let scope = Scope {
            inputs: &no_inputs,
            secrets: &self.secrets,
            steps: &no_steps,
        };
        match super::auth::digest_answer(self.consumes, scope, response.headers(), &method, &url)? {
            Some(answer) => {
                headers.insert(AUTHORIZATION, answer);
                self.send(http, method, &url, headers, out_body(&data))
                    .await
            }
            None => Ok(response),
        }
    }
}
