//! The upstream HTTP client: one [`ClientCore`] per consumed namespace.
//!
//! A `ClientCore` owns one connection pool (see `transport`: keep-alive, rustls, HTTP/1.1 and
//! HTTP/2, the environment's forward proxy), so
//! every namespace has its own pool with its own timeout. [`ClientCore::call`] sends one
//! operation of the spec: it binds the inputs to the path, query, headers, cookies and body
//! (see `request`), authenticates (see `auth`), and reads the answer up to a size limit.
//!
//! Errors are the caller's guide to what happened: `Error::InvalidInput` before anything was
//! sent, `Error::Transport` or `Error::Timeout` when no answer came, `Error::Status` (status,
//! headers and body kept) for a non-2xx answer, `Error::Decode` for a body over the limit.
//! With `<PREFIX>_RETRIES` set, a failed idempotent call is sent again (see `retry`).
//! Each call runs in a `debug` span `upstream` with method, namespace, operation and the path
//! template; argument and secret values are never recorded.

mod auth;
pub mod formats;
#[cfg(feature = "rest")]
mod forward;
mod hooks;
mod multipart;
mod proxy;
mod request;
mod retry;
mod roots;
mod transport;
pub(crate) use transport::tls_config;
pub(crate) mod typed;
mod wire;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures_util::future::Either;
use http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use http_body_util::BodyExt as _;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

#[cfg(feature = "rest")]
pub(crate) use forward::Forwarded;
pub use hooks::{Hooks, RequestParts};
pub(crate) use retry::idempotent_scope;
pub use transport::HttpClient;
pub(crate) use transport::Shared as SharedTransport;
#[cfg(any(feature = "rest", feature = "mcp", feature = "control"))]
pub(crate) use transport::enter_worker;

use crate::config::ClientSettings;
use crate::error::Error;
use crate::interp::inputs::Inputs;
use crate::interp::value::Scope;
use crate::secret::Secrets;
use crate::spec::{Auth, ConsumesSpec, HttpOperation, list, path_text, text};
use request::Body;
use retry::Budget;
use transport::{Failure, InBody, OutBody, Transport};
use wire::config_problem;

/// An upstream answer.
#[derive(Debug, Clone)]
pub struct Response<T> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: T,
    /// The consumed namespace that answered (named in decoding errors).
    pub namespace: &'static str,
}

impl Response<Bytes> {
    /// The body parsed as JSON into `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|error| Error::Decode {
            namespace: self.namespace.to_string(),
            message: format!("invalid JSON: {error}"),
        })
    }
}

impl<T> Response<T> {
    pub fn content_type(&self) -> Option<&HeaderValue> {
        self.headers.get(CONTENT_TYPE)
    }

    /// The same answer with its body converted.
    pub fn map<U>(self, convert: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: convert(self.body),
            namespace: self.namespace,
        }
    }
}

/// The client of one consumed namespace. Cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct ClientCore {
    consumes: &'static ConsumesSpec,
    /// `None` only for the stand-in returned for an unknown namespace index.
    http: Option<Transport>,
    /// `None` only for the stand-in returned for an unknown namespace index.
    base_url: Option<url::Url>,
    timeout: Duration,
    max_body_bytes: usize,
    /// `<PREFIX>_RETRIES` (see `retry`).
    retries: u32,
    secrets: Arc<Secrets>,
    /// The credential, when it is the same for every request (see `auth::prebuild`).
    credential: Option<auth::Prebuilt>,
    /// Set when the namespace signs its requests with AWS Signature Version 4.
    signer: Option<auth::AwsSigner>,
    hooks: Option<Arc<dyn Hooks>>,
}

