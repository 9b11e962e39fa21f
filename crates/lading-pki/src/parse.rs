//! Certificate chains and CRLs from PEM or DER bytes.
//!
//! PEM input may hold several blocks (text between them is ignored, as
//! OpenSSL does); every block must carry the expected label. DER input is
//! one or more concatenated encodings. Errors name the item's position
//! (0-based, in file order) and, for PEM, the line its block starts on.

use std::fmt;

use der::{Decode, Encode, Reader as _, SliceReader};
use x509_cert::Certificate;
use x509_cert::crl::CertificateList;

/// The most items one file may hold; real chains have a handful.
pub const MAX_ITEMS: usize = 64;

/// What a file was expected to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// X.509 certificates (`CERTIFICATE`).
    Certificate,
    /// Certificate revocation lists (`X509 CRL`).
    Crl,
}

impl ItemKind {
    /// The PEM label.
    pub const fn pem_label(self) -> &'static str {
        match self {
            ItemKind::Certificate => "CERTIFICATE",
            ItemKind::Crl => "X509 CRL",
        }
    }
    const fn noun(self) -> &'static str {
        match self {
            ItemKind::Certificate => "certificate",
            ItemKind::Crl => "CRL",
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.noun())
    }
}

/// Why certificates or CRLs could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Neither a PEM block nor DER was found.
    #[error("no PEM {label} block and not DER (the input starts with {start:?})")]
    NotPemOrDer {
        /// The PEM label looked for.
        label: &'static str,
        /// The first bytes, for the reader.
        start: String,
    },
    /// A PEM block has another label.
    #[error("{kind} #{position} (PEM block at line {line}): label {found:?}, expected {expected:?}")]
    WrongLabel {
        /// What was expected.
        kind: ItemKind,
        /// Position in the file.
        position: usize,
        /// Line of the BEGIN line (1-based).
        line: usize,
        /// Label found.
        found: String,
        /// Label expected.
        expected: &'static str,
    },
    /// A PEM block has no END line.
    #[error("{kind} #{position} (PEM block at line {line}): no matching -----END {label}----- line")]
    Unterminated {
        /// What was expected.
        kind: ItemKind,
        /// Position in the file.
        position: usize,
        /// Line of the BEGIN line (1-based).
        line: usize,
        /// The label of the block.
        label: String,
    },
    /// A block's base64 or DER is malformed.
    #[error("{kind} #{position}{where_}: {detail}", where_ = line.map(|l| format!(" (PEM block at line {l})")).unwrap_or_default())]
    Malformed {
        /// What was expected.
        kind: ItemKind,
        /// Position in the file.
        position: usize,
        /// Line of the BEGIN line, for PEM.
        line: Option<usize>,
        /// What the decoder said.
        detail: String,
    },
    /// More items than [`MAX_ITEMS`].
    #[error("more than {max} {kind}s in one file")]
    TooMany {
        /// What was expected.
        kind: ItemKind,
        /// The cap.
        max: usize,
    },
}

/// Certificates from PEM (one or more `CERTIFICATE` blocks) or DER, in file order.
pub fn parse_certificates(bytes: &[u8]) -> Result<Vec<Certificate>, ParseError> {
    parse_items(bytes, ItemKind::Certificate)
}

/// CRLs from PEM (one or more `X509 CRL` blocks) or DER, in file order.
pub fn parse_crls(bytes: &[u8]) -> Result<Vec<CertificateList>, ParseError> {
    parse_items(bytes, ItemKind::Crl)
}

trait Item: Sized + for<'a> Decode<'a, Error = der::Error> + Encode {}
impl Item for Certificate {}
impl Item for CertificateList {}

fn parse_items<T: Item>(bytes: &[u8], kind: ItemKind) -> Result<Vec<T>, ParseError> {
    let trimmed = bytes.trim_ascii_start();
    if trimmed.first() == Some(&0x30) {
        return parse_der_sequence(trimmed, kind);
    }
    let text = String::from_utf8_lossy(bytes);
    let blocks = pem_blocks(&text, kind)?;
    if blocks.is_empty() {
        let start: String = text.chars().take(24).collect();
        return Err(ParseError::NotPemOrDer { label: kind.pem_label(), start });
    }
    let mut items = Vec::with_capacity(blocks.len());
    for (position, block) in blocks.into_iter().enumerate() {
        if block.label != kind.pem_label() {
            return Err(ParseError::WrongLabel {
                kind,
                position,
                line: block.line,
                found: block.label,
                expected: kind.pem_label(),
            });
        }
        let malformed = |detail: String| ParseError::Malformed { kind, position, line: Some(block.line), detail };
        let (_, der) = der::pem::decode_vec(block.text.as_bytes()).map_err(|e| malformed(format!("bad PEM: {e}")))?;
        items.push(T::from_der(&der).map_err(|e| malformed(format!("bad DER: {e}")))?);
    }
    Ok(items)
}

