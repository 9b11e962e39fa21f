//! Hashing a release tree: every regular file, in parallel, streamed.

use std::fs::{self, File};
use std::io::Read as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use lading_model::Sha256Digest;
use sha2::Digest as _;

use crate::ReleaseError;

/// A file of a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Relative path with `/` separators.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content.
    pub sha256: Sha256Digest,
    /// Permission bits, octal (`0644`).
    pub mode: String,
}

/// A directory of a tree (not its root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    /// Relative path with `/` separators.
    pub path: String,
    /// Permission bits, octal (`0755`, `1777` with the sticky bit).
    pub mode: String,
}

/// Streams `path` through SHA-256; returns (digest, size).
pub fn hash_file(path: &Path, progress: &(dyn Fn(u64) + Sync)) -> Result<(Sha256Digest, u64), ReleaseError> {
    let io = |e: std::io::Error| ReleaseError::Io { path: path.to_owned(), detail: e.to_string() };
    let mut f = File::open(path).map_err(io)?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        size += n as u64;
        progress(n as u64);
    }
    Ok((Sha256Digest::from_bytes(h.finalize().into()), size))
}

/// Lists the regular files under `root` (relative, sorted). Symbolic links
/// are refused, never followed: a link could point outside the tree.
pub fn list_files(root: &Path) -> Result<Vec<(String, PathBuf)>, ReleaseError> {
    walk(root).map(|(files, _)| files)
}

/// The directories under `root` (relative, sorted, the root itself not
/// among them) with their permission bits; refused as [`list_files`] refuses.
pub fn directories(root: &Path) -> Result<Vec<DirEntry>, ReleaseError> {
    walk(root).map(|(_, dirs)| dirs)
}

/// Files by relative path and where they are.
type Files = Vec<(String, PathBuf)>;

/// The regular files and the directories under `root`, each sorted.
fn walk(root: &Path) -> Result<(Files, Vec<DirEntry>), ReleaseError> {
    let mut out = Vec::new();
    let mut dirs = Vec::new();
    let mut stack = vec![(String::new(), root.to_path_buf())];
    while let Some((prefix, dir)) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| ReleaseError::Io { path: dir.clone(), detail: e.to_string() })?;
        for entry in entries {
            let entry = entry.map_err(|e| ReleaseError::Io { path: dir.clone(), detail: e.to_string() })?;
            let path = entry.path();
            let name = entry.file_name().into_string().map_err(|raw| ReleaseError::BadName {
                path: path.clone(),
                detail: format!("file name {raw:?} is not UTF-8"),
            })?;
            if name.contains('\\') || name.chars().any(char::is_control) {
                return Err(ReleaseError::BadName {
                    path,
                    detail: "backslash or control character in the name".into(),
                });
            }
            let rel = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
            let kind = entry.file_type().map_err(|e| ReleaseError::Io { path: path.clone(), detail: e.to_string() })?;
            if kind.is_symlink() {
                let target = fs::read_link(&path).map(|t| t.display().to_string()).unwrap_or_default();
                return Err(ReleaseError::Symlink { path, target });
            } else if kind.is_dir() {
                let meta =
                    entry.metadata().map_err(|e| ReleaseError::Io { path: path.clone(), detail: e.to_string() })?;
                dirs.push(DirEntry { path: rel.clone(), mode: format!("{:04o}", meta.permissions().mode() & 0o7777) });
                stack.push((rel, path));
            } else if kind.is_file() {
                out.push((rel, path));
            } else {
                return Err(ReleaseError::BadName {
                    path,
                    detail: "not a regular file or directory (device, socket or fifo)".into(),
                });
            }
        }
    }
    out.sort();
    dirs.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((out, dirs))
}

/// Hashes every file under `root` with `threads` workers (0 = all cores).
pub fn scan(root: &Path, threads: usize, progress: &(dyn Fn(u64) + Sync)) -> Result<Vec<FileEntry>, ReleaseError> {
    let files = list_files(root)?;
    let threads = if threads == 0 { std::thread::available_parallelism().map_or(1, usize::from) } else { threads };
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<FileEntry, ReleaseError>>>> =
        Mutex::new((0..files.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.min(files.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((rel, path)) = files.get(i) else { break };
                    let entry = (|| {
                        let meta = fs::metadata(path)
                            .map_err(|e| ReleaseError::Io { path: path.clone(), detail: e.to_string() })?;
                        let (sha256, size) = hash_file(path, progress)?;
                        Ok(FileEntry {
                            path: rel.clone(),
                            size,
                            sha256,
                            mode: format!("{:04o}", meta.permissions().mode() & 0o7777),
                        })
                    })();
                    results.lock().unwrap_or_else(std::sync::PoisonError::into_inner)[i] = Some(entry);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| Err(ReleaseError::Io { path: root.to_owned(), detail: "a file was not hashed".into() }))
        })
        .collect()
}

/// A media type from a file name (the common ones; octet-stream otherwise).
pub fn media_type(path: &str) -> &'static str {
    let lower = path.to_ascii_lowercase();
    let ends = |s: &str| lower.ends_with(s);
    if ends(".cdx.json") || ends(".bom.json") || ends("bom.json") {
        "application/vnd.cyclonedx+json"
    } else if ends(".spdx.json") {
        "application/spdx+json"
    } else if ends(".intoto.jsonl") || ends(".dsse.json") {
        "application/vnd.dsse.envelope.v1+json"
    } else if ends(".json") {
        "application/json"
    } else if ends(".md") {
        "text/markdown"
    } else if ends(".txt") || ends(".log") {
        "text/plain"
    } else if ends(".html") || ends(".htm") {
        "text/html"
    } else if ends(".js") {
        "text/javascript"
    } else if ends(".css") {
        "text/css"
    } else if ends(".yaml") || ends(".yml") {
        "application/yaml"
    } else if ends(".tar.gz") || ends(".tgz") {
        "application/gzip"
    } else if ends(".zip") {
        "application/zip"
    } else if ends(".wasm") {
        "application/wasm"
    } else if ends(".sql") {
        "application/sql"
    } else {
        "application/octet-stream"
    }
}
