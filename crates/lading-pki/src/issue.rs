//! A small test CA: self-signed roots, intermediates, signer and TSA
//! certificates, CRLs — signed through lading-crypto's [`Signer`].
//!
//! Built on `x509-cert`'s builder: it assembles the to-be-signed structure,
//! Lading's key signs it. ECDSA and SM2 signatures come out DER-encoded, as
//! OpenSSL and GB/T 35276 require (the builder's own SM2 path would write a
//! raw `r ‖ s`). Real deployments bring certificates from their CA; this is
//! for tests and the demo.

use std::str::FromStr as _;

use chrono::{DateTime, Utc};
use der::asn1::{BitString, OctetString};
use der::referenced::OwnedToRef as _;
use der::{Decode as _, Encode};
use lading_crypto::{Algorithm, Signer, VerifyingKey};
use spki::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder as _, CertificateBuilder};
use x509_cert::certificate::{TbsCertificate, Version};
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::crl::CrlNumber;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Validity;

use crate::identity::from_chrono;
use crate::oid;

/// Why a certificate or CRL could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The subject is not an RFC 4514 distinguished name.
    #[error(
        "subject {subject:?} is not a distinguished name (e.g. \"CN=Signer,O=Example,2.5.4.97=91440300MA5XXXXXX0\"): {detail}"
    )]
    Subject {
        /// The text given.
        subject: String,
        /// What the parser said.
        detail: String,
    },
    /// notAfter before notBefore.
    #[error("notAfter {not_after} is before notBefore {not_before}")]
    Validity {
        /// Start.
        not_before: DateTime<Utc>,
        /// End.
        not_after: DateTime<Utc>,
    },
    /// The issuing certificate cannot issue with this key.
    #[error("the issuer certificate ({subject}) does not certify the issuing key")]
    IssuerKey {
        /// The issuer's subject.
        subject: String,
    },
    /// Encoding or randomness failed.
    #[error("cannot build the {what}: {detail}")]
    Build {
        /// Certificate or CRL.
        what: &'static str,
        /// What failed.
        detail: String,
    },
    /// The issuing key could not sign (a token refused, a key is unreachable).
    #[error(transparent)]
    Sign(#[from] lading_crypto::SignError),
}

/// What a certificate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertProfile {
    /// A CA: basicConstraints cA (critical, optional pathLen), keyUsage
    /// keyCertSign and cRLSign (critical).
    Ca {
        /// pathLenConstraint.
        path_len: Option<u8>,
    },
    /// A document signer: basicConstraints cA false, keyUsage
    /// digitalSignature and nonRepudiation (critical).
    Signer,
    /// A time-stamp authority: keyUsage digitalSignature, extKeyUsage
    /// timeStamping only, critical (RFC 3161 2.3).
    TimeStamping,
}

/// A certificate to make.
#[derive(Debug, Clone)]
pub struct IssueRequest<'a> {
    /// Subject, RFC 4514 (e.g. `CN=Signer,O=Example,2.5.4.97=91…`).
    pub subject: String,
    /// The issuing CA's certificate; `None` for a self-signed root.
    pub issuer: Option<&'a Certificate>,
    /// The subject's public key; `None` for a self-signed root (the issuing key's).
    pub subject_key: Option<VerifyingKey>,
    /// Extensions by role.
    pub profile: CertProfile,
    /// Start of validity.
    pub not_before: DateTime<Utc>,
    /// End of validity.
    pub not_after: DateTime<Utc>,
    /// Serial number bytes (positive, big-endian); `None` = 16 random bytes.
    pub serial: Option<Vec<u8>>,
    /// Further extensions, written as given; one of the same type as a role
    /// extension replaces it (tests use this for unusual certificates).
    pub extra_extensions: Vec<Extension>,
}

