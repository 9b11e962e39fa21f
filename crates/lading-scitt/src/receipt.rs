//! COSE receipts of inclusion (RFC 9942, `RFC9162_SHA256`).
//!
//! A receipt is a COSE_Sign1 by the log's key whose protected header holds
//! `alg`, `kid` (the RFC 9679 thumbprint of the log key), `vds` = 1 and CWT
//! claims (`iss` = the log's origin, `sub` = the entry's leaf hash in hex,
//! `iat`); whose unprotected header holds `vdp` = `{-1: [bstr .cbor
//! [tree-size, leaf-index, [path…]]]}`; and whose payload, the Merkle root
//! at `tree-size`, is detached: a verifier recomputes it from the leaf and
//! the path, then checks the signature over it.

use coset::cbor::value::Value;
use coset::{CoseSign1, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable as _};
use lading_crypto::VerifyingKey;
use lading_tlog::{Hash, root_from_inclusion_proof};

use crate::cbor::{self, CborError, Limits};
use crate::key::{CoseAlgorithm, CoseSigner, verify_cose};
use crate::{ScittError, label};

/// An RFC 9162 inclusion proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// Tree size the proof is for.
    pub tree_size: u64,
    /// The entry's index.
    pub leaf_index: u64,
    /// Sibling hashes from the leaf up.
    pub path: Vec<Hash>,
}

/// The claims a receipt makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptClaims {
    /// `iss`: the log's origin.
    pub issuer: String,
    /// `sub`: the entry's leaf hash, lowercase hex.
    pub subject: String,
    /// `iat`, Unix seconds.
    pub issued_at: i64,
}

/// Signs a receipt over `root` for `proof`; `kid` names the log key.
pub fn build_receipt<S: CoseSigner + ?Sized>(
    proof: &InclusionProof,
    root: &Hash,
    claims: &ReceiptClaims,
    kid: &[u8],
    signer: &S,
) -> Result<Vec<u8>, ScittError> {
    let path = Value::Array(proof.path.iter().map(|h| Value::Bytes(h.0.to_vec())).collect());
    let encoded_proof =
        crate::key::encode(&Value::Array(vec![Value::from(proof.tree_size), Value::from(proof.leaf_index), path]))?;
    let cwt = Value::Map(vec![
        (Value::from(label::CLAIM_ISS), Value::Text(claims.issuer.clone())),
        (Value::from(label::CLAIM_SUB), Value::Text(claims.subject.clone())),
        (Value::from(label::CLAIM_IAT), Value::from(claims.issued_at)),
    ]);
    let protected = HeaderBuilder::new()
        .algorithm(signer.cose_algorithm().coset())
        .key_id(kid.to_vec())
        .value(label::VDS, Value::from(label::VDS_RFC9162_SHA256))
        .value(label::CWT_CLAIMS, cwt)
        .build();
    let vdp = Value::Map(vec![(Value::from(label::INCLUSION_PROOFS), Value::Array(vec![Value::Bytes(encoded_proof)]))]);
    let unprotected = HeaderBuilder::new().value(label::VDP, vdp).build();
    let sign1 = CoseSign1Builder::new()
        .protected(protected)
        .unprotected(unprotected)
        .try_create_detached_signature(&root.0, &[], |tbs| signer.cose_sign(tbs))?
        .build();
    sign1.to_tagged_vec().map_err(|e| ScittError::Encode(e.to_string()))
}

/// Makes the COSE receipt of an entry from Lading's tlog-proof receipt for
/// it: the proof and the checkpoint's size and root, `iss` the checkpoint's
/// origin, `sub` the leaf hash (hex), `kid` the thumbprint of the log key.
/// The checkpoint's signature is not checked here: it comes from the log.
pub fn from_tlog_receipt<S: lading_crypto::Signer + ?Sized>(
    tlog: &lading_tlog::Receipt,
    leaf: &Hash,
    issued_at: i64,
    log_key: &S,
) -> Result<Vec<u8>, ScittError> {
    let note = lading_tlog::Note::parse(tlog.checkpoint.as_bytes()).map_err(|e| ScittError::Encode(e.to_string()))?;
    let checkpoint = lading_tlog::Checkpoint::parse_text(&note.text).map_err(|e| ScittError::Encode(e.to_string()))?;
    let proof = InclusionProof { tree_size: checkpoint.size, leaf_index: tlog.index, path: tlog.proof.clone() };
    let claims = ReceiptClaims { issuer: checkpoint.origin, subject: leaf.to_hex(), issued_at };
    let kid = crate::key::thumbprint(&log_key.verifying_key())?;
    build_receipt(&proof, &checkpoint.root, &claims, &kid, log_key)
}

