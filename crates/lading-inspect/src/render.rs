//! An inspection report for people: one self-contained HTML file (no
//! script, no external resource; images embedded as data URIs, charts as
//! inline SVG) — the lot and its verdict, the sampling plan, the
//! non-conforming items with their detection boxes drawn, the score
//! distribution, the model's identity, and every item.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::Engine as _;
use lading_model::inspection::{Inspection, InspectionReport, Item, LotDecision, ModelHead, Origin, Verdict};

/// Escapes text for HTML element content and quoted attribute values
/// (the workspace's one escaper, [`lading_model::html::escape`]).
pub use lading_model::html::escape as esc;

/// An image file for the gallery: its bytes, already checked against the report's digest.
#[derive(Debug, Clone)]
pub struct Picture {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// `image/png` or `image/jpeg`.
    pub mime: &'static str,
    /// Width and height in pixels.
    pub size: (u32, u32),
}

impl Picture {
    /// Reads the header of PNG or JPEG bytes; `None` for anything else.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        let reader = image::ImageReader::new(std::io::Cursor::new(&bytes)).with_guessed_format().ok()?;
        let mime = match reader.format()? {
            image::ImageFormat::Png => "image/png",
            image::ImageFormat::Jpeg => "image/jpeg",
            _ => return None,
        };
        let size = reader.into_dimensions().ok()?;
        Some(Self { bytes, mime, size })
    }
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2330;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d5d9e0;padding-bottom:.3rem}
.muted{color:#5b6475}.verdict{display:inline-block;padding:.3rem .9rem;border-radius:.4rem;font-weight:700;font-size:1.1rem;color:#fff}
.accept{background:#1e7b3a}.reject{background:#b42318}.note{background:#fff6e0;border-left:4px solid #d99a00;padding:.6rem 1rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d5d9e0;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f1f3f6}td.num{text-align:right;font-variant-numeric:tabular-nums}code{font-size:.85em;word-break:break-all}
.gallery{display:flex;flex-wrap:wrap;gap:1rem}.card{border:1px solid #d5d9e0;border-radius:.4rem;padding:.5rem;width:15rem}
.card svg{width:100%;height:auto;background:#eee;image-rendering:pixelated}.fail{color:#b42318;font-weight:600}.pass{color:#1e7b3a}
.box{fill:none;stroke:#ff2d55;stroke-width:1.5}.label{fill:#ff2d55;font:bold 6px sans-serif}";

/// Renders the report; `pictures` holds the images found (by name) whose
/// digest matched the report. Items without one are shown without their image.
pub fn html(report: &InspectionReport, pictures: &BTreeMap<String, Picture>) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let lot = &report.lot;
    let (decision, class) = match report.summary.decision {
        LotDecision::Accept => ("LOT ACCEPTED", "accept"),
        LotDecision::Reject => ("LOT REJECTED", "reject"),
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Inspection report {id}</title><style>{STYLE}</style></head><body>\
<h1>AI visual inspection report — lot {id}</h1>\
<p class=\"muted\">Part {part} rev. {rev} · {site}, line {line}, station {station} · for {client} ({country}) · by {provider} · {created}</p>\
<p><span class=\"verdict {class}\" id=\"decision\">{decision}</span> {inspected} of {size} items inspected</p>",
        id = esc(&lot.id),
        part = esc(&lot.part_number),
        rev = esc(&lot.part_revision),
        site = esc(&lot.site),
        line = esc(&lot.line),
        station = esc(&lot.station),
        client = esc(&report.client.name),
        country = esc(&report.client.country),
        provider = esc(&report.meta.provider.legal_name),
        created = esc(&report.meta.created_at.to_rfc3339()),
        inspected = report.summary.inspected,
        size = lot.lot_size,
    );
    if let Origin::Imported { format, results_sha256, statement } = &report.reproducibility.origin {
        let _ = write!(
            h,
            "<p class=\"note\" id=\"imported\"><strong>Imported results ({}).</strong> {} Results file SHA-256 <code>{}</code>.</p>",
            esc(format),
            esc(statement),
            esc(&results_sha256.to_string())
        );
    }
    plan(&mut h, report);
    gallery(&mut h, report, pictures);
    chart(&mut h, report);
    model(&mut h, report);
    items(&mut h, report);
    h.push_str("</body></html>\n");
    h
}

fn plan(h: &mut String, r: &InspectionReport) {
    h.push_str("<h2>Sampling plan</h2>");
    let limits: Vec<(String, String, u64, String)> = match &r.inspection {
        Inspection::Sampling(p) => {
            let standard = serde_json::to_value(p.standard).ok().and_then(|v| v.as_str().map(str::to_owned));
            let level = serde_json::to_value(p.inspection_level).ok().and_then(|v| v.as_str().map(str::to_owned));
            let severity = serde_json::to_value(p.severity).ok().and_then(|v| v.as_str().map(str::to_owned));
            let _ = write!(
                h,
                "<p>{} single sampling, inspection level {}, {} inspection: code letter <strong>{}</strong>, sample of <strong>{}</strong> items drawn from seed <code>{}</code> (repeat the draw with <code>lading inspect sample --lot-size {} --sample-size {} --seed {}</code>).</p>",
                esc(standard.as_deref().unwrap_or("")),
                esc(level.as_deref().unwrap_or("")),
                esc(severity.as_deref().unwrap_or("")),
                esc(&p.code_letter),
                p.sample_size,
                esc(&p.sample_seed),
                r.lot.lot_size,
                p.sample_size,
                esc(&p.sample_seed)
            );
            p.classes.iter().map(|c| (c.class.clone(), format!("{}", c.aql), c.accept, c.reject.to_string())).collect()
        }
        Inspection::Full { classes } => {
            h.push_str("<p>100 % inspection: every item of the lot.</p>");
            classes.iter().map(|c| (c.class.clone(), "—".into(), c.max_nonconforming, "—".into())).collect()
        }
    };
    h.push_str("<table id=\"plan\"><tr><th>Defect class</th><th>AQL</th><th>Accept ≤</th><th>Reject ≥</th><th>Found</th><th>Result</th></tr>");
    for (class, aql, accept, reject) in limits {
        let found = r.summary.defects_by_class.get(&class).copied().unwrap_or(0);
        let ok = found <= accept;
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{accept}</td><td class=\"num\">{}</td><td class=\"num\">{found}</td><td class=\"{}\">{}</td></tr>",
            esc(&class),
            esc(&aql),
            esc(&reject),
            if ok { "pass" } else { "fail" },
            if ok { "accept" } else { "reject" }
        );
    }
    h.push_str("</table>");
}

/// The class map's name for `index`.
pub fn class_name(r: &InspectionReport, index: u32) -> String {
    r.model.class_map.iter().find(|c| c.index == index).map_or_else(|| format!("class {index}"), |c| c.name.clone())
}

fn gallery(h: &mut String, r: &InspectionReport, pictures: &BTreeMap<String, Picture>) {
    let failing: Vec<&Item> = r.items.iter().filter(|i| i.effective_verdict() == Verdict::Fail).collect();
    let _ = write!(h, "<h2>Non-conforming items ({})</h2>", failing.len());
    if failing.is_empty() {
        h.push_str("<p>None.</p>");
        return;
    }
    h.push_str("<div class=\"gallery\" id=\"gallery\">");
    for item in failing {
        h.push_str("<figure class=\"card\">");
        match pictures.get(&item.image.name) {
            Some(p) => {
                let (w, hgt) = p.size;
                let data = base64::engine::general_purpose::STANDARD.encode(&p.bytes);
                let _ = write!(
                    h,
                    "<svg viewBox=\"0 0 {w} {hgt}\" role=\"img\" aria-label=\"{}\"><image href=\"data:{};base64,{data}\" width=\"{w}\" height=\"{hgt}\"/>",
                    esc(&item.image.name),
                    p.mime
                );
                for b in drawn_boxes(r, item, p.size) {
                    let _ = write!(
                        h,
                        "<rect class=\"box\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" style=\"stroke-width:{:.2}\"/><text class=\"label\" x=\"{}\" y=\"{:.2}\" text-anchor=\"{}\" style=\"font-size:{:.1}px\">{}</text>",
                        b.x,
                        b.y,
                        b.width,
                        b.height,
                        b.stroke,
                        b.text_x,
                        b.text_y,
                        b.anchor,
                        b.font,
                        esc(&b.label)
                    );
                }
                h.push_str("</svg>");
            }
            None => h.push_str("<p class=\"muted\">(image not supplied, or not the image the report recorded)</p>"),
        }
        let _ = write!(
            h,
            "<figcaption><strong>{}</strong> · item {}<br><span class=\"fail\">{}</span>{}</figcaption></figure>",
            esc(&item.image.name),
            item.position,
            esc(&item.effective_defect_classes().join(", ")),
            item.review.as_ref().map_or(String::new(), |rv| format!(
                "<br>reviewed by {}: {}",
                esc(&rv.reviewer),
                esc(&rv.reason)
            ))
        );
    }
    h.push_str("</div>");
}

/// One detection box as drawn over its image: the box, and its label sized
/// to the image (so it stays legible on large ones) and kept inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnBox {
    /// Left edge, in image pixels.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// Stroke width.
    pub stroke: f64,
    /// Label font size.
    pub font: f64,
    /// Label anchor point.
    pub text_x: f64,
    /// Label baseline.
    pub text_y: f64,
    /// `start` or `end`: labels of boxes on the right half end at the box's right edge.
    pub anchor: &'static str,
    /// Class name and score.
    pub label: String,
}

/// The boxes of `item` drawn over an image of `size` pixels.
pub fn drawn_boxes(r: &InspectionReport, item: &Item, size: (u32, u32)) -> Vec<DrawnBox> {
    let (w, hgt) = size;
    let font = (f64::from(w.max(hgt)) / 12.0).max(4.0);
    item.detections
        .iter()
        .map(|d| {
            let [x, y, bw, bh] = d.bbox;
            let (text_x, anchor) = if x + bw / 2.0 > f64::from(w) / 2.0 { (x + bw, "end") } else { (x, "start") };
            DrawnBox {
                x,
                y,
                width: bw,
                height: bh,
                stroke: font / 5.0,
                font,
                text_x,
                text_y: (y - font * 0.2).max(font),
                anchor,
                label: format!("{} {:.2}", class_name(r, d.category_id), d.score),
            }
        })
        .collect()
}

/// What the histogram counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScoreAxis {
    /// A classifier's probability of its passing class (named).
    OkProbability(String),
    /// An anomaly head's score.
    Anomaly,
    /// A detector's highest detection score per item (0 when none).
    Detection,
}

impl ScoreAxis {
    /// What the report's head scores.
    pub fn of(r: &InspectionReport) -> Self {
        match &r.model.head {
            ModelHead::Classifier { ok_class } => ScoreAxis::OkProbability(ok_class.clone()),
            ModelHead::AnomalyScore { .. } => ScoreAxis::Anomaly,
            ModelHead::Detector { .. } => ScoreAxis::Detection,
        }
    }
}

/// Bins of the score histogram.
pub const BINS: usize = 20;

/// The distribution of the items' scores, binned for a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// What is counted.
    pub axis: ScoreAxis,
    /// Items counted (finite scores).
    pub values: usize,
    /// Items per bin, lowest first.
    pub counts: [u64; BINS],
    /// Lower end of the first bin.
    pub lo: f64,
    /// Upper end of the last bin.
    pub hi: f64,
    /// The head's threshold, when it has one.
    pub threshold: Option<f64>,
}

