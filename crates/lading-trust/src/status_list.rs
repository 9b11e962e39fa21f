//! W3C Bitstring Status List v1.0 (Recommendation, 15 May 2025): revocation
//! and suspension of certificates and compliance statements.
//!
//! A [`BitstringStatusListCredential`](STATUS_LIST_CREDENTIAL) is a VC 2.0
//! credential (issuer `did:key`, `eddsa-jcs-2022` proof, see
//! [`crate::credential`]) whose subject, of type `BitstringStatusList`,
//! carries a `statusPurpose` and an `encodedList`: multibase base64url
//! without padding (prefix `u`) of the GZIP of a bitstring of at least
//! 131,072 entries, bit 0 being the left-most bit of the first byte. A
//! credential points at one bit of it with a `BitstringStatusListEntry` in
//! its `credentialStatus`; a set bit means revoked (for ever) or suspended
//! (until cleared).
//!
//! Lading's lists carry two more subject properties, under the VC 2.0
//! context's issuer-dependent vocabulary, which other verifiers ignore:
//!
//! - `sequenceNumber`: 1 for a new list, one more for every version, so a
//!   newer version of the same list (same `id`) is recognisable;
//! - `statusChanges`: every change ever made to the list (index, value, time,
//!   reason), oldest first, so one snapshot tells a verifier *when* a
//!   credential was revoked or suspended, not only whether. Anyone who
//!   compares two published versions sees which bits changed anyway; the
//!   history adds the time and the issuer's stated reason (public).
//!
//! [`Bitstring::decode`] caps the decompressed size ([`MAX_LIST_BYTES`]: a
//! GZIP bomb stops there) and refuses lists shorter than the minimum, trailing
//! bytes after the GZIP member and malformed multibase, each with its own
//! [`StatusListError`]. Nothing here does I/O: callers pass the JSON and the
//! time in.

use std::fmt;
use std::io::Read as _;
use std::str::FromStr;

use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::credential::{self, CredentialError, VC_V2_CONTEXT, VERIFIABLE_CREDENTIAL};

/// The credential type of a status list.
pub const STATUS_LIST_CREDENTIAL: &str = "BitstringStatusListCredential";
/// The subject type of a status list.
pub const STATUS_LIST: &str = "BitstringStatusList";
/// The `credentialStatus` type pointing into a status list.
pub const STATUS_LIST_ENTRY: &str = "BitstringStatusListEntry";
/// The fewest entries a list may have (16 KiB uncompressed, §2.1 of the
/// Recommendation: herd privacy needs a large population).
pub const MIN_ENTRIES: u64 = 131_072;
/// The largest decompressed bitstring accepted, in bytes (16 MiB, about
/// 134 million entries). Decompression stops here, so a GZIP bomb costs at
/// most this much memory.
pub const MAX_LIST_BYTES: usize = 16 << 20;

/// Why a status list or a status entry cannot be made, read or relied on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatusListError {
    /// `encodedList` does not start with the multibase prefix `u` (base64url, no padding).
    #[error("/credentialSubject/encodedList: not multibase base64url (it must start with 'u', found {found:?})")]
    NotMultibase {
        /// What the list starts with instead (at most 8 characters).
        found: String,
    },
    /// `encodedList` after the prefix is not base64url without padding.
    #[error("/credentialSubject/encodedList: not base64url without padding: {message}")]
    Base64 {
        /// The decoder's error.
        message: String,
    },
    /// The decoded bytes are not one GZIP member.
    #[error("/credentialSubject/encodedList: not GZIP data: {message}")]
    Gzip {
        /// The decompressor's error.
        message: String,
    },
    /// Bytes follow the GZIP member.
    #[error("/credentialSubject/encodedList: {count} byte(s) follow the GZIP data")]
    TrailingData {
        /// How many.
        count: usize,
    },
    /// The bitstring decompresses past [`MAX_LIST_BYTES`] (a GZIP bomb, or a list too large).
    #[error(
        "/credentialSubject/encodedList: decompresses to more than {limit} bytes, the most accepted (a GZIP bomb?)"
    )]
    TooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The bitstring is shorter than [`MIN_ENTRIES`] (STATUS_LIST_LENGTH_ERROR).
    #[error("the status list has {entries} entries; the minimum is {min} (STATUS_LIST_LENGTH_ERROR)")]
    TooShort {
        /// Entries in the list.
        entries: u64,
        /// [`MIN_ENTRIES`].
        min: u64,
    },
    /// An index beyond the list (RANGE_ERROR).
    #[error("index {index} is beyond the status list, which has {entries} entries (RANGE_ERROR)")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// Entries in the list.
        entries: u64,
    },
    /// A field is missing or of the wrong shape.
    #[error("{pointer}: {message}")]
    Malformed {
        /// Where, as a JSON pointer.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// A purpose other than revocation or suspension.
    #[error("{pointer}: status purpose {purpose:?} is not supported (revocation and suspension are)")]
    UnsupportedPurpose {
        /// Where.
        pointer: String,
        /// The purpose given.
        purpose: String,
    },
    /// The list does not verify as a credential (proof, issuer, validity).
    #[error("the status list credential: {0}")]
    Credential(#[from] CredentialError),
    /// The list is for another purpose than the entry.
    #[error(
        "the entry's status purpose is {entry} but the list {list_id} is a {list} list (STATUS_VERIFICATION_ERROR)"
    )]
    WrongPurpose {
        /// The entry's purpose.
        entry: StatusPurpose,
        /// The list's purpose.
        list: StatusPurpose,
        /// The list's id.
        list_id: String,
    },
    /// The list is another list than the one the entry names.
    #[error("the entry names status list {wanted}, not {found}")]
    WrongList {
        /// The entry's `statusListCredential`.
        wanted: String,
        /// The list's `id`.
        found: String,
    },
    /// The list was issued by someone else than the credential.
    #[error("the status list {list_id} is issued by {list_issuer}, not by the credential's issuer {credential_issuer}")]
    IssuerMismatch {
        /// The list's id.
        list_id: String,
        /// The list's issuer.
        list_issuer: String,
        /// The credential's issuer.
        credential_issuer: String,
    },
    /// A new version signed with a key that is not the list's issuer's.
    #[error("the status list is issued by {issuer}; the key given is {key} (only the issuer may change it)")]
    NotTheIssuer {
        /// The list's issuer.
        issuer: String,
        /// The `did:key` of the key given.
        key: String,
    },
    /// Clearing a revocation.
    #[error("index {index} is revoked; a revocation is permanent and cannot be reversed (use a suspension list)")]
    RevocationReversed {
        /// The index.
        index: u64,
    },
    /// A change that changes nothing.
    #[error("index {index} already has value {value}")]
    Unchanged {
        /// The index.
        index: u64,
        /// Its value.
        value: u8,
    },
    /// A new version dated before the current one.
    #[error("the new version would be dated {at}, before the current version's {current}")]
    TimeGoesBack {
        /// The new version's time.
        at: DateTime<Utc>,
        /// The current version's time.
        current: DateTime<Utc>,
    },
}

