//! The default transport against TLS upstreams on loopback: a CA trusted the way the operating
//! system's roots are (on Linux, `SSL_CERT_FILE`, which the platform verifier's loader reads),
//! and HTTP/2 when the upstream offers it by ALPN.
//!
//! Each run makes a throwaway CA and a `127.0.0.1`/`localhost` certificate it signs (rcgen).
//! The trust store is read from the environment when a `Runtime` is built, and a test may not
//! set a variable of its own process, so the trusting half runs in a child process of this test
//! binary with `SSL_CERT_FILE` naming the CA; the certificates reach it as files in a fresh
//! temporary directory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::borrow::Cow;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use naftiko_runtime::__private::Inputs;
use naftiko_runtime::spec::*;
use naftiko_runtime::{Error, Runtime};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Set in the child process that trusts the test CA: the directory holding the PEM files.
const CHILD: &str = "NAFTIKO_TLS_TEST_CHILD";

const GET_VERSION: HttpOperation = HttpOperation {
    name: text("version"),
    method: text("GET"),
    description: text(""),
    path: Cow::Borrowed(&[PathPart::Literal(text("/version"))]),
    inputs: list(&[]),
    body: RequestBody::Fields,
    output_format: RawFormat::Text,
    output: Output::Passthrough,
    output_schema: None,
};

static SPEC: CapabilitySpec = CapabilitySpec {
    name: text("tls"),
    description: text(""),
    consumes: Cow::Borrowed(&[ConsumesSpec {
        namespace: text("secure-api"),
        env_prefix: text("SECURE_API"),
        base_url: text("https://127.0.0.1:1"),
        timeout_ms: 10_000,
        auth: Auth::None,
        description: text(""),
        default_params: list(&[]),
        operations: Cow::Borrowed(&[GET_VERSION]),
    }]),
    secrets: list(&[]),
    rest: list(&[]),
    mcp: list(&[]),
    control: list(&[]),
};

/// A test CA and a server certificate for `127.0.0.1` and `localhost` it signed, in PEM.
struct Pki {
    ca: String,
    cert: String,
    key: String,
}

impl Pki {
    fn new() -> Pki {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
            KeyPair, KeyUsagePurpose,
        };
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "naftiko tls test CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);

        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "naftiko tls test upstream");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.signed_by(&key, &issuer).unwrap();
        Pki {
            ca: ca.pem(),
            cert: cert.pem(),
            key: key.serialize_pem(),
        }
    }

    fn write(&self, dir: &Path) {
        std::fs::write(dir.join("ca.pem"), &self.ca).unwrap();
        std::fs::write(dir.join("server.pem"), &self.cert).unwrap();
        std::fs::write(dir.join("server.key"), &self.key).unwrap();
    }

    fn read(dir: &Path) -> Pki {
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
        Pki {
            ca: read("ca.pem"),
            cert: read("server.pem"),
            key: read("server.key"),
        }
    }
}

/// A TLS server on loopback with `pki`'s server certificate, offering `alpn`, that answers every request with the HTTP version
/// it was made in (`HTTP/2.0`, `HTTP/1.1`).
async fn tls_upstream(pki: &Pki, alpn: &[&[u8]]) -> SocketAddr {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pki.cert.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(pki.key.as_bytes()).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    config.alpn_protocols = alpn.iter().map(|protocol| protocol.to_vec()).collect();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        // Bounded: the tests make a handful of connections.
        for _ in 0..16 {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
                let service =
                    hyper::service::service_fn(|request: http::Request<Incoming>| async move {
                        let version = format!("{:?}", request.version());
                        Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(
                            Bytes::from(version),
                        )))
                    });
                let io = TokioIo::new(tls);
                let _ = if h2 {
                    hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                        .serve_connection(io, service)
                        .await
                } else {
                    hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await
                };
            });
        }
    });
    addr
}

/// The HTTP version the upstream at `addr` saw the runtime's call in.
async fn version_seen(addr: SocketAddr) -> Result<String, Error> {
    let base_url = format!("https://{addr}");
    let rt = Runtime::from_lookup(&SPEC, &|name| {
        (name == "SECURE_API_BASE_URL").then(|| base_url.clone())
    })?;
    let inputs = Inputs::new();
    let operation = &SPEC.consumes[0].operations[0];
    let call = rt.client(ConsumesId(0)).call(operation, &inputs);
    let response = tokio::time::timeout(Duration::from_secs(20), call)
        .await
        .expect("the call ends in time")?;
    Ok(String::from_utf8(response.body.to_vec()).unwrap())
}

#[tokio::test]
async fn a_ca_in_ssl_cert_file_is_trusted_and_h2_is_negotiated_by_alpn() {
    if let Some(dir) = std::env::var_os(CHILD) {
        // The child: SSL_CERT_FILE names the test CA.
        let pki = Pki::read(Path::new(&dir));
        let h2 = tls_upstream(&pki, &[b"h2", b"http/1.1"]).await;
        assert_eq!(version_seen(h2).await.unwrap(), "HTTP/2.0");
        let h1 = tls_upstream(&pki, &[b"http/1.1"]).await;
        assert_eq!(version_seen(h1).await.unwrap(), "HTTP/1.1");
        let no_alpn = tls_upstream(&pki, &[]).await;
        assert_eq!(version_seen(no_alpn).await.unwrap(), "HTTP/1.1");
        return;
    }

    // Without the CA among the trusted roots, the certificate is refused.
    let pki = Pki::new();
    let h2 = tls_upstream(&pki, &[b"h2", b"http/1.1"]).await;
    let refused = version_seen(h2)
        .await
        .expect_err("an unknown CA is refused");
    assert!(matches!(refused, Error::Transport { .. }), "{refused}");
    assert!(
        refused.to_string().to_lowercase().contains("certificate"),
        "{refused}"
    );

    // The same calls in a child process that trusts the test CA through SSL_CERT_FILE.
    let dir = std::env::temp_dir().join(format!("naftiko-tls-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    pki.write(&dir);
    let test_name = "a_ca_in_ssl_cert_file_is_trusted_and_h2_is_negotiated_by_alpn";
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test_name, "--nocapture", "--test-threads=1"])
        .env(CHILD, &dir)
        .env("SSL_CERT_FILE", dir.join("ca.pem"))
        .env_remove("SSL_CERT_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut status = None;
    for _ in 0..600 {
        if let Some(exited) = child.try_wait().unwrap() {
            status = Some(exited);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let Some(status) = status else {
        let _ = child.kill();
        panic!("the child test did not finish within 60 s");
    };
    let output = child.wait_with_output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(status.success(), "child failed:\n{stdout}\n{stderr}");
    // It ran the test, not zero tests.
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "child ran no test:\n{stdout}\n{stderr}"
    );
}
