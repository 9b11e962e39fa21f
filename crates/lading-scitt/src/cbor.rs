//! A strict pre-parse of CBOR from outside, before any decoder sees it.
//!
//! `ciborium` (under `coset`) decodes indefinite lengths, keeps duplicate map
//! keys and recurses as deep as the input goes; COSE (RFC 9052 §3) forbids
//! duplicate labels and this service must bound what a request can cost. So
//! every statement, receipt and proof first passes [`check`], a single pass
//! over the bytes that refuses:
//!
//! - indefinite-length strings, arrays and maps (and stray `break`s),
//! - heads not in preferred (shortest) form, so that equal values have one
//!   encoding and duplicate keys are found by comparing bytes,
//! - duplicate map keys,
//! - nesting deeper than [`Limits::max_depth`], inputs longer than
//!   [`Limits::max_bytes`], text that is not UTF-8, reserved additional
//!   information values, and trailing bytes after the one item.
//!
//! It is hand-written (about a hundred lines) because no maintained crate
//! offers these refusals in one pass; decoding proper is still `coset`'s.

use std::collections::HashSet;
use std::ops::Range;

/// Bounds on a CBOR input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest input, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of arrays, maps and tags.
    pub max_depth: usize,
}

impl Limits {
    /// Statements: a Lading document (64 MiB at most) fits, nesting stays shallow.
    pub const STATEMENT: Limits = Limits { max_bytes: 64 << 20, max_depth: 16 };
    /// Receipts and transparent-statement headers.
    pub const RECEIPT: Limits = Limits { max_bytes: 1 << 20, max_depth: 16 };
}

/// Why bytes are not acceptable CBOR.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CborError {
    /// The input ended inside an item.
    #[error("{what}: CBOR ends early at byte {offset}")]
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Byte offset.
        offset: usize,
    },
    /// Something other than what is accepted.
    #[error("{what}: {reason} at byte {offset}")]
    Refused {
        /// What was being read.
        what: &'static str,
        /// Why.
        reason: &'static str,
        /// Byte offset.
        offset: usize,
    },
    /// Over a limit.
    #[error("{what}: {reason}")]
    Limit {
        /// What was being read.
        what: &'static str,
        /// Which limit, with figures.
        reason: String,
    },
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    what: &'static str,
    limits: Limits,
}

/// A data item's head: major type, argument, and whether it was indefinite.
struct Head {
    major: u8,
    arg: u64,
    ai: u8,
}

