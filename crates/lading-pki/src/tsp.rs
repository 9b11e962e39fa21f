//! The ASN.1 of RFC 3161 (Time-Stamp Protocol) and of the ESS signing
//! certificate attributes (RFC 2634, RFC 5035), as `der` derives.
//!
//! Hand-written because the RustCrypto crate for these types, `x509-tsp`
//! 0.1, is still on `der` 0.7 / `cms` 0.2 and does not mix with the
//! `der` 0.8 / `x509-cert` 0.3 / `cms` 0.3 line the rest of Lading uses.
//! They are small: requests, replies, `TSTInfo`, and the attribute naming
//! the TSA's certificate. The CMS around the token is `cms`'s.

use der::asn1::{Any, BitString, ObjectIdentifier, OctetString, Uint, Utf8StringRef};
use der::{Enumerated, Sequence, Tagged as _};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::Extensions;
use x509_cert::ext::pkix::name::{GeneralName, GeneralNames};
use x509_cert::serial_number::SerialNumber;

/// id-ct-TSTInfo (RFC 3161 2.4.2): the eContentType of a token.
pub const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
/// id-signedData (RFC 5652).
pub const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// id-contentType signed attribute (RFC 5652 11.1).
pub const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
/// id-messageDigest signed attribute (RFC 5652 11.2).
pub const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
/// id-signingTime signed attribute (RFC 5652 11.3).
pub const ID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
/// id-aa-signingCertificate (RFC 2634 5.4, SHA-1 certificate hashes).
pub const ID_SIGNING_CERTIFICATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");
/// id-aa-signingCertificateV2 (RFC 5035 3).
pub const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// SHA-1 (only for ESS v1 certificate hashes).
pub const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
/// SHA-256.
pub const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
/// SHA-384.
pub const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
/// SHA-512.
pub const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
/// SM3 (GB/T 32905).
pub const SM3: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.401");

/// MessageImprint ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, hashedMessage OCTET STRING }
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct MessageImprint {
    /// The hash algorithm.
    pub hash_algorithm: AlgorithmIdentifierOwned,
    /// The hash of the data stamped.
    pub hashed_message: OctetString,
}

/// The version of requests and TSTInfo.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Enumerated)]
#[asn1(type = "INTEGER")]
#[repr(u8)]
pub enum TspVersion {
    /// v1, the only version.
    V1 = 1,
}

/// TimeStampReq (RFC 3161 2.4.1).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TimeStampReq {
    /// v1.
    pub version: TspVersion,
    /// The hash of the data to stamp.
    pub message_imprint: MessageImprint,
    /// The TSA policy asked for.
    #[asn1(optional = "true")]
    pub req_policy: Option<ObjectIdentifier>,
    /// A nonce the reply must echo.
    #[asn1(optional = "true")]
    pub nonce: Option<Uint>,
    /// Whether the TSA's certificate must be in the token.
    #[asn1(default = "Default::default")]
    pub cert_req: bool,
    /// Extensions.
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// PKIStatusInfo (RFC 3161 2.4.2).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct PkiStatusInfo {
    /// 0 granted, 1 grantedWithMods, 2 rejection, 3 waiting, 4 revocationWarning, 5 revocationNotification.
    pub status: u8,
    /// Free text from the TSA.
    #[asn1(optional = "true")]
    pub status_string: Option<Vec<Any>>,
    /// PKIFailureInfo bits.
    #[asn1(optional = "true")]
    pub fail_info: Option<BitString>,
}

impl PkiStatusInfo {
    /// The status text, UTF-8 strings joined (others skipped).
    pub fn text(&self) -> String {
        let strings = self.status_string.iter().flatten();
        strings
            .filter_map(|a| a.decode_as::<Utf8StringRef<'_>>().ok().map(|s| s.to_string()))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The names of the PKIFailureInfo bits set.
    pub fn failures(&self) -> Vec<&'static str> {
        const NAMES: [(usize, &str); 8] = [
            (0, "badAlg"),
            (2, "badRequest"),
            (5, "badDataFormat"),
            (14, "timeNotAvailable"),
            (15, "unacceptedPolicy"),
            (16, "unacceptedExtension"),
            (17, "addInfoNotAvailable"),
            (25, "systemFailure"),
        ];
        let Some(bits) = &self.fail_info else { return Vec::new() };
        let bytes = bits.raw_bytes();
        NAMES
            .iter()
            .filter(|(bit, _)| bytes.get(bit / 8).is_some_and(|b| b & (0x80 >> (bit % 8)) != 0))
            .map(|(_, n)| *n)
            .collect()
    }
}

/// TimeStampResp (RFC 3161 2.4.2): the status and, when granted, the token
/// (a CMS ContentInfo, kept as its DER).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TimeStampResp {
    /// The status.
    pub status: PkiStatusInfo,
    /// The token.
    #[asn1(optional = "true")]
    pub time_stamp_token: Option<Any>,
}

