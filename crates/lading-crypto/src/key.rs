//! Keys: generation, PKCS#8 / SPKI PEM encoding, key ids, signing and verifying.
//!
//! Signature encodings follow what independent verifiers expect: Ed25519 is
//! the raw 64 bytes (RFC 8032); ECDSA P-256 and SM2 are ASN.1 DER
//! `SEQUENCE { r, s }` as OpenSSL, `cryptography` and Sigstore write them.
//! Verification also accepts raw `r ‖ s` for P-256 and SM2, as in the DSSE
//! specification's own test vector.

use std::fmt;
use std::str::FromStr;

use pkcs8::der::Document;
use pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding, ObjectIdentifier, PrivateKeyInfoRef};
use sha2::Digest as _;
use spki::{DecodePublicKey, EncodePublicKey, SubjectPublicKeyInfoRef};

/// The GB/T 32918 default distinguishing identifier (user id) for SM2.
pub const SM2_DEFAULT_ID: &str = "1234567812345678";

const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_SM2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.301");

/// A signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// Ed25519 (RFC 8032), the default.
    Ed25519,
    /// ECDSA over P-256 with SHA-256.
    P256,
    /// SM2 with SM3 and the default user id `1234567812345678` (GB/T 32918).
    Sm2,
}

impl Algorithm {
    /// Every algorithm.
    pub const ALL: [Algorithm; 3] = [Algorithm::Ed25519, Algorithm::P256, Algorithm::Sm2];

    /// Short name: `ed25519`, `p256`, `sm2`.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "ed25519",
            Algorithm::P256 => "p256",
            Algorithm::Sm2 => "sm2",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<Self, KeyError> {
        Algorithm::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| KeyError::UnsupportedAlgorithm(format!("{s:?}; expected ed25519, p256 or sm2")))
    }
}

/// Why a key could not be made, read or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The text is not PEM, or has a different label than expected.
    #[error("not a {expected} PEM file: {detail}")]
    Pem {
        /// The PEM label expected, e.g. `PRIVATE KEY`.
        expected: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// The DER inside the PEM is not a key of the named algorithm.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was being decoded.
        what: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// The key's algorithm is not one Lading supports.
    #[error("unsupported key algorithm {0}")]
    UnsupportedAlgorithm(String),
    /// The operating system's random number generator failed.
    #[error("random number generator failed: {0}")]
    Random(String),
    /// An encrypted key did not decrypt: a wrong passphrase, or a damaged file.
    #[error("cannot decrypt the private key: wrong passphrase (or a damaged file)")]
    WrongPassphrase,
    /// An encrypted key uses an encryption this crate does not read.
    #[error("cannot decrypt the private key: {0}")]
    Encryption(String),
}

/// PBKDF2 iterations of keys Lading encrypts (OWASP's 2023 figure for
/// PBKDF2-HMAC-SHA256). OpenSSL reads any count.
pub const PBKDF2_ITERATIONS: u32 = 600_000;

/// Most PBKDF2 iterations an encrypted key file may ask for (16 times
/// [`PBKDF2_ITERATIONS`]): the count comes from the file, so a larger one
/// is refused before any work rather than spending minutes of CPU.
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// Most memory an encrypted key file's scrypt parameters may ask for
/// (128 · r · N · p bytes; OpenSSL's default, N = 2^14 and r = 8, is 16 MiB).
pub const MAX_SCRYPT_BYTES: u128 = 1 << 30;

