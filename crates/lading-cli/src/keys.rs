//! Where signing keys come from: the one way every command turns `--key
//! VALUE` into a [`Signer`].
//!
//! VALUE is one of
//! - a private key file: PKCS#8 or SEC1 PEM, or encrypted PKCS#8 (the
//!   passphrase from `--passphrase-file`, `LADING_KEY_PASSPHRASE` or a
//!   terminal prompt); refused when group or others may read it, unless
//!   `--allow-loose-key-permissions`;
//! - a `pkcs11:` URI (RFC 7512) naming a key in a token, with
//!   `LADING_PKCS11_MODULE` and `LADING_PKCS11_PIN_FILE` as fallbacks for
//!   `module-path` and `pin-source`;
//! - a key reference file holding such a URI (what `log init` copies into a
//!   log's `log.key` when its key is in a token).
//!
//! Every signing command (sign, credential sign, certify issue, statement
//! issue, trust-list sign, release pack, maint stream create, log init,
//! serve, status-list, pki) gets its key here; maintenance streams get
//! theirs through [`stream_key`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::io::IsTerminal as _;

use anyhow::{Context as _, Result, anyhow, bail};
use lading_crypto::{Algorithm, SignError, Signer, SigningKey, VerifyingKey};
use lading_tlog::{KeyKind, NoteSigner};
use zeroize::Zeroizing;

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

    fn signatures_need_no_check(&self) -> bool {
        true
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
    pub(crate) stored: Zeroizing<String>,
}

/// Loads the key `value` names.
pub(crate) fn load(value: &Path) -> Result<Loaded> {
    if let Some(text) = value.to_str().filter(|t| lading_pkcs11::is_pkcs11_uri(t)) {
        return token(text, None);
    }
    let text = fsio::read_key_file(value)?;
    if lading_pkcs11::is_pkcs11_uri(text.trim_start()) {
        return token(text.trim(), Some(value));
    }
    let key = if SigningKey::is_encrypted_pem(&text) {
        let passphrase = passphrase(&format!("passphrase for {}: ", value.display()), false)?;
        SigningKey::from_encrypted_pkcs8_pem(&text, passphrase.as_bytes())
            .with_context(|| format!("cannot read private key {}", value.display()))?
    } else {
        SigningKey::from_pkcs8_pem(&text).with_context(|| format!("cannot read private key {}", value.display()))?
    };
    // A copy keeps the file's form: an encrypted key stays encrypted.
    let stored = if SigningKey::is_encrypted_pem(&text) { text } else { Zeroizing::new(key.to_pkcs8_pem()?) };
    Ok(Loaded { signer: Arc::new(FileSigner { key, path: value.to_owned() }), stored })
}

/// A maintenance stream's key from `value`: a key file (plain or
/// encrypted) is read into memory and its PEM is what a stream keeps; a
/// `pkcs11:` URI or a reference file holding one opens the token key, and a
/// stream keeps only the URI (module and PIN file paths, never a PIN).
pub(crate) fn stream_key(value: &Path) -> Result<lading_stream::StreamKey> {
    let is_uri = value.to_str().is_some_and(lading_pkcs11::is_pkcs11_uri);
    if !is_uri {
        let text = fsio::read_key_file(value)?;
        if !lading_pkcs11::is_pkcs11_uri(text.trim_start()) {
            let key = if SigningKey::is_encrypted_pem(&text) {
                let passphrase = passphrase(&format!("passphrase for {}: ", value.display()), false)?;
                SigningKey::from_encrypted_pkcs8_pem(&text, passphrase.as_bytes())
            } else {
                SigningKey::from_pkcs8_pem(&text)
            };
            return Ok(key.with_context(|| format!("cannot read private key {}", value.display()))?.into());
        }
    }
    let loaded = load(value)?;
    Ok(lading_stream::StreamKey::reference(loaded.signer, &loaded.stored)?)
}

/// `LADING_PKCS11_MODULE` and `LADING_PKCS11_PIN_FILE`.
pub(crate) fn pkcs11_fallbacks() -> lading_pkcs11::Fallbacks {
    lading_pkcs11::Fallbacks {
        module: std::env::var_os("LADING_PKCS11_MODULE").map(PathBuf::from),
        pin_file: std::env::var_os("LADING_PKCS11_PIN_FILE").map(PathBuf::from),
    }
}