impl<'a> Scanner<'a> {
    fn refused(&self, reason: &'static str, offset: usize) -> CborError {
        CborError::Refused { what: self.what, reason, offset }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CborError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or(CborError::Truncated { what: self.what, offset: self.pos })?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn head(&mut self) -> Result<Head, CborError> {
        let start = self.pos;
        let first = self.take(1)?[0];
        let (major, ai) = (first >> 5, first & 0x1f);
        let arg = match ai {
            0..=23 => u64::from(ai),
            24..=27 => {
                let n = 1usize << (ai - 24);
                let mut arg = 0u64;
                for b in self.take(n)? {
                    arg = (arg << 8) | u64::from(*b);
                }
                // Floats (major 7, ai 25..27) are exempt: their width is their precision.
                let shortest = match ai {
                    24 => arg >= 24,
                    25 => arg > 0xff,
                    26 => arg > 0xffff,
                    _ => arg > 0xffff_ffff,
                };
                if !(shortest || (major == 7 && ai >= 25)) {
                    return Err(self.refused("a head not in preferred (shortest) form", start));
                }
                if major == 7 && ai == 24 && arg < 32 {
                    return Err(self.refused("a two-byte simple value below 32", start));
                }
                arg
            }
            28..=30 => return Err(self.refused("a reserved additional-information value", start)),
            _ => return Err(self.refused("an indefinite length (or a stray break)", start)),
        };
        Ok(Head { major, arg, ai })
    }

    /// Reads one item, returning its byte range.
    fn item(&mut self, depth: usize) -> Result<Range<usize>, CborError> {
        if depth > self.limits.max_depth {
            return Err(CborError::Limit {
                what: self.what,
                reason: format!("nested deeper than {} levels", self.limits.max_depth),
            });
        }
        let start = self.pos;
        let head = self.head()?;
        let remaining = (self.bytes.len() - self.pos) as u64;
        match head.major {
            0 | 1 => {}
            2 | 3 => {
                if head.arg > remaining {
                    return Err(CborError::Truncated { what: self.what, offset: self.pos });
                }
                let at = self.pos;
                // Bounded by `remaining`, which is a usize.
                let text = self.take(head.arg as usize)?;
                if head.major == 3 && std::str::from_utf8(text).is_err() {
                    return Err(self.refused("a text string that is not UTF-8", at));
                }
            }
            4 => {
                // Every item takes at least one byte: a count beyond what is left is a lie.
                if head.arg > remaining {
                    return Err(CborError::Truncated { what: self.what, offset: self.pos });
                }
                for _ in 0..head.arg {
                    self.item(depth + 1)?;
                }
            }
            5 => {
                if head.arg.saturating_mul(2) > remaining {
                    return Err(CborError::Truncated { what: self.what, offset: self.pos });
                }
                let bytes = self.bytes;
                let mut keys: HashSet<&[u8]> = HashSet::new();
                for _ in 0..head.arg {
                    let key = self.item(depth + 1)?;
                    if !keys.insert(&bytes[key.clone()]) {
                        return Err(self.refused("a duplicate map key", key.start));
                    }
                    self.item(depth + 1)?;
                }
            }
            6 => {
                self.item(depth + 1)?;
            }
            _ => {
                // Simple values and floats: the head was all of it.
                let _ = head.ai;
            }
        }
        Ok(start..self.pos)
    }
}

/// Checks that `bytes` is exactly one acceptable CBOR item (see the module docs).
pub fn check(bytes: &[u8], limits: Limits, what: &'static str) -> Result<(), CborError> {
    top_level(bytes, limits, what).map(|_| ())
}

fn top_level(bytes: &[u8], limits: Limits, what: &'static str) -> Result<Range<usize>, CborError> {
    if bytes.len() > limits.max_bytes {
        return Err(CborError::Limit {
            what,
            reason: format!("{} bytes, over the {} byte limit", bytes.len(), limits.max_bytes),
        });
    }
    if bytes.is_empty() {
        return Err(CborError::Truncated { what, offset: 0 });
    }
    let mut s = Scanner { bytes, pos: 0, what, limits };
    let range = s.item(0)?;
    if s.pos != bytes.len() {
        return Err(s.refused("trailing bytes after the CBOR item", s.pos));
    }
    Ok(range)
}

/// The byte ranges of the four elements of a tagged COSE_Sign1
/// (`18([protected, unprotected, payload, signature])`), after [`check`].
pub fn sign1_parts(bytes: &[u8], limits: Limits, what: &'static str) -> Result<[Range<usize>; 4], CborError> {
    top_level(bytes, limits, what)?;
    let mut s = Scanner { bytes, pos: 0, what, limits };
    let tag = s.head()?;
    if tag.major != 6 || tag.arg != 18 {
        return Err(s.refused("not a tagged COSE_Sign1 (tag 18 expected)", 0));
    }
    let array = s.head()?;
    if array.major != 4 || array.arg != 4 {
        return Err(s.refused("COSE_Sign1 is not an array of four items", 1));
    }
    let mut parts: [Range<usize>; 4] = [0..0, 0..0, 0..0, 0..0];
    for part in &mut parts {
        *part = s.item(2)?;
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(bytes: &[u8]) -> bool {
        check(bytes, Limits::RECEIPT, "test").is_ok()
    }

    #[test]
    fn accepts_well_formed_preferred_cbor() {
        assert!(ok(&[0xa2, 0x01, 0x26, 0x03, 0x61, b'x'])); // {1: -7, 3: "x"}
        assert!(ok(&[0x83, 0x01, 0x02, 0x40])); // [1, 2, h'']
        assert!(ok(&[0xd2, 0x80])); // 18([])
        assert!(ok(&[0xf9, 0x00, 0x00])); // half-float 0.0 (floats keep their width)
    }

    #[test]
    fn refuses_indefinite_lengths_duplicates_and_trailing_bytes() {
        assert!(!ok(&[0x9f, 0x01, 0xff])); // [_ 1]
        assert!(!ok(&[0x5f, 0x41, 0x00, 0xff])); // (_ h'00')
        assert!(!ok(&[0xbf, 0x01, 0x02, 0xff])); // {_ 1: 2}
        assert!(!ok(&[0xa2, 0x01, 0x02, 0x01, 0x03])); // {1: 2, 1: 3}
        assert!(!ok(&[0x01, 0x02])); // two items
        assert!(!ok(&[0x18, 0x01])); // 1 in two bytes
        assert!(!ok(&[0x1c])); // reserved
        assert!(!ok(&[0x62, 0xff, 0xfe])); // text, not UTF-8
        assert!(!ok(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])); // huge count
    }

    #[test]
    fn refuses_deep_nesting_without_recursing_past_the_limit() {
        let mut deep = vec![0x81u8; 10_000];
        deep.push(0x00);
        let err = check(&deep, Limits::RECEIPT, "test").expect_err("too deep");
        assert!(err.to_string().contains("nested deeper"), "{err}");
    }
}
