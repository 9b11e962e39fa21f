//! Laying a [`Doc`] out on A4 pages with krilla: text wrapped by the font's
//! own advances, tables that break across pages, images scaled to the
//! column with their boxes drawn.

use std::sync::Arc;

use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder, PdfVersion};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};
use skrifa::MetadataProvider as _;
use skrifa::instance::{LocationRef, Size as FontSize};

use crate::{Block, Doc, Fonts, Relationship, ReportError, Row, Stamp, Tone};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 48.0;
const BODY: f32 = 9.5;
const LEADING: f32 = 1.35;

/// One face of a font file: krilla's handle, and the bytes for measuring.
#[derive(Clone)]
pub(crate) struct Face {
    font: Font,
    data: Arc<Vec<u8>>,
    index: u32,
    /// Advance widths at size 1, by character, for the characters met so far.
    widths: Arc<std::sync::Mutex<std::collections::HashMap<char, f32>>>,
}

impl Face {
    pub(crate) fn new(data: Arc<Vec<u8>>, index: u32) -> Result<Self, ReportError> {
        skrifa::FontRef::from_index(&data, index).map_err(|e| ReportError::Font { index, why: e.to_string() })?;
        let font = Font::new(data.clone().into(), index)
            .ok_or_else(|| ReportError::Font { index, why: "krilla cannot read it".into() })?;
        Ok(Face { font, data, index, widths: Arc::default() })
    }

    /// The width of `text` at `size` points (advances, no kerning: close
    /// enough to wrap lines).
    fn width(&self, text: &str, size: f32) -> f32 {
        let mut cache = self.widths.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut missing: Vec<char> = text.chars().filter(|c| !cache.contains_key(c)).collect();
        if !missing.is_empty() {
            missing.sort_unstable();
            missing.dedup();
            if let Ok(f) = skrifa::FontRef::from_index(&self.data, self.index) {
                let charmap = f.charmap();
                let metrics = f.glyph_metrics(FontSize::new(1.0), LocationRef::default());
                for c in missing {
                    let w = charmap.map(c).and_then(|g| metrics.advance_width(g)).unwrap_or(0.6);
                    cache.insert(c, w);
                }
            }
        }
        text.chars().map(|c| cache.get(&c).copied().unwrap_or(0.6)).sum::<f32>() * size
    }
}

/// Splits `text` into lines no wider than `width`: at spaces where it can,
/// anywhere in a word too long for a line (digests), and always at `\n`.
fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_inclusive(' ') {
            if face.width(&format!("{line}{}", word.trim_end()), size) <= width {
                line.push_str(word);
                continue;
            }
            if !line.trim().is_empty() {
                lines.push(line.trim_end().to_owned());
                line.clear();
            }
            // A word wider than the line, or CJK text without spaces: break by character.
            for c in word.chars() {
                if face.width(&format!("{line}{c}"), size) > width && !line.is_empty() {
                    lines.push(line.trim_end().to_owned());
                    line.clear();
                }
                if !(line.is_empty() && c == ' ') {
                    line.push(c);
                }
            }
        }
        lines.push(line.trim_end().to_owned());
    }
    lines
}

fn colour(tone: Tone) -> Option<rgb::Color> {
    match tone {
        Tone::Plain => None,
        Tone::Good => Some(rgb::Color::new(220, 252, 231)),
        Tone::Warning => Some(rgb::Color::new(254, 243, 199)),
        Tone::Bad => Some(rgb::Color::new(254, 226, 226)),
        Tone::Muted => Some(rgb::Color::new(243, 244, 246)),
    }
}

fn ink(tone: Tone) -> rgb::Color {
    match tone {
        Tone::Good => rgb::Color::new(20, 83, 45),
        Tone::Warning => rgb::Color::new(120, 53, 15),
        Tone::Bad => rgb::Color::new(127, 29, 29),
        Tone::Muted => rgb::Color::new(75, 85, 99),
        Tone::Plain => rgb::Color::new(27, 31, 36),
    }
}

fn fill(c: rgb::Color) -> Fill {
    Fill { paint: c.into(), opacity: NormalizedF32::ONE, rule: krilla::paint::FillRule::default() }
}