impl<'a> IssueRequest<'a> {
    /// A self-signed certificate (a root).
    pub fn self_signed(
        subject: &str,
        profile: CertProfile,
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
    ) -> Self {
        IssueRequest {
            subject: subject.to_owned(),
            issuer: None,
            subject_key: None,
            profile,
            not_before,
            not_after,
            serial: None,
            extra_extensions: Vec::new(),
        }
    }

    /// A certificate for `key` issued by `issuer`.
    pub fn issued_by(
        subject: &str,
        issuer: &'a Certificate,
        key: &VerifyingKey,
        profile: CertProfile,
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
    ) -> Self {
        IssueRequest {
            subject: subject.to_owned(),
            issuer: Some(issuer),
            subject_key: Some(key.clone()),
            profile,
            not_before,
            not_after,
            serial: None,
            extra_extensions: Vec::new(),
        }
    }
}

/// The X.509 signature algorithm for a key.
pub fn signature_algorithm(algorithm: Algorithm) -> AlgorithmIdentifierOwned {
    let oid = match algorithm {
        Algorithm::Ed25519 => oid::ED25519,
        Algorithm::P256 => oid::ECDSA_WITH_SHA256,
        Algorithm::Sm2 => oid::SM2_WITH_SM3,
    };
    AlgorithmIdentifierOwned { oid, parameters: None }
}

/// A public key as the builder wants it.
#[derive(Clone)]
struct SpkiDer(Vec<u8>);

impl EncodePublicKey for SpkiDer {
    fn to_public_key_der(&self) -> spki::Result<der::Document> {
        Ok(der::Document::try_from(self.0.as_slice())?)
    }
}

/// Lading's key behind the builder's signer traits.
struct CaSigner<'k> {
    key: &'k dyn Signer,
}

impl signature::Keypair for CaSigner<'_> {
    type VerifyingKey = SpkiDer;
    fn verifying_key(&self) -> SpkiDer {
        SpkiDer(self.key.verifying_key().to_spki_der())
    }
}

impl DynSignatureAlgorithmIdentifier for CaSigner<'_> {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        Ok(signature_algorithm(self.key.algorithm()))
    }
}

/// Subject, issuer and every extension, decided before building.
struct Profile {
    subject: Name,
    issuer: Option<Name>,
    extensions: Vec<Extension>,
    authority_key_id: Option<OctetString>,
}

impl BuilderProfile for Profile {
    fn get_issuer(&self, subject: &Name) -> Name {
        self.issuer.clone().unwrap_or_else(|| subject.clone())
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: spki::SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: spki::SubjectPublicKeyInfoRef<'_>,
        _tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let mut extensions = self.extensions.clone();
        let ski = SubjectKeyIdentifier::try_from(spk)?;
        extensions.push(extension(oid::EXT_SUBJECT_KEY_ID, false, &ski)?);
        if let Some(key_identifier) = &self.authority_key_id {
            let aki = AuthorityKeyIdentifier { key_identifier: Some(key_identifier.clone()), ..Default::default() };
            extensions.push(extension(oid::EXT_AUTHORITY_KEY_ID, false, &aki)?);
        }
        Ok(extensions)
    }
}

/// An extension with `value` DER-encoded.
pub fn extension<T: Encode>(
    id: der::asn1::ObjectIdentifier,
    critical: bool,
    value: &T,
) -> Result<Extension, der::Error> {
    Ok(Extension { extn_id: id, critical, extn_value: OctetString::new(value.to_der()?)? })
}

fn random_serial() -> Result<Vec<u8>, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    // Positive and minimally encoded: the first byte in 0x01..=0x7f.
    bytes[0] = (bytes[0] & 0x7f).max(1);
    Ok(bytes.to_vec())
}

