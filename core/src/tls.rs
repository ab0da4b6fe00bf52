//! Which certificates the client trusts: the platform's verifier (default), or Mozilla's roots
//! bundled in the library — chosen on request (`tls_roots = "bundled"`) and, on Android, whenever
//! the platform verifier has not been initialised from the JVM (it would fail every handshake).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use crate::error::Error;

/// Where trust comes from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TlsRoots {
    /// The operating system's verifier and trust store (Android: once initialised, see
    /// [`platform_verifier_initialised`]; until then, [`TlsRoots::Bundled`]).
    #[default]
    Platform,
    /// Mozilla's root programme, compiled into the library (`webpki-roots`).
    Bundled,
}

impl TlsRoots {
    /// `"platform"` or `"bundled"`.
    pub fn from_name(name: &str) -> Result<TlsRoots, Error> {
        match name {
            "platform" => Ok(TlsRoots::Platform),
            "bundled" => Ok(TlsRoots::Bundled),
            _ => Err(Error::invalid(
                "tls_roots",
                "must be \"platform\" or \"bundled\"",
            )),
        }
    }

    /// The name [`TlsRoots::from_name`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsRoots::Platform => "platform",
            TlsRoots::Bundled => "bundled",
        }
    }
}

/// Set once the host has initialised the platform verifier (Android: from the app's `Context`).
static PLATFORM_VERIFIER_READY: AtomicBool = AtomicBool::new(!cfg!(target_os = "android"));

/// Tells the SDK the platform verifier is initialised (the Android FFI entry point calls it after
/// `rustls_platform_verifier::android::init_with_env`); clients built later use it.
pub fn platform_verifier_initialised() {
    PLATFORM_VERIFIER_READY.store(true, Ordering::SeqCst);
}

/// The roots a client built now uses when `requested`.
pub(crate) fn effective(requested: TlsRoots) -> TlsRoots {
    resolve(requested, PLATFORM_VERIFIER_READY.load(Ordering::SeqCst))
}

fn resolve(requested: TlsRoots, platform_ready: bool) -> TlsRoots {
    match requested {
        TlsRoots::Platform if !platform_ready => {
            tracing::warn!(
                "the platform TLS verifier is not initialised (Android: call EnkashAndroid.init(context)); using the bundled Mozilla roots"
            );
            TlsRoots::Bundled
        }
        other => other,
    }
}

pub(crate) fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The rustls configuration for a client's `roots` plus its `extra_root_ca_pem`, if given.
pub(crate) fn tls_config(
    roots: TlsRoots,
    extra_root_ca_pem: Option<&[u8]>,
) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra = match extra_root_ca_pem {
        Some(pem) => parse_pem_certs(pem)?,
        None => Vec::new(),
    };
    let verifier: Arc<dyn rustls::client::danger::ServerCertVerifier> = match effective(roots) {
        TlsRoots::Platform => platform_verifier(extra, provider.clone())?,
        TlsRoots::Bundled => {
            let mut store = rustls::RootCertStore::empty();
            store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            for cert in extra {
                store.add(cert).map_err(|_| {
                    Error::invalid("extra_root_ca_pem", "is not a usable CA certificate")
                })?;
            }
            rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(store),
                provider.clone(),
            )
            .build()
            .map_err(|e| Error::config("cannot set up TLS verification").with_source(e))?
        }
    };
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config("cannot set up TLS").with_source(e))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(tls)
}

fn platform_verifier(
    extra: Vec<CertificateDer<'static>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> Result<Arc<dyn rustls::client::danger::ServerCertVerifier>, Error> {
    #[cfg(not(target_os = "android"))]
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider);
    #[cfg(target_os = "android")]
    let verifier = if extra.is_empty() {
        rustls_platform_verifier::Verifier::new(provider)
    } else {
        return Err(Error::invalid(
            "extra_root_ca_pem",
            "needs tls_roots=\"bundled\" on Android (or add the CA to the app's network security config)",
        ));
    };
    let verifier =
        verifier.map_err(|e| Error::config("cannot set up TLS verification").with_source(e))?;
    Ok(Arc::new(verifier))
}

/// Every certificate in a PEM bundle; an error names the field when there is none or one is bad.
pub(crate) fn parse_pem_certs(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .map_err(|_| Error::invalid("extra_root_ca_pem", "is not a PEM certificate"))?;
    if certs.is_empty() {
        return Err(Error::invalid(
            "extra_root_ca_pem",
            "is not a PEM certificate",
        ));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_uninitialised_platform_verifier_falls_back_to_the_bundled_roots() {
        assert_eq!(resolve(TlsRoots::Platform, false), TlsRoots::Bundled);
        assert_eq!(resolve(TlsRoots::Platform, true), TlsRoots::Platform);
        assert_eq!(resolve(TlsRoots::Bundled, true), TlsRoots::Bundled);
        assert!(!webpki_roots::TLS_SERVER_ROOTS.is_empty());
    }

    #[test]
    fn names_round_trip_and_others_are_refused() {
        for r in [TlsRoots::Platform, TlsRoots::Bundled] {
            assert_eq!(TlsRoots::from_name(r.as_str()).unwrap(), r);
        }
        assert_eq!(
            TlsRoots::from_name("system").unwrap_err().field(),
            Some("tls_roots")
        );
    }
}
