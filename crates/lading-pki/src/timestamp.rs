//! RFC 3161 time-stamp tokens: the client's request and the checks on the
//! reply, verification of a token against trusted TSA roots, and a small TSA
//! that issues tokens (for private deployments, the demo and tests).
//!
//! Everything here is I/O-free: the caller posts the request (HTTP
//! `application/timestamp-query`) and passes the time in.
//!
//! A token is the TSA's CMS SignedData over a `TSTInfo`; Lading checks, in
//! order: the reply's status, the `TSTInfo` content type, the one signer's
//! certificate (found by its SignerIdentifier among the token's certificates),
//! the signed attributes (contentType, messageDigest over the `TSTInfo`, the
//! ESS signing-certificate attribute naming that certificate), the signature,
//! and the signer's extended key usage: critical and timeStamping only
//! (RFC 3161 2.3). The client then compares the imprint and nonce with its
//! request; a verifier validates the TSA's chain to its roots at `genTime`.

use chrono::{DateTime, SecondsFormat, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, ObjectIdentifier, OctetString, SetOfVec, Uint};
use der::{Decode as _, Encode as _, Tag, Tagged as _};
use lading_crypto::Algorithm;
use sha2::Digest as _;
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::SubjectKeyIdentifier;
use x509_cert::ext::pkix::name::GeneralName;

use crate::identity::display_name;
use crate::path::{self, Options, PathError, Purpose, ValidatedPath};
use crate::sig;
use crate::tsp::{
    self, Accuracy, EssCertIdV2, IssuerSerial, MessageImprint, PkiStatusInfo, SigningCertificate, SigningCertificateV2,
    TimeStampReq, TimeStampResp, TspVersion, TstInfo,
};

/// The largest TimeStampResp read (a token with a few certificates is a few KiB).
pub const MAX_REPLY_BYTES: usize = 256 * 1024;

/// The media type of requests.
pub const QUERY_MEDIA_TYPE: &str = "application/timestamp-query";
/// The media type of replies.
pub const REPLY_MEDIA_TYPE: &str = "application/timestamp-reply";

/// Why a reply or token is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The bytes are not the structure named.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// The structure (TimeStampResp, TSTInfo, …).
        what: &'static str,
        /// What the parser said.
        detail: String,
    },
    /// The TSA did not grant the request.
    #[error("the TSA answered status {status} ({name}){}{}", if text.is_empty() { String::new() } else { format!(": {text}") }, if failures.is_empty() { String::new() } else { format!(" [failInfo {}]", failures.join(", ")) })]
    Status {
        /// The PKIStatus.
        status: u8,
        /// Its name.
        name: &'static str,
        /// The TSA's text.
        text: String,
        /// PKIFailureInfo bits set.
        failures: Vec<&'static str>,
    },
    /// A granted reply without a token.
    #[error("the reply is granted but carries no timeStampToken (RFC 3161 2.4.2)")]
    NoToken,
    /// The token is not over the data (or not over what was asked).
    #[error(
        "messageImprint {found} is not the {algorithm} of the signature ({expected}): the token is over other bytes"
    )]
    ImprintMismatch {
        /// Hash algorithm.
        algorithm: String,
        /// The hash expected, hex.
        expected: String,
        /// The hash in the token, hex.
        found: String,
    },
    /// The nonce differs from the request's.
    #[error("nonce {found} differs from the request's {expected} (RFC 3161 2.4.2)")]
    NonceMismatch {
        /// Sent, hex.
        expected: String,
        /// Received, hex (or "absent").
        found: String,
    },
    /// A hash algorithm Lading does not compute.
    #[error("unsupported hash algorithm {0}")]
    UnsupportedHash(String),
    /// The CMS structure is not a token Lading accepts.
    #[error("token: {0}")]
    Token(String),
    /// The signer's certificate is not usable for a TSA.
    #[error("TSA certificate: {0}")]
    Signer(PathError),
    /// The TSA's chain does not validate to a trusted TSA root at genTime.
    #[error("TSA certificate path at genTime {}: {error}", at.to_rfc3339_opts(SecondsFormat::Secs, true))]
    Path {
        /// genTime.
        at: DateTime<Utc>,
        /// Why.
        error: PathError,
    },
}