/// The key identifier of `cert`: its subjectKeyIdentifier, else SHA-1 of its key (RFC 5280 4.2.1.2).
fn key_identifier(cert: &Certificate) -> Result<OctetString, der::Error> {
    let tbs = cert.tbs_certificate();
    if let Some(ext) = tbs.extensions().into_iter().flatten().find(|e| e.extn_id == oid::EXT_SUBJECT_KEY_ID) {
        return Ok(SubjectKeyIdentifier::from_der(ext.extn_value.as_bytes())?.0);
    }
    Ok(SubjectKeyIdentifier::try_from(tbs.subject_public_key_info().owned_to_ref())?.0)
}

fn role_extensions(profile: CertProfile) -> Result<Vec<Extension>, der::Error> {
    Ok(match profile {
        CertProfile::Ca { path_len } => vec![
            extension(oid::EXT_BASIC_CONSTRAINTS, true, &BasicConstraints { ca: true, path_len_constraint: path_len })?,
            extension(oid::EXT_KEY_USAGE, true, &KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign))?,
        ],
        CertProfile::Signer => vec![
            extension(oid::EXT_BASIC_CONSTRAINTS, true, &BasicConstraints { ca: false, path_len_constraint: None })?,
            extension(oid::EXT_KEY_USAGE, true, &KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation))?,
        ],
        CertProfile::TimeStamping => vec![
            extension(oid::EXT_BASIC_CONSTRAINTS, true, &BasicConstraints { ca: false, path_len_constraint: None })?,
            extension(oid::EXT_KEY_USAGE, true, &KeyUsage(KeyUsages::DigitalSignature.into()))?,
            extension(oid::EXT_EXT_KEY_USAGE, true, &ExtendedKeyUsage(vec![oid::KP_TIME_STAMPING]))?,
        ],
    })
}

/// Parses an RFC 4514 name, also taking `organizationIdentifier=` for 2.5.4.97.
pub fn parse_name(text: &str) -> Result<Name, der::Error> {
    let spelled: Vec<String> = split_unescaped(text)
        .into_iter()
        .map(|part| match part.split_once('=') {
            Some((key, value)) if key.trim().eq_ignore_ascii_case("organizationIdentifier") => {
                format!("2.5.4.97={value}")
            }
            _ => part,
        })
        .collect();
    Name::from_str(&spelled.join(","))
}

fn split_unescaped(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut escaped = false;
    for c in text.chars() {
        if c == ',' && !escaped {
            parts.push(String::new());
            continue;
        }
        escaped = c == '\\' && !escaped;
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    parts
}

/// Makes the certificate `request` describes, signed by `issuer_key`.
pub fn issue_certificate(request: &IssueRequest<'_>, issuer_key: &dyn Signer) -> Result<Certificate, IssueError> {
    let build = |detail: String| IssueError::Build { what: "certificate", detail };
    let subject = parse_name(&request.subject)
        .map_err(|e| IssueError::Subject { subject: request.subject.clone(), detail: e.to_string() })?;
    if request.not_after < request.not_before {
        return Err(IssueError::Validity { not_before: request.not_before, not_after: request.not_after });
    }
    let (issuer, authority_key_id) = match request.issuer {
        Some(cert) => {
            let certified = crate::path::certified_key(cert).ok();
            if certified.as_ref() != Some(&issuer_key.verifying_key()) {
                return Err(IssueError::IssuerKey {
                    subject: crate::identity::display_name(cert.tbs_certificate().subject()),
                });
            }
            (
                Some(cert.tbs_certificate().subject().clone()),
                Some(key_identifier(cert).map_err(|e| build(e.to_string()))?),
            )
        }
        None => (None, None),
    };
    let subject_key = request.subject_key.clone().unwrap_or_else(|| issuer_key.verifying_key());
    let spki = SubjectPublicKeyInfoOwned::from_der(&subject_key.to_spki_der()).map_err(|e| build(e.to_string()))?;
    let mut extensions = role_extensions(request.profile).map_err(|e| build(e.to_string()))?;
    // An extra extension replaces the role's one of the same type.
    extensions.retain(|e| !request.extra_extensions.iter().any(|x| x.extn_id == e.extn_id));
    extensions.extend(request.extra_extensions.iter().cloned());
    let serial = match &request.serial {
        Some(bytes) => bytes.clone(),
        None => random_serial().map_err(build)?,
    };
    let serial = SerialNumber::new(&serial).map_err(|e| build(format!("serial: {e}")))?;
    let validity = Validity::new(
        from_chrono(request.not_before).map_err(|e| build(e.to_string()))?,
        from_chrono(request.not_after).map_err(|e| build(e.to_string()))?,
    );
    let profile = Profile { subject, issuer, extensions, authority_key_id };
    let mut builder = CertificateBuilder::new(profile, serial, validity, spki).map_err(|e| build(e.to_string()))?;
    let signer = CaSigner { key: issuer_key };
    let tbs = builder.finalize(&signer).map_err(|e| build(e.to_string()))?;
    let signature = BitString::from_bytes(&issuer_key.try_sign(&tbs)?).map_err(|e| build(e.to_string()))?;
    builder.assemble(signature, &signer).map_err(|e| build(e.to_string()))
}

/// A revoked serial number and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revoked {
    /// Serial number bytes (big-endian, as in the certificate).
    pub serial: Vec<u8>,
    /// Revocation date.
    pub at: DateTime<Utc>,
}

