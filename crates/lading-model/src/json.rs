//! Strict I-JSON parsing (RFC 7493) and RFC 8785 canonical JSON.
//!
//! `serde_json` on its own keeps the last of two duplicate object keys and
//! turns integers beyond 2^53 into lossy doubles. Signed documents must not be
//! silently altered, so [`parse_strict`] rejects duplicate keys, integers that
//! an IEEE 754 double cannot hold exactly, lone surrogates and numbers outside
//! the double range, and says where (line, column and JSON pointer).

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
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(JsonError::Encoding("input starts with a UTF-8 byte order mark, which JSON forbids".into()));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|e| JsonError::Encoding(format!("input is not UTF-8: invalid byte at offset {}", e.valid_up_to())))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictSeed { pointer: Pointer::root() }.deserialize(&mut de).map_err(syntax)?;
    de.end().map_err(syntax)?;
    Ok(value)
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
pub fn canonicalize(value: &Value) -> Vec<u8> {
    // Every `Value` built by `parse_strict` or by serde from typed documents
    // holds only finite numbers, which JCS always serialises.
    match serde_json_canonicalizer::to_vec(value) {
        Ok(bytes) => bytes,
        Err(e) => unreachable!("JCS of a serde_json::Value cannot fail: {e}"),
    }
}

/// Canonicalises any serialisable value (typed documents, statements).
pub fn canonicalize_serialize<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    serde_json_canonicalizer::to_vec(value)
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

struct StrictSeed {
    pointer: Pointer,
}

impl<'de> DeserializeSeed<'de> for StrictSeed {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(StrictVisitor { pointer: self.pointer })
    }
}

struct StrictVisitor {
    pointer: Pointer,
}

impl StrictVisitor {
    fn integer<E: de::Error>(&self, magnitude: u64, value: Number) -> Result<Value, E> {
        if magnitude > MAX_EXACT_INTEGER {
            return Err(E::custom(format!(
                "integer at {} is outside the I-JSON range ±(2^53 − 1) that an IEEE 754 double holds exactly",
                self.pointer
            )));
        }
        Ok(Value::Number(value))
    }
}

impl<'de> Visitor<'de> for StrictVisitor {
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
        // serde_json already rejects literals beyond the double range, so `v`
        // is finite here; stay defensive all the same.
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("number at {} is not a finite IEEE 754 double", self.pointer)))
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
        while let Some(item) = seq.next_element_seed(StrictSeed { pointer: self.pointer.index(items.len()) })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let pointer = self.pointer.key(&key);
            if object.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate object key at {pointer}")));
            }
            let value = map.next_value_seed(StrictSeed { pointer })?;
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
        assert!(err(r#"{"n": 9007199254740992}"#).contains("/n"));
        assert!(err("[-9007199254740992]").contains("/0"));
        assert!(parse_strict(b"[9007199254740991, -9007199254740991, 1e308]").is_ok());
    }

    #[test]
    fn trailing_data_bom_and_bad_utf8_are_rejected() {
        assert!(err("{} {}").contains("trailing"));
        assert!(parse_strict(b"\xEF\xBB\xBF{}").is_err());
        assert!(parse_strict(b"[\"\xff\"]").is_err());
        assert!(err(r#"{"a": "#).contains("EOF"));
    }

    #[test]
    fn canonical_form_sorts_keys_and_formats_numbers() {
        let v = parse_strict(br#"{"b": 1.0, "a": [1e21, 0.000001, "\u00e9"]}"#).expect("valid");
        assert_eq!(canonicalize(&v), r#"{"a":[1e+21,0.000001,"é"],"b":1}"#.as_bytes());
    }
}