/// Refuses PBES2 parameters that would exhaust CPU or memory; they come
/// from the key file.
fn check_kdf_cost(scheme: &pkcs5::EncryptionScheme) -> Result<(), KeyError> {
    let Some(params) = scheme.pbes2() else { return Ok(()) };
    match &params.kdf {
        pkcs5::pbes2::Kdf::Pbkdf2(p) if p.iteration_count > MAX_PBKDF2_ITERATIONS => {
            Err(KeyError::Encryption(format!(
                "the file asks for {} PBKDF2 iterations; at most {MAX_PBKDF2_ITERATIONS} are read",
                p.iteration_count
            )))
        }
        pkcs5::pbes2::Kdf::Scrypt(p) => {
            let bytes = 128u128
                * u128::from(p.block_size)
                * u128::from(p.cost_parameter)
                * u128::from(p.parallelization.max(1));
            if bytes > MAX_SCRYPT_BYTES {
                return Err(KeyError::Encryption(format!(
                    "the file's scrypt parameters (N={}, r={}, p={}) need {bytes} bytes of memory; at most {MAX_SCRYPT_BYTES} are given",
                    p.cost_parameter, p.block_size, p.parallelization
                )));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A key id: lowercase hex SHA-256 of the SPKI DER of the public key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(String);

impl KeyId {
    /// The key id of an SPKI DER encoding.
    pub fn of_spki_der(spki_der: &[u8]) -> Self {
        Self(hex::encode(sha2::Sha256::digest(spki_der)))
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A private signing key.
#[derive(Clone)]
pub enum SigningKey {
    /// Ed25519.
    Ed25519(ed25519_dalek::SigningKey),
    /// ECDSA P-256.
    P256(p256::ecdsa::SigningKey),
    /// SM2 (bound to the default user id).
    Sm2(Box<sm2::dsa::SigningKey>),
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print secret material.
        write!(f, "SigningKey({}, {})", self.algorithm(), self.verifying_key().key_id())
    }
}

/// A public verifying key.
#[derive(Clone, Debug)]
pub enum VerifyingKey {
    /// Ed25519.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// ECDSA P-256.
    P256(p256::ecdsa::VerifyingKey),
    /// SM2 (bound to the default user id).
    Sm2(Box<sm2::dsa::VerifyingKey>),
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.to_spki_der() == other.to_spki_der()
    }
}

impl Eq for VerifyingKey {}

fn malformed(what: &'static str) -> impl Fn(String) -> KeyError {
    move |detail| KeyError::Malformed { what, detail }
}

fn random_32() -> Result<[u8; 32], KeyError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| KeyError::Random(e.to_string()))?;
    Ok(bytes)
}

impl SigningKey {
    /// Generates a new key from the operating system's random number generator.
    pub fn generate(algorithm: Algorithm) -> Result<Self, KeyError> {
        // A uniformly random 32-byte string is a valid P-256 or SM2 scalar
        // except with probability about 2^-32; draw again in that case.
        for _ in 0..64 {
            let bytes = random_32()?;
            let key = match algorithm {
                Algorithm::Ed25519 => Some(SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&bytes))),
                Algorithm::P256 => p256::ecdsa::SigningKey::from_slice(&bytes).ok().map(SigningKey::P256),
                Algorithm::Sm2 => {
                    sm2::dsa::SigningKey::from_slice(SM2_DEFAULT_ID, &bytes).ok().map(|k| SigningKey::Sm2(Box::new(k)))
                }
            };
            if let Some(key) = key {
                return Ok(key);
            }
        }
        Err(KeyError::Random("64 draws in a row were not valid scalars".into()))
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            SigningKey::Ed25519(_) => Algorithm::Ed25519,
            SigningKey::P256(_) => Algorithm::P256,
            SigningKey::Sm2(_) => Algorithm::Sm2,
        }
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        match self {
            SigningKey::Ed25519(k) => VerifyingKey::Ed25519(k.verifying_key()),
            SigningKey::P256(k) => VerifyingKey::P256(*k.verifying_key()),
            SigningKey::Sm2(k) => VerifyingKey::Sm2(Box::new(k.verifying_key().clone())),
        }
    }

    /// Signs `message` (Ed25519 raw, P-256 and SM2 DER).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        use signature::Signer as _;
        match self {
            SigningKey::Ed25519(k) => k.sign(message).to_bytes().to_vec(),
            SigningKey::P256(k) => {
                let sig: p256::ecdsa::Signature = k.sign(message);
                sig.to_der().as_bytes().to_vec()
            }
            SigningKey::Sm2(k) => {
                let sig: sm2::dsa::Signature = k.sign(message);
                sig.to_der().as_bytes().to_vec()
            }
        }
    }

    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), the form OpenSSL's
    /// `genpkey` writes and every tool reads: version 1 `PrivateKeyInfo`.
    /// (For Ed25519, `ed25519-dalek` writes the RFC 5958 version 2 with the
    /// public key, which OpenSSL 3.0 and Python `cryptography` refuse.)
    pub fn to_pkcs8_pem(&self) -> Result<String, KeyError> {
        let encoded = match self {
            SigningKey::Ed25519(k) => ed25519_dalek::pkcs8::KeypairBytes { secret_key: k.to_bytes(), public_key: None }
                .to_pkcs8_pem(LineEnding::LF),
            SigningKey::P256(k) => k.to_pkcs8_pem(LineEnding::LF),
            SigningKey::Sm2(k) => sm2::SecretKey::from(k.as_nonzero_scalar()).to_pkcs8_pem(LineEnding::LF),
        };
        encoded.map(|pem| pem.to_string()).map_err(|e| malformed("private key")(e.to_string()))
    }

    /// Encrypted PKCS#8 PEM (`-----BEGIN ENCRYPTED PRIVATE KEY-----`):
    /// PBES2 with PBKDF2-HMAC-SHA256 ([`PBKDF2_ITERATIONS`], random 16-byte
    /// salt) and AES-256-CBC, as `openssl pkcs8 -topk8 -v2 aes-256-cbc`
    /// writes it and `openssl pkey -passin` reads it.
    pub fn to_encrypted_pkcs8_pem(&self, passphrase: &[u8]) -> Result<String, KeyError> {
        self.to_encrypted_pkcs8_pem_with_iterations(passphrase, PBKDF2_ITERATIONS)
    }

    /// [`SigningKey::to_encrypted_pkcs8_pem`] with another PBKDF2 iteration
    /// count (tests use few: each iteration is slow without optimisation).
    pub fn to_encrypted_pkcs8_pem_with_iterations(
        &self,
        passphrase: &[u8],
        iterations: u32,
    ) -> Result<String, KeyError> {
        let plain = self.to_pkcs8_pem()?;
        let blocks = crate::pem::blocks(&plain).map_err(|detail| KeyError::Pem { expected: "PRIVATE KEY", detail })?;
        let der = blocks.first().map(|b| zeroize::Zeroizing::new(b.der.clone())).unwrap_or_default();
        let info = PrivateKeyInfoRef::try_from(der.as_slice()).map_err(|e| malformed("private key")(e.to_string()))?;
        let mut salt = [0u8; 16];
        let mut iv = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| KeyError::Random(e.to_string()))?;
        getrandom::fill(&mut iv).map_err(|e| KeyError::Random(e.to_string()))?;
        let params = pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(iterations, &salt, iv)
            .map_err(|e| KeyError::Encryption(e.to_string()))?;
        let encrypted =
            info.encrypt_with_params(params, passphrase).map_err(|e| KeyError::Encryption(e.to_string()))?;
        encrypted
            .to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)
            .map(|pem| pem.to_string())
            .map_err(|e| malformed("encrypted private key")(e.to_string()))
    }

    /// Whether `pem` holds an encrypted private key (PKCS#8
    /// `ENCRYPTED PRIVATE KEY`, or a legacy `Proc-Type: 4,ENCRYPTED` block).
    pub fn is_encrypted_pem(pem: &str) -> bool {
        crate::pem::blocks(pem)
            .is_ok_and(|blocks| blocks.iter().any(|b| b.encrypted || b.label == "ENCRYPTED PRIVATE KEY"))
    }

    /// Reads an encrypted PKCS#8 PEM key (PBES2: PBKDF2-HMAC-SHA256 or
    /// scrypt, AES-128/256-CBC or -GCM — what OpenSSL 3 writes by default)
    /// with `passphrase`. A wrong passphrase is [`KeyError::WrongPassphrase`].
    pub fn from_encrypted_pkcs8_pem(pem: &str, passphrase: &[u8]) -> Result<Self, KeyError> {
        let expected = "ENCRYPTED PRIVATE KEY";
        let blocks = crate::pem::blocks(pem).map_err(|detail| KeyError::Pem { expected, detail })?;
        let Some(block) = blocks.iter().find(|b| b.label == expected) else {
            let legacy = blocks.iter().any(|b| b.encrypted);
            return Err(KeyError::Pem {
                expected,
                detail: if legacy {
                    "a legacy OpenSSL-encrypted key (Proc-Type: 4,ENCRYPTED); convert it: openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out NEW.key".into()
                } else {
                    "no ENCRYPTED PRIVATE KEY block".into()
                },
            });
        };
        let info = pkcs8::EncryptedPrivateKeyInfoRef::try_from(block.der.as_slice())
            .map_err(|e| malformed("encrypted PKCS#8 private key")(e.to_string()))?;
        check_kdf_cost(&info.encryption_algorithm)?;
        let decrypted = info.decrypt(passphrase).map_err(|e| match e {
            pkcs8::Error::EncryptedPrivateKey(pkcs5::Error::DecryptFailed) => KeyError::WrongPassphrase,
            pkcs8::Error::EncryptedPrivateKey(other) => KeyError::Encryption(other.to_string()),
            // The plaintext is not DER: with CBC a wrong key passes the
            // padding check about once in 256 tries and lands here.
            _ => KeyError::WrongPassphrase,
        })?;
        Self::from_pkcs8_der(decrypted.as_bytes()).map_err(|_| KeyError::WrongPassphrase)
    }

    /// Reads a private key file of any supported algorithm: PKCS#8
    /// (`PRIVATE KEY`, versions 1 and 2), or SEC1 (`EC PRIVATE KEY`, P-256
    /// or SM2, as `openssl ecparam -genkey` and GmSSL write it, with or
    /// without the `EC PARAMETERS` block before it). The PEM may have any
    /// line length and line ends (see [`crate::pem`]).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, KeyError> {
        let expected = "PRIVATE KEY";
        let blocks = crate::pem::blocks(pem).map_err(|detail| KeyError::Pem { expected, detail })?;
        let labels: Vec<&str> = blocks.iter().map(|b| b.label.as_str()).collect();
        let Some(block) = blocks.iter().find(|b| b.label.ends_with("PRIVATE KEY")) else {
            return Err(KeyError::Pem { expected, detail: format!("found only {labels:?}") });
        };
        if block.encrypted || block.label == "ENCRYPTED PRIVATE KEY" {
            return Err(KeyError::Pem {
                expected,
                detail: "the key is encrypted; write it unencrypted (openssl pkey -in KEY -out PLAIN.key)".into(),
            });
        }
        let named = blocks.iter().find(|b| matches!(b.label.as_str(), "EC PARAMETERS" | "SM2 PARAMETERS")).map(|b| {
            use pkcs8::der::Decode as _;
            ObjectIdentifier::from_der(&b.der).map_err(|e| malformed("EC PARAMETERS (a named curve)")(e.to_string()))
        });
        let named = named.transpose()?;
        let der = block.der.as_slice();
        let is_sec1 = sec1::EcPrivateKey::try_from(der).is_ok();
        // OpenSSL reads either structure under either label, and files built
        // by hand mix them; they cannot be mistaken for each other (PKCS#8:
        // version, then an AlgorithmIdentifier SEQUENCE; SEC1: version 1,
        // then an OCTET STRING), so the DER decides, the label names the error.
        match block.label.as_str() {
            "PRIVATE KEY" if is_sec1 => Self::from_sec1_der(der, named),
            "PRIVATE KEY" => Self::from_pkcs8_der(der),
            "EC PRIVATE KEY" | "SM2 PRIVATE KEY" if !is_sec1 && PrivateKeyInfoRef::try_from(der).is_ok() => {
                Self::from_pkcs8_der(der)
            }
            "EC PRIVATE KEY" | "SM2 PRIVATE KEY" => Self::from_sec1_der(der, named),
            other => Err(KeyError::Pem {
                expected,
                detail: format!("found label {other:?} (convert it to unencrypted PKCS#8: openssl pkey -in KEY)"),
            }),
        }
    }

    /// Reads a SEC1 `ECPrivateKey` (RFC 5915); `curve` is the named curve
    /// of a separate `EC PARAMETERS` block, for keys that omit their own.
    pub fn from_sec1_der(der: &[u8], curve: Option<ObjectIdentifier>) -> Result<Self, KeyError> {
        let key = sec1::EcPrivateKey::try_from(der).map_err(|e| malformed("SEC1 EC private key")(e.to_string()))?;
        let own = key.parameters.and_then(|p| p.named_curve());
        let curve = match (own, curve) {
            (Some(a), Some(b)) if a != b => {
                return Err(malformed("SEC1 EC private key")(format!(
                    "the key names curve {a} but its EC PARAMETERS block names {b}"
                )));
            }
            (Some(c), _) | (None, Some(c)) => c,
            (None, None) => {
                return Err(malformed("SEC1 EC private key")("it names no curve (P-256 or SM2)".into()));
            }
        };
        let signing = match identify(OID_EC_PUBLIC_KEY, Some(curve))? {
            Algorithm::P256 => p256::SecretKey::from_slice(key.private_key)
                .map(|k| SigningKey::P256(p256::ecdsa::SigningKey::from(k)))
                .map_err(|e| malformed("P-256 private key")(e.to_string())),
            Algorithm::Sm2 => {
                let secret = sm2::SecretKey::from_slice(key.private_key)
                    .map_err(|e| malformed("SM2 private key")(e.to_string()))?;
                sm2::dsa::SigningKey::new(SM2_DEFAULT_ID, &secret)
                    .map(|k| SigningKey::Sm2(Box::new(k)))
                    .map_err(|e| malformed("SM2 private key")(e.to_string()))
            }
            Algorithm::Ed25519 => Err(KeyError::UnsupportedAlgorithm("Ed25519 in a SEC1 file".into())),
        }?;
        // A public key in the file must be this private key's.
        if let Some(public) = key.public_key {
            let derived = signing.verifying_key().to_spki_der();
            let matches = VerifyingKey::from_spki_der(&derived).ok().is_some_and(|v| v.sec1_point_matches(public));
            if !matches {
                return Err(malformed("SEC1 EC private key")("its public key is not the private key's".into()));
            }
        }
        Ok(signing)
    }

    /// Reads a PKCS#8 DER private key of any supported algorithm.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let info = PrivateKeyInfoRef::try_from(der).map_err(|e| malformed("PKCS#8 private key")(e.to_string()))?;
        let parameters = info.algorithm.parameters_oid().ok();
        match identify(info.algorithm.oid, parameters)? {
            Algorithm::Ed25519 => ed25519_dalek::SigningKey::from_pkcs8_der(der)
                .map(SigningKey::Ed25519)
                .map_err(|e| malformed("Ed25519 private key")(e.to_string())),
            Algorithm::P256 => p256::ecdsa::SigningKey::from_pkcs8_der(der)
                .map(SigningKey::P256)
                .map_err(|e| malformed("P-256 private key")(e.to_string())),
            Algorithm::Sm2 => {
                let secret =
                    sm2::SecretKey::from_pkcs8_der(der).map_err(|e| malformed("SM2 private key")(e.to_string()))?;
                sm2::dsa::SigningKey::new(SM2_DEFAULT_ID, &secret)
                    .map(|k| SigningKey::Sm2(Box::new(k)))
                    .map_err(|e| malformed("SM2 private key")(e.to_string()))
            }
        }
    }
}