/// Why a receipt is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptError {
    /// Not acceptable CBOR.
    #[error("receipt: malformed CBOR: {0}")]
    Cbor(#[from] CborError),
    /// Not a COSE_Sign1, or a header is wrong (named).
    #[error("receipt: {0}")]
    Malformed(String),
    /// A verifiable data structure other than RFC9162_SHA256.
    #[error("receipt: vds {0} is not RFC9162_SHA256 (1), the only one accepted")]
    WrongVds(String),
    /// The proof does not fit the leaf (index, size or path length).
    #[error("receipt: inclusion proof: {0}")]
    Proof(String),
    /// The receipt names another entry.
    #[error("receipt is for entry {receipt}, not this one ({expected})")]
    OtherEntry {
        /// The receipt's `sub`.
        receipt: String,
        /// The leaf hash being checked.
        expected: String,
    },
    /// The receipt is by another log.
    #[error("receipt is by log {receipt:?}, not {expected:?}")]
    OtherLog {
        /// The receipt's `iss`.
        receipt: String,
        /// The log expected.
        expected: String,
    },
    /// The signature does not cover the recomputed root under the key.
    #[error(
        "receipt signature does not verify over the root recomputed from this entry ({0}): a receipt for another statement, another log or altered"
    )]
    Signature(String),
}

/// A parsed, not yet verified, receipt.
#[derive(Debug, Clone)]
pub struct Receipt {
    sign1: CoseSign1,
    /// `alg`.
    pub algorithm: CoseAlgorithm,
    /// `kid`.
    pub kid: Vec<u8>,
    /// CWT claims (`iat` 0 when absent).
    pub claims: ReceiptClaims,
    /// The (first) inclusion proof.
    pub proof: InclusionProof,
}

/// A receipt whose signature and proof verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedReceipt {
    /// Claims, now authenticated.
    pub claims: ReceiptClaims,
    /// The proof.
    pub proof: InclusionProof,
    /// The root it proves inclusion under.
    pub root: Hash,
}

fn malformed(reason: impl Into<String>) -> ReceiptError {
    ReceiptError::Malformed(reason.into())
}

fn int_of(value: &Value) -> Option<i64> {
    match value {
        Value::Integer(i) => i64::try_from(*i).ok(),
        _ => None,
    }
}

fn u64_of(value: &Value) -> Option<u64> {
    match value {
        Value::Integer(i) => u64::try_from(*i).ok(),
        _ => None,
    }
}

fn rest_value(header: &coset::Header, label: i64) -> Option<&Value> {
    header.rest.iter().find(|(l, _)| *l == coset::Label::Int(label)).map(|(_, v)| v)
}

fn parse_proof(bytes: &[u8]) -> Result<InclusionProof, ReceiptError> {
    cbor::check(bytes, Limits::RECEIPT, "inclusion proof")?;
    let value: Value = coset::cbor::de::from_reader(bytes).map_err(|e| malformed(format!("inclusion proof: {e}")))?;
    let Value::Array(items) = value else { return Err(malformed("inclusion proof is not an array")) };
    let [size, index, path] = items.as_slice() else {
        return Err(malformed("inclusion proof is not [tree-size, leaf-index, path]"));
    };
    let tree_size = u64_of(size).ok_or_else(|| malformed("inclusion proof tree-size is not a uint"))?;
    let leaf_index = u64_of(index).ok_or_else(|| malformed("inclusion proof leaf-index is not a uint"))?;
    let Value::Array(path) = path else { return Err(malformed("inclusion proof path is not an array")) };
    if path.len() > 64 {
        return Err(malformed("inclusion proof path is longer than 64 hashes"));
    }
    let path = path
        .iter()
        .map(|h| h.as_bytes().and_then(|b| Hash::from_slice(b).ok()))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| malformed("inclusion proof path holds something other than 32-byte hashes"))?;
    Ok(InclusionProof { tree_size, leaf_index, path })
}

