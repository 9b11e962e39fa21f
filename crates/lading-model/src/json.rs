//! Strict I-JSON parsing (RFC 7493) and RFC 8785 canonical JSON.
//!
//! `serde_json` on its own keeps the last of two duplicate object keys and
//! turns integers beyond 2^53 and decimals with more digits than a double
//! holds into the nearest double. Signed documents must not be silently
//! altered, so [`parse_strict`] rejects duplicate keys, every number whose
//! value would change when read as a double (an integer beyond 2^53 − 1 and
//! not a double's canonical form, `0.10000000000000000001`, `1e-400`), lone
//! surrogates and numbers outside the double range, and says where (line,
//! column and JSON pointer). A number is accepted when the double it reads
//! as, printed with as many significant digits as the literal has, gives
//! the literal's digits back: `0.1`, `1.50`, `1e3` and
//! `1.00000000000000006e-1` are kept, as the doubles they spell. Every
//! document it accepts has a canonical form it accepts again.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Largest integer magnitude I-JSON (RFC 7493 §2.2) allows: 2^53 − 1.
pub const MAX_EXACT_INTEGER: u64 = (1 << 53) - 1;

/// Why a byte string is not acceptable I-JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonError {
    /// The text is not JSON, or breaks an I-JSON rule.
    #[error("{message} (line {line}, column {column})")]
    Syntax {
        /// What is wrong, naming the JSON pointer where one is known.
        message: String,
        /// 1-based line of the offending byte.
        line: usize,
        /// 1-based column of the offending byte.
        column: usize,
    },
    /// The input is not UTF-8 or starts with a byte order mark.
    #[error("{0}")]
    Encoding(String),
}

/// Parses `bytes` as I-JSON, rejecting what RFC 8785 canonicalisation would
/// otherwise silently resolve.
pub fn parse_strict(bytes: &[u8]) -> Result<Value, JsonError> {
    parse_with(bytes, Integers::Double, Decimals::Exact)
}

/// [`parse_strict`], except that decimals are read as the nearest double,
/// as RFC 8785 §3.2.2 reads them (its own test vector writes
/// `333333333.33333329` for the double `333333333.3333333`): for tools that
/// canonicalise others' JSON (`lading canonicalize`), never for records.
/// Integers a double does not hold are still refused.
pub fn parse_rfc8785(bytes: &[u8]) -> Result<Value, JsonError> {
    parse_with(bytes, Integers::Double, Decimals::Nearest)
}

/// [`parse_strict`] for input that is decoded into typed fields rather
/// than kept as it is (an OTLP/JSON request, whose `intValue` may be any
/// int64): integers within the `i64`/`u64` range are kept exactly, as
/// `serde_json` numbers, however large. Decimals must still be exact
/// doubles. Do not [`canonicalize`] the result as it is: RFC 8785 writes
/// every number as a double.
pub fn parse_strict_exact_integers(bytes: &[u8]) -> Result<Value, JsonError> {
    parse_with(bytes, Integers::Exact64, Decimals::Exact)
}

fn parse_with(bytes: &[u8], integers: Integers, decimals_are: Decimals) -> Result<Value, JsonError> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(JsonError::Encoding("input starts with a UTF-8 byte order mark, which JSON forbids".into()));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| JsonError::Encoding(format!("input is not UTF-8: invalid byte at offset {}", e.valid_up_to())))?;
    let decimals = Seen { seen: RefCell::new(Vec::new()), fail_at: None };
    let value = parse_pass(text, integers, &decimals)?;
    let seen = decimals.seen.into_inner();
    if seen.is_empty() || decimals_are == Decimals::Nearest {
        return Ok(value);
    }
    // serde_json hands the visitor only the double, so the literals are
    // read again from the text: the n-th decimal literal is the n-th double
    // visited (both in document order). Only documents with decimals pay.
    let literals = decimal_literals(text);
    let inexact = seen.iter().zip(&literals).position(|(&v, literal)| !same_value(literal, v));
    match inexact {
        None if literals.len() == seen.len() => Ok(value),
        // A second pass stops at that number, for its pointer, line and column.
        found => {
            let decimals = Seen { seen: RefCell::new(Vec::new()), fail_at: Some(found.unwrap_or(seen.len())) };
            match parse_pass(text, integers, &decimals) {
                Err(e) => Err(e),
                Ok(_) => Err(JsonError::Syntax {
                    message: "internal error: the decimal literals could not be matched to their values".into(),
                    line: 1,
                    column: 1,
                }),
            }
        }
    }
}

