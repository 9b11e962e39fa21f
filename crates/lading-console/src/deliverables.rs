//! Deliverable views: what an uploaded bundle delivers, read the way people
//! read it — an inspection report as its lot verdict, sampling plan, gallery
//! of non-conforming items (boxes drawn over the images the bundle carries)
//! and score histogram; a SaaS release as its file tree, SBOM components and
//! version chain; a maintenance segment as a timeline of events by asset.
//!
//! The views show what the bundle *says*; the verdict beside them says
//! whether to believe it. Nothing here verifies, and nothing is stored.

use std::collections::BTreeMap;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use lading_inspect::render::{self, Bar, DrawnBox, Histogram, Picture, ScoreAxis};
use lading_model::bundle::Package;
use lading_model::inspection::{Inspection, InspectionReport, LotDecision, Verdict};
use lading_model::maintenance::{MaintenanceEvent, MaintenanceSegment};
use lading_model::release::{Artefact, SaasRelease};
use lading_model::{Document, Sha256Digest, json};
use lading_trust::verify::role;

use super::i18n::Strings;

/// Non-conforming items shown in a gallery at most (the rest are counted).
const GALLERY: usize = 24;
/// Files listed in a release's tree at most.
const TREE: usize = 500;
/// SBOM components listed at most.
const COMPONENTS: usize = 500;
/// Events drawn and listed from a segment at most.
pub(crate) const EVENTS: usize = 500;

/// One deliverable of a bundle, as shown.
#[derive(Debug)]
pub(crate) enum View {
    /// An AI visual inspection report.
    Inspection(Box<InspectionView>),
    /// A SaaS release package.
    Release(Box<ReleaseView>),
    /// A maintenance segment package.
    Segment(Box<SegmentView>),
    /// A deliverable the console cannot show, and why.
    Unreadable {
        /// Its path in the bundle.
        name: String,
        /// Why.
        why: String,
    },
}

/// The deliverables of `bundle` (already parsed once by the verifier; a
/// bundle that does not open has none to show).
pub(crate) fn views(bundle: &[u8], s: &Strings) -> Vec<View> {
    let Ok(package) = Package::from_zip(bundle) else { return Vec::new() };
    // Images carried along, by digest, for the inspection galleries.
    let attachments: BTreeMap<String, &[u8]> =
        package.members(role::ATTACHMENT).into_iter().map(|(m, b)| (m.sha256.to_hex(), b)).collect();
    package
        .members(role::DELIVERABLE)
        .into_iter()
        .map(|(m, b)| match view(&m.path, b, &attachments, s) {
            Ok(v) => v,
            Err(why) => View::Unreadable { name: m.path.clone(), why },
        })
        .collect()
}

fn view(name: &str, bytes: &[u8], attachments: &BTreeMap<String, &[u8]>, s: &Strings) -> Result<View, String> {
    if bytes.starts_with(b"PK") {
        let package = Package::from_zip(bytes).map_err(|e| e.to_string())?;
        return match package.index.kind.as_str() {
            "saas-release" => release(name, &package, s).map(|v| View::Release(Box::new(v))),
            "maintenance-segment" => segment(name, &package, s).map(|v| View::Segment(Box::new(v))),
            other => Err(format!("{} {other:?}", s.view.no_view_for)),
        };
    }
    let (document, digest) = signed_document(bytes)?;
    match document {
        Document::InspectionReport(r) => Ok(View::Inspection(Box::new(inspection(name, &r, attachments, s)))),
        Document::SaasRelease(r) => Ok(View::Release(Box::new(release_view(name, &r, digest, Vec::new())))),
        other => Err(format!("{} {:?}", s.view.no_view_for, other.kind().name())),
    }
}

/// The document a DSSE envelope's in-toto statement carries, and the
/// SHA-256 of its canonical form (its signature is the verifier's
/// business, not the view's).
fn signed_document(bytes: &[u8]) -> Result<(Document, Sha256Digest), String> {
    let envelope = lading_crypto::Envelope::from_json_bytes(bytes).map_err(|e| e.to_string())?;
    let statement = json::parse_strict(&envelope.payload).map_err(|e| e.to_string())?;
    let predicate = &statement["predicate"];
    let document = lading_model::validate_value(predicate).map_err(|ps| problems(&ps))?;
    Ok((document, Sha256Digest::of(&json::canonicalize(predicate))))
}

