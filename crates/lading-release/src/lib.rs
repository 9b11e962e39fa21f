//! # lading-release
//!
//! SaaS delivery packages. [`pack`] hashes a release tree in parallel
//! ([`tree::scan`]), reads its SBOMs ([`sbom::parse_sbom`]), checks an
//! attached SLSA v1 provenance, links the release to its predecessor (the
//! version chain), signs the manifest (DSSE / in-toto, subjects = the
//! artefacts) and returns a `.lading` [`Package`]. [`verify_tree`] names
//! every missing, extra, modified or re-moded file of a delivered tree;
//! [`diff`] compares two releases, SBOM components included; [`history`]
//! checks a chain of releases.

pub mod sbom;
pub mod tree;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use lading_crypto::{Envelope, Signer, VerifyingKey, sign_document, verify_statement};
use lading_model::meta::Metadata;
use lading_model::release::{
    Artefact, PreviousRelease, ReleaseScope, SaasRelease, SbomFormat, SbomRef, ServiceTerms, SourceProvenance,
};
use lading_model::{Document, Sha256Digest, json};
use serde::Serialize;

pub use lading_model::bundle::{self as package, BundleError, BundleIndex, Member, Package};
pub use sbom::{Component, LicenceProblem, Sbom, parse_sbom};

/// Why a release operation failed; each names the file concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReleaseError {
    /// A file could not be read.
    #[error("{}: {detail}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        detail: String,
    },
    /// A file name cannot be packed.
    #[error("{}: {detail}", path.display())]
    BadName {
        /// The file.
        path: PathBuf,
        /// Why.
        detail: String,
    },
    /// A symbolic link in the tree (links are refused, never followed).
    #[error("{}: symbolic link (to {target}) — links are not packed; replace it with the file or remove it", path.display())]
    Symlink {
        /// The link.
        path: PathBuf,
        /// Where it points.
        target: String,
    },
    /// An SBOM does not parse or is not in the tree.
    #[error("SBOM {}: {detail}", path.display())]
    Sbom {
        /// The SBOM file.
        path: PathBuf,
        /// Why.
        detail: String,
    },
    /// The provenance is malformed or names artefacts that were not packed.
    #[error("provenance {}: {detail}", path.display())]
    Provenance {
        /// The provenance file.
        path: PathBuf,
        /// Why.
        detail: String,
    },
    /// The version is not SemVer or does not increase.
    #[error("version: {0}")]
    Version(String),
    /// The previous release is unusable (bad signature, not a release).
    #[error("previous release {}: {detail}", path.display())]
    Previous {
        /// The file.
        path: PathBuf,
        /// Why.
        detail: String,
    },
    /// A flag or option is invalid.
    #[error("{0}")]
    Invalid(String),
    /// The manifest does not validate or sign.
    #[error("manifest: {0}")]
    Manifest(String),
    /// The package is malformed or altered.
    #[error("package: {0}")]
    Package(String),
    /// The container is malformed or altered.
    #[error(transparent)]
    Bundle(#[from] BundleError),
}

/// What goes into a release besides the tree.
#[derive(Debug, Clone)]
pub struct PackOptions {
    /// The metadata envelope (id, provider, tags, …).
    pub meta: Metadata,
    /// Service name.
    pub service: String,
    /// SemVer version.
    pub version: String,
    /// Channel.
    pub channel: String,
    /// SBOM files, inside the tree.
    pub sboms: Vec<PathBuf>,
    /// SLSA v1 provenance (a DSSE envelope file).
    pub provenance: Option<PathBuf>,
    /// OCI images, `repository@sha256:<hex>`.
    pub oci: Vec<String>,
    /// Source repository URL.
    pub source_repo: Option<String>,
    /// Source commit.
    pub commit: Option<String>,
    /// Builder id.
    pub builder: Option<String>,
    /// Release notes text.
    pub notes: String,
    /// Service terms.
    pub terms: ServiceTerms,
    /// Roll-out scope.
    pub scope: ReleaseScope,
    /// The previous release, loaded and verified.
    pub previous: Option<(PathBuf, LoadedRelease)>,
    /// Hashing threads (0 = all cores).
    pub threads: usize,
    /// Refuse SBOMs with a licence that is not a valid SPDX expression.
    pub strict_licences: bool,
}