/// Makes a CRL for `issuer` (whose key is `issuer_key`) listing `revoked`.
pub fn issue_crl(
    issuer: &Certificate,
    issuer_key: &dyn Signer,
    number: u64,
    this_update: DateTime<Utc>,
    next_update: DateTime<Utc>,
    revoked: &[Revoked],
) -> Result<CertificateList, IssueError> {
    let build = |detail: String| IssueError::Build { what: "CRL", detail };
    if crate::path::certified_key(issuer).ok().as_ref() != Some(&issuer_key.verifying_key()) {
        return Err(IssueError::IssuerKey {
            subject: crate::identity::display_name(issuer.tbs_certificate().subject()),
        });
    }
    let mut entries = Vec::with_capacity(revoked.len());
    for r in revoked {
        entries.push(RevokedCert {
            serial_number: SerialNumber::new(&r.serial).map_err(|e| build(format!("serial: {e}")))?,
            revocation_date: from_chrono(r.at).map_err(|e| build(e.to_string()))?,
            crl_entry_extensions: None,
        });
    }
    // Not x509-cert's CrlBuilder: it copies the issuer's own authorityKeyIdentifier
    // (which names the issuer's issuer) into the CRL, and OpenSSL then finds no CRL
    // for an intermediate's certificates. The CRL's AKI is the issuer's key id.
    let number = CrlNumber::try_from(number).map_err(|e| build(e.to_string()))?;
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(key_identifier(issuer).map_err(|e| build(e.to_string()))?),
        ..Default::default()
    };
    let crl_extensions = vec![
        extension(oid::CRL_NUMBER, false, &number).map_err(|e| build(e.to_string()))?,
        extension(oid::EXT_AUTHORITY_KEY_ID, false, &aki).map_err(|e| build(e.to_string()))?,
    ];
    let algorithm = signature_algorithm(issuer_key.algorithm());
    let tbs_cert_list = TbsCertList {
        version: Version::V2,
        signature: algorithm.clone(),
        issuer: issuer.tbs_certificate().subject().clone(),
        this_update: from_chrono(this_update).map_err(|e| build(e.to_string()))?,
        next_update: Some(from_chrono(next_update).map_err(|e| build(e.to_string()))?),
        revoked_certificates: if entries.is_empty() { None } else { Some(entries) },
        crl_extensions: Some(crl_extensions),
    };
    let tbs = tbs_cert_list.to_der().map_err(|e| build(e.to_string()))?;
    let signature = BitString::from_bytes(&issuer_key.try_sign(&tbs)?).map_err(|e| build(e.to_string()))?;
    Ok(CertificateList { tbs_cert_list, signature_algorithm: algorithm, signature })
}