fn parse_pass(text: &str, integers: Integers, decimals: &Seen) -> Result<Value, JsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictSeed { path: Path::Root, integers, decimals }.deserialize(&mut de).map_err(syntax)?;
    de.end().map_err(syntax)?;
    Ok(value)
}

/// Which integers a parse keeps.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Integers {
    /// Those a double holds exactly (I-JSON), or whose canonical RFC 8785
    /// form is their own digits.
    Double,
    /// Every `i64` and `u64`.
    Exact64,
}

/// How a parse reads decimals.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decimals {
    /// Only those a double holds (see [`same_value`]).
    Exact,
    /// As the nearest double.
    Nearest,
}

/// The doubles serde_json read from decimal literals (those with a
/// fraction or exponent, or beyond `u64`), in document order.
struct Seen {
    seen: RefCell<Vec<f64>>,
    /// Fail at this decimal (0-based), naming where it is.
    fail_at: Option<usize>,
}

/// The number tokens of `text` that serde_json reads as doubles: those
/// with a fraction or an exponent, and integers beyond the `u64`/`i64`
/// range. Strings are skipped (escapes included).
fn decimal_literals(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len() && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                let token = &text[start..i];
                // serde_json reads `-0` as the double -0.0.
                let integer = !token.contains(['.', 'e', 'E']) && token != "-0";
                if !integer || (token.parse::<u64>().is_err() && token.parse::<i64>().is_err()) {
                    out.push(token);
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Whether reading the decimal `literal` as the double `v` loses nothing
/// its writer wrote: `literal` is `v`'s exact value correctly rounded to
/// the literal's own count of significant digits. `0.1`, `1.50`,
/// `1.00000000000000006e-1` (both 0.1 printed at 1 and 18 digits) and
/// 2^60 pass; `0.10000000000000000001`, `3.14159265358979323846`,
/// `9007199254740993` and `1e-400` would come back as other digits and fail.
/// Whatever RFC 8785 writes (the shortest digits that read back as `v`) passes.
fn same_value(literal: &str, v: f64) -> bool {
    if !v.is_finite() {
        return false;
    }
    let Some((negative, digits, exponent)) = decimal(literal) else { return false };
    if digits.is_empty() {
        return v == 0.0;
    }
    // A double's exact expansion has at most 767 significant digits.
    if digits.len() > 800 {
        return false;
    }
    // Rust's `{:.N e}` prints the exact value correctly rounded.
    let printed = format!("{:.*e}", digits.len() - 1, v);
    decimal(&printed) == Some((negative, digits, exponent))
}

/// A decimal number as (negative, significant digits without leading or
/// trailing zeros, exponent of the last digit); zero is `(false, "", 0)`.
fn decimal(text: &str) -> Option<(bool, String, i64)> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], rest[at + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = whole.chars().chain(fraction.chars()).collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut exponent = exponent.checked_sub(i64::try_from(fraction.len()).ok()?)?;
    let significant = digits.trim_start_matches('0');
    let trimmed = significant.trim_end_matches('0');
    if trimmed.is_empty() {
        return Some((false, String::new(), 0));
    }
    exponent = exponent.checked_add(i64::try_from(significant.len() - trimmed.len()).ok()?)?;
    Some((negative, trimmed.to_owned(), exponent))
}

fn syntax(e: serde_json::Error) -> JsonError {
    let text = e.to_string();
    // serde_json appends " at line L column C"; keep only the message.
    let message = match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    };
    JsonError::Syntax { message, line: e.line(), column: e.column() }
}