fn identify(algorithm: ObjectIdentifier, parameters: Option<ObjectIdentifier>) -> Result<Algorithm, KeyError> {
    match (algorithm, parameters) {
        (OID_ED25519, _) => Ok(Algorithm::Ed25519),
        (OID_EC_PUBLIC_KEY, Some(OID_P256)) => Ok(Algorithm::P256),
        (OID_EC_PUBLIC_KEY, Some(OID_SM2)) | (OID_SM2, _) => Ok(Algorithm::Sm2),
        (OID_EC_PUBLIC_KEY, Some(curve)) => Err(KeyError::UnsupportedAlgorithm(format!(
            "EC key on curve {curve}; expected P-256 (1.2.840.10045.3.1.7) or SM2 (1.2.156.10197.1.301)"
        ))),
        (oid, _) => Err(KeyError::UnsupportedAlgorithm(format!("with OID {oid}"))),
    }
}

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature bytes are not an encoding of the key's algorithm.
    #[error("signature is not a valid {algorithm} signature encoding ({len} bytes)")]
    Encoding {
        /// The key's algorithm.
        algorithm: Algorithm,
        /// Length of the signature found.
        len: usize,
    },
    /// The signature does not match the message and key.
    #[error("{algorithm} signature does not match the message and key")]
    Mismatch {
        /// The key's algorithm.
        algorithm: Algorithm,
    },
}