/// The Ed25519 key of `key`: status lists are `eddsa-jcs-2022` credentials.
fn ed25519_public_key(key: &dyn lading_crypto::Signer) -> Result<ed25519_dalek::VerifyingKey, StatusListError> {
    lading_crypto::signer::ed25519_public_key(key)
        .map_err(|e| StatusListError::Credential(CredentialError::Proof(lading_crypto::di::DiError::from(e))))
}

fn malformed(pointer: &str, message: impl Into<String>) -> StatusListError {
    StatusListError::Malformed { pointer: pointer.to_owned(), message: message.into() }
}

/// What a set bit means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusPurpose {
    /// Revoked, permanently.
    Revocation,
    /// Suspended, until cleared.
    Suspension,
}

impl StatusPurpose {
    /// The name in `statusPurpose`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Revocation => "revocation",
            Self::Suspension => "suspension",
        }
    }

    /// What a credential whose bit is set is: `revoked` or `suspended`.
    pub fn set_word(self) -> &'static str {
        match self {
            Self::Revocation => "revoked",
            Self::Suspension => "suspended",
        }
    }
}

impl fmt::Display for StatusPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for StatusPurpose {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "revocation" => Ok(Self::Revocation),
            "suspension" => Ok(Self::Suspension),
            other => Err(format!("status purpose {other:?} is not supported (revocation and suspension are)")),
        }
    }
}

fn purpose_at(value: Option<&Value>, pointer: &str) -> Result<StatusPurpose, StatusListError> {
    match value {
        Some(Value::String(s)) => s
            .parse()
            .map_err(|_| StatusListError::UnsupportedPurpose { pointer: pointer.to_owned(), purpose: s.clone() }),
        Some(_) => Err(malformed(pointer, "must be a string")),
        None => Err(malformed(pointer, "is missing")),
    }
}

/// The bitstring of a list: entry `i` is bit `7 - i % 8` of byte `i / 8`
/// (bit 0 is the left-most bit of the first byte).
#[derive(Clone, PartialEq, Eq)]
pub struct Bitstring {
    bytes: Vec<u8>,
}

impl fmt::Debug for Bitstring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bitstring({} entries, {} set)", self.len(), self.count_set())
    }
}

impl Bitstring {
    /// All clear, with `entries` entries rounded up to whole bytes; at least
    /// [`MIN_ENTRIES`], at most `8 ×` [`MAX_LIST_BYTES`].
    pub fn new(entries: u64) -> Result<Self, StatusListError> {
        if entries < MIN_ENTRIES {
            return Err(StatusListError::TooShort { entries, min: MIN_ENTRIES });
        }
        let bytes = usize::try_from(entries.div_ceil(8)).unwrap_or(usize::MAX);
        if bytes > MAX_LIST_BYTES {
            return Err(StatusListError::TooLarge { limit: MAX_LIST_BYTES });
        }
        Ok(Self { bytes: vec![0; bytes] })
    }

