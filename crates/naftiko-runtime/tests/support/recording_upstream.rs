//! A stand-in upstream on loopback that records every request it receives (method, target
//! exactly as sent, headers, body) and answers by run id, for the REST adapter tests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};

// ---------------------------------------------------------------------------------------------
// The stand-in upstream.

#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// The request target exactly as sent: still percent-encoded.
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

#[derive(Clone)]
pub struct Upstream {
    pub received: Arc<Mutex<Vec<Received>>>,
    /// Run `held` answers only once the test releases it ([`Upstream::release_held`]): a
    /// request kept in flight for exactly as long as a test needs, whatever the machine's load.
    held: Arc<tokio::sync::Semaphore>,
}

impl Default for Upstream {
    fn default() -> Upstream {
        Upstream {
            received: Arc::default(),
            held: Arc::new(tokio::sync::Semaphore::new(0)),
        }
    }
}

impl Upstream {
    /// Serves on a fresh loopback port; answers depend on the run id (the last path segment
    /// that is not `cancel`).
    pub async fn start() -> (Upstream, String) {
        let upstream = Upstream::default();
        let recorder = upstream.clone();
        let app = axum::Router::new().fallback(move |request: Request| {
            let recorder = recorder.clone();
            async move { recorder.answer(request).await }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind upstream");
        let addr = listener.local_addr().expect("upstream address");
        tokio::spawn(async move { axum::serve(listener, app).await });
        (upstream, format!("http://{addr}"))
    }

    async fn answer(&self, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, 1 << 20)
            .await
            .unwrap_or_default();
        let path = parts.uri.path().to_owned();
        self.received.lock().expect("recorder lock").push(Received {
            method: parts.method.to_string(),
            path: path.clone(),
            query: parts.uri.query().map(str::to_owned),
            headers: parts.headers,
            body,
        });
        let run = path
            .trim_end_matches("/cancel")
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        match run.as_str() {
            "missing" => (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "application/vnd.runs+json")],
                r#"{"error":"run not found"}"#,
            )
                .into_response(),
            "boom" => (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain")],
                "kaput",
            )
                .into_response(),
            "html" => (
                [(header::CONTENT_TYPE, "text/html")],
                "<html>not json</html>",
            )
                .into_response(),
            "slow" => {
                tokio::time::sleep(Duration::from_secs(3)).await;
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    r#"{"late":true}"#,
                )
                    .into_response()
            }
            "held" => {
                // Closed only when the upstream is dropped; then the answer goes out at once.
                let _permit = self.held.acquire().await;
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    r#"{"finished":true}"#,
                )
                    .into_response()
            }
            _ => (
                [(header::CONTENT_TYPE, "application/json")],
                // Odd spacing on purpose: pass-through must keep the bytes as they are.
                format!(r#"{{ "id" : "{run}", "status" : "Running" }}"#),
            )
                .into_response(),
        }
    }

    /// Lets one request to run `held` be answered.
    pub fn release_held(&self) {
        self.held.add_permits(1);
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("recorder lock").clone()
    }
}
