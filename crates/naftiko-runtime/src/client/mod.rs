//! The upstream HTTP client: one [`ClientCore`] per consumed namespace.
//!
//! A `ClientCore` owns one `reqwest::Client`, so every namespace has its own connection pool
//! (keep-alive, rustls, HTTP/1.1) with its own timeout. [`ClientCore::call`] sends one
//! operation of the spec: it binds the inputs to the path, query, headers, cookies and body
//! (see `request`), authenticates (see `auth`), and reads the answer up to a size limit.
//!
//! Errors are the caller's guide to what happened: `Error::InvalidInput` before anything was
//! sent, `Error::Transport` or `Error::Timeout` when no answer came, `Error::Status` (status,
//! headers and body kept) for a non-2xx answer, `Error::Decode` for a body over the limit.
//! Each call runs in a `debug` span `upstream` with method, namespace, operation and the path
//! template; argument and secret values are never recorded.

mod auth;
mod hooks;
mod request;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

pub use hooks::{Hooks, RequestParts};

use crate::Error;
use crate::config::ClientSettings;
use crate::inputs::Inputs;
use crate::secret::Secrets;
use crate::spec::{Auth, ConsumesSpec, HttpOperation};
use crate::value::Scope;
use request::{Body, PartData, config_problem};

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
            namespace: self.namespace.to_owned(),
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
    http: reqwest::Client,
    /// `None` only for the stand-in returned for an unknown namespace index.
    base_url: Option<reqwest::Url>,
    timeout: Duration,
    max_body_bytes: usize,
    secrets: Arc<Secrets>,
    hooks: Option<Arc<dyn Hooks>>,
}

