//! Object identifiers Lading reads and writes in certificates and CRLs.

use der::asn1::ObjectIdentifier;

/// SM2 signature with SM3 (GB/T 33560, 1.2.156.10197.1.501).
pub const SM2_WITH_SM3: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.501");
/// ECDSA with SHA-256 (RFC 5758).
pub const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
/// Ed25519 (RFC 8410).
pub const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// Attribute organizationIdentifier (X.520, 2.5.4.97).
pub const AT_ORGANIZATION_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.97");
/// Attribute serialNumber (X.520, 2.5.4.5).
pub const AT_SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
/// Attribute commonName (2.5.4.3).
pub const AT_COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
/// Attribute organizationName (2.5.4.10).
pub const AT_ORGANIZATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
/// Attribute organizationalUnitName (2.5.4.11).
pub const AT_ORGANIZATIONAL_UNIT: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.11");
/// Attribute localityName (2.5.4.7).
pub const AT_LOCALITY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.7");
/// Attribute stateOrProvinceName (2.5.4.8).
pub const AT_STATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.8");
/// Attribute countryName (2.5.4.6).
pub const AT_COUNTRY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");

/// Extension subjectKeyIdentifier.
pub const EXT_SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
/// Extension keyUsage.
pub const EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
/// Extension subjectAltName.
pub const EXT_SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
/// Extension issuerAltName.
pub const EXT_ISSUER_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.18");
/// Extension basicConstraints.
pub const EXT_BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
/// Extension nameConstraints (not processed: refused when critical).
pub const EXT_NAME_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.30");
/// Extension cRLDistributionPoints.
pub const EXT_CRL_DISTRIBUTION_POINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.31");
/// Extension certificatePolicies.
pub const EXT_CERTIFICATE_POLICIES: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32");
/// Extension authorityKeyIdentifier.
pub const EXT_AUTHORITY_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
/// Extension extKeyUsage.
pub const EXT_EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
/// Extension authorityInfoAccess.
pub const EXT_AUTHORITY_INFO_ACCESS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");

/// CRL extension cRLNumber.
pub const CRL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.20");
/// CRL entry extension reasonCode.
pub const CRL_REASON: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.21");
/// CRL entry extension invalidityDate.
pub const CRL_INVALIDITY_DATE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.24");

/// Extended key usage: any purpose.
pub const KP_ANY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");
/// Extended key usage: code signing.
pub const KP_CODE_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
/// Extended key usage: e-mail protection (S/MIME signing).
pub const KP_EMAIL_PROTECTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4");
/// Extended key usage: time stamping (RFC 3161).
pub const KP_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
/// Extended key usage: document signing (RFC 9336).
pub const KP_DOCUMENT_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.36");

/// A readable name for an OID Lading knows, else the dotted form.
pub fn describe(oid: &ObjectIdentifier) -> String {
    let name = match *oid {
        SM2_WITH_SM3 => "SM2-with-SM3",
        ECDSA_WITH_SHA256 => "ecdsa-with-SHA256",
        ED25519 => "Ed25519",
        EXT_KEY_USAGE => "keyUsage",
        EXT_BASIC_CONSTRAINTS => "basicConstraints",
        EXT_EXT_KEY_USAGE => "extKeyUsage",
        EXT_NAME_CONSTRAINTS => "nameConstraints",
        EXT_CERTIFICATE_POLICIES => "certificatePolicies",
        KP_ANY => "anyExtendedKeyUsage",
        KP_CODE_SIGNING => "codeSigning",
        KP_EMAIL_PROTECTION => "emailProtection",
        KP_TIME_STAMPING => "timeStamping",
        KP_DOCUMENT_SIGNING => "documentSigning",
        _ => return oid.to_string(),
    };
    format!("{name} ({oid})")
}
