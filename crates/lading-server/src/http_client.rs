//! The one way Lading builds an HTTP client (witnesses, time-stamp
//! authorities, status lists, the CLI's remote commands, tests).
//!
//! reqwest is built with rustls and no default crypto provider (aws-lc-rs
//! costs minutes of C build on the 2-core machines this builds on), so a
//! client built before a provider is installed panics. This installs ring's
//! provider first, once per process.

/// A reqwest client builder, with rustls' crypto provider installed.
pub fn builder() -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder()
}

/// A client with reqwest's defaults.
///
/// # Panics
/// Never in practice: building fails only when the TLS backend cannot be
/// initialised, which the installed provider rules out.
#[must_use]
pub fn client() -> reqwest::Client {
    #[allow(clippy::expect_used)]
    builder().build().expect("an HTTP client with the ring provider installed")
}

/// Installs ring as rustls' process-wide crypto provider (a no-op when one
/// is installed already). rustls 0.23.48 deprecates ring's provider for
/// lacking post-quantum key exchange; classical X25519/ECDHE is what the
/// servers Lading talks to offer.
#[allow(deprecated)]
pub fn install_crypto_provider() {
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
}
