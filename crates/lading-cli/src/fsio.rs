//! File reading with size limits and key files with safe modes.

use std::fs::{self, OpenOptions};
use std::io::{Read as _, Write as _};
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::Path;

use anyhow::{Context as _, Result, bail};

/// Largest document or envelope read (64 MiB).
pub(crate) const MAX_DOCUMENT_BYTES: u64 = 64 << 20;

/// Largest key file read (64 KiB).
pub(crate) const MAX_KEY_BYTES: u64 = 64 << 10;

/// Creates `dir` and its missing parents with mode 0700: data, key and log
/// directories are private to the account running Lading (existing
/// directories keep their permissions).
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).with_context(|| format!("creating {}", dir.display()))
}

/// Reads `path` (or stdin for `-`), refusing more than `limit` bytes.
pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let name = path.display();
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().take(limit + 1).read_to_end(&mut bytes).context("reading standard input")?;
    } else {
        let file = fs::File::open(path).with_context(|| format!("cannot open {name}"))?;
        let meta = file.metadata().with_context(|| format!("cannot stat {name}"))?;
        if meta.is_dir() {
            bail!("{name} is a directory, not a file");
        }
        if meta.len() > limit {
            bail!("{name} is {} bytes; the limit is {limit} bytes", meta.len());
        }
        file.take(limit + 1).read_to_end(&mut bytes).with_context(|| format!("cannot read {name}"))?;
    }
    if bytes.len() as u64 > limit {
        bail!("{name} is larger than the limit of {limit} bytes");
    }
    Ok(bytes)
}

/// Reads a UTF-8 text file of at most `limit` bytes.
pub(crate) fn read_text(path: &Path, limit: u64) -> Result<String> {
    let bytes = read_limited(path, limit)?;
    String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8 text", path.display()))
}

/// Writes `bytes` to `path` with `mode`, via a temporary file renamed into
/// place, so a crash never leaves a half-written file. Refuses to replace an
/// existing file unless `force`.
pub(crate) fn write_new(path: &Path, bytes: &[u8], mode: u32, force: bool) -> Result<()> {
    let name = path.display();
    if !force && path.exists() {
        bail!("{name} already exists (use --force to replace it)");
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = path.file_name().with_context(|| format!("{name} has no file name"))?;
    let tmp = dir.join(format!(".{}.tmp-{}", file_name.to_string_lossy(), std::process::id()));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)
        .with_context(|| format!("cannot create {}", tmp.display()))?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", tmp.display()));
    }
    fs::rename(&tmp, path).with_context(|| format!("cannot rename {} to {name}", tmp.display()))
}

/// The file beside `path` named `path` + `suffix` (`key.pub`, `list.json.tlog-proof`,
/// `statement.json.tsr`): where a command keeps what belongs to a file.
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

/// Writes an output file (mode 0644), replacing any existing one.
pub(crate) fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    write_new(path, bytes, 0o644, true)
}

/// Set by `--allow-loose-key-permissions`.
pub(crate) static ALLOW_LOOSE_KEYS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Reads a key file's text (wiped on drop). A file holding a private key
/// (plain or encrypted) is refused when group or others may read it, unless
/// `--allow-loose-key-permissions` was given (then it warns each time): the
/// one permission check of every command that reads a key.
pub(crate) fn read_key_file(path: &Path) -> Result<zeroize::Zeroizing<String>> {
    let pem = read_secret_text(path)?;
    // Only a file holding a private key is judged (a public key given by
    // mistake gets the parser's clearer error).
    if pem.contains("PRIVATE KEY")
        && let Ok(meta) = fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        let mode = meta.permissions().mode() & 0o777;
        if !ALLOW_LOOSE_KEYS.load(std::sync::atomic::Ordering::Relaxed) {
            bail!(
                "private key {} is readable by group or others (mode {mode:o}); chmod 600 it \
                 (or pass --allow-loose-key-permissions to use it anyway)",
                path.display()
            );
        }
        eprintln!(
            "WARNING: using private key {} although group or others may read it (mode {mode:o}; --allow-loose-key-permissions)",
            path.display()
        );
    }
    Ok(pem)
}

/// Reads a private key file's text into memory that is wiped when dropped:
/// one buffer, sized from the file's length up front (no reallocation
/// leaves copies behind), zeroized afterwards — the key types themselves
/// (ed25519-dalek, p256, sm2) wipe their secret on drop.
fn read_secret_text(path: &Path) -> Result<zeroize::Zeroizing<String>> {
    let name = path.display();
    let file = fs::File::open(path).with_context(|| format!("cannot open {name}"))?;
    let len = file.metadata().with_context(|| format!("cannot stat {name}"))?.len();
    if len > MAX_KEY_BYTES {
        bail!("{name} is {len} bytes; the limit is {MAX_KEY_BYTES} bytes");
    }
    let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(usize::try_from(len).unwrap_or(0) + 1));
    file.take(MAX_KEY_BYTES + 1).read_to_end(&mut bytes).with_context(|| format!("cannot read {name}"))?;
    if bytes.len() as u64 > MAX_KEY_BYTES {
        bail!("{name} is larger than the limit of {MAX_KEY_BYTES} bytes");
    }
    let text = std::str::from_utf8(&bytes).with_context(|| format!("{name} is not UTF-8 text"))?;
    let mut out = zeroize::Zeroizing::new(String::with_capacity(text.len()));
    out.push_str(text);
    Ok(out)
}

/// Reads a public key file.
pub(crate) fn read_public_key(path: &Path) -> Result<lading_crypto::VerifyingKey> {
    let pem = read_text(path, MAX_KEY_BYTES)?;
    lading_crypto::VerifyingKey::from_spki_pem(&pem)
        .with_context(|| format!("cannot read public key {}", path.display()))
}
