//! Arbitrary input never panics: every source parser and the segment
//! verifier answer with errors, and a verifier never passes altered bytes.

use chrono::Utc;
use lading_maint::{Context, Format, parse, verify};
use proptest::prelude::*;

fn ctx() -> Context {
    let meta =
        lading_model::example(lading_model::Kind::MaintenanceEvent, uuid::Uuid::nil(), Utc::now())["meta"].clone();
    Context { stream: "s".into(), meta: serde_json::from_value(meta).expect("meta"), observed_at: Utc::now() }
}

const SYSLOG: &str = r#"<134>1 2026-11-22T08:00:00.000Z cnc-0019 maint-agent 4711 SESSION [maint@32473 event_id="sl-0001" actor="svc" auth="service-account" access="api" category="access-control" action="session.open" result="success"] opened"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_in_every_format_gives_results_not_panics(text in ".{0,400}") {
        let ctx = ctx();
        for format in [Format::Jsonl, Format::Syslog, Format::OtlpJson] {
            let _ = parse(format, &ctx, &text);
            let _ = lading_maint::prepare(format, &ctx, &text);
        }
    }

    #[test]
    fn bytes_and_text_split_into_the_same_lines(text in "(\\PC|\r|\n){0,200}") {
        // prepare_bytes must read valid UTF-8 exactly as prepare reads text:
        // same line numbers, same results (CRLF, a bare CR, a final line
        // without LF included).
        let ctx = ctx();
        for format in [Format::Jsonl, Format::Syslog, Format::OtlpJson] {
            let from_text: Vec<_> = lading_maint::prepare(format, &ctx, &text).into_iter().map(|r| r.err()).collect();
            let from_bytes: Vec<_> =
                lading_maint::prepare_bytes(format, &ctx, text.as_bytes()).into_iter().map(|r| r.err()).collect();
            prop_assert_eq!(from_text, from_bytes);
        }
    }

    #[test]
    fn mutated_syslog_lines_never_panic(at in 0usize..200, byte in 32u8..127) {
        let mut bytes = SYSLOG.as_bytes().to_vec();
        let at = at % bytes.len();
        bytes[at] = byte;
        let text = String::from_utf8(bytes).expect("ascii");
        let _ = lading_maint::syslog::parse_line(&text);
        let _ = parse(Format::Syslog, &ctx(), &text);
    }

    #[test]
    fn arbitrary_otlp_bodies_are_refused_or_decoded(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = lading_maint::otlp::decode_protobuf(&bytes);
        let _ = lading_maint::otlp::decode_json(&bytes);
    }

    #[test]
    fn arbitrary_packages_never_verify(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let (_, vkey) = keypair();
        let v = verify(&bytes, &vkey);
        prop_assert!(!v.ok());
    }
}

fn keypair() -> (lading_tlog::NoteSigner, lading_tlog::NoteVerifier) {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    let signer = lading_tlog::NoteSigner::new("example.com/s", lading_tlog::KeyKind::Ed25519, key).expect("signer");
    let verifier = signer.verifier().clone();
    (signer, verifier)
}

/// A real segment: 40 events in a log of 50, [5, 45) exported.
fn segment_package() -> (Vec<u8>, lading_tlog::NoteVerifier) {
    use std::collections::HashSet;

    let (signer, verifier) = keypair();
    let ctx = ctx();
    let text: String = (0..50)
        .map(|i| {
            SYSLOG.replace("sl-0001", &format!("sl-{i:04}")).replace("08:00:00.000Z", &format!("08:{:02}:00.000Z", i))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let state =
        lading_maint::StreamState { next_sequence: 0, latest_occurred: None, tolerance: chrono::Duration::seconds(5) };
    let out = lading_maint::sequence_batch(lading_maint::prepare(Format::Syslog, &ctx, &text), state, &HashSet::new());
    assert!(out.rejected.is_empty(), "{:?}", out.rejected);
    let entries: Vec<Vec<u8>> = out.accepted.into_iter().map(|s| s.entry).collect();
    let mut tree = lading_tlog::MemoryTree::new();
    for e in &entries {
        tree.push(e);
    }
    let root = lading_tlog::tree_hash(&tree, 50).expect("root");
    let cp = lading_tlog::Checkpoint { origin: "example.com/s".into(), size: 50, root, extensions: Vec::new() };
    let note = cp.sign(&signer).expect("sign").to_text();
    let proof = lading_tlog::range_proof(&tree, 5, 45, 50).expect("proof");
    let x = lading_maint::Export {
        meta: ctx.meta.clone(),
        stream: "s",
        first_sequence: 5,
        entries: &entries[5..45],
        checkpoint: &note,
        proof: &proof,
        clock_tolerance_ms: 5_000,
        retention: chrono::Duration::days(180),
        key: &lading_crypto::SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&[7u8; 32])),
    };
    let (_, bytes) = lading_maint::export(&x).expect("export");
    (bytes, verifier)
}

