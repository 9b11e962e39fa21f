//! PEM as people and tools write it (RFC 7468 §3, the "lax" grammar
//! parsers should accept): any base64 line length, one long line, CRLF or
//! CR line ends, blank lines and spaces, no final newline, explanatory text
//! around the blocks, and several blocks in one file (OpenSSL's and
//! GmSSL's `ecparam -genkey` write `EC PARAMETERS` before `EC PRIVATE
//! KEY`). `pem-rfc7468`, which the RustCrypto crates use, implements the
//! strict grammar on purpose (64-column lines only), so key files wrapped
//! at 76 columns (`base64`, Python's `base64.encodebytes`) or built by hand
//! were refused; this reader only finds the blocks and decodes their
//! base64, and the DER inside is then parsed by the RustCrypto crates.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// One `-----BEGIN LABEL-----` … `-----END LABEL-----` block.
pub(crate) struct Block {
    /// The label, e.g. `PRIVATE KEY`.
    pub(crate) label: String,
    /// The decoded contents.
    pub(crate) der: Vec<u8>,
    /// Whether RFC 1421 headers say it is encrypted (`Proc-Type: 4,ENCRYPTED`).
    pub(crate) encrypted: bool,
}

impl std::fmt::Debug for Block {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the contents: they may be a private key.
        write!(f, "Block({:?}, {} bytes)", self.label, self.der.len())
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        // Private keys pass through here: leave no copy behind.
        zeroize::Zeroize::zeroize(&mut self.der);
    }
}

const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn boundary<'a>(line: &'a str, kind: &str) -> Option<&'a str> {
    line.strip_prefix("-----")?.strip_prefix(kind)?.strip_prefix(' ')?.strip_suffix("-----").map(str::trim)
}

/// Every block of `text`, in order. Errors say which block and why.
pub(crate) fn blocks(text: &str) -> Result<Vec<Block>, String> {
    let mut out = Vec::new();
    let mut lines = text.split(['\n', '\r']).map(str::trim);
    while let Some(line) = lines.next() {
        let Some(label) = boundary(line, "BEGIN") else { continue };
        let label = label.to_owned();
        let mut body = zeroize::Zeroizing::new(String::new());
        let mut encrypted = false;
        let mut ended = false;
        for line in lines.by_ref() {
            if let Some(end) = boundary(line, "END") {
                if end != label {
                    return Err(format!("block {label:?} ends with {end:?}"));
                }
                ended = true;
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                // An RFC 1421 header, as in OpenSSL's legacy encrypted keys.
                encrypted |= name.trim() == "Proc-Type" && value.contains("ENCRYPTED");
                continue;
            }
            body.extend(line.chars().filter(|c| !c.is_whitespace()));
        }
        if !ended {
            return Err(format!("block {label:?} has no -----END {label}----- line"));
        }
        let der = BASE64.decode(body.as_bytes()).map_err(|e| format!("block {label:?} is not base64: {e}"))?;
        out.push(Block { label, der, encrypted });
    }
    if out.is_empty() {
        return Err("no -----BEGIN …----- line".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_lengths_line_ends_and_text_around_blocks_are_accepted() {
        let one = "-----BEGIN X-----\nAAECAwQFBgcICQ==\n-----END X-----\n";
        let wrapped = "intro text\r\n-----BEGIN X-----\r\nAAEC\r\n AwQF  \r\n\r\nBgcICQ\r\n-----END X-----";
        let lone_cr = "-----BEGIN X-----\rAAECAwQFBgcICQ==\r-----END X-----";
        for text in [one, wrapped, lone_cr] {
            let blocks = blocks(text).expect(text);
            assert_eq!(blocks.len(), 1);
            assert_eq!(
                (blocks[0].label.as_str(), blocks[0].der.as_slice()),
                ("X", &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9][..])
            );
        }
    }

    #[test]
    fn broken_blocks_are_refused_by_name() {
        assert!(blocks("-----BEGIN X-----\nAAEC\n").expect_err("no end").contains("no -----END X-----"));
        assert!(blocks("-----BEGIN X-----\nAAEC\n-----END Y-----").expect_err("mismatch").contains("ends with"));
        assert!(blocks("-----BEGIN X-----\nA*EC\n-----END X-----").expect_err("bad").contains("not base64"));
        assert!(blocks("just text").expect_err("none").contains("no -----BEGIN"));
        let legacy = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAEC\n-----END EC PRIVATE KEY-----";
        assert!(blocks(legacy).expect("parsed")[0].encrypted);
    }
}