/// Parses a PKCS#11 URI (`from`: the reference file it was read from).
pub(crate) fn parse_uri(text: &str, from: Option<&Path>) -> Result<lading_pkcs11::Pkcs11Uri> {
    lading_pkcs11::Pkcs11Uri::parse(text).map_err(|e| match from {
        Some(path) => anyhow!("{}: {e}", path.display()),
        None => anyhow!("{e}"),
    })
}

/// A token key; its stored form is the URI with the module and PIN file
/// the environment supplied written in, so a log opened later finds them.
fn token(text: &str, from: Option<&Path>) -> Result<Loaded> {
    let mut uri = parse_uri(text, from)?;
    let fallbacks = pkcs11_fallbacks();
    let signer = lading_pkcs11::TokenSigner::open(&uri, &fallbacks)?;
    if uri.module_path.is_none() {
        uri.module_path = fallbacks.module.map(|p| p.display().to_string());
    }
    if uri.pin_source.is_none() {
        uri.pin_source = fallbacks.pin_file.map(|p| format!("file:{}", p.display()));
    }
    Ok(Loaded { signer: Arc::new(signer), stored: Zeroizing::new(format!("{uri}\n")) })
}

/// Set by `--passphrase-file`.
pub(crate) static PASSPHRASE_FILE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The passphrase of an encrypted key: `--passphrase-file`, else
/// `LADING_KEY_PASSPHRASE`, else asked on the terminal (twice when `confirm`,
/// for a new key). Never an argument: command lines are visible to every
/// user of the machine.
pub(crate) fn passphrase(prompt: &str, confirm: bool) -> Result<Zeroizing<String>> {
    if let Some(path) = PASSPHRASE_FILE.get() {
        let text = fsio::read_key_file(path)?;
        let line = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
        if line.is_empty() {
            bail!("passphrase file {} is empty", path.display());
        }
        return Ok(Zeroizing::new(line.to_owned()));
    }
    if let Ok(value) = std::env::var("LADING_KEY_PASSPHRASE") {
        if value.is_empty() {
            bail!("LADING_KEY_PASSPHRASE is empty");
        }
        return Ok(Zeroizing::new(value));
    }
    if !std::io::stdin().is_terminal() {
        bail!("the key is encrypted: give its passphrase with --passphrase-file FILE or LADING_KEY_PASSPHRASE");
    }
    let first = Zeroizing::new(rpassword::prompt_password(prompt).context("reading the passphrase")?);
    if first.is_empty() {
        bail!("empty passphrase");
    }
    if confirm {
        let again = Zeroizing::new(rpassword::prompt_password("again: ").context("reading the passphrase")?);
        if *again != *first {
            bail!("the two passphrases differ");
        }
    }
    Ok(first)
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

    fn signatures_need_no_check(&self) -> bool {
        self.signer.signatures_need_no_check()
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
    // A key in memory or a token signer (which verifies each signature
    // itself) is not checked a second time per checkpoint.
    let made = if key.signatures_need_no_check() {
        NoteSigner::from_checked_key(name, kind, key.public_key(), Arc::new(key))
    } else {
        NoteSigner::from_key(name, kind, key.public_key(), Arc::new(key))
    };
    made.map_err(|e| anyhow!("{described}: key name {name:?}: {e}"))
}

/// A public key from `value`: a private or public key file, or a token key
/// (its public key object; no PIN needed where the token allows).
pub(crate) fn public_key(value: &Path) -> Result<VerifyingKey> {
    if let Some(text) = value.to_str().filter(|t| lading_pkcs11::is_pkcs11_uri(t)) {
        return Ok(lading_pkcs11::show(&parse_uri(text, None)?, &pkcs11_fallbacks())?);
    }
    let pem = fsio::read_text(value, fsio::MAX_KEY_BYTES)?;
    if pem.contains("PRIVATE KEY") { Ok(signer(value)?.verifying_key()) } else { fsio::read_public_key(value) }
}