/// Serialises `value` in RFC 8785 (JCS) canonical form.
///
/// Written here rather than through `serde_json_canonicalizer` (which stays
/// as the differential oracle in the tests, beside the Python `rfc8785`
/// package in the interop suite) because that crate re-parses every object
/// key and boxes a writer per token: it was 8× slower than plain
/// serialisation and the largest cost of maintenance-event ingestion.
pub fn canonicalize(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    write_canonical(value, &mut out);
    out
}

/// Canonicalises any serialisable value (typed documents, statements).
pub fn canonicalize_serialize<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    Ok(canonicalize(&serde_json::to_value(value)?))
}

/// The canonical form of `value` and, when it is an object with a member
/// named `name`, the byte range of that member's value. A field whose
/// value is decided later (a sequence number) can then be spliced into the
/// canonical bytes without encoding the document again: member order does
/// not depend on values, and an integer's canonical form is its digits.
pub fn canonicalize_locating(value: &Value, name: &str) -> (Vec<u8>, Option<std::ops::Range<usize>>) {
    let Value::Object(map) = value else { return (canonicalize(value), None) };
    let mut out = Vec::with_capacity(512);
    let found = write_object(map, &mut out, Some(name));
    (out, found)
}

/// §3.2.3: members sorted by their names as UTF-16 code units. Returns the
/// byte range of member `locate`'s value, when asked and present.
fn write_object(map: &Map<String, Value>, out: &mut Vec<u8>, locate: Option<&str>) -> Option<std::ops::Range<usize>> {
    let mut found = None;
    let mut members: Vec<(&String, &Value)> = map.iter().collect();
    members.sort_unstable_by(|a, b| utf16_order(a.0, b.0));
    out.push(b'{');
    for (i, (key, member)) in members.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(key, out);
        out.push(b':');
        let start = out.len();
        write_canonical(member, out);
        if locate == Some(key.as_str()) {
            found = Some(start..out.len());
        }
    }
    out.push(b'}');
    found
}

fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            write_object(map, out, None);
        }
    }
}

/// UTF-16 code-unit order. It equals byte order for ASCII; beyond it, a
/// character from U+E000 to U+FFFF sorts after a supplementary one in
/// UTF-16 but before it in UTF-8, so compare code units then.
fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() { a.cmp(b) } else { a.encode_utf16().cmp(b.encode_utf16()) }
}

/// §3.2.2.3: numbers as ECMAScript's `Number.prototype.toString` prints
/// the IEEE 754 double. Integers a double holds exactly print as integers.
fn write_number(n: &Number, out: &mut Vec<u8>) {
    const EXACT: u64 = 1 << 53;
    if let Some(i) = n.as_i64().filter(|i| i.unsigned_abs() <= EXACT) {
        out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes());
    } else if let Some(f) = n.as_f64().filter(|f| f.is_finite()) {
        out.extend_from_slice(ryu_js::Buffer::new().format_finite(f).as_bytes());
    } else {
        // serde_json numbers are always finite; `as_f64` of a u64 is Some.
        unreachable!("a serde_json number that is not a finite double: {n}")
    }
}

/// §3.2.2.2: `"` and `\` escaped, the five short control escapes, other
/// controls as lower-case `\u00xx`, everything else as it is (UTF-8).
fn write_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x09 => b't',
            0x0A => b'n',
            0x0C => b'f',
            0x0D => b'r',
            0x00..=0x1F => 0,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if short == 0 {
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]]);
        } else {
            out.extend_from_slice(&[b'\\', short]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// An RFC 6901 JSON pointer, built while walking a document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(String);

impl Pointer {
    /// The whole document (`""`).
    pub fn root() -> Self {
        Self(String::new())
    }

    /// This pointer extended by an object key, escaped per RFC 6901.
    pub fn key(&self, key: &str) -> Self {
        Self(format!("{}/{}", self.0, key.replace('~', "~0").replace('/', "~1")))
    }

    /// This pointer extended by an array index.
    pub fn index(&self, index: usize) -> Self {
        Self(format!("{}/{index}", self.0))
    }

    /// The pointer text; `""` is the root.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() { f.write_str("/") } else { f.write_str(&self.0) }
    }
}

impl From<&str> for Pointer {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// Where the parser is, as a chain on the stack; the RFC 6901 pointer is
/// only spelled out when there is an error to report.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a str, &'a Path<'a>),
    Index(usize, &'a Path<'a>),
}

impl Path<'_> {
    fn pointer(&self) -> Pointer {
        match self {
            Path::Root => Pointer::root(),
            Path::Key(key, parent) => parent.pointer().key(key),
            Path::Index(i, parent) => parent.pointer().index(*i),
        }
    }
}

