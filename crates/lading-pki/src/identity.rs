//! Who a certificate names: the signer identity Lading prints and records.

use chrono::{DateTime, Utc};
use der::asn1::ObjectIdentifier;
use der::{Tag, Tagged as _};
use x509_cert::Certificate;
use x509_cert::name::Name;
use x509_cert::time::Time;

use crate::oid;

/// The identity a certificate asserts, in readable form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The subject, RFC 4514 string form (most specific attribute first).
    pub subject: String,
    /// The subject's commonName.
    pub common_name: Option<String>,
    /// The subject's organizationName.
    pub organization: Option<String>,
    /// The subject's organizationIdentifier (2.5.4.97): in China the unified
    /// social credit code, sometimes with a scheme prefix.
    pub organization_identifier: Option<String>,
    /// The subject's serialNumber attribute (2.5.4.5): the other place CAs
    /// put a registration number such as the unified social credit code.
    pub subject_serial_number: Option<String>,
    /// The issuer, RFC 4514 string form.
    pub issuer: String,
    /// The certificate's serial number, lowercase hex.
    pub serial: String,
    /// Start of validity.
    pub not_before: DateTime<Utc>,
    /// End of validity.
    pub not_after: DateTime<Utc>,
}

impl Identity {
    /// The identity of `cert`.
    pub fn of(cert: &Certificate) -> Self {
        let tbs = cert.tbs_certificate();
        let subject = tbs.subject();
        Identity {
            subject: display_name(subject),
            common_name: attribute(subject, oid::AT_COMMON_NAME),
            organization: attribute(subject, oid::AT_ORGANIZATION),
            organization_identifier: attribute(subject, oid::AT_ORGANIZATION_IDENTIFIER),
            subject_serial_number: attribute(subject, oid::AT_SERIAL_NUMBER),
            issuer: display_name(tbs.issuer()),
            serial: hex::encode(tbs.serial_number().as_bytes()),
            not_before: to_chrono(tbs.validity().not_before),
            not_after: to_chrono(tbs.validity().not_after),
        }
    }

    /// The registration number the subject carries: organizationIdentifier,
    /// else the serialNumber attribute.
    pub fn registration_id(&self) -> Option<&str> {
        self.organization_identifier.as_deref().or(self.subject_serial_number.as_deref())
    }
}

/// A name in RFC 4514 string form (most specific RDN first), with short
/// names for the attributes Lading prints (organizationIdentifier and
/// serialNumber included) and other values as text where they are strings.
pub fn display_name(name: &Name) -> String {
    let mut out = String::new();
    for (i, rdn) in name.iter_rdn().collect::<Vec<_>>().into_iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            let key = match atv.oid {
                oid::AT_COMMON_NAME => "CN".to_owned(),
                oid::AT_ORGANIZATION => "O".to_owned(),
                oid::AT_COUNTRY => "C".to_owned(),
                oid::AT_ORGANIZATIONAL_UNIT => "OU".to_owned(),
                oid::AT_LOCALITY => "L".to_owned(),
                oid::AT_STATE => "ST".to_owned(),
                oid::AT_SERIAL_NUMBER => "serialNumber".to_owned(),
                oid::AT_ORGANIZATION_IDENTIFIER => "organizationIdentifier".to_owned(),
                other => other.to_string(),
            };
            match directory_string(atv.value.value(), atv.value.tag()) {
                Some(text) => out.push_str(&format!("{key}={}", escape(&text))),
                None => out.push_str(&atv.to_string()),
            }
        }
    }
    out
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.chars().enumerate() {
        let edge = (i == 0 && (c == ' ' || c == '#')) || (i + 1 == value.chars().count() && c == ' ');
        if edge || matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The first value of attribute `oid` in `name`, as text.
pub fn attribute(name: &Name, oid: ObjectIdentifier) -> Option<String> {
    name.iter().find(|atv| atv.oid == oid).and_then(|atv| directory_string(atv.value.value(), atv.value.tag()))
}

fn directory_string(bytes: &[u8], tag: Tag) -> Option<String> {
    match tag {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString | Tag::VisibleString => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
        Tag::BmpString => {
            let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

/// An X.509 time as chrono.
pub fn to_chrono(time: Time) -> DateTime<Utc> {
    let secs = i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    DateTime::from_timestamp(secs, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// A chrono time as X.509 (UTCTime before 2050, GeneralizedTime after, per RFC 5280).
pub fn from_chrono(at: DateTime<Utc>) -> Result<Time, der::Error> {
    let secs = u64::try_from(at.timestamp()).map_err(|_| der::Error::from(der::ErrorKind::DateTime))?;
    let dt = der::DateTime::from_unix_duration(std::time::Duration::from_secs(secs))?;
    if dt.year() < 2050 {
        der::asn1::UtcTime::from_date_time(dt).map(Time::UtcTime)
    } else {
        Ok(Time::GeneralTime(der::asn1::GeneralizedTime::from_date_time(dt)))
    }
}