fn malformed(what: &'static str) -> impl Fn(der::Error) -> TimestampError {
    move |e| TimestampError::Malformed { what, detail: e.to_string() }
}

fn token_error(detail: impl Into<String>) -> TimestampError {
    TimestampError::Token(detail.into())
}

/// The hash of `data` under `algorithm`, if Lading computes it.
pub fn digest(algorithm: &ObjectIdentifier, data: &[u8]) -> Option<Vec<u8>> {
    Some(match *algorithm {
        tsp::SHA256 => sha2::Sha256::digest(data).to_vec(),
        tsp::SHA384 => sha2::Sha384::digest(data).to_vec(),
        tsp::SHA512 => sha2::Sha512::digest(data).to_vec(),
        tsp::SM3 => sm3::Sm3::digest(data).to_vec(),
        tsp::SHA1 => sha1::Sha1::digest(data).to_vec(),
        _ => return None,
    })
}

fn hash_name(algorithm: &ObjectIdentifier) -> String {
    match *algorithm {
        tsp::SHA256 => "SHA-256".into(),
        tsp::SHA384 => "SHA-384".into(),
        tsp::SHA512 => "SHA-512".into(),
        tsp::SM3 => "SM3".into(),
        tsp::SHA1 => "SHA-1".into(),
        other => other.to_string(),
    }
}

fn status_name(status: u8) -> &'static str {
    match status {
        0 => "granted",
        1 => "grantedWithMods",
        2 => "rejection",
        3 => "waiting",
        4 => "revocationWarning",
        5 => "revocationNotification",
        _ => "unknown",
    }
}

/// A request made by [`request`]: its DER and what the reply must echo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The DER TimeStampReq, the body of the HTTP POST.
    pub der: Vec<u8>,
    /// The SHA-256 imprint.
    pub imprint: Vec<u8>,
    /// The nonce's integer bytes.
    pub nonce: Vec<u8>,
}

/// A request for a token over `data`: SHA-256 imprint, `nonce` (random,
/// 8 bytes or more), certReq true (so the token carries the TSA's
/// certificate and verifies offline).
pub fn request(data: &[u8], nonce: &[u8]) -> Result<Request, TimestampError> {
    let imprint = sha2::Sha256::digest(data).to_vec();
    let nonce = Uint::new(nonce).map_err(malformed("nonce"))?;
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifierOwned { oid: tsp::SHA256, parameters: None },
            hashed_message: OctetString::new(imprint.clone()).map_err(malformed("imprint"))?,
        },
        req_policy: None,
        nonce: Some(nonce.clone()),
        cert_req: true,
        extensions: None,
    };
    Ok(Request { der: req.to_der().map_err(malformed("TimeStampReq"))?, imprint, nonce: nonce.as_bytes().to_vec() })
}

/// A token whose CMS signature holds, opened.
#[derive(Debug, Clone)]
pub struct Token {
    /// The TSA's time.
    pub gen_time: DateTime<Utc>,
    /// The token's serial number, hex.
    pub serial: String,
    /// The TSA policy.
    pub policy: String,
    /// The imprint's hash algorithm.
    pub hash_algorithm: ObjectIdentifier,
    /// The imprint.
    pub imprint: Vec<u8>,
    /// The nonce, integer bytes.
    pub nonce: Option<Vec<u8>>,
    /// The accuracy in microseconds, when given.
    pub accuracy_micros: Option<u64>,
    /// The TSA's certificate, then the others the token carries, ordered
    /// issuer after subject where they link.
    pub chain: Vec<Certificate>,
    /// The DER of the token (ContentInfo).
    pub der: Vec<u8>,
}

impl Token {
    /// The TSA signer's subject.
    pub fn signer_subject(&self) -> String {
        // A Token is only built with its signer first.
        self.chain.first().map(|c| display_name(c.tbs_certificate().subject())).unwrap_or_default()
    }
}