/// A bar of the histogram in chart coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// Items in the bin.
    pub count: u64,
}

/// Chart width, height, left and bottom margins.
pub const CHART: (f64, f64, f64, f64) = (600.0, 220.0, 40.0, 30.0);

impl Histogram {
    /// The report's scores; `None` when it records none.
    pub fn of(r: &InspectionReport) -> Option<Self> {
        let (axis, values, threshold): (ScoreAxis, Vec<f64>, Option<f64>) = match &r.model.head {
            ModelHead::Classifier { ok_class } => {
                let index = r.model.class_map.iter().find(|c| &c.name == ok_class).map_or(0, |c| c.index as usize);
                let v = r.items.iter().filter_map(|i| i.scores.get(index).copied()).collect();
                (ScoreAxis::OkProbability(ok_class.clone()), v, None)
            }
            ModelHead::AnomalyScore { threshold, .. } => {
                let v = r.items.iter().filter_map(|i| i.scores.first().copied()).collect();
                (ScoreAxis::Anomaly, v, Some(*threshold))
            }
            ModelHead::Detector { confidence_threshold, .. } => {
                let v = r.items.iter().map(|i| i.detections.iter().map(|d| d.score).fold(0.0, f64::max)).collect();
                (ScoreAxis::Detection, v, Some(*confidence_threshold))
            }
        };
        let finite: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
        if finite.is_empty() {
            return None;
        }
        let (mut lo, mut hi) =
            finite.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
        if let Some(t) = threshold.filter(|t| t.is_finite()) {
            (lo, hi) = (lo.min(t), hi.max(t));
        }
        if (0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi) {
            (lo, hi) = (0.0, 1.0);
        }
        if hi <= lo {
            hi = lo + 1.0;
        }
        let mut counts = [0u64; BINS];
        for v in &finite {
            let b = (((v - lo) / (hi - lo)) * BINS as f64).floor() as usize;
            counts[b.min(BINS - 1)] += 1;
        }
        Some(Self { axis, values: finite.len(), counts, lo, hi, threshold })
    }

