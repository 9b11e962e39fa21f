//! A certificate or statement just issued, for people: `--html` and `--pdf`
//! (PDF/A-3b with the signed credential embedded as its source) in the
//! language of `--lang`. The PDF is a function of the credential's bytes,
//! the language and the font: its date is the proof's `created` time.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use chrono::{DateTime, Utc};
use lading_console::credential_sheet::{CredentialKind, CredentialSheet};

use crate::cli::{FontArgs, LangArg};
use crate::fsio;

/// Where and how to show a credential.
pub(crate) struct CredentialView<'a> {
    /// The credential's own file (its name is the attachment's).
    pub(crate) out: &'a Path,
    /// `--html`.
    pub(crate) html: &'a Option<PathBuf>,
    /// `--pdf`.
    pub(crate) pdf: &'a Option<PathBuf>,
    /// `--lang`.
    pub(crate) lang: LangArg,
}

/// The fonts a PDF will need, read before anything is written (a missing
/// font must not leave a credential without the PDF that was asked for).
pub(crate) fn fonts_for(pdf: &Option<PathBuf>, font: &FontArgs) -> Result<Option<lading_report::Fonts>> {
    pdf.as_ref().map(|_| crate::cmd::verdict::fonts(font)).transpose()
}

/// Writes the HTML page and the PDF `view` asks for, of the signed `credential`.
pub(crate) fn write(
    view: &CredentialView<'_>,
    fonts: Option<&lading_report::Fonts>,
    credential: &[u8],
    kind: CredentialKind,
) -> Result<()> {
    if view.html.is_none() && view.pdf.is_none() {
        return Ok(());
    }
    let value: serde_json::Value = serde_json::from_slice(credential)?;
    let sheet = CredentialSheet::new(&value, kind, view.lang.lang());
    if let Some(path) = view.html {
        fsio::write_output(path, sheet.to_html().as_bytes())?;
    }
    if let (Some(path), Some(fonts)) = (view.pdf, fonts) {
        let created = value["proof"]["created"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| anyhow!("the credential's /proof/created is not an RFC 3339 time"))?;
        let name = view.out.file_name().map_or_else(|| "credential.json".into(), |n| n.to_string_lossy().into_owned());
        let doc = sheet.to_doc(crate::cmd::verdict::stamp(created), &name, credential);
        let pdf = lading_report::render(&doc, fonts).with_context(|| format!("{}", path.display()))?;
        fsio::write_output(path, &pdf)?;
    }
    Ok(())
}
