//! Where signing keys come from: the one way every command turns `--key
//! VALUE` into a [`Signer`].
//!
//! VALUE is a private key file (PKCS#8 or SEC1 PEM; refused when group or
//! others may read it, unless `--allow-loose-key-permissions`). Every signing
//! command (sign, credential sign, certify issue, statement issue, trust-list
//! sign, release pack, maint stream create, log init, serve, status-list,
//! pki) gets its key here, so a new kind of key home is added in one place.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Result, anyhow, bail};
use lading_crypto::{Algorithm, SignError, Signer, SigningKey, VerifyingKey};
use lading_tlog::{KeyKind, NoteSigner};

use crate::fsio;

/// A signer shared by the threads and tasks that sign.
pub(crate) type SharedSigner = Arc<dyn Signer>;

/// A key read from a file into memory.
struct FileSigner {
    key: SigningKey,
    path: PathBuf,
}

impl fmt::Debug for FileSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FileSigner({})", self.path.display())
    }
}

impl Signer for FileSigner {
    fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(self.key.sign(message))
    }

    fn describe(&self) -> String {
        format!("key file {}", self.path.display())
    }

    fn algorithm(&self) -> Algorithm {
        self.key.algorithm()
    }
}

/// The signer `--key VALUE` names.
pub(crate) fn signer(value: &Path) -> Result<SharedSigner> {
    Ok(load(value)?.signer)
}

/// A loaded key and the text that stores it (for copying it into a log's
/// directory: the PEM of a file key).
pub(crate) struct Loaded {
    /// The signer.
    pub(crate) signer: SharedSigner,
    /// What a copy of the key holds (wiped on drop).
    pub(crate) stored: zeroize::Zeroizing<String>,
}

/// Loads the key `value` names.
pub(crate) fn load(value: &Path) -> Result<Loaded> {
    let key = fsio::read_private_key(value)?;
    let stored = zeroize::Zeroizing::new(key.to_pkcs8_pem()?);
    Ok(Loaded { signer: Arc::new(FileSigner { key, path: value.to_owned() }), stored })
}

/// A signer holding an Ed25519 key, with that key at hand (for `did:key`).
pub(crate) struct Ed25519Key {
    signer: SharedSigner,
    public: ed25519_dalek::VerifyingKey,
}

impl Ed25519Key {
    /// The Ed25519 public key.
    pub(crate) fn verifying_key(&self) -> ed25519_dalek::VerifyingKey {
        self.public
    }
}

impl Signer for Ed25519Key {
    fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey::Ed25519(self.public)
    }

    fn try_sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        self.signer.try_sign(message)
    }

    fn describe(&self) -> String {
        self.signer.describe()
    }

    fn algorithm(&self) -> Algorithm {
        Algorithm::Ed25519
    }
}

/// The signer `value` names, which must hold an Ed25519 key because `why`
/// (e.g. "credentials are signed with eddsa-jcs-2022").
pub(crate) fn ed25519_key(value: &Path, why: &str) -> Result<Ed25519Key> {
    let signer = signer(value)?;
    match signer.verifying_key() {
        VerifyingKey::Ed25519(public) => Ok(Ed25519Key { signer, public }),
        other => bail!("{}: {why}, which needs an Ed25519 key; this key is {}", signer.describe(), other.algorithm()),
    }
}

/// A signed-note signer named `name` of `kind` with `signer`'s Ed25519 key
/// (log checkpoints and witness cosignatures).
pub(crate) fn note_signer(name: &str, kind: KeyKind, signer: SharedSigner) -> Result<NoteSigner> {
    let described = signer.describe();
    let key = lading_crypto::Ed25519Signer::new(signer).map_err(|e| anyhow!("{e}"))?;
    NoteSigner::from_key(name, kind, key.public_key(), Arc::new(key))
        .map_err(|e| anyhow!("{described}: key name {name:?}: {e}"))
}

/// A public key from `value`: a private or public key file.
pub(crate) fn public_key(value: &Path) -> Result<VerifyingKey> {
    let pem = fsio::read_text(value, fsio::MAX_KEY_BYTES)?;
    if pem.contains("PRIVATE KEY") { Ok(signer(value)?.verifying_key()) } else { fsio::read_public_key(value) }
}
