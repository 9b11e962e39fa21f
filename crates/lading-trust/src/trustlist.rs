//! The pilot zone's white list, modelled on ETSI TS 119 612 trusted lists:
//! the scheme operator (the pilot-zone authority), a sequence number that
//! only grows, when it was issued and when the next one is due, and the
//! trusted entities — providers and certification bodies — each with its
//! scope (deliverable kinds), its keys with validity periods and its status
//! history (granted, suspended, withdrawn, each with a time and a reason).
//!
//! A list is signed as a DSSE envelope (payload type
//! [`PAYLOAD_TYPE`]) by the operator's key; the signed bytes are kept as
//! they are. [`TrustList::status_at`] answers what an entity's status was at
//! a given moment — the question `lading verify` asks for the time a
//! statement was logged.

use chrono::{DateTime, Utc};
use lading_crypto::{Envelope, Signer, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The format tag of a trust list.
pub const FORMAT: &str = "lading-trust-list/v1";
/// The DSSE payload type of a signed trust list.
pub const PAYLOAD_TYPE: &str = "application/vnd.lading.trust-list+json";

/// A deliverable kind a certification covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Deliverable {
    /// AI visual quality inspection reports.
    InspectionReport,
    /// Cloud-based remote equipment maintenance logs.
    MaintenanceLog,
    /// SaaS delivery packages.
    SaasRelease,
}

impl Deliverable {
    /// Every kind.
    pub const ALL: [Deliverable; 3] =
        [Deliverable::InspectionReport, Deliverable::MaintenanceLog, Deliverable::SaasRelease];

    /// The kind's name.
    pub const fn name(self) -> &'static str {
        match self {
            Deliverable::InspectionReport => "inspection-report",
            Deliverable::MaintenanceLog => "maintenance-log",
            Deliverable::SaasRelease => "saas-release",
        }
    }

    /// The deliverable a document kind belongs to.
    pub const fn of(kind: lading_model::Kind) -> Self {
        match kind {
            lading_model::Kind::InspectionReport => Deliverable::InspectionReport,
            lading_model::Kind::MaintenanceEvent | lading_model::Kind::MaintenanceSegment => {
                Deliverable::MaintenanceLog
            }
            lading_model::Kind::SaasRelease => Deliverable::SaasRelease,
        }
    }
}

impl std::fmt::Display for Deliverable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Deliverable {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Deliverable::ALL.into_iter().find(|d| d.name() == s).ok_or_else(|| {
            format!("unknown deliverable kind {s:?}; expected inspection-report, maintenance-log or saas-release")
        })
    }
}

/// What a listed entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A provider that may issue compliance statements for its scope.
    Provider,
    /// A certification body accredited to certify deliverables in its scope.
    CertificationBody,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Provider => "provider",
            Role::CertificationBody => "certification-body",
        })
    }
}

/// A status an entity can be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Listed and in good standing.
    Granted,
    /// Temporarily not to be relied on (may be granted again).
    Suspended,
    /// Removed for good.
    Withdrawn,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Granted => "granted",
            Status::Suspended => "suspended",
            Status::Withdrawn => "withdrawn",
        })
    }
}

/// The operator of the scheme: the pilot-zone authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operator {
    /// Its name.
    pub name: String,
    /// The pilot zone, e.g. `CN-Shenzhen`.
    pub zone: String,
    /// The key id (SHA-256 of the SPKI DER) of the key that signs the list.
    pub key_id: String,
}

/// A key of a listed entity, with the period it may be used in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceKey {
    /// SHA-256 of the SPKI DER, lowercase hex.
    pub key_id: String,
    /// The public key, SPKI PEM.
    pub public_key: String,
    /// The `did:key` of an Ed25519 key (the issuer of its credentials).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub did: Option<String>,
    /// From when the key may be used.
    pub valid_from: DateTime<Utc>,
    /// Until when, if bounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<DateTime<Utc>>,
}

/// One change of an entity's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// The new status.
    pub status: Status,
    /// When it took effect.
    pub at: DateTime<Utc>,
    /// Why.
    pub reason: String,
}

