//! An inspection report for people: one self-contained HTML file (no
//! script, no external resource; images embedded as data URIs, charts as
//! inline SVG) — the lot and its verdict, the sampling plan, the
//! non-conforming items with their detection boxes drawn, the score
//! distribution, the model's identity, and every item.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use base64::Engine as _;
use lading_model::inspection::{Inspection, InspectionReport, Item, LotDecision, ModelHead, Origin, Severity, Verdict};

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
.box{fill:none;stroke:#ff2d55;stroke-width:1.5}.label{fill:#ff2d55;font:bold 6px sans-serif}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.facts dt{color:#5b6475}dl.facts dd{margin:0}";

/// Every word the page shows, in one language: a language missing one does
/// not compile. `{name}` placeholders are filled with values.
#[derive(Debug)]
pub struct Words {
    /// The `lang` attribute (BCP 47).
    pub lang: &'static str,
    /// `{id}`: the window title.
    pub title: &'static str,
    /// `{id}`: the heading.
    pub heading: &'static str,
    /// Label: part number.
    pub part: &'static str,
    /// Label: part revision.
    pub revision: &'static str,
    /// Label: site, line and station.
    pub station: &'static str,
    /// Label: the client and its country.
    pub client: &'static str,
    /// Label: the provider.
    pub provider: &'static str,
    /// Label: when the report was made.
    pub created: &'static str,
    /// The lot accepted.
    pub accepted: &'static str,
    /// The lot rejected.
    pub rejected: &'static str,
    /// `{inspected}`, `{size}`: how many items were inspected.
    pub inspected_of: &'static str,
    /// `{format}`: imported results.
    pub imported: &'static str,
    /// Label: the imported results file's digest.
    pub results_sha256: &'static str,
    /// Heading: the sampling plan.
    pub sampling_plan: &'static str,
    /// Label: the sampling standard.
    pub standard: &'static str,
    /// Label: the inspection level.
    pub level: &'static str,
    /// Label: normal, tightened or reduced inspection.
    pub severity: &'static str,
    /// Normal inspection.
    pub normal: &'static str,
    /// Tightened inspection.
    pub tightened: &'static str,
    /// Reduced inspection.
    pub reduced: &'static str,
    /// Label: the code letter.
    pub code_letter: &'static str,
    /// Label: the sample size.
    pub sample_size: &'static str,
    /// Label: the seed.
    pub seed: &'static str,
    /// Label: the command that repeats the draw.
    pub repeat_draw: &'static str,
    /// 100 % inspection.
    pub full_inspection: &'static str,
    /// Column: defect class.
    pub col_class: &'static str,
    /// Column: AQL.
    pub col_aql: &'static str,
    /// Column: acceptance number.
    pub col_accept: &'static str,
    /// Column: rejection number.
    pub col_reject: &'static str,
    /// Column: defects found.
    pub col_found: &'static str,
    /// Column: result.
    pub col_result: &'static str,
    /// A class within its limit.
    pub class_accept: &'static str,
    /// A class over its limit.
    pub class_reject: &'static str,
    /// Heading: non-conforming items.
    pub non_conforming: &'static str,
    /// No item.
    pub none: &'static str,
    /// An image missing or not the one recorded.
    pub no_image: &'static str,
    /// "item" before its position.
    pub item: &'static str,
    /// "reviewed by" before the reviewer.
    pub reviewed_by: &'static str,
    /// Heading: the score distribution.
    pub scores: &'static str,
    /// `{class}`: a classifier's probability of its passing class.
    pub axis_ok_probability: &'static str,
    /// An anomaly score.
    pub axis_anomaly: &'static str,
    /// A detector's highest score per item.
    pub axis_detection: &'static str,
    /// `{what}`, `{n}`: what the chart counts.
    pub counted: &'static str,
    /// No score recorded.
    pub no_scores: &'static str,
    /// The threshold line's label.
    pub threshold: &'static str,
    /// Heading and label: the model.
    pub model: &'static str,
    /// Label: the runtime.
    pub runtime: &'static str,
    /// Label: the input.
    pub input: &'static str,
    /// Label: the model's head.
    pub head: &'static str,
    /// Label: the class map.
    pub classes: &'static str,
    /// A class that passes.
    pub passes: &'static str,
    /// Label: the tolerance.
    pub tolerance: &'static str,
    /// Label: the environment.
    pub environment: &'static str,
    /// Label: the Lading version.
    pub version: &'static str,
    /// Heading: every item.
    pub every_item: &'static str,
    /// Column: image.
    pub col_image: &'static str,
    /// Column: verdict.
    pub col_verdict: &'static str,
    /// Column: defect classes.
    pub col_classes: &'static str,
    /// An item that passes.
    pub pass: &'static str,
    /// An item that fails.
    pub fail: &'static str,
}

/// English.
pub static EN: Words = Words {
    lang: "en",
    title: "Inspection report {id}",
    heading: "AI visual inspection report — lot {id}",
    part: "Part",
    revision: "Revision",
    station: "Site, line, station",
    client: "Client",
    provider: "Provider",
    created: "Made at",
    accepted: "LOT ACCEPTED",
    rejected: "LOT REJECTED",
    inspected_of: "{inspected} of {size} items inspected",
    imported: "Imported results ({format}).",
    results_sha256: "Results file SHA-256",
    sampling_plan: "Sampling plan",
    standard: "Standard (single sampling)",
    level: "Inspection level",
    severity: "Severity",
    normal: "normal",
    tightened: "tightened",
    reduced: "reduced",
    code_letter: "Code letter",
    sample_size: "Sample size",
    seed: "Seed of the draw",
    repeat_draw: "Repeat the draw",
    full_inspection: "100 % inspection: every item of the lot.",
    col_class: "Defect class",
    col_aql: "AQL",
    col_accept: "Accept ≤",
    col_reject: "Reject ≥",
    col_found: "Found",
    col_result: "Result",
    class_accept: "accept",
    class_reject: "reject",
    non_conforming: "Non-conforming items",
    none: "None.",
    no_image: "(image not supplied, or not the image the report recorded)",
    item: "item",
    reviewed_by: "reviewed by",
    scores: "Score distribution",
    axis_ok_probability: "probability of “{class}”",
    axis_anomaly: "anomaly score",
    axis_detection: "highest detection score per item (0 = none)",
    counted: "{what} over the {n} items inspected.",
    no_scores: "No scores recorded.",
    threshold: "threshold",
    model: "Model",
    runtime: "Runtime",
    input: "Input",
    head: "Head",
    classes: "Classes",
    passes: "passes",
    tolerance: "Reproduction tolerance",
    environment: "Produced on",
    version: "Lading version",
    every_item: "Every item",
    col_image: "Image",
    col_verdict: "Verdict",
    col_classes: "Defect classes",
    pass: "pass",
    fail: "fail",
};

/// Simplified Chinese.
pub static ZH_CN: Words = Words {
    lang: "zh-CN",
    title: "检验报告 {id}",
    heading: "AI 视觉质量检验报告 — 批次 {id}",
    part: "零件号",
    revision: "版本",
    station: "工厂、产线、工位",
    client: "客户",
    provider: "服务提供方",
    created: "生成时间",
    accepted: "批次接收",
    rejected: "批次拒收",
    inspected_of: "共 {size} 件，已检验 {inspected} 件",
    imported: "导入的检验结果（{format}）。",
    results_sha256: "结果文件 SHA-256",
    sampling_plan: "抽样方案",
    standard: "标准（一次抽样）",
    level: "检验水平",
    severity: "严格度",
    normal: "正常检验",
    tightened: "加严检验",
    reduced: "放宽检验",
    code_letter: "样本量字码",
    sample_size: "样本量",
    seed: "抽样种子",
    repeat_draw: "重复抽样",
    full_inspection: "全数检验：批内每一件。",
    col_class: "缺陷类别",
    col_aql: "AQL",
    col_accept: "接收数 ≤",
    col_reject: "拒收数 ≥",
    col_found: "发现数",
    col_result: "结果",
    class_accept: "接收",
    class_reject: "拒收",
    non_conforming: "不合格品",
    none: "无。",
    no_image: "（未提供图像，或图像与报告记录的不一致）",
    item: "样品",
    reviewed_by: "复核人",
    scores: "得分分布",
    axis_ok_probability: "“{class}”的概率",
    axis_anomaly: "异常得分",
    axis_detection: "每件最高检测得分（0 = 无检测）",
    counted: "{what}，共 {n} 件已检验",
    no_scores: "未记录得分。",
    threshold: "阈值",
    model: "模型",
    runtime: "推理引擎",
    input: "输入",
    head: "输出头",
    classes: "类别",
    passes: "合格",
    tolerance: "复现容差",
    environment: "运行环境",
    version: "Lading 版本",
    every_item: "全部样品",
    col_image: "图像",
    col_verdict: "判定",
    col_classes: "缺陷类别",
    pass: "合格",
    fail: "不合格",
};

fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// Renders the report in the language of `w`; `pictures` holds the images
/// found (by name) whose digest matched the report. Items without one are
/// shown without their image. Values from the report are shown as recorded;
/// identifiers, digests and code values are in `<code>`.
pub fn html(report: &InspectionReport, pictures: &BTreeMap<String, Picture>, w: &Words) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let lot = &report.lot;
    let (decision, class) = match report.summary.decision {
        LotDecision::Accept => (w.accepted, "accept"),
        LotDecision::Reject => (w.rejected, "reject"),
    };
    let id = esc(&lot.id);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><style>{STYLE}</style></head><body>\
<h1>{heading}</h1>\
<p><span class=\"verdict {class}\" id=\"decision\">{decision}</span> {inspected}</p>\
<dl class=\"facts\"><dt>{l_part}</dt><dd>{part}</dd><dt>{l_rev}</dt><dd>{rev}</dd><dt>{l_station}</dt><dd>{site} · {line} · {station}</dd>\
<dt>{l_client}</dt><dd>{client} ({country})</dd><dt>{l_provider}</dt><dd>{provider}</dd><dt>{l_created}</dt><dd>{created}</dd></dl>",
        lang = w.lang,
        title = fill(w.title, &[("id", &id)]),
        heading = fill(w.heading, &[("id", &id)]),
        inspected = fill(
            w.inspected_of,
            &[("inspected", &report.summary.inspected.to_string()), ("size", &lot.lot_size.to_string())]
        ),
        l_part = w.part,
        part = esc(&lot.part_number),
        l_rev = w.revision,
        rev = esc(&lot.part_revision),
        l_station = w.station,
        site = esc(&lot.site),
        line = esc(&lot.line),
        station = esc(&lot.station),
        l_client = w.client,
        client = esc(&report.client.name),
        country = esc(&report.client.country),
        l_provider = w.provider,
        provider = esc(&report.meta.provider.legal_name),
        l_created = w.created,
        created = esc(&report.meta.created_at.to_rfc3339()),
    );
    if let Origin::Imported { format, results_sha256, statement } = &report.reproducibility.origin {
        let _ = write!(
            h,
            "<p class=\"note\" id=\"imported\"><strong>{}</strong> {} {} <code>{}</code>.</p>",
            fill(w.imported, &[("format", &esc(format))]),
            esc(statement),
            w.results_sha256,
            esc(&results_sha256.to_string())
        );
    }
    plan(&mut h, report, w);
    gallery(&mut h, report, pictures, w);
    chart(&mut h, report, w);
    model(&mut h, report, w);
    items(&mut h, report, w);
    h.push_str("</body></html>\n");
    h
}