    /// How many entries.
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64 * 8
    }

    /// Never: a bitstring has at least [`MIN_ENTRIES`].
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn position(&self, index: u64) -> Result<(usize, u8), StatusListError> {
        let byte = usize::try_from(index / 8).ok().filter(|b| *b < self.bytes.len());
        match byte {
            Some(b) => Ok((b, 0x80 >> (index % 8))),
            None => Err(StatusListError::IndexOutOfRange { index, entries: self.len() }),
        }
    }

    /// Entry `index`.
    pub fn get(&self, index: u64) -> Result<bool, StatusListError> {
        let (byte, mask) = self.position(index)?;
        Ok(self.bytes[byte] & mask != 0)
    }

    /// Sets entry `index` to `value`.
    pub fn set(&mut self, index: u64, value: bool) -> Result<(), StatusListError> {
        let (byte, mask) = self.position(index)?;
        if value {
            self.bytes[byte] |= mask;
        } else {
            self.bytes[byte] &= !mask;
        }
        Ok(())
    }

    /// How many entries are set.
    pub fn count_set(&self) -> u64 {
        self.bytes.iter().map(|b| u64::from(b.count_ones())).sum()
    }

    /// The indexes of the set entries, in order.
    pub fn set_indexes(&self) -> impl Iterator<Item = u64> + '_ {
        self.bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b != 0)
            .flat_map(|(i, b)| (0..8u64).filter(move |bit| b & (0x80 >> bit) != 0).map(move |bit| i as u64 * 8 + bit))
    }

    /// The `encodedList`: `u` + base64url (no padding) of the GZIP of the bytes.
    pub fn encode(&self) -> String {
        use std::io::Write as _;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let compressed = gz.write_all(&self.bytes).and_then(|()| gz.finish()).unwrap_or_default();
        format!("u{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed))
    }

    /// Reads an `encodedList`, refusing anything but one GZIP member that
    /// decompresses to between [`MIN_ENTRIES`] / 8 and [`MAX_LIST_BYTES`] bytes.
    pub fn decode(encoded: &str) -> Result<Self, StatusListError> {
        let Some(body) = encoded.strip_prefix('u') else {
            return Err(StatusListError::NotMultibase { found: encoded.chars().take(8).collect() });
        };
        let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|e| StatusListError::Base64 { message: e.to_string() })?;
        let mut decoder = flate2::bufread::GzDecoder::new(compressed.as_slice());
        let mut bytes = Vec::new();
        (&mut decoder)
            .take(MAX_LIST_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| StatusListError::Gzip { message: e.to_string() })?;
        if bytes.len() > MAX_LIST_BYTES {
            return Err(StatusListError::TooLarge { limit: MAX_LIST_BYTES });
        }
        let rest = decoder.into_inner().len();
        if rest > 0 {
            return Err(StatusListError::TrailingData { count: rest });
        }
        let list = Self { bytes };
        if list.len() < MIN_ENTRIES {
            return Err(StatusListError::TooShort { entries: list.len(), min: MIN_ENTRIES });
        }
        Ok(list)
    }
}

/// One change recorded in a Lading list's `statusChanges`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusChange {
    /// The entry.
    pub index: u64,
    /// Its new value.
    pub value: bool,
    /// When (the `validFrom` of the version that made it).
    pub at: DateTime<Utc>,
    /// Why, as the issuer stated it.
    pub reason: String,
}

impl StatusChange {
    fn to_json(&self) -> Value {
        json!({
            "index": self.index,
            "value": u8::from(self.value),
            "at": self.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            "reason": self.reason,
        })
    }
}

/// A status list credential that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    /// The credential's `id`: the URL the entries name in `statusListCredential`.
    pub id: String,
    /// The issuer's `did:key`.
    pub issuer: String,
    /// Revocation or suspension.
    pub purpose: StatusPurpose,
    /// The bits.
    pub bits: Bitstring,
    /// When this version was issued: `validFrom`, or the proof's `created` when absent.
    pub issued: DateTime<Utc>,
    /// `validUntil`, when present.
    pub valid_until: Option<DateTime<Utc>>,
    /// Lading's `sequenceNumber` (absent from lists made elsewhere).
    pub sequence: Option<u64>,
    /// Lading's `statusChanges`, oldest first (`None` for lists made elsewhere).
    pub history: Option<Vec<StatusChange>>,
}