impl std::fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientCore")
            .field("namespace", &self.consumes.namespace)
            .field(
                "base_url",
                &self.base_url.as_ref().map(reqwest::Url::as_str),
            )
            .field("timeout", &self.timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

static NO_NAMESPACE: ConsumesSpec = ConsumesSpec {
    namespace: "(unknown namespace)",
    env_prefix: "",
    base_url: "",
    timeout_ms: 1,
    auth: Auth::None,
    default_params: &[],
};

impl ClientCore {
    pub(crate) fn new(
        consumes: &'static ConsumesSpec,
        settings: ClientSettings,
        secrets: Arc<Secrets>,
    ) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_keepalive(Duration::from_secs(60))
            .tcp_nodelay(true)
            .user_agent(concat!("naftiko-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| {
                format!(
                    "cannot build the HTTP client of `{}`: {error}",
                    consumes.namespace
                )
            })?;
        Ok(ClientCore {
            consumes,
            http,
            base_url: Some(settings.base_url),
            timeout: settings.timeout,
            max_body_bytes: settings.max_body_bytes,
            secrets,
            hooks: None,
        })
    }

    /// A client whose every call fails with `Error::Config` (for an index that names no namespace).
    pub(crate) fn unconfigured() -> Self {
        ClientCore {
            consumes: &NO_NAMESPACE,
            http: reqwest::Client::new(),
            base_url: None,
            timeout: Duration::from_millis(1),
            max_body_bytes: 0,
            secrets: Arc::new(Secrets::new()),
            hooks: None,
        }
    }

    pub(crate) fn set_hooks(&mut self, hooks: Arc<dyn Hooks>) {
        self.hooks = Some(hooks);
    }

    pub fn namespace(&self) -> &'static str {
        self.consumes.namespace
    }

    /// The base URL in use (the spec's `baseUri` or `<PREFIX>_BASE_URL`).
    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_ref().map(reqwest::Url::as_str)
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
            method = op.method,
            namespace = self.consumes.namespace,
            operation = op.name,
            path = %request::path_template(op.path),
        );
        self.call_in_span(op, args).instrument(span).await
    }

    async fn call_in_span(
        &self,
        op: &'static HttpOperation,
        args: &Inputs,
    ) -> Result<Response<Bytes>, Error> {
        let Some(base_url) = &self.base_url else {
            return Err(config_problem(format!(
                "operation `{}` names a consumed namespace that does not exist",
                op.name
            )));
        };
        let started = Instant::now();
        let prepared = request::prepare(self.consumes, base_url, &self.secrets, op, args)?;
        let mut parts = RequestParts {
            namespace: self.consumes.namespace,
            operation: op.name,
            method: prepared.method,
            url: prepared.url.to_string(),
            headers: prepared.headers,
        };
        if let Some(hooks) = &self.hooks {
            hooks.before(&mut parts);
        }
        let url = if parts.url == prepared.url.as_str() {
            prepared.url
        } else {
            reqwest::Url::parse(&parts.url)
                .map_err(|error| config_problem(format!("a hook set an invalid URL: {error}")))?
        };
        let result = self
            .exchange(args, parts.method, url, parts.headers, &prepared.body)
            .await;
        let elapsed = started.elapsed();
        match &result {
            Ok(response) => self.observe(op.name, response.status, elapsed),
            Err(Error::Status { status, .. }) => self.observe(op.name, *status, elapsed),
            Err(error) => {
                tracing::debug!(%error, elapsed_ms = elapsed.as_millis(), "upstream call failed");
                if let Some(hooks) = &self.hooks {
                    hooks.failed(op.name, error, elapsed);
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

    async fn exchange(
        &self,
        args: &Inputs,
        method: Method,
        url: reqwest::Url,
        mut headers: HeaderMap,
        body: &Body,
    ) -> Result<Response<Bytes>, Error> {
        let mut response = self
            .send(method.clone(), url.clone(), headers.clone(), body)
            .await?;
        if response.status() == StatusCode::UNAUTHORIZED
            && matches!(self.consumes.auth, Auth::Digest { .. })
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
                response = self.send(method, url, headers, body).await?;
            }
        }
        let status = response.status();
        let headers = response.headers().clone();
        let body = self.read_body(response).await?;
        if status.is_success() {
            Ok(Response {
                status,
                headers,
                body,
                namespace: self.consumes.namespace,
            })
        } else {
            Err(Error::Status {
                namespace: self.consumes.namespace.to_owned(),
                status,
                headers,
                body,
            })
        }
    }

    async fn send(
        &self,
        method: Method,
        url: reqwest::Url,
        headers: HeaderMap,
        body: &Body,
    ) -> Result<reqwest::Response, Error> {
        let has_content_type = headers.contains_key(CONTENT_TYPE);
        let mut builder = self.http.request(method, url).headers(headers);
        match body {
            Body::Empty => {}
            Body::Bytes { content_type, data } => {
                if !has_content_type {
                    builder = builder.header(CONTENT_TYPE, content_type.clone());
                }
                builder = builder.body(data.clone());
            }
            Body::Multipart(parts) => builder = builder.multipart(multipart_form(parts)?),
        }
        builder
            .send()
            .await
            .map_err(|error| self.transport_error(&error))
    }

    /// The body, refusing more than `max_body_bytes` (announced or actually sent).
    async fn read_body(&self, mut response: reqwest::Response) -> Result<Bytes, Error> {
        let too_large = |size: String| Error::Decode {
            namespace: self.consumes.namespace.to_owned(),
            message: format!(
                "the body ({size}) is larger than the limit of {} bytes (raise `{}_MAX_BODY_BYTES`)",
                self.max_body_bytes, self.consumes.env_prefix
            ),
        };
        if let Some(announced) = response.content_length()
            && usize::try_from(announced).map_or(true, |length| length > self.max_body_bytes)
        {
            return Err(too_large(format!("{announced} bytes")));
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| self.transport_error(&error))?
        {
            if body.len().saturating_add(chunk.len()) > self.max_body_bytes {
                return Err(too_large("more".to_owned()));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    fn transport_error(&self, error: &reqwest::Error) -> Error {
        let namespace = self.consumes.namespace.to_owned();
        if error.is_timeout() {
            let timeout_ms = u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX);
            return Error::Timeout {
                namespace,
                timeout_ms,
            };
        }
        Error::Transport {
            namespace,
            message: describe(error),
        }
    }
}

/// The error and its causes, without the URL (its query may hold an API key).
fn describe(error: &reqwest::Error) -> String {
    let mut message = error.to_string();
    if let Some(url) = error.url() {
        // `without_url` needs ownership; the URL is removed from the text instead.
        message = message
            .replace(&format!(" for url ({url})"), "")
            .replace(url.as_str(), "<url>");
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

fn multipart_form(parts: &[PartData]) -> Result<reqwest::multipart::Form, Error> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        let mut piece = reqwest::multipart::Part::text(part.data.clone());
        if let Some(filename) = part.filename {
            piece = piece.file_name(filename);
        }
        if let Some(content_type) = part.content_type {
            piece = piece.mime_str(content_type).map_err(|_| {
                config_problem(format!(
                    "`{content_type}` (part `{}`) is not a valid content type",
                    part.name
                ))
            })?;
        }
        form = form.part(part.name, piece);
    }
    Ok(form)
}
