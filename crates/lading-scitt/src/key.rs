//! COSE algorithms and keys: the two algorithms SCITT statements and receipts
//! use here (ES256, EdDSA), signing through lading-crypto keys, COSE_Key
//! encoding, RFC 9679 thumbprints as `kid`, and `did:key` issuers.
//!
//! SM2 has no registered COSE algorithm, so SM2 keys stay on the DSSE path
//! (`lading sign`); asking for a COSE signature with one is an error.

use coset::cbor::value::Value;
use lading_crypto::{Signer, VerifyingKey};
use sha2::{Digest as _, Sha256};

use crate::ScittError;

/// A COSE signature algorithm Lading signs and verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoseAlgorithm {
    /// ECDSA P-256 with SHA-256 (-7); signatures are `r ‖ s`, 64 bytes.
    Es256,
    /// EdDSA (-8), Ed25519 here.
    EdDsa,
}

impl CoseAlgorithm {
    /// The IANA COSE algorithm value.
    pub const fn value(self) -> i64 {
        match self {
            CoseAlgorithm::Es256 => -7,
            CoseAlgorithm::EdDsa => -8,
        }
    }

    /// The IANA name.
    pub const fn name(self) -> &'static str {
        match self {
            CoseAlgorithm::Es256 => "ES256",
            CoseAlgorithm::EdDsa => "EdDSA",
        }
    }

    /// The algorithm of IANA value `value`, if supported.
    pub fn from_value(value: i64) -> Option<Self> {
        match value {
            -7 => Some(CoseAlgorithm::Es256),
            -8 => Some(CoseAlgorithm::EdDsa),
            _ => None,
        }
    }

    /// The algorithm for a lading-crypto key; SM2 has none.
    pub fn for_key(key: &VerifyingKey) -> Result<Self, ScittError> {
        match key {
            VerifyingKey::Ed25519(_) => Ok(CoseAlgorithm::EdDsa),
            VerifyingKey::P256(_) => Ok(CoseAlgorithm::Es256),
            _ => Err(ScittError::UnsupportedKey(format!(
                "{} keys have no registered COSE algorithm; keep them on the DSSE path (`lading sign`)",
                key.algorithm()
            ))),
        }
    }

    pub(crate) fn coset(self) -> coset::iana::Algorithm {
        match self {
            CoseAlgorithm::Es256 => coset::iana::Algorithm::ES256,
            CoseAlgorithm::EdDsa => coset::iana::Algorithm::EdDSA,
        }
    }
}

/// Something that makes COSE signatures: a key in a file, or (through an
/// adapter in the binary) a key in a token.
pub trait CoseSigner {
    /// The algorithm its signatures are in.
    fn cose_algorithm(&self) -> CoseAlgorithm;
    /// Signs the `Sig_structure` bytes, returning the COSE signature encoding
    /// (`r ‖ s` for ES256, the 64 bytes for EdDSA).
    fn cose_sign(&self, tbs: &[u8]) -> Result<Vec<u8>, ScittError>;
}

/// Every Lading [`Signer`] (a key file, a token) signs COSE: ES256 for
/// P-256 keys, EdDSA for Ed25519; SM2 keys are refused.
impl<T: Signer + ?Sized> CoseSigner for T {
    fn cose_algorithm(&self) -> CoseAlgorithm {
        // Only ever used with a signature from `cose_sign`, which refuses SM2.
        match self.algorithm() {
            lading_crypto::Algorithm::P256 => CoseAlgorithm::Es256,
            _ => CoseAlgorithm::EdDsa,
        }
    }

    fn cose_sign(&self, tbs: &[u8]) -> Result<Vec<u8>, ScittError> {
        CoseAlgorithm::for_key(&self.verifying_key())?;
        let signature = self.try_sign(tbs).map_err(|e| ScittError::Signer(e.to_string()))?;
        cose_signature_from(self.cose_algorithm(), signature)
    }
}