impl Receipt {
    /// Parses a tagged COSE_Sign1 receipt strictly.
    pub fn parse(bytes: &[u8]) -> Result<Self, ReceiptError> {
        cbor::sign1_parts(bytes, Limits::RECEIPT, "receipt")?;
        let sign1 = CoseSign1::from_tagged_slice(bytes).map_err(|e| malformed(format!("not a COSE_Sign1: {e}")))?;
        let protected = &sign1.protected.header;
        if !protected.crit.is_empty() {
            // Lading's receipts mark nothing critical and use no header it would need to.
            let understood = [label::ALG, label::KID, label::VDS, label::CWT_CLAIMS];
            let unknown = protected.crit.iter().any(|l| match l {
                coset::RegisteredLabelWithPrivate::Assigned(a) => !understood.contains(&(*a as i64)),
                coset::RegisteredLabelWithPrivate::PrivateUse(i) => !understood.contains(i),
                coset::RegisteredLabelWithPrivate::Text(_) => true,
            });
            if unknown {
                return Err(malformed(format!("unknown critical header(s) {:?}", protected.crit)));
            }
        }
        let algorithm = match &protected.alg {
            Some(coset::Algorithm::Assigned(a)) => CoseAlgorithm::from_value(*a as i64)
                .ok_or_else(|| malformed(format!("alg {a:?} is not ES256 or EdDSA")))?,
            _ => return Err(malformed("alg (1) missing or unsupported")),
        };
        match rest_value(protected, label::VDS) {
            Some(v) if int_of(v) == Some(label::VDS_RFC9162_SHA256) => {}
            Some(v) => return Err(ReceiptError::WrongVds(format!("{v:?}"))),
            None => return Err(malformed("vds (395) missing from the protected header")),
        }
        if rest_value(&sign1.unprotected, label::VDS).is_some() {
            return Err(malformed("vds (395) must be protected"));
        }
        let cwt = match rest_value(protected, label::CWT_CLAIMS) {
            Some(Value::Map(m)) => m,
            _ => return Err(malformed("CWT claims (15) missing or not a map")),
        };
        let claim = |key: i64| cwt.iter().find(|(k, _)| int_of(k) == Some(key)).map(|(_, v)| v);
        let text = |key: i64, name: &str| match claim(key) {
            Some(Value::Text(t)) => Ok(t.clone()),
            _ => Err(malformed(format!("CWT claim {name} ({key}) missing or not a text"))),
        };
        let claims = ReceiptClaims {
            issuer: text(label::CLAIM_ISS, "iss")?,
            subject: text(label::CLAIM_SUB, "sub")?,
            issued_at: claim(label::CLAIM_IAT).and_then(int_of).unwrap_or(0),
        };
        let vdp = match rest_value(&sign1.unprotected, label::VDP) {
            Some(Value::Map(m)) => m,
            _ => return Err(malformed("vdp (396) missing from the unprotected header or not a map")),
        };
        let proofs = match vdp.iter().find(|(k, _)| int_of(k) == Some(label::INCLUSION_PROOFS)) {
            Some((_, Value::Array(p))) => p,
            _ => return Err(malformed("vdp has no inclusion proofs (-1)")),
        };
        let [proof] = proofs.as_slice() else {
            return Err(malformed(format!("{} inclusion proofs; Lading receipts carry exactly one", proofs.len())));
        };
        let proof = parse_proof(proof.as_bytes().ok_or_else(|| malformed("an inclusion proof is not a bstr"))?)?;
        Ok(Receipt { kid: protected.key_id.clone(), sign1, algorithm, claims, proof })
    }

