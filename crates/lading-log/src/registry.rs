//! What a log service keeps besides its logs: which logs it runs, the API
//! tokens that may write to them, and the provider keys whose signed
//! statements they accept. Backends implement [`Registry`] next to their
//! [`crate::LogStore`].

use std::fmt;
use std::future::Future;
use std::str::FromStr;

use crate::store::StoreError;

/// A log the service runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogDefinition {
    /// URL path name, e.g. `registry`.
    pub name: String,
    /// Checkpoint origin line.
    pub origin: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// What a token may do on its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Submit entries.
    Submit,
    /// Submit entries and manage the log.
    Admin,
}

impl Scope {
    /// The scope's name.
    pub const fn name(self) -> &'static str {
        match self {
            Scope::Submit => "submit",
            Scope::Admin => "admin",
        }
    }

    /// Whether a token of this scope may do what `needed` requires.
    pub fn allows(self, needed: Scope) -> bool {
        self == Scope::Admin || needed == Scope::Submit
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "submit" => Ok(Scope::Submit),
            "admin" => Ok(Scope::Admin),
            other => Err(format!("unknown scope {other:?}; expected submit or admin")),
        }
    }
}

/// An API token as stored: never the token itself, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Public id (the token's prefix), for listing and revoking.
    pub id: String,
    /// SHA-256 of the whole token.
    pub hash: [u8; 32],
    /// The log it is for.
    pub log: String,
    /// What it may do.
    pub scope: Scope,
    /// Free text, e.g. the provider's name.
    pub label: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds, once revoked.
    pub revoked_at: Option<i64>,
}

/// A provider key whose DSSE envelopes a log accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderKey {
    /// The log.
    pub log: String,
    /// Key id: hex SHA-256 of the SPKI DER.
    pub keyid: String,
    /// The SPKI DER.
    pub spki_der: Vec<u8>,
    /// Who it belongs to.
    pub label: String,
}

/// What a log's entries can be searched by: a SHA-256 digest the server
/// verified (of a submitted envelope or raw entry, or of a statement's
/// subject) or the id of a document it validated (`<kind>/<uuid>`, the
/// statement's first subject name). Stored as its text form,
/// `sha256:<64 lowercase hex>` or `document:<kind>/<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SearchKey(String);

impl SearchKey {
    /// The longest document id accepted.
    pub const MAX_DOCUMENT_ID: usize = 256;

    /// A SHA-256 digest given as `sha256:<hex>` (upper-case hex accepted, stored lower-case).
    pub fn digest(text: &str) -> Result<Self, String> {
        let hex = text
            .strip_prefix("sha256:")
            .ok_or_else(|| format!("digest {text:?} does not start with `sha256:` (the only algorithm indexed)"))?;
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("digest {text:?}: expected `sha256:` and 64 hex digits"));
        }
        Ok(Self(format!("sha256:{}", hex.to_ascii_lowercase())))
    }

    /// A SHA-256 digest from its bytes.
    pub fn sha256(digest: &[u8; 32]) -> Self {
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        Self(format!("sha256:{hex}"))
    }

    /// A document id, `<kind>/<id>` (for example `inspection-report/0b5e…`).
    pub fn document(id: &str) -> Result<Self, String> {
        let ok = id.len() <= Self::MAX_DOCUMENT_ID
            && id.split_once('/').is_some_and(|(k, i)| !k.is_empty() && !i.is_empty())
            && id.bytes().all(|b| b.is_ascii_graphic());
        if !ok {
            return Err(format!(
                "document id {:?}: expected KIND/ID (printable ASCII, at most {} bytes), e.g. inspection-report/UUID",
                id.chars().take(80).collect::<String>(),
                Self::MAX_DOCUMENT_ID
            ));
        }
        Ok(Self(format!("document:{id}")))
    }

    /// The key id of a signature the server verified with a provider key
    /// registered for the log when it logged the entry (`signer:<keyid>`).
    /// Only the server records it, never a submitter: it is what lets the
    /// console show an entry as a signed statement.
    pub fn signer(keyid: &str) -> Result<Self, String> {
        if keyid.is_empty() || keyid.len() > Self::MAX_DOCUMENT_ID || !keyid.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(format!(
                "key id {:?}: expected printable ASCII, at most {} bytes",
                keyid.chars().take(80).collect::<String>(),
                Self::MAX_DOCUMENT_ID
            ));
        }
        Ok(Self(format!("signer:{keyid}")))
    }

    /// The key id of a [`signer`](Self::signer) key, if this is one.
    pub fn signer_keyid(&self) -> Option<&str> {
        self.0.strip_prefix("signer:")
    }

    /// The stored text form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Reads a stored text form back (as written by this type).
    pub fn from_stored(text: &str) -> Result<Self, String> {
        if let Some(id) = text.strip_prefix("document:") {
            Self::document(id)
        } else if let Some(keyid) = text.strip_prefix("signer:") {
            Self::signer(keyid)
        } else {
            Self::digest(text)
        }
    }
}