/// Parses a DER TimeStampResp, requires status granted (or grantedWithMods)
/// and opens the token ([`open_token`]).
pub fn open_reply(reply: &[u8]) -> Result<Token, TimestampError> {
    if reply.len() > MAX_REPLY_BYTES {
        return Err(TimestampError::Malformed {
            what: "TimeStampResp",
            detail: format!("{} bytes is over the {MAX_REPLY_BYTES}-byte limit", reply.len()),
        });
    }
    let resp = TimeStampResp::from_der(reply).map_err(malformed("TimeStampResp"))?;
    let status = resp.status.status;
    if status > 1 {
        return Err(TimestampError::Status {
            status,
            name: status_name(status),
            text: resp.status.text(),
            failures: resp.status.failures(),
        });
    }
    let token = resp.time_stamp_token.ok_or(TimestampError::NoToken)?;
    open_token(&token.to_der().map_err(malformed("timeStampToken"))?)
}

fn attribute<'a>(attrs: &'a [Attribute], id: ObjectIdentifier, name: &str) -> Result<Option<&'a Any>, TimestampError> {
    let mut found = attrs.iter().filter(|a| a.oid == id);
    match (found.next(), found.next()) {
        (None, _) => Ok(None),
        (Some(_), Some(_)) => Err(token_error(format!("signed attribute {name} appears twice (RFC 5652 5.3)"))),
        (Some(a), None) => {
            let mut values = a.values.iter();
            match (values.next(), values.next()) {
                (Some(v), None) => Ok(Some(v)),
                _ => Err(token_error(format!("signed attribute {name} must have exactly one value (RFC 5652 11)"))),
            }
        }
    }
}

fn matches_sid(cert: &Certificate, sid: &SignerIdentifier) -> bool {
    let tbs = cert.tbs_certificate();
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(isn) => {
            tbs.issuer() == &isn.issuer && tbs.serial_number() == &isn.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            matches!(tbs.get_extension::<SubjectKeyIdentifier>(), Ok(Some((_, own))) if own == *ski)
        }
    }
}

/// Orders `certs` from `signer` upwards by issuer name; self-signed
/// certificates other than the signer are dropped (the verifier brings its
/// own roots).
fn order_chain(signer: Certificate, mut certs: Vec<Certificate>) -> Vec<Certificate> {
    let self_signed = |c: &Certificate| c.tbs_certificate().subject() == c.tbs_certificate().issuer();
    certs.retain(|c| !self_signed(c) && c != &signer);
    let mut chain = vec![signer];
    while let Some(i) =
        certs.iter().position(|c| c.tbs_certificate().subject() == chain[chain.len() - 1].tbs_certificate().issuer())
    {
        chain.push(certs.remove(i));
    }
    chain
}

/// Checks the ESS signing-certificate attribute names `signer` (v2 with its
/// hash algorithm, or v1 with SHA-1), as RFC 3161 2.4.1 requires.
fn check_ess(attrs: &[Attribute], signer: &Certificate) -> Result<(), TimestampError> {
    let der = signer.to_der().map_err(malformed("certificate"))?;
    let mismatch = || token_error("the ESS signing-certificate attribute names another certificate than the signer's");
    if let Some(v2) = attribute(attrs, tsp::ID_SIGNING_CERTIFICATE_V2, "signingCertificateV2")? {
        let v2: SigningCertificateV2 = v2.decode_as().map_err(malformed("signingCertificateV2"))?;
        let first = v2.certs.first().ok_or_else(|| token_error("signingCertificateV2 names no certificate"))?;
        let algorithm = first.hash_algorithm.as_ref().map_or(tsp::SHA256, |a| a.oid);
        let hash = digest(&algorithm, &der).ok_or_else(|| TimestampError::UnsupportedHash(hash_name(&algorithm)))?;
        return if first.cert_hash.as_bytes() == hash.as_slice() { Ok(()) } else { Err(mismatch()) };
    }
    if let Some(v1) = attribute(attrs, tsp::ID_SIGNING_CERTIFICATE, "signingCertificate")? {
        let v1: SigningCertificate = v1.decode_as().map_err(malformed("signingCertificate"))?;
        let first = v1.certs.first().ok_or_else(|| token_error("signingCertificate names no certificate"))?;
        let hash = digest(&tsp::SHA1, &der).unwrap_or_default();
        return if first.cert_hash.as_bytes() == hash.as_slice() { Ok(()) } else { Err(mismatch()) };
    }
    Err(token_error("no ESS signingCertificate(V2) attribute names the TSA's certificate (RFC 3161 2.4.1)"))
}