/// Accuracy (RFC 3161 2.4.2).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct Accuracy {
    /// Seconds.
    #[asn1(optional = "true")]
    pub seconds: Option<u64>,
    /// Milliseconds, 1..999.
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    pub millis: Option<u16>,
    /// Microseconds, 1..999.
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub micros: Option<u16>,
}

/// TSTInfo (RFC 3161 2.4.2). `gen_time` is kept as the raw GeneralizedTime
/// because RFC 3161 allows fractional seconds, which `der`'s
/// `GeneralizedTime` (RFC 5280 profile) refuses; see [`parse_gen_time`].
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct TstInfo {
    /// v1.
    pub version: TspVersion,
    /// The TSA's policy.
    pub policy: ObjectIdentifier,
    /// The imprint from the request.
    pub message_imprint: MessageImprint,
    /// The token's serial number.
    pub serial_number: SerialNumber,
    /// The time, a GeneralizedTime.
    pub gen_time: Any,
    /// The accuracy.
    #[asn1(optional = "true")]
    pub accuracy: Option<Accuracy>,
    /// Ordering.
    #[asn1(default = "Default::default")]
    pub ordering: bool,
    /// The request's nonce.
    #[asn1(optional = "true")]
    pub nonce: Option<Uint>,
    /// The TSA's name.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    pub tsa: Option<GeneralName>,
    /// Extensions.
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    pub extensions: Option<Extensions>,
}

/// IssuerSerial (RFC 5035).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct IssuerSerial {
    /// The issuer's names.
    pub issuer: GeneralNames,
    /// The certificate's serial.
    pub serial_number: SerialNumber,
}

/// ESSCertIDv2 (RFC 5035); the hash algorithm defaults to SHA-256.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertIdV2 {
    /// The hash algorithm (absent: SHA-256).
    #[asn1(optional = "true")]
    pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
    /// The certificate's hash.
    pub cert_hash: OctetString,
    /// Its issuer and serial.
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// SigningCertificateV2 (RFC 5035); policies are not read.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificateV2 {
    /// The signer's certificate first.
    pub certs: Vec<EssCertIdV2>,
    /// Policies.
    #[asn1(optional = "true")]
    pub policies: Option<Any>,
}

/// ESSCertID (RFC 2634): a SHA-1 hash.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertId {
    /// SHA-1 of the certificate.
    pub cert_hash: OctetString,
    /// Its issuer and serial.
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

/// SigningCertificate (RFC 2634).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificate {
    /// The signer's certificate first.
    pub certs: Vec<EssCertId>,
    /// Policies.
    #[asn1(optional = "true")]
    pub policies: Option<Any>,
}

/// Parses a GeneralizedTime `YYYYMMDDHHMMSS[.fff…]Z` (RFC 3161 2.4.2: UTC,
/// fractional seconds without trailing zeros allowed).
pub fn parse_gen_time(value: &Any) -> Option<chrono::DateTime<chrono::Utc>> {
    use chrono::TimeZone as _;
    if value.tag() != der::Tag::GeneralizedTime {
        return None;
    }
    let text = std::str::from_utf8(value.value()).ok()?;
    let body = text.strip_suffix('Z')?;
    let (whole, fraction) = match body.split_once('.') {
        Some((w, f)) if !f.is_empty() && !f.ends_with('0') && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            (w, f)
        }
        Some(_) => return None,
        None => (body, ""),
    };
    if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| whole[r].parse::<u32>().ok();
    let year = i32::try_from(n(0..4)?).ok()?;
    let t = chrono::Utc.with_ymd_and_hms(year, n(4..6)?, n(6..8)?, n(8..10)?, n(10..12)?, n(12..14)?).single()?;
    let nanos: u32 = if fraction.is_empty() { 0 } else { format!("{fraction:0<9}").parse().ok()? };
    Some(t + chrono::Duration::nanoseconds(i64::from(nanos)))
}

/// A GeneralizedTime (whole seconds) as `Any`.
pub fn gen_time(at: chrono::DateTime<chrono::Utc>) -> der::Result<Any> {
    Any::new(der::Tag::GeneralizedTime, at.format("%Y%m%d%H%M%SZ").to_string().into_bytes())
}