/// A release read back from a package or envelope, signature verified.
#[derive(Debug, Clone)]
pub struct LoadedRelease {
    /// The manifest.
    pub manifest: SaasRelease,
    /// SHA-256 of the manifest's canonical (RFC 8785) form: what successors record.
    pub manifest_sha256: Sha256Digest,
    /// The SBOMs in the package (path → parsed).
    pub sboms: BTreeMap<String, Sbom>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> ReleaseError + '_ {
    move |e| ReleaseError::Io { path: path.to_owned(), detail: e.to_string() }
}

/// Reads a release from `.lading` package bytes or DSSE envelope bytes and
/// verifies its signature with `key`.
pub fn load_release(bytes: &[u8], key: &VerifyingKey) -> Result<LoadedRelease, ReleaseError> {
    let (envelope_bytes, package) = if bytes.starts_with(b"PK") {
        let package = Package::from_zip(bytes)?;
        let (_, env) = package.member("envelope").ok_or_else(|| ReleaseError::Package("no envelope member".into()))?;
        (env.to_vec(), Some(package))
    } else {
        (bytes.to_vec(), None)
    };
    let envelope = Envelope::from_json_bytes(&envelope_bytes).map_err(|e| ReleaseError::Manifest(e.to_string()))?;
    let verified = verify_statement(&envelope, key).map_err(|e| ReleaseError::Manifest(e.to_string()))?;
    let Document::SaasRelease(manifest) = verified.document else {
        return Err(ReleaseError::Manifest(format!(
            "the signed document is a {}, not a saas-release",
            verified.document.kind()
        )));
    };
    let manifest_sha256 = Sha256Digest::of(&json::canonicalize(&verified.statement.predicate));
    let mut sboms = BTreeMap::new();
    if let Some(p) = &package {
        for (m, b) in p.members("sbom") {
            let path = m.path.strip_prefix("attachments/").unwrap_or(&m.path).to_owned();
            sboms.insert(
                path.clone(),
                parse_sbom(b).map_err(|e| ReleaseError::Sbom { path: path.into(), detail: e.0 })?,
            );
        }
    }
    Ok(LoadedRelease { manifest: *manifest, manifest_sha256, sboms })
}

/// Source facts an SLSA v1 provenance gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProvenanceFacts {
    /// `runDetails.builder.id`.
    pub builder: Option<String>,
    /// The first resolved dependency's URI (the source repository).
    pub repository: Option<String>,
    /// Its git commit.
    pub commit: Option<String>,
}

/// Checks that an SLSA v1 provenance (DSSE envelope of an in-toto
/// Statement) names only artefacts of the release, by digest and name.
pub fn check_provenance(
    path: &Path,
    bytes: &[u8],
    files: &BTreeMap<String, Sha256Digest>,
) -> Result<ProvenanceFacts, ReleaseError> {
    let bad = |d: String| ReleaseError::Provenance { path: path.to_owned(), detail: d };
    let envelope = Envelope::from_json_bytes(bytes).map_err(|e| bad(e.to_string()))?;
    let statement = json::parse_strict(&envelope.payload).map_err(|e| bad(format!("payload: {e}")))?;
    let predicate_type = statement["predicateType"].as_str().unwrap_or("");
    if predicate_type != "https://slsa.dev/provenance/v1" {
        return Err(bad(format!("predicateType is {predicate_type:?}, expected https://slsa.dev/provenance/v1")));
    }
    let subjects = statement["subject"].as_array().ok_or_else(|| bad("no subject".into()))?;
    if subjects.is_empty() {
        return Err(bad("no subject".into()));
    }
    for (i, s) in subjects.iter().enumerate() {
        let name = s["name"].as_str().unwrap_or("");
        let digest = s["digest"]["sha256"].as_str().unwrap_or("");
        let matched = files.iter().any(|(p, d)| {
            d.to_hex() == digest
                && (p == name || p.rsplit('/').next() == Some(name) || name.ends_with(&format!("/{p}")))
        });
        if !matched {
            return Err(bad(format!("subject {i} ({name:?}, sha256 {digest}) is not an artefact of this release")));
        }
    }
    let predicate = &statement["predicate"];
    let dep = &predicate["buildDefinition"]["resolvedDependencies"][0];
    Ok(ProvenanceFacts {
        builder: predicate["runDetails"]["builder"]["id"].as_str().map(str::to_owned),
        repository: dep["uri"].as_str().map(|u| u.trim_start_matches("git+").split('@').next().unwrap_or(u).to_owned()),
        commit: dep["digest"]["gitCommit"].as_str().or(dep["digest"]["sha1"].as_str()).map(str::to_owned),
    })
}