#[test]
fn a_real_segment_verifies() {
    let (bytes, vkey) = segment_package();
    let v = verify(&bytes, &vkey);
    assert!(v.ok(), "{:?}", v.checks);
    assert_eq!(v.timeline.len(), 40);
}

/// DSSE leaves `keyid` unsigned and ignores unknown fields: renaming the
/// field (found by the proptest below) must still fail the segment.
#[test]
fn an_unsigned_envelope_field_changed_fails_verification() {
    let (bytes, vkey) = segment_package();
    let mut p = lading_model::bundle::Package::from_zip(&bytes).expect("package");
    let m = p.index.members.iter().position(|x| x.path == lading_maint::segment::SEGMENT_DSSE).expect("envelope");
    let text = String::from_utf8(p.files[m].clone()).expect("utf-8");
    for edited in
        [text.replace("\"keyid\"", "\"keyi*\""), text.replacen("\"sig\"", "\"note\": \"x\",\n      \"sig\"", 1)]
    {
        assert_ne!(edited, text);
        p.files[m] = edited.into_bytes();
        p.index.members[m].sha256 = lading_model::Sha256Digest::of(&p.files[m]);
        p.index.members[m].size = p.files[m].len() as u64;
        let v = verify(&p.to_zip().expect("zip"), &vkey);
        assert!(!v.ok());
        let why = format!("{:?}", v.checks);
        assert!(why.contains("not the envelope as written"), "{why}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any byte of any member changed — even with bundle.json's digests
    /// recomputed — and the segment no longer verifies.
    #[test]
    fn any_altered_byte_fails_verification(member in 0usize..5, at in any::<usize>(), xor in 1u8..=255) {
        static SEGMENT: std::sync::OnceLock<(Vec<u8>, lading_tlog::NoteVerifier)> = std::sync::OnceLock::new();
        let (bytes, vkey) = SEGMENT.get_or_init(segment_package);
        let mut p = lading_model::bundle::Package::from_zip(bytes).expect("package");
        let m = member % p.files.len();
        let len = p.files[m].len();
        prop_assume!(len > 0);
        p.files[m][at % len] ^= xor;
        p.index.members[m].sha256 = lading_model::Sha256Digest::of(&p.files[m]);
        p.index.members[m].size = p.files[m].len() as u64;
        let v = verify(&p.to_zip().expect("zip"), vkey);
        prop_assert!(!v.ok(), "member {} byte {} ^ {xor} still verified", p.index.members[m].path, at % len);
    }
}

#[test]
fn a_line_that_is_not_utf8_is_refused_alone() {
    let mut bytes = format!("{SYSLOG}\n").into_bytes();
    bytes.extend_from_slice(b"<134>1 2026-11-22T08:00:00Z h a - - - bad \xff\xfe here\r\n");
    bytes.extend_from_slice(SYSLOG.replace("sl-0001", "sl-0002").as_bytes());
    let results = lading_maint::prepare_bytes(Format::Syslog, &ctx(), &bytes);
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[2].is_ok(), "{results:?}");
    let err = results[1].as_ref().expect_err("line 2 is not UTF-8");
    assert_eq!(err.line, 2);
    assert_eq!(err.message, "not UTF-8 (byte 43 of the line)");
}