fn plan(h: &mut String, r: &InspectionReport, w: &Words) {
    let _ = write!(h, "<h2>{}</h2>", w.sampling_plan);
    let limits: Vec<(String, String, u64, String)> = match &r.inspection {
        Inspection::Sampling(p) => {
            let code = |v: serde_json::Result<serde_json::Value>| {
                v.ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
            };
            let severity = match p.severity {
                Severity::Normal => w.normal,
                Severity::Tightened => w.tightened,
                Severity::Reduced => w.reduced,
            };
            let _ = write!(
                h,
                "<dl class=\"facts\" id=\"sampling\"><dt>{}</dt><dd><code>{}</code></dd><dt>{}</dt><dd><code>{}</code></dd><dt>{}</dt><dd>{severity}</dd>\
<dt>{}</dt><dd><code>{}</code></dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd><code>{}</code></dd>\
<dt>{}</dt><dd><code>lading inspect sample --lot-size {} --sample-size {} --seed {}</code></dd></dl>",
                w.standard,
                esc(&code(serde_json::to_value(p.standard))),
                w.level,
                esc(&code(serde_json::to_value(p.inspection_level))),
                w.severity,
                w.code_letter,
                esc(&p.code_letter),
                w.sample_size,
                p.sample_size,
                w.seed,
                esc(&p.sample_seed),
                w.repeat_draw,
                r.lot.lot_size,
                p.sample_size,
                esc(&p.sample_seed)
            );
            p.classes.iter().map(|c| (c.class.clone(), format!("{}", c.aql), c.accept, c.reject.to_string())).collect()
        }
        Inspection::Full { classes } => {
            let _ = write!(h, "<p>{}</p>", w.full_inspection);
            classes.iter().map(|c| (c.class.clone(), "—".into(), c.max_nonconforming, "—".into())).collect()
        }
    };
    let _ = write!(
        h,
        "<table id=\"plan\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        w.col_class, w.col_aql, w.col_accept, w.col_reject, w.col_found, w.col_result
    );
    for (class, aql, accept, reject) in limits {
        let found = r.summary.defects_by_class.get(&class).copied().unwrap_or(0);
        let ok = found <= accept;
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{accept}</td><td class=\"num\">{}</td><td class=\"num\">{found}</td><td class=\"{}\">{}</td></tr>",
            esc(&class),
            esc(&aql),
            esc(&reject),
            if ok { "pass" } else { "fail" },
            if ok { w.class_accept } else { w.class_reject }
        );
    }
    h.push_str("</table>");
}