fn string_at<'a>(map: &'a Map<String, Value>, field: &str, pointer: &str) -> Result<&'a str, StatusListError> {
    match map.get(field) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(malformed(&format!("{pointer}/{field}"), "must be a string")),
        None => Err(malformed(&format!("{pointer}/{field}"), "is missing")),
    }
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl StatusList {
    /// Verifies a status list credential at `at` (proof by its `did:key`
    /// issuer, validity period) and reads it.
    pub fn open(value: &Value, at: DateTime<Utc>) -> Result<Self, StatusListError> {
        let verified = credential::verify(value, at)?;
        Self::read(value, verified.shape, verified.proof.created)
    }

    /// Reads a status list credential's fields **without** checking its
    /// proof or validity: for tools that show a list, never for deciding.
    pub fn read_unverified(value: &Value) -> Result<Self, StatusListError> {
        let shape = credential::shape(value)?;
        let created = value
            .pointer("/proof/created")
            .and_then(Value::as_str)
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc));
        let created = created.or(shape.valid_from).unwrap_or(DateTime::UNIX_EPOCH);
        Self::read(value, shape, created)
    }

    fn read(value: &Value, shape: credential::Shape, created: DateTime<Utc>) -> Result<Self, StatusListError> {
        if !shape.types.iter().any(|t| t == STATUS_LIST_CREDENTIAL) {
            return Err(malformed("/type", format!("must include {STATUS_LIST_CREDENTIAL:?}")));
        }
        let id = shape.id.clone().ok_or_else(|| malformed("/id", "is missing: a status list is named by its URL"))?;
        let subject = match value.get("credentialSubject") {
            Some(Value::Object(s)) => s,
            _ => return Err(malformed("/credentialSubject", "must be one object")),
        };
        let p = "/credentialSubject";
        if string_at(subject, "type", p)? != STATUS_LIST {
            return Err(malformed("/credentialSubject/type", format!("must be {STATUS_LIST:?}")));
        }
        let purpose = purpose_at(subject.get("statusPurpose"), "/credentialSubject/statusPurpose")?;
        if let Some(size) = subject.get("statusSize")
            && size.as_u64() != Some(1)
        {
            return Err(malformed("/credentialSubject/statusSize", "only 1-bit statuses are supported"));
        }
        let bits = Bitstring::decode(string_at(subject, "encodedList", p)?)?;
        let sequence = match subject.get("sequenceNumber") {
            None => None,
            Some(v) => Some(
                v.as_u64()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| malformed("/credentialSubject/sequenceNumber", "must be an integer ≥ 1"))?,
            ),
        };
        let issued = shape.valid_from.unwrap_or(created);
        let history = match subject.get("statusChanges") {
            None => None,
            Some(Value::Array(items)) => Some(read_history(items, &bits, purpose, issued)?),
            Some(_) => return Err(malformed("/credentialSubject/statusChanges", "must be an array")),
        };
        Ok(Self { id, issuer: shape.issuer, purpose, bits, issued, valid_until: shape.valid_until, sequence, history })
    }

    /// The value of entry `index` in this version.
    pub fn get(&self, index: u64) -> Result<bool, StatusListError> {
        self.bits.get(index)
    }

    /// The value of entry `index` at time `t`, as far as this version tells:
    /// from the history when the list has one; otherwise this version's
    /// value for `t` at or after its issue, a clear revocation bit for
    /// earlier times (revocation is permanent), and `None` (unknown) else.
    pub fn value_at(&self, index: u64, t: DateTime<Utc>) -> Result<Option<bool>, StatusListError> {
        let now = self.bits.get(index)?;
        Ok(match &self.history {
            Some(h) => Some(h.iter().rfind(|c| c.index == index && c.at <= t).is_some_and(|c| c.value)),
            None if t >= self.issued => Some(now),
            None if self.purpose == StatusPurpose::Revocation && !now => Some(false),
            None => None,
        })
    }

    /// The change that set entry `index` to its current value, when the
    /// list records it.
    pub fn last_change(&self, index: u64) -> Option<&StatusChange> {
        self.history.as_ref()?.iter().rfind(|c| c.index == index)
    }

    /// Checks that this list is the one `entry` names, for the same purpose,
    /// from `credential_issuer`, and returns the entry's value.
    pub fn check(&self, entry: &StatusEntry, credential_issuer: &str) -> Result<bool, StatusListError> {
        if entry.list != self.id {
            return Err(StatusListError::WrongList { wanted: entry.list.clone(), found: self.id.clone() });
        }
        if self.issuer != credential_issuer {
            return Err(StatusListError::IssuerMismatch {
                list_id: self.id.clone(),
                list_issuer: self.issuer.clone(),
                credential_issuer: credential_issuer.to_owned(),
            });
        }
        if entry.purpose != self.purpose {
            return Err(StatusListError::WrongPurpose {
                entry: entry.purpose,
                list: self.purpose,
                list_id: self.id.clone(),
            });
        }
        self.bits.get(entry.index)
    }

    /// The next version with entry `index` set to `value`, signed by `key`
    /// (which must be the issuer's) and dated `at`: sequence number + 1,
    /// the change appended to the history. Refuses an index beyond the list,
    /// a cleared revocation, a change that changes nothing and a date before
    /// this version's.
    pub fn next_version(
        &self,
        index: u64,
        value: bool,
        reason: &str,
        key: &dyn lading_crypto::Signer,
        at: DateTime<Utc>,
    ) -> Result<Value, StatusListError> {
        let did = lading_crypto::di::did_key(&ed25519_public_key(key)?);
        if did != self.issuer {
            return Err(StatusListError::NotTheIssuer { issuer: self.issuer.clone(), key: did });
        }
        let current = self.bits.get(index)?;
        if current && !value && self.purpose == StatusPurpose::Revocation {
            return Err(StatusListError::RevocationReversed { index });
        }
        if current == value {
            return Err(StatusListError::Unchanged { index, value: u8::from(value) });
        }
        if at < self.issued {
            return Err(StatusListError::TimeGoesBack { at, current: self.issued });
        }
        let mut bits = self.bits.clone();
        bits.set(index, value)?;
        // A list made elsewhere has no history to extend; starting one now would not account for
        // the bits already set, so its versions carry none.
        let history = self.history.clone().map(|mut h| {
            h.push(StatusChange { index, value, at, reason: reason.to_owned() });
            h
        });
        let sequence = self.sequence.unwrap_or(0) + 1;
        let unsigned = unsigned_list(&self.id, &self.issuer, self.purpose, &bits, sequence, history.as_deref(), at);
        Ok(credential::issue(&unsigned, key, at)?)
    }
}

