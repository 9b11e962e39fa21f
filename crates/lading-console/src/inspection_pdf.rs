//! An inspection report as PDF/A-3b (`lading inspect render --pdf`), in
//! English or Simplified Chinese: the lot's decision, the facts and the
//! sampling plan as the console shows them ([`crate::deliverables`]'s view),
//! and every non-conforming item's image with its detection boxes drawn.
//! The report's own JSON is attached (`AFRelationship` `Source`).

use std::collections::BTreeMap;
use std::sync::Arc;

use lading_inspect::render::{Picture, drawn_boxes};
use lading_model::inspection::{InspectionReport, Verdict};
use lading_report::{Attachment, Block, Doc, Mark, Relationship, Row, Stamp, Tone};

use crate::deliverables::inspection;
use crate::i18n::Lang;

/// The PDF document of `report` (named `name`), whose JSON is `json`, with the
/// images of `images` (bytes by lowercase SHA-256 hex) that the report's
/// non-conforming items record.
pub fn inspection_doc(
    name: &str,
    report: &InspectionReport,
    json: &[u8],
    images: &BTreeMap<String, Vec<u8>>,
    lang: Lang,
    created: Stamp,
) -> Doc {
    let s = lang.strings();
    let v = &s.view;
    let by_digest: BTreeMap<String, &[u8]> = images.iter().map(|(k, b)| (k.clone(), b.as_slice())).collect();
    let view = inspection(name, report, &by_digest, s);
    let mut facts = vec![
        (v.lot.to_owned(), view.lot.clone()),
        (v.part.to_owned(), view.part.clone()),
        (v.client.to_owned(), view.client.clone()),
        (v.lot_size.to_owned(), view.lot_size.to_string()),
        (v.inspected.to_owned(), view.inspected.to_string()),
        (v.model.to_owned(), view.model.clone()),
        (format!("{} SHA-256", v.model), view.model_sha256.clone()),
        (v.runtime.to_owned(), view.runtime.clone()),
    ];
    match &view.sampling {
        Some((letter, n, seed, level)) => {
            facts.push((v.level.to_owned(), level.clone()));
            facts.push((v.code_letter.to_owned(), letter.clone()));
            facts.push((v.sample_size.to_owned(), n.to_string()));
            facts.push((v.seed.to_owned(), seed.clone()));
        }
        None => facts.push((v.sampling_plan.to_owned(), v.full_inspection.to_owned())),
    }
    let mut blocks = vec![
        Block::Title(format!("{} · {}", v.inspection, view.lot)),
        Block::Banner {
            text: (if view.accepted { v.lot_accepted } else { v.lot_rejected }).to_owned(),
            tone: if view.accepted { Tone::Good } else { Tone::Bad },
        },
        Block::Facts(facts.into_iter().map(|(l, v)| (l, v, Tone::Plain)).collect()),
    ];
    if view.imported {
        blocks.push(Block::Text(v.imported.to_owned()));
    }
    blocks.push(Block::Heading(v.sampling_plan.to_owned()));
    blocks.push(Block::Table {
        columns: vec![
            v.col_class.into(),
            v.col_aql.into(),
            v.col_accept.into(),
            v.col_reject.into(),
            v.col_found.into(),
            s.col_result.into(),
        ],
        widths: vec![1.4, 0.8, 0.8, 0.8, 0.8, 1.0],
        rows: view
            .classes
            .iter()
            .map(|c| Row {
                tone: if c.ok { Tone::Good } else { Tone::Bad },
                cells: vec![
                    c.class.clone(),
                    c.aql.clone(),
                    c.accept.to_string(),
                    c.reject.clone(),
                    c.found.to_string(),
                    (if c.ok { s.pass } else { s.fail }).to_owned(),
                ],
            })
            .collect(),
    });
    let failing: Vec<_> = report.items.iter().filter(|i| i.effective_verdict() == Verdict::Fail).collect();
    blocks.push(Block::Heading(format!("{} ({})", v.non_conforming, failing.len())));
    if failing.is_empty() {
        blocks.push(Block::Text(v.none.to_owned()));
    }
    for item in failing {
        let mut caption = format!(
            "{} · {} {} · {}",
            item.image.name,
            v.item,
            item.position,
            item.effective_defect_classes().join(", ")
        );
        if let Some(r) = &item.review {
            caption.push_str(&format!(" · {} {}: {}", v.reviewed, r.reviewer, r.reason));
        }
        let picture = images.get(&item.image.sha256.to_hex()).and_then(|b| Picture::from_bytes(b.clone()));
        match picture {
            Some(p) => {
                let marks = drawn_boxes(report, item, p.size)
                    .into_iter()
                    .map(|b| Mark {
                        x: b.x as f32,
                        y: b.y as f32,
                        width: b.width as f32,
                        height: b.height as f32,
                        label: b.label,
                    })
                    .collect();
                blocks.push(Block::Image { name: item.image.name.clone(), bytes: Arc::new(p.bytes), marks, caption });
            }
            None => blocks.push(Block::Text(format!("{caption}\n{}", v.no_image))),
        }
    }
    let title = format!("{} · {}", v.inspection, view.lot);
    Doc {
        title: title.clone(),
        lang: lang.tag().into(),
        subject: title,
        created,
        blocks,
        attachments: vec![Attachment {
            name: "inspection-report.json".into(),
            mime: "application/json".into(),
            description: v.inspection.into(),
            relationship: Relationship::Source,
            bytes: json.to_vec(),
        }],
    }
}