/// Opens a token (DER ContentInfo): structure, signer, signed attributes,
/// signature and the signer's critical timeStamping EKU.
pub fn open_token(der: &[u8]) -> Result<Token, TimestampError> {
    let info = ContentInfo::from_der(der).map_err(malformed("timeStampToken ContentInfo"))?;
    if info.content_type != tsp::ID_SIGNED_DATA {
        return Err(token_error(format!("content type {} is not signedData", info.content_type)));
    }
    let signed: SignedData = info.content.decode_as().map_err(malformed("SignedData"))?;
    let encap = &signed.encap_content_info;
    if encap.econtent_type != tsp::ID_CT_TST_INFO {
        return Err(token_error(format!("eContentType {} is not id-ct-TSTInfo (RFC 3161 2.4.2)", encap.econtent_type)));
    }
    let content = encap.econtent.as_ref().ok_or_else(|| token_error("the TSTInfo content is absent"))?;
    if content.tag() != Tag::OctetString {
        return Err(token_error("eContent is not an OCTET STRING"));
    }
    let tst_der = content.value();
    let tst = TstInfo::from_der(tst_der).map_err(malformed("TSTInfo"))?;
    let gen_time = tsp::parse_gen_time(&tst.gen_time).ok_or_else(|| TimestampError::Malformed {
        what: "TSTInfo",
        detail: "genTime is not a GeneralizedTime YYYYMMDDHHMMSS[.f]Z".into(),
    })?;
    let mut infos = signed.signer_infos.0.iter();
    let signer_info = match (infos.next(), infos.next()) {
        (Some(s), None) => s,
        _ => return Err(token_error("a token must have exactly one SignerInfo (RFC 3161 2.4.2)")),
    };
    let certs: Vec<Certificate> = signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(cert) => Some(cert.clone()),
            _ => None,
        })
        .collect();
    let signer = certs
        .iter()
        .find(|c| matches_sid(c, &signer_info.sid))
        .cloned()
        .ok_or_else(|| token_error("the TSA's certificate is not in the token (request certReq)"))?;
    let attrs = signer_info
        .signed_attrs
        .as_ref()
        .ok_or_else(|| token_error("no signed attributes (RFC 3161 2.4.1 requires them)"))?;
    let attrs_list: Vec<Attribute> = attrs.iter().cloned().collect();
    let content_type = attribute(&attrs_list, tsp::ID_CONTENT_TYPE, "contentType")?
        .ok_or_else(|| token_error("signed attribute contentType is missing"))?;
    if content_type.decode_as::<ObjectIdentifier>().ok() != Some(tsp::ID_CT_TST_INFO) {
        return Err(token_error("signed attribute contentType is not id-ct-TSTInfo"));
    }
    let message_digest = attribute(&attrs_list, tsp::ID_MESSAGE_DIGEST, "messageDigest")?
        .ok_or_else(|| token_error("signed attribute messageDigest is missing"))?;
    let digest_alg = signer_info.digest_alg.oid;
    let expected =
        digest(&digest_alg, tst_der).ok_or_else(|| TimestampError::UnsupportedHash(hash_name(&digest_alg)))?;
    if message_digest.decode_as::<OctetString>().ok().as_ref().map(OctetString::as_bytes) != Some(expected.as_slice()) {
        return Err(token_error("messageDigest does not match the TSTInfo: the token was altered"));
    }
    check_ess(&attrs_list, &signer)?;
    let key = path::certified_key(&signer).map_err(TimestampError::Signer)?;
    let signed_attrs_der = attrs.to_der().map_err(malformed("signedAttrs"))?;
    sig::verify(&key, &signer_info.signature_algorithm, &signed_attrs_der, signer_info.signature.as_bytes())
        .map_err(|e| token_error(format!("the TSA's signature does not hold: {e}")))?;
    path::check_purpose(&signer, Purpose::TimeStamping).map_err(TimestampError::Signer)?;
    let accuracy_micros = tst.accuracy.as_ref().map(|a| {
        a.seconds.unwrap_or(0).saturating_mul(1_000_000)
            + u64::from(a.millis.unwrap_or(0)) * 1000
            + u64::from(a.micros.unwrap_or(0))
    });
    Ok(Token {
        gen_time,
        serial: hex::encode(tst.serial_number.as_bytes()),
        policy: tst.policy.to_string(),
        hash_algorithm: tst.message_imprint.hash_algorithm.oid,
        imprint: tst.message_imprint.hashed_message.as_bytes().to_vec(),
        nonce: tst.nonce.as_ref().map(|n| n.as_bytes().to_vec()),
        accuracy_micros,
        chain: order_chain(signer, certs),
        der: der.to_vec(),
    })
}

