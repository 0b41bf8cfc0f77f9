//! The certificate verifier of TLS upstreams, whose trusted roots are loaded off the start-up
//! path.
//!
//! Loading the roots — the system's CA files (on Linux the bundle and every file of
//! `/etc/ssl/certs`, or `SSL_CERT_FILE`/`SSL_CERT_DIR`) and the webpki set, a few hundred
//! certificates parsed — took about 5 ms of a 10 ms start-up here. A server that never calls
//! a TLS upstream never needs them, and one that does needs them at its first handshake, not
//! before it listens. So the verifier loads them once, on first use, and [`Roots::preload`]
//! starts that load on a thread of its own while the server binds: the first handshake rarely
//! waits for it. The environment (`SSL_CERT_FILE`…) is read when they load, once per runtime.
//! With the webpki roots always added, loading does not fail in practice; should it, each TLS
//! handshake fails with the reason (a `502`), where start-up would have failed had the roots
//! been loaded first.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_platform_verifier::Verifier;

/// rustls-platform-verifier's verifier (the system's roots, the webpki roots added), built on
/// first use.
#[derive(Debug)]
pub(crate) struct Roots {
    provider: Arc<CryptoProvider>,
    verifier: OnceLock<Result<Verifier, String>>,
}

impl Roots {
    pub(crate) fn new(provider: Arc<CryptoProvider>) -> Arc<Roots> {
        Arc::new(Roots {
            provider,
            verifier: OnceLock::new(),
        })
    }

    /// Starts loading the roots on a thread of its own; should the thread not start, the first
    /// handshake loads them.
    pub(crate) fn preload(self: &Arc<Self>) {
        let roots = Arc::clone(self);
        let _ = std::thread::Builder::new()
            .name("naftiko-tls-roots".to_owned())
            .spawn(move || {
                let _ = roots.verifier();
            });
    }

    fn verifier(&self) -> Result<&Verifier, rustls::Error> {
        self.verifier
            .get_or_init(|| {
                Verifier::new_with_extra_roots(
                    webpki_root_certs::TLS_SERVER_ROOT_CERTS.iter().cloned(),
                    Arc::clone(&self.provider),
                )
                .map_err(|error| format!("cannot load the trusted CA certificates: {error}"))
            })
            .as_ref()
            .map_err(|problem| rustls::Error::General(problem.clone()))
    }
}

impl ServerCertVerifier for Roots {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verifier()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier()?.verify_tls13_signature(message, cert, dss)
    }

    /// The provider's schemes, which is what the platform verifier answers on every platform
    /// this runs on; asked before any certificate is seen, so it must not wait for the roots.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_roots_load_once_and_the_schemes_need_none() {
        let roots = Roots::new(Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
        assert!(!roots.supported_verify_schemes().is_empty());
        assert!(roots.verifier.get().is_none(), "nothing loaded yet");
        let first: *const Verifier = roots.verifier().unwrap_or_else(|e| unreachable!("{e}"));
        let second: *const Verifier = roots.verifier().unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(first, second);
    }
}