impl std::fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCore")
            .field("namespace", &self.consumes.namespace)
            .field("base_url", &self.base_url.as_ref().map(url::Url::as_str))
            .field("timeout", &self.timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

static NO_NAMESPACE: ConsumesSpec = ConsumesSpec {
    namespace: text("(unknown namespace)"),
    env_prefix: text(""),
    base_url: text(""),
    description: text(""),
    timeout_ms: 1,
    auth: Auth::None,
    default_params: list(&[]),
    operations: list(&[]),
};

impl ClientCore {
    pub(crate) fn new(
        consumes: &'static ConsumesSpec,
        settings: ClientSettings,
        secrets: Arc<Secrets>,
        shared: &SharedTransport,
    ) -> Result<Self, String> {
        let signer = match (&consumes.auth, settings.aws) {
            (Auth::AwsSigV4 { service, .. }, Some(aws)) => Some(auth::AwsSigner::new(service, aws)),
            (Auth::AwsSigV4 { .. }, None) => {
                return Err(format!(
                    "`{}` signs its requests for AWS and has no AWS credentials",
                    consumes.namespace
                ));
            }
            _ => None,
        };
        let http = Transport::new(settings.timeout, shared);
        Ok(ClientCore {
            consumes,
            http: Some(http),
            base_url: Some(settings.base_url),
            timeout: settings.timeout,
            max_body_bytes: settings.max_body_bytes,
            retries: settings.retries,
            credential: auth::prebuild(consumes, &secrets),
            signer,
            secrets,
            hooks: None,
        })
    }

    /// A client whose every call fails with `Error::Config` (for an index that names no namespace).
    pub(crate) fn unconfigured() -> Self {
        ClientCore {
            consumes: &NO_NAMESPACE,
            http: None,
            base_url: None,
            timeout: Duration::from_millis(1),
            max_body_bytes: 0,
            retries: 0,
            secrets: Arc::new(Secrets::new()),
            credential: None,
            signer: None,
            hooks: None,
        }
    }

    pub(crate) fn set_hooks(&mut self, hooks: Arc<dyn Hooks>) {
        self.hooks = Some(hooks);
    }

    pub fn namespace(&self) -> &'static str {
        &self.consumes.namespace
    }

    /// The base URL in use (the spec's `baseUri` or `<PREFIX>_BASE_URL`).
    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_ref().map(url::Url::as_str)
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends `op` with `args` (the operation's inputs by name) and reads the answer.
    /// A non-2xx answer is `Err(Error::Status)` with status, headers and body.
    pub async fn call(
        &self,
        op: &'static HttpOperation,
        args: &Inputs,
    ) -> Result<Response<Bytes>, Error> {
        let span = tracing::debug_span!(
            "upstream",
            method = &*op.method,
            namespace = &*self.consumes.namespace,
            operation = &*op.name,
            path = %path_text(&op.path),
        );
        self.call_in_span(op, args).instrument(span).await
    }

    async fn call_in_span(
        &self,
        op: &'static HttpOperation,
        args: &Inputs,
    ) -> Result<Response<Bytes>, Error> {
        let (Some(base_url), Some(http)) = (&self.base_url, &self.http) else {
            return Err(config_problem(format!(
                "operation `{}` names a consumed namespace that does not exist",
                op.name
            )));
        };
        let started = Instant::now();
        let prepared = request::prepare(
            self.consumes,
            base_url,
            &self.secrets,
            self.credential.as_ref(),
            op,
            args,
        )?;
        let (method, url, mut headers) = match &self.hooks {
            // Without hooks nothing can change the request: no copy of the URL is made.
            None => (prepared.method, prepared.url, prepared.headers),
            Some(hooks) => {
                let mut parts = RequestParts {
                    namespace: &self.consumes.namespace,
                    operation: &op.name,
                    method: prepared.method,
                    url: prepared.url.to_string(),
                    headers: prepared.headers,
                };
                hooks.before(&mut parts);
                let url = if parts.url == prepared.url.as_str() {
                    prepared.url
                } else {
                    url::Url::parse(&parts.url).map_err(|error| {
                        config_problem(format!("a hook set an invalid URL: {error}"))
                    })?
                };
                (parts.method, url, parts.headers)
            }
        };
        // The client span, when OpenTelemetry is on: its context goes upstream, written after
        // the hooks and before any signature (which then covers it).
        let secret_in_path = op
            .path
            .iter()
            .any(|part| matches!(part, crate::spec::PathPart::Secret(_)));
        let traced = crate::telemetry::ClientCall::start(
            &method,
            &url,
            secret_in_path,
            &self.consumes.namespace,
            &op.name,
        );
        if let Some(traced) = &traced {
            traced.inject(&mut headers);
        }
        // One deadline for the whole exchange: connecting, sending (again, when retried), the
        // answer and its body.
        let budget = Budget {
            operation: &op.name,
            deadline: tokio::time::Instant::now() + self.timeout,
        };
        let exchanged = tokio::time::timeout_at(
            budget.deadline,
            self.exchange(http, &budget, args, method, url, headers, prepared.body),
        );
        // One await of either shape, so that this call's state holds the exchange once.
        let exchanged = match &traced {
            Some(traced) => Either::Left(traced.within(exchanged)),
            None => Either::Right(exchanged),
        }
        .await;
        let result = match exchanged {
            Ok(result) => result,
            Err(_) => Err(self.timeout_error()),
        };
        let elapsed = started.elapsed();
        let status = match &result {
            Ok(response) => Some(response.status.as_u16()),
            Err(Error::Status { status, .. }) => Some(status.as_u16()),
            Err(_) => None,
        };
        if let Some(traced) = traced {
            traced.finish(status, result.as_ref().err().and_then(error_type));
        }
        crate::access::note_upstream(status, elapsed);
        match &result {
            Ok(response) => self.observe(&op.name, response.status, elapsed),
            Err(Error::Status { status, .. }) => self.observe(&op.name, *status, elapsed),
            Err(error) => {
                tracing::debug!(%error, elapsed_ms = elapsed.as_millis(), "upstream call failed");
                if let Some(hooks) = &self.hooks {
                    hooks.failed(&op.name, error, elapsed);
                }
            }
        }
        result
    }

    fn observe(&self, operation: &str, status: StatusCode, elapsed: Duration) {
        tracing::debug!(
            status = status.as_u16(),
            elapsed_ms = elapsed.as_millis(),
            "upstream answered"
        );
        if let Some(hooks) = &self.hooks {
            hooks.after(operation, status, elapsed);
        }
    }

    #[allow(clippy::too_many_arguments)] // the parts of one request, taken apart by `prepare`
    async fn exchange(
        &self,
        http: &Transport,
        budget: &Budget,
        args: &Inputs,
        method: Method,
        url: url::Url,
        mut headers: HeaderMap,
        body: Body,
    ) -> Result<Response<Bytes>, Error> {
        let (content_type, data) = match body {
            Body::Empty => (None, None),
            Body::Bytes { content_type, data } => (Some(content_type), Some(data)),
            Body::Multipart(parts) => {
                let (content_type, data) = multipart::encode(&parts)?;
                (Some(content_type), Some(data))
            }
        };
        if let Some(content_type) = content_type
            && !headers.contains_key(CONTENT_TYPE)
        {
            headers.insert(CONTENT_TYPE, content_type);
        }
        if let Some(signer) = &self.signer {
            let body = data.as_deref().unwrap_or_default();
            signer.sign(self.consumes, &method, &url, &mut headers, body)?;
        }
        let out_body = |data: &Option<Bytes>| transport::fixed_body(data.clone());
        let is_digest = matches!(self.consumes.auth, Auth::Digest { .. });
        // Digest answers a challenge by sending the request again: only then is it copied.
        let challenged = is_digest.then(|| (method.clone(), url.clone(), headers.clone()));
        let mut response = self
            .send_retrying(http, budget, &method, &url, headers, &data)
            .await?;
        if let Some((method, url, mut headers)) = challenged
            && response.status() == StatusCode::UNAUTHORIZED
        {
            let no_steps = serde_json::Map::new();
            let scope = Scope {
                inputs: args,
                secrets: &self.secrets,
                steps: &no_steps,
            };
            if let Some(answer) =
                auth::digest_answer(self.consumes, scope, response.headers(), &method, &url)?
            {
                headers.insert(AUTHORIZATION, answer);
                response = self
                    .send(http, method, &url, headers, out_body(&data))
                    .await?;
            }
        }
        let status = response.status();
        let (parts, incoming) = response.into_parts();
        let headers = parts.headers;
        let body = self.read_body(&headers, incoming).await?;
        if status.is_success() {
            Ok(Response {
                status,
                headers,
                body,
                namespace: &self.consumes.namespace,
            })
        } else {
            Err(Error::Status {
                namespace: self.consumes.namespace.to_string(),
                status,
                headers,
                body,
            })
        }
    }

    async fn send(
        &self,
        http: &Transport,
        method: Method,
        url: &url::Url,
        headers: HeaderMap,
        body: OutBody,
    ) -> Result<http::Response<InBody>, Error> {
        let request = self.request(method, url, headers, body)?;
        http.send(request)
            .await
            .map_err(|failure| self.transport_error(failure))
    }

    fn request(
        &self,
        method: Method,
        url: &url::Url,
        headers: HeaderMap,
        body: OutBody,
    ) -> Result<http::Request<OutBody>, Error> {
        let uri = http::Uri::try_from(url.as_str())
            .map_err(|_| config_problem("the upstream URL is not a valid URI".to_owned()))?;
        let mut request = http::Request::new(body);
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        Ok(request)
    }

    /// The body, refusing more than `max_body_bytes` (announced or actually sent).
    async fn read_body(&self, headers: &HeaderMap, mut body: InBody) -> Result<Bytes, Error> {
        let too_large = |size: String| Error::Decode {
            namespace: self.consumes.namespace.to_string(),
            message: format!(
                "the body ({size}) is larger than the limit of {} bytes (raise `{}_MAX_BODY_BYTES`)",
                self.max_body_bytes, self.consumes.env_prefix
            ),
        };
        if let Some(announced) = headers
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|text| text.parse::<u64>().ok())
            && usize::try_from(announced).map_or(true, |length| length > self.max_body_bytes)
        {
            return Err(too_large(format!("{announced} bytes")));
        }
        // Most answers arrive as one chunk: that chunk is the body, without a copy.
        let mut first: Option<Bytes> = None;
        let mut joined = BytesMut::new();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|error| Error::Transport {
                namespace: self.consumes.namespace.to_string(),
                message: transport::describe(&*error),
            })?;
            let Ok(chunk) = frame.into_data() else {
                continue; // trailers
            };
            let received = first
                .as_ref()
                .map_or(0, Bytes::len)
                .saturating_add(joined.len())
                .saturating_add(chunk.len());
            if received > self.max_body_bytes {
                return Err(too_large("more".to_owned()));
            }
            match first.take() {
                None if joined.is_empty() => first = Some(chunk),
                earlier => {
                    if let Some(earlier) = earlier {
                        joined.extend_from_slice(&earlier);
                    }
                    joined.extend_from_slice(&chunk);
                }
            }
        }
        Ok(first.unwrap_or_else(|| joined.freeze()))
    }

    fn timeout_error(&self) -> Error {
        Error::Timeout {
            namespace: self.consumes.namespace.to_string(),
            timeout_ms: u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
        }
    }

    fn transport_error(&self, failure: Failure) -> Error {
        match failure {
            Failure::ConnectTimeout => self.timeout_error(),
            Failure::Unanswered(message) | Failure::Other(message) => Error::Transport {
                namespace: self.consumes.namespace.to_string(),
                message,
            },
        }
    }
}

/// The `error.type` of a client span for a call that got no answer (`None` for an answer,
/// whose status says).
fn error_type(error: &Error) -> Option<&'static str> {
    match error {
        Error::Status { .. } => None,
        Error::Timeout { .. } => Some("timeout"),
        Error::Transport { .. } => Some("unanswered"),
        Error::Decode { .. } => Some("decode"),
        Error::InvalidInput { .. } | Error::Config { .. } | Error::Serve(_) => Some("request"),
    }
}