/// The client's checks of a reply to `request`: status granted, the token
/// signed by a certificate with critical timeStamping EKU, and the imprint
/// and nonce those of the request.
pub fn check_reply(reply: &[u8], request: &Request) -> Result<Token, TimestampError> {
    let token = open_reply(reply)?;
    if token.hash_algorithm != tsp::SHA256 || token.imprint != request.imprint {
        return Err(TimestampError::ImprintMismatch {
            algorithm: hash_name(&token.hash_algorithm),
            expected: hex::encode(&request.imprint),
            found: hex::encode(&token.imprint),
        });
    }
    if token.nonce.as_deref() != Some(request.nonce.as_slice()) {
        return Err(TimestampError::NonceMismatch {
            expected: hex::encode(&request.nonce),
            found: token.nonce.as_deref().map_or_else(|| "absent".into(), hex::encode),
        });
    }
    Ok(token)
}

/// A token verified over the data and validated to a trusted TSA root.
#[derive(Debug, Clone)]
pub struct VerifiedTimestamp {
    /// The token.
    pub token: Token,
    /// The TSA's path, validated at genTime.
    pub path: ValidatedPath,
}

/// Verifies a TimeStampResp (as Sigstore bundles carry it) over `data`
/// against trusted TSA `roots`, the TSA's chain judged at genTime.
pub fn verify(
    reply: &[u8],
    data: &[u8],
    roots: &[Certificate],
    crls: &[CertificateList],
) -> Result<VerifiedTimestamp, TimestampError> {
    let token = open_reply(reply)?;
    let expected = digest(&token.hash_algorithm, data)
        .ok_or_else(|| TimestampError::UnsupportedHash(hash_name(&token.hash_algorithm)))?;
    if expected != token.imprint {
        return Err(TimestampError::ImprintMismatch {
            algorithm: hash_name(&token.hash_algorithm),
            expected: hex::encode(&expected),
            found: hex::encode(&token.imprint),
        });
    }
    let options = Options::at(token.gen_time).for_purpose(Purpose::TimeStamping).with_crls(crls);
    let path = path::validate(&token.chain, roots, &options)
        .map_err(|error| TimestampError::Path { at: token.gen_time, error })?;
    Ok(VerifiedTimestamp { token, path })
}

/// A time-stamp authority: a signer, its certificate chain (the TSA's
/// certificate first) and its policy.
pub struct Authority<'a> {
    /// The signer: a key in memory or in a token, through the one signing
    /// trait (DER ECDSA/SM2, raw Ed25519).
    pub signer: &'a dyn lading_crypto::Signer,
    /// The TSA's certificate, then its issuers (without the root).
    pub chain: &'a [Certificate],
    /// The policy OID written into every token.
    pub policy: ObjectIdentifier,
}