fn problems(ps: &[lading_model::Problem]) -> String {
    ps.iter().map(|p| format!("{}: {}", p.pointer, p.message)).collect::<Vec<_>>().join("; ")
}

/// A document member of a package, validated.
fn package_document(package: &Package, role: &str, s: &Strings) -> Result<Document, String> {
    let (m, b) = package.member(role).ok_or_else(|| format!("{} {role:?}", s.view.no_member))?;
    let value = json::parse_strict(b).map_err(|e| format!("{}: {e}", m.path))?;
    lading_model::validate_value(&value).map_err(|ps| format!("{}: {}", m.path, problems(&ps)))
}

/// Rounds chart coordinates to a tenth, which is all an SVG needs.
fn r1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

// ---------------------------------------------------------------- inspection

/// One row of the sampling plan.
#[derive(Debug)]
pub(crate) struct ClassRow {
    pub(crate) class: String,
    pub(crate) aql: String,
    pub(crate) accept: u64,
    pub(crate) reject: String,
    pub(crate) found: u64,
    pub(crate) ok: bool,
}

/// An image of the gallery, embedded.
#[derive(Debug)]
pub(crate) struct Shown {
    pub(crate) uri: String,
    pub(crate) width: u32,
    pub(crate) height: u32,
}

/// A non-conforming item.
#[derive(Debug)]
pub(crate) struct Card {
    pub(crate) name: String,
    pub(crate) position: u64,
    pub(crate) classes: String,
    pub(crate) picture: Option<Shown>,
    pub(crate) boxes: Vec<DrawnBox>,
    pub(crate) review: Option<String>,
}

/// The score histogram, in chart coordinates.
#[derive(Debug)]
pub(crate) struct Chart {
    pub(crate) axis: String,
    pub(crate) values: usize,
    pub(crate) bars: Vec<Bar>,
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) top: u64,
    /// The threshold and where its line falls.
    pub(crate) threshold: Option<(f64, f64)>,
    pub(crate) width: f64,
    pub(crate) height: f64,
    pub(crate) base: f64,
    pub(crate) left: f64,
    pub(crate) right: f64,
    pub(crate) label_y: f64,
}

/// An inspection report, as shown.
#[derive(Debug)]
pub(crate) struct InspectionView {
    pub(crate) name: String,
    pub(crate) lot: String,
    pub(crate) part: String,
    pub(crate) client: String,
    pub(crate) lot_size: u64,
    pub(crate) inspected: u64,
    pub(crate) accepted: bool,
    pub(crate) imported: bool,
    /// Code letter, sample size, seed, level; `None` for 100 % inspection.
    pub(crate) sampling: Option<(String, u64, String, String)>,
    pub(crate) classes: Vec<ClassRow>,
    pub(crate) failing: usize,
    pub(crate) cards: Vec<Card>,
    pub(crate) chart: Option<Chart>,
    pub(crate) model: String,
    pub(crate) model_sha256: String,
    pub(crate) runtime: String,
}

fn enum_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