/// Converts a lading-crypto signature (ECDSA in DER) to its COSE encoding.
pub fn cose_signature_from(algorithm: CoseAlgorithm, signature: Vec<u8>) -> Result<Vec<u8>, ScittError> {
    match algorithm {
        CoseAlgorithm::EdDsa => Ok(signature),
        CoseAlgorithm::Es256 if signature.len() == 64 => Ok(signature),
        CoseAlgorithm::Es256 => p256::ecdsa::Signature::from_der(&signature)
            .map(|s| s.to_bytes().to_vec())
            .map_err(|e| ScittError::UnsupportedKey(format!("the signer returned an unusable ECDSA signature: {e}"))),
    }
}

/// Verifies a COSE signature made with `algorithm` by `key`.
pub(crate) fn verify_cose(
    algorithm: CoseAlgorithm,
    key: &VerifyingKey,
    tbs: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    let expected = CoseAlgorithm::for_key(key).map_err(|e| e.to_string())?;
    if expected != algorithm {
        return Err(format!("the header says {} but the key is {}", algorithm.name(), key.algorithm()));
    }
    // ES256 signatures are exactly r ‖ s; lading-crypto would also take DER.
    if algorithm == CoseAlgorithm::Es256 && signature.len() != 64 {
        return Err(format!("an ES256 signature is 64 bytes (r ‖ s), this one is {}", signature.len()));
    }
    key.verify(tbs, signature).map_err(|e| e.to_string())
}

/// The COSE_Key map of a public key (RFC 9052 §7, RFC 9053 §7), with
/// `kid` its RFC 9679 thumbprint and `alg`.
pub fn cose_key(key: &VerifyingKey) -> Result<Value, ScittError> {
    let algorithm = CoseAlgorithm::for_key(key)?;
    let mut map = thumbprint_members(key)?;
    map.insert(1, (Value::from(2), Value::Bytes(thumbprint(key)?.to_vec())));
    map.insert(2, (Value::from(3), Value::from(algorithm.value())));
    Ok(Value::Map(map))
}

/// A COSE_KeySet (an array of COSE_Key) as CBOR bytes.
pub fn cose_key_set(keys: &[VerifyingKey]) -> Result<Vec<u8>, ScittError> {
    let set = keys.iter().map(cose_key).collect::<Result<Vec<_>, _>>()?;
    encode(&Value::Array(set))
}

/// The RFC 9679 COSE Key Thumbprint (SHA-256): the hash of the
/// deterministically encoded required members (OKP: kty, crv, x; EC2: kty,
/// crv, x, y).
pub fn thumbprint(key: &VerifyingKey) -> Result<[u8; 32], ScittError> {
    let members = thumbprint_members(key)?;
    Ok(Sha256::digest(encode(&Value::Map(members))?).into())
}

/// The required members in deterministic order (keys 1, -1, -2, -3 encode as
/// 0x01, 0x20, 0x21, 0x22).
fn thumbprint_members(key: &VerifyingKey) -> Result<Vec<(Value, Value)>, ScittError> {
    match key {
        VerifyingKey::Ed25519(k) => Ok(vec![
            (Value::from(1), Value::from(1)),  // kty: OKP
            (Value::from(-1), Value::from(6)), // crv: Ed25519
            (Value::from(-2), Value::Bytes(k.to_bytes().to_vec())),
        ]),
        VerifyingKey::P256(k) => {
            let point = k.to_sec1_point(false);
            let (x, y) = (point.x(), point.y());
            let (Some(x), Some(y)) = (x, y) else {
                return Err(ScittError::UnsupportedKey("a P-256 key at infinity".into()));
            };
            Ok(vec![
                (Value::from(1), Value::from(2)),  // kty: EC2
                (Value::from(-1), Value::from(1)), // crv: P-256
                (Value::from(-2), Value::Bytes(x.to_vec())),
                (Value::from(-3), Value::Bytes(y.to_vec())),
            ])
        }
        other => Err(ScittError::UnsupportedKey(format!(
            "{} keys have no COSE key type in Lading; keep them on the DSSE path",
            other.algorithm()
        ))),
    }
}

