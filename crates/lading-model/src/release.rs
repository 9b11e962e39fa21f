//! SaaS release manifest (`urn:lading:saas-release:v1`).

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Sha256Digest;
use crate::meta::Metadata;

/// One release of a SaaS service: what was delivered, from what source, under
/// which terms, chained to the release before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SaasRelease {
    /// The metadata envelope.
    pub meta: Metadata,
    /// Service name.
    #[schemars(length(min = 1, max = 256))]
    pub service: String,
    /// Semantic version (SemVer 2.0.0).
    #[schemars(regex(
        pattern = r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
    ))]
    pub version: String,
    /// Release channel, e.g. `stable`, `lts`, `beta`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9-]{0,31}$"))]
    pub channel: String,
    /// When the release was published.
    pub released_at: DateTime<Utc>,
    /// The previous release in the version chain; absent for the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<PreviousRelease>,
    /// Every delivered artefact.
    #[schemars(length(min = 1))]
    pub artefacts: Vec<Artefact>,
    /// SBOMs of the release; each is also listed among the artefacts.
    #[serde(default)]
    pub sboms: Vec<SbomRef>,
    /// Where the release was built from.
    pub source: SourceProvenance,
    /// Release notes (Markdown).
    pub release_notes: String,
    /// Service terms the release is delivered under.
    pub terms: ServiceTerms,
    /// Tenants and regions the release is rolled out to.
    pub scope: ReleaseScope,
}

/// Link to the previous release manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviousRelease {
    /// Its version.
    pub version: String,
    /// SHA-256 of its canonical (RFC 8785) manifest.
    pub manifest_sha256: Sha256Digest,
}

/// A delivered artefact: a file or directory of the release tree, or an OCI image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Artefact {
    /// A file of the release tree.
    File {
        /// Normalised relative path with `/` separators.
        #[schemars(length(min = 1, max = 4096))]
        path: String,
        /// Size in bytes.
        size: u64,
        /// SHA-256 of the content.
        sha256: Sha256Digest,
        /// IANA media type.
        #[schemars(regex(pattern = r"^[a-z0-9!#$&^_.+-]+/[a-zA-Z0-9!#$&^_.+-]+$"))]
        media_type: String,
        /// Unix mode bits in octal, e.g. `0755`, with setuid (4), setgid (2)
        /// and sticky (1) in the first digit (`4755`), when recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(regex(pattern = r"^[0-7]{4}$"))]
        mode: Option<String>,
    },
    /// A directory of the release tree (not its root), so that empty
    /// directories and directory modes (setgid, sticky) are delivered too.
    Directory {
        /// Normalised relative path with `/` separators.
        #[schemars(length(min = 1, max = 4096))]
        path: String,
        /// Unix mode bits in octal, setuid (4), setgid (2) and sticky (1)
        /// in the first digit (`1777`, `2775`).
        #[schemars(regex(pattern = r"^[0-7]{4}$"))]
        mode: String,
    },
    /// An OCI image, by digest.
    OciImage {
        /// Repository reference without tag or digest, e.g. `registry.example/app`.
        #[schemars(length(min = 1, max = 1024))]
        repository: String,
        /// Tag at release time, informational.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
        /// SHA-256 of the image manifest or index.
        sha256: Sha256Digest,
        /// OCI media type of the manifest or index.
        media_type: String,
    },
}

/// A software bill of materials shipped with the release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SbomRef {
    /// Format.
    pub format: SbomFormat,
    /// Format version, e.g. `1.6` or `2.3`.
    pub spec_version: String,
    /// Path of the SBOM file among the artefacts.
    pub path: String,
    /// SHA-256 of the SBOM file.
    pub sha256: Sha256Digest,
    /// Number of components it lists.
    pub component_count: u64,
}

/// SBOM formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SbomFormat {
    /// CycloneDX JSON.
    Cyclonedx,
    /// SPDX JSON.
    Spdx,
}

/// Source provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceProvenance {
    /// Source repository URL.
    #[schemars(length(min = 1))]
    pub repository: String,
    /// Commit id (hex).
    #[schemars(regex(pattern = r"^[0-9a-f]{7,64}$"))]
    pub commit: String,
    /// Builder id, e.g. the CI system and workflow.
    pub builder: String,
}

/// Terms of service for the release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceTerms {
    /// Monthly availability target in percent.
    #[schemars(range(min = 0.0, max = 100.0))]
    pub availability_target: f64,
    /// Support hours, e.g. `24x7` or `Mon-Fri 09:00-18:00 CST`.
    pub support_hours: String,
    /// ISO 3166-1 alpha-2 codes of where customer data is stored.
    #[schemars(inner(regex(pattern = r"^[A-Z]{2}$")))]
    pub data_location: Vec<String>,
}

/// Roll-out scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseScope {
    /// Tenant ids; empty means all tenants.
    #[serde(default)]
    pub tenants: Vec<String>,
    /// Cloud regions.
    pub regions: Vec<String>,
}