/// A provider or certification body on the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedEntity {
    /// The entity's id on this list (stable across versions).
    pub id: String,
    /// Legal name.
    pub legal_name: String,
    /// Registration id (the unified social credit code for Chinese entities).
    pub registration_id: String,
    /// The pilot zone that listed it.
    pub zone: String,
    /// Provider or certification body.
    pub role: Role,
    /// The deliverable kinds it is listed for.
    pub scope: Vec<Deliverable>,
    /// Its keys.
    pub keys: Vec<ServiceKey>,
    /// CA certificates (PEM, one each) the authority accepts for this
    /// entity: a certificate-bound signature is the entity's when its path
    /// runs through one of them and its subject carries the entity's
    /// `registration_id` (organizationIdentifier or serialNumber).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certificate_authorities: Vec<String>,
    /// Its status changes, oldest first; the first is a grant.
    pub status_history: Vec<StatusChange>,
}

/// The white list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustList {
    /// [`FORMAT`].
    pub format: String,
    /// Who issues the list.
    pub operator: Operator,
    /// Grows by at least one with every issued list.
    pub sequence_number: u64,
    /// When this list was issued (signed).
    pub issued_at: DateTime<Utc>,
    /// When the next list is due; a stricter verifier refuses the list after it.
    pub next_update: DateTime<Utc>,
    /// The listed entities.
    pub entries: Vec<TrustedEntity>,
}

/// Why a trust list (or a change to it) is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustListError {
    /// The list breaks a rule of the format; `pointer` names the field.
    #[error("{pointer}: {message}")]
    Invalid {
        /// Where, as a JSON pointer.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// The signed list's envelope or signature is not acceptable.
    #[error("signature: {0}")]
    Signature(String),
}

fn invalid(pointer: impl Into<String>, message: impl Into<String>) -> TrustListError {
    TrustListError::Invalid { pointer: pointer.into(), message: message.into() }
}

/// An entity's standing at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing<'a> {
    /// The entity.
    pub entity: &'a TrustedEntity,
    /// Its status then (`None`: not yet granted at that time).
    pub status: Option<&'a StatusChange>,
    /// The key used, if it was one of the entity's and valid then.
    pub key: Option<&'a ServiceKey>,
}

impl TrustList {
    /// An empty list, sequence 0 (signing makes it 1).
    pub fn new(operator: Operator, now: DateTime<Utc>) -> Self {
        Self {
            format: FORMAT.into(),
            operator,
            sequence_number: 0,
            issued_at: now,
            next_update: now,
            entries: Vec::new(),
        }
    }