/// Page content as drawing operations, collected first so that pages can be
/// broken before anything is drawn.
enum Op {
    Text { x: f32, y: f32, mono: bool, size: f32, text: String, colour: rgb::Color },
    Rect { x: f32, y: f32, w: f32, h: f32, colour: rgb::Color },
    Line { x1: f32, y1: f32, x2: f32, y2: f32 },
    Image { image: Image, x: f32, y: f32, w: f32, h: f32 },
    Frame { x: f32, y: f32, w: f32, h: f32, colour: rgb::Color, width: f32 },
}

struct Pages<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Pages<'_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Makes room for `h` points, starting a new page when this one is full.
    fn room(&mut self, h: f32) {
        if self.pages.is_empty() || (self.y + h > PAGE_H - MARGIN && self.y > MARGIN + 1.0) {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    fn face(&self, mono: bool) -> &Face {
        if mono { &self.fonts.mono } else { &self.fonts.regular }
    }

    fn paragraph(&mut self, text: &str, size: f32, mono: bool, colour: rgb::Color, x: f32, width: f32) {
        let lines = wrap(self.face(mono), text, size, width);
        for line in lines {
            self.room(size * LEADING);
            let y = self.y + size;
            self.ops().push(Op::Text { x, y, mono, size, text: line, colour });
            self.y += size * LEADING;
        }
    }

    fn table(&mut self, columns: &[String], widths: &[f32], rows: &[Row]) {
        let total: f32 = widths.iter().sum::<f32>().max(f32::EPSILON);
        let usable = PAGE_W - 2.0 * MARGIN;
        let cols: Vec<f32> = widths.iter().map(|w| w / total * usable).collect();
        let pad = 3.0;
        let header = Row { tone: Tone::Muted, cells: columns.to_vec() };
        let draw_row = |p: &mut Self, row: &Row, bold_header: bool| {
            let cells: Vec<(Vec<String>, bool)> = row
                .cells
                .iter()
                .zip(&cols)
                .map(|(c, w)| {
                    let mono = !bold_header && looks_like_digest(c);
                    (wrap(p.face(mono), c, BODY, w - 2.0 * pad), mono)
                })
                .collect();
            let lines = cells.iter().map(|(l, _)| l.len()).max().unwrap_or(1).max(1);
            let h = lines as f32 * BODY * LEADING + 2.0 * pad;
            p.room(h);
            let y0 = p.y;
            if let Some(bg) = colour(row.tone) {
                p.ops().push(Op::Rect { x: MARGIN, y: y0, w: usable, h, colour: bg });
            }
            let mut x = MARGIN;
            for ((lines, mono), w) in cells.into_iter().zip(&cols) {
                for (i, line) in lines.into_iter().enumerate() {
                    let y = y0 + pad + BODY + i as f32 * BODY * LEADING;
                    p.ops().push(Op::Text { x: x + pad, y, mono, size: BODY, text: line, colour: ink(row.tone) });
                }
                x += w;
            }
            p.ops().push(Op::Line { x1: MARGIN, y1: y0 + h, x2: MARGIN + usable, y2: y0 + h });
            p.y += h;
        };
        draw_row(self, &header, true);
        for row in rows {
            draw_row(self, row, false);
        }
        self.y += 8.0;
    }
}

/// A value shown in the fixed-width face: a hex digest or a key id.
fn looks_like_digest(s: &str) -> bool {
    s.len() >= 32 && s.chars().all(|c| c.is_ascii_hexdigit() || c == ':')
}

/// Images are not interpolated: PDF/A forbids it (krilla refuses the document otherwise).
fn image_of(name: &str, bytes: &Arc<Vec<u8>>) -> Result<Image, ReportError> {
    let data: krilla::Data = bytes.clone().into();
    let result = if bytes.starts_with(b"\x89PNG") {
        Image::from_png(data, false)
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        Image::from_jpeg(data, false)
    } else {
        Err("neither PNG nor JPEG".into())
    };
    result.map_err(|why| ReportError::Image { name: name.to_owned(), why })
}

fn lay_out(doc: &Doc, fonts: &Fonts) -> Result<Vec<Vec<Op>>, ReportError> {
    let mut p = Pages { fonts, pages: Vec::new(), y: MARGIN };
    let width = PAGE_W - 2.0 * MARGIN;
    let plain = ink(Tone::Plain);
    for block in &doc.blocks {
        match block {
            Block::Title(t) => {
                p.paragraph(t, 17.0, false, plain, MARGIN, width);
                p.y += 6.0;
            }
            Block::Heading(t) => {
                p.y += 6.0;
                p.room(13.0 * LEADING + 3.0 * BODY * LEADING);
                p.paragraph(t, 13.0, false, plain, MARGIN, width);
                p.y += 2.0;
            }
            Block::Text(t) => {
                p.paragraph(t, BODY, false, plain, MARGIN, width);
                p.y += 4.0;
            }
            Block::Banner { text, tone } => {
                let size = 14.0;
                let lines = wrap(&fonts.regular, text, size, width - 16.0);
                let h = lines.len() as f32 * size * LEADING + 12.0;
                p.room(h);
                let y0 = p.y;
                if let Some(bg) = colour(*tone) {
                    p.ops().push(Op::Rect { x: MARGIN, y: y0, w: width, h, colour: bg });
                }
                for (i, line) in lines.into_iter().enumerate() {
                    let y = y0 + 6.0 + size + i as f32 * size * LEADING;
                    p.ops().push(Op::Text { x: MARGIN + 8.0, y, mono: false, size, text: line, colour: ink(*tone) });
                }
                p.y += h + 8.0;
            }
            Block::Facts(pairs) => {
                let label_w = width * 0.3;
                for (label, value, tone) in pairs {
                    let mono = looks_like_digest(value);
                    let lab = wrap(&fonts.regular, label, BODY, label_w - 6.0);
                    let val = wrap(p.face(mono), value, BODY, width - label_w);
                    let lines = lab.len().max(val.len()).max(1);
                    p.room(lines as f32 * BODY * LEADING);
                    let y0 = p.y;
                    if let Some(bg) = colour(*tone) {
                        let h = lines as f32 * BODY * LEADING + 1.5;
                        p.ops().push(Op::Rect {
                            x: MARGIN + label_w - 3.0,
                            y: y0,
                            w: width - label_w + 3.0,
                            h,
                            colour: bg,
                        });
                    }
                    for (i, l) in lab.into_iter().enumerate() {
                        let y = y0 + BODY + i as f32 * BODY * LEADING;
                        p.ops().push(Op::Text {
                            x: MARGIN,
                            y,
                            mono: false,
                            size: BODY,
                            text: l,
                            colour: ink(Tone::Muted),
                        });
                    }
                    for (i, l) in val.into_iter().enumerate() {
                        let y = y0 + BODY + i as f32 * BODY * LEADING;
                        p.ops().push(Op::Text {
                            x: MARGIN + label_w,
                            y,
                            mono,
                            size: BODY,
                            text: l,
                            colour: ink(*tone),
                        });
                    }
                    p.y += lines as f32 * BODY * LEADING + 1.5;
                }
                p.y += 6.0;
            }
            Block::Table { columns, widths, rows } => p.table(columns, widths, rows),
            Block::Image { name, bytes, marks, caption } => {
                let image = image_of(name, bytes)?;
                let (iw, ih) = image.size();
                let (iw, ih) = (iw.max(1) as f32, ih.max(1) as f32);
                let max_h = 260.0;
                let scale = (width * 0.6 / iw).min(max_h / ih);
                let (w, h) = (iw * scale, ih * scale);
                p.room(h + 2.0 * BODY * LEADING + 6.0);
                let (x, y) = (MARGIN, p.y);
                p.ops().push(Op::Image { image, x, y, w, h });
                let red = rgb::Color::new(220, 38, 38);
                for m in marks {
                    let (mx, my) = (x + m.x * scale, y + m.y * scale);
                    p.ops().push(Op::Frame {
                        x: mx,
                        y: my,
                        w: m.width * scale,
                        h: m.height * scale,
                        colour: red,
                        width: 1.2,
                    });
                    if !m.label.is_empty() {
                        let ty = (my - 2.0).max(y + 7.0);
                        p.ops().push(Op::Text {
                            x: mx,
                            y: ty,
                            mono: false,
                            size: 7.0,
                            text: m.label.clone(),
                            colour: red,
                        });
                    }
                }
                p.y += h + 3.0;
                p.paragraph(caption, BODY - 1.0, false, ink(Tone::Muted), MARGIN, width);
                p.y += 6.0;
            }
        }
    }
    if p.pages.is_empty() {
        p.pages.push(Vec::new());
    }
    Ok(p.pages)
}

fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(Rect::from_xywh(x, y, w.max(0.1), h.max(0.1))?);
    pb.finish()
}

