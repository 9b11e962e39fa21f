//! Bodies of the SCITT Reference APIs (draft-ietf-scitt-scrapi): RFC 9290
//! concise problem details and the transparency configuration. The COSE key
//! set is [`crate::key::cose_key_set`].

use coset::cbor::value::Value;

use crate::ScittError;
use crate::key::encode;

/// An RFC 9290 concise problem details object: `{-1: title, -2: detail}`.
pub fn problem_details(title: &str, detail: &str) -> Vec<u8> {
    let map = Value::Map(vec![
        (Value::from(-1), Value::Text(title.to_owned())),
        (Value::from(-2), Value::Text(detail.to_owned())),
    ]);
    // Encoding text values into memory cannot fail; an empty body would still be a 4xx.
    encode(&map).unwrap_or_default()
}

/// The largest concise problem details object read.
const MAX_PROBLEM_BYTES: usize = 64 << 10;

/// Reads an RFC 9290 concise problem details object, as a SCRAPI client
/// receives it: its title (-1) and detail (-2), each when present as text.
/// `None` when the bytes are not a well-formed CBOR map (within small caps).
pub fn read_problem_details(bytes: &[u8]) -> Option<(Option<String>, Option<String>)> {
    let limits = crate::cbor::Limits { max_bytes: MAX_PROBLEM_BYTES, max_depth: 8 };
    crate::cbor::check(bytes, limits, "problem details").ok()?;
    let value: Value = coset::cbor::de::from_reader(bytes).ok()?;
    let Value::Map(entries) = value else { return None };
    let text = |label: i64| {
        entries.iter().find_map(|(k, v)| match (k.as_integer(), v) {
            (Some(k), Value::Text(t)) if i128::from(k) == i128::from(label) => Some(t.clone()),
            _ => None,
        })
    };
    Some((text(-1), text(-2)))
}

/// What `GET /.well-known/transparency-configuration` describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransparencyConfiguration {
    /// The receipts' issuer: the registration log's origin.
    pub issuer: String,
    /// Where receipt keys are published (a COSE key set).
    pub keys_uri: String,
    /// Where statements are registered.
    pub registration_uri: String,
    /// Accepted statement algorithms (COSE values).
    pub algorithms: Vec<i64>,
    /// Receipts' verifiable data structures (COSE values).
    pub verifiable_data_structures: Vec<i64>,
    /// Accepted payload content types.
    pub content_types: Vec<String>,
    /// The registration policy, in words.
    pub registration_policy: String,
}

impl TransparencyConfiguration {
    /// The CBOR map (text keys, as the earlier SCRAPI drafts showed).
    pub fn to_cbor(&self) -> Result<Vec<u8>, ScittError> {
        let text = |s: &str| Value::Text(s.to_owned());
        let ints = |v: &[i64]| Value::Array(v.iter().map(|i| Value::from(*i)).collect());
        encode(&Value::Map(vec![
            (text("issuer"), text(&self.issuer)),
            (text("cose_keys_uri"), text(&self.keys_uri)),
            (text("registration_uri"), text(&self.registration_uri)),
            (text("supported_signature_algorithms"), ints(&self.algorithms)),
            (text("verifiable_data_structures"), ints(&self.verifiable_data_structures)),
            (text("supported_content_types"), Value::Array(self.content_types.iter().map(|c| text(c)).collect())),
            (text("registration_policy"), text(&self.registration_policy)),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_details_use_the_rfc_9290_keys() {
        let bytes = problem_details("Bad Signature", "no");
        crate::cbor::check(&bytes, crate::cbor::Limits::RECEIPT, "problem").expect("strict CBOR");
        assert_eq!(bytes[..2], [0xa2, 0x20]); // map(2), key -1
    }

    #[test]
    fn problem_details_read_back_and_garbage_is_none() {
        let bytes = problem_details("Unregistered Issuer", "kid abc is not registered");
        assert_eq!(
            read_problem_details(&bytes),
            Some((Some("Unregistered Issuer".into()), Some("kid abc is not registered".into())))
        );
        assert_eq!(read_problem_details(b"not cbor at all"), None);
        assert_eq!(read_problem_details(&[0x9f, 0x01, 0xff]), None); // indefinite length
        assert_eq!(read_problem_details(&[0x01]), None); // not a map
        assert_eq!(read_problem_details(&[0xa0]), Some((None, None)));
    }
}