    /// The tallest bin's count (at least 1).
    pub fn top(&self) -> u64 {
        self.counts.iter().copied().max().unwrap_or(1).max(1)
    }

    /// The bars in [`CHART`] coordinates.
    pub fn bars(&self) -> Vec<Bar> {
        let (w, hg, left, bottom) = CHART;
        let bar = (w - left - 10.0) / BINS as f64;
        let top = self.top();
        self.counts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let height = (hg - bottom - 10.0) * (*c as f64) / top as f64;
                Bar { x: left + i as f64 * bar + 1.0, y: hg - bottom - height, width: bar - 2.0, height, count: *c }
            })
            .collect()
    }

    /// Where the threshold line falls, in [`CHART`] coordinates.
    pub fn threshold_x(&self) -> Option<f64> {
        let (w, _, left, _) = CHART;
        self.threshold.map(|t| left + (t - self.lo) / (self.hi - self.lo) * (w - left - 10.0))
    }
}

fn chart(h: &mut String, r: &InspectionReport) {
    let what = match ScoreAxis::of(r) {
        ScoreAxis::OkProbability(c) => format!("probability of {c:?}"),
        ScoreAxis::Anomaly => "anomaly score".into(),
        ScoreAxis::Detection => "highest detection score per item (0 = none)".into(),
    };
    let Some(g) = Histogram::of(r) else {
        let _ =
            write!(h, "<h2>Score distribution</h2><p class=\"muted\">{}.</p><p>No scores recorded.</p>", esc(&what));
        return;
    };
    let _ = write!(
        h,
        "<h2>Score distribution</h2><p class=\"muted\">{} over the {} items inspected.</p>",
        esc(&what),
        g.values
    );
    let (w, hg, left, bottom) = CHART;
    let _ = write!(
        h,
        "<svg id=\"histogram\" viewBox=\"0 0 {w} {hg}\" width=\"{w}\" height=\"{hg}\" role=\"img\" aria-label=\"histogram of {}\" style=\"max-width:100%\">",
        esc(&what)
    );
    for b in g.bars() {
        let _ = write!(
            h,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#3d6fb6\"><title>{}</title></rect>",
            b.x, b.y, b.width, b.height, b.count
        );
    }
    let _ = write!(
        h,
        "<line x1=\"{left}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"#333\"/><text x=\"{left}\" y=\"{ty}\" font-size=\"11\">{lo}</text><text x=\"{x2}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"end\">{hi}</text><text x=\"4\" y=\"14\" font-size=\"11\">{top}</text>",
        y = hg - bottom,
        x2 = w - 10.0,
        ty = hg - bottom + 16.0,
        lo = g.lo,
        hi = g.hi,
        top = g.top(),
    );
    if let (Some(t), Some(x)) = (g.threshold, g.threshold_x()) {
        let _ = write!(
            h,
            "<line x1=\"{x:.1}\" y1=\"4\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#b42318\" stroke-dasharray=\"4 3\"/><text x=\"{:.1}\" y=\"14\" font-size=\"11\" fill=\"#b42318\">threshold {t}</text>",
            hg - bottom,
            x + 3.0
        );
    }
    h.push_str("</svg>");
}

