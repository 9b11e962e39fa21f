//! The metadata envelope every Lading document carries under `meta`.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Kind;

/// Schema version of every v1 document.
pub const SCHEMA_VERSION_V1: &str = "v1";

/// Who issued a document, what it is and where it may go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// Unique document id.
    pub id: Uuid,
    /// Which of the deliverable document kinds this is.
    pub kind: Kind,
    /// Version of the kind's schema; `v1` for this release.
    #[schemars(regex(pattern = r"^v1$"))]
    pub schema_version: String,
    /// The service provider issuing the document.
    pub provider: Provider,
    /// Service classification tags for trade statistics.
    pub classification: Classification,
    /// ISO 3166-1 alpha-2 codes of the jurisdictions the deliverable is meant for.
    #[schemars(inner(regex(pattern = r"^[A-Z]{2}$")))]
    pub jurisdictions: Vec<String>,
    /// When the document was created (RFC 3339).
    pub created_at: DateTime<Utc>,
    /// BCP 47 language tag of the human-readable text in the document.
    #[schemars(regex(pattern = r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$"))]
    pub language: String,
}

impl Metadata {
    /// The metadata of a new v1 document of `kind`: the kind's default
    /// service classification ([`Classification::default_for`]), English
    /// text. Fields stay public, so a caller overrides what it knows better.
    #[must_use]
    pub fn new(
        kind: Kind,
        id: Uuid,
        provider: Provider,
        jurisdictions: Vec<String>,
        created_at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            kind,
            schema_version: SCHEMA_VERSION_V1.into(),
            provider,
            classification: Classification::default_for(kind),
            jurisdictions,
            created_at,
            language: "en".into(),
        }
    }
}

/// A service provider as the white list knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Registered legal name.
    #[schemars(length(min = 1, max = 512))]
    pub legal_name: String,
    /// Registration id, such as the 18-character unified social credit code.
    #[schemars(length(min = 1, max = 64))]
    pub registration_id: String,
    /// Id of the provider's entry on a pilot white list, once listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 128))]
    pub white_list_entry: Option<String>,
    /// Pilot zone of the white list, e.g. `shenzhen` or `suzhou`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z][a-z0-9-]{0,63}$"))]
    pub pilot_zone: Option<String>,
}

/// Service classification tags (EBOPS 2010 and UN CPC 2.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Classification {
    /// EBOPS 2010 service codes, e.g. `SI2` (computer services).
    #[schemars(inner(regex(pattern = r"^S[A-L][0-9]{0,4}$")))]
    pub ebops_2010: Vec<String>,
    /// UN CPC 2.1 codes (section to subclass, 1 to 5 digits), e.g. `8713`.
    #[schemars(inner(regex(pattern = r"^[0-9]{1,5}$")))]
    pub cpc_2_1: Vec<String>,
}

impl Classification {
    /// The usual trade-statistics codes of each deliverable kind: EBOPS 2010
    /// `SJ313` (technical testing and analysis) / CPC 2.1 `8344` for
    /// inspection reports, `SB` (maintenance and repair) / `8715` for
    /// maintenance records, `SI2` (computer services) / `8315` for SaaS
    /// releases.
    #[must_use]
    pub fn default_for(kind: Kind) -> Self {
        let (ebops, cpc) = match kind {
            Kind::InspectionReport => ("SJ313", "8344"),
            Kind::MaintenanceEvent | Kind::MaintenanceSegment => ("SB", "8715"),
            Kind::SaasRelease => ("SI2", "8315"),
        };
        Self { ebops_2010: vec![ebops.into()], cpc_2_1: vec![cpc.into()] }
    }
}