    /// Checks the rules the types cannot: the format, unique entity ids and
    /// key ids, a non-empty scope, key periods, a history that starts with a
    /// grant, is in time order and never changes after a withdrawal, and a
    /// next update after the issue time.
    pub fn check(&self) -> Result<(), TrustListError> {
        if self.format != FORMAT {
            return Err(invalid("/format", format!("is {:?}, expected {FORMAT:?}", self.format)));
        }
        if self.next_update <= self.issued_at {
            return Err(invalid("/next_update", "must be after issued_at"));
        }
        let mut ids = std::collections::HashSet::new();
        let mut skeletons = std::collections::HashMap::new();
        let mut keys = std::collections::HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            let at = format!("/entries/{i}");
            if e.id.is_empty() || !ids.insert(e.id.as_str()) {
                return Err(invalid(format!("{at}/id"), format!("{:?} is empty or listed twice", e.id)));
            }
            check_entity_id(&e.id).map_err(|why| invalid(format!("{at}/id"), why))?;
            let skeleton: String = unicode_security::skeleton(&e.id).collect();
            if let Some(j) = skeletons.insert(skeleton, i) {
                return Err(invalid(
                    format!("{at}/id"),
                    format!(
                        "{:?} can be mistaken for {:?} at /entries/{j}/id (same Unicode TR39 skeleton)",
                        e.id, self.entries[j].id
                    ),
                ));
            }
            if e.scope.is_empty() {
                return Err(invalid(format!("{at}/scope"), "lists no deliverable kind"));
            }
            for (k, key) in e.keys.iter().enumerate() {
                let ka = format!("{at}/keys/{k}");
                let parsed = VerifyingKey::from_spki_pem(&key.public_key)
                    .map_err(|err| invalid(format!("{ka}/public_key"), err.to_string()))?;
                if parsed.key_id().as_str() != key.key_id {
                    return Err(invalid(format!("{ka}/key_id"), format!("is not the SHA-256 of {ka}/public_key")));
                }
                if let Some(did) = &key.did {
                    let ok = match &parsed {
                        VerifyingKey::Ed25519(k) => *did == lading_crypto::di::did_key(k),
                        _ => false,
                    };
                    if !ok {
                        return Err(invalid(format!("{ka}/did"), "is not the did:key of this Ed25519 key"));
                    }
                }
                if key.valid_until.is_some_and(|u| u <= key.valid_from) {
                    return Err(invalid(format!("{ka}/valid_until"), "must be after valid_from"));
                }
                if let Some(other) = keys.insert(key.key_id.as_str(), e.id.as_str()) {
                    return Err(invalid(format!("{ka}/key_id"), format!("is already a key of {other:?}")));
                }
            }
            for (k, pem) in e.certificate_authorities.iter().enumerate() {
                let pointer = format!("{at}/certificate_authorities/{k}");
                match lading_pki::parse_certificates(pem.as_bytes()) {
                    Ok(certs) if certs.len() == 1 => {}
                    Ok(certs) => return Err(invalid(pointer, format!("holds {} certificates, not one", certs.len()))),
                    Err(err) => return Err(invalid(pointer, err.to_string())),
                }
            }
            match e.status_history.first() {
                Some(first) if first.status == Status::Granted => {}
                _ => return Err(invalid(format!("{at}/status_history/0"), "the history must start with a grant")),
            }
            for (h, pair) in e.status_history.windows(2).enumerate() {
                let ha = format!("{at}/status_history/{}", h + 1);
                if pair[1].at < pair[0].at {
                    return Err(invalid(format!("{ha}/at"), "status changes must be in time order"));
                }
                if pair[0].status == Status::Withdrawn {
                    return Err(invalid(ha, "nothing follows a withdrawal"));
                }
            }
        }
        Ok(())
    }

    /// The entity with `id`.
    pub fn entity(&self, id: &str) -> Option<&TrustedEntity> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The entity holding the key `key_id`, with its status at `at` and the
    /// key if it was valid then.
    pub fn standing_of_key(&self, key_id: &str, at: DateTime<Utc>) -> Option<Standing<'_>> {
        let entity = self.entries.iter().find(|e| e.keys.iter().any(|k| k.key_id == key_id))?;
        Some(Standing { entity, status: entity.status_at(at), key: entity.key_valid_at(key_id, at) })
    }

    /// The entity a validated certificate path belongs to (see
    /// [`TrustedEntity::is_certified_by`]), with its status at `at`.
    pub fn standing_of_certificate(
        &self,
        path: &[lading_pki::Certificate],
        leaf: &lading_pki::Identity,
        at: DateTime<Utc>,
    ) -> Option<Standing<'_>> {
        let entity = self.entries.iter().find(|e| e.is_certified_by(path, leaf))?;
        Some(Standing { entity, status: entity.status_at(at), key: None })
    }

    /// Signs the list as the next version: sequence number one higher,
    /// issued now, next update after `validity`. Returns the envelope; the
    /// list itself is updated to what was signed.
    pub fn sign(
        &mut self,
        key: &dyn Signer,
        now: DateTime<Utc>,
        validity: chrono::Duration,
    ) -> Result<Envelope, TrustListError> {
        if key.key_id().as_str() != self.operator.key_id {
            return Err(invalid("/operator/key_id", "the signing key is not the operator's key"));
        }
        let mut next = self.clone();
        next.sequence_number += 1;
        next.issued_at = now;
        next.next_update = now + validity;
        next.check()?;
        let payload = serde_json::to_vec(&next).map_err(|e| invalid("", e.to_string()))?;
        // Sign before updating: a key that cannot sign leaves the list as it was.
        let envelope =
            Envelope::sign(PAYLOAD_TYPE, payload, key).map_err(|e| TrustListError::Signature(e.to_string()))?;
        *self = next;
        Ok(envelope)
    }

    /// Reads a signed list: the envelope's payload type, the operator's
    /// signature by `operator_key`, then the list's own rules.
    pub fn open_signed(envelope: &Envelope, operator_key: &VerifyingKey) -> Result<Self, TrustListError> {
        if envelope.payload_type != PAYLOAD_TYPE {
            return Err(TrustListError::Signature(format!(
                "payload type is {:?}, expected {PAYLOAD_TYPE:?}",
                envelope.payload_type
            )));
        }
        envelope.verify(operator_key).map_err(|e| TrustListError::Signature(e.to_string()))?;
        let list = Self::parse(&envelope.payload)?;
        if list.operator.key_id != operator_key.key_id().as_str() {
            return Err(invalid("/operator/key_id", "names another key than the one that signed the list"));
        }
        Ok(list)
    }

    /// Parses an (unsigned) list strictly and checks it.
    pub fn parse(bytes: &[u8]) -> Result<Self, TrustListError> {
        let value = lading_model::json::parse_strict(bytes).map_err(|e| invalid("", e.to_string()))?;
        let list: TrustList = serde_json::from_value(value).map_err(|e| invalid("", e.to_string()))?;
        if list.sequence_number > 0 {
            list.check()?;
        }
        Ok(list)
    }
}