impl VerifyingKey {
    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            VerifyingKey::Ed25519(_) => Algorithm::Ed25519,
            VerifyingKey::P256(_) => Algorithm::P256,
            VerifyingKey::Sm2(_) => Algorithm::Sm2,
        }
    }

    /// SubjectPublicKeyInfo DER.
    pub fn to_spki_der(&self) -> Vec<u8> {
        let encoded = match self {
            VerifyingKey::Ed25519(k) => k.to_public_key_der(),
            VerifyingKey::P256(k) => k.to_public_key_der(),
            VerifyingKey::Sm2(k) => k.to_public_key_der(),
        };
        // Encoding a valid public key into a fresh buffer cannot fail.
        encoded.map(|d| d.into_vec()).unwrap_or_default()
    }

    /// SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn to_spki_pem(&self) -> String {
        // PEM-encoding DER we just produced cannot fail.
        Document::try_from(self.to_spki_der()).and_then(|d| d.to_pem("PUBLIC KEY", LineEnding::LF)).unwrap_or_default()
    }

    /// Whether `point` (SEC1, compressed or not) is this EC key's point.
    fn sec1_point_matches(&self, point: &[u8]) -> bool {
        match self {
            VerifyingKey::P256(k) => {
                p256::PublicKey::from_sec1_bytes(point).is_ok_and(|p| p.as_affine() == k.as_affine())
            }
            VerifyingKey::Sm2(k) => {
                sm2::PublicKey::from_sec1_bytes(point).is_ok_and(|p| p.as_affine() == k.as_affine())
            }
            VerifyingKey::Ed25519(_) => false,
        }
    }

    /// The key id: hex SHA-256 of the SPKI DER.
    pub fn key_id(&self) -> KeyId {
        KeyId::of_spki_der(&self.to_spki_der())
    }

    /// Reads an SPKI PEM public key of any supported algorithm.
    /// Any line length and line ends are read (see [`crate::pem`]).
    pub fn from_spki_pem(pem: &str) -> Result<Self, KeyError> {
        let expected = "PUBLIC KEY";
        let blocks = crate::pem::blocks(pem).map_err(|detail| KeyError::Pem { expected, detail })?;
        match blocks.iter().find(|b| b.label == expected) {
            Some(block) => Self::from_spki_der(&block.der),
            None => {
                let labels: Vec<&str> = blocks.iter().map(|b| b.label.as_str()).collect();
                Err(KeyError::Pem { expected, detail: format!("found label {labels:?}") })
            }
        }
    }

    /// Reads an SPKI DER public key of any supported algorithm.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let info = SubjectPublicKeyInfoRef::try_from(der).map_err(|e| malformed("SPKI public key")(e.to_string()))?;
        let parameters = info.algorithm.parameters_oid().ok();
        match identify(info.algorithm.oid, parameters)? {
            Algorithm::Ed25519 => ed25519_dalek::VerifyingKey::from_public_key_der(der)
                .map(VerifyingKey::Ed25519)
                .map_err(|e| malformed("Ed25519 public key")(e.to_string())),
            Algorithm::P256 => p256::ecdsa::VerifyingKey::from_public_key_der(der)
                .map(VerifyingKey::P256)
                .map_err(|e| malformed("P-256 public key")(e.to_string())),
            Algorithm::Sm2 => {
                let public =
                    sm2::PublicKey::from_public_key_der(der).map_err(|e| malformed("SM2 public key")(e.to_string()))?;
                sm2::dsa::VerifyingKey::new(SM2_DEFAULT_ID, public)
                    .map(|k| VerifyingKey::Sm2(Box::new(k)))
                    .map_err(|e| malformed("SM2 public key")(e.to_string()))
            }
        }
    }

    /// Verifies `signature` over `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        use signature::Verifier as _;
        let algorithm = self.algorithm();
        let encoding = SignatureError::Encoding { algorithm, len: signature.len() };
        let mismatch = SignatureError::Mismatch { algorithm };
        match self {
            VerifyingKey::Ed25519(k) => {
                let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| encoding)?;
                // Strict verification rejects small-order keys and
                // non-canonical encodings that plain RFC 8032 lets through.
                k.verify_strict(message, &sig).map_err(|_| mismatch)
            }
            VerifyingKey::P256(k) => {
                let sig = if signature.len() == 64 {
                    p256::ecdsa::Signature::from_slice(signature)
                } else {
                    p256::ecdsa::Signature::from_der(signature)
                }
                .map_err(|_| encoding)?;
                k.verify(message, &sig).map_err(|_| mismatch)
            }
            VerifyingKey::Sm2(k) => {
                let sig = if signature.len() == 64 {
                    sm2::dsa::Signature::from_slice(signature)
                } else {
                    sm2::dsa::Signature::from_der(signature)
                }
                .map_err(|_| encoding)?;
                k.verify(message, &sig).map_err(|_| mismatch)
            }
        }
    }
}