/// Packs the tree at `dir` into a signed, version-chained release package.
pub fn pack(
    dir: &Path,
    options: &PackOptions,
    key: &dyn Signer,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Package, ReleaseError> {
    let version = semver::Version::parse(&options.version)
        .map_err(|e| ReleaseError::Version(format!("{:?} is not SemVer: {e}", options.version)))?;
    if let Some((path, prev)) = &options.previous {
        let prev_version = semver::Version::parse(&prev.manifest.version)
            .map_err(|e| ReleaseError::Previous { path: path.clone(), detail: e.to_string() })?;
        if version <= prev_version {
            return Err(ReleaseError::Version(format!(
                "{version} does not increase on the previous release {prev_version}"
            )));
        }
    }
    let files = tree::scan(dir, options.threads, progress)?;
    let by_path: BTreeMap<String, Sha256Digest> = files.iter().map(|f| (f.path.clone(), f.sha256)).collect();

    let mut sbom_refs = Vec::new();
    let mut attachments: Vec<(String, Vec<u8>, &'static str, &'static str)> = Vec::new();
    for sbom_path in &options.sboms {
        let bad = |d: String| ReleaseError::Sbom { path: sbom_path.clone(), detail: d };
        let rel = sbom_path
            .strip_prefix(dir)
            .ok()
            .and_then(|p| p.to_str())
            .map(|p| p.replace('\\', "/"))
            .filter(|p| by_path.contains_key(p))
            .ok_or_else(|| bad(format!("must be a file inside the release tree {}", dir.display())))?;
        let bytes = std::fs::read(sbom_path).map_err(io(sbom_path))?;
        let parsed = parse_sbom(&bytes).map_err(|e| bad(e.0))?;
        if options.strict_licences && !parsed.invalid_licenses.is_empty() {
            let each: Vec<String> = parsed
                .invalid_licenses
                .iter()
                .map(|p| format!("{}: {:?} ({})", p.component, p.expression, p.reason))
                .collect();
            return Err(bad(format!("licences that are not SPDX expressions: {}", each.join("; "))));
        }
        sbom_refs.push(SbomRef {
            format: parsed.format,
            spec_version: parsed.spec_version.clone(),
            path: rel.clone(),
            sha256: Sha256Digest::of(&bytes),
            component_count: parsed.components.len() as u64,
        });
        let media = if parsed.format == SbomFormat::Cyclonedx {
            "application/vnd.cyclonedx+json"
        } else {
            "application/spdx+json"
        };
        attachments.push((format!("attachments/{rel}"), bytes, media, "sbom"));
    }
    let mut facts = ProvenanceFacts::default();
    if let Some(p) = &options.provenance {
        let bytes = std::fs::read(p).map_err(io(p))?;
        facts = check_provenance(p, &bytes, &by_path)?;
        attachments.push((
            "attachments/provenance.dsse.json".into(),
            bytes,
            "application/vnd.dsse.envelope.v1+json",
            "provenance",
        ));
    }
    let repository = options.source_repo.clone().or(facts.repository).ok_or_else(|| {
        ReleaseError::Invalid("the source repository is unknown: give --source-repo (or a provenance naming it)".into())
    })?;
    let commit = options.commit.clone().or(facts.commit).ok_or_else(|| {
        ReleaseError::Invalid("the source commit is unknown: give --commit (or a provenance naming it)".into())
    })?;
    let builder = options.builder.clone().or(facts.builder).unwrap_or_else(|| "unspecified".into());

    let mut artefacts: Vec<Artefact> = files
        .iter()
        .map(|f| Artefact::File {
            path: f.path.clone(),
            size: f.size,
            sha256: f.sha256,
            media_type: tree::media_type(&f.path).to_owned(),
            mode: Some(f.mode.clone()),
        })
        .collect();
    // Directories too: an empty one is part of the delivery, and a
    // directory's setgid or sticky bit changes what the software may do.
    artefacts.extend(tree::directories(dir)?.into_iter().map(|d| Artefact::Directory { path: d.path, mode: d.mode }));
    for image in &options.oci {
        let (repository, digest) = image.split_once("@sha256:").ok_or_else(|| {
            ReleaseError::Invalid(format!("--oci {image:?}: expected REPOSITORY@sha256:<64 hex digits>"))
        })?;
        let sha256: Sha256Digest =
            digest.parse().map_err(|e| ReleaseError::Invalid(format!("--oci {image:?}: {e}")))?;
        let (repository, tag) = match repository.rsplit_once(':').filter(|(_, t)| !t.contains('/')) {
            Some((r, t)) => (r.to_owned(), Some(t.to_owned())),
            None => (repository.to_owned(), None),
        };
        artefacts.push(Artefact::OciImage {
            repository,
            tag,
            sha256,
            media_type: "application/vnd.oci.image.index.v1+json".into(),
        });
    }
    if artefacts.is_empty() {
        return Err(ReleaseError::Invalid(format!("{} holds no files and no --oci image was given", dir.display())));
    }
    let manifest = SaasRelease {
        meta: options.meta.clone(),
        service: options.service.clone(),
        version: version.to_string(),
        channel: options.channel.clone(),
        released_at: options.meta.created_at,
        previous: options
            .previous
            .as_ref()
            .map(|(_, p)| PreviousRelease { version: p.manifest.version.clone(), manifest_sha256: p.manifest_sha256 }),
        artefacts,
        sboms: sbom_refs,
        source: SourceProvenance { repository, commit, builder },
        release_notes: options.notes.clone(),
        terms: options.terms.clone(),
        scope: options.scope.clone(),
    };
    let value = serde_json::to_value(&manifest).map_err(|e| ReleaseError::Manifest(e.to_string()))?;
    let envelope = sign_document(&value, key).map_err(|e| ReleaseError::Manifest(e.to_string()))?;
    let envelope_bytes =
        serde_json::to_vec_pretty(&envelope.to_json()).map_err(|e| ReleaseError::Manifest(e.to_string()))?;
    let mut members = vec![
        ("manifest.json".to_owned(), json::canonicalize(&value), "application/json", "manifest"),
        ("manifest.dsse.json".to_owned(), envelope_bytes, "application/vnd.dsse.envelope.v1+json", "envelope"),
    ];
    members.extend(attachments);
    let (index_members, files): (Vec<Member>, Vec<Vec<u8>>) = members
        .into_iter()
        .map(|(path, bytes, media, role)| {
            (
                Member {
                    path,
                    sha256: Sha256Digest::of(&bytes),
                    size: bytes.len() as u64,
                    media_type: media.into(),
                    role: role.into(),
                },
                bytes,
            )
        })
        .unzip();
    Ok(Package {
        index: BundleIndex {
            format: package::BUNDLE_FORMAT.into(),
            kind: "saas-release".into(),
            members: index_members,
        },
        files,
    })
}

/// A file whose content differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Modified {
    /// Path.
    pub path: String,
    /// Size released.
    pub expected_size: u64,
    /// Size found.
    pub found_size: u64,
    /// Digest released.
    pub expected_sha256: Sha256Digest,
    /// Digest found.
    pub found_sha256: Sha256Digest,
}