struct StrictSeed<'a> {
    path: Path<'a>,
    integers: Integers,
    decimals: &'a Seen,
}

impl<'de> DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(StrictVisitor {
            path: self.path,
            integers: self.integers,
            decimals: self.decimals,
        })
    }
}

struct StrictVisitor<'a> {
    path: Path<'a>,
    integers: Integers,
    decimals: &'a Seen,
}

impl StrictVisitor<'_> {
    /// Accepts an integer up to 2^53 − 1 in magnitude (the I-JSON range,
    /// which a double holds exactly), and beyond it only when the double it
    /// reads as gives its digits back — such as the shortest form of a double,
    /// 33222222222222224 or 222222222222222000, the canonical forms of
    /// 33222222222222222.3 and 222222222222222E3 (refusing those made some
    /// accepted documents' canonical form unreadable; found by the
    /// `json_jcs` fuzz target). 9007199254740993 would silently become
    /// 9007199254740992 and is refused.
    fn integer<E: de::Error>(&self, magnitude: u64, value: Number) -> Result<Value, E> {
        #[allow(clippy::cast_precision_loss)]
        let unchanged = self.integers == Integers::Exact64
            || magnitude <= MAX_EXACT_INTEGER
            || same_value(&magnitude.to_string(), magnitude as f64);
        if !unchanged {
            return Err(E::custom(format!(
                "integer at {} is beyond ±(2^53 − 1) and not a double's canonical form: read as a double it would change",
                self.path.pointer()
            )));
        }
        Ok(Value::Number(value))
    }
}