fn read_history(
    items: &[Value],
    bits: &Bitstring,
    purpose: StatusPurpose,
    issued: DateTime<Utc>,
) -> Result<Vec<StatusChange>, StatusListError> {
    let mut out: Vec<StatusChange> = Vec::with_capacity(items.len());
    let mut last: std::collections::BTreeMap<u64, bool> = std::collections::BTreeMap::new();
    for (i, item) in items.iter().enumerate() {
        let p = format!("/credentialSubject/statusChanges/{i}");
        let Value::Object(o) = item else { return Err(malformed(&p, "must be an object")) };
        let index = o
            .get("index")
            .and_then(Value::as_u64)
            .ok_or_else(|| malformed(&format!("{p}/index"), "must be a non-negative integer"))?;
        bits.get(index).map_err(|e| malformed(&format!("{p}/index"), e.to_string()))?;
        let value = match o.get("value").and_then(Value::as_u64) {
            Some(0) => false,
            Some(1) => true,
            _ => return Err(malformed(&format!("{p}/value"), "must be 0 or 1")),
        };
        let at_text = string_at(o, "at", &p)?;
        let at = DateTime::parse_from_rfc3339(at_text)
            .map_err(|e| malformed(&format!("{p}/at"), format!("{at_text:?} is not a dateTime: {e}")))?
            .with_timezone(&Utc);
        if out.last().is_some_and(|prev| at < prev.at) || at > issued {
            return Err(malformed(
                &format!("{p}/at"),
                "changes must be in time order and not after the version's validFrom",
            ));
        }
        let reason = string_at(o, "reason", &p)?.to_owned();
        let before = last.insert(index, value).unwrap_or(false);
        if before == value {
            return Err(malformed(&p, format!("index {index} is already {}", u8::from(value))));
        }
        if purpose == StatusPurpose::Revocation && !value {
            return Err(malformed(&format!("{p}/value"), format!("clears the revocation of index {index}")));
        }
        out.push(StatusChange { index, value, at, reason });
    }
    let recorded: Vec<u64> = last.iter().filter(|(_, v)| **v).map(|(i, _)| *i).collect();
    if !bits.set_indexes().eq(recorded.iter().copied()) {
        return Err(malformed(
            "/credentialSubject/statusChanges",
            "does not account for the list's bits (a bit set or cleared without a recorded change)",
        ));
    }
    Ok(out)
}

fn unsigned_list(
    id: &str,
    issuer: &str,
    purpose: StatusPurpose,
    bits: &Bitstring,
    sequence: u64,
    history: Option<&[StatusChange]>,
    at: DateTime<Utc>,
) -> Value {
    let mut list = json!({
        "@context": [VC_V2_CONTEXT],
        "id": id,
        "type": [VERIFIABLE_CREDENTIAL, STATUS_LIST_CREDENTIAL],
        "issuer": issuer,
        "validFrom": time_text(at),
        "credentialSubject": {
            "id": format!("{id}#list"),
            "type": STATUS_LIST,
            "statusPurpose": purpose.name(),
            "encodedList": bits.encode(),
            "sequenceNumber": sequence,
        },
    });
    if let Some(h) = history {
        list["credentialSubject"]["statusChanges"] = h.iter().map(StatusChange::to_json).collect();
    }
    list
}

/// A new, all-clear list (sequence number 1) at `url` with `entries`
/// entries, issued by `key`'s `did:key` at `at`.
pub fn new_list(
    url: &str,
    purpose: StatusPurpose,
    entries: u64,
    key: &dyn lading_crypto::Signer,
    at: DateTime<Utc>,
) -> Result<Value, StatusListError> {
    if url.is_empty() || url.contains(char::is_whitespace) || !url.contains(':') {
        return Err(malformed("/id", format!("{url:?} is not a URL")));
    }
    if url.contains('#') {
        return Err(malformed("/id", format!("{url:?} has a fragment; entries add their own")));
    }
    let bits = Bitstring::new(entries)?;
    let issuer = lading_crypto::di::did_key(&ed25519_public_key(key)?);
    let unsigned = unsigned_list(url, &issuer, purpose, &bits, 1, Some(&[]), at);
    Ok(credential::issue(&unsigned, key, at)?)
}

/// A `BitstringStatusListEntry`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// `id` (Lading writes `LIST_URL#INDEX`).
    pub id: Option<String>,
    /// `statusPurpose`.
    pub purpose: StatusPurpose,
    /// `statusListIndex`.
    pub index: u64,
    /// `statusListCredential`: the list's URL.
    pub list: String,
}

impl StatusEntry {
    /// An entry for `index` of the list at `list`.
    pub fn new(list: &str, purpose: StatusPurpose, index: u64) -> Self {
        Self { id: Some(format!("{list}#{index}")), purpose, index, list: list.to_owned() }
    }

    /// As JSON (`statusListIndex` is a string, as the Recommendation says).
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        if let Some(id) = &self.id {
            o.insert("id".into(), id.clone().into());
        }
        o.insert("type".into(), STATUS_LIST_ENTRY.into());
        o.insert("statusPurpose".into(), self.purpose.name().into());
        o.insert("statusListIndex".into(), self.index.to_string().into());
        o.insert("statusListCredential".into(), self.list.clone().into());
        Value::Object(o)
    }
}

/// The `BitstringStatusListEntry`s of a credential's `credentialStatus`
/// (none when it has none). A status of any other type is refused rather
/// than ignored: a verifier that skips a status it cannot check would rely
/// on a credential that may be revoked.
pub fn entries(credential: &Value) -> Result<Vec<StatusEntry>, StatusListError> {
    let items: Vec<(String, &Value)> = match credential.get("credentialStatus") {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => {
            items.iter().enumerate().map(|(i, v)| (format!("/credentialStatus/{i}"), v)).collect()
        }
        Some(one) => vec![("/credentialStatus".to_owned(), one)],
    };
    items.into_iter().map(|(p, v)| entry(&p, v)).collect()
}