fn model(h: &mut String, r: &InspectionReport) {
    let m = &r.model;
    let p = &m.preprocessing;
    let head = serde_json::to_string(&m.head).unwrap_or_default();
    let _ = write!(
        h,
        "<h2>Model</h2><table id=\"model\"><tr><th>Model</th><td>{} {}</td></tr><tr><th>SHA-256</th><td><code>{}</code></td></tr>\
<tr><th>Runtime</th><td>{} {}</td></tr><tr><th>Input</th><td>{}×{} {:?} {:?}, resize {:?}, scale {}, mean {:?}, std {:?}</td></tr>\
<tr><th>Head</th><td><code>{}</code></td></tr><tr><th>Classes</th><td>{}</td></tr>\
<tr><th>Reproducibility</th><td>tolerance {:e}; produced on {} {} by Lading {}</td></tr></table>",
        esc(&m.id),
        esc(&m.version),
        esc(&m.sha256.to_string()),
        esc(&m.runtime.name),
        esc(&m.runtime.version),
        p.width,
        p.height,
        p.channels,
        p.layout,
        p.resize,
        p.scale,
        p.mean,
        p.std,
        esc(&head),
        m.class_map
            .iter()
            .map(|c| format!(
                "{} → {}",
                esc(&c.name),
                c.defect_class.as_deref().map_or_else(|| "passes".to_owned(), esc)
            ))
            .collect::<Vec<_>>()
            .join("; "),
        r.reproducibility.tolerance,
        esc(&r.reproducibility.environment.os),
        esc(&r.reproducibility.environment.arch),
        esc(&r.reproducibility.environment.lading_version),
    );
}