    /// Verifies that the entry with leaf hash `leaf` is included under a root
    /// the log key `key` signed. `origin`, when given, must be the receipt's `iss`.
    pub fn verify(
        &self,
        leaf: &Hash,
        key: &VerifyingKey,
        origin: Option<&str>,
    ) -> Result<VerifiedReceipt, ReceiptError> {
        if let Some(origin) = origin
            && origin != self.claims.issuer
        {
            return Err(ReceiptError::OtherLog { receipt: self.claims.issuer.clone(), expected: origin.to_owned() });
        }
        // Lading's receipts name the leaf; one that names another is for another entry.
        let is_leaf_hex = self.claims.subject.len() == 64 && self.claims.subject.bytes().all(|b| b.is_ascii_hexdigit());
        if is_leaf_hex && !self.claims.subject.eq_ignore_ascii_case(&leaf.to_hex()) {
            return Err(ReceiptError::OtherEntry { receipt: self.claims.subject.clone(), expected: leaf.to_hex() });
        }
        let p = &self.proof;
        let root = root_from_inclusion_proof(leaf, p.leaf_index, p.tree_size, &p.path)
            .map_err(|e| ReceiptError::Proof(e.to_string()))?;
        if let Some(attached) = &self.sign1.payload
            && attached.as_slice() != root.0
        {
            return Err(ReceiptError::Signature("the attached root is not the recomputed one".into()));
        }
        let tbs = coset::sig_structure_data(
            coset::SignatureContext::CoseSign1,
            self.sign1.protected.clone(),
            None,
            &[],
            &root.0,
        );
        verify_cose(self.algorithm, key, &tbs, &self.sign1.signature).map_err(ReceiptError::Signature)?;
        Ok(VerifiedReceipt { claims: self.claims.clone(), proof: self.proof.clone(), root })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::thumbprint;
    use lading_crypto::{Algorithm, SigningKey};
    use lading_tlog::{MemoryTree, inclusion_proof, leaf_hash};

    fn tree(n: u64) -> MemoryTree {
        let mut t = MemoryTree::new();
        for i in 0..n {
            t.push(format!("entry {i}").as_bytes());
        }
        t
    }

    fn receipt_for(t: &MemoryTree, index: u64, key: &SigningKey) -> Vec<u8> {
        let size = t.size();
        let proof = InclusionProof {
            tree_size: size,
            leaf_index: index,
            path: inclusion_proof(t, index, size).expect("proof"),
        };
        let leaf = leaf_hash(format!("entry {index}").as_bytes());
        let claims =
            ReceiptClaims { issuer: "example.com/log".into(), subject: leaf.to_hex(), issued_at: 1_764_000_000 };
        let kid = thumbprint(&key.verifying_key()).expect("kid");
        build_receipt(&proof, &t.root(), &claims, &kid, key).expect("receipt")
    }

    #[test]
    fn receipts_verify_for_every_index_and_size() {
        let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
        for n in [1u64, 2, 3, 7, 8, 9] {
            let t = tree(n);
            for i in 0..n {
                let r = Receipt::parse(&receipt_for(&t, i, &key)).expect("parses");
                let leaf = leaf_hash(format!("entry {i}").as_bytes());
                let v = r.verify(&leaf, &key.verifying_key(), Some("example.com/log")).expect("verifies");
                assert_eq!(v.root, t.root());
                assert_eq!(v.proof.leaf_index, i);
            }
        }
    }

    #[test]
    fn receipts_for_another_entry_log_or_key_are_refused() {
        let key = SigningKey::generate(Algorithm::P256).expect("key");
        let t = tree(5);
        let r = Receipt::parse(&receipt_for(&t, 2, &key)).expect("parses");
        let leaf = leaf_hash(b"entry 2");
        let other = leaf_hash(b"entry 3");
        assert!(matches!(r.verify(&other, &key.verifying_key(), None), Err(ReceiptError::OtherEntry { .. })));
        assert!(matches!(r.verify(&leaf, &key.verifying_key(), Some("other/log")), Err(ReceiptError::OtherLog { .. })));
        let stranger = SigningKey::generate(Algorithm::P256).expect("key");
        assert!(matches!(r.verify(&leaf, &stranger.verifying_key(), None), Err(ReceiptError::Signature(_))));
        // Another statement whose receipt claims no leaf: the root differs, so the signature fails.
        let mut anonymous = r.clone();
        anonymous.claims.subject = "x".into();
        assert!(matches!(anonymous.verify(&other, &key.verifying_key(), None), Err(ReceiptError::Signature(_))));
    }

    #[test]
    fn a_wrong_vds_is_named() {
        let key = SigningKey::generate(Algorithm::Ed25519).expect("key");
        let sign1 = CoseSign1Builder::new()
            .protected(
                HeaderBuilder::new().algorithm(coset::iana::Algorithm::EdDSA).value(label::VDS, Value::from(2)).build(),
            )
            .create_detached_signature(&[0; 32], &[], |tbs| key.sign(tbs))
            .build()
            .to_tagged_vec()
            .expect("encodes");
        assert!(matches!(Receipt::parse(&sign1), Err(ReceiptError::WrongVds(_))));
    }
}