fn entry(p: &str, value: &Value) -> Result<StatusEntry, StatusListError> {
    let Value::Object(o) = value else { return Err(malformed(p, "must be an object")) };
    let kind = string_at(o, "type", p)?;
    if kind != STATUS_LIST_ENTRY {
        return Err(malformed(&format!("{p}/type"), format!("is {kind:?}; only {STATUS_LIST_ENTRY:?} is checked")));
    }
    let purpose = purpose_at(o.get("statusPurpose"), &format!("{p}/statusPurpose"))?;
    let index_text = string_at(o, "statusListIndex", p)?;
    let index = Some(index_text)
        .filter(|t| !t.is_empty() && t.len() <= 20 && t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse::<u64>().ok())
        .ok_or_else(|| {
            malformed(&format!("{p}/statusListIndex"), format!("{index_text:?} is not a non-negative integer"))
        })?;
    let list = string_at(o, "statusListCredential", p)?.to_owned();
    let id = match o.get("id") {
        None => None,
        Some(Value::String(s)) if *s == list => {
            return Err(malformed(&format!("{p}/id"), "must not be the statusListCredential URL"));
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(malformed(&format!("{p}/id"), "must be a string")),
    };
    if let Some(size) = o.get("statusSize")
        && size.as_u64() != Some(1)
    {
        return Err(malformed(&format!("{p}/statusSize"), "only 1-bit statuses are supported"));
    }
    Ok(StatusEntry { id, purpose, index, list })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    const URL: &str = "https://cb.example/status/1";

    fn t(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).single().expect("time")
    }

    fn key() -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&[5; 32])
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write as _;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).expect("write");
        gz.finish().expect("finish")
    }

    fn encoded(bytes: &[u8]) -> String {
        format!("u{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(gzip(bytes)))
    }

    #[test]
    fn bit_zero_is_the_leftmost_bit_of_the_first_byte() {
        let mut b = Bitstring::new(MIN_ENTRIES).expect("new");
        b.set(0, true).expect("set");
        b.set(9, true).expect("set");
        b.set(MIN_ENTRIES - 1, true).expect("set");
        assert_eq!((b.bytes[0], b.bytes[1], b.bytes[16383]), (0x80, 0x40, 0x01));
        assert_eq!(b.set_indexes().collect::<Vec<_>>(), [0, 9, MIN_ENTRIES - 1]);
        let back = Bitstring::decode(&b.encode()).expect("decode");
        assert_eq!(back, b);
        assert!(b.encode().starts_with('u') && !b.encode().contains('='));
        assert_eq!(b.get(MIN_ENTRIES), Err(StatusListError::IndexOutOfRange { index: MIN_ENTRIES, entries: 131_072 }));
        assert!(matches!(b.set(u64::MAX, true), Err(StatusListError::IndexOutOfRange { .. })));
    }

    #[test]
    fn the_recommendations_empty_list_example_decodes() {
        // §2.1 example: an all-clear list of 131,072 entries as the Recommendation prints it.
        let example = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA";
        let b = Bitstring::decode(example).expect("decode");
        assert_eq!((b.len(), b.count_set()), (MIN_ENTRIES, 0));
    }

    #[test]
    fn bad_encodings_are_refused_by_name() {
        assert!(matches!(Bitstring::decode("zabc"), Err(StatusListError::NotMultibase { .. })));
        assert!(matches!(Bitstring::decode(""), Err(StatusListError::NotMultibase { .. })));
        assert!(matches!(Bitstring::decode("u!!!"), Err(StatusListError::Base64 { .. })));
        // Padding is not base64url-no-pad.
        assert!(matches!(Bitstring::decode("uAA=="), Err(StatusListError::Base64 { .. })));
        let not_gzip = format!("u{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([0u8; 64]));
        assert!(matches!(Bitstring::decode(&not_gzip), Err(StatusListError::Gzip { .. })));
        // A truncated GZIP stream.
        let mut cut = gzip(&[0; 16384]);
        cut.truncate(cut.len() - 6);
        let cut = format!("u{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(cut));
        assert!(matches!(Bitstring::decode(&cut), Err(StatusListError::Gzip { .. })));
        let short = encoded(&[0; 16383]);
        assert_eq!(Bitstring::decode(&short), Err(StatusListError::TooShort { entries: 131_064, min: MIN_ENTRIES }));
        let mut trailing = gzip(&[0; 16384]);
        trailing.extend_from_slice(b"xyz");
        let trailing = format!("u{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(trailing));
        assert_eq!(Bitstring::decode(&trailing), Err(StatusListError::TrailingData { count: 3 }));
        assert!(matches!(Bitstring::new(MIN_ENTRIES - 1), Err(StatusListError::TooShort { .. })));
        assert!(matches!(Bitstring::new(u64::MAX), Err(StatusListError::TooLarge { .. })));
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_cap() {
        // 32 MiB of zeros compress to a few hundred KiB; decoding stops after 16 MiB + 1.
        let bomb = encoded(&vec![0u8; 32 << 20]);
        assert!(bomb.len() < (32 << 20) / 50, "{}", bomb.len());
        assert_eq!(Bitstring::decode(&bomb), Err(StatusListError::TooLarge { limit: MAX_LIST_BYTES }));
        // Exactly the cap is accepted.
        let largest = Bitstring::decode(&encoded(&vec![0u8; MAX_LIST_BYTES])).expect("cap");
        assert_eq!(largest.len(), MAX_LIST_BYTES as u64 * 8);
    }

    #[test]
    fn a_new_list_verifies_and_versions_count_up_with_their_history() {
        let list = new_list(URL, StatusPurpose::Revocation, MIN_ENTRIES, &key(), t(1)).expect("new");
        assert_eq!(list["credentialSubject"]["statusPurpose"], "revocation");
        assert_eq!(list["credentialSubject"]["id"], format!("{URL}#list"));
        let v1 = StatusList::open(&list, t(2)).expect("open");
        assert_eq!((v1.sequence, v1.bits.count_set(), v1.issued), (Some(1), 0, t(1)));
        assert_eq!(v1.history.as_deref(), Some(&[][..]));
        let v2 = StatusList::open(&v1.next_version(42, true, "withdrawn", &key(), t(3)).expect("set"), t(4))
            .expect("open v2");
        assert_eq!((v2.sequence, v2.get(42), v2.get(41)), (Some(2), Ok(true), Ok(false)));
        assert_eq!(v2.last_change(42).map(|c| (c.at, c.reason.as_str())), Some((t(3), "withdrawn")));
        assert_eq!(v2.value_at(42, t(2)), Ok(Some(false)));
        assert_eq!(v2.value_at(42, t(3)), Ok(Some(true)));
        // Refusals: reversing a revocation, another issuer's key, nothing changed, out of range, time back.
        assert_eq!(
            v2.next_version(42, false, "", &key(), t(5)),
            Err(StatusListError::RevocationReversed { index: 42 })
        );
        let other = ed25519_dalek::SigningKey::from_bytes(&[6; 32]);
        assert!(matches!(v2.next_version(1, true, "", &other, t(5)), Err(StatusListError::NotTheIssuer { .. })));
        assert!(matches!(v2.next_version(42, true, "", &key(), t(5)), Err(StatusListError::Unchanged { .. })));
        assert!(matches!(
            v2.next_version(MIN_ENTRIES, true, "", &key(), t(5)),
            Err(StatusListError::IndexOutOfRange { .. })
        ));
        assert!(matches!(v2.next_version(1, true, "", &key(), t(2)), Err(StatusListError::TimeGoesBack { .. })));
    }

    #[test]
    fn the_next_version_of_a_list_without_history_reads_back() {
        // Regression (found writing the fuzz target): a list made elsewhere, bits set and no
        // statusChanges, got a history of one change that did not account for its other bits.
        let v1 =
            StatusList::open(&new_list(URL, StatusPurpose::Suspension, MIN_ENTRIES, &key(), t(1)).expect("new"), t(1))
                .expect("v1");
        let mut bits = v1.bits.clone();
        bits.set(2, true).expect("set");
        let foreign = resign(new_list(URL, StatusPurpose::Suspension, MIN_ENTRIES, &key(), t(1)).expect("new"), |d| {
            let subject = d["credentialSubject"].as_object_mut().expect("subject");
            subject.remove("statusChanges");
            subject.remove("sequenceNumber");
            subject.insert("encodedList".into(), bits.encode().into());
        });
        let foreign = StatusList::open(&foreign, t(2)).expect("foreign");
        assert_eq!((foreign.sequence, foreign.history.as_ref()), (None, None));
        let next =
            StatusList::open(&foreign.next_version(9, true, "x", &key(), t(3)).expect("next"), t(3)).expect("reads");
        assert_eq!((next.sequence, next.history, next.bits.count_set()), (Some(1), None, 2));
    }

    #[test]
    fn a_suspension_can_be_lifted_and_its_periods_are_known() {
        let list = new_list(URL, StatusPurpose::Suspension, MIN_ENTRIES, &key(), t(1)).expect("new");
        let v1 = StatusList::open(&list, t(1)).expect("open");
        let v2 = StatusList::open(&v1.next_version(7, true, "audit", &key(), t(3)).expect("set"), t(3)).expect("v2");
        let v3 =
            StatusList::open(&v2.next_version(7, false, "cleared", &key(), t(5)).expect("clear"), t(5)).expect("v3");
        assert_eq!(v3.sequence, Some(3));
        assert_eq!(
            [t(2), t(3), t(4), t(5)].map(|at| v3.value_at(7, at)),
            [Ok(Some(false)), Ok(Some(true)), Ok(Some(true)), Ok(Some(false))]
        );
    }

    fn resign(mut doc: Value, edit: impl FnOnce(&mut Value)) -> Value {
        doc.as_object_mut().expect("object").remove("proof");
        edit(&mut doc);
        credential::issue(&doc, &key(), t(2)).expect("sign")
    }

    #[test]
    fn a_history_that_does_not_match_the_bits_is_refused() {
        let v1 =
            StatusList::open(&new_list(URL, StatusPurpose::Revocation, MIN_ENTRIES, &key(), t(1)).expect("new"), t(1))
                .expect("v1");
        let v2 = v1.next_version(3, true, "r", &key(), t(2)).expect("v2");
        // A bit set without a recorded change.
        let mut bits = v1.bits.clone();
        bits.set(3, true).expect("set");
        bits.set(4, true).expect("set");
        let doc = resign(v2.clone(), |d| d["credentialSubject"]["encodedList"] = bits.encode().into());
        let err = StatusList::open(&doc, t(3)).expect_err("unaccounted").to_string();
        assert!(err.starts_with("/credentialSubject/statusChanges:"), "{err}");
        // A revocation cleared in the history.
        let doc = resign(v2.clone(), |d| {
            d["credentialSubject"]["statusChanges"]
                .as_array_mut()
                .expect("changes")
                .push(json!({"index": 3, "value": 0, "at": "2026-11-02T09:00:00Z", "reason": "x"}));
        });
        assert!(StatusList::open(&doc, t(3)).expect_err("cleared").to_string().contains("clears the revocation"));
        // A change dated after the version.
        let doc = resign(v2, |d| d["credentialSubject"]["statusChanges"][0]["at"] = "2026-12-01T00:00:00Z".into());
        assert!(StatusList::open(&doc, t(3)).expect_err("later").to_string().contains("/statusChanges/0/at"));
    }

    #[test]
    fn malformed_lists_name_the_field() {
        let good = new_list(URL, StatusPurpose::Revocation, MIN_ENTRIES, &key(), t(1)).expect("new");
        let cases: [(&str, Value, &str); 6] = [
            ("/credentialSubject/type", json!("StatusList2021"), "/credentialSubject/type"),
            ("/credentialSubject/statusPurpose", json!("refresh"), "/credentialSubject/statusPurpose"),
            ("/credentialSubject/encodedList", json!("zAAAA"), "/credentialSubject/encodedList"),
            ("/credentialSubject/sequenceNumber", json!(0), "/credentialSubject/sequenceNumber"),
            ("/credentialSubject/statusSize", json!(2), "/credentialSubject/statusSize"),
            ("/type", json!(["VerifiableCredential"]), "/type"),
        ];
        for (field, value, pointer) in cases {
            let doc = resign(good.clone(), |d| {
                let (parent, name) = field.rsplit_once('/').expect("parent");
                d.pointer_mut(parent).expect("parent")[name] = value.clone();
            });
            let err = StatusList::open(&doc, t(2)).expect_err(field).to_string();
            assert!(err.contains(pointer), "{field}: {err}");
        }
        // An unsigned or altered list does not verify.
        let mut altered = good;
        altered["credentialSubject"]["encodedList"] = Bitstring::new(MIN_ENTRIES * 2).expect("new").encode().into();
        assert!(matches!(StatusList::open(&altered, t(2)), Err(StatusListError::Credential(_))));
    }

    #[test]
    fn entries_are_checked_against_the_right_list() {
        let list =
            StatusList::open(&new_list(URL, StatusPurpose::Revocation, MIN_ENTRIES, &key(), t(1)).expect("new"), t(1))
                .expect("open");
        let issuer = list.issuer.clone();
        let e = StatusEntry::new(URL, StatusPurpose::Revocation, 5);
        let json = e.to_json();
        assert_eq!(json["statusListIndex"], "5");
        let cred = json!({"credentialStatus": [json, StatusEntry::new(URL, StatusPurpose::Suspension, 9).to_json()]});
        let parsed = entries(&cred).expect("entries");
        assert_eq!(parsed[0], e);
        assert_eq!(list.check(&e, &issuer), Ok(false));
        assert!(matches!(list.check(&parsed[1], &issuer), Err(StatusListError::WrongPurpose { .. })));
        assert!(matches!(list.check(&e, "did:key:other"), Err(StatusListError::IssuerMismatch { .. })));
        let elsewhere = StatusEntry::new("https://x.example/l", StatusPurpose::Revocation, 5);
        assert!(matches!(list.check(&elsewhere, &issuer), Err(StatusListError::WrongList { .. })));
        let beyond = StatusEntry::new(URL, StatusPurpose::Revocation, MIN_ENTRIES);
        assert!(matches!(list.check(&beyond, &issuer), Err(StatusListError::IndexOutOfRange { .. })));
        for (bad, pointer) in [
            (json!({"credentialStatus": {"type": "StatusList2021Entry"}}), "/credentialStatus/type"),
            (
                json!({"credentialStatus": [{"type": STATUS_LIST_ENTRY, "statusPurpose": "revocation", "statusListIndex": "-1", "statusListCredential": URL}]}),
                "/credentialStatus/0/statusListIndex",
            ),
            (
                json!({"credentialStatus": {"type": STATUS_LIST_ENTRY, "statusPurpose": "revocation", "statusListIndex": 5, "statusListCredential": URL}}),
                "/credentialStatus/statusListIndex",
            ),
            (
                json!({"credentialStatus": {"type": STATUS_LIST_ENTRY, "statusPurpose": "message", "statusListIndex": "5", "statusListCredential": URL}}),
                "/credentialStatus/statusPurpose",
            ),
            (
                json!({"credentialStatus": {"id": URL, "type": STATUS_LIST_ENTRY, "statusPurpose": "revocation", "statusListIndex": "5", "statusListCredential": URL}}),
                "/credentialStatus/id",
            ),
            (json!({"credentialStatus": [1]}), "/credentialStatus/0"),
        ] {
            let err = entries(&bad).expect_err(pointer).to_string();
            assert!(err.starts_with(pointer), "{pointer}: {err}");
        }
        assert_eq!(entries(&json!({})), Ok(Vec::new()));
    }
}