/// Encodes a CBOR value.
pub(crate) fn encode(value: &Value) -> Result<Vec<u8>, ScittError> {
    let mut out = Vec::new();
    coset::cbor::ser::into_writer(value, &mut out).map_err(|e| ScittError::Encode(e.to_string()))?;
    Ok(out)
}

/// Multicodec `p256-pub` (0x1200) as an unsigned varint.
const P256_PUB: [u8; 2] = [0x80, 0x24];

/// The `did:key` of an Ed25519 or P-256 key (P-256 as a compressed point).
pub fn did_key(key: &VerifyingKey) -> Result<String, ScittError> {
    match key {
        VerifyingKey::Ed25519(k) => Ok(lading_crypto::di::did_key(k)),
        VerifyingKey::P256(k) => {
            let mut bytes = P256_PUB.to_vec();
            bytes.extend_from_slice(k.to_sec1_point(true).as_bytes());
            Ok(format!("did:key:z{}", bs58::encode(bytes).into_string()))
        }
        other => Err(ScittError::UnsupportedKey(format!("{} keys have no did:key here", other.algorithm()))),
    }
}

/// The key a `did:key` (Ed25519 or P-256) names.
pub fn resolve_did_key(did: &str) -> Result<VerifyingKey, ScittError> {
    let bad = |why: &str| ScittError::Issuer(format!("{did:?}: {why}"));
    let id = did.strip_prefix("did:key:z").ok_or_else(|| bad("not a base58btc did:key"))?;
    let bytes = bs58::decode(id).into_vec().map_err(|e| bad(&format!("not base58btc: {e}")))?;
    match bytes.split_at_checked(2) {
        Some(([0xed, 0x01], raw)) => {
            let raw: [u8; 32] = raw.try_into().map_err(|_| bad("an Ed25519 key is 32 bytes"))?;
            ed25519_dalek::VerifyingKey::from_bytes(&raw)
                .map(VerifyingKey::Ed25519)
                .map_err(|e| bad(&format!("not an Ed25519 point: {e}")))
        }
        Some((prefix, point)) if prefix == P256_PUB => p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
            .map(VerifyingKey::P256)
            .map_err(|e| bad(&format!("not a P-256 point: {e}"))),
        _ => Err(bad("names neither an Ed25519 (0xed) nor a P-256 (0x1200) key")),
    }
}

/// The Lading key id of a key as `kid` bytes: SHA-256 of the SPKI DER.
pub fn lading_kid(key: &VerifyingKey) -> Vec<u8> {
    Sha256::digest(key.to_spki_der()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lading_crypto::{Algorithm, SigningKey};

    #[test]
    fn did_keys_round_trip_for_both_algorithms() {
        for algorithm in [Algorithm::Ed25519, Algorithm::P256] {
            let key = SigningKey::generate(algorithm).expect("key").verifying_key();
            let did = did_key(&key).expect("did");
            assert_eq!(resolve_did_key(&did).expect("resolves"), key);
        }
        assert!(did_key(&SigningKey::generate(Algorithm::Sm2).expect("key").verifying_key()).is_err());
    }

    #[test]
    fn thumbprint_matches_rfc_9679_example() {
        // RFC 9679 §6: the EC2 P-256 key of RFC 9052 Appendix C.7.1 hashes to this kid.
        let x = hex::decode("65eda5a12577c2bae829437fe338701a10aaa375e1bb5b5de108de439c08551d").expect("hex");
        let y = hex::decode("1e52ed75701163f7f9e40ddf9f341b3dc9ba860af7e0ca7ca7e9eecd0084d19c").expect("hex");
        let mut sec1 = vec![4u8];
        sec1.extend_from_slice(&x);
        sec1.extend_from_slice(&y);
        let key = VerifyingKey::P256(p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).expect("point"));
        assert_eq!(
            hex::encode(thumbprint(&key).expect("thumbprint")),
            "496bd8afadf307e5b08c64b0421bf9dc01528a344a43bda88fadd1669da253ec"
        );
    }
}