/// The class map's name for `index`.
pub fn class_name(r: &InspectionReport, index: u32) -> String {
    r.model.class_map.iter().find(|c| c.index == index).map_or_else(|| format!("class {index}"), |c| c.name.clone())
}

fn gallery(h: &mut String, r: &InspectionReport, pictures: &BTreeMap<String, Picture>, w: &Words) {
    let failing: Vec<&Item> = r.items.iter().filter(|i| i.effective_verdict() == Verdict::Fail).collect();
    let _ = write!(h, "<h2>{} ({})</h2>", w.non_conforming, failing.len());
    if failing.is_empty() {
        let _ = write!(h, "<p>{}</p>", w.none);
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
            None => {
                let _ = write!(h, "<p class=\"muted\">{}</p>", w.no_image);
            }
        }
        let _ = write!(
            h,
            "<figcaption><strong>{}</strong> · {} {}<br><span class=\"fail\"><code>{}</code></span>{}</figcaption></figure>",
            esc(&item.image.name),
            w.item,
            item.position,
            esc(&item.effective_defect_classes().join(", ")),
            item.review.as_ref().map_or(String::new(), |rv| format!(
                "<br>{} {}: {}",
                w.reviewed_by,
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

fn chart(h: &mut String, r: &InspectionReport, words: &Words) {
    let what = match ScoreAxis::of(r) {
        ScoreAxis::OkProbability(c) => fill(words.axis_ok_probability, &[("class", &c)]),
        ScoreAxis::Anomaly => words.axis_anomaly.into(),
        ScoreAxis::Detection => words.axis_detection.into(),
    };
    let Some(g) = Histogram::of(r) else {
        let _ = write!(h, "<h2>{}</h2><p class=\"muted\">{}</p><p>{}</p>", words.scores, esc(&what), words.no_scores);
        return;
    };
    let _ = write!(
        h,
        "<h2>{}</h2><p class=\"muted\">{}</p>",
        words.scores,
        fill(words.counted, &[("what", &esc(&what)), ("n", &g.values.to_string())])
    );
    let (w, hg, left, bottom) = CHART;
    let _ = write!(
        h,
        "<svg id=\"histogram\" viewBox=\"0 0 {w} {hg}\" width=\"{w}\" height=\"{hg}\" role=\"img\" aria-label=\"{}: {}\" style=\"max-width:100%\">",
        words.scores,
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
            "<line x1=\"{x:.1}\" y1=\"4\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#b42318\" stroke-dasharray=\"4 3\"/><text x=\"{:.1}\" y=\"14\" font-size=\"11\" fill=\"#b42318\">{} {t}</text>",
            hg - bottom,
            x + 3.0,
            words.threshold
        );
    }
    h.push_str("</svg>");
}

fn model(h: &mut String, r: &InspectionReport, w: &Words) {
    let m = &r.model;
    let p = &m.preprocessing;
    let head = serde_json::to_string(&m.head).unwrap_or_default();
    let _ = write!(
        h,
        "<h2>{l_model}</h2><table id=\"model\"><tr><th>{l_model}</th><td><code>{} {}</code></td></tr><tr><th>SHA-256</th><td><code>{}</code></td></tr>\
<tr><th>{l_runtime}</th><td><code>{} {}{}</code></td></tr><tr><th>{l_input}</th><td><code>{}×{} {:?} {:?}, resize {:?} ({}), scale {}, mean {:?}, std {:?}</code></td></tr>\
<tr><th>{l_head}</th><td><code>{}</code></td></tr><tr><th>{l_classes}</th><td>{}</td></tr>\
<tr><th>{l_tolerance}</th><td>{:e}</td></tr><tr><th>{l_environment}</th><td><code>{} {}</code></td></tr><tr><th>{l_version}</th><td><code>{}</code></td></tr></table>",
        esc(&m.id),
        esc(&m.version),
        esc(&m.sha256.to_string()),
        esc(&m.runtime.name),
        esc(&m.runtime.version),
        p.decoder.as_ref().map_or_else(String::new, |d| format!(
            "; {}, {}, {}",
            esc(&d.library),
            esc(&d.jpeg),
            esc(&d.png)
        )),
        p.width,
        p.height,
        p.channels,
        p.layout,
        p.resize,
        p.resize_filter.map_or_else(|| "filter not recorded: Triangle".to_owned(), |f| format!("filter {f:?}")),
        p.scale,
        p.mean,
        p.std,
        esc(&head),
        m.class_map
            .iter()
            .map(|c| format!(
                "<code>{}</code> → {}",
                esc(&c.name),
                c.defect_class.as_deref().map_or_else(|| w.passes.to_owned(), |d| format!("<code>{}</code>", esc(d)))
            ))
            .collect::<Vec<_>>()
            .join("; "),
        r.reproducibility.tolerance,
        esc(&r.reproducibility.environment.os),
        esc(&r.reproducibility.environment.arch),
        esc(&r.reproducibility.environment.lading_version),
        l_model = w.model,
        l_runtime = w.runtime,
        l_input = w.input,
        l_head = w.head,
        l_classes = w.classes,
        l_tolerance = w.tolerance,
        l_environment = w.environment,
        l_version = w.version,
    );
}

fn items(h: &mut String, r: &InspectionReport, w: &Words) {
    let _ = write!(
        h,
        "<h2>{}</h2><table id=\"items\"><tr><th>{}</th><th>{}</th><th>SHA-256</th><th>{}</th><th>{}</th></tr>",
        w.every_item, w.item, w.col_image, w.col_verdict, w.col_classes
    );
    for i in &r.items {
        let v = i.effective_verdict();
        let _ = write!(
            h,
            "<tr><td class=\"num\">{}</td><td>{}</td><td><code>{}</code></td><td class=\"{}\">{}</td><td><code>{}</code></td></tr>",
            i.position,
            esc(&i.image.name),
            esc(&i.image.sha256.to_string()[..16]),
            if v == Verdict::Fail { "fail" } else { "pass" },
            if v == Verdict::Fail { w.fail } else { w.pass },
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
        let page = html(&report, &BTreeMap::new(), &EN);
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