/// How a delivered tree differs from its release.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct TreeReport {
    /// Released files that are absent.
    pub missing: Vec<String>,
    /// Files that were not released.
    pub extra: Vec<String>,
    /// Files with other content.
    pub modified: Vec<Modified>,
    /// Files and directories with other permission bits: (path, released, found).
    pub mode_changed: Vec<(String, String, String)>,
    /// Released directories that are absent (or are no longer directories).
    pub missing_directories: Vec<String>,
    /// Directories that were not released (only when the release lists its
    /// directories: releases packed before directories were recorded do not).
    pub extra_directories: Vec<String>,
    /// Files checked.
    pub checked: usize,
}

impl TreeReport {
    /// Whether the tree is exactly what was released.
    pub fn is_exact(&self) -> bool {
        self.missing.is_empty()
            && self.extra.is_empty()
            && self.modified.is_empty()
            && self.mode_changed.is_empty()
            && self.missing_directories.is_empty()
            && self.extra_directories.is_empty()
    }
}

/// Compares a delivered tree with a release.
pub fn verify_tree(
    release: &SaasRelease,
    dir: &Path,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<TreeReport, ReleaseError> {
    let found = tree::scan(dir, threads, progress)?;
    let found: BTreeMap<&str, &tree::FileEntry> = found.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut report = TreeReport { checked: found.len(), ..TreeReport::default() };
    let mut released = BTreeSet::new();
    for a in &release.artefacts {
        let Artefact::File { path, size, sha256, mode, .. } = a else { continue };
        released.insert(path.as_str());
        match found.get(path.as_str()) {
            None => report.missing.push(path.clone()),
            Some(f) => {
                if f.sha256 != *sha256 || f.size != *size {
                    report.modified.push(Modified {
                        path: path.clone(),
                        expected_size: *size,
                        found_size: f.size,
                        expected_sha256: *sha256,
                        found_sha256: f.sha256,
                    });
                }
                if let Some(m) = mode
                    && *m != f.mode
                {
                    report.mode_changed.push((path.clone(), m.clone(), f.mode.clone()));
                }
            }
        }
    }
    report.extra = found.keys().filter(|p| !released.contains(*p)).map(|p| (*p).to_owned()).collect();
    let released_dirs: BTreeMap<&str, &str> = release
        .artefacts
        .iter()
        .filter_map(|a| match a {
            Artefact::Directory { path, mode } => Some((path.as_str(), mode.as_str())),
            _ => None,
        })
        .collect();
    let found_dirs = tree::directories(dir)?;
    let found_dirs: BTreeMap<&str, &str> = found_dirs.iter().map(|d| (d.path.as_str(), d.mode.as_str())).collect();
    for (path, mode) in &released_dirs {
        match found_dirs.get(path) {
            None => report.missing_directories.push((*path).to_owned()),
            Some(m) if m != mode => report.mode_changed.push(((*path).to_owned(), (*mode).to_owned(), (*m).to_owned())),
            Some(_) => {}
        }
    }
    if !released_dirs.is_empty() {
        report.extra_directories =
            found_dirs.keys().filter(|p| !released_dirs.contains_key(*p)).map(|p| (*p).to_owned()).collect();
    }
    Ok(report)
}

/// How two releases differ.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ReleaseDiff {
    /// Versions compared.
    pub from: String,
    /// Versions compared.
    pub to: String,
    /// Files added.
    pub added: Vec<String>,
    /// Files removed.
    pub removed: Vec<String>,
    /// Files whose digest changed.
    pub changed: Vec<String>,
    /// SBOM components added (`identity@version`; the identity is the
    /// package URL without its version, else the name).
    pub components_added: Vec<String>,
    /// SBOM components removed (`identity@version`).
    pub components_removed: Vec<String>,
    /// Components whose version changed: (identity, old, new). A package
    /// present in several versions pairs the versions that went with those
    /// that came, in version order; the rest are added or removed.
    pub version_changed: Vec<(String, String, String)>,
    /// Components whose licences changed: (`identity@version`, old, new).
    pub licence_changed: Vec<(String, String, String)>,
}