/// The default TSA policy of Lading's TSA (an OID under the example arc
/// 1.3.6.1.4.1.55555, as no registered arc is held).
pub const DEFAULT_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.55555.3161.1");

/// What the TSA answered.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The DER TimeStampResp.
    pub reply: Vec<u8>,
    /// When granted: the token (DER ContentInfo), its serial (hex) and genTime.
    pub granted: Option<(Vec<u8>, String, DateTime<Utc>)>,
}

/// PKIFailureInfo bit numbers (RFC 3161 2.4.2).
#[derive(Debug, Clone, Copy)]
#[allow(clippy::enum_variant_names)] // the RFC's names
enum Failure {
    BadAlg = 0,
    BadDataFormat = 5,
    UnacceptedPolicy = 15,
    UnacceptedExtension = 16,
    SystemFailure = 25,
}

fn rejection(failure: Failure, text: &str) -> Vec<u8> {
    let bit = failure as usize;
    let mut bytes = vec![0u8; bit / 8 + 1];
    bytes[bit / 8] |= 0x80 >> (bit % 8);
    let unused = u8::try_from(7 - bit % 8).unwrap_or(0);
    let status = PkiStatusInfo {
        status: 2,
        status_string: der::asn1::Utf8StringRef::new(text)
            .ok()
            .and_then(|s| Any::encode_from(&s).ok())
            .map(|a| vec![a]),
        fail_info: der::asn1::BitString::new(unused, bytes).ok(),
    };
    // Encoding a PKIStatusInfo of these parts cannot fail; an empty reply
    // would still be refused by any client.
    TimeStampResp { status, time_stamp_token: None }.to_der().unwrap_or_default()
}

fn hash_algorithm(algorithm: Algorithm) -> ObjectIdentifier {
    match algorithm {
        Algorithm::P256 => tsp::SHA256,
        Algorithm::Sm2 => tsp::SM3,
        // RFC 8419 3.1: with signed attributes, Ed25519 goes with SHA-512.
        Algorithm::Ed25519 => tsp::SHA512,
    }
}

fn attr(oid: ObjectIdentifier, value: Any) -> der::Result<Attribute> {
    Ok(Attribute { oid, values: SetOfVec::try_from(vec![value])? })
}

/// Answers the DER TimeStampReq `request` at `at` with token serial
/// `serial` (positive, unique per TSA: random 16 bytes will do). A request
/// Lading cannot honour gets a rejection with the RFC 3161 failInfo.
pub fn respond(authority: &Authority<'_>, request: &[u8], at: DateTime<Utc>, serial: &[u8]) -> Issued {
    let reject = |f: Failure, text: &str| Issued { reply: rejection(f, text), granted: None };
    let Ok(req) = TimeStampReq::from_der(request) else {
        return reject(Failure::BadDataFormat, "the request is not a DER TimeStampReq");
    };
    let imprint = &req.message_imprint;
    let Some(length) = digest(&imprint.hash_algorithm.oid, b"").map(|d| d.len()) else {
        return reject(Failure::BadAlg, "the imprint's hash algorithm is not SHA-256, SHA-384, SHA-512 or SM3");
    };
    if imprint.hash_algorithm.oid == tsp::SHA1 {
        return reject(Failure::BadAlg, "SHA-1 imprints are refused");
    }
    if imprint.hashed_message.as_bytes().len() != length {
        return reject(Failure::BadDataFormat, "the imprint's length does not fit its hash algorithm");
    }
    if req.req_policy.is_some_and(|p| p != authority.policy) {
        return reject(Failure::UnacceptedPolicy, "this TSA has one policy");
    }
    if req.extensions.as_ref().is_some_and(|e| !e.is_empty()) {
        return reject(Failure::UnacceptedExtension, "this TSA accepts no request extensions");
    }
    match grant(authority, &req, at, serial) {
        Ok((reply, token)) => {
            Issued { reply, granted: Some((token, hex::encode(serial.strip_prefix(&[0]).unwrap_or(serial)), at)) }
        }
        Err(e) => reject(Failure::SystemFailure, &format!("cannot sign: {e}")),
    }
}