fn draw(surface: &mut Surface<'_>, ops: Vec<Op>, fonts: &Fonts, footer: &str) {
    for op in ops {
        match op {
            Op::Text { x, y, mono, size, text, colour } => {
                if text.is_empty() {
                    continue;
                }
                let face = if mono { &fonts.mono } else { &fonts.regular };
                surface.set_fill(Some(fill(colour)));
                surface.draw_text(Point::from_xy(x, y), face.font.clone(), size, &text, false, TextDirection::Auto);
            }
            Op::Rect { x, y, w, h, colour } => {
                if let Some(path) = rect_path(x, y, w, h) {
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(colour)));
                    surface.draw_path(&path);
                }
            }
            Op::Line { x1, y1, x2, y2 } => {
                let mut pb = PathBuilder::new();
                pb.move_to(x1, y1);
                pb.line_to(x2, y2);
                if let Some(path) = pb.finish() {
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke {
                        paint: rgb::Color::new(229, 231, 235).into(),
                        width: 0.6,
                        ..Stroke::default()
                    }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                }
            }
            Op::Image { image, x, y, w, h } => {
                if let Some(size) = Size::from_wh(w, h) {
                    surface.push_transform(&Transform::from_translate(x, y));
                    surface.draw_image(image, size);
                    surface.pop();
                }
            }
            Op::Frame { x, y, w, h, colour, width } => {
                if let Some(path) = rect_path(x, y, w, h) {
                    surface.set_fill(None);
                    surface.set_stroke(Some(Stroke { paint: colour.into(), width, ..Stroke::default() }));
                    surface.draw_path(&path);
                    surface.set_stroke(None);
                }
            }
        }
    }
    surface.set_fill(Some(fill(ink(Tone::Muted))));
    surface.draw_text(
        Point::from_xy(MARGIN, PAGE_H - MARGIN / 2.0),
        fonts.regular.font.clone(),
        7.5,
        footer,
        false,
        TextDirection::Auto,
    );
}