fn files_of(r: &SaasRelease) -> BTreeMap<&str, Sha256Digest> {
    r.artefacts
        .iter()
        .filter_map(|a| match a {
            Artefact::File { path, sha256, .. } => Some((path.as_str(), *sha256)),
            Artefact::Directory { .. } | Artefact::OciImage { .. } => None,
        })
        .collect()
}

/// A component's identity across releases: its package URL without the
/// version (`pkg:npm/%40scope/lib`), else its name. Several versions of one
/// package are normal (npm trees), so each identity maps to its versions,
/// each with its licence expression.
fn components_of(r: &LoadedRelease) -> BTreeMap<String, BTreeMap<String, String>> {
    component_versions(r.sboms.values().flat_map(|s| &s.components))
}

fn component_versions<'a>(
    components: impl Iterator<Item = &'a Component>,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for c in components {
        out.entry(component_key(c)).or_default().insert(c.version.clone(), c.licenses.join(" AND "));
    }
    out
}

fn component_key(c: &Component) -> String {
    match &c.purl {
        Some(purl) => {
            // pkg:type/namespace/name@version?qualifiers#subpath (the purl
            // spec): the version is what follows the last '@' before '?'/'#'.
            let end = purl.find(['?', '#']).unwrap_or(purl.len());
            let base = &purl[..end];
            match base.rfind('@') {
                Some(at) if base[..at].contains('/') => base[..at].to_owned(),
                _ => base.to_owned(),
            }
        }
        None => c.name.clone(),
    }
}