/// `id` in Unicode NFC, the form [`check_entity_id`] requires.
pub fn normalise_entity_id(id: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    id.nfc().collect()
}

/// An entity id is what a relying party reads to know who signed, so it
/// must look like exactly one string: Unicode NFC (normalise it first, as
/// `lading trust-list add` does), no control or format characters, no
/// default-ignorable (invisible) characters such as U+200B or U+FEFF, and no
/// whitespace but U+0020. Two ids of one list that share a TR39 skeleton
/// (`Ｓ` and `S`, Cyrillic `а` and Latin `a`) are refused by
/// [`TrustList::check`].
pub fn check_entity_id(id: &str) -> Result<(), String> {
    use unicode_normalization::UnicodeNormalization as _;
    use unicode_security::GeneralSecurityProfile as _;
    use unicode_security::general_security_profile::IdentifierType;
    for (at, c) in id.char_indices() {
        let invisible = c.is_control()
            || (c.is_whitespace() && c != ' ')
            || c.identifier_type() == Some(IdentifierType::Default_Ignorable);
        if invisible {
            return Err(format!(
                "{id:?} holds U+{:04X} at byte {at}, an invisible or control character that would make two ids \
                 look alike",
                u32::from(c)
            ));
        }
    }
    if !unicode_normalization::is_nfc(id) {
        let nfc: String = id.nfc().collect();
        return Err(format!("{id:?} is not in Unicode NFC; write it as {nfc:?}"));
    }
    Ok(())
}

impl TrustedEntity {
    /// Whether a validated certificate path is this entity's: one of its
    /// certificates (leaf first, anchor last) is a CA the list accepts for
    /// the entity, and the leaf's registration id is the entity's.
    pub fn is_certified_by(&self, path: &[lading_pki::Certificate], leaf: &lading_pki::Identity) -> bool {
        use der::Encode as _;
        if leaf.registration_id() != Some(self.registration_id.as_str()) {
            return false;
        }
        let ders: Vec<Vec<u8>> = path.iter().filter_map(|c| c.to_der().ok()).collect();
        self.certificate_authorities.iter().any(|pem| {
            lading_pki::parse_certificates(pem.as_bytes())
                .ok()
                .and_then(|c| c.first().and_then(|c| c.to_der().ok()))
                .is_some_and(|der| ders.contains(&der))
        })
    }

    /// The status in force at `at`: the last change at or before it.
    pub fn status_at(&self, at: DateTime<Utc>) -> Option<&StatusChange> {
        self.status_history.iter().rev().find(|c| c.at <= at)
    }

    /// The key `key_id` if it is this entity's and valid at `at`.
    pub fn key_valid_at(&self, key_id: &str, at: DateTime<Utc>) -> Option<&ServiceKey> {
        self.keys.iter().find(|k| k.key_id == key_id && k.valid_from <= at && k.valid_until.is_none_or(|u| at < u))
    }
}