fn date(s: Stamp) -> DateTime {
    DateTime::new(s.year).month(s.month).day(s.day).hour(s.hour).minute(s.minute).second(s.second).utc_offset_hour(0)
}

/// Renders `doc` as PDF/A-3b: A4 pages, fonts embedded and subset, the
/// attachments as associated files of the document. Deterministic: the same
/// document and fonts give the same bytes.
pub fn render(doc: &Doc, fonts: &Fonts) -> Result<Vec<u8>, ReportError> {
    let pages = lay_out(doc, fonts)?;
    let configuration = ConfigurationBuilder::new()
        .with_version(PdfVersion::Pdf17)
        .with_archival_validator(Archival::A3_B)
        .finish()
        .map_err(|e| ReportError::Pdf(format!("{e:?}")))?;
    let settings = SerializeSettings { configuration, ..SerializeSettings::default() };
    let mut document = Document::new_with(settings);
    let created = date(doc.created);
    document.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .description(doc.subject.clone())
            .language(doc.lang.clone())
            .creator("Lading".into())
            .producer("Lading (krilla)".into())
            .creation_date(created),
    );
    for a in &doc.attachments {
        let file = EmbeddedFile {
            path: a.name.clone(),
            mime_type: MimeType::new(&a.mime),
            description: Some(a.description.clone()),
            association_kind: match a.relationship {
                Relationship::Source => AssociationKind::Source,
                Relationship::Data => AssociationKind::Data,
            },
            data: a.bytes.clone().into(),
            modification_date: Some(created),
            compress: Some(true),
            location: None,
        };
        document.embed_file(file).ok_or_else(|| ReportError::Pdf(format!("two attachments are named {:?}", a.name)))?;
    }
    let count = pages.len();
    for (i, ops) in pages.into_iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| ReportError::Pdf("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        draw(&mut surface, ops, fonts, &format!("{} · {}/{}", doc.title, i + 1, count));
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| ReportError::Pdf(format!("{e:?}")))
}
