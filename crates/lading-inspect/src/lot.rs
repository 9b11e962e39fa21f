//! A lot's images on disk: one image file per item, in name order, and the
//! listing digest that pins them.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use lading_model::Sha256Digest;
use sha2::{Digest as _, Sha256};

/// Most images one lot folder may hold.
pub const MAX_IMAGES: usize = 1_000_000;
/// Largest image file read, in bytes.
pub const MAX_IMAGE_FILE_BYTES: u64 = 256 << 20;

/// Why a lot's images cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct LotError {
    /// The folder or file.
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
}

fn err(path: &Path, message: impl Into<String>) -> LotError {
    LotError { path: path.to_path_buf(), message: message.into() }
}

/// One image file of the lot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotImage {
    /// Its file name (UTF-8).
    pub name: String,
    /// Where it is.
    pub path: PathBuf,
    /// Its modification time, to the second: when it was acquired, as far
    /// as the file system knows.
    pub modified: DateTime<Utc>,
}

/// The image files of a folder, by name (byte order). Hidden files
/// (`.name`) are skipped; a sub-folder, a non-UTF-8 name (or one holding a
/// newline or backslash, which `sha256sum` would escape), an empty folder or
/// more than [`MAX_IMAGES`] files is an error naming it.
pub fn list(dir: &Path) -> Result<Vec<LotImage>, LotError> {
    list_at_most(dir, MAX_IMAGES)
}

/// [`list`] with another limit than [`MAX_IMAGES`].
pub fn list_at_most(dir: &Path, max_images: usize) -> Result<Vec<LotImage>, LotError> {
    let entries = std::fs::read_dir(dir).map_err(|e| err(dir, format!("cannot read the image folder: {e}")))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| err(dir, format!("cannot read the image folder: {e}")))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            return Err(err(&path, "the file name is not UTF-8"));
        };
        if name.starts_with('.') {
            continue;
        }
        if name.contains(['\n', '\\']) {
            return Err(err(&path, "the file name holds a newline or a backslash"));
        }
        let meta = std::fs::metadata(&path).map_err(|e| err(&path, e.to_string()))?;
        if !meta.is_file() {
            return Err(err(&path, "not an image file; the folder holds one image file per item and nothing else"));
        }
        let modified = meta
            .modified()
            .ok()
            .map(DateTime::<Utc>::from)
            .and_then(|t| DateTime::from_timestamp(t.timestamp(), 0))
            .ok_or_else(|| err(&path, "the file system gives no modification time"))?;
        out.push(LotImage { name, path, modified });
        if out.len() > max_images {
            return Err(err(dir, format!("holds more than {max_images} images, the limit of one lot")));
        }
    }
    if out.is_empty() {
        return Err(err(dir, "holds no image files"));
    }
    out.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    Ok(out)
}

/// Reads an image file within [`MAX_IMAGE_FILE_BYTES`].
pub fn read(path: &Path) -> Result<Vec<u8>, LotError> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| err(path, format!("cannot open: {e}")))?;
    let len = file.metadata().map_err(|e| err(path, format!("cannot stat: {e}")))?.len();
    if len > MAX_IMAGE_FILE_BYTES {
        return Err(err(path, format!("is larger than {} MiB ({len} bytes)", MAX_IMAGE_FILE_BYTES >> 20)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(MAX_IMAGE_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| err(path, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_IMAGE_FILE_BYTES {
        return Err(err(path, format!("is larger than {} MiB", MAX_IMAGE_FILE_BYTES >> 20)));
    }
    Ok(bytes)
}

/// The listing digest of images with these digests: SHA-256 over one line
/// `<hex>  <name>\n` per image in name order — the output of
/// `LC_ALL=C sha256sum -- *` in the folder.
pub fn listing_sha256<'a>(images: impl IntoIterator<Item = (&'a str, &'a Sha256Digest)>) -> Sha256Digest {
    let mut h = Sha256::new();
    for (name, digest) in images {
        h.update(digest.to_hex().as_bytes());
        h.update(b"  ");
        h.update(name.as_bytes());
        h.update(b"\n");
    }
    Sha256Digest::from_bytes(h.finalize().into())
}

/// A lot description file (TOML): who the inspection is for and how the
/// images were taken — what the report says besides the model's results.
///
/// ```toml
/// [provider]
/// legal_name = "Shenzhen Example Vision Technology Co., Ltd."
/// registration_id = "91440300MA5EXAMPLE"
/// white_list_entry = "SZ-DSE-2026-0042"   # optional
/// pilot_zone = "shenzhen"                  # optional
///
/// [client]
/// name = "Example Automotive GmbH"
/// country = "DE"
/// reference = "PO-77812"                   # optional
///
/// [lot]
/// id = "LOT-2026-1127-A"
/// part_number = "BRK-4410"
/// part_revision = "C"
/// site = "Shenzhen Plant 2"
/// line = "L3"
/// station = "AOI-1"
/// started_at = "2026-11-27T06:00:00Z"      # optional, with ended_at
/// ended_at = "2026-11-27T08:00:00Z"
///
/// [acquisition]
/// lighting_recipe = "ring-white-70pct"
/// camera = { make = "Hikrobot", model = "MV-CS050-10GC", serial = "K12345678" }
/// calibration = { id = "CAL-AOI1-2026-11", date = "2026-11-01" }
///
/// [model]
/// id = "surface-classifier"
/// version = "1.0.0"
///
/// jurisdictions = ["DE"]                   # optional, top level, before the tables
/// ```
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotInfo {
    /// Countries the report is meant for (ISO 3166-1 alpha-2).
    #[serde(default)]
    pub jurisdictions: Vec<String>,
    /// The provider.
    pub provider: lading_model::meta::Provider,
    /// The client.
    pub client: lading_model::inspection::Client,
    /// The lot.
    pub lot: LotSection,
    /// The acquisition set-up.
    pub acquisition: lading_model::inspection::Acquisition,
    /// The model's name and version.
    pub model: ModelSection,
}

/// `[lot]` of a lot description.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotSection {
    /// Lot id.
    pub id: String,
    /// Part number.
    pub part_number: String,
    /// Part revision.
    pub part_revision: String,
    /// Production site.
    pub site: String,
    /// Production line.
    pub line: String,
    /// Inspection station.
    pub station: String,
    /// Start of the inspection window.
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    /// End of the inspection window.
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
}

/// `[model]` of a lot description.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSection {
    /// Model id.
    pub id: String,
    /// Model version.
    pub version: String,
}

impl LotInfo {
    /// Parses a lot description; errors name the field (TOML path) and line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let info: LotInfo =
            toml::from_str(text).map_err(|e| format!("{}: {}", crate::profile::toml_place(text, &e), e.message()))?;
        match (info.lot.started_at, info.lot.ended_at) {
            (Some(a), Some(b)) if b < a => return Err("lot.ended_at: is before lot.started_at".into()),
            (Some(_), None) | (None, Some(_)) => {
                return Err("lot.started_at, lot.ended_at: give both or neither".into());
            }
            _ => {}
        }
        Ok(info)
    }

    /// The inspection window, when given.
    pub fn window(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.lot.started_at.zip(self.lot.ended_at)
    }
}
