//! `.lading` packages: one ZIP file with a `bundle.json` index and every
//! member checked against the SHA-256 the index gives it. Releases,
//! maintenance-log segments and evidence bundles share this container.
//! Works on bytes in memory; reading and writing files is the caller's.

use std::io::{Cursor, Read as _, Write as _};

use crate::Sha256Digest;
use serde::{Deserialize, Serialize};

/// A package that cannot be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("package: {0}")]
pub struct BundleError(pub String);

/// The index format.
pub const BUNDLE_FORMAT: &str = "lading-bundle/v1";
/// Largest package read.
pub const MAX_PACKAGE_BYTES: u64 = 256 << 20;
/// Largest total of decompressed members.
pub const MAX_UNPACKED_BYTES: u64 = 512 << 20;
/// Most members.
pub const MAX_MEMBERS: usize = 10_000;

/// One member of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Path inside the package.
    pub path: String,
    /// SHA-256 of its bytes.
    pub sha256: Sha256Digest,
    /// Its size.
    pub size: u64,
    /// Its media type.
    pub media_type: String,
    /// What it is (`manifest`, `envelope`, `sbom`, `provenance`, …).
    pub role: String,
}

/// `bundle.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleIndex {
    /// Always [`BUNDLE_FORMAT`].
    pub format: String,
    /// The document kind the package carries.
    pub kind: String,
    /// The members.
    pub members: Vec<Member>,
}

/// Checks a member path: relative, `/`-separated, no empty, `.` or `..`
/// segment, no backslash or control character, at most 512 bytes, and not
/// `bundle.json`. Packages are never unpacked to disk by Lading, but another
/// tool might; a path that could escape its directory is refused either way.
pub fn check_member_path(path: &str) -> Result<(), BundleError> {
    let bad = |why: &str| Err(BundleError(format!("member path {path:?} {why}")));
    if path.is_empty() || path.len() > 512 {
        return bad("must be 1 to 512 bytes");
    }
    if path == "bundle.json" {
        return bad("is reserved for the index");
    }
    if path.starts_with('/') || path.contains('\\') || path.chars().any(char::is_control) {
        return bad("must be relative, with `/` separators and no control characters");
    }
    if path.split('/').any(|seg| seg.is_empty() || seg == "." || seg == "..") {
        return bad("has an empty, `.` or `..` segment");
    }
    Ok(())
}

/// What [`Package::from_zip_with`] accepts at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the ZIP file.
    pub package_bytes: u64,
    /// Bytes of all members decompressed, `bundle.json` included.
    pub unpacked_bytes: u64,
    /// Members besides `bundle.json`.
    pub members: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { package_bytes: MAX_PACKAGE_BYTES, unpacked_bytes: MAX_UNPACKED_BYTES, members: MAX_MEMBERS }
    }
}

/// A package in memory: index and member bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The index.
    pub index: BundleIndex,
    /// Member bytes, in index order.
    pub files: Vec<Vec<u8>>,
}

impl Package {
    /// The first member with `role`.
    pub fn member(&self, role: &str) -> Option<(&Member, &[u8])> {
        self.index.members.iter().zip(&self.files).find(|(m, _)| m.role == role).map(|(m, b)| (m, b.as_slice()))
    }

    /// Every member with `role`.
    pub fn members(&self, role: &str) -> Vec<(&Member, &[u8])> {
        self.index
            .members
            .iter()
            .zip(&self.files)
            .filter(|(m, _)| m.role == role)
            .map(|(m, b)| (m, b.as_slice()))
            .collect()
    }

    /// Serialises the package to ZIP bytes.
    pub fn to_zip(&self) -> Result<Vec<u8>, BundleError> {
        let zerr = |e: zip::result::ZipError| BundleError(e.to_string());
        let ioerr = |e: std::io::Error| BundleError(e.to_string());
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let index = serde_json::to_vec_pretty(&self.index).map_err(|e| BundleError(e.to_string()))?;
        w.start_file("bundle.json", opts).map_err(zerr)?;
        w.write_all(&index).map_err(ioerr)?;
        for (m, bytes) in self.index.members.iter().zip(&self.files) {
            w.start_file(m.path.as_str(), opts).map_err(zerr)?;
            w.write_all(bytes).map_err(ioerr)?;
        }
        Ok(w.finish().map_err(zerr)?.into_inner())
    }

    /// Reads a package with the default [`Limits`], checking every member
    /// against the index.
    pub fn from_zip(bytes: &[u8]) -> Result<Self, BundleError> {
        Self::from_zip_with(bytes, Limits::default())
    }