pub(crate) fn inspection(
    name: &str,
    r: &InspectionReport,
    attachments: &BTreeMap<String, &[u8]>,
    s: &Strings,
) -> InspectionView {
    let found = |class: &str| r.summary.defects_by_class.get(class).copied().unwrap_or(0);
    let (sampling, classes) = match &r.inspection {
        Inspection::Sampling(p) => (
            Some((p.code_letter.clone(), p.sample_size, p.sample_seed.clone(), enum_name(&p.inspection_level))),
            p.classes
                .iter()
                .map(|c| ClassRow {
                    class: c.class.clone(),
                    aql: c.aql.to_string(),
                    accept: c.accept,
                    reject: c.reject.to_string(),
                    found: found(&c.class),
                    ok: found(&c.class) <= c.accept,
                })
                .collect(),
        ),
        Inspection::Full { classes } => (
            None,
            classes
                .iter()
                .map(|c| ClassRow {
                    class: c.class.clone(),
                    aql: "—".into(),
                    accept: c.max_nonconforming,
                    reject: "—".into(),
                    found: found(&c.class),
                    ok: found(&c.class) <= c.max_nonconforming,
                })
                .collect(),
        ),
    };
    let failing: Vec<_> = r.items.iter().filter(|i| i.effective_verdict() == Verdict::Fail).collect();
    let cards = failing
        .iter()
        .take(GALLERY)
        .map(|item| {
            let picture = attachments
                .get(&item.image.sha256.to_hex())
                .and_then(|b| Picture::from_bytes(b.to_vec()))
                .map(|p| (render::drawn_boxes(r, item, p.size), p));
            let (boxes, picture) = match picture {
                Some((boxes, p)) => (
                    boxes,
                    Some(Shown {
                        uri: format!(
                            "data:{};base64,{}",
                            p.mime,
                            base64::engine::general_purpose::STANDARD.encode(&p.bytes)
                        ),
                        width: p.size.0,
                        height: p.size.1,
                    }),
                ),
                None => (Vec::new(), None),
            };
            Card {
                name: item.image.name.clone(),
                position: item.position,
                classes: item.effective_defect_classes().join(", "),
                picture,
                boxes: boxes
                    .into_iter()
                    .map(|b| DrawnBox {
                        x: r1(b.x),
                        y: r1(b.y),
                        width: r1(b.width),
                        height: r1(b.height),
                        stroke: r1(b.stroke),
                        font: r1(b.font),
                        text_x: r1(b.text_x),
                        text_y: r1(b.text_y),
                        ..b
                    })
                    .collect(),
                review: item.review.as_ref().map(|rv| format!("{}: {}", rv.reviewer, rv.reason)),
            }
        })
        .collect();
    InspectionView {
        name: name.to_owned(),
        lot: r.lot.id.clone(),
        part: format!("{} rev. {}", r.lot.part_number, r.lot.part_revision),
        client: format!("{} ({})", r.client.name, r.client.country),
        lot_size: r.lot.lot_size,
        inspected: r.summary.inspected,
        accepted: r.summary.decision == LotDecision::Accept,
        imported: matches!(r.reproducibility.origin, lading_model::inspection::Origin::Imported { .. }),
        sampling,
        classes,
        failing: failing.len(),
        cards,
        chart: Histogram::of(r).map(|g| chart(&g, s)),
        model: format!("{} {}", r.model.id, r.model.version),
        model_sha256: r.model.sha256.to_string(),
        runtime: format!("{} {}", r.model.runtime.name, r.model.runtime.version),
    }
}

fn chart(g: &Histogram, s: &Strings) -> Chart {
    let (width, height, left, bottom) = render::CHART;
    let axis = match &g.axis {
        ScoreAxis::OkProbability(c) => format!("{} “{c}”", s.view.axis_ok_probability),
        ScoreAxis::Anomaly => s.view.axis_anomaly.to_owned(),
        ScoreAxis::Detection => s.view.axis_detection.to_owned(),
    };
    Chart {
        axis,
        values: g.values,
        bars: g
            .bars()
            .into_iter()
            .map(|b| Bar { x: r1(b.x), y: r1(b.y), width: r1(b.width), height: r1(b.height), count: b.count })
            .collect(),
        lo: g.lo,
        hi: g.hi,
        top: g.top(),
        threshold: g.threshold.zip(g.threshold_x()).map(|(t, x)| (t, r1(x))),
        width,
        height,
        base: height - bottom,
        left,
        right: width - 10.0,
        label_y: height - bottom + 16.0,
    }
}

// ------------------------------------------------------------------- release

/// A line of the file tree: a folder or a file, indented by depth.
#[derive(Debug)]
pub(crate) struct TreeRow {
    pub(crate) depth: usize,
    pub(crate) name: String,
    pub(crate) folder: bool,
    pub(crate) size: u64,
    pub(crate) sha256: String,
    pub(crate) mode: String,
}

/// A link of the version chain.
#[derive(Debug)]
pub(crate) struct Link {
    pub(crate) version: String,
    pub(crate) manifest_sha256: String,
    /// This release (not its predecessor).
    pub(crate) this: bool,
}

/// A SaaS release, as shown.
#[derive(Debug)]
pub(crate) struct ReleaseView {
    pub(crate) name: String,
    pub(crate) service: String,
    pub(crate) version: String,
    pub(crate) channel: String,
    pub(crate) released_at: String,
    pub(crate) source: String,
    pub(crate) files: usize,
    pub(crate) tree: Vec<TreeRow>,
    pub(crate) images: Vec<(String, String)>,
    pub(crate) components: Vec<lading_release::Component>,
    pub(crate) component_count: usize,
    pub(crate) chain: Vec<Link>,
}

