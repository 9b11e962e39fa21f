//! Reading a report back: the files it carries as associated files, and the
//! text its pages show. Parsing is `lopdf`'s; every stream is decompressed
//! within a cap, so a small crafted file cannot inflate without bound.

use lopdf::{Document, LoadOptions, Object};

/// Why a PDF could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file is larger than [`Limits::pdf`].
    #[error("the PDF is {size} bytes; at most {max} are read")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The cap.
        max: usize,
    },
    /// Not a PDF lopdf can parse.
    #[error("not a readable PDF: {0}")]
    Parse(String),
    /// An associated file that cannot be read (path names the object).
    #[error("associated file {at}: {why}")]
    Attachment {
        /// Which one (its position in the catalog's /AF, or its name).
        at: String,
        /// What is wrong.
        why: String,
    },
    /// The page text could not be extracted.
    #[error("the text of page {page} cannot be extracted: {why}")]
    Text {
        /// The page, from 1.
        page: u32,
        /// What is wrong.
        why: String,
    },
}

/// Caps on what is read.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest PDF read.
    pub pdf: usize,
    /// The largest any one stream (an attachment, a page) may decompress to.
    pub stream: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { pdf: 512 << 20, stream: 256 << 20 }
    }
}

/// A file carried by a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carried {
    /// Its file name (`/UF`, else `/F`).
    pub name: String,
    /// Its `AFRelationship` (`Source`, `Data`, …), when given.
    pub relationship: Option<String>,
    /// Its bytes, decompressed.
    pub bytes: Vec<u8>,
}

/// A PDF, parsed.
pub struct Report {
    doc: Document,
    limits: Limits,
}

impl std::fmt::Debug for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Report").field("pages", &self.doc.get_pages().len()).finish_non_exhaustive()
    }
}

fn text_of(o: &Object) -> Option<String> {
    match o {
        Object::String(bytes, _) => Some(decode_text_string(bytes)),
        Object::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
        _ => None,
    }
}

/// A PDF text string: UTF-16BE with a byte-order mark, UTF-8 with one
/// (PDF 2.0), else PDFDocEncoding (read as Latin-1, which agrees on the
/// printable ASCII that file names use).
fn decode_text_string(b: &[u8]) -> String {
    if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    } else if let Some(rest) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        b.iter().map(|&c| char::from(c)).collect()
    }
}

impl Report {
    /// Parses `pdf` within `limits`.
    pub fn parse(pdf: &[u8], limits: Limits) -> Result<Self, ReadError> {
        if pdf.len() > limits.pdf {
            return Err(ReadError::TooLarge { size: pdf.len(), max: limits.pdf });
        }
        let options = LoadOptions { max_decompressed_size: Some(limits.stream), ..LoadOptions::default() };
        let doc = Document::load_mem_with_options(pdf, options).map_err(|e| ReadError::Parse(e.to_string()))?;
        Ok(Report { doc, limits })
    }

    /// The files associated with the document as a whole (the catalog's
    /// `/AF`, PDF/A-3), in order.
    pub fn attachments(&self) -> Result<Vec<Carried>, ReadError> {
        let catalog = self.doc.catalog().map_err(|e| ReadError::Parse(e.to_string()))?;
        let Ok(af) = catalog.get_deref(b"AF", &self.doc) else { return Ok(Vec::new()) };
        let list = af.as_array().map_err(|e| ReadError::Attachment { at: "/AF".into(), why: e.to_string() })?;
        let mut out = Vec::new();
        for (i, spec) in list.iter().enumerate() {
            let at = format!("/AF[{i}]");
            let bad = |why: String| ReadError::Attachment { at: at.clone(), why };
            let (_, spec) = self.doc.dereference(spec).map_err(|e| bad(e.to_string()))?;
            let spec = spec.as_dict().map_err(|e| bad(format!("not a file specification: {e}")))?;
            let name = spec
                .get(b"UF")
                .or_else(|_| spec.get(b"F"))
                .ok()
                .and_then(text_of)
                .ok_or_else(|| bad("no file name (/UF or /F)".into()))?;
            let relationship = spec.get(b"AFRelationship").ok().and_then(text_of);
            let stream = spec
                .get_deref(b"EF", &self.doc)
                .and_then(|ef| ef.as_dict())
                .and_then(|ef| ef.get_deref(b"F", &self.doc))
                .and_then(|f| f.as_stream())
                .map_err(|e| bad(format!("{name}: no embedded file stream (/EF /F): {e}")))?;
            let bytes = if stream.dict.get(b"Filter").is_ok() {
                stream.decompressed_content_with_limit(self.limits.stream).map_err(|e| {
                    bad(format!("{name}: cannot be decompressed within {} bytes: {e}", self.limits.stream))
                })?
            } else {
                stream.content.clone()
            };
            out.push(Carried { name, relationship, bytes });
        }
        Ok(out)
    }

    /// The text each page shows, in page order (through the fonts' ToUnicode maps).
    pub fn page_text(&self) -> Result<Vec<String>, ReadError> {
        let pages: Vec<u32> = self.doc.get_pages().keys().copied().collect();
        pages
            .into_iter()
            .map(|n| {
                self.doc
                    .extract_text_with_limit(&[n], self.limits.stream)
                    .map_err(|e| ReadError::Text { page: n, why: e.to_string() })
            })
            .collect()
    }
}