    /// Reads a package within `limits`; each is enforced before the bytes
    /// it bounds are held (the decompressed total while inflating).
    pub fn from_zip_with(bytes: &[u8], limits: Limits) -> Result<Self, BundleError> {
        let bad = BundleError;
        if bytes.len() as u64 > limits.package_bytes {
            return Err(bad(format!("package is {} bytes; the limit is {}", bytes.len(), limits.package_bytes)));
        }
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(format!("not a ZIP file: {e}")))?;
        if zip.len() > limits.members + 1 {
            return Err(bad(format!("{} members; the limit is {}", zip.len() - 1, limits.members)));
        }
        let mut budget = limits.unpacked_bytes;
        let mut read = |zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str| -> Result<Vec<u8>, BundleError> {
            let mut f = zip.by_name(name).map_err(|e| bad(format!("{name}: {e}")))?;
            let mut out = Vec::new();
            (&mut f).take(budget + 1).read_to_end(&mut out).map_err(|e| bad(format!("{name}: {e}")))?;
            if out.len() as u64 > budget {
                return Err(bad(format!(
                    "members decompress to more than the limit of {} bytes (zip bomb?)",
                    limits.unpacked_bytes
                )));
            }
            budget -= out.len() as u64;
            Ok(out)
        };
        let index_bytes = read(&mut zip, "bundle.json")?;
        let index_value = crate::json::parse_strict(&index_bytes).map_err(|e| bad(format!("bundle.json: {e}")))?;
        let index: BundleIndex = serde_json::from_value(index_value).map_err(|e| bad(format!("bundle.json: {e}")))?;
        if index.format != BUNDLE_FORMAT {
            return Err(bad(format!("bundle.json format is {:?}, expected {BUNDLE_FORMAT:?}", index.format)));
        }
        let names: std::collections::BTreeSet<String> = zip
            .file_names()
            .map(|n| n.map(std::borrow::Cow::into_owned).map_err(|e| bad(format!("member name: {e}"))))
            .collect::<Result<_, _>>()?;
        if names.len() != zip.len() {
            return Err(bad("the ZIP holds two entries with the same name".into()));
        }
        let mut listed = std::collections::HashSet::new();
        for m in &index.members {
            check_member_path(&m.path)?;
            if !listed.insert(m.path.as_str()) {
                return Err(bad(format!("bundle.json lists {} twice", m.path)));
            }
        }
        for name in &names {
            if name != "bundle.json" && !index.members.iter().any(|m| &m.path == name) {
                return Err(bad(format!("{name} is in the package but not in bundle.json")));
            }
        }
        let mut files = Vec::with_capacity(index.members.len());
        for m in &index.members {
            let bytes = read(&mut zip, &m.path)?;
            if Sha256Digest::of(&bytes) != m.sha256 || bytes.len() as u64 != m.size {
                return Err(bad(format!("{} does not match its digest in bundle.json (altered member)", m.path)));
            }
            files.push(bytes);
        }
        Ok(Package { index, files })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(members: &[(&str, Vec<u8>)]) -> Package {
        let index = BundleIndex {
            format: BUNDLE_FORMAT.into(),
            kind: "test".into(),
            members: members
                .iter()
                .map(|(p, b)| Member {
                    path: (*p).into(),
                    sha256: Sha256Digest::of(b),
                    size: b.len() as u64,
                    media_type: "application/octet-stream".into(),
                    role: "x".into(),
                })
                .collect(),
        };
        Package { index, files: members.iter().map(|(_, b)| b.clone()).collect() }
    }

    #[test]
    fn a_zip_bomb_is_refused_while_inflating() {
        // 8 MiB of zeros deflate to a few KiB; a 1 MiB budget stops reading
        // after the first MiB, before the rest is ever held.
        let zip = package(&[("zeros", vec![0u8; 8 << 20])]).to_zip().expect("zip");
        assert!(zip.len() < 64 << 10, "{} bytes", zip.len());
        let limits = Limits { unpacked_bytes: 1 << 20, ..Limits::default() };
        let err = Package::from_zip_with(&zip, limits).expect_err("bomb").to_string();
        assert!(err.contains("zip bomb") && err.contains("1048576"), "{err}");
        // Within the default limits it reads.
        assert!(Package::from_zip(&zip).is_ok());
    }

    #[test]
    fn too_many_members_or_bytes_are_refused_naming_the_limit() {
        let members: Vec<(String, Vec<u8>)> = (0..5).map(|i| (format!("m{i}"), vec![1])).collect();
        let refs: Vec<(&str, Vec<u8>)> = members.iter().map(|(p, b)| (p.as_str(), b.clone())).collect();
        let zip = package(&refs).to_zip().expect("zip");
        let err =
            Package::from_zip_with(&zip, Limits { members: 4, ..Limits::default() }).expect_err("members").to_string();
        assert!(err.contains("5 members; the limit is 4"), "{err}");
        let err = Package::from_zip_with(&zip, Limits { package_bytes: 100, ..Limits::default() })
            .expect_err("size")
            .to_string();
        assert!(err.contains("the limit is 100"), "{err}");
    }

    #[test]
    fn unsafe_member_paths_are_refused() {
        for path in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a", "a/.", "a\\b", "bundle.json", "a\u{7}b"] {
            assert!(check_member_path(path).is_err(), "{path:?} accepted");
            // Written into a package by another tool, it is refused on read.
            let mut p = package(&[("ok", b"1".to_vec())]);
            p.index.members[0].path = path.into();
            if let Ok(zip) = p.to_zip() {
                assert!(Package::from_zip(&zip).is_err(), "{path:?} read back");
            }
        }
        for path in ["a", "deliverables/x.lading", "receipts/0.tlog-proof", "a.b/c-d_e"] {
            assert!(check_member_path(path).is_ok(), "{path:?} refused");
        }
    }

    #[test]
    fn duplicate_names_are_refused() {
        let p = package(&[("a", b"1".to_vec()), ("a", b"1".to_vec())]);
        // The zip writer itself refuses duplicates; an index listing one path twice is refused on read.
        match p.to_zip() {
            Err(e) => assert!(e.to_string().contains('a'), "{e}"),
            Ok(zip) => assert!(Package::from_zip(&zip).is_err()),
        }
        let mut p = package(&[("a", b"1".to_vec()), ("b", b"1".to_vec())]);
        let zip_ok = p.to_zip().expect("zip");
        assert!(Package::from_zip(&zip_ok).is_ok());
        p.index.members[1].path = "a".into();
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("bundle.json", opts).expect("start");
        w.write_all(&serde_json::to_vec(&p.index).expect("json")).expect("write");
        w.start_file("a", opts).expect("start");
        w.write_all(b"1").expect("write");
        let zip = w.finish().expect("finish").into_inner();
        let err = Package::from_zip(&zip).expect_err("duplicate").to_string();
        assert!(err.contains("lists a twice"), "{err}");
    }
}