fn parse_der_sequence<T: Item>(mut bytes: &[u8], kind: ItemKind) -> Result<Vec<T>, ParseError> {
    let mut items = Vec::new();
    while !bytes.is_empty() {
        let position = items.len();
        if position == MAX_ITEMS {
            return Err(ParseError::TooMany { kind, max: MAX_ITEMS });
        }
        let malformed = |detail: String| ParseError::Malformed { kind, position, line: None, detail };
        let mut reader = SliceReader::new(bytes).map_err(|e| malformed(format!("bad DER: {e}")))?;
        let item = T::decode(&mut reader).map_err(|e| malformed(format!("bad DER: {e}")))?;
        let consumed = usize::try_from(reader.position()).map_err(|e| malformed(e.to_string()))?;
        bytes = bytes.get(consumed..).unwrap_or_default();
        items.push(item);
    }
    Ok(items)
}

struct PemBlock {
    label: String,
    line: usize,
    text: String,
}

fn pem_blocks(text: &str, kind: ItemKind) -> Result<Vec<PemBlock>, ParseError> {
    let mut blocks: Vec<PemBlock> = Vec::new();
    let mut current: Option<PemBlock> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        match current.as_mut() {
            None => {
                if let Some(label) = line.strip_prefix("-----BEGIN ").and_then(|l| l.strip_suffix("-----")) {
                    if blocks.len() == MAX_ITEMS {
                        return Err(ParseError::TooMany { kind, max: MAX_ITEMS });
                    }
                    current = Some(PemBlock { label: label.to_owned(), line: index + 1, text: format!("{line}\n") });
                }
            }
            Some(block) => {
                block.text.push_str(line);
                block.text.push('\n');
                if line.starts_with("-----END ") {
                    if let Some(done) = current.take() {
                        blocks.push(done);
                    }
                } else if line.starts_with("-----BEGIN ") {
                    return Err(ParseError::Unterminated {
                        kind,
                        position: blocks.len(),
                        line: block.line,
                        label: block.label.clone(),
                    });
                }
            }
        }
    }
    if let Some(block) = current {
        return Err(ParseError::Unterminated { kind, position: blocks.len(), line: block.line, label: block.label });
    }
    Ok(blocks)
}

/// PEM text of `certificates`, one block each, in order.
pub fn certificates_to_pem(certificates: &[Certificate]) -> Result<String, der::Error> {
    use der::EncodePem as _;
    let mut text = String::new();
    for cert in certificates {
        text.push_str(&cert.to_pem(der::pem::LineEnding::LF)?);
    }
    Ok(text)
}

/// PEM text (`X509 CRL`) of `crl`.
pub fn crl_to_pem(crl: &CertificateList) -> Result<String, der::Error> {
    use der::EncodePem as _;
    crl.to_pem(der::pem::LineEnding::LF)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_neither_pem_nor_der() {
        let err = parse_certificates(b"hello world").unwrap_err();
        assert!(matches!(err, ParseError::NotPemOrDer { .. }), "{err}");
        assert!(err.to_string().contains("hello world"), "{err}");
    }

    #[test]
    fn wrong_label_names_position_and_line() {
        let text = "junk\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        let err = parse_certificates(text.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "certificate #0 (PEM block at line 2): label \"PRIVATE KEY\", expected \"CERTIFICATE\""
        );
    }

    #[test]
    fn bad_base64_and_bad_der_are_malformed_with_line() {
        let text = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        let err = parse_certificates(text.as_bytes()).unwrap_err();
        assert!(err.to_string().starts_with("certificate #0 (PEM block at line 1): bad PEM"), "{err}");
        let text = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n";
        let err = parse_certificates(text.as_bytes()).unwrap_err();
        assert!(err.to_string().starts_with("certificate #0 (PEM block at line 1): bad DER"), "{err}");
    }

    #[test]
    fn unterminated_block_is_refused() {
        let text = "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n";
        let err = parse_certificates(text.as_bytes()).unwrap_err();
        assert!(matches!(err, ParseError::Unterminated { position: 0, line: 1, .. }), "{err}");
    }

    #[test]
    fn truncated_der_names_position() {
        let err = parse_crls(&[0x30, 0x82, 0x01]).unwrap_err();
        assert!(matches!(err, ParseError::Malformed { kind: ItemKind::Crl, position: 0, line: None, .. }), "{err}");
    }
}