fn release(name: &str, package: &Package, s: &Strings) -> Result<ReleaseView, String> {
    let Document::SaasRelease(r) = package_document(package, "manifest", s)? else {
        return Err(format!("{} saas-release", s.view.manifest_not));
    };
    let digest = package.member("manifest").map(|(m, _)| m.sha256).unwrap_or_else(|| Sha256Digest::of(b""));
    // Components of every SBOM the package carries and the manifest lists.
    let mut components: Vec<lading_release::Component> = package
        .index
        .members
        .iter()
        .zip(&package.files)
        .filter(|(m, _)| r.sboms.iter().any(|s| s.sha256 == m.sha256))
        .filter_map(|(_, b)| lading_release::parse_sbom(b).ok())
        .flat_map(|s| s.components)
        .collect();
    components.sort();
    components.dedup();
    Ok(release_view(name, &r, digest, components))
}

fn release_view(
    name: &str,
    r: &SaasRelease,
    manifest_sha256: Sha256Digest,
    mut components: Vec<lading_release::Component>,
) -> ReleaseView {
    let mut files: Vec<(&str, u64, String, String)> = r
        .artefacts
        .iter()
        .filter_map(|a| match a {
            Artefact::File { path, size, sha256, mode, .. } => {
                Some((path.as_str(), *size, sha256.to_hex(), mode.clone().unwrap_or_default()))
            }
            Artefact::Directory { .. } | Artefact::OciImage { .. } => None,
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(b.0));
    let count = files.len();
    // Folders appear once, before their first file.
    let mut tree = Vec::new();
    let mut open: Vec<&str> = Vec::new();
    for (path, size, sha256, mode) in files.into_iter().take(TREE) {
        let parts: Vec<&str> = path.split('/').collect();
        let (dirs, file) = parts.split_at(parts.len() - 1);
        let common = open.iter().zip(dirs).take_while(|(a, b)| a == b).count();
        open.truncate(common);
        for (depth, d) in dirs.iter().enumerate().skip(common) {
            tree.push(TreeRow {
                depth,
                name: (*d).to_owned(),
                folder: true,
                size: 0,
                sha256: String::new(),
                mode: String::new(),
            });
            open.push(d);
        }
        tree.push(TreeRow {
            depth: dirs.len(),
            name: file.first().copied().unwrap_or_default().to_owned(),
            folder: false,
            size,
            sha256: sha256[..16].to_owned(),
            mode,
        });
    }
    let images = r
        .artefacts
        .iter()
        .filter_map(|a| match a {
            Artefact::OciImage { repository, tag, sha256, .. } => Some((
                format!("{repository}{}", tag.as_ref().map(|t| format!(":{t}")).unwrap_or_default()),
                sha256.to_string(),
            )),
            Artefact::File { .. } | Artefact::Directory { .. } => None,
        })
        .collect();
    let mut chain = vec![Link { version: r.version.clone(), manifest_sha256: manifest_sha256.to_string(), this: true }];
    if let Some(p) = &r.previous {
        chain.push(Link { version: p.version.clone(), manifest_sha256: p.manifest_sha256.to_string(), this: false });
    }
    let component_count = components.len();
    components.truncate(COMPONENTS);
    ReleaseView {
        name: name.to_owned(),
        service: r.service.clone(),
        version: r.version.clone(),
        channel: r.channel.clone(),
        released_at: r.released_at.to_rfc3339(),
        source: format!("{} @ {}", r.source.repository, r.source.commit),
        files: count,
        tree,
        images,
        components,
        component_count,
        chain,
    }
}

// ------------------------------------------------------------------- segment

/// One event as listed and drawn.
#[derive(Debug, Clone)]
pub(crate) struct EventRow {
    pub(crate) sequence: u64,
    pub(crate) occurred_at: DateTime<Utc>,
    pub(crate) asset: String,
    pub(crate) actor: String,
    pub(crate) category: String,
    pub(crate) action: String,
    pub(crate) result: String,
}

impl EventRow {
    /// The row of an event.
    pub(crate) fn of(e: &MaintenanceEvent) -> Self {
        Self {
            sequence: e.sequence,
            occurred_at: e.occurred_at,
            asset: e.asset.id.clone(),
            actor: e.actor.id.clone(),
            category: enum_name(&e.category),
            action: e.action.clone(),
            result: enum_name(&e.result),
        }
    }

    /// The time as shown.
    pub(crate) fn time(&self) -> String {
        self.occurred_at.format("%Y-%m-%d %H:%M:%S%.3fZ").to_string()
    }
}

/// A dot of the timeline.
#[derive(Debug)]
pub(crate) struct Dot {
    pub(crate) x: f64,
    pub(crate) y: f64,
    /// `success`, `failure` or `unknown`: the dot's colour.
    pub(crate) result: String,
    pub(crate) title: String,
}

/// Events drawn by asset (one lane each) and time.
#[derive(Debug)]
pub(crate) struct Timeline {
    pub(crate) width: f64,
    pub(crate) height: f64,
    pub(crate) left: f64,
    pub(crate) right: f64,
    pub(crate) lanes: Vec<(f64, String)>,
    pub(crate) dots: Vec<Dot>,
    pub(crate) start: String,
    pub(crate) end: String,
    pub(crate) axis_y: f64,
}

/// Lanes drawn at most; further assets share the last ("…").
const LANES: usize = 16;

impl Timeline {
    /// The timeline of `rows`; `None` when there are none.
    pub(crate) fn of(rows: &[EventRow], others: &str) -> Option<Self> {
        let first = rows.iter().map(|r| r.occurred_at).min()?;
        let last = rows.iter().map(|r| r.occurred_at).max()?;
        let mut assets: Vec<&str> = rows.iter().map(|r| r.asset.as_str()).collect();
        assets.sort_unstable();
        assets.dedup();
        let lane_of = |a: &str| assets.iter().position(|x| *x == a).unwrap_or(0).min(LANES - 1);
        let lanes_used = assets.len().min(LANES);
        let (width, left, right, lane_h, top) = (760.0, 150.0, 745.0, 22.0, 12.0);
        let span = (last - first).num_milliseconds().max(1) as f64;
        let lanes = (0..lanes_used)
            .map(|i| {
                let label =
                    if i == LANES - 1 && assets.len() > LANES { others.to_owned() } else { assets[i].to_owned() };
                (r1(top + lane_h * i as f64 + lane_h / 2.0), label)
            })
            .collect();
        let dots = rows
            .iter()
            .map(|r| Dot {
                x: r1(left + (r.occurred_at - first).num_milliseconds() as f64 / span * (right - left)),
                y: r1(top + lane_h * lane_of(&r.asset) as f64 + lane_h / 2.0),
                result: r.result.clone(),
                title: format!("#{} {} {} {} {}", r.sequence, r.time(), r.actor, r.action, r.result),
            })
            .collect();
        let axis_y = top + lane_h * lanes_used as f64 + 4.0;
        Some(Self {
            width,
            height: axis_y + 20.0,
            left,
            right,
            lanes,
            dots,
            start: first.format("%Y-%m-%d %H:%M:%SZ").to_string(),
            end: last.format("%Y-%m-%d %H:%M:%SZ").to_string(),
            axis_y,
        })
    }
}

/// A maintenance segment, as shown.
#[derive(Debug)]
pub(crate) struct SegmentView {
    pub(crate) name: String,
    pub(crate) stream: String,
    pub(crate) first: u64,
    pub(crate) last: u64,
    pub(crate) count: u64,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) timeline: Option<Timeline>,
    pub(crate) rows: Vec<EventRow>,
}

