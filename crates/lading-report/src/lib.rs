//! # lading-report
//!
//! PDF/A-3b documents for people who file or forward them: a verdict, an
//! inspection report, a certificate. A caller describes the document as
//! [`Doc`] — already translated text in [`Block`]s, and the evidence to carry
//! as [`Attachment`]s — and [`render`] lays it out on A4 pages with
//! [krilla](https://docs.rs/krilla), embedding and subsetting the fonts it is
//! given ([`Fonts`]: Noto Sans CJK covers Chinese and Latin) and attaching the
//! evidence as associated files (`/AF`, `AFRelationship` `Source` or `Data`).
//! The same [`Doc`] and fonts give the same bytes: no clock, no random id.
//!
//! [`read::Report`] read such a PDF back (with
//! `lopdf`, within size caps), so a verifier can check the evidence a report
//! carries against what it shows.
//!
//! This crate knows no Lading document: it lays out text, tables and images.
//! It reads no file: callers pass font bytes in.
//!
//! ```no_run
//! # fn font_bytes() -> Vec<u8> { Vec::new() }
//! use lading_report::{Attachment, Block, Doc, Fonts, Relationship, Stamp};
//! let fonts = Fonts::from_collection(font_bytes(), 2, 7).expect("a CJK font");
//! let doc = Doc {
//!     title: "核验结论".into(),
//!     lang: "zh-CN".into(),
//!     subject: "verdict".into(),
//!     created: Stamp { year: 2026, month: 12, day: 5, hour: 12, minute: 0, second: 0 },
//!     blocks: vec![Block::Title("核验结论".into()), Block::Text("验证通过".into())],
//!     attachments: vec![Attachment {
//!         name: "evidence.lading".into(),
//!         mime: "application/zip".into(),
//!         description: "the evidence bundle".into(),
//!         relationship: Relationship::Source,
//!         bytes: b"PK".to_vec(),
//!     }],
//! };
//! let pdf = lading_report::render(&doc, &fonts).expect("pdf");
//! assert!(pdf.starts_with(b"%PDF-1.7"));
//! ```

mod layout;
pub mod read;

pub use layout::render;

use std::sync::Arc;

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The font bytes are not a usable font at that index.
    #[error("not a usable font (collection index {index}): {why}")]
    Font {
        /// The index in the collection.
        index: u32,
        /// What is wrong.
        why: String,
    },
    /// An image the document names could not be read.
    #[error("image {name}: {why}")]
    Image {
        /// The image's name.
        name: String,
        /// What is wrong.
        why: String,
    },
    /// krilla refused the document (a PDF/A rule, a font's embedding permission…).
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// A date and time in UTC, written into the document's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Year.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31.
    pub day: u8,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute.
    pub minute: u8,
    /// Second.
    pub second: u8,
}

/// How an attached file relates to the document (PDF/A-3 `AFRelationship`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relationship {
    /// The document was made from it (the evidence bundle of a verdict).
    Source,
    /// The data the visible content presents (a verdict as JSON).
    Data,
}

/// A file carried inside the PDF.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// Its file name.
    pub name: String,
    /// Its media type (`application/zip`, `application/json`).
    pub mime: String,
    /// What it is, for a person.
    pub description: String,
    /// How it relates to the document.
    pub relationship: Relationship,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A colour cue for a banner or table row; the text always says it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Nothing to note.
    Plain,
    /// Holds.
    Good,
    /// Holds with a caveat.
    Warning,
    /// Does not hold.
    Bad,
    /// Does not apply.
    Muted,
}

/// A rectangle drawn over an image, in the image's pixels, with a label.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
    /// The label written above it.
    pub label: String,
}

/// One row of a table.
#[derive(Debug, Clone)]
pub struct Row {
    /// Its colour cue.
    pub tone: Tone,
    /// Its cells, one per column.
    pub cells: Vec<String>,
}

/// A piece of the document, laid out top to bottom.
#[derive(Debug, Clone)]
pub enum Block {
    /// The document's title.
    Title(String),
    /// A section heading.
    Heading(String),
    /// A paragraph.
    Text(String),
    /// A line that must not be missed (the verdict), on a coloured band.
    Banner {
        /// The text.
        text: String,
        /// Its cue.
        tone: Tone,
    },
    /// Label–value pairs with their cue (a warning is shaded); values in a fixed-width face
    /// when they are digests.
    Facts(Vec<(String, String, Tone)>),
    /// A table; `widths` are relative column widths.
    Table {
        /// Column headings.
        columns: Vec<String>,
        /// Relative widths, one per column.
        widths: Vec<f32>,
        /// The rows.
        rows: Vec<Row>,
    },
    /// A PNG or JPEG image with rectangles drawn over it, and a caption.
    Image {
        /// Its name (for errors).
        name: String,
        /// PNG or JPEG bytes.
        bytes: Arc<Vec<u8>>,
        /// Boxes to draw.
        marks: Vec<Mark>,
        /// The caption under it.
        caption: String,
    },
}

/// A document to render.
#[derive(Debug, Clone)]
pub struct Doc {
    /// The title (metadata and window title).
    pub title: String,
    /// Its language, BCP 47 (`en`, `zh-CN`).
    pub lang: String,
    /// What it is, for the metadata's description.
    pub subject: String,
    /// When it was made (the metadata's dates; the caller's clock, not ours).
    pub created: Stamp,
    /// The content.
    pub blocks: Vec<Block>,
    /// Files to carry as associated files of the document.
    pub attachments: Vec<Attachment>,
}

/// The faces a document is set in: a proportional one and a fixed-width one
/// for digests, each embedded and subset.
#[derive(Clone)]
pub struct Fonts {
    pub(crate) regular: layout::Face,
    pub(crate) mono: layout::Face,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts").finish_non_exhaustive()
    }
}

/// The font Debian's `fonts-noto-cjk` installs: Noto Sans CJK, a collection
/// whose face 2 is Simplified Chinese and face 7 its fixed-width companion.
pub const DEBIAN_NOTO_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
/// The face of [`DEBIAN_NOTO_CJK`] for Simplified Chinese (and Latin).
pub const NOTO_CJK_SC: u32 = 2;
/// The fixed-width face of [`DEBIAN_NOTO_CJK`] for Simplified Chinese.
pub const NOTO_CJK_SC_MONO: u32 = 7;

impl Fonts {
    /// Both faces from one font file or collection (`.ttf`, `.otf`, `.ttc`).
    pub fn from_collection(bytes: Vec<u8>, regular: u32, mono: u32) -> Result<Self, ReportError> {
        let data = Arc::new(bytes);
        Ok(Fonts { regular: layout::Face::new(data.clone(), regular)?, mono: layout::Face::new(data, mono)? })
    }
}