/// Versions in a semantic order where they are SemVer, else text order.
fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (semver::Version::parse(a), semver::Version::parse(b)) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

/// Compares release `a` with release `b`.
pub fn diff(a: &LoadedRelease, b: &LoadedRelease) -> ReleaseDiff {
    let (fa, fb) = (files_of(&a.manifest), files_of(&b.manifest));
    let mut d =
        ReleaseDiff { from: a.manifest.version.clone(), to: b.manifest.version.clone(), ..ReleaseDiff::default() };
    d.added = fb.keys().filter(|p| !fa.contains_key(*p)).map(|p| (*p).to_owned()).collect();
    d.removed = fa.keys().filter(|p| !fb.contains_key(*p)).map(|p| (*p).to_owned()).collect();
    d.changed = fa.iter().filter(|(p, h)| fb.get(*p).is_some_and(|x| x != *h)).map(|(p, _)| (*p).to_owned()).collect();
    diff_components(&components_of(a), &components_of(b), &mut d);
    d
}

/// Components added, removed, upgraded and relicensed, by identity.
fn diff_components(
    ca: &BTreeMap<String, BTreeMap<String, String>>,
    cb: &BTreeMap<String, BTreeMap<String, String>>,
    d: &mut ReleaseDiff,
) {
    let empty = BTreeMap::new();
    for key in ca.keys().chain(cb.keys()).collect::<std::collections::BTreeSet<_>>() {
        let (va, vb) = (ca.get(key).unwrap_or(&empty), cb.get(key).unwrap_or(&empty));
        // Versions in both releases: only their licences can change.
        for (v, l) in va {
            if let Some(nl) = vb.get(v).filter(|nl| *nl != l) {
                d.licence_changed.push((format!("{key}@{v}"), l.clone(), nl.clone()));
            }
        }
        let mut gone: Vec<&String> = va.keys().filter(|v| !vb.contains_key(*v)).collect();
        let mut new: Vec<&String> = vb.keys().filter(|v| !va.contains_key(*v)).collect();
        gone.sort_by(|x, y| version_order(x, y));
        new.sort_by(|x, y| version_order(x, y));
        // A version replaced by another is an upgrade (or downgrade), paired
        // in order; versions beyond the pairs were added or removed.
        let pairs = gone.len().min(new.len());
        for (old, new) in gone.iter().zip(&new) {
            d.version_changed.push((key.clone(), (*old).clone(), (*new).clone()));
        }
        d.components_removed.extend(gone[pairs..].iter().map(|v| format!("{key}@{v}")));
        d.components_added.extend(new[pairs..].iter().map(|v| format!("{key}@{v}")));
    }
}

/// Why a set of releases is not one chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ChainError(pub String);

/// Checks that `releases` form one chain: versions increase, each names its
/// predecessor's digest, no forks, no gaps. Returns them in order.
pub fn history(releases: &[LoadedRelease]) -> Result<Vec<&LoadedRelease>, ChainError> {
    let mut ordered: Vec<&LoadedRelease> = releases.iter().collect();
    let version = |r: &LoadedRelease| semver::Version::parse(&r.manifest.version).ok();
    ordered.sort_by_key(|r| version(r));
    for pair in ordered.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        if version(prev) == version(next) {
            return Err(ChainError(format!("two releases have version {}", next.manifest.version)));
        }
        let Some(link) = &next.manifest.previous else {
            return Err(ChainError(format!(
                "{} names no previous release, but {} came before it",
                next.manifest.version, prev.manifest.version
            )));
        };
        if link.manifest_sha256 != prev.manifest_sha256 {
            let fork = releases.iter().any(|r| r.manifest_sha256 == link.manifest_sha256);
            return Err(ChainError(if fork {
                format!(
                    "fork: {} follows {} ({}), not {}",
                    next.manifest.version, link.version, link.manifest_sha256, prev.manifest.version
                )
            } else {
                format!(
                    "gap: {} follows {} ({}), which is not among the releases given",
                    next.manifest.version, link.version, link.manifest_sha256
                )
            }));
        }
    }
    let mut predecessors = BTreeSet::new();
    for r in &ordered {
        if let Some(p) = &r.manifest.previous
            && !predecessors.insert(p.manifest_sha256)
        {
            return Err(ChainError(format!("fork: two releases follow {}", p.version)));
        }
    }
    Ok(ordered)
}