fn segment(name: &str, package: &Package, s: &Strings) -> Result<SegmentView, String> {
    let Document::MaintenanceSegment(seg) = package_document(package, "manifest", s)? else {
        return Err(format!("{} maintenance-segment", s.view.manifest_not));
    };
    let seg: MaintenanceSegment = *seg;
    let (_, events) = package.member("events").ok_or_else(|| format!("{} \"events\"", s.view.no_member))?;
    let text = std::str::from_utf8(events).map_err(|e| format!("events: not UTF-8: {e}"))?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate().take(EVENTS) {
        let e: MaintenanceEvent = serde_json::from_str(line).map_err(|e| format!("events line {}: {e}", i + 1))?;
        rows.push(EventRow::of(&e));
    }
    Ok(SegmentView {
        name: name.to_owned(),
        stream: seg.stream.clone(),
        first: seg.first_sequence,
        last: seg.last_sequence,
        count: seg.event_count,
        from: seg.time_range.from.to_rfc3339(),
        to: seg.time_range.to.to_rfc3339(),
        timeline: Timeline::of(&rows, "…"),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lading_model::bundle::{BundleIndex, Member};

    fn zip_of_kind(kind: &str) -> Vec<u8> {
        let bytes = b"{}".to_vec();
        Package {
            index: BundleIndex {
                format: lading_model::bundle::BUNDLE_FORMAT.into(),
                kind: kind.into(),
                members: vec![Member {
                    path: "manifest.json".into(),
                    sha256: Sha256Digest::of(&bytes),
                    size: 2,
                    media_type: "application/json".into(),
                    role: "manifest".into(),
                }],
            },
            files: vec![bytes],
        }
        .to_zip()
        .expect("zip")
    }

    /// A release given as a bare signed document (not a package): its version chain, file tree and
    /// images from the manifest, and no SBOM components, which only a package carries.
    #[test]
    fn a_release_given_as_a_signed_document_shows_its_manifest() {
        let s = crate::i18n::Lang::En.strings();
        let doc = lading_model::example(
            lading_model::Kind::SaasRelease,
            uuid::Uuid::nil(),
            chrono::DateTime::from_timestamp(1_790_000_000, 0).expect("time"),
        );
        let key = lading_crypto::SigningKey::generate(lading_crypto::Algorithm::Ed25519).expect("key");
        let envelope = lading_crypto::sign_document(&doc, &key).expect("sign");
        let bytes = serde_json::to_vec(&envelope.to_json()).expect("json");
        let bundle = lading_trust::verify::assemble(vec![(
            "deliverable",
            "release.dsse.json".into(),
            "application/json",
            bytes,
        )])
        .expect("bundle")
        .to_zip()
        .expect("zip");
        let views = views(&bundle, s);
        let [View::Release(r)] = views.as_slice() else { panic!("{views:?}") };
        assert_eq!((r.service.as_str(), r.version.as_str(), r.files), ("example-mes-cloud", "2.4.0", 2));
        let names: Vec<(&str, bool, usize)> = r.tree.iter().map(|t| (t.name.as_str(), t.folder, t.depth)).collect();
        assert_eq!(
            names,
            [("bin", true, 0), ("mes-server", false, 1), ("sbom", true, 0), ("mes-server.cdx.json", false, 1)]
        );
        assert_eq!(r.images.len(), 1);
        assert!(r.components.is_empty() && r.component_count == 0);
        assert!(r.chain.iter().any(|l| format!("{l:?}").contains("2.3.1")), "{:?}", r.chain);
    }

    #[test]
    fn deliverables_that_cannot_be_read_say_why_and_a_bundle_that_does_not_open_shows_none() {
        let s = crate::i18n::Lang::En.strings();
        let bundle = lading_trust::verify::assemble(vec![
            ("deliverable", "junk.json".into(), "application/json", b"not an envelope".to_vec()),
            ("deliverable", "other.lading".into(), "application/zip", zip_of_kind("something-else")),
            ("deliverable", "release.lading".into(), "application/zip", zip_of_kind("saas-release")),
            ("deliverable", "cut.lading".into(), "application/zip", b"PK\x03\x04 truncated".to_vec()),
        ])
        .expect("bundle")
        .to_zip()
        .expect("zip");
        let views = views(&bundle, s);
        assert_eq!(views.len(), 4);
        let why: Vec<(String, String)> = views
            .into_iter()
            .map(|v| match v {
                View::Unreadable { name, why } => (name, why),
                other => panic!("{other:?} shown"),
            })
            .collect();
        assert_eq!(why[0].0, "junk.json");
        assert!(why[1].1.contains("no view for \"something-else\""), "{why:?}");
        assert!(why[2].1.contains("manifest.json"), "{why:?}");
        assert!(!why[3].1.is_empty(), "{why:?}");
        assert!(super::views(b"not a zip", s).is_empty());
    }
}
