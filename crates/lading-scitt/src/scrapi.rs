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
}