fn items(h: &mut String, r: &InspectionReport) {
    h.push_str("<h2>Every item</h2><table id=\"items\"><tr><th>Item</th><th>Image</th><th>SHA-256</th><th>Verdict</th><th>Defect classes</th></tr>");
    for i in &r.items {
        let v = i.effective_verdict();
        let _ = write!(
            h,
            "<tr><td class=\"num\">{}</td><td>{}</td><td><code>{}</code></td><td class=\"{}\">{}</td><td>{}</td></tr>",
            i.position,
            esc(&i.image.name),
            esc(&i.image.sha256.to_string()[..16]),
            if v == Verdict::Fail { "fail" } else { "pass" },
            if v == Verdict::Fail { "fail" } else { "pass" },
            esc(&i.effective_defect_classes().join(", "))
        );
    }
    h.push_str("</table>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_escaped() {
        let value = lading_model::example(
            lading_model::Kind::InspectionReport,
            uuid_like(),
            chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default(),
        );
        let mut report: InspectionReport = serde_json::from_value(value).expect("example");
        report.lot.id = "<script>alert(1)</script>".into();
        report.client.name = "\"><img src=x onerror=alert(1)>".into();
        report.items[5].image.name = "a'b<c>.png".into();
        let page = html(&report, &BTreeMap::new());
        assert!(!page.contains("<script"), "unescaped script");
        assert!(!page.contains("<img src=x"), "unescaped attribute breakout");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("a&#39;b&lt;c&gt;.png"));
        assert!(page.contains("LOT ACCEPTED"));
    }

    fn uuid_like() -> uuid::Uuid {
        uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0)
    }
}
