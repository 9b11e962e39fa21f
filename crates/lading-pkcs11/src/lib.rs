//! # lading-pkcs11
//!
//! Signing keys in hardware security modules: a [`lading_crypto::Signer`]
//! whose private key never leaves a PKCS#11 token ([`TokenSigner`]), key
//! generation inside the token ([`generate`]), and the RFC 7512 URI that
//! names a key ([`Pkcs11Uri`], pure and fuzzed).
//!
//! Mechanisms: Ed25519 with `CKM_EDDSA`; ECDSA P-256 with
//! `CKM_ECDSA_SHA256`, or `CKM_ECDSA` over a SHA-256 digest computed here
//! when the module lacks it (SoftHSM2), the raw `r ‖ s` turned into DER;
//! SM2 through a vendor mechanism named in the URI ([`Sm2Mechanism`]).
//!
//! What it is not: a key store or a PIN cache. The PIN is read from the file
//! `pin-source` (or the caller's fallback) names, handed to `C_Login` and
//! wiped; it is never in an error, a log or a command line.
//!
//! ```
//! use lading_pkcs11::Pkcs11Uri;
//! let uri = Pkcs11Uri::parse("pkcs11:token=CA;object=root?module-path=/usr/lib/softhsm/libsofthsm2.so").unwrap();
//! assert_eq!(uri.object.as_deref(), Some("root"));
//! assert!(Pkcs11Uri::parse("pkcs11:token=CA?pin-value=1234").is_err());
//! ```

mod token;
pub mod uri;

pub use token::{Fallbacks, Pkcs11Error, Sm2Mechanism, TokenSigner, generate, show};
pub use uri::{Pkcs11Uri, UriError, is_pkcs11_uri};
