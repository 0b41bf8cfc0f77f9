//! The echo upstream: a loopback HTTP server that records every request exactly as it arrived
//! (method, raw path, raw query, headers as bytes, body) and answers JSON, or the planned
//! answer in the format the called operation declares.
//!
//! Each consumed namespace of a spec is pointed at its own base path (`/u0`, `/u1`, …) on the
//! same server, so a request that went to the wrong namespace shows up as a wrong path.
//! Answers are `{"ok":true}` unless the harness queued others first (orchestration steps
//! read fields out of earlier answers, and output mappings read fields out of the answer, so
//! the harness plans those answers).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use naftiko::spec::RawFormat;
use serde_json::Value as Json;
use tokio::sync::oneshot;

use crate::render::{Rendered, render};

/// The body an echo answer carries when nothing else was planned.
pub fn default_answer() -> Json {
    serde_json::json!({"ok": true})
}

/// Requests larger than this are cut (and then fail their comparison): test bodies are small.
const MAX_BODY: usize = 1 << 20;

/// One request as the upstream received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// The path exactly as sent, percent-encoding included.
    pub raw_path: String,
    /// The query string exactly as sent, without `?`.
    pub raw_query: Option<String>,
    /// Every header, names in lower case, values as bytes, in arrival order.
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Bytes,
}

impl Received {
    /// Every value of header `name` (case-insensitive).
    pub fn header_values(&self, name: &str) -> Vec<&[u8]> {
        self.headers
            .iter()
            .filter(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_slice())
            .collect()
    }
}

#[derive(Default)]
struct Recorder {
    received: Vec<Received>,
    answers: VecDeque<Rendered>,
}

/// A running echo upstream; stops when dropped.
pub struct Echo {
    addr: SocketAddr,
    recorder: Arc<Mutex<Recorder>>,
    _stop: oneshot::Sender<()>,
}

impl Echo {
    /// Binds 127.0.0.1 on a free port and serves until dropped.
    pub async fn start() -> std::io::Result<Echo> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let recorder = Arc::new(Mutex::new(Recorder::default()));
        let app = axum::Router::new()
            .fallback(record)
            .with_state(Arc::clone(&recorder));
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Echo {
            addr,
            recorder,
            _stop: stop,
        })
    }

    /// The base URL for consumed namespace `index`.
    pub fn base_url(&self, index: usize) -> String {
        format!("http://{}{}", self.addr, base_path(index))
    }

    /// Forgets what was received and queues `answers` for the next requests, in order.
    pub fn reset(&self, answers: Vec<Rendered>) {
        let mut recorder = self.recorder.lock().unwrap_or_else(PoisonError::into_inner);
        recorder.received.clear();
        recorder.answers = answers.into();
    }

    /// What was received since the last [`Echo::reset`].
    pub fn received(&self) -> Vec<Received> {
        self.recorder
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .received
            .clone()
    }
}

/// The path prefix namespace `index` is served under.
pub fn base_path(index: usize) -> String {
    format!("/u{index}")
}

async fn record(State(recorder): State<Arc<Mutex<Recorder>>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY)
        .await
        .unwrap_or_default();
    let received = Received {
        method: parts.method.as_str().to_owned(),
        raw_path: parts.uri.path().to_owned(),
        raw_query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
            .collect(),
        body,
    };
    let answer = {
        let mut recorder = recorder.lock().unwrap_or_else(PoisonError::into_inner);
        recorder.received.push(received);
        recorder
            .answers
            .pop_front()
            .unwrap_or_else(|| render(&default_answer(), &RawFormat::Json))
    };
    (
        [(http::header::CONTENT_TYPE, answer.content_type)],
        Body::from(answer.body),
    )
        .into_response()
}