#[cfg(test)]
mod component_diff_tests {
    use super::*;

    fn versions(sbom: &str) -> BTreeMap<String, BTreeMap<String, String>> {
        component_versions(parse_sbom(sbom.as_bytes()).expect("sbom").components.iter())
    }

    fn npm(name: &str, version: &str, licence: &str) -> String {
        format!(
            r#"{{"name":"{name}","version":"{version}","purl":"pkg:npm/{}@{version}","licenses":[{{"expression":"{licence}"}}]}}"#,
            name.replace('@', "%40")
        )
    }

    fn bom(components: &[String]) -> String {
        format!(r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{}]}}"#, components.join(","))
    }

    /// Issue 23: components were keyed by name alone, so of two versions of
    /// one npm package only the last was seen, and diffs were wrong.
    #[test]
    fn several_versions_of_one_package_diff_by_identity_and_version() {
        let a = bom(&[
            npm("lodash", "4.17.20", "MIT"),
            npm("lodash", "4.17.21", "MIT"),
            npm("@scope/util", "1.0.0", "ISC"),
            npm("left-pad", "1.3.0", "WTFPL"),
            r#"{"name":"vendored-c-lib","version":"2.1"}"#.into(),
        ]);
        let b = bom(&[
            npm("lodash", "4.17.21", "MIT"),
            npm("@scope/util", "1.2.0", "ISC"),
            npm("@scope/util", "2.0.0", "ISC"),
            npm("left-pad", "1.3.0", "MIT"),
            r#"{"name":"vendored-c-lib","version":"2.2"}"#.into(),
        ]);
        let mut d = ReleaseDiff::default();
        diff_components(&versions(&a), &versions(&b), &mut d);
        assert_eq!(d.components_removed, ["pkg:npm/lodash@4.17.20"]);
        assert_eq!(d.components_added, ["pkg:npm/%40scope/util@2.0.0"]);
        assert_eq!(
            d.version_changed,
            [
                ("pkg:npm/%40scope/util".to_owned(), "1.0.0".to_owned(), "1.2.0".to_owned()),
                ("vendored-c-lib".to_owned(), "2.1".to_owned(), "2.2".to_owned()),
            ]
        );
        assert_eq!(d.licence_changed, [("pkg:npm/left-pad@1.3.0".to_owned(), "WTFPL".to_owned(), "MIT".to_owned())]);
    }

    /// Real `npm sbom` output (tests/data/npm/README.md): `ms` in two versions
    /// in both releases, one kept, one replaced.
    #[test]
    fn npm_sbom_output_diffs_two_versions_of_one_package() {
        let a = versions(include_str!("../tests/data/npm/npm-sbom-a.cdx.json"));
        let b = versions(include_str!("../tests/data/npm/npm-sbom-b.cdx.json"));
        assert_eq!(a["pkg:npm/ms"].keys().collect::<Vec<_>>(), ["2.0.0", "2.1.3"]);
        let mut d = ReleaseDiff::default();
        diff_components(&a, &b, &mut d);
        assert!(d.components_added.is_empty() && d.components_removed.is_empty(), "{d:?}");
        assert_eq!(
            d.version_changed,
            [
                ("pkg:npm/debug".to_owned(), "2.6.9".to_owned(), "4.3.4".to_owned()),
                ("pkg:npm/ms".to_owned(), "2.0.0".to_owned(), "2.1.2".to_owned()),
            ]
        );
        assert!(d.licence_changed.is_empty());
        let sbom = parse_sbom(include_str!("../tests/data/npm/npm-sbom-a.cdx.json").as_bytes()).expect("npm sbom");
        assert!(sbom.invalid_licenses.is_empty());
    }

    #[test]
    fn purl_identity_drops_only_the_version() {
        let c = |purl: &str| Component {
            name: "x".into(),
            version: "1".into(),
            licenses: Vec::new(),
            purl: Some(purl.into()),
        };
        assert_eq!(component_key(&c("pkg:npm/%40angular/core@16.2.0?arch=x#sub")), "pkg:npm/%40angular/core");
        assert_eq!(component_key(&c("pkg:deb/debian/openssl@3.0.19")), "pkg:deb/debian/openssl");
        assert_eq!(component_key(&c("pkg:generic/noversion")), "pkg:generic/noversion");
    }
}