fn grant(
    authority: &Authority<'_>,
    req: &TimeStampReq,
    at: DateTime<Utc>,
    serial: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), String> {
    let e = |e: der::Error| e.to_string();
    let signer_cert = authority.chain.first().ok_or("the TSA has no certificate")?;
    let tst = TstInfo {
        version: TspVersion::V1,
        policy: authority.policy,
        message_imprint: req.message_imprint.clone(),
        serial_number: x509_cert::serial_number::SerialNumber::new(serial).map_err(e)?,
        gen_time: tsp::gen_time(at).map_err(e)?,
        accuracy: Some(Accuracy { seconds: Some(1), millis: None, micros: None }),
        ordering: false,
        nonce: req.nonce.clone(),
        tsa: Some(GeneralName::DirectoryName(signer_cert.tbs_certificate().subject().clone())),
        extensions: None,
    };
    let tst_der = tst.to_der().map_err(e)?;
    let algorithm = authority.signer.algorithm();
    let digest_oid = hash_algorithm(algorithm);
    let cert_der = signer_cert.to_der().map_err(e)?;
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(sha2::Sha256::digest(&cert_der).to_vec()).map_err(e)?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(signer_cert.tbs_certificate().issuer().clone())],
                serial_number: signer_cert.tbs_certificate().serial_number().clone(),
            }),
        }],
        policies: None,
    };
    let message_digest = digest(&digest_oid, &tst_der).ok_or("no digest")?;
    let attrs = SetOfVec::try_from(vec![
        attr(tsp::ID_CONTENT_TYPE, Any::encode_from(&tsp::ID_CT_TST_INFO).map_err(e)?).map_err(e)?,
        attr(tsp::ID_MESSAGE_DIGEST, Any::encode_from(&OctetString::new(message_digest).map_err(e)?).map_err(e)?)
            .map_err(e)?,
        attr(tsp::ID_SIGNING_CERTIFICATE_V2, Any::encode_from(&ess).map_err(e)?).map_err(e)?,
    ])
    .map_err(e)?;
    let signature = authority.signer.try_sign(&attrs.to_der().map_err(e)?).map_err(|e| e.to_string())?;
    let digest_alg = AlgorithmIdentifierOwned { oid: digest_oid, parameters: None };
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: signer_cert.tbs_certificate().issuer().clone(),
            serial_number: signer_cert.tbs_certificate().serial_number().clone(),
        }),
        digest_alg: digest_alg.clone(),
        signed_attrs: Some(attrs),
        signature_algorithm: crate::issue::signature_algorithm(algorithm),
        signature: OctetString::new(signature).map_err(e)?,
        unsigned_attrs: None,
    };
    let certificates = if req.cert_req {
        let choices: Vec<CertificateChoices> =
            authority.chain.iter().cloned().map(CertificateChoices::Certificate).collect();
        Some(CertificateSet(SetOfVec::try_from(choices).map_err(e)?))
    } else {
        None
    };
    let signed = SignedData {
        version: CmsVersion::V3,
        digest_algorithms: SetOfVec::try_from(vec![digest_alg]).map_err(e)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: tsp::ID_CT_TST_INFO,
            econtent: Some(Any::encode_from(&OctetString::new(tst_der).map_err(e)?).map_err(e)?),
        },
        certificates,
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info]).map_err(e)?),
    };
    let token = ContentInfo { content_type: tsp::ID_SIGNED_DATA, content: Any::encode_from(&signed).map_err(e)? };
    let token_der = token.to_der().map_err(e)?;
    let status = PkiStatusInfo { status: 0, status_string: None, fail_info: None };
    let reply =
        TimeStampResp { status, time_stamp_token: Some(Any::from_der(&token_der).map_err(e)?) }.to_der().map_err(e)?;
    Ok((reply, token_der))
}