impl<'de> Visitor<'de> for StrictVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.integer(v.unsigned_abs(), Number::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.integer(v, Number::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        let mut seen = self.decimals.seen.borrow_mut();
        if self.decimals.fail_at == Some(seen.len()) {
            return Err(E::custom(format!(
                "number at {} has more digits than a double holds (it would read as {}): \
                 send it as a string, or with fewer digits",
                self.path.pointer(),
                ryu_js::Buffer::new().format(v)
            )));
        }
        seen.push(v);
        // serde_json already rejects literals beyond the double range, so `v`
        // is finite here; stay defensive all the same.
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("number at {} is not a finite IEEE 754 double", self.path.pointer())))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictSeed {
            path: Path::Index(items.len(), &self.path),
            integers: self.integers,
            decimals: self.decimals,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = Path::Key(&key, &self.path);
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate object key at {}", path.pointer())));
            }
            let value = map.next_value_seed(StrictSeed { path, integers: self.integers, decimals: self.decimals })?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        match parse_strict(text.as_bytes()) {
            Ok(v) => panic!("accepted {text:?} as {v}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn duplicate_keys_are_rejected_with_their_pointer() {
        let e = err(r#"{"a": {"b~/c": 1, "b~/c": 2}}"#);
        assert!(e.contains("duplicate object key at /a/b~0~1c"), "{e}");
        assert!(e.contains("line 1"), "{e}");
    }

    #[test]
    fn lone_surrogates_are_rejected() {
        assert!(err(r#"["\ud800"]"#).contains("hex escape"));
        assert!(err(r#"["\udc00x"]"#).contains("surrogate"));
        // A proper pair is fine.
        assert_eq!(parse_strict(br#""\ud83d\ude00""#).ok(), Some(Value::String("😀".into())));
    }

    #[test]
    fn numbers_outside_the_double_range_are_rejected() {
        assert!(err("[1e400]").contains("out of range"));
        assert!(err(r#"{"n": 9007199254740993}"#).contains("/n"));
        assert!(err("[-9007199254740995]").contains("/0"));
        assert!(parse_strict(b"[9007199254740992, -9007199254740992]").is_ok(), "2^53 is exact");
        assert!(parse_strict(b"[9007199254740991, -9007199254740991, 1e308]").is_ok());
    }

    /// Found by the `json_jcs` fuzz target: `[33222222222222222.3332]` was
    /// accepted, but its canonical form `[33222222222222224]` was refused.
    /// Since issue 23 it is refused itself: read as a double it changes.
    #[test]
    fn the_canonical_form_of_large_doubles_parses_again() {
        for text in ["[222222222222222E3]", "[9007199254740992.0]", "[1e20]", "[-1e17]", "[1e21]", "[-0]", "[-0.0e5]"] {
            let v = parse_strict(text.as_bytes()).expect(text);
            let canonical = canonicalize(&v);
            let again = parse_strict(&canonical)
                .unwrap_or_else(|e| panic!("{text} → {}: {e}", String::from_utf8_lossy(&canonical)));
            assert_eq!(canonicalize(&again), canonical, "{text}");
        }
        // Integers a double cannot hold stay refused: they would change.
        for text in ["[9007199254740993]", "[-9007199254740993]", "[33222222222222223]", "[18446744073709551615]"] {
            assert!(err(text).contains("it would change"), "{text}");
        }
        for text in ["[\n33222222222222222.3332\n]", "[4503599627370496.5]"] {
            assert!(err(text).contains("more digits than a double holds"), "{text}");
        }
    }

    /// Issue 23: a decimal with more digits than a double holds was read as
    /// the nearest double and signed rounded. Now it is refused, naming the
    /// field, line and column; numbers whose value a double keeps are kept.
    #[test]
    fn decimals_a_double_would_round_are_refused_where_they_are() {
        let e = err("{\"a\": \"1.5e-400 \\\" 0.1\", \"b\": [0.5, 1e3],\n \"pi\": 3.14159265358979323846}");
        assert!(e.contains("number at /pi has more digits than a double holds"), "{e}");
        assert!(e.contains("3.141592653589793"), "{e}");
        assert!(e.contains("line 2"), "{e}");
        for text in ["[0.10000000000000000001]", "[1e-400]", "[-2.5e-324]", "[123456789012345678901234567890]"] {
            assert!(err(text).contains("more digits than a double holds"), "{text}");
        }
        for text in [
            "[0.1, 1.50, 1E3, -0.000001, 5e-324, 1.7976931348623157e308, 100000000000000000000]",
            "[2.0e0, 1.00000000000000006e-01, 1.0000000000000000555111512E-1]",
        ] {
            let v = parse_strict(text.as_bytes()).expect(text);
            assert_eq!(canonicalize(&parse_strict(&canonicalize(&v)).expect("again")), canonicalize(&v));
        }
    }

    #[test]
    fn rfc8785_parsing_reads_decimals_as_the_nearest_double_but_refuses_integers() {
        let v = parse_rfc8785(b"[333333333.33333329, 3.14159265358979323846]").expect("rounded");
        assert_eq!(canonicalize(&v), b"[333333333.3333333,3.141592653589793]");
        assert!(parse_strict(b"[333333333.33333329]").is_err());
        assert!(parse_rfc8785(b"[9007199254740993]").is_err());
    }

    #[test]
    fn exact_integer_parsing_keeps_every_int64_and_uint64() {
        let v = parse_strict_exact_integers(b"[9223372036854775807, -9223372036854775808, 18446744073709551615]")
            .expect("exact");
        assert_eq!(v[0].as_i64(), Some(i64::MAX));
        assert_eq!(v[1].as_i64(), Some(i64::MIN));
        assert_eq!(v[2].as_u64(), Some(u64::MAX));
        assert!(parse_strict(b"[9223372036854775807]").is_err());
        let e = parse_strict_exact_integers(b"[18446744073709551617]").expect_err("beyond u64");
        assert!(e.to_string().contains("more digits"), "{e}");
    }

    #[test]
    fn decimal_values_compare_regardless_of_spelling() {
        assert_eq!(decimal("1.50"), decimal("15e-1"));
        assert_eq!(decimal("-0.0"), decimal("0"));
        assert_eq!(decimal("100"), Some((false, "1".into(), 2)));
        assert_ne!(decimal("0.1"), decimal("0.10000000000000001"));
        assert_eq!(decimal("1e99999999999999999999"), None);
    }

    #[test]
    fn deeply_nested_json_is_refused_not_a_stack_overflow() {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let text = format!("{}1{}", open.repeat(10_000), close.repeat(10_000));
            let e = err(&text);
            assert!(e.contains("recursion limit"), "{e}");
        }
        // 100 levels are fine.
        assert!(parse_strict(format!("{}1{}", "[".repeat(100), "]".repeat(100)).as_bytes()).is_ok());
    }

    #[test]
    fn trailing_data_bom_and_bad_utf8_are_rejected() {
        assert!(err("{} {}").contains("trailing"));
        assert!(parse_strict(b"\xEF\xBB\xBF{}").is_err());
        assert!(parse_strict(b"[\"\xff\"]").is_err());
        assert!(err(r#"{"a": "#).contains("EOF"));
    }

    fn any_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        // Strings mix ASCII, controls, BMP characters above U+E000 and
        // supplementary ones: the cases where UTF-16 and UTF-8 order differ.
        let text = proptest::collection::vec(
            prop_oneof![
                proptest::char::range('\u{0}', '\u{7f}'),
                proptest::char::range('\u{e000}', '\u{ffff}'),
                proptest::char::range('\u{10000}', '\u{10ffff}'),
                any::<char>(),
            ],
            0..6,
        )
        .prop_map(|cs| cs.into_iter().collect::<String>());
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
            (-1e6f64..1e6).prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
            text.clone().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((text.clone(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The hand-written encoder agrees byte for byte with
        /// serde_json_canonicalizer (the Python rfc8785 package checks it
        /// again in the interop suite).
        #[test]
        fn canonical_form_matches_serde_json_canonicalizer(v in any_value()) {
            let ours = canonicalize(&v);
            let theirs = serde_json_canonicalizer::to_vec(&v).expect("oracle");
            proptest::prop_assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(&theirs));
        }
    }

    #[test]
    fn locating_a_member_gives_the_range_of_its_value() {
        let v = serde_json::json!({"z": {"sequence": 7}, "sequence": 0, "a": "x"});
        let (bytes, range) = canonicalize_locating(&v, "sequence");
        assert_eq!(bytes, canonicalize(&v));
        let range = range.expect("found");
        assert_eq!(&bytes[range.clone()], b"0");
        let mut spliced = bytes.clone();
        spliced.splice(range, b"12345".iter().copied());
        assert_eq!(spliced, canonicalize(&serde_json::json!({"z": {"sequence": 7}, "sequence": 12345, "a": "x"})));
        assert_eq!(canonicalize_locating(&v, "missing").1, None);
        assert_eq!(canonicalize_locating(&serde_json::json!([1]), "sequence"), (b"[1]".to_vec(), None));
    }

    #[test]
    fn canonical_form_sorts_keys_by_utf16_and_escapes_controls() {
        let v = serde_json::json!({"\u{10000}": 1, "\u{e000}": 2, "b": "\u{1}\u{1f}\u{7f}\"\\\n", "a": -0.0});
        assert_eq!(
            String::from_utf8(canonicalize(&v)).expect("utf-8"),
            "{\"a\":0,\"b\":\"\\u0001\\u001f\u{7f}\\\"\\\\\\n\",\"\u{10000}\":1,\"\u{e000}\":2}"
        );
    }

    #[test]
    fn canonical_form_sorts_keys_and_formats_numbers() {
        let v = parse_strict(br#"{"b": 1.0, "a": [1e21, 0.000001, "\u00e9"]}"#).expect("valid");
        assert_eq!(canonicalize(&v), r#"{"a":[1e+21,0.000001,"é"],"b":1}"#.as_bytes());
    }
}
