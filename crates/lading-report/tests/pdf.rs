//! A PDF/A-3b document with Chinese text and an attachment: rendered twice
//! to the same bytes, read back to the same attachment and text.

#![allow(clippy::print_stderr)] // A skipped test says so.

use lading_report::read::{Limits, Report};
use lading_report::{Attachment, Block, Doc, Fonts, Relationship, Row, Stamp, Tone};

fn fonts() -> Option<Fonts> {
    match std::fs::read(lading_report::DEBIAN_NOTO_CJK) {
        Ok(b) => {
            Some(Fonts::from_collection(b, lading_report::NOTO_CJK_SC, lading_report::NOTO_CJK_SC_MONO).expect("font"))
        }
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{}: {e} (apt-get install fonts-noto-cjk)",
                lading_report::DEBIAN_NOTO_CJK
            );
            eprintln!("SKIPPED: {}: {e} (apt-get install fonts-noto-cjk)", lading_report::DEBIAN_NOTO_CJK);
            None
        }
    }
}

fn doc(bundle: &[u8]) -> Doc {
    Doc {
        title: "核验结论 verdict".into(),
        lang: "zh-CN".into(),
        subject: "test".into(),
        created: Stamp { year: 2026, month: 12, day: 5, hour: 12, minute: 30, second: 0 },
        blocks: vec![
            Block::Title("证据包核验结论".into()),
            Block::Banner { text: "验证通过".into(), tone: Tone::Good },
            Block::Facts(vec![("证据包 SHA-256".into(), "ab".repeat(32), Tone::Plain)]),
            Block::Table {
                columns: vec!["检查项".into(), "结果".into()],
                widths: vec![1.0, 1.0],
                rows: (0..80)
                    .map(|i| Row { tone: Tone::Warning, cells: vec![format!("检查 {i}"), "警告".into()] })
                    .collect(),
            },
        ],
        attachments: vec![Attachment {
            name: "evidence.lading".into(),
            mime: "application/zip".into(),
            description: "证据包".into(),
            relationship: Relationship::Source,
            bytes: bundle.to_vec(),
        }],
    }
}

#[test]
fn same_document_same_bytes_and_the_attachment_and_text_read_back() {
    let Some(fonts) = fonts() else { return };
    let bundle = b"PK\x03\x04 not really a zip, but bytes".to_vec();
    let a = lading_report::render(&doc(&bundle), &fonts).expect("render");
    let b = lading_report::render(&doc(&bundle), &fonts).expect("render");
    assert!(a == b, "two renderings differ");
    let report = Report::parse(&a, Limits::default()).expect("parse");
    let carried = report.attachments().expect("attachments");
    assert_eq!(carried.len(), 1);
    assert_eq!(carried[0].name, "evidence.lading");
    assert_eq!(carried[0].relationship.as_deref(), Some("Source"));
    assert_eq!(carried[0].bytes, bundle);
    let text = report.page_text().expect("text");
    assert!(text.len() >= 2, "80 rows take more than one page");
    assert!(text[0].contains("验证通过"), "{}", text[0]);
    assert!(text[0].contains(&"ab".repeat(8)), "{}", text[0]);
    let other = lading_report::render(&doc(b"other bytes"), &fonts).expect("render");
    assert_ne!(a, other);
}

#[test]
fn caps_refuse_a_large_pdf_and_junk_is_an_error() {
    assert!(Report::parse(&[0u8; 2048], Limits { pdf: 1024, stream: 1024 }).is_err());
    assert!(Report::parse(b"%PDF-1.7\nnot a pdf", Limits::default()).is_err());
}