impl fmt::Display for SearchKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A witness a log asks to cosign its checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogWitness {
    /// The log.
    pub log: String,
    /// The witness's submission prefix (`<url>/add-checkpoint`).
    pub url: String,
    /// The witness's cosignature vkey (type 0x04).
    pub vkey: String,
}

/// The service registry of one deployment.
pub trait Registry: Send + Sync + 'static {
    /// Every log.
    fn logs(&self) -> impl Future<Output = Result<Vec<LogDefinition>, StoreError>> + Send;
    /// Adds a log; fails if the name exists.
    fn add_log(&self, log: LogDefinition) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The token with this hash, if any (revoked ones included).
    fn token_by_hash(&self, hash: [u8; 32]) -> impl Future<Output = Result<Option<TokenRecord>, StoreError>> + Send;
    /// Every token (for listing).
    fn tokens(&self) -> impl Future<Output = Result<Vec<TokenRecord>, StoreError>> + Send;
    /// Stores a new token.
    fn add_token(&self, token: TokenRecord) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Marks a token revoked; `false` when no token has that id.
    fn revoke_token(&self, id: String, at: i64) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// The provider key of `log` with `keyid`, if registered.
    fn provider_key(
        &self,
        log: String,
        keyid: String,
    ) -> impl Future<Output = Result<Option<ProviderKey>, StoreError>> + Send;
    /// Every provider key of every log.
    fn provider_keys(&self) -> impl Future<Output = Result<Vec<ProviderKey>, StoreError>> + Send;
    /// Registers a provider key (replacing one with the same log and key id).
    fn add_provider_key(&self, key: ProviderKey) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The witnesses each log asks for cosignatures.
    fn log_witnesses(&self) -> impl Future<Output = Result<Vec<LogWitness>, StoreError>> + Send;
    /// Adds a witness to a log.
    fn add_log_witness(&self, witness: LogWitness) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records the search keys of entry `index` of `log` (see [`SearchKey`]):
    /// what the server verified in the entry when it logged it. Idempotent:
    /// a key already recorded for that entry is kept as it is.
    fn index_entry(
        &self,
        log: String,
        index: u64,
        keys: Vec<SearchKey>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The indices of `log`'s entries recorded under `key`, ascending, at most `limit`.
    fn search(
        &self,
        log: String,
        key: SearchKey,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<u64>, StoreError>> + Send;

    /// The search keys recorded for entry `index` of `log`, in order.
    fn entry_keys(&self, log: String, index: u64) -> impl Future<Output = Result<Vec<SearchKey>, StoreError>> + Send;

    /// Acting as a witness: the vkeys of the logs this deployment cosigns for.
    fn witnessed_logs(&self) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;
    /// Trusts another log's key (its vkey) for cosigning.
    fn add_witnessed_log(&self, vkey: String) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// The latest checkpoint cosigned for `origin`: size and root hash.
    fn witness_state(&self, origin: String)
    -> impl Future<Output = Result<Option<(u64, [u8; 32])>, StoreError>> + Send;
    /// Records a new cosigned checkpoint for `origin` only if the stored size is
    /// still `expected` (0 when none); returns whether it did. Atomic, so two
    /// concurrent requests cannot roll the record back.
    fn witness_advance(
        &self,
        origin: String,
        expected: u64,
        size: u64,
        root: [u8; 32],
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::SearchKey;

    #[test]
    fn search_keys_are_parsed_strictly() {
        let d = SearchKey::digest(&format!("sha256:{}", "AB".repeat(32))).expect("digest");
        assert_eq!(d.as_str(), format!("sha256:{}", "ab".repeat(32)));
        assert_eq!(SearchKey::from_stored(d.as_str()), Ok(d));
        assert!(SearchKey::digest("sha512:00").is_err());
        assert!(SearchKey::digest(&format!("sha256:{}", "g".repeat(64))).is_err());
        assert!(SearchKey::digest(&format!("sha256:{}", "a".repeat(63))).is_err());
        let doc = SearchKey::document("inspection-report/0b5e").expect("document");
        assert_eq!(doc.as_str(), "document:inspection-report/0b5e");
        assert_eq!(SearchKey::from_stored(doc.as_str()), Ok(doc));
        for bad in ["", "noslash", "/id", "kind/", "kind/with space", &format!("k/{}", "x".repeat(300))] {
            assert!(SearchKey::document(bad).is_err(), "{bad:?}");
        }
        assert_eq!(SearchKey::sha256(&[0xab; 32]).as_str(), format!("sha256:{}", "ab".repeat(32)));
    }
}
